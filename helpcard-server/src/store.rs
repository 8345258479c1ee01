//! People, invites, passkeys and sessions in SQLite.
//!
//! Secrets the service hands out (invite codes, session tokens) are stored only as SHA-256
//! hashes and looked up by hash, so a copy of the database does not sign anyone in, and no
//! secret is ever compared byte by byte against user input.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{Passkey, Uuid};
use zeroize::Zeroize;

/// The schema version this code writes.
const VERSION: i64 = 3;

/// Migrations by the version they bring the database to. Version 1 is the schema databases had
/// before it was versioned (`IF NOT EXISTS`, so those are taken up as they are).
const MIGRATIONS: [&str; 3] = [SCHEMA_1, ROLES_2, KIOSKS_3];

const SCHEMA_1: &str = "
CREATE TABLE IF NOT EXISTS people (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    grp        TEXT NOT NULL,
    active     INTEGER NOT NULL,
    created    INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS invites (
    code_hash BLOB PRIMARY KEY,
    name      TEXT NOT NULL,
    grp       TEXT NOT NULL,
    expires   INTEGER NOT NULL,
    used_at   INTEGER
);
CREATE TABLE IF NOT EXISTS passkeys (
    cred_id   TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    passkey   TEXT NOT NULL,
    created   INTEGER NOT NULL,
    last_used INTEGER
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    created    INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS allowance (
    person_id INTEGER NOT NULL REFERENCES people(id),
    at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS allowance_person ON allowance (person_id, at);
CREATE TABLE IF NOT EXISTS secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
";

/// People get a role (the issuing desk is for issuers and admins), invites carry it, and the
/// desk counts the needs the vocabulary has no code for.
const ROLES_2: &str = "
ALTER TABLE people ADD COLUMN role TEXT NOT NULL DEFAULT 'responder'
    CHECK (role IN ('responder', 'issuer', 'admin'));
ALTER TABLE invites ADD COLUMN role TEXT NOT NULL DEFAULT 'responder'
    CHECK (role IN ('responder', 'issuer', 'admin'));
CREATE TABLE vocab_misses (
    need    TEXT PRIMARY KEY,
    count   INTEGER NOT NULL,
    last_at INTEGER NOT NULL
);
";

/// Kiosks enrolled by an admin: their device key signs the audit rows they forward.
const KIOSKS_3: &str = "
CREATE TABLE kiosks (
    id          TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    grp         TEXT NOT NULL,
    enrolled_at INTEGER NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1
);
";

/// An enrolled kiosk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kiosk {
    /// Its id (the `kiosk_id` of its configuration).
    pub id: String,
    /// Its device key (Ed25519 public key): the one its checkpoints are signed with.
    pub public_key: [u8; 32],
    /// The responder group it belongs to (its organisation in notices).
    pub group: String,
    /// False once withdrawn.
    pub active: bool,
}

/// How long an invite is valid.
pub const INVITE_SECS: u64 = 24 * 3600;

/// Why the store refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused (locked, full, not a database).
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    /// A stored passkey does not parse (edited by hand).
    #[error("a stored passkey is damaged: {0}")]
    Passkey(String),
    /// The database was written by a later helpcard-server.
    #[error(
        "the database's schema version {0} is newer than this helpcard-server's: use a later one"
    )]
    Newer(i64),
}

/// Why an invite was not created.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// The database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The name belongs to someone in another group (held here): an invite adds a passkey, it
    /// does not move a person.
    #[error("already in group {0}")]
    OtherGroup(String),
    /// The name belongs to someone with another role: an invite adds a passkey, it does not
    /// change what a person may do.
    #[error("already has the role {0}")]
    OtherRole(String),
}

/// What a person may do. Each role may do what the one before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Opens private parts (every signed-in person may, within their group).
    Responder,
    /// Office staff: the issuing desk (prepare, issue, print, revoke, reissue, the card list).
    Issuer,
    /// Invites people, unlocks the issuer key, reviews.
    Admin,
}

impl Role {
    /// The stored and typed name: `responder`, `issuer`, `admin`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Responder => "responder",
            Role::Issuer => "issuer",
            Role::Admin => "admin",
        }
    }

    /// The role named `code`.
    pub fn from_code(code: &str) -> Option<Role> {
        [Role::Responder, Role::Issuer, Role::Admin]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// A responder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// Row id.
    pub id: i64,
    /// The WebAuthn user handle.
    pub uuid: Uuid,
    /// Name (unique).
    pub name: String,
    /// Responder group.
    pub group: String,
    /// What they may do.
    pub role: Role,
    /// False once revoked.
    pub active: bool,
}

