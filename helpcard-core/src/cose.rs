//! The COSE layer (RFC 9052/9053): COSE_Sign1 with Ed25519 for cards and lists, and
//! COSE_Encrypt with ECDH-ES + HKDF-256 (X25519) and ChaCha20/Poly1305 for private parts.
//!
//! Structures are built and parsed with `coset`; before `coset` sees a header, the header's
//! bytes pass [`cbor::decode_strict`] and the checks here, so that each defect gets its own
//! error instead of a generic parse failure.

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use ciborium::Value;
use coset::{
    AsCborValue, CoseEncrypt, CoseEncryptBuilder, CoseRecipientBuilder, CoseSign1,
    CoseSign1Builder, HeaderBuilder, ProtectedHeader, iana,
};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::cbor;
use crate::error::OpenError;
use crate::keys::{KEY_ID_LEN, KeyId, ResponderKey, ResponderPublicKey, SigningKey, VerifyingKey};

/// COSE algorithm ids (IANA): Ed25519 (fully specified, RFC 9864), ECDH-ES + HKDF-256,
/// ChaCha20/Poly1305.
pub const ALG_ED25519: i64 = iana::Algorithm::Ed25519 as i64;
/// ECDH-ES + HKDF-256.
pub const ALG_ECDH_ES_HKDF_256: i64 = iana::Algorithm::ECDH_ES_HKDF_256 as i64;
/// ChaCha20/Poly1305.
pub const ALG_CHACHA20_POLY1305: i64 = iana::Algorithm::ChaCha20Poly1305 as i64;

/// Protected-header labels this implementation reads (alg, content type, kid), and so the only
/// ones a protected `crit` may list.
const UNDERSTOOD: [i64; 3] = [1, 3, 4];

/// The Partial IV every card carries. The content key is derived afresh from a new ephemeral
/// X25519 key for every card (ECDH-ES), so no key ever sees two nonces and a random IV would
/// add 12 bytes without adding safety. RFC 9052 §3.1: the IV is the Partial IV, left-padded
/// with zeros, XORed with the Base IV, which this format fixes at zero.
pub const PARTIAL_IV: [u8; 1] = [0];
const NONCE: [u8; 12] = [0; 12];

/// Signs `payload` into an untagged COSE_Sign1 with `kid` and an optional content type.
pub fn sign1(key: &SigningKey, content_type: Option<&str>, payload: Vec<u8>) -> Vec<u8> {
    let mut protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::Ed25519)
        .key_id(key.key_id().0.to_vec());
    if let Some(ct) = content_type {
        protected = protected.content_type(ct.to_owned());
    }
    let sign1 = CoseSign1Builder::new()
        .protected(protected.build())
        .payload(payload)
        .create_signature(&[], |tbs| key.sign(tbs).to_vec())
        .build();
    cbor::encode(&sign1.to_cbor_value().expect("COSE_Sign1 serialises"))
}

/// A parsed, not yet verified COSE_Sign1.
pub struct Signed {
    /// Key id from the protected header.
    pub kid: KeyId,
    /// Content type from the protected header, if any.
    pub content_type: Option<String>,
    /// The payload bytes.
    pub payload: Vec<u8>,
    sign1: CoseSign1,
}

impl Signed {
    /// Parses strictly: untagged, Ed25519, 4-byte kid in the protected header, empty
    /// unprotected header, 64-byte signature, attached payload.
    pub fn parse(bytes: &[u8]) -> Result<Signed, OpenError> {
        let value = cbor::decode_strict(bytes)?;
        let Value::Array(items) = &value else {
            return Err(OpenError::BadStructure(
                "COSE_Sign1 must be an untagged array",
            ));
        };
        if items.len() != 4 {
            return Err(OpenError::BadStructure("COSE_Sign1 must have 4 items"));
        }
        check_protected(&items[0], ALG_ED25519)?;
        let sign1 =
            CoseSign1::from_cbor_value(value).map_err(|_| OpenError::BadStructure("COSE_Sign1"))?;
        if !sign1.unprotected.is_empty() {
            return Err(OpenError::BadStructure(
                "COSE_Sign1 unprotected header must be empty",
            ));
        }
        let header = &sign1.protected.header;
        let kid = KeyId::from_slice(&header.key_id).ok_or(OpenError::BadLength("kid"))?;
        let content_type = match &header.content_type {
            None => None,
            Some(coset::RegisteredLabel::Text(t)) => Some(t.clone()),
            Some(_) => return Err(OpenError::BadStructure("content type must be text")),
        };
        if sign1.signature.len() != 64 {
            return Err(OpenError::BadLength("signature"));
        }
        let payload = sign1
            .payload
            .clone()
            .ok_or(OpenError::BadStructure("detached payload"))?;
        Ok(Signed {
            kid,
            content_type,
            payload,
            sign1,
        })
    }

