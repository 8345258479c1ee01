//! The log in SQLite or PostgreSQL: schema, appending, checkpoints, queries.

use std::path::{Path, PathBuf};

use helpcard_db::{Database, DbError, Migrations, Tx, Value};

use crate::checkpoint::{Checkpoint, CheckpointError, DeviceKey};
use crate::event::{Event, GENESIS, MAX_DETAIL};

/// The log's schema, version 1 (`IF NOT EXISTS`: logs made before it was versioned are taken up
/// as they are).
const SQLITE_1: &str = "
CREATE TABLE IF NOT EXISTS events (
    seq     INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    card_id TEXT,
    issuer  TEXT,
    result  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    prev    BLOB NOT NULL,
    hash    BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_card ON events (card_id);
CREATE TABLE IF NOT EXISTS checkpoints (
    count      INTEGER NOT NULL,
    head       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    device_key TEXT NOT NULL,
    signature  TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_update BEFORE UPDATE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS checkpoints_append_only_delete BEFORE DELETE ON checkpoints
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- Messages owed because of a row (a holder's notice of an opening), written in the row's own
-- transaction: a row is never stored without them, nor they without it. Not part of the chain:
-- a sender marks them sent.
CREATE TABLE IF NOT EXISTS outbox (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL REFERENCES events(seq),
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,
    sent_at    INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (sent_at, next_at);
-- The head of each other log this one mirrors (a kiosk's rows forwarded to the key service):
-- the last of its rows taken, updated in that row's transaction, so a row sent twice is taken
-- once and a gap is seen.
CREATE TABLE IF NOT EXISTS mirrored (
    source TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL,
    hash   BLOB NOT NULL
);
";

/// The same on PostgreSQL. Append-only by triggers; checkpoints numbered in the order stored.
const POSTGRES_1: &str = "
CREATE TABLE events (
    seq     BIGINT PRIMARY KEY,
    at      BIGINT NOT NULL,
    kind    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    card_id TEXT,
    issuer  TEXT,
    result  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    prev    BYTEA NOT NULL,
    hash    BYTEA NOT NULL
);
CREATE INDEX events_card ON events (card_id);
CREATE TABLE checkpoints (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    count      BIGINT NOT NULL,
    head       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    device_key TEXT NOT NULL,
    signature  TEXT NOT NULL
);
CREATE FUNCTION helpcard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION helpcard_append_only();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION helpcard_append_only();
CREATE TABLE outbox (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seq        BIGINT NOT NULL REFERENCES events(seq),
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    attempts   BIGINT NOT NULL DEFAULT 0,
    next_at    BIGINT NOT NULL,
    sent_at    BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_at);
CREATE TABLE mirrored (
    source TEXT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   BYTEA NOT NULL
);
";

const MIGRATIONS: Migrations<'static> = Migrations {
    component: "audit",
    sqlite: &[SQLITE_1],
    postgres: &[POSTGRES_1],
};

/// How long a sender holds the messages it claimed ([`AuditLog::claim`]) before another may
/// take them: longer than a slow relay's answer, short enough that a sender that died is
/// replaced soon.
pub const CLAIM_SECS: u64 = 300;

/// A message owed because of an audit row (see [`AuditLog::append_with_messages`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The recipient's address.
    pub to: String,
    /// Its subject line.
    pub subject: String,
    /// Its text.
    pub body: String,
}

/// A message waiting in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Its id (stable: a sender can name the message with it).
    pub id: i64,
    /// The row it is owed for.
    pub seq: u64,
    /// Attempts so far.
    pub attempts: u32,
    /// The message.
    pub message: Message,
}

/// Why the log could not be opened or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The database refused (locked, full disk, not a database, a trigger) or cannot be
    /// reached.
    #[error("audit database: {0}")]
    Store(#[from] DbError),
    /// A detail string over [`MAX_DETAIL`] bytes: audit rows hold identifiers, not contents.
    #[error(
        "audit detail is {0} bytes; at most {MAX_DETAIL} are allowed (no card contents in the log)"
    )]
    DetailTooLong(usize),
    /// A checkpoint could not be exported.
    #[error("audit checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// A mirrored row that is not the next of its log's chain (sent twice, out of order, or
    /// changed): the row expected next.
    #[error("not the next row of the mirrored log (row {expected} expected)")]
    NotNext {
        /// The sequence number expected.
        expected: u64,
    },
    /// A stored hash is not 32 bytes: the file was edited by hand.
    #[error("audit row {0} has a malformed hash (the database was edited)")]
    Malformed(u64),
}

