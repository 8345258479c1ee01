//! Keys: Ed25519 signing keys (root and issuer roles), X25519 responder keys, key ids, key files.
//!
//! Key files are small JSON documents. Public key files are plain. A private key file holds the
//! 32-byte secret sealed with ChaCha20/Poly1305 under a key derived from a passphrase with
//! Argon2id (RFC 9106); the role, key id and public key are the AEAD's associated data, so a
//! file whose header is edited fails to open. Why not the `age` passphrase format: age uses
//! scrypt, brings a large dependency tree into a crate that must build for the browser, and we
//! already depend on the AEAD; this format is a dozen lines in any language.
//! `Protection::InsecurePlaintext` writes the secret in the clear and exists only for demos
//! and tests; such keys report [`is_insecure`](SigningKey::is_insecure).

use std::fmt;

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::vocab::Lang;

/// Length of a key id in bytes.
///
/// Four bytes tell apart the few dozen keys a trust list holds (the trust list builder refuses
/// a collision), and every card carries two of them.
pub const KEY_ID_LEN: usize = 4;

/// Identifies a public key: the first 4 bytes of SHA-256 over a type label and the key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; KEY_ID_LEN]);

impl KeyId {
    fn derive(label: &[u8], public: &[u8; 32]) -> KeyId {
        let digest = Sha256::new()
            .chain_update(label)
            .chain_update(public)
            .finalize();
        let mut id = [0; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        KeyId(id)
    }

    /// Key id from bytes of the right length.
    pub fn from_slice(b: &[u8]) -> Option<KeyId> {
        b.try_into().ok().map(KeyId)
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 8 hex digits.
    pub fn from_hex(s: &str) -> Option<KeyId> {
        KeyId::from_slice(&hex::decode(s).ok()?)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

const ED25519_LABEL: &[u8] = b"helpcard ed25519 key id\0";
const X25519_LABEL: &[u8] = b"helpcard x25519 key id\0";

/// What a key is for. Root and issuer keys are both Ed25519, but a file says which it is so a
/// root key is never used to sign cards by mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Signs trust lists; its public key is pinned in every scanner.
    Root,
    /// Signs cards and revocation lists.
    Issuer,
    /// Decrypts private parts (a responder group: a facility, a team).
    Responder,
}

impl Role {
    /// The role's name in `lang` (ルート, 発行者, 応答者).
    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Role::Root => lang.pick("ルート", "root", "おおもと"),
            Role::Issuer => lang.pick("発行者", "issuer", "カードを だす ところ"),
            Role::Responder => lang.pick("応答者", "responder", "たすける ひと"),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Root => "root",
            Role::Issuer => "issuer",
            Role::Responder => "responder",
        })
    }
}

/// An Ed25519 secret key (root or issuer). Zeroized on drop; `Debug` shows only the key id.
pub struct SigningKey {
    key: ed25519_dalek::SigningKey,
    insecure: bool,
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

/// An X25519 responder secret key. Zeroized on drop; `Debug` shows only the key id.
pub struct ResponderKey {
    key: x25519_dalek::StaticSecret,
    insecure: bool,
}

/// An X25519 responder public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ResponderPublicKey(x25519_dalek::PublicKey);

fn random_secret(rng: &mut impl CryptoRngCore) -> Zeroizing<[u8; 32]> {
    let mut secret = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(secret.as_mut());
    secret
}

impl SigningKey {
    /// A fresh key from `rng` (32 bytes).
    pub fn generate(rng: &mut impl CryptoRngCore) -> SigningKey {
        SigningKey::from_secret_bytes(&random_secret(rng))
    }

    /// The key with this 32-byte secret (RFC 8032 seed).
    pub fn from_secret_bytes(secret: &[u8; 32]) -> SigningKey {
        SigningKey {
            key: ed25519_dalek::SigningKey::from_bytes(secret),
            insecure: false,
        }
    }

    /// The public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.key.verifying_key())
    }

    /// The key id of the public key.
    pub fn key_id(&self) -> KeyId {
        self.verifying_key().key_id()
    }

