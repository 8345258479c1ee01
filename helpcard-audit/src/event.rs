//! One audit event and the hash that chains it to the one before.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The previous-hash of the first row: 32 zero bytes.
pub const GENESIS: [u8; 32] = [0; 32];

/// Longest detail string accepted (bytes): room for a refusal reason or a person's id, none for
/// a card's contents.
pub const MAX_DETAIL: usize = 200;

/// What happened. Every field is a time, an identifier or a result code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When, in seconds since the Unix epoch (UTC).
    pub at: u64,
    /// What kind of event: `scan`, `private_shown`, `sign_in`, `unwrap`, `invite`, …
    pub kind: String,
    /// Who: the kiosk id, or the person's id at the key service.
    pub actor: String,
    /// The card id (16 hex digits), when the event concerns a card.
    pub card_id: Option<String>,
    /// The card's issuer id, when known.
    pub issuer: Option<String>,
    /// The result: a verdict code (`verified`, `revoked`, …), `granted`, `refused`, …
    pub result: String,
    /// A short note: why it was refused, which passkey, whether the private part was shown.
    pub detail: String,
}

impl Event {
    /// The row's hash: SHA-256 over a domain tag, the previous hash, the sequence number and
    /// every field, each length-prefixed so no two events encode alike.
    pub fn hash(&self, seq: u64, prev: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"helpcard-audit row v1\0");
        h.update(prev);
        h.update(seq.to_be_bytes());
        h.update(self.at.to_be_bytes());
        for field in [
            Some(self.kind.as_str()),
            Some(self.actor.as_str()),
            self.card_id.as_deref(),
            self.issuer.as_deref(),
            Some(self.result.as_str()),
            Some(self.detail.as_str()),
        ] {
            match field {
                None => h.update([0]),
                Some(text) => {
                    h.update([1]);
                    h.update((text.len() as u64).to_be_bytes());
                    h.update(text.as_bytes());
                }
            }
        }
        h.finalize().into()
    }
}