    /// Verifies the signature with `key`.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), OpenError> {
        self.sign1.verify_signature(&[], |sig, tbs| {
            if key.verify(tbs, sig) {
                Ok(())
            } else {
                Err(OpenError::BadSignature)
            }
        })
    }
}

/// Checks a protected header bstr before `coset` parses it: deterministic CBOR, integer
/// labels, the expected algorithm, and a `crit` (RFC 9052 §3.1) whose every label is one this
/// implementation understands *and* is present in this protected bucket: a critical label that
/// is absent (e.g. `crit: [3]` with no content type, or the Partial IV, which lives in the
/// unprotected bucket) is a fatal error.
fn check_protected(bstr: &Value, expected_alg: i64) -> Result<(), OpenError> {
    let Value::Bytes(bytes) = bstr else {
        return Err(OpenError::BadStructure(
            "protected header must be a byte string",
        ));
    };
    let map = cbor::as_int_map(
        cbor::decode_strict(bytes)?,
        "protected header labels must be integers",
    )?;
    let mut alg = None;
    for (label, value) in &map {
        match label {
            1 => alg = Some(cbor::int(value, "alg must be an integer")?),
            2 => {
                let crit = match value {
                    Value::Array(c) if !c.is_empty() => c,
                    _ => return Err(OpenError::BadStructure("crit must be a non-empty array")),
                };
                for c in crit {
                    if !matches!(c, Value::Integer(_)) {
                        return Err(OpenError::UnknownCriticalHeader);
                    }
                    let c = cbor::int(c, "crit")?;
                    if !UNDERSTOOD.contains(&c) || !map.iter().any(|(label, _)| *label == c) {
                        return Err(OpenError::UnknownCriticalHeader);
                    }
                }
            }
            _ => {}
        }
    }
    match alg {
        Some(a) if a == expected_alg => Ok(()),
        Some(a) => Err(OpenError::UnsupportedAlgorithm(a)),
        None => Err(OpenError::BadStructure("protected header has no alg")),
    }
}

/// Random bytes an encryption consumes.
pub struct EncryptRandom {
    /// Ephemeral X25519 secret scalar.
    pub ephemeral_secret: Zeroizing<[u8; 32]>,
}

/// COSE_KDF_Context (RFC 9053 §5.2) for ECDH-ES + HKDF-256 producing a ChaCha20/Poly1305 key:
/// `[24, [nil, nil, nil], [nil, nil, nil], [256, recipient-protected]]`.
fn kdf_context(recipient_protected: &[u8]) -> Vec<u8> {
    let party = || Value::Array(vec![Value::Null, Value::Null, Value::Null]);
    cbor::encode(&Value::Array(vec![
        Value::from(ALG_CHACHA20_POLY1305),
        party(),
        party(),
        Value::Array(vec![
            Value::from(256),
            Value::Bytes(recipient_protected.to_vec()),
        ]),
    ]))
}

fn derive_cek(shared: &[u8; 32], recipient_protected: &[u8]) -> ContentKey {
    let mut cek = ContentKey([0u8; 32]);
    Hkdf::<Sha256>::new(None, shared)
        .expand(&kdf_context(recipient_protected), &mut cek.0)
        .expect("32 bytes is a valid HKDF-SHA-256 length");
    cek
}

fn protected_bytes(header: coset::Header) -> Vec<u8> {
    let bstr = ProtectedHeader {
        original_data: None,
        header,
    }
    .cbor_bstr()
    .expect("header serialises");
    cbor::bytes(bstr, "protected").expect("cbor_bstr gives bytes")
}