    /// Signs `message` (RFC 8032 Ed25519).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.key.sign(message).to_bytes()
    }

    /// True if this key was loaded from an unprotected (demo) key file.
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    /// Writes a private key file for `role` (root or issuer).
    pub fn to_file(
        &self,
        role: Role,
        protection: Protection<'_>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<String, KeyError> {
        if role == Role::Responder {
            return Err(KeyError::WrongRole {
                expected: Role::Issuer,
                found: role,
            });
        }
        let secret = Zeroizing::new(self.key.to_bytes());
        seal(
            role,
            self.key_id(),
            &self.verifying_key().to_bytes(),
            &secret,
            protection,
            rng,
        )
    }

    /// Reads a private key file of `role`; `passphrase` is `None` only for unprotected files.
    pub fn from_file(
        text: &str,
        role: Role,
        passphrase: Option<&str>,
    ) -> Result<SigningKey, KeyError> {
        let (secret, insecure) = unseal(text, role, passphrase)?;
        let mut key = SigningKey::from_secret_bytes(&secret);
        key.insecure = insecure;
        check_public(text, &key.verifying_key().to_bytes())?;
        Ok(key)
    }
}

impl VerifyingKey {
    /// Parses a 32-byte Ed25519 public key.
    pub fn from_bytes(b: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(b)
            .map(VerifyingKey)
            .map_err(|_| KeyError::Malformed("not an Ed25519 public key".into()))
    }

    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        KeyId::derive(ED25519_LABEL, &self.to_bytes())
    }

    /// Verifies an Ed25519 signature, rejecting non-canonical and small-order encodings.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.0.verify_strict(message, &sig).is_ok()
    }

    /// Writes a public key file.
    pub fn to_file(&self, role: Role) -> String {
        public_file(role, self.key_id(), &self.to_bytes())
    }

    /// Reads a public key file of `role`.
    pub fn from_file(text: &str, role: Role) -> Result<VerifyingKey, KeyError> {
        let b = read_public_file(text, role)?;
        VerifyingKey::from_bytes(&b)
    }
}

impl ResponderKey {
    /// A fresh key from `rng` (32 bytes).
    pub fn generate(rng: &mut impl CryptoRngCore) -> ResponderKey {
        ResponderKey::from_secret_bytes(&random_secret(rng))
    }

    /// The key with this 32-byte secret scalar (clamped by X25519).
    pub fn from_secret_bytes(secret: &[u8; 32]) -> ResponderKey {
        ResponderKey {
            key: x25519_dalek::StaticSecret::from(*secret),
            insecure: false,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> ResponderPublicKey {
        ResponderPublicKey(x25519_dalek::PublicKey::from(&self.key))
    }

    /// The key id of the public key.
    pub fn key_id(&self) -> KeyId {
        self.public_key().key_id()
    }

    /// X25519 with a peer's public key; `None` if the result is all zeros (a small-order peer
    /// key), which must never be used as key material.
    pub fn agree(&self, peer: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
        let shared = self
            .key
            .diffie_hellman(&x25519_dalek::PublicKey::from(*peer));
        shared
            .was_contributory()
            .then(|| Zeroizing::new(shared.to_bytes()))
    }

    /// True if this key was loaded from an unprotected (demo) key file.
    pub fn is_insecure(&self) -> bool {
        self.insecure
    }

    /// Writes a private key file.
    pub fn to_file(
        &self,
        protection: Protection<'_>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<String, KeyError> {
        let secret = Zeroizing::new(self.key.to_bytes());
        let public = self.public_key();
        seal(
            Role::Responder,
            public.key_id(),
            &public.to_bytes(),
            &secret,
            protection,
            rng,
        )
    }

    /// Reads a private key file; `passphrase` is `None` only for unprotected files.
    pub fn from_file(text: &str, passphrase: Option<&str>) -> Result<ResponderKey, KeyError> {
        let (secret, insecure) = unseal(text, Role::Responder, passphrase)?;
        let mut key = ResponderKey::from_secret_bytes(&secret);
        key.insecure = insecure;
        check_public(text, &key.public_key().to_bytes())?;
        Ok(key)
    }
}

impl ResponderPublicKey {
    /// A 32-byte X25519 public key.
    pub fn from_bytes(b: [u8; 32]) -> ResponderPublicKey {
        ResponderPublicKey(x25519_dalek::PublicKey::from(b))
    }

    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        KeyId::derive(X25519_LABEL, &self.to_bytes())
    }

    /// Writes a public key file.
    pub fn to_file(&self) -> String {
        public_file(Role::Responder, self.key_id(), &self.to_bytes())
    }

    /// Reads a public key file.
    pub fn from_file(text: &str) -> Result<ResponderPublicKey, KeyError> {
        read_public_file(text, Role::Responder).map(ResponderPublicKey::from_bytes)
    }

    /// An ephemeral key pair for one card: `(ephemeral public, shared secret)`, or `None` if
    /// this public key is of small order.
    pub(crate) fn agree_ephemeral(
        &self,
        secret: &[u8; 32],
    ) -> Option<([u8; 32], Zeroizing<[u8; 32]>)> {
        let eph = ResponderKey::from_secret_bytes(secret);
        let shared = eph.agree(&self.to_bytes())?;
        Some((eph.public_key().to_bytes(), shared))
    }
}

macro_rules! debug_by_key_id {
    ($($t:ty: $f:ident),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($t), "({})"), self.$f())
            }
        }
    )*};
}
debug_by_key_id!(SigningKey: key_id, VerifyingKey: key_id, ResponderKey: key_id, ResponderPublicKey: key_id);

