//! Issuing and opening cards: profile → CBOR → packed (texts coded) → COSE_Encrypt → CWT
//! claims → COSE_Sign1 → bytes, and back.
//!
//! ```text
//! card    = COSE_Sign1 (untagged), protected {1: -19 (Ed25519), 4: issuer kid}
//! claims  = { 4: exp, 6: iat, 7: cti (8 bytes), -65537: [2, packed public, ? COSE_Encrypt] }
//! COSE_Encrypt: protected {1: 24}, unprotected {6: h'00' (Partial IV; Base IV is zero)},
//!               one recipient [{1: -25}, {4: responder kid, -1: {1: 1, -1: 4, -2: x}}, h'']
//!               external_aad = cti (binds the private part to this card)
//! plaintext = packed private part
//! ```
//!
//! "packed" is the part's CBOR value written field by field, texts through the text model
//! ([`crate::packed`]).

use ciborium::Value;
use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use crate::cbor::{self, int_map};
use crate::cose::{self, ContentKey, EncryptRandom, Encrypted, Signed};
use crate::date::UnixTime;
use crate::error::{IssueError, OpenError};
use crate::keys::{KeyId, ResponderKey, ResponderPublicKey, SigningKey};
use crate::packed::{self, PackError};
use crate::profile::{PRIVATE_SCHEMA, PUBLIC_SCHEMA, PrivatePart, Profile, PublicPart};
use crate::trust::{CardId, Revocations, TrustStore};

/// The card format version inside the signed claims: 3, whose texts are coded with the text
/// model ja-2. (The QR text's version digit, see [`crate::qrtext`], versions only the digit
/// encoding and is still 1.)
pub const FORMAT_VERSION: u64 = 3;

/// Format 2: the pre-release format (text model ja-1). Only demo cards were made with it; they
/// are refused as such ([`OpenError::PreRelease`]), with words that say to ask for a new card.
pub const PRE_RELEASE_VERSION: u64 = 2;
/// CWT private-use claim key holding `[version, public, ? encrypted]`.
pub const CLAIM_HELPCARD: i64 = -65537;
/// Tolerated clock difference for cards "issued in the future" (seconds).
pub const CLOCK_SKEW: u64 = 300;

/// When a card is valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    /// Issue time (`iat`); the card is valid from then.
    pub issued_at: UnixTime,
    /// Expiry (`exp`), exclusive.
    pub expires_at: UnixTime,
}

/// A freshly issued card, with every intermediate stage (for vectors and size reports).
pub struct Issued {
    /// The card bytes (COSE_Sign1).
    pub bytes: Vec<u8>,
    /// The card id (`cti`).
    pub card_id: CardId,
    /// Public part CBOR, texts inline.
    pub public_cbor: Vec<u8>,
    /// Public part as on the card: packed (texts coded).
    pub public_packed: Vec<u8>,
    /// Private part CBOR, texts inline (sensitive; wiped on drop).
    pub private_cbor: Option<Zeroizing<Vec<u8>>>,
    /// Plaintext actually encrypted: the packed private part (sensitive).
    pub plaintext: Option<Zeroizing<Vec<u8>>>,
    /// The COSE_Encrypt structure.
    pub encrypted: Option<Vec<u8>>,
    /// The CWT claims (the COSE_Sign1 payload).
    pub claims: Vec<u8>,
}