/// A person as `people` lists them.
#[derive(Clone, Debug)]
pub struct Listed {
    /// The person.
    pub person: Person,
    /// Passkeys registered.
    pub passkeys: u64,
    /// Last sign-in or use of a passkey.
    pub last_used: Option<u64>,
}

/// What a session token says.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Unknown token, or idle too long.
    None,
    /// The person was revoked: no access, whatever the session.
    Revoked(Person),
    /// Signed in.
    Active(Person),
}

/// The database, shared by request handlers (one connection, one writer at a time).
pub struct Store {
    conn: Mutex<Connection>,
}

fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or typed is not misread.
const BASE32: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// An invite code: 80 random bits as 16 base32 characters in groups of four
/// (`K7QF-3MZD-WX2P-9TRA`), short enough to read out or type from a letter. It is given to the
/// person apart from any link: a code in a URL stays in the browser's history.
pub fn invite_code() -> String {
    let mut b = [0u8; 10];
    OsRng.fill_bytes(&mut b);
    let bits = b.iter().fold(0u128, |acc, &x| acc << 8 | u128::from(x));
    let chars: Vec<u8> = (0..16)
        .rev()
        .map(|i| BASE32[(bits >> (5 * i) & 31) as usize])
        .collect();
    chars
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// An invite code as typed, in the one form that is stored: upper case, without separators,
/// with the letters base32 leaves out read as the digits they look like.
fn normal_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | 'ー' | '－'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A person from columns 0–5 (id, uuid, name, grp, active, role) of a query.
fn person_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Person> {
    let uuid: String = r.get(1)?;
    Ok(Person {
        id: r.get(0)?,
        uuid: Uuid::parse_str(&uuid).unwrap_or_default(),
        name: r.get(2)?,
        group: r.get(3)?,
        active: r.get::<_, i64>(4)? != 0,
        role: Role::from_code(&r.get::<_, String>(5)?).unwrap_or(Role::Responder),
    })
}

const PERSON: &str = "SELECT id, uuid, name, grp, active, role FROM people";

impl Store {
    /// Opens (or creates, owner-only) the database.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        #[cfg(unix)]
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > VERSION {
            return Err(StoreError::Newer(version));
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
        }
        tx.commit()?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable (SQLite rolls back).
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A one-time invite for `name` in `group` with `role`, valid [`INVITE_SECS`]; returns the
    /// code. Refused when `name` is a person (or has a pending invite) in another group or with
    /// another role.
    pub fn create_invite(
        &self,
        name: &str,
        group: &str,
        role: Role,
        now: u64,
    ) -> Result<String, InviteError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let held: Option<(String, String)> = tx
            .query_row(
                "SELECT grp, role FROM people WHERE name = ?1
                 UNION ALL SELECT grp, role FROM invites WHERE name = ?1 AND used_at IS NULL AND expires > ?2
                 LIMIT 1",
                params![name, now as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(StoreError::from)?;
        if let Some((held_group, held_role)) = held {
            if held_group != group {
                return Err(InviteError::OtherGroup(held_group));
            }
            if held_role != role.code() {
                return Err(InviteError::OtherRole(held_role));
            }
        }
        let code = invite_code();
        tx.execute(
            "INSERT INTO invites (code_hash, name, grp, role, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                hash(&normal_code(&code)),
                name,
                group,
                role.code(),
                (now + INVITE_SECS) as i64
            ],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(code)
    }

    /// Withdraws every unused invite for `name`; returns how many.
    pub fn withdraw_invites(&self, name: &str, now: u64) -> Result<usize, StoreError> {
        Ok(self.conn().execute(
            "DELETE FROM invites WHERE name = ?1 AND used_at IS NULL AND expires > ?2",
            params![name, now as i64],
        )?)
    }

    /// The (name, group) of an unused, unexpired invite.
    pub fn invite(&self, code: &str, now: u64) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name, grp FROM invites WHERE code_hash = ?1 AND used_at IS NULL AND expires > ?2",
                params![hash(&normal_code(code)), now as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The role of person `name`, if the store knows them (for reading old audit rows).
    pub fn role_of(&self, name: &str) -> Option<Role> {
        self.person(name).ok().flatten().map(|p| p.role)
    }

    /// The person named `name` (active or not).
    pub fn person(&self, name: &str) -> Result<Option<Person>, StoreError> {
        Ok(self
            .conn()
            .query_row(&format!("{PERSON} WHERE name = ?1"), [name], person_row)
            .optional()?)
    }

    /// Uses the invite and stores the passkey for its person (created if new), in one
    /// transaction; `None` if the invite was used or expired meanwhile.
    pub fn redeem(
        &self,
        code: &str,
        uuid: Uuid,
        passkey: &Passkey,
        now: u64,
    ) -> Result<Option<Person>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let invite: Option<(String, String, String)> = tx
            .query_row(
                "SELECT name, grp, role FROM invites WHERE code_hash = ?1 AND used_at IS NULL AND expires > ?2",
                params![hash(&normal_code(code)), now as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((name, group, role)) = invite else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE invites SET used_at = ?2 WHERE code_hash = ?1",
            params![hash(&normal_code(code)), now as i64],
        )?;
        tx.execute(
            "INSERT INTO people (uuid, name, grp, role, active, created) VALUES (?1, ?2, ?3, ?4, 1, ?5)
             ON CONFLICT (name) DO NOTHING",
            params![uuid.to_string(), name, group, role, now as i64],
        )?;
        let person = tx.query_row(&format!("{PERSON} WHERE name = ?1"), [&name], person_row)?;
        let json =
            serde_json::to_string(passkey).map_err(|e| StoreError::Passkey(e.to_string()))?;
        tx.execute(
            "INSERT INTO passkeys (cred_id, person_id, passkey, created) VALUES (?1, ?2, ?3, ?4)",
            params![
                hex::encode::<&[u8]>(passkey.cred_id().as_ref()),
                person.id,
                json,
                now as i64
            ],
        )?;
        tx.commit()?;
        Ok(Some(person))
    }

    /// The passkeys of a person.
    pub fn passkeys(&self, person: &Person) -> Result<Vec<Passkey>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT passkey FROM passkeys WHERE person_id = ?1")?;
        let rows = stmt
            .query_map([person.id], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.iter()
            .map(|j| serde_json::from_str(j).map_err(|e| StoreError::Passkey(e.to_string())))
            .collect()
    }

    /// Stores a passkey's updated counter after a sign-in.
    pub fn touch_passkey(&self, passkey: &Passkey, now: u64) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(passkey).map_err(|e| StoreError::Passkey(e.to_string()))?;
        self.conn().execute(
            "UPDATE passkeys SET passkey = ?2, last_used = ?3 WHERE cred_id = ?1",
            params![
                hex::encode::<&[u8]>(passkey.cred_id().as_ref()),
                json,
                now as i64
            ],
        )?;
        Ok(())
    }

    /// A new session for `person`; returns its token.
    pub fn create_session(&self, person: &Person, now: u64) -> Result<String, StoreError> {
        let token = random_token();
        self.conn().execute(
            "INSERT INTO sessions (token_hash, person_id, created, last_seen) VALUES (?1, ?2, ?3, ?3)",
            params![hash(&token), person.id, now as i64],
        )?;
        Ok(token)
    }

    /// The session's person, checked on every request: idle longer than `idle` seconds, or
    /// older than `lifetime`, ends the session; a revoked person has no access whatever the
    /// session.
    pub fn session(
        &self,
        token: &str,
        now: u64,
        idle: u64,
        lifetime: u64,
    ) -> Result<SessionState, StoreError> {
        let conn = self.conn();
        let found = conn
            .query_row(
                "SELECT p.id, p.uuid, p.name, p.grp, p.active, p.role, s.last_seen, s.created
                 FROM sessions s JOIN people p ON p.id = s.person_id WHERE s.token_hash = ?1",
                [hash(token)],
                |r| {
                    Ok((
                        person_row(r)?,
                        r.get::<_, i64>(6)? as u64,
                        r.get::<_, i64>(7)? as u64,
                    ))
                },
            )
            .optional()?;
        let Some((person, last_seen, created)) = found else {
            return Ok(SessionState::None);
        };
        if !person.active {
            return Ok(SessionState::Revoked(person));
        }
        if now > last_seen + idle || now >= created + lifetime {
            conn.execute("DELETE FROM sessions WHERE token_hash = ?1", [hash(token)])?;
            return Ok(SessionState::None);
        }
        // Written at most every 30 s: an idle limit of minutes does not need a database write
        // on every request (measured: one write fewer per unwrap under load).
        if now >= last_seen + 30 {
            conn.execute(
                "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
                params![hash(token), now as i64],
            )?;
        }
        Ok(SessionState::Active(person))
    }

    /// Counts one unwrap against `person`'s hourly allowance of `per_hour`; false (nothing
    /// counted) when it is used up. Kept in the database, so a restart does not reset it.
    pub fn take_allowance(
        &self,
        person: &Person,
        now: u64,
        per_hour: usize,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hour_ago = now.saturating_sub(3600) as i64;
        tx.execute(
            "DELETE FROM allowance WHERE person_id = ?1 AND at <= ?2",
            params![person.id, hour_ago],
        )?;
        let used: i64 = tx.query_row(
            "SELECT COUNT(*) FROM allowance WHERE person_id = ?1",
            [person.id],
            |r| r.get(0),
        )?;
        if used as usize >= per_hour {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO allowance (person_id, at) VALUES (?1, ?2)",
            params![person.id, now as i64],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// A secret of the service's named `name`: 32 random bytes made on first use and kept
    /// (the decoy sign-in's key).
    pub fn secret(&self, name: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, StoreError> {
        let conn = self.conn();
        let mut fresh = [0u8; 32];
        OsRng.fill_bytes(&mut fresh);
        conn.execute(
            "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![name, fresh.as_slice()],
        )?;
        fresh.zeroize();
        Ok(zeroize::Zeroizing::new(conn.query_row(
            "SELECT value FROM secrets WHERE name = ?1",
            [name],
            |r| r.get(0),
        )?))
    }

    /// Ends a session.
    pub fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [hash(token)])?;
        Ok(())
    }

    /// Ends a person's access at once: marked revoked, so every session of theirs is refused
    /// from the next request on (with 403 `person_revoked`, which a deleted session could not
    /// tell apart from a signed-out one), and no new sign-in starts. False if there is no such
    /// person.
    pub fn revoke_person(&self, name: &str, now: u64) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE people SET active = 0, revoked_at = ?2 WHERE name = ?1",
            params![name, now as i64],
        )?;
        Ok(n > 0)
    }

    /// Enrolls kiosk `id` with its device key in `group` (again: the new key replaces the
    /// old, and a withdrawn kiosk is active again).
    pub fn enroll_kiosk(
        &self,
        id: &str,
        public_key: &[u8; 32],
        group: &str,
        now: u64,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO kiosks (id, public_key, grp, enrolled_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key, grp = excluded.grp,
                 enrolled_at = excluded.enrolled_at, active = 1",
            params![id, hex::encode(public_key), group, now as i64],
        )?;
        Ok(())
    }

    /// Withdraws kiosk `id`: its rows are refused from then on. False if it was not enrolled.
    pub fn withdraw_kiosk(&self, id: &str) -> Result<bool, StoreError> {
        let n = self
            .conn()
            .execute("UPDATE kiosks SET active = 0 WHERE id = ?1", [id])?;
        Ok(n > 0)
    }

    /// Kiosk `id`, if enrolled (withdrawn or not).
    pub fn kiosk(&self, id: &str) -> Result<Option<Kiosk>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, public_key, grp, active FROM kiosks WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, bool>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.and_then(|(id, key, group, active)| {
            Some(Kiosk {
                id,
                public_key: hex::decode(key).ok()?.try_into().ok()?,
                group,
                active,
            })
        }))
    }

    /// Counts one need the desk's vocabulary search did not find (its words as typed, trimmed
    /// and lower-cased, at most 100 characters).
    pub fn count_miss(&self, need: &str, now: u64) -> Result<(), StoreError> {
        let need: String = need.trim().to_lowercase().chars().take(100).collect();
        if need.is_empty() {
            return Ok(());
        }
        self.conn().execute(
            "INSERT INTO vocab_misses (need, count, last_at) VALUES (?1, 1, ?2)
             ON CONFLICT (need) DO UPDATE SET count = count + 1, last_at = excluded.last_at",
            params![need, now as i64],
        )?;
        Ok(())
    }

    /// The needs searched for and not found, most asked first: (need, times).
    pub fn misses(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT need, count FROM vocab_misses ORDER BY count DESC, need LIMIT 200")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Everyone, with their passkeys.
    pub fn people(&self) -> Result<Vec<Listed>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT p.id, p.uuid, p.name, p.grp, p.active, p.role, COUNT(k.cred_id), MAX(k.last_used)
             FROM people p LEFT JOIN passkeys k ON k.person_id = p.id GROUP BY p.id ORDER BY p.name",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Listed {
                    person: person_row(r)?,
                    passkeys: r.get::<_, i64>(6)? as u64,
                    last_used: r.get::<_, Option<i64>>(7)?.map(|t| t as u64),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests;