/// How a private key file protects its secret.
#[derive(Clone, Copy)]
pub enum Protection<'a> {
    /// Argon2id + ChaCha20/Poly1305 under this passphrase with default cost.
    Passphrase(&'a str),
    /// As `Passphrase`, with explicit Argon2id cost (tests use a small cost).
    PassphraseWithCost(&'a str, KdfCost),
    /// The secret in the clear. For demos and tests only; never for real keys.
    InsecurePlaintext,
}

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfCost {
    /// OWASP's Argon2id recommendation (19 MiB, 2 passes, 1 lane): a fraction of a second on an
    /// office PC and in a browser.
    pub const DEFAULT: KdfCost = KdfCost {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };
    /// Bounds accepted when reading, so a hostile or broken file cannot make opening it cost
    /// a gigabyte and half a minute (1 GiB × 16 passes was accepted before): 256 MiB, 6 passes,
    /// 4 lanes — about three seconds on an office PC, and still 13 times the default memory.
    const MAX: KdfCost = KdfCost {
        m_kib: 256 * 1024,
        t: 6,
        p: 4,
    };
}

/// Why a key file could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a helpcard key file, or a damaged one.
    #[error("not a valid helpcard key file: {0}")]
    Malformed(String),
    /// A key file of a format version this build does not know.
    #[error("key file format version {0} is not supported by this version of helpcard")]
    UnsupportedVersion(u32),
    /// The file holds a key for another purpose.
    #[error("this is a {found} key file, but a {expected} key is needed")]
    WrongRole {
        /// Role asked for.
        expected: Role,
        /// Role in the file.
        found: Role,
    },
    /// The file holds a public key where a private key is needed, or the reverse.
    #[error("this key file holds a {found} key, but a {expected} key is needed")]
    WrongKind {
        /// `public` or `private`.
        expected: &'static str,
        /// What the file holds.
        found: &'static str,
    },
    /// The file is passphrase-protected and no passphrase was given.
    #[error("this key file is protected by a passphrase; give the passphrase")]
    PassphraseRequired,
    /// The passphrase is wrong (or the file was altered).
    #[error("wrong passphrase, or the key file was altered")]
    WrongPassphrase,
    /// The secret does not match the public key written in the file.
    #[error("the key file is inconsistent: its secret does not match its public key")]
    Inconsistent,
}