/// Issues a card. Randomness is taken from `rng` in this order: card id (8 bytes), then if
/// there is a private part the ephemeral X25519 secret (32).
pub fn issue(
    profile: &Profile,
    issuer: &SigningKey,
    responder: Option<&ResponderPublicKey>,
    validity: Validity,
    rng: &mut impl CryptoRngCore,
) -> Result<Issued, IssueError> {
    if validity.expires_at <= validity.issued_at {
        return Err(IssueError::BadValidity);
    }
    let mut cti = [0u8; 8];
    rng.fill_bytes(&mut cti);
    let public_value = profile.public.to_cbor();
    let public_cbor = cbor::encode(&public_value);
    let public_packed = packed::pack(&public_value, PUBLIC_SCHEMA).map_err(IssueError::Pack)?;
    let mut content = vec![
        Value::from(FORMAT_VERSION),
        Value::Bytes(public_packed.clone()),
    ];
    let (mut private_cbor, mut plaintext, mut encrypted) = (None, None, None);
    if let Some(private) = &profile.private {
        let responder = responder.ok_or(IssueError::NoResponderKey)?;
        let mut ephemeral_secret = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(ephemeral_secret.as_mut());
        let random = EncryptRandom { ephemeral_secret };
        let private_value = private.to_cbor();
        let private_bytes = Zeroizing::new(cbor::encode(&private_value));
        let pt =
            Zeroizing::new(packed::pack(&private_value, PRIVATE_SCHEMA).map_err(IssueError::Pack)?);
        let value =
            cose::encrypt(&pt, responder, &cti, &random).ok_or(IssueError::BadResponderKey)?;
        encrypted = Some(cbor::encode(&value));
        content.push(value);
        private_cbor = Some(private_bytes);
        plaintext = Some(pt);
    }
    let claims = cbor::encode(&int_map(vec![
        (4, Value::from(validity.expires_at.0)),
        (6, Value::from(validity.issued_at.0)),
        (7, Value::Bytes(cti.to_vec())),
        (CLAIM_HELPCARD, Value::Array(content)),
    ]));
    let bytes = cose::sign1(issuer, None, claims.clone());
    Ok(Issued {
        bytes,
        card_id: CardId(cti),
        public_cbor,
        public_packed,
        private_cbor,
        plaintext,
        encrypted,
        claims,
    })
}

/// Unpacks a part; a damaged stream is [`OpenError::BadText`], anything else about the part
/// is [`OpenError::BadProfile`].
fn unpack(
    bytes: &[u8],
    schema: &'static [packed::Field],
    part: &'static str,
) -> Result<Value, OpenError> {
    packed::unpack(bytes, schema).map_err(|e| match e {
        PackError::Text(_) => OpenError::BadText(part),
        _ => OpenError::BadProfile(part),
    })
}

/// The responder keys a device holds (several during key rotation).
#[derive(Default)]
pub struct ResponderKeys {
    keys: Vec<ResponderKey>,
}

impl ResponderKeys {
    /// A set of keys.
    pub fn new(keys: Vec<ResponderKey>) -> ResponderKeys {
        ResponderKeys { keys }
    }

    /// The key with this id.
    pub fn get(&self, kid: KeyId) -> Option<&ResponderKey> {
        self.keys.iter().find(|k| k.key_id() == kid)
    }
}

impl std::fmt::Debug for ResponderKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|k| k.key_id()))
            .finish()
    }
}

/// Sizes only: the CBOR and plaintext fields hold the private part.
impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("card_id", &self.card_id)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// Whether the card was checked against a revocation list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevocationStatus {
    /// No revocation lists were given.
    NotChecked,
    /// Lists were given, but none for this card's issuer.
    NoListForIssuer,
    /// Not on the issuer's list with this counter.
    NotRevoked {
        /// The list's counter.
        counter: u64,
    },
}

/// What became of the private part.
#[derive(Debug, PartialEq, Eq)]
pub enum PrivateOutcome {
    /// The card has no private part.
    Absent,
    /// No responder keys were given.
    Locked,
    /// Decrypted.
    Decrypted(Box<PrivatePart>),
    /// Could not be opened; the public part is still verified.
    Failed(OpenError),
}

/// Something a responder should see next to a verified card.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The trust list's next update has passed: keys may have been withdrawn since.
    TrustListOutOfDate {
        /// The list's next-update time.
        next_update: UnixTime,
    },
    /// The issuer's revocation list is past its next update: a recent loss may be missing.
    RevocationListOutOfDate {
        /// The list's next-update time.
        next_update: UnixTime,
    },
}