/// Encrypts `plaintext` to one responder key (direct ECDH-ES + HKDF-256), binding
/// `external_aad` (the card id). Returns the COSE_Encrypt as a CBOR value.
pub fn encrypt(
    plaintext: &[u8],
    recipient: &ResponderPublicKey,
    external_aad: &[u8],
    random: &EncryptRandom,
) -> Option<Value> {
    let (ephemeral_public, shared) = recipient.agree_ephemeral(&random.ephemeral_secret)?;
    let recipient_protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::ECDH_ES_HKDF_256)
        .build();
    let cek = derive_cek(&shared, &protected_bytes(recipient_protected.clone()));
    let ephemeral_key = cbor::int_map(vec![
        (1, Value::from(1)),                           // kty: OKP
        (-1, Value::from(4)),                          // crv: X25519
        (-2, Value::Bytes(ephemeral_public.to_vec())), // x
    ]);
    let recipient_header = HeaderBuilder::new()
        .key_id(recipient.key_id().0.to_vec())
        .value(-1, ephemeral_key)
        .build();
    let recipient = CoseRecipientBuilder::new()
        .protected(recipient_protected)
        .unprotected(recipient_header)
        .ciphertext(Vec::new())
        .build();
    let cipher = ChaCha20Poly1305::new((&cek.0).into());
    let encrypt = CoseEncryptBuilder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::ChaCha20Poly1305)
                .build(),
        )
        .unprotected(HeaderBuilder::new().partial_iv(PARTIAL_IV.to_vec()).build())
        .create_ciphertext(plaintext, external_aad, |pt, aad| {
            cipher
                .encrypt(&NONCE.into(), Payload { msg: pt, aad })
                .expect("in-memory AEAD")
        })
        .add_recipient(recipient)
        .build();
    Some(encrypt.to_cbor_value().expect("COSE_Encrypt serialises"))
}

/// The 32-byte content-encryption key of one card's private part (ChaCha20/Poly1305), derived
/// by ECDH-ES + HKDF-256 from a responder key and the card's ephemeral key.
///
/// It opens that one card and nothing else (each card has a fresh ephemeral key), so it is all
/// a key service ever hands out: the responder group key stays on the service, and a browser
/// decrypts with this. Wiped on drop; `Debug` does not print it.
#[derive(Clone, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct ContentKey([u8; 32]);

impl ContentKey {
    /// A content key received from elsewhere (a key service's answer).
    pub fn from_bytes(bytes: [u8; 32]) -> ContentKey {
        ContentKey(bytes)
    }

    /// The key bytes, to send to the one browser that asked for this card.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContentKey(<secret>)")
    }
}

/// A parsed COSE_Encrypt whose single recipient is known.
pub struct Encrypted {
    /// Responder key id the content is encrypted to.
    pub recipient_kid: KeyId,
    ephemeral_public: [u8; 32],
    recipient_protected: Vec<u8>,
    encrypt: CoseEncrypt,
}

impl std::fmt::Debug for Encrypted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encrypted")
            .field("recipient_kid", &self.recipient_kid)
            .finish_non_exhaustive()
    }
}

