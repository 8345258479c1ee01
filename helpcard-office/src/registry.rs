//! The registry of issued cards (SQLite): what was issued, to whom (a holder reference, never
//! the private contents), with which key, and its status; and each issuer's published
//! revocation lists. Every write is one transaction; the file is owner-only (it links holders
//! to card ids). Its schema is versioned (`PRAGMA user_version`): an older registry is brought
//! up to date when opened, a newer one (from a later helpcard) is refused.

use std::path::{Path, PathBuf};

use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::SigningKey;
use helpcard_core::trust::{CardId, RevocationFloor, RevocationList};
use helpcard_core::vocab::Lang;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::error::OfficeError;
use crate::files::{Access, create_new};

/// The schema version this code writes.
const VERSION: i64 = 3;

/// Migrations by the version they bring the registry to. Version 1 is the schema registries
/// had before it was versioned (`IF NOT EXISTS`, so those are taken up as they are).
const MIGRATIONS: [&str; 3] = [
    "
CREATE TABLE IF NOT EXISTS cards (
    card_id     TEXT PRIMARY KEY,
    holder_ref  TEXT NOT NULL,
    issuer_id   TEXT NOT NULL,
    issuer_kid  TEXT NOT NULL,
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    revoked_at  INTEGER,
    reason      TEXT,
    replaced_by TEXT REFERENCES cards(card_id)
);
CREATE INDEX IF NOT EXISTS cards_holder ON cards(holder_ref);
CREATE TABLE IF NOT EXISTS publications (
    issuer_id    TEXT NOT NULL,
    counter      INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, counter)
);
-- The latest 'revoked before' time published per issuer: every later list repeats it.
CREATE TABLE IF NOT EXISTS issuer_state (
    issuer_id      TEXT PRIMARY KEY,
    revoked_before INTEGER NOT NULL
);
",
    "
-- Who is told when a card's private part is opened (never on the card).
CREATE TABLE notify (
    card_id TEXT NOT NULL REFERENCES cards(card_id),
    address TEXT NOT NULL,
    lang    TEXT NOT NULL,
    PRIMARY KEY (card_id, address)
);
",
    "
-- Set while the holder has paused responders' access to the card's private part.
ALTER TABLE cards ADD COLUMN paused_at INTEGER;
",
];

/// One issued card as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The card id.
    pub card_id: CardId,
    /// The holder reference (a case number; never a name).
    pub holder_ref: String,
    /// The issuer id, as on the trust list.
    pub issuer_id: String,
    /// The signing key's id.
    pub issuer_kid: String,
    /// Issue time.
    pub issued_at: UnixTime,
    /// Expiry.
    pub expires_at: UnixTime,
    /// Who is told when its private part is opened.
    pub notify: Vec<NotifyTo>,
}

/// Someone the holder chose to be told when their card's private part is opened: an e-mail
/// address, kept in the registry only (never on the card), and the language of the notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyTo {
    /// The address.
    pub address: String,
    /// The notice's language.
    pub lang: Lang,
}

impl NotifyTo {
    /// An address as typed (trimmed), checked to be one: `local@domain.tld`, at most 254
    /// characters, no spaces or control characters.
    pub fn parse(address: &str, lang: Lang) -> Result<NotifyTo, OfficeError> {
        let address = address.trim();
        let ok = address.len() <= 254
            && !address.chars().any(|c| c.is_whitespace() || c.is_control())
            && address.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if !ok {
            return Err(OfficeError::BadAddress(address.to_owned()));
        }
        Ok(NotifyTo {
            address: address.to_owned(),
            lang,
        })
    }
}

/// One card as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The card id (16 hex digits).
    pub card_id: String,
    /// The holder reference.
    pub holder: String,
    /// The issuer id.
    pub issuer: String,
    /// The signing key's id.
    pub issuer_kid: String,
    /// Issue time.
    pub issued_at: UnixTime,
    /// Expiry.
    pub expires_at: UnixTime,
    /// `active` or `revoked`.
    pub status: String,
    /// When it was revoked.
    pub revoked_at: Option<UnixTime>,
    /// Why (`lost`, `replaced`, …); empty while active.
    pub reason: String,
    /// The card that replaced it; empty if none.
    pub replaced_by: String,
    /// Since when responders' access to its private part is paused (the holder's wish).
    pub paused_at: Option<UnixTime>,
}