/// A verified card.
#[derive(Debug)]
pub struct Opened {
    /// The card id.
    pub card_id: CardId,
    /// Issuer id from the trust list.
    pub issuer: String,
    /// Issuer display name from the trust list.
    pub issuer_name: String,
    /// The signing key id.
    pub issuer_kid: KeyId,
    /// Issue time.
    pub issued_at: UnixTime,
    /// Expiry.
    pub expires_at: UnixTime,
    /// The verified public part.
    pub public: PublicPart,
    /// Revocation check result.
    pub revocation: RevocationStatus,
    /// The private part.
    pub private: PrivateOutcome,
    /// Things to show beside the card.
    pub warnings: Vec<Warning>,
    /// When it was verified (the `now` given to [`open`]): how old its details are is told
    /// from this and [`Opened::issued_at`].
    pub checked_at: UnixTime,
    /// The encrypted private part as parsed, kept for the second step (a content key from here
    /// or from a key service).
    sealed: Option<Encrypted>,
}

/// Whom a card's private part is encrypted to: what a key service needs, besides its own
/// responder key, to derive the card's content key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The responder group key the part is encrypted to.
    pub kid: KeyId,
    /// The card's ephemeral X25519 public key.
    pub ephemeral_public: [u8; 32],
}

struct Claims {
    exp: UnixTime,
    iat: UnixTime,
    cti: CardId,
    public: Vec<u8>,
    encrypted: Option<Value>,
}

fn parse_claims(payload: &[u8]) -> Result<Claims, OpenError> {
    let map = cbor::as_int_map(
        cbor::decode_strict(payload)?,
        "claims keys must be integers",
    )?;
    let (mut exp, mut iat, mut cti, mut content) = (None, None, None, None);
    for (k, v) in map {
        match k {
            4 => exp = Some(UnixTime(cbor::uint(&v, "exp")?)),
            6 => iat = Some(UnixTime(cbor::uint(&v, "iat")?)),
            7 => cti = Some(cbor::bytes(v, "cti")?),
            CLAIM_HELPCARD => content = Some(cbor::array(v, "helpcard claim")?),
            _ => return Err(OpenError::BadStructure("unknown claim")),
        }
    }
    let (Some(exp), Some(iat), Some(cti), Some(content)) = (exp, iat, cti, content) else {
        return Err(OpenError::BadStructure("a required claim is missing"));
    };
    let cti = CardId(cti.try_into().map_err(|_| OpenError::BadLength("cti"))?);
    let mut content = content.into_iter();
    let version = content
        .next()
        .ok_or(OpenError::BadStructure("helpcard claim is empty"))?;
    let version = cbor::uint(&version, "version")?;
    if version == PRE_RELEASE_VERSION {
        return Err(OpenError::PreRelease);
    }
    if version != FORMAT_VERSION {
        return Err(OpenError::UnknownVersion(version));
    }
    let public = content
        .next()
        .ok_or(OpenError::BadStructure("public part missing"))?;
    let public = cbor::bytes(public, "the public part is a byte string")?;
    let encrypted = content.next();
    if content.next().is_some() {
        return Err(OpenError::BadStructure("helpcard claim has extra items"));
    }
    Ok(Claims {
        exp,
        iat,
        cti,
        public,
        encrypted,
    })
}