/// When to sign a checkpoint by itself: after this many events, or this long after the last one
/// (checked when an event is appended), and where to export it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// Events between checkpoints (0: never by count).
    pub every_events: u64,
    /// Seconds between checkpoints (0: never by time).
    pub every_secs: u64,
    /// A directory each checkpoint is also written to, as `checkpoint-<count>-<time>.json`
    /// (never replacing a file: see the README's anchoring).
    pub export_dir: Option<PathBuf>,
}

impl CheckpointPolicy {
    /// No checkpoint is signed by appending (a process that adds a row to a log another
    /// process checkpoints, such as an administrator's command beside a running service).
    pub fn none() -> CheckpointPolicy {
        CheckpointPolicy {
            every_events: 0,
            every_secs: 0,
            export_dir: None,
        }
    }
}

impl Default for CheckpointPolicy {
    /// Every 100 events or every hour, not exported.
    fn default() -> CheckpointPolicy {
        CheckpointPolicy {
            every_events: 100,
            every_secs: 3600,
            export_dir: None,
        }
    }
}

/// One stored row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Position in the log, from 1.
    pub seq: u64,
    /// The event.
    pub event: Event,
    /// The previous row's hash as stored.
    pub prev: [u8; 32],
    /// This row's hash as stored.
    pub hash: [u8; 32],
}

/// An open audit log.
pub struct AuditLog {
    db: Database,
    key: DeviceKey,
    policy: CheckpointPolicy,
    /// (count, time) of the last checkpoint signed.
    last_checkpoint: (u64, u64),
    /// Checkpoints signed but not yet exported (the export place was unreachable): tried again
    /// with every checkpoint.
    unexported: Vec<Checkpoint>,
}

impl AuditLog {
    /// Opens (or creates) the log in the SQLite file at `path`, checkpoints signed with `key`.
    /// Commits are on disk when they return (`synchronous = FULL`): a crash after an append
    /// loses nothing the caller was told about.
    pub fn open(
        path: &Path,
        key: DeviceKey,
        policy: CheckpointPolicy,
    ) -> Result<AuditLog, AuditError> {
        AuditLog::on(Database::sqlite(path)?, key, policy)
    }

    /// The log in `db` (SQLite or PostgreSQL; several processes may append to one PostgreSQL
    /// log: appends are serialised in the database), its schema brought up to date.
    pub fn on(
        db: Database,
        key: DeviceKey,
        policy: CheckpointPolicy,
    ) -> Result<AuditLog, AuditError> {
        db.migrate(&MIGRATIONS)?;
        let last_checkpoint = db
            .read(|tx| {
                tx.query_opt(
                    "SELECT count, at FROM checkpoints ORDER BY count DESC, at DESC LIMIT 1",
                    &[],
                )?
                .map(|r| Ok::<_, DbError>((r.get(0)?, r.get(1)?)))
                .transpose()
            })?
            .unwrap_or((0, 0));
        Ok(AuditLog {
            db,
            key,
            policy,
            last_checkpoint,
            unexported: Vec::new(),
        })
    }

    /// The database the log is in.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Appends one event in its own transaction and returns its sequence number. A checkpoint
    /// is signed afterwards when the policy says one is due; its failure does not fail the
    /// append (the event is stored), and it is tried again with the next.
    pub fn append(&mut self, event: &Event) -> Result<u64, AuditError> {
        self.append_with_messages(event, &[])
    }

    /// Appends one event and the messages owed because of it, in one transaction: the event is
    /// not stored without them (a crash cannot lose a holder's notice of an opening), and they
    /// wait in the outbox until a sender claims them and marks them sent ([`AuditLog::claim`]).
    pub fn append_with_messages(
        &mut self,
        event: &Event,
        messages: &[Message],
    ) -> Result<u64, AuditError> {
        self.append_inner(event, messages, None)
    }