/// A revocation list signed from the registry.
#[derive(Clone, Debug)]
pub struct Publication {
    /// The signed list.
    pub bytes: Vec<u8>,
    /// Its counter.
    pub counter: u64,
    /// Cards it revokes by id.
    pub revoked: usize,
    /// Cards it pauses.
    pub paused: usize,
}

/// An open registry.
pub struct Registry {
    path: PathBuf,
    conn: Connection,
}

impl Registry {
    /// Opens (creating owner-only if needed, and migrating) the registry at `path`.
    pub fn open(path: &Path) -> Result<Registry, OfficeError> {
        // SQLite gives its journal files the mode of the database file.
        if !path.exists() {
            create_new(path, &[], Access::Private).map_err(OfficeError::file(path))?;
        }
        let db = OfficeError::registry(path);
        let mut conn = Connection::open(path).map_err(&db)?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(&db)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&db)?;
        if version > VERSION {
            return Err(OfficeError::Registry {
                path: path.to_owned(),
                source: rusqlite::Error::InvalidParameterName(format!(
                    "schema version {version} is newer than this helpcard's ({VERSION}): use a later helpcard"
                )),
            });
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(migration).map_err(&db)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(&db)?;
        }
        tx.commit().map_err(&db)?;
        Ok(Registry {
            path: path.to_owned(),
            conn,
        })
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> OfficeError + '_ {
        OfficeError::registry(&self.path)
    }

    /// Records issued cards in one transaction: all or none. A card replacing an older one
    /// marks the older one revoked ("replaced") in the same transaction.
    pub fn record(
        &mut self,
        records: &[Record],
        replaces: Option<&str>,
        now: UnixTime,
    ) -> Result<(), OfficeError> {
        let db = OfficeError::registry(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        for r in records {
            // An issuer key speaks for one issuer id: a second spelling ("Musashino" after
            // "musashino") would leave the cards out of the lists `publish` writes for the first.
            let other: Option<String> = tx
                .query_row(
                    "SELECT issuer_id FROM cards WHERE issuer_kid = ?1 AND issuer_id <> ?2 LIMIT 1",
                    params![r.issuer_kid, r.issuer_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(&db)?;
            if let Some(registered) = other {
                return Err(OfficeError::IssuerIdConflict {
                    given: r.issuer_id.clone(),
                    registered,
                    kid: r.issuer_kid.clone(),
                });
            }
            tx.execute(
                "INSERT INTO cards (card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active')",
                params![r.card_id.to_hex(), r.holder_ref, r.issuer_id, r.issuer_kid, r.issued_at.0 as i64, r.expires_at.0 as i64],
            )
            .map_err(&db)?;
            for n in &r.notify {
                tx.execute(
                    "INSERT OR IGNORE INTO notify (card_id, address, lang) VALUES (?1, ?2, ?3)",
                    params![r.card_id.to_hex(), n.address, n.lang.code()],
                )
                .map_err(&db)?;
            }
        }
        if let (Some(old), Some(new)) = (replaces, records.first()) {
            let n = tx
                .execute(
                    "UPDATE cards SET status = 'revoked', revoked_at = ?2, reason = 'replaced', replaced_by = ?3 WHERE card_id = ?1",
                    params![old.to_ascii_lowercase(), now.0 as i64, new.card_id.to_hex()],
                )
                .map_err(&db)?;
            if n == 0 {
                return Err(OfficeError::ReplacedNotRegistered(old.to_owned()));
            }
        }
        tx.commit().map_err(&db)
    }

    /// Cards matching `filter` (a SQL condition on one parameter), oldest first.
    fn select(&self, filter: &str, param: &str) -> Result<Vec<Listed>, OfficeError> {
        let sql = format!(
            "SELECT card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status, revoked_at,
                    COALESCE(reason, ''), COALESCE(replaced_by, ''), paused_at
             FROM cards WHERE {filter} ORDER BY issued_at, rowid"
        );
        let time = |t: i64| UnixTime(t.max(0) as u64);
        let mut stmt = self.conn.prepare(&sql).map_err(self.db())?;
        let rows = stmt
            .query_map([param], |r| {
                Ok(Listed {
                    card_id: r.get(0)?,
                    holder: r.get(1)?,
                    issuer: r.get(2)?,
                    issuer_kid: r.get(3)?,
                    issued_at: time(r.get(4)?),
                    expires_at: time(r.get(5)?),
                    status: r.get(6)?,
                    revoked_at: r.get::<_, Option<i64>>(7)?.map(time),
                    reason: r.get(8)?,
                    replaced_by: r.get(9)?,
                    paused_at: r.get::<_, Option<i64>>(10)?.map(time),
                })
            })
            .map_err(self.db())?;
        rows.collect::<Result<_, _>>().map_err(self.db())
    }

    /// Every card, or a holder's, oldest first (as recorded).
    pub fn cards(&self, holder: Option<&str>) -> Result<Vec<Listed>, OfficeError> {
        match holder {
            Some(h) => self.select("holder_ref = ?1", h),
            None => self.select("?1 = ''", ""),
        }
    }

    /// One card.
    pub fn card(&self, card_id: &str) -> Result<Listed, OfficeError> {
        self.select("card_id = ?1", &card_id.to_ascii_lowercase())?
            .into_iter()
            .next()
            .ok_or_else(|| OfficeError::NotRegistered(card_id.to_owned()))
    }

    /// Who is told when card `card_id`'s private part is opened.
    pub fn notify_to(&self, card_id: &str) -> Result<Vec<NotifyTo>, OfficeError> {
        let mut stmt = self
            .conn
            .prepare("SELECT address, lang FROM notify WHERE card_id = ?1 ORDER BY address")
            .map_err(self.db())?;
        let rows = stmt
            .query_map([card_id.to_ascii_lowercase()], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(self.db())?;
        rows.map(|r| {
            r.map(|(address, lang)| NotifyTo {
                address,
                lang: Lang::from_code(&lang).unwrap_or_default(),
            })
            .map_err(self.db())
        })
        .collect()
    }

    /// Marks a card revoked (`reason`: lost, stolen, …); an error if it is not registered or
    /// already revoked. Scanners learn it from the next published list ([`Registry::publish`]).
    pub fn revoke(
        &self,
        card_id: &str,
        reason: &str,
        now: UnixTime,
    ) -> Result<CardId, OfficeError> {
        let id =
            CardId::from_hex(card_id).ok_or_else(|| OfficeError::BadCardId(card_id.to_owned()))?;
        let n = self
            .conn
            .execute(
                "UPDATE cards SET status = 'revoked', revoked_at = ?2, reason = ?3 WHERE card_id = ?1 AND status = 'active'",
                params![id.to_hex(), now.0 as i64, reason],
            )
            .map_err(self.db())?;
        if n == 0 {
            let exists: Option<String> = self
                .conn
                .query_row(
                    "SELECT status FROM cards WHERE card_id = ?1",
                    [id.to_hex()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(self.db())?;
            return Err(match exists {
                Some(_) => OfficeError::AlreadyRevoked(id),
                None => OfficeError::NotRegistered(id.to_hex()),
            });
        }
        Ok(id)
    }

    /// Pauses (`paused`) or resumes responders' access to an active card's private part, at
    /// the holder's wish; an error if it is not registered or revoked. Scanners and the key
    /// service learn it from the next published list ([`Registry::publish`]). Pausing a paused
    /// card keeps its first time.
    pub fn set_paused(
        &self,
        card_id: &str,
        paused: bool,
        now: UnixTime,
    ) -> Result<CardId, OfficeError> {
        let id =
            CardId::from_hex(card_id).ok_or_else(|| OfficeError::BadCardId(card_id.to_owned()))?;
        let card = self.card(&id.to_hex())?;
        if card.status == "revoked" {
            return Err(OfficeError::AlreadyRevoked(id));
        }
        self.conn
            .execute(
                "UPDATE cards SET paused_at = CASE WHEN ?2 THEN COALESCE(paused_at, ?3) END WHERE card_id = ?1",
                params![id.to_hex(), paused, now.0 as i64],
            )
            .map_err(self.db())?;
        Ok(id)
    }

    /// Signs the issuer's next revocation list with `key`: every revoked card of `issuer_id`
    /// (and of this key) and every paused one, the next counter, due for update `next_update_days` from `now`, and
    /// the latest "revoked before" date ever given (`revoked_before` raises it). `served` is
    /// the list scanners hold now, if the caller knows it (the key service does): the new list
    /// comes after its counter and keeps its "revoked before", so no scanner refuses it as a
    /// rollback. `deliver` puts the list where scanners fetch it; only when it succeeds is the
    /// publication recorded, so a failed delivery does not use up a counter.
    #[allow(clippy::too_many_arguments)]
    pub fn publish(
        &mut self,
        key: &SigningKey,
        issuer_id: &str,
        next_update_days: u64,
        revoked_before: Option<Date>,
        served: Option<&RevocationFloor>,
        now: UnixTime,
        deliver: impl FnOnce(&[u8]) -> Result<(), OfficeError>,
    ) -> Result<Publication, OfficeError> {
        let db = OfficeError::registry(&self.path);
        let kid = key.key_id().to_hex();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&db)?;
        // By issuer id, and by this key's id: a card recorded under a mistyped issuer id is
        // still this issuer's card.
        let ids = |condition: &str| -> Result<Vec<CardId>, OfficeError> {
            let mut stmt = tx
                .prepare(&format!("SELECT card_id FROM cards WHERE (issuer_id = ?1 OR issuer_kid = ?2) AND {condition} ORDER BY card_id"))
                .map_err(&db)?;
            let ids = stmt
                .query_map([issuer_id, &kid], |r| r.get::<_, String>(0))
                .map_err(&db)?;
            Ok(ids
                .filter_map(|id| id.ok().and_then(|s| CardId::from_hex(&s)))
                .collect())
        };
        let revoked = ids("status = 'revoked'")?;
        let paused = ids("status = 'active' AND paused_at IS NOT NULL")?;
        let counter = (tx
            .query_row(
                "SELECT COALESCE(MAX(counter), 0) + 1 FROM publications WHERE issuer_id = ?1",
                [issuer_id],
                |r| r.get::<_, i64>(0),
            )
            .map_err(&db)? as u64)
            .max(served.map_or(0, |f| f.counter + 1));
        let held: Option<i64> = tx
            .query_row(
                "SELECT revoked_before FROM issuer_state WHERE issuer_id = ?1",
                [issuer_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(&db)?;
        let revoked_before = held
            .map(|t| UnixTime(t as u64))
            .max(revoked_before.map(|d| UnixTime(d.days().max(0) as u64 * 86_400)))
            .max(served.and_then(|f| f.revoked_before).map(UnixTime));
        if let Some(t) = revoked_before {
            tx.execute(
                "INSERT INTO issuer_state (issuer_id, revoked_before) VALUES (?1, ?2)
                 ON CONFLICT (issuer_id) DO UPDATE SET revoked_before = excluded.revoked_before",
                params![issuer_id, t.0 as i64],
            )
            .map_err(&db)?;
        }
        let bytes = RevocationList {
            issuer: issuer_id.to_owned(),
            counter,
            issued_at: now,
            next_update: UnixTime(now.0 + next_update_days * 86_400),
            revoked: revoked.clone(),
            revoked_before,
            paused: paused.clone(),
        }
        .sign(key);
        deliver(&bytes)?;
        tx.execute(
            "INSERT INTO publications (issuer_id, counter, published_at) VALUES (?1, ?2, ?3)",
            params![issuer_id, counter as i64, now.0 as i64],
        )
        .map_err(&db)?;
        tx.commit().map_err(&db)?;
        Ok(Publication {
            bytes,
            counter,
            revoked: revoked.len(),
            paused: paused.len(),
        })
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
