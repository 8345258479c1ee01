//! The registry of issued cards (SQLite, or the key service's PostgreSQL): what was issued, to
//! whom (a holder reference, never the private contents), with which key, and its status; and
//! each issuer's published revocation lists. Every write is one transaction; a SQLite file is
//! owner-only (it links holders to card ids). Its schema is versioned: an older registry is
//! brought up to date when opened, a newer one (from a later helpcard) is refused.

use std::path::{Path, PathBuf};

use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::SigningKey;
use helpcard_core::trust::{CardId, RevocationFloor, RevocationList};
use helpcard_core::vocab::Lang;
use helpcard_db::{Database, DbError, Migrations, Row};

use crate::error::OfficeError;
use crate::files::{Access, create_new};

/// SQLite's migrations by the version they bring the registry to. Version 1 is the schema
/// registries had before it was versioned (`IF NOT EXISTS`, so those are taken up as they are).
const SQLITE: [&str; 4] = [
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
    PUBLISHED_4,
];

/// Each publication keeps the list it signed: instances of the key service on one database
/// read the latest from here, whichever instance's desk published it.
const PUBLISHED_4: &str = "ALTER TABLE publications ADD COLUMN list BLOB;";

/// The same registry on PostgreSQL, as one step (version 3 there too). Cards are numbered in
/// the order recorded (SQLite's rowid).
const POSTGRES_1_TO_3: &str = "
CREATE TABLE cards (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    card_id     TEXT PRIMARY KEY,
    holder_ref  TEXT NOT NULL,
    issuer_id   TEXT NOT NULL,
    issuer_kid  TEXT NOT NULL,
    issued_at   BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    revoked_at  BIGINT,
    reason      TEXT,
    replaced_by TEXT REFERENCES cards(card_id),
    paused_at   BIGINT
);
CREATE INDEX cards_holder ON cards(holder_ref);
CREATE TABLE publications (
    issuer_id    TEXT NOT NULL,
    counter      BIGINT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (issuer_id, counter)
);
CREATE TABLE issuer_state (
    issuer_id      TEXT PRIMARY KEY,
    revoked_before BIGINT NOT NULL
);
CREATE TABLE notify (
    card_id TEXT NOT NULL REFERENCES cards(card_id),
    address TEXT NOT NULL,
    lang    TEXT NOT NULL,
    PRIMARY KEY (card_id, address)
);
";

const MIGRATIONS: Migrations<'static> = Migrations {
    component: "registry",
    sqlite: &SQLITE,
    postgres: &[
        POSTGRES_1_TO_3,
        "",
        "",
        "ALTER TABLE publications ADD COLUMN list BYTEA;",
    ],
};

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
    /// The file, or the PostgreSQL database without its password: named in errors.
    path: PathBuf,
    db: Database,
}

/// A card listed from columns 0–10 of [`LISTED`].
fn listed(r: &Row) -> Result<Listed, DbError> {
    let time = |t: u64| UnixTime(t);
    Ok(Listed {
        card_id: r.get(0)?,
        holder: r.get(1)?,
        issuer: r.get(2)?,
        issuer_kid: r.get(3)?,
        issued_at: time(r.get(4)?),
        expires_at: time(r.get(5)?),
        status: r.get(6)?,
        revoked_at: r.get::<Option<u64>>(7)?.map(time),
        reason: r.get(8)?,
        replaced_by: r.get(9)?,
        paused_at: r.get::<Option<u64>>(10)?.map(time),
    })
}

const LISTED: &str =
    "SELECT card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status,
    revoked_at, COALESCE(reason, ''), COALESCE(replaced_by, ''), paused_at FROM cards";

impl Registry {
    /// Opens (creating owner-only if needed, and migrating) the registry at `path`.
    pub fn open(path: &Path) -> Result<Registry, OfficeError> {
        // SQLite gives its journal files the mode of the database file.
        if !path.exists() {
            create_new(path, &[], Access::Private).map_err(OfficeError::file(path))?;
        }
        let db = Database::sqlite(path).map_err(|e| OfficeError::from(e).in_registry(path))?;
        Registry::on(db, path)
    }

    /// The registry in `db` (SQLite or PostgreSQL), migrated; `name` names it in errors (a
    /// path, or a database URL without its password).
    pub fn on(db: Database, name: &Path) -> Result<Registry, OfficeError> {
        let registry = Registry {
            path: name.to_owned(),
            db,
        };
        registry.named(registry.db.migrate(&MIGRATIONS).map_err(|e| match e {
            DbError::Newer { found, known, .. } => OfficeError::Registry {
                path: PathBuf::new(),
                source: DbError::Newer {
                    component: "registry".into(),
                    found,
                    known,
                },
            },
            e => e.into(),
        }))?;
        Ok(registry)
    }