    /// Appends `event`, standing for row `row` of another log `source` (a kiosk's), with the
    /// messages owed because of it, in one transaction that also moves `source`'s mirrored head
    /// to `row`. Refused ([`AuditError::NotNext`]) unless `row` is the next of `source`'s chain:
    /// its sequence number one more than the head's, its `prev` the head's hash, and its hash
    /// its own — so a row sent twice is taken once, and a row missing or changed is seen.
    pub fn append_mirrored(
        &mut self,
        source: &str,
        row: &Row,
        event: &Event,
        messages: &[Message],
    ) -> Result<u64, AuditError> {
        self.append_inner(event, messages, Some((source, row)))
    }

    /// The last row taken from `source` (sequence number and hash; 0 and the genesis hash
    /// when none).
    pub fn mirrored(&self, source: &str) -> Result<(u64, [u8; 32]), AuditError> {
        self.db.read(|tx| mirrored_head(tx, source))
    }

    fn append_inner(
        &mut self,
        event: &Event,
        messages: &[Message],
        mirror: Option<(&str, &Row)>,
    ) -> Result<u64, AuditError> {
        if event.detail.len() > MAX_DETAIL {
            return Err(AuditError::DetailTooLong(event.detail.len()));
        }
        let seq = self.db.write(|tx| {
            lock_chain(tx)?;
            if let Some((source, row)) = mirror {
                let (seq, hash) = mirrored_head(tx, source)?;
                if row.seq != seq + 1
                    || row.prev != hash
                    || row.event.hash(row.seq, &row.prev) != row.hash
                {
                    return Err(AuditError::NotNext { expected: seq + 1 });
                }
                tx.execute(
                    "INSERT INTO mirrored (source, seq, hash) VALUES (?1, ?2, ?3)
                     ON CONFLICT (source) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                    &[source.into(), row.seq.into(), row.hash.as_slice().into()],
                )?;
            }
            let (last, prev) = head(tx)?;
            let seq = last + 1;
            let hash = event.hash(seq, &prev);
            tx.execute(
                "INSERT INTO events (seq, at, kind, actor, card_id, issuer, result, detail, prev, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                &[
                    seq.into(),
                    event.at.into(),
                    (&event.kind).into(),
                    (&event.actor).into(),
                    event.card_id.as_deref().into(),
                    event.issuer.as_deref().into(),
                    (&event.result).into(),
                    (&event.detail).into(),
                    prev.as_slice().into(),
                    hash.as_slice().into(),
                ],
            )?;
            for m in messages {
                tx.execute(
                    "INSERT INTO outbox (seq, to_addr, subject, body, next_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    &[
                        seq.into(),
                        (&m.to).into(),
                        (&m.subject).into(),
                        (&m.body).into(),
                        event.at.into(),
                    ],
                )?;
            }
            Ok::<_, AuditError>(seq)
        })?;
        let (count, at) = self.last_checkpoint;
        let due = (self.policy.every_events > 0 && seq >= count + self.policy.every_events)
            || (self.policy.every_secs > 0 && event.at >= at + self.policy.every_secs);
        if due {
            let _ = self.checkpoint(event.at);
        }
        Ok(seq)
    }

    /// Claims the messages due at `now` (not sent, their next try come), oldest first, at most
    /// `limit`: each is held for [`CLAIM_SECS`], so another sender (another instance of the
    /// service on the same database) skips it meanwhile, and a sender that died before
    /// marking it lets it come due again. On PostgreSQL rows another sender is claiming at that
    /// moment are skipped (`FOR UPDATE SKIP LOCKED`), never waited for nor taken twice.
    pub fn claim(&self, now: u64, limit: usize) -> Result<Vec<Pending>, AuditError> {
        let skip_locked = if self.db.is_postgres() {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE outbox SET next_at = ?3 WHERE id IN (
                 SELECT id FROM outbox WHERE sent_at IS NULL AND next_at <= ?1
                 ORDER BY id LIMIT ?2{skip_locked})
             RETURNING id, seq, attempts, to_addr, subject, body"
        );
        let rows = self.db.write(|tx| {
            tx.query(
                &sql,
                &[now.into(), (limit as u64).into(), (now + CLAIM_SECS).into()],
            )
        })?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(Pending {
                    id: r.get(0)?,
                    seq: r.get(1)?,
                    attempts: r.get(2)?,
                    message: Message {
                        to: r.get(3)?,
                        subject: r.get(4)?,
                        body: r.get(5)?,
                    },
                })
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        // RETURNING gives no order.
        out.sort_by_key(|p| p.id);
        Ok(out)
    }

    /// The message was handed to the relay at `now`.
    pub fn sent(&self, id: i64, now: u64) -> Result<(), AuditError> {
        self.db.read(|tx| {
            tx.execute(
                "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1 WHERE id = ?1",
                &[id.into(), now.into()],
            )
        })?;
        Ok(())
    }

    /// The message could not be sent: tried again at `next_at`.
    pub fn not_sent(&self, id: i64, next_at: u64, error: &str) -> Result<(), AuditError> {
        let error: String = error.chars().take(200).collect();
        self.db.read(|tx| {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_at = ?2, last_error = ?3 WHERE id = ?1",
                &[id.into(), next_at.into(), error.into()],
            )
        })?;
        Ok(())
    }

    /// (waiting, sent) messages in the outbox.
    pub fn outbox_counts(&self) -> Result<(u64, u64), AuditError> {
        let row = self.db.read(|tx| {
            tx.query_one(
                "SELECT COUNT(*) - COUNT(sent_at), COUNT(sent_at) FROM outbox",
                &[],
            )
        })?;
        Ok((row.get(0)?, row.get(1)?))
    }

    /// Signs a checkpoint of the log as it is now, stores it, and exports it (and any earlier
    /// one not yet exported) if configured. An export error is returned after the checkpoint
    /// is stored; the export is tried again with the next checkpoint or
    /// [`AuditLog::export_pending`].
    pub fn checkpoint(&mut self, now: u64) -> Result<Checkpoint, AuditError> {
        let key = &self.key;
        let (count, cp) = self.db.write(|tx| {
            let (count, head_hash) = head(tx)?;
            let cp = Checkpoint::sign(key, count, &head_hash, now);
            tx.execute(
                "INSERT INTO checkpoints (count, head, at, device_key, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    count.into(),
                    (&cp.head).into(),
                    now.into(),
                    (&cp.device_key).into(),
                    (&cp.signature).into(),
                ],
            )?;
            Ok::<_, AuditError>((count, cp))
        })?;
        self.last_checkpoint = (count, now);
        if self.policy.export_dir.is_some() {
            self.unexported.push(cp.clone());
        }
        self.export_pending()?;
        Ok(cp)
    }

    /// Exports the checkpoints not yet exported; the first error, the rest kept for later.
    pub fn export_pending(&mut self) -> Result<(), AuditError> {
        let Some(dir) = &self.policy.export_dir else {
            return Ok(());
        };
        while let Some(cp) = self.unexported.first() {
            export(dir, cp)?;
            self.unexported.remove(0);
        }
        Ok(())
    }

    /// Rows appended (by any process) since the last checkpoint stored in the log.
    pub fn uncheckpointed(&self) -> Result<u64, AuditError> {
        self.db.read(|tx| {
            let (count, _) = head(tx)?;
            let last: Option<u64> = tx
                .query_one("SELECT MAX(count) FROM checkpoints", &[])?
                .get(0)?;
            Ok(count.saturating_sub(last.unwrap_or(0)))
        })
    }

    /// The device key's public half.
    pub fn device_key(&self) -> [u8; 32] {
        self.key.public()
    }

    /// Number of rows.
    pub fn len(&self) -> Result<u64, AuditError> {
        Ok(self.db.read(head)?.0)
    }

    /// True when no event has been logged.
    pub fn is_empty(&self) -> Result<bool, AuditError> {
        Ok(self.len()? == 0)
    }

    /// Every row about one card, oldest first: who opened it and when (what an issuing office
    /// needs to answer a holder's disclosure request).
    pub fn rows_for_card(&self, card_id: &str) -> Result<Vec<Row>, AuditError> {
        self.db.read(|tx| select(tx, Some(card_id), 0, u64::MAX))
    }

    /// Every row, oldest first.
    pub fn rows(&self) -> Result<Vec<Row>, AuditError> {
        self.db.read(|tx| select(tx, None, 0, u64::MAX))
    }
}