/// Verifies and opens a card.
///
/// Checks, in order: structure and canonical form, algorithm, issuer on the trust list,
/// signature, claims, issuer key valid at issue time, validity at `now`, revocation. Then the
/// private part is decrypted if `responder_keys` are given; a failure there is reported in
/// [`Opened::private`] and does not hide the verified public part.
// Inline, so that a caller passing `None` (the browser's page, which gets content keys from the
// key service) does not link the key agreement: X25519 brings a 30 kB table into its module.
#[inline]
pub fn open(
    bytes: &[u8],
    trust: &TrustStore,
    now: UnixTime,
    responder_keys: Option<&ResponderKeys>,
    revocations: Option<&Revocations>,
) -> Result<Opened, OpenError> {
    let mut opened = open_sealed(bytes, trust, now, revocations)?;
    if let Some(keys) = responder_keys
        && opened.sealed.is_some()
    {
        // A failure is recorded in `opened.private`; the verified public part stays.
        match opened.content_key(keys) {
            Ok(key) => {
                let _ = opened.decrypt_with_content_key(&key);
            }
            Err(e) => opened.private = PrivateOutcome::Failed(e),
        }
    }
    Ok(opened)
}

/// Verifies and opens a card from its QR text (`PREFIX#digits`, or a URL whose fragment holds
/// them): [`qrtext::decode`](crate::qrtext::decode), then [`open`]. What every scanner does
/// with a code it has read.
#[inline]
pub fn open_text(
    text: &str,
    trust: &TrustStore,
    now: UnixTime,
    responder_keys: Option<&ResponderKeys>,
    revocations: Option<&Revocations>,
) -> Result<Opened, OpenError> {
    let bytes = crate::qrtext::decode(text)?;
    open(&bytes, trust, now, responder_keys, revocations)
}

/// [`open`] up to the private part, which stays sealed.
fn open_sealed(
    bytes: &[u8],
    trust: &TrustStore,
    now: UnixTime,
    revocations: Option<&Revocations>,
) -> Result<Opened, OpenError> {
    let signed = Signed::parse(bytes)?;
    if signed.content_type.is_some() {
        return Err(OpenError::BadStructure(
            "a card has no content type (is this a list?)",
        ));
    }
    let issuer = trust
        .issuer(signed.kid)
        .ok_or(OpenError::UnknownIssuer(signed.kid))?;
    signed.verify(&issuer.entry.key)?;
    let claims = parse_claims(&signed.payload)?;
    if !issuer.entry.valid_at(claims.iat) {
        return Err(OpenError::IssuerKeyNotValid);
    }
    if now.0.saturating_add(CLOCK_SKEW) < claims.iat.0 {
        return Err(OpenError::NotYetValid(claims.iat));
    }
    if now >= claims.exp {
        return Err(OpenError::Expired(claims.exp));
    }
    let mut warnings = Vec::new();
    if let Some(list) = trust.list()
        && now >= list.next_update
    {
        warnings.push(Warning::TrustListOutOfDate {
            next_update: list.next_update,
        });
    }
    let mut paused = false;
    let revocation = match revocations {
        None => RevocationStatus::NotChecked,
        Some(r) => match r.get(&issuer.issuer) {
            // No list now, but a "revoked before" time remembered from an earlier one still
            // holds: a scanner that lost its list must not show such a card as verified.
            None if r.floor_revokes(&issuer.issuer, claims.iat) => return Err(OpenError::Revoked),
            None => RevocationStatus::NoListForIssuer,
            Some(list) if list.revokes(claims.cti, claims.iat) => return Err(OpenError::Revoked),
            Some(list) => {
                paused = list.pauses(claims.cti);
                if now >= list.next_update {
                    warnings.push(Warning::RevocationListOutOfDate {
                        next_update: list.next_update,
                    });
                }
                RevocationStatus::NotRevoked {
                    counter: list.counter,
                }
            }
        },
    };
    let public = PublicPart::from_cbor(unpack(&claims.public, PUBLIC_SCHEMA, "public part")?)
        .map_err(|_| OpenError::BadProfile("public part"))?;
    // Parse the private part even without keys, so a malformed one is never reported as fine.
    let sealed = claims.encrypted.map(Encrypted::parse).transpose()?;
    Ok(Opened {
        card_id: claims.cti,
        issuer: issuer.issuer.clone(),
        issuer_name: issuer.entry.name.clone(),
        issuer_kid: signed.kid,
        issued_at: claims.iat,
        expires_at: claims.exp,
        public,
        revocation,
        private: match (&sealed, paused) {
            (None, _) => PrivateOutcome::Absent,
            (Some(_), true) => PrivateOutcome::Failed(OpenError::Paused),
            (Some(_), false) => PrivateOutcome::Locked,
        },
        warnings,
        checked_at: now,
        sealed,
    })
}

