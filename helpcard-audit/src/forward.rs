//! A log's rows sent to another (a kiosk's to the key service, which mirrors them with
//! [`AuditLog::append_mirrored`](crate::AuditLog::append_mirrored)): a batch in JSON, signed
//! by the sending device's key, each row with its place in the sender's chain so the receiver
//! takes every row once, in order, unchanged.

use serde::{Deserialize, Serialize};

use crate::checkpoint::{DeviceKey, device_signed};
use crate::event::Event;
use crate::store::Row;

/// What the signature covers before the body: a batch is never taken for a checkpoint.
const TAG: &[u8] = b"helpcard-audit forward v1\0";

/// The HTTP header carrying a batch's signature (hex).
pub const SIGNATURE_HEADER: &str = "helpcard-signature";

/// At most this many rows a batch (a batch stays well under the key service's 16 KiB).
pub const MAX_BATCH: usize = 30;

/// Why a batch was not taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForwardError {
    /// Not a batch (JSON of the wrong shape, hex that is not, too many rows).
    #[error("not a batch of audit rows: {0}")]
    Malformed(String),
    /// The signature is not the sender's.
    #[error("the batch's signature does not verify with the sender's enrolled key")]
    Signature,
}

/// One row as sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sent {
    seq: u64,
    event: Event,
    prev: String,
    hash: String,
}

/// Rows of one sender's log, in order.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Who sends (the kiosk id).
    pub source: String,
    rows: Vec<Sent>,
}

impl Batch {
    /// A batch of `rows` from `source`.
    pub fn new(source: &str, rows: &[Row]) -> Batch {
        Batch {
            source: source.to_owned(),
            rows: rows
                .iter()
                .map(|r| Sent {
                    seq: r.seq,
                    event: r.event.clone(),
                    prev: hex::encode(r.prev),
                    hash: hex::encode(r.hash),
                })
                .collect(),
        }
    }

    /// The body to send and its signature (hex) by `key`.
    pub fn signed(&self, key: &DeviceKey) -> (Vec<u8>, String) {
        // Serializing these types cannot fail: strings, numbers and a struct of them.
        let body = serde_json::to_vec(self).unwrap_or_default();
        let signature = key.sign(&[TAG, &body].concat());
        (body, hex::encode(signature))
    }

    /// A received body, read but not yet trusted: its sender is named inside, so the receiver
    /// can look up the key to [`Batch::verify`] it with.
    pub fn parse(body: &[u8]) -> Result<Batch, ForwardError> {
        let batch: Batch =
            serde_json::from_slice(body).map_err(|e| ForwardError::Malformed(e.to_string()))?;
        if batch.rows.len() > MAX_BATCH {
            return Err(ForwardError::Malformed(format!(
                "{} rows; at most {MAX_BATCH}",
                batch.rows.len()
            )));
        }
        Ok(batch)
    }

    /// The rows, if `signature` (hex) over `body` verifies with the sender's key `public`.
    pub fn verify(
        &self,
        body: &[u8],
        signature: &str,
        public: &[u8; 32],
    ) -> Result<Vec<Row>, ForwardError> {
        let signature: [u8; 64] = hex::decode(signature)
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or(ForwardError::Signature)?;
        if !device_signed(public, &[TAG, body].concat(), &signature) {
            return Err(ForwardError::Signature);
        }
        let bytes = |s: &str| -> Result<[u8; 32], ForwardError> {
            hex::decode(s)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| ForwardError::Malformed("a hash is not 64 hex digits".into()))
        };
        self.rows
            .iter()
            .map(|r| {
                Ok(Row {
                    seq: r.seq,
                    event: r.event.clone(),
                    prev: bytes(&r.prev)?,
                    hash: bytes(&r.hash)?,
                })
            })
            .collect()
    }
}