/// On PostgreSQL, where several instances append to one log, the chain is appended to by one
/// transaction at a time: the table lock (which readers do not wait for) is held until commit,
/// so no two appends read the same head. SQLite's `BEGIN IMMEDIATE` does the same.
fn lock_chain(tx: &mut Tx<'_>) -> Result<(), DbError> {
    if tx.is_postgres() {
        tx.batch("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")?;
    }
    Ok(())
}

fn mirrored_head(tx: &mut Tx<'_>, source: &str) -> Result<(u64, [u8; 32]), AuditError> {
    let held = tx.query_opt(
        "SELECT seq, hash FROM mirrored WHERE source = ?1",
        &[source.into()],
    )?;
    stored_head(held)
}

/// A (seq, hash) row as a head; none is the genesis.
fn stored_head(row: Option<helpcard_db::Row>) -> Result<(u64, [u8; 32]), AuditError> {
    let Some(row) = row else {
        return Ok((0, GENESIS));
    };
    let seq: u64 = row.get(0)?;
    let hash: Vec<u8> = row.get(1)?;
    Ok((
        seq,
        hash.try_into().map_err(|_| AuditError::Malformed(seq))?,
    ))
}

/// Rows of the log at `path` after row `after`, oldest first, at most `limit`: read without
/// writing (a forwarder beside the process that appends).
pub fn rows_after(path: &Path, after: u64, limit: usize) -> Result<Vec<Row>, AuditError> {
    Database::sqlite_read_only(path)?.read(|tx| select(tx, None, after, limit as u64))
}