impl Encrypted {
    /// Parses strictly: ChaCha20/Poly1305 with the format's Partial IV, exactly one ECDH-ES +
    /// HKDF-256 recipient with a key id, an X25519 ephemeral key and an empty ciphertext.
    pub fn parse(value: Value) -> Result<Encrypted, OpenError> {
        let Value::Array(items) = &value else {
            return Err(OpenError::BadStructure("COSE_Encrypt must be an array"));
        };
        if items.len() != 4 {
            return Err(OpenError::BadStructure("COSE_Encrypt must have 4 items"));
        }
        check_protected(&items[0], ALG_CHACHA20_POLY1305)?;
        let Value::Array(recipients) = &items[3] else {
            return Err(OpenError::BadStructure("recipients must be an array"));
        };
        let [Value::Array(recipient)] = recipients.as_slice() else {
            return Err(OpenError::BadStructure("exactly one recipient"));
        };
        let Some(recipient_protected) = recipient.first() else {
            return Err(OpenError::BadStructure("recipient"));
        };
        check_protected(recipient_protected, ALG_ECDH_ES_HKDF_256)?;
        let encrypt = CoseEncrypt::from_cbor_value(value)
            .map_err(|_| OpenError::BadStructure("COSE_Encrypt"))?;
        if !encrypt.unprotected.iv.is_empty() || encrypt.unprotected.partial_iv != PARTIAL_IV {
            return Err(OpenError::BadLength(
                "IV (the format has only Partial IV h'00')",
            ));
        }
        if !encrypt.protected.header.key_id.is_empty() || encrypt.recipients.len() != 1 {
            return Err(OpenError::BadStructure("COSE_Encrypt headers"));
        }
        let r = &encrypt.recipients[0];
        if r.ciphertext.as_deref() != Some(&[][..]) || !r.recipients.is_empty() {
            return Err(OpenError::BadStructure(
                "direct key agreement has an empty recipient ciphertext",
            ));
        }
        if r.unprotected.key_id.len() != KEY_ID_LEN {
            return Err(OpenError::BadLength("recipient kid"));
        }
        let recipient_kid = KeyId::from_slice(&r.unprotected.key_id)
            .ok_or(OpenError::BadLength("recipient kid"))?;
        let ephemeral_public = ephemeral_key(&r.unprotected.rest)?;
        let recipient_protected = r
            .protected
            .original_data
            .clone()
            .ok_or(OpenError::BadStructure("recipient protected"))?;
        Ok(Encrypted {
            recipient_kid,
            ephemeral_public,
            recipient_protected,
            encrypt,
        })
    }

    /// The recipient's ephemeral X25519 public key (what a key agreement needs besides the
    /// responder's private key).
    pub fn ephemeral_public(&self) -> [u8; 32] {
        self.ephemeral_public
    }

    /// The content key, derived with the responder key the content is encrypted to (the caller
    /// picks the key by [`Encrypted::recipient_kid`]).
    pub fn content_key(&self, key: &ResponderKey) -> Result<ContentKey, OpenError> {
        let shared = key
            .agree(&self.ephemeral_public)
            .ok_or(OpenError::AllZeroSharedSecret)?;
        Ok(derive_cek(&shared, &self.recipient_protected))
    }

    /// Decrypts with the responder key the content is encrypted to.
    pub fn decrypt(
        &self,
        key: &ResponderKey,
        external_aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        self.decrypt_with_content_key(&self.content_key(key)?, external_aad)
    }

    /// Decrypts with a content key from anywhere: derived here, or handed out by a key service.
    pub fn decrypt_with_content_key(
        &self,
        cek: &ContentKey,
        external_aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        let cipher = ChaCha20Poly1305::new((&cek.0).into());
        self.encrypt
            .decrypt_ciphertext(
                external_aad,
                || OpenError::BadStructure("no ciphertext"),
                |ct, aad| {
                    cipher
                        .decrypt(&NONCE.into(), Payload { msg: ct, aad })
                        .map_err(|_| OpenError::DecryptionFailed)
                },
            )
            .map(Zeroizing::new)
    }
}

/// The ephemeral COSE_Key `{1: 1, -1: 4, -2: x}` under label -1 (and no other extra label).
fn ephemeral_key(rest: &[(coset::Label, Value)]) -> Result<[u8; 32], OpenError> {
    let [(coset::Label::Int(-1), key)] = rest else {
        return Err(OpenError::BadStructure(
            "recipient needs exactly the ephemeral key header",
        ));
    };
    let map = cbor::as_int_map(key.clone(), "ephemeral key").map_err(OpenError::from)?;
    let mut x = None;
    let (mut kty, mut crv) = (None, None);
    for (label, value) in map {
        match label {
            1 => kty = Some(cbor::int(&value, "kty")?),
            -1 => crv = Some(cbor::int(&value, "crv")?),
            -2 => x = Some(cbor::bytes(value, "x")?),
            _ => {
                return Err(OpenError::BadStructure(
                    "unexpected ephemeral key parameter",
                ));
            }
        }
    }
    if kty != Some(1) || crv != Some(4) {
        return Err(OpenError::UnsupportedAlgorithm(crv.unwrap_or(0)));
    }
    let x = x.ok_or(OpenError::BadStructure("ephemeral key has no x"))?;
    x.as_slice()
        .try_into()
        .map_err(|_| OpenError::BadLength("ephemeral key"))
}

#[cfg(test)]
#[path = "cose_tests.rs"]
mod tests;
