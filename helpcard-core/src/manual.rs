//! # Design manual
//!
//! Why the format is what it is. The decisions were measured on prototypes (see the project's
//! `design.md`); the test vectors in `test-vectors/v3/` are normative where this text is silent.
//!
//! ## Layers
//!
//! | layer | standard | choice and reason |
//! |---|---|---|
//! | signature | COSE_Sign1, RFC 9052 | untagged (the QR version digit already says what it is; one byte saved). Protected header `{1: -19, 4: kid}`. Algorithm **-19 (Ed25519, fully specified, RFC 9864) only**: -8 ("EdDSA", polymorphic, deprecated) is rejected with `unsupported_algorithm`, because no card was ever issued with it and accepting two ids for one algorithm buys nothing. Unprotected header must be empty. Verification is `verify_strict` (rejects small-order keys and non-canonical signatures). |
//! | claims | CWT, RFC 8392 | `4 exp`, `6 iat`, `7 cti` (8 random bytes: the card id for revocation), and one private-use claim `-65537: [2, packed public, ? COSE_Encrypt]` (-65537 is the shortest private-use claim key, 5 bytes). No `iss`: the kid identifies the issuer through the trust list. `iat` is also the start of validity; a 300 s clock skew is tolerated for "not yet valid", none for expiry. |
//! | encryption | COSE_Encrypt, RFC 9052/9053 | content ChaCha20/Poly1305 (24) with Partial IV `h'00'` over a zero Base IV (see below); one recipient, direct ECDH-ES + HKDF-256 (-25) with an ephemeral X25519 key `{1: 1, -1: 4, -2: x}` and the responder group's kid. COSE_KDF_Context `[24, [nil,nil,nil], [nil,nil,nil], [256, recipient-protected]]`, no salt. **External AAD = cti**: a private part cannot be moved to another card, even by an issuer. |
//! | parts | [`crate::packed`] | public part (signed, in the claims as a byte string) and private part (the plaintext) are each *packed*: the part's fields in schema order in one arithmetic-coded stream, texts through [`crate::text`]. Unpacking gives back the profile CBOR below, byte for byte. |
//! | texts | [`crate::text`], model `text/ja-2.model` | arithmetic coding with a static order-2 character model of help-card language, adapting to what the part already said. |
//! | profile | deterministic CBOR, RFC 8949 §4.2 | integer-keyed maps, vocabulary codes, dates as days since 1970, empty fields omitted (and rejected if present, so every profile has exactly one encoding). |
//! | QR text | ISO/IEC 18004 numeric mode | `PREFIX#1` + 17 digits per 7 bytes. See [`crate::qrtext`]. |
//!
//! ## Compactness (format 3)
//!
//! A card's QR code gets 30–35 mm; every QR version saved is a larger module and a more reliable
//! scan on cheap cameras. Format 1 put a typical profile (`02-autism-teen`) in 685 bytes, QR
//! version 22 at ECC M; format 3 puts it in 401 bytes, version 16 (format 2, with the larger text
//! model ja-1, in 403). Each choice, with what it
//! saved on that profile (`cargo run --release -p helpcard-qr --example sizes`):
//!
//! | choice | saved | why this and not something else |
//! |---|---|---|
//! | texts coded by a static character model and an arithmetic coder | ≈ 230 bytes over both parts | UTF-8 spends 3 bytes per kana and kanji, and DEFLATE (format 1) finds too few repeats in 200 characters (392 bytes for the private part). Each character is predicted from the two before it with statistics built once from public word frequencies (wordfreq 3.1.1) and the vocabulary labels, never from the reference profiles, plus what the part already said (names and phone numbers repeat). A word-unigram model from the same data measured 15 % worse; count-dependent (Witten–Bell) mixing measured worse than fixed mixing, because word lists are not running text. The model (ja-2) is 130 kB of data, format 2's ja-1 pruned to 45 % of its size for 0.5 % longer texts (`scripts/text-model-tradeoff.py`); its coder is 150 lines of Rust or 120 of Python. |
//! | parts packed by schema instead of CBOR | ≈ 45 bytes | in a CBOR map every field costs its key, every text a header or placeholder, every list a header: 54 bytes of structure on the typical private part. The schema already knows keys and types, so a field costs a presence flag, a list an Elias-gamma count (1–5 bits), a text only its end symbol. Integers stay byte-aligned LEB128, so a new vocabulary code never changes the format; a new field is a new format version, as it already was. |
//! | one stream per part | ≈ 10 bytes | one end-of-stream cost per part instead of per field; later texts are predicted from earlier ones. |
//! | Partial IV `h'00'`, Base IV zero | 11 bytes | the content key comes from a fresh ephemeral X25519 key per card (ECDH-ES), so no key is ever used with two nonces; RFC 9052 §3.1 forms the IV from a Partial IV and a context-supplied Base IV, which this format fixes at zero. A random 12-byte IV would defend only against a repeated ephemeral key, i.e. a broken RNG, which would also repeat the card id. |
//! | 4-byte key ids | 8 bytes | a trust list holds tens of keys; the list parser refuses a collision. |
//! | ECC level per card | — | the issuing command uses the highest level (H, Q, M) that fits the smallest version at M. |
//!
//! Kept, though they cost bytes: the recipient kid (6 bytes; without it a scanner could not say
//! which responder key a card needs during key rotation), 8-byte card ids (revocation lists of
//! 10⁵ cards without collisions), `iat` (issuer key validity is checked at issue time).
//!
//! What is left is the standard envelope and cannot shrink without leaving COSE: Ed25519
//! signature 64 bytes, ephemeral X25519 key 32 (+8 of COSE_Key labels), Poly1305 tag 16,
//! card id 8, times 10, headers and framing ≈ 60: about 196 bytes on every card with a private
//! part. With the demo URL prefix, ECC M version 10 holds at most 187 bytes and version 15 384,
//! so a card with a private part can never be version 10 at M, and version 15 at M leaves
//! ≈ 188 bytes for both parts.
//!
//! Every packed part and text stream has exactly one encoding: the decoder re-encodes what it
//! read and refuses anything else (an escaped character the alphabet has, a zero byte after
//! the end, bits after the last symbol), as strict CBOR decoding does for the envelope.
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
//! and an optional "revoked before T" time, and at 10⁵ entries are under 1 MB. They also carry
//! the cards whose holder has **paused** responders' access to the private part (for example
//! while reconsidering what it says): such a card still verifies and shows its public part, and
//! its private part is refused (`paused`) by every scanner holding the list and by the key
//! service, without reprinting; resuming is the next list without it.
//!
//! ## Key files
//!
//! JSON. Private keys are sealed with ChaCha20/Poly1305 under an Argon2id key (default
//! 19 MiB, 2 passes, 1 lane); role, kid and public key are associated data. See
//! [`crate::keys`] for why not the `age` format.