/// The last row's sequence number and hash (0 and the genesis hash when empty).
fn head(tx: &mut Tx<'_>) -> Result<(u64, [u8; 32]), AuditError> {
    let last = tx.query_opt(
        "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    stored_head(last)
}

/// Rows about `card_id` (all without one) after row `after`, oldest first, at most `limit`.
pub(crate) fn select(
    tx: &mut Tx<'_>,
    card_id: Option<&str>,
    after: u64,
    limit: u64,
) -> Result<Vec<Row>, AuditError> {
    let (filter, params): (&str, Vec<Value>) = match card_id {
        Some(id) => (
            "card_id = ?3 AND ",
            vec![after.into(), limit.into(), id.into()],
        ),
        None => ("", vec![after.into(), limit.into()]),
    };
    let rows = tx.query(
        &format!(
            "SELECT seq, at, kind, actor, card_id, issuer, result, detail, prev, hash FROM events
             WHERE {filter}seq > ?1 ORDER BY seq LIMIT ?2"
        ),
        &params,
    )?;
    rows.iter()
        .map(|r| {
            let seq: u64 = r.get(0)?;
            let bytes = |i| -> Result<[u8; 32], AuditError> {
                let v: Vec<u8> = r.get(i)?;
                v.try_into().map_err(|_| AuditError::Malformed(seq))
            };
            Ok(Row {
                seq,
                event: Event {
                    at: r.get(1)?,
                    kind: r.get(2)?,
                    actor: r.get(3)?,
                    card_id: r.get(4)?,
                    issuer: r.get(5)?,
                    result: r.get(6)?,
                    detail: r.get(7)?,
                },
                prev: bytes(8)?,
                hash: bytes(9)?,
            })
        })
        .collect()
}

/// The stored checkpoints in the order they were stored.
pub(crate) fn checkpoints(tx: &mut Tx<'_>) -> Result<Vec<Checkpoint>, AuditError> {
    let order = if tx.is_postgres() { "id" } else { "rowid" };
    let rows = tx.query(
        &format!("SELECT count, head, at, device_key, signature FROM checkpoints ORDER BY {order}"),
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Checkpoint {
                count: r.get(0)?,
                head: r.get(1)?,
                at: r.get(2)?,
                device_key: r.get(3)?,
                signature: r.get(4)?,
            })
        })
        .collect()
}

/// Writes `checkpoint-<count>-<at>.json` into `dir`, append-only: a new file each time, never
/// one written over (an existing file is evidence; on a share that allows creating but not
/// replacing files, this is all the writer needs). Written through a temporary name and linked
/// into place, so a reader never sees half a file.
fn export(dir: &Path, cp: &Checkpoint) -> Result<(), CheckpointError> {
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| CheckpointError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = format!("checkpoint-{:010}-{}.json", cp.count, cp.at);
    let path = dir.join(&name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return if existing == cp.to_json() {
            Ok(())
        } else {
            Err(CheckpointError::BadFile(format!(
                "{}: a different checkpoint is already there (not replaced)",
                path.display()
            )))
        };
    }
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, cp.to_json()).map_err(io(&tmp))?;
    // A hard link fails if the name exists: no checkpoint is ever replaced.
    let linked = std::fs::hard_link(&tmp, &path).map_err(io(&path));
    let _ = std::fs::remove_file(&tmp);
    linked
}
