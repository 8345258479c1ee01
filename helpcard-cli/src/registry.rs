//! The registry of issued cards (SQLite): what was issued, to whom (a holder reference, never
//! the private contents), with which key, and its status. Every write is one transaction.

use std::path::{Path, PathBuf};

use clap::Args;
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::Role;
use helpcard_core::trust::{CardId, RevocationList};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::fail::{self, Fail};
use crate::keys_cmd;
use crate::lang::Lang;
use crate::render::{cell, safe};

const SCHEMA: &str = "
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
";

/// One issued card as recorded.
#[derive(Clone)]
pub struct Record {
    pub card_id: CardId,
    pub holder_ref: String,
    pub issuer_id: String,
    pub issuer_kid: String,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
}

fn db_fail(path: &Path, e: rusqlite::Error, lang: Lang) -> Fail {
    let busy = matches!(&e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy || f.code == rusqlite::ErrorCode::DatabaseLocked);
    let hint = if busy {
        lang.t(
            "登録簿が他の処理で使用中です。しばらくして再実行してください",
            "the registry is locked by another process; try again shortly",
        )
    } else {
        lang.t("登録簿のエラー", "registry error")
    };
    Fail::general(format!("{}: {hint} ({e})", path.display()))
}

/// Opens (creating if needed) the registry.
pub fn open(path: &Path, lang: Lang) -> Result<Connection, Fail> {
    // The registry links holders to card ids: create it owner-only (SQLite gives its journal
    // files the same mode).
    if !path.exists() {
        crate::output::create_new(path, &[], crate::output::Access::Private)
            .map_err(|e| Fail::general(format!("{}: {e}", path.display())))?;
    }
    let conn = Connection::open(path).map_err(|e| db_fail(path, e, lang))?;
    conn.busy_timeout(std::time::Duration::from_secs(2))
        .map_err(|e| db_fail(path, e, lang))?;
    conn.execute_batch(SCHEMA)
        .map_err(|e| db_fail(path, e, lang))?;
    Ok(conn)
}

/// Records issued cards in one transaction: all or none. A card replacing an older one marks
/// the older one revoked ("replaced") in the same transaction.
pub fn record(
    path: &Path,
    records: &[Record],
    replaces: Option<&str>,
    lang: Lang,
) -> Result<(), Fail> {
    let mut conn = open(path, lang)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| db_fail(path, e, lang))?;
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
            .map_err(|e| db_fail(path, e, lang))?;
        if let Some(other) = other {
            return Err(Fail::general(format!(
                "--issuer-id {}: {} \"{other}\" ({} {})",
                r.issuer_id,
                lang.t(
                    "この発行者鍵のカードは登録簿では次の発行者IDです:",
                    "this issuer key's cards are registered under issuer id"
                ),
                lang.t("鍵", "key"),
                r.issuer_kid
            )));
        }
        tx.execute(
            "INSERT INTO cards (card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active')",
            params![r.card_id.to_hex(), r.holder_ref, r.issuer_id, r.issuer_kid, r.issued_at.0 as i64, r.expires_at.0 as i64],
        )
        .map_err(|e| db_fail(path, e, lang))?;
    }
    if let (Some(old), Some(new)) = (replaces, records.first()) {
        let n = tx
            .execute(
                "UPDATE cards SET status = 'revoked', revoked_at = ?2, reason = 'replaced', replaced_by = ?3 WHERE card_id = ?1",
                params![old, crate::clock::now().0 as i64, new.card_id.to_hex()],
            )
            .map_err(|e| db_fail(path, e, lang))?;
        if n == 0 {
            return Err(Fail::general(format!(
                "{old}: {}",
                lang.t(
                    "置き換えるカードが登録簿にありません",
                    "the card to replace is not in the registry"
                )
            )));
        }
    }
    tx.commit().map_err(|e| db_fail(path, e, lang))
}

/// One registry row as shown by `list` and `show`.
struct Listed {
    card_id: String,
    holder: String,
    issuer: String,
    issuer_kid: String,
    issued_at: i64,
    expires_at: i64,
    status: String,
    revoked_at: Option<i64>,
    reason: String,
    replaced_by: String,
}

