//! The audit log of helpcard's kiosk and key service: who scanned or opened which card, when,
//! and with what result — never what the card said.
//!
//! - **Append-only, hash-chained rows** in SQLite ([`AuditLog`]): each row's hash covers its
//!   fields and the previous row's hash ([`Event::hash`]), so a changed, deleted or re-ordered
//!   row breaks the chain from there on. Triggers refuse `UPDATE` and `DELETE`; WAL mode, a
//!   full sync and one transaction per event mean an event the caller was told about survives a
//!   crash.
//! - **Signed checkpoints** ([`Checkpoint`]): the row count and the head hash, signed with the
//!   device's Ed25519 key ([`DeviceKey`]), written into the log and exported as small JSON
//!   files to somewhere the device cannot rewrite (a USB stick, a backed-up share). Someone who
//!   rewrites the whole database and recomputes every hash still cannot match a checkpoint
//!   exported before.
//! - **Forwarding** ([`Batch`]): a kiosk's rows sent to the key service, signed by the device
//!   key, and mirrored there row by row ([`AuditLog::append_mirrored`]): each taken once, in
//!   order, with its hash checked against the sender's chain.
//! - **A verifier** ([`verify`]) that walks the chain and the checkpoints and names the first
//!   bad row ([`Tamper`]).
//!
//! Events hold times, card ids, issuers, actors and results. The type has no field for card
//! contents, and a detail string longer than [`MAX_DETAIL`] is refused, so nothing private can
//! be logged by accident.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod checkpoint;
mod event;
mod forward;
mod store;
mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, DeviceKey, device_signed, read_exported};
pub use event::{Event, GENESIS, MAX_DETAIL};
pub use forward::{Batch, ForwardError, MAX_BATCH, SIGNATURE_HEADER};
/// The database the log is kept in (SQLite or PostgreSQL).
pub use helpcard_db::{Database, DbError};
pub use store::{
    AuditError, AuditLog, CLAIM_SECS, CheckpointPolicy, Message, Pending, Row, rows_after,
};
pub use verify::{Report, Tamper, VerifyError, verify, verify_in};