impl KeyError {
    /// Stable code for audit rows and JSON: `key_malformed`, `key_unsupported_version`,
    /// `key_wrong_role`, `key_wrong_kind`, `passphrase_required`, `wrong_passphrase`,
    /// `key_inconsistent`.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Malformed(_) => "key_malformed",
            KeyError::UnsupportedVersion(_) => "key_unsupported_version",
            KeyError::WrongRole { .. } => "key_wrong_role",
            KeyError::WrongKind { .. } => "key_wrong_kind",
            KeyError::PassphraseRequired => "passphrase_required",
            KeyError::WrongPassphrase => "wrong_passphrase",
            KeyError::Inconsistent => "key_inconsistent",
        }
    }

    /// What happened, in `lang`, for the person giving the key (office staff, a kiosk's shift
    /// lead). English is the `Display` text; the parser's detail of a damaged file is there
    /// only.
    pub fn message(&self, lang: Lang) -> String {
        let easy = lang == Lang::EasyJa;
        let kind = |k: &str| match (k, easy) {
            ("public", false) => "公開鍵",
            ("public", true) => "みんなに みせる かぎ",
            (_, false) => "秘密鍵",
            (_, true) => "ひみつの かぎ",
        };
        let ja_easy = |ja: String, easy_words: String| if easy { easy_words } else { ja };
        match self {
            _ if lang == Lang::En => self.to_string(),
            KeyError::Malformed(_) => ja_easy(
                "helpcard の鍵ファイルではないか、壊れています。".into(),
                "この ファイルは つかえる かぎでは ありません。".into(),
            ),
            KeyError::UnsupportedVersion(v) => ja_easy(
                format!(
                    "この helpcard では読めない新しい形式（{v}）の鍵ファイルです。helpcard を更新してください。"
                ),
                format!(
                    "あたらしい かたち（{v}）の かぎです。helpcard を あたらしく して ください。"
                ),
            ),
            KeyError::WrongRole { expected, found } => ja_easy(
                format!(
                    "{}の鍵ファイルです。ここには{}の鍵が必要です。",
                    found.name(lang),
                    expected.name(lang)
                ),
                format!(
                    "{}の かぎです。ここでは {}の かぎを つかいます。",
                    found.name(lang),
                    expected.name(lang)
                ),
            ),
            KeyError::WrongKind { expected, found } => ja_easy(
                format!(
                    "{}のファイルです。ここには{}が必要です。",
                    kind(found),
                    kind(expected)
                ),
                format!(
                    "{}の ファイルです。ここでは {}を つかいます。",
                    kind(found),
                    kind(expected)
                ),
            ),
            KeyError::PassphraseRequired => ja_easy(
                "この鍵はパスフレーズで保護されています。パスフレーズを入力してください。".into(),
                "あいことばを いれて ください。".into(),
            ),
            KeyError::WrongPassphrase => ja_easy(
                "パスフレーズが違います（または鍵ファイルが書き換えられています）。".into(),
                "あいことばが ちがいます。".into(),
            ),
            KeyError::Inconsistent => ja_easy(
                "鍵ファイルの中身が食い違っています（秘密鍵と公開鍵が一致しません）。".into(),
                "かぎの ファイルが こわれて います。".into(),
            ),
        }
    }
}

const FILE_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    helpcard_key: u32,
    role: Role,
    kind: String,
    kid: String,
    public: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<Sealed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    insecure_plaintext_secret: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    kdf: String,
    cost: KdfCost,
    salt: String,
    nonce: String,
    ciphertext: String,
}

fn public_file(role: Role, kid: KeyId, public: &[u8; 32]) -> String {
    let file = KeyFile {
        helpcard_key: FILE_VERSION,
        role,
        kind: "public".into(),
        kid: kid.to_hex(),
        public: hex::encode(public),
        sealed: None,
        insecure_plaintext_secret: None,
    };
    serde_json::to_string_pretty(&file).expect("key file serialises") + "\n"
}

fn parse_file(text: &str, role: Role, kind: &'static str) -> Result<KeyFile, KeyError> {
    let file: KeyFile =
        serde_json::from_str(text).map_err(|e| KeyError::Malformed(e.to_string()))?;
    if file.helpcard_key != FILE_VERSION {
        return Err(KeyError::UnsupportedVersion(file.helpcard_key));
    }
    if file.role != role {
        return Err(KeyError::WrongRole {
            expected: role,
            found: file.role,
        });
    }
    if file.kind != kind {
        let found = if file.kind == "public" {
            "public"
        } else {
            "private"
        };
        return Err(KeyError::WrongKind {
            expected: kind,
            found,
        });
    }
    Ok(file)
}

fn hex32(s: &str, what: &str) -> Result<[u8; 32], KeyError> {
    let v = hex::decode(s).map_err(|_| KeyError::Malformed(format!("{what} is not hex")))?;
    v.try_into()
        .map_err(|_| KeyError::Malformed(format!("{what} is not 32 bytes")))
}

fn read_public_file(text: &str, role: Role) -> Result<[u8; 32], KeyError> {
    let file = parse_file(text, role, "public")?;
    let public = hex32(&file.public, "public")?;
    check_kid(&file, role, &public)?;
    Ok(public)
}

fn check_kid(file: &KeyFile, role: Role, public: &[u8; 32]) -> Result<(), KeyError> {
    let label = if role == Role::Responder {
        X25519_LABEL
    } else {
        ED25519_LABEL
    };
    if file.kid != KeyId::derive(label, public).to_hex() {
        return Err(KeyError::Malformed(
            "kid does not match the public key".into(),
        ));
    }
    Ok(())
}

fn associated_data(role: Role, kid: &str, public: &str) -> Vec<u8> {
    format!("helpcard-key/{FILE_VERSION}/{role}/{kid}/{public}").into_bytes()
}