/// Cards matching `filter` (a SQL condition on one parameter), oldest first.
fn select(path: &Path, filter: &str, param: &str, lang: Lang) -> Result<Vec<Listed>, Fail> {
    let conn = open(path, lang)?;
    let sql = format!(
        "SELECT card_id, holder_ref, issuer_id, issuer_kid, issued_at, expires_at, status, revoked_at,
                COALESCE(reason, ''), COALESCE(replaced_by, '')
         FROM cards WHERE {filter} ORDER BY issued_at, card_id"
    );
    let mut stmt = conn.prepare(&sql).map_err(|e| db_fail(path, e, lang))?;
    let rows = stmt
        .query_map([param], |r| {
            Ok(Listed {
                card_id: r.get(0)?,
                holder: r.get(1)?,
                issuer: r.get(2)?,
                issuer_kid: r.get(3)?,
                issued_at: r.get(4)?,
                expires_at: r.get(5)?,
                status: r.get(6)?,
                revoked_at: r.get(7)?,
                reason: r.get(8)?,
                replaced_by: r.get(9)?,
            })
        })
        .map_err(|e| db_fail(path, e, lang))?;
    rows.collect::<Result<_, _>>()
        .map_err(|e| db_fail(path, e, lang))
}

fn day(t: i64) -> helpcard_core::date::Date {
    UnixTime(t.max(0) as u64).date()
}

/// `list [--holder REF]`: one line per card.
pub fn list(path: &Path, holder: Option<&str>, lang: Lang) -> Result<(), Fail> {
    let rows = match holder {
        Some(h) => select(path, "holder_ref = ?1", h, lang)?,
        None => select(path, "?1 = ''", "", lang)?,
    };
    println!("card_id\tholder\tissuer\tissued\texpires\tstatus\treason\treplaced_by");
    for r in rows {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.card_id,
            cell(&r.holder),
            cell(&r.issuer),
            day(r.issued_at),
            day(r.expires_at),
            r.status,
            cell(&r.reason),
            r.replaced_by
        );
    }
    Ok(())
}

/// `show CARD_ID`: everything the registry holds about one card.
pub fn show(path: &Path, card_id: &str, lang: Lang) -> Result<(), Fail> {
    let rows = select(path, "card_id = ?1", &card_id.to_ascii_lowercase(), lang)?;
    let r = rows.first().ok_or_else(|| {
        Fail::general(format!(
            "{card_id}: {}",
            lang.t("登録簿にありません", "is not in the registry")
        ))
    })?;
    let revoked = r.revoked_at.map(|t| day(t).to_string()).unwrap_or_default();
    for (k, v) in [
        (lang.t("カード番号", "card id"), r.card_id.as_str()),
        (lang.t("本人参照", "holder"), &r.holder),
        (lang.t("発行者", "issuer"), &r.issuer),
        (lang.t("発行鍵", "issuer key"), &r.issuer_kid),
        (lang.t("発行日", "issued"), &day(r.issued_at).to_string()),
        (
            lang.t("有効期限", "expires"),
            &day(r.expires_at).to_string(),
        ),
        (lang.t("状態", "status"), &r.status),
        (lang.t("失効日", "revoked"), &revoked),
        (lang.t("理由", "reason"), &r.reason),
        (lang.t("後継カード", "replaced by"), &r.replaced_by),
    ] {
        if !v.is_empty() {
            println!("{k}: {}", safe(v));
        }
    }
    Ok(())
}