    /// `result` with this registry named in its database error.
    fn named<T>(&self, result: Result<T, OfficeError>) -> Result<T, OfficeError> {
        result.map_err(|e| e.in_registry(&self.path))
    }

    /// Records issued cards in one transaction: all or none. A card replacing an older one
    /// marks the older one revoked ("replaced") in the same transaction.
    pub fn record(
        &mut self,
        records: &[Record],
        replaces: Option<&str>,
        now: UnixTime,
    ) -> Result<(), OfficeError> {
        self.named(self.db.write(|tx| {
            for r in records {
                // An issuer key speaks for one issuer id: a second spelling ("Musashino" after
                // "musashino") would leave the cards out of the lists `publish` writes for the
                // first.
                let other = tx.query_opt(
                    "SELECT issuer_id FROM cards WHERE issuer_kid = ?1 AND issuer_id <> ?2 LIMIT 1",
                    &[(&r.issuer_kid).into(), (&r.issuer_id).into()],
                )?;
                if let Some(row) = other {
                    return Err(OfficeError::IssuerIdConflict {
                        given: r.issuer_id.clone(),
                        registered: row.get(0)?,
                        kid: r.issuer_kid.clone(),
                    });
                }
                tx.execute(
                    "INSERT INTO cards (card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active')",
                    &[
                        r.card_id.to_hex().into(),
                        (&r.holder_ref).into(),
                        (&r.issuer_id).into(),
                        (&r.issuer_kid).into(),
                        r.issued_at.0.into(),
                        r.expires_at.0.into(),
                    ],
                )?;
                for n in &r.notify {
                    tx.execute(
                        "INSERT INTO notify (card_id, address, lang) VALUES (?1, ?2, ?3)
                         ON CONFLICT DO NOTHING",
                        &[
                            r.card_id.to_hex().into(),
                            (&n.address).into(),
                            n.lang.code().into(),
                        ],
                    )?;
                }
            }
            if let (Some(old), Some(new)) = (replaces, records.first()) {
                let n = tx.execute(
                    "UPDATE cards SET status = 'revoked', revoked_at = ?2, reason = 'replaced', replaced_by = ?3 WHERE card_id = ?1",
                    &[
                        old.to_ascii_lowercase().into(),
                        now.0.into(),
                        new.card_id.to_hex().into(),
                    ],
                )?;
                if n == 0 {
                    return Err(OfficeError::ReplacedNotRegistered(old.to_owned()));
                }
            }
            Ok(())
        }))
    }

    /// Cards matching `filter` (a SQL condition on one parameter), in the order recorded.
    fn select(&self, filter: &str, param: &str) -> Result<Vec<Listed>, OfficeError> {
        let order = if self.db.is_postgres() {
            "seq"
        } else {
            "rowid"
        };
        let sql = format!("{LISTED} WHERE {filter} ORDER BY issued_at, {order}");
        self.named(self.db.read(|tx| {
            tx.query(&sql, &[param.into()])?
                .iter()
                .map(listed)
                .collect::<Result<_, DbError>>()
                .map_err(OfficeError::from)
        }))
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
        self.named(self.db.read(|tx| {
            tx.query(
                "SELECT address, lang FROM notify WHERE card_id = ?1 ORDER BY address",
                &[card_id.to_ascii_lowercase().into()],
            )?
            .iter()
            .map(|r| {
                Ok(NotifyTo {
                    address: r.get(0)?,
                    lang: Lang::from_code(&r.get::<String>(1)?).unwrap_or_default(),
                })
            })
            .collect()
        }))
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
        self.named(self.db.write(|tx| {
            let n = tx.execute(
                "UPDATE cards SET status = 'revoked', revoked_at = ?2, reason = ?3 WHERE card_id = ?1 AND status = 'active'",
                &[id.to_hex().into(), now.0.into(), reason.into()],
            )?;
            if n == 0 {
                let exists =
                    tx.query_opt("SELECT status FROM cards WHERE card_id = ?1", &[id.to_hex().into()])?;
                return Err(match exists {
                    Some(_) => OfficeError::AlreadyRevoked(id),
                    None => OfficeError::NotRegistered(id.to_hex()),
                });
            }
            Ok(id)
        }))
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
        let (sql, params) = if paused {
            (
                "UPDATE cards SET paused_at = COALESCE(paused_at, ?2) WHERE card_id = ?1",
                vec![id.to_hex().into(), now.0.into()],
            )
        } else {
            (
                "UPDATE cards SET paused_at = NULL WHERE card_id = ?1",
                vec![id.to_hex().into()],
            )
        };
        self.named(
            self.db
                .read(|tx| tx.execute(sql, &params))
                .map_err(OfficeError::from),
        )?;
        Ok(id)
    }