/// The card id and signing key id a card's bytes state, read without checking anything: for
/// naming a refused card in an audit row (a revoked or expired card's were verified before it
/// was refused; a tampered card's are only what it claims), never for deciding anything.
pub fn claimed_id(bytes: &[u8]) -> Option<(CardId, KeyId)> {
    let signed = Signed::parse(bytes).ok()?;
    let claims = parse_claims(&signed.payload).ok()?;
    Some((claims.cti, signed.kid))
}

impl Opened {
    /// Whom the private part is encrypted to; `None` when the card has none.
    pub fn recipient(&self) -> Option<Recipient> {
        self.sealed.as_ref().map(|e| Recipient {
            kid: e.recipient_kid,
            ephemeral_public: e.ephemeral_public(),
        })
    }

    /// The private part's content key, derived with the matching key among `keys`: the first of
    /// the two steps of opening the private part, and the only one a key service performs.
    /// A paused card's is refused ([`OpenError::Paused`]).
    pub fn content_key(&self, keys: &ResponderKeys) -> Result<ContentKey, OpenError> {
        let sealed = self.sealed.as_ref().ok_or(OpenError::NoPrivatePart)?;
        if matches!(self.private, PrivateOutcome::Failed(OpenError::Paused)) {
            return Err(OpenError::Paused);
        }
        let key = keys
            .get(sealed.recipient_kid)
            .ok_or(OpenError::NoMatchingResponderKey(sealed.recipient_kid))?;
        sealed.content_key(key)
    }

    /// Decrypts the private part with a content key (derived by [`Opened::content_key`] here, or
    /// returned by a key service) and records the result in [`Opened::private`]: the part on
    /// success, the error otherwise (the public part stays verified either way).
    pub fn decrypt_with_content_key(&mut self, key: &ContentKey) -> Result<(), OpenError> {
        let sealed = self.sealed.as_ref().ok_or(OpenError::NoPrivatePart)?;
        if matches!(self.private, PrivateOutcome::Failed(OpenError::Paused)) {
            return Err(OpenError::Paused);
        }
        let result = sealed
            .decrypt_with_content_key(key, &self.card_id.0)
            .and_then(|plaintext| {
                let value = unpack(&plaintext, PRIVATE_SCHEMA, "private part")?;
                PrivatePart::from_cbor(value).map_err(|_| OpenError::BadProfile("private part"))
            });
        match result {
            Ok(part) => {
                self.private = PrivateOutcome::Decrypted(Box::new(part));
                Ok(())
            }
            Err(e) => {
                self.private = PrivateOutcome::Failed(e.clone());
                Err(e)
            }
        }
    }

    /// Forgets a decrypted private part (wiped from memory as it is dropped): the card is as
    /// it was before [`Opened::decrypt_with_content_key`], and a content key opens it again.
    /// For a screen that hides the part when idle or put away.
    pub fn seal(&mut self) {
        if matches!(self.private, PrivateOutcome::Decrypted(_)) {
            self.private = PrivateOutcome::Locked;
        }
    }

    /// The outcome code of this opening for the test vectors: `ok`, or the private part's
    /// error code when only that failed.
    pub fn outcome(&self) -> &'static str {
        match &self.private {
            PrivateOutcome::Failed(e) => e.code(),
            _ => "ok",
        }
    }
}

#[cfg(test)]
#[path = "card_tests.rs"]
mod tests;
