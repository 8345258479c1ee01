//! # Design manual
//!
//! Why the format is what it is. The decisions were measured on prototypes (see the project's
//! `design.md`); the test vectors in `test-vectors/v1/` are normative where this text is silent.
//!
//! ## Layers
//!
//! | layer | standard | choice and reason |
//! |---|---|---|
//! | signature | COSE_Sign1, RFC 9052 | untagged (the QR version digit already says what it is; one byte saved). Protected header `{1: -19, 4: kid}`. Algorithm **-19 (Ed25519, fully specified, RFC 9864) only**: -8 ("EdDSA", polymorphic, deprecated) is rejected with `unsupported_algorithm`, because no card was ever issued with it and accepting two ids for one algorithm buys nothing. Unprotected header must be empty. Verification is `verify_strict` (rejects small-order keys and non-canonical signatures). |
//! | claims | CWT, RFC 8392 | `4 exp`, `6 iat`, `7 cti` (8 random bytes: the card id for revocation), and one private-use claim `-65537: [version, public, ? COSE_Encrypt]`. No `iss`: the kid identifies the issuer through the trust list. `iat` is also the start of validity; a 300 s clock skew is tolerated for "not yet valid", none for expiry. |
//! | encryption | COSE_Encrypt, RFC 9052/9053 | content ChaCha20/Poly1305 (24) with a 12-byte IV; one recipient, direct ECDH-ES + HKDF-256 (-25) with an ephemeral X25519 key `{1: 1, -1: 4, -2: x}` and the responder group's kid. COSE_KDF_Context `[24, [nil,nil,nil], [nil,nil,nil], [256, recipient-protected]]`, no salt. **External AAD = cti**: a private part cannot be moved to another card, even by an issuer. |
//! | plaintext | RFC 1951 | first byte: 0 = CBOR, 1 = raw DEFLATE of the CBOR; DEFLATE only when smaller. Inflation is capped at 64 KiB. |
//! | profile | deterministic CBOR, RFC 8949 §4.2 | integer-keyed maps, vocabulary codes, dates as days since 1970, empty fields omitted (and rejected if present, so every profile has exactly one encoding). |
//! | QR text | ISO/IEC 18004 numeric mode | `PREFIX#1` + 17 digits per 7 bytes. See [`crate::qrtext`]. |
//!
//! ## Strict decoding
//!
//! Every CBOR item passes [`crate::cbor::decode_strict`]: trailing bytes, duplicate map keys,
//! unsorted keys, non-minimal integers and indefinite lengths are each rejected with their own
//! error. Headers are checked before `coset` parses them so a crafted header gets a precise
//! error (`unknown_critical_header`, `unsupported_algorithm`, `bad_length`). An X25519 result
//! of all zeros (a small-order ephemeral key) is refused before it reaches HKDF.
//!
//! ## Order of checks in `open`
//!
//! structure → algorithm → issuer kid on the trust list → signature → claims → issuer key
//! valid at `iat` → not yet valid / expired → revocation → public part → private part. A
//! failure after the signature has verified still means the card is rejected, except in the
//! private part: there the verified public part is returned with
//! [`PrivateOutcome::Failed`](crate::card::PrivateOutcome::Failed), because a responder who
//! cannot decrypt must still see what help the holder asks for.
//!
//! ## Trust, revocation, rotation
//!
//! Trust lists and revocation lists are COSE_Sign1 with a content type (`helpcard-trust-list/1`,
//! `helpcard-revocations/1`), so no document can be taken for another kind. A trust list is
//! only accepted if newer than the one held (rollback protection) and not past its next-update
//! time; once held, passing that time degrades to a visible warning on every card. Revocation
//! lists are per issuer (an issuer id groups its keys across rotation), hold sorted card ids
//! and an optional "revoked before T" time, and at 10⁵ entries are under 1 MB.
//!
//! ## Key files
//!
//! JSON. Private keys are sealed with ChaCha20/Poly1305 under an Argon2id key (default
//! 19 MiB, 2 passes, 1 lane); role, kid and public key are associated data. See
//! [`crate::keys`] for why not the `age` format.
