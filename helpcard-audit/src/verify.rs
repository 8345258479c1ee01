//! Checking a log file: the chain row by row, then every checkpoint (stored and exported).

use std::path::Path;

use helpcard_db::Database;

use crate::checkpoint::Checkpoint;
use crate::event::GENESIS;
use crate::store::{self, AuditError};

/// What was checked in an intact log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Rows in the chain.
    pub rows: u64,
    /// The last row's hash (the genesis hash when empty).
    pub head: [u8; 32],
    /// Checkpoints stored in the log, all verified.
    pub stored_checkpoints: usize,
    /// Exported checkpoints given to [`verify`], all verified.
    pub exported_checkpoints: usize,
    /// Rows after the last exported checkpoint: not yet anchored off the device, so cutting
    /// them off or rewriting them could not be detected (every row, with no exported
    /// checkpoint).
    pub unanchored: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "audit log intact: {} rows, {} stored and {} exported checkpoints verified; {} rows after the last exported checkpoint",
            self.rows, self.stored_checkpoints, self.exported_checkpoints, self.unanchored
        )
    }
}

/// The first thing found wrong, naming the row.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Tamper {
    /// A row's fields do not give its stored hash.
    #[error("row {seq} does not match its hash: it was changed, or moved from another position")]
    Changed {
        /// The row.
        seq: u64,
    },
    /// A sequence number is missing.
    #[error("row {seq} is missing: it was deleted")]
    Missing {
        /// The first missing row.
        seq: u64,
    },
    /// A row's stored previous-hash is not the previous row's hash.
    #[error(
        "row {seq} does not follow row {}: a row before it was replaced or the rows were re-ordered",
        seq - 1
    )]
    BrokenLink {
        /// The row whose link is broken.
        seq: u64,
    },
    /// A checkpoint counts more rows than the log has.
    #[error("a checkpoint signed {count} rows, but the log has {rows}: rows {} and later were deleted", rows + 1)]
    Truncated {
        /// Rows the checkpoint counted.
        count: u64,
        /// Rows in the log.
        rows: u64,
    },
    /// A checkpoint's head hash is not the hash of its last row.
    #[error(
        "the checkpoint of row {count} does not match the log: a row up to {count} was rewritten"
    )]
    CheckpointMismatch {
        /// Rows the checkpoint counted.
        count: u64,
    },
    /// A checkpoint's signature does not verify (or is by another device).
    #[error("the checkpoint of row {count} has a bad signature or another device's key")]
    BadCheckpoint {
        /// Rows the checkpoint counted.
        count: u64,
    },
}

/// Why a log could not be verified.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The log was tampered with.
    #[error("{0}")]
    Tamper(#[from] Tamper),
    /// The file could not be read as a log.
    #[error("{0}")]
    Store(#[from] AuditError),
}

/// Verifies the log at `path`: every row's hash and link, then every stored checkpoint and each
/// of `exported` (those copied off the device are what a rewrite of the whole file cannot
/// match), each signed by `device_key` — the public key recorded when the device was set up,
/// never one read from beside the log (whoever can rewrite the log can replace that too).
pub fn verify(
    path: &Path,
    device_key: &[u8; 32],
    exported: &[Checkpoint],
) -> Result<Report, VerifyError> {
    let db = Database::sqlite_read_only(path).map_err(AuditError::from)?;
    verify_in(&db, device_key, exported)
}

/// [`verify`] for a log in any database (PostgreSQL's, shared by several instances).
pub fn verify_in(
    db: &Database,
    device_key: &[u8; 32],
    exported: &[Checkpoint],
) -> Result<Report, VerifyError> {
    let (rows, stored) = db.read(|tx| {
        Ok::<_, AuditError>((
            store::select(tx, None, 0, u64::MAX)?,
            store::checkpoints(tx)?,
        ))
    })?;
    let mut hashes = Vec::with_capacity(rows.len());
    let mut prev = GENESIS;
    for (i, row) in rows.iter().enumerate() {
        let expected = i as u64 + 1;
        if row.seq != expected {
            return Err(Tamper::Missing { seq: expected }.into());
        }
        if row.event.hash(row.seq, &row.prev) != row.hash {
            return Err(Tamper::Changed { seq: row.seq }.into());
        }
        if row.prev != prev {
            return Err(Tamper::BrokenLink { seq: row.seq }.into());
        }
        prev = row.hash;
        hashes.push(row.hash);
    }
    let n = rows.len() as u64;
    for cp in stored.iter().chain(exported) {
        if !cp.verifies(Some(device_key)) {
            return Err(Tamper::BadCheckpoint { count: cp.count }.into());
        }
        if cp.count > n {
            return Err(Tamper::Truncated {
                count: cp.count,
                rows: n,
            }
            .into());
        }
        let at_count = match cp.count {
            0 => GENESIS,
            c => hashes[c as usize - 1],
        };
        if cp.head_bytes() != Some(at_count) {
            return Err(Tamper::CheckpointMismatch { count: cp.count }.into());
        }
    }
    let anchored = exported.iter().map(|c| c.count).max().unwrap_or(0);
    Ok(Report {
        rows: n,
        head: prev,
        stored_checkpoints: stored.len(),
        exported_checkpoints: exported.len(),
        unanchored: n - anchored,
    })
}