pub fn revoke(path: &Path, card_id: &str, reason: &str, lang: Lang) -> Result<(), Fail> {
    let id = CardId::from_hex(card_id).ok_or_else(|| {
        Fail::general(format!(
            "{card_id}: {}",
            lang.t("カード番号は16桁の16進数です", "a card id is 16 hex digits")
        ))
    })?;
    let conn = open(path, lang)?;
    let n = conn
        .execute(
            "UPDATE cards SET status = 'revoked', revoked_at = ?2, reason = ?3 WHERE card_id = ?1 AND status = 'active'",
            params![id.to_hex(), crate::clock::now().0 as i64, reason],
        )
        .map_err(|e| db_fail(path, e, lang))?;
    if n == 0 {
        let exists: Option<String> = conn
            .query_row(
                "SELECT status FROM cards WHERE card_id = ?1",
                [id.to_hex()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| db_fail(path, e, lang))?;
        return Err(Fail::general(match exists {
            Some(_) => format!(
                "{id}: {}",
                lang.t("すでに失効しています", "is already revoked")
            ),
            None => format!(
                "{id}: {}",
                lang.t("登録簿にありません", "is not in the registry")
            ),
        }));
    }
    println!(
        "{id}: {}",
        lang.t(
            "失効にしました。`helpcard publish` で失効リストを配布してください",
            "revoked. Run `helpcard publish` to distribute the revocation list"
        )
    );
    Ok(())
}

#[derive(Args)]
pub struct PublishArgs {
    /// Issuer private key (signs the list).
    #[arg(long)]
    issuer: PathBuf,
    /// Issuer id as on the trust list (e.g. musashino).
    #[arg(long)]
    issuer_id: String,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
    /// Days until scanners should expect the next list (1–366).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u64).range(1..=366))]
    next_update_days: u64,
    /// Revoke every card of this issuer issued before this date (YYYY-MM-DD, 00:00 UTC): the
    /// answer to a leaked issuer key (SECURITY.md). Once published, every later list repeats
    /// the latest such date.
    #[arg(long)]
    revoked_before: Option<Date>,
    #[command(flatten)]
    registry: crate::registry::RegistryArg,
}

pub fn publish(a: PublishArgs, lang: Lang) -> Result<(), Fail> {
    let key = keys_cmd::load_signing(&a.issuer, Role::Issuer, lang)?;
    let kid = key.key_id().to_hex();
    let path = &a.registry.registry;
    let mut conn = open(path, lang)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| db_fail(path, e, lang))?;
    let revoked: Vec<CardId> = {
        let mut stmt = tx
            // By issuer id, and by this key's id: a card recorded under a mistyped issuer id
            // is still this issuer's card.
            .prepare("SELECT card_id FROM cards WHERE (issuer_id = ?1 OR issuer_kid = ?2) AND status = 'revoked' ORDER BY card_id")
            .map_err(|e| db_fail(path, e, lang))?;
        let ids = stmt
            .query_map([&a.issuer_id, &kid], |r| r.get::<_, String>(0))
            .map_err(|e| db_fail(path, e, lang))?;
        ids.filter_map(|id| id.ok().and_then(|s| CardId::from_hex(&s)))
            .collect()
    };
    let counter: u64 = tx
        .query_row(
            "SELECT COALESCE(MAX(counter), 0) + 1 FROM publications WHERE issuer_id = ?1",
            [&a.issuer_id],
            |r| r.get::<_, i64>(0),
        )
        .map_err(|e| db_fail(path, e, lang))? as u64;
    let issued_at = crate::clock::now();
    let held: Option<i64> = tx
        .query_row(
            "SELECT revoked_before FROM issuer_state WHERE issuer_id = ?1",
            [&a.issuer_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| db_fail(path, e, lang))?;
    let revoked_before = held.map(|t| UnixTime(t as u64)).max(
        a.revoked_before
            .map(|d| UnixTime(d.days().max(0) as u64 * 86_400)),
    );
    if let Some(t) = revoked_before {
        tx.execute(
            "INSERT INTO issuer_state (issuer_id, revoked_before) VALUES (?1, ?2)
             ON CONFLICT (issuer_id) DO UPDATE SET revoked_before = excluded.revoked_before",
            params![a.issuer_id, t.0 as i64],
        )
        .map_err(|e| db_fail(path, e, lang))?;
    }
    let list = RevocationList {
        issuer: a.issuer_id.clone(),
        counter,
        issued_at,
        next_update: UnixTime(issued_at.0 + a.next_update_days * 86_400),
        revoked: revoked.clone(),
        revoked_before,
    };
    fail::write(&a.out, &list.sign(&key), lang)?;
    tx.execute(
        "INSERT INTO publications (issuer_id, counter, published_at) VALUES (?1, ?2, ?3)",
        params![a.issuer_id, counter as i64, issued_at.0 as i64],
    )
    .map_err(|e| db_fail(path, e, lang))?;
    tx.commit().map_err(|e| db_fail(path, e, lang))?;
    println!(
        "{} {} (counter {counter}, {} {})",
        lang.t("失効リストを書きました:", "wrote the revocation list:"),
        a.out.display(),
        revoked.len(),
        lang.t("枚失効", "cards revoked")
    );
    Ok(())
}

/// Where the registry database is.
#[derive(Args)]
pub struct RegistryArg {
    /// Registry database (SQLite).
    #[arg(
        long,
        default_value = "helpcard-registry.sqlite",
        env = "HELPCARD_REGISTRY"
    )]
    pub registry: PathBuf,
}