    /// The latest list published for each issuer (as signed; registries from before lists were
    /// kept give none for their earlier publications).
    pub fn latest_lists(&self) -> Result<Vec<Vec<u8>>, OfficeError> {
        self.named(self.db.read(|tx| {
            tx.query(
                "SELECT p.list FROM publications p WHERE p.list IS NOT NULL AND p.counter =
                     (SELECT MAX(q.counter) FROM publications q
                      WHERE q.issuer_id = p.issuer_id AND q.list IS NOT NULL)
                 ORDER BY p.issuer_id",
                &[],
            )?
            .iter()
            .map(|r| r.get(0).map_err(OfficeError::from))
            .collect()
        }))
    }

    /// Signs the issuer's next revocation list with `key`: every revoked card of `issuer_id`
    /// (and of this key) and every paused one, the next counter, due for update `next_update_days` from `now`, and
    /// the latest "revoked before" date ever given (`revoked_before` raises it). `served` is
    /// the list scanners hold now, if the caller knows it (the key service does): the new list
    /// comes after its counter and keeps its "revoked before", so no scanner refuses it as a
    /// rollback. `deliver` puts the list where scanners fetch it; only when it succeeds is the
    /// publication recorded, so a failed delivery does not use up a counter. Two publishers
    /// (two instances of the desk on one PostgreSQL database) take turns.
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
        let kid = key.key_id().to_hex();
        self.named(self.db.write(|tx| {
            if tx.is_postgres() {
                tx.batch("LOCK TABLE publications IN SHARE ROW EXCLUSIVE MODE")?;
            }
            // By issuer id, and by this key's id: a card recorded under a mistyped issuer id is
            // still this issuer's card.
            let mut ids = |condition: &str| -> Result<Vec<CardId>, DbError> {
                let rows = tx.query(
                    &format!("SELECT card_id FROM cards WHERE (issuer_id = ?1 OR issuer_kid = ?2) AND {condition} ORDER BY card_id"),
                    &[issuer_id.into(), (&kid).into()],
                )?;
                Ok(rows
                    .iter()
                    .filter_map(|r| r.get::<String>(0).ok().and_then(|s| CardId::from_hex(&s)))
                    .collect())
            };
            let revoked = ids("status = 'revoked'")?;
            let paused = ids("status = 'active' AND paused_at IS NOT NULL")?;
            let last: u64 = tx
                .query_one(
                    "SELECT COALESCE(MAX(counter), 0) FROM publications WHERE issuer_id = ?1",
                    &[issuer_id.into()],
                )?
                .get(0)?;
            let counter = (last + 1).max(served.map_or(0, |f| f.counter + 1));
            let held: Option<u64> = tx
                .query_opt(
                    "SELECT revoked_before FROM issuer_state WHERE issuer_id = ?1",
                    &[issuer_id.into()],
                )?
                .map(|r| r.get(0))
                .transpose()?;
            let revoked_before = held
                .map(UnixTime)
                .max(revoked_before.map(|d| UnixTime(d.days().max(0) as u64 * 86_400)))
                .max(served.and_then(|f| f.revoked_before).map(UnixTime));
            if let Some(t) = revoked_before {
                tx.execute(
                    "INSERT INTO issuer_state (issuer_id, revoked_before) VALUES (?1, ?2)
                     ON CONFLICT (issuer_id) DO UPDATE SET revoked_before = excluded.revoked_before",
                    &[issuer_id.into(), t.0.into()],
                )?;
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
                "INSERT INTO publications (issuer_id, counter, published_at, list) VALUES (?1, ?2, ?3, ?4)",
                &[
                    issuer_id.into(),
                    counter.into(),
                    now.0.into(),
                    bytes.as_slice().into(),
                ],
            )?;
            Ok(Publication {
                bytes,
                counter,
                revoked: revoked.len(),
                paused: paused.len(),
            })
        }))
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