fn derive_key(
    passphrase: &str,
    salt: &[u8],
    cost: KdfCost,
) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let params = argon2::Params::new(cost.m_kib, cost.t, cost.p, Some(32))
        .map_err(|e| KeyError::Malformed(format!("Argon2id parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|e| KeyError::Malformed(format!("Argon2id: {e}")))?;
    Ok(key)
}

fn seal(
    role: Role,
    kid: KeyId,
    public: &[u8; 32],
    secret: &[u8; 32],
    protection: Protection<'_>,
    rng: &mut impl CryptoRngCore,
) -> Result<String, KeyError> {
    let mut file = KeyFile {
        helpcard_key: FILE_VERSION,
        role,
        kind: "private".into(),
        kid: kid.to_hex(),
        public: hex::encode(public),
        sealed: None,
        insecure_plaintext_secret: None,
    };
    let (passphrase, cost) = match protection {
        Protection::InsecurePlaintext => {
            file.insecure_plaintext_secret = Some(hex::encode(secret));
            return Ok(serde_json::to_string_pretty(&file).expect("key file serialises") + "\n");
        }
        Protection::Passphrase(p) => (p, KdfCost::DEFAULT),
        Protection::PassphraseWithCost(p, c) => (p, c),
    };
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut nonce);
    let key = derive_key(passphrase, &salt, cost)?;
    let aad = associated_data(role, &file.kid, &file.public);
    let ciphertext = ChaCha20Poly1305::new(key.as_ref().into())
        .encrypt(
            &nonce.into(),
            Payload {
                msg: secret,
                aad: &aad,
            },
        )
        .map_err(|_| KeyError::Malformed("encryption failed".into()))?;
    file.sealed = Some(Sealed {
        kdf: "argon2id".into(),
        cost,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    });
    Ok(serde_json::to_string_pretty(&file).expect("key file serialises") + "\n")
}

fn unseal(
    text: &str,
    role: Role,
    passphrase: Option<&str>,
) -> Result<(Zeroizing<[u8; 32]>, bool), KeyError> {
    let file = parse_file(text, role, "private")?;
    match (&file.sealed, &file.insecure_plaintext_secret) {
        (None, Some(secret)) => {
            let secret = Zeroizing::new(hex32(secret, "secret")?);
            Ok((secret, true))
        }
        (Some(sealed), None) => {
            let passphrase = passphrase.ok_or(KeyError::PassphraseRequired)?;
            if sealed.kdf != "argon2id" {
                return Err(KeyError::Malformed(format!("unknown kdf {:?}", sealed.kdf)));
            }
            let (c, max) = (sealed.cost, KdfCost::MAX);
            if c.m_kib > max.m_kib || c.t > max.t || c.p > max.p {
                return Err(KeyError::Malformed("Argon2id cost out of bounds".into()));
            }
            let salt = hex::decode(&sealed.salt).map_err(|_| KeyError::Malformed("salt".into()))?;
            let nonce: [u8; 12] = hex::decode(&sealed.nonce)
                .ok()
                .and_then(|n| n.try_into().ok())
                .ok_or_else(|| KeyError::Malformed("nonce".into()))?;
            let ciphertext = hex::decode(&sealed.ciphertext)
                .map_err(|_| KeyError::Malformed("ciphertext".into()))?;
            let key = derive_key(passphrase, &salt, c)?;
            let aad = associated_data(role, &file.kid, &file.public);
            let plain = Zeroizing::new(
                ChaCha20Poly1305::new(key.as_ref().into())
                    .decrypt(
                        &nonce.into(),
                        Payload {
                            msg: &ciphertext,
                            aad: &aad,
                        },
                    )
                    .map_err(|_| KeyError::WrongPassphrase)?,
            );
            let secret: [u8; 32] = plain
                .as_slice()
                .try_into()
                .map_err(|_| KeyError::Malformed("secret length".into()))?;
            Ok((Zeroizing::new(secret), false))
        }
        _ => Err(KeyError::Malformed(
            "a private key file needs exactly one of sealed, insecure_plaintext_secret".into(),
        )),
    }
}

fn check_public(text: &str, derived: &[u8; 32]) -> Result<(), KeyError> {
    let file: KeyFile =
        serde_json::from_str(text).map_err(|e| KeyError::Malformed(e.to_string()))?;
    if hex32(&file.public, "public")? != *derived {
        return Err(KeyError::Inconsistent);
    }
    check_kid(&file, file.role, derived)
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;
