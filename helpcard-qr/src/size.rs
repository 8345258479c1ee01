//! Where a card's bytes go, and what QR symbol they need.

use helpcard_core::card::Issued;
use helpcard_core::qrtext;

use crate::{EcLevel, min_version};

/// Sizes of one issued card.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SizeReport {
    /// Card bytes (the COSE_Sign1).
    pub payload_bytes: usize,
    /// Characters of QR text.
    pub qr_text_chars: usize,
    /// Ed25519 signature and the COSE_Sign1 envelope (protected header, kid, framing).
    pub signature_and_envelope: usize,
    /// CWT claims other than the public and encrypted parts (iat, exp, cti, claim key, version).
    pub claims_overhead: usize,
    /// The public part as plain CBOR with its texts in UTF-8.
    pub public_unpacked: usize,
    /// The public part on the card (packed: texts coded by the text model).
    pub public_part: usize,
    /// COSE_Encrypt overhead: headers, ephemeral key, recipient kid, Partial IV, Poly1305 tag.
    pub key_agreement_and_encryption: usize,
    /// The private part as plain CBOR with its texts in UTF-8.
    pub private_unpacked: usize,
    /// The private part as encrypted (packed: texts coded by the text model).
    pub private_packed: usize,
    /// Smallest QR version at ECC L, M, Q (`None` if over version 40).
    pub qr_version_l: Option<u8>,
    /// At ECC M.
    pub qr_version_m: Option<u8>,
    /// At ECC Q.
    pub qr_version_q: Option<u8>,
}

impl SizeReport {
    /// Measures an issued card as QR text under `prefix`.
    pub fn measure(issued: &Issued, prefix: &str) -> Result<SizeReport, qrtext::QrTextError> {
        let text = qrtext::encode(prefix, &issued.bytes)?;
        let version = |ec| min_version(&text, ec).ok();
        let encrypted = issued.encrypted.as_ref().map_or(0, Vec::len);
        let plaintext = issued.plaintext.as_ref().map_or(0, |p| p.len());
        Ok(SizeReport {
            payload_bytes: issued.bytes.len(),
            qr_text_chars: text.len(),
            signature_and_envelope: issued.bytes.len() - issued.claims.len(),
            claims_overhead: issued.claims.len() - issued.public_packed.len() - encrypted,
            public_unpacked: issued.public_cbor.len(),
            public_part: issued.public_packed.len(),
            key_agreement_and_encryption: encrypted - plaintext,
            private_unpacked: issued.private_cbor.as_ref().map_or(0, |p| p.len()),
            private_packed: plaintext,
            qr_version_l: version(EcLevel::L),
            qr_version_m: version(EcLevel::M),
            qr_version_q: version(EcLevel::Q),
        })
    }
}
