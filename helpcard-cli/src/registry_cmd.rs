//! `list`, `show`, `revoke`, `pause` and `publish`: the registry ([`helpcard_office::registry`]) at the
//! terminal.

use std::path::PathBuf;

use clap::Args;
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::Role;
use helpcard_office::OfficeError;
use helpcard_office::registry::Registry;

use crate::fail::Fail;
use crate::keys_cmd;
use crate::lang::Lang;
use crate::render::{cell, safe};

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

impl RegistryArg {
    /// The registry, opened (created owner-only if missing, migrated).
    pub fn open(&self, lang: Lang) -> Result<Registry, Fail> {
        Registry::open(&self.registry).map_err(|e| Fail::office(e, lang))
    }
}

fn day(t: UnixTime) -> Date {
    t.date()
}

/// `list [--holder REF]`: one line per card.
pub fn list(registry: &RegistryArg, holder: Option<&str>, lang: Lang) -> Result<(), Fail> {
    let rows = registry
        .open(lang)?
        .cards(holder)
        .map_err(|e| Fail::office(e, lang))?;
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
pub fn show(registry: &RegistryArg, card_id: &str, lang: Lang) -> Result<(), Fail> {
    let registry = registry.open(lang)?;
    let r = registry.card(card_id).map_err(|e| Fail::office(e, lang))?;
    let told = registry
        .notify_to(&r.card_id)
        .map_err(|e| Fail::office(e, lang))?;
    let revoked = r.revoked_at.map(|t| day(t).to_string()).unwrap_or_default();
    let paused = r.paused_at.map(|t| day(t).to_string()).unwrap_or_default();
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
        (lang.t("一時停止", "paused since"), &paused),
        (lang.t("理由", "reason"), &r.reason),
        (lang.t("後継カード", "replaced by"), &r.replaced_by),
    ] {
        if !v.is_empty() {
            println!("{k}: {}", safe(v));
        }
    }
    for n in told {
        println!(
            "{}: {} ({})",
            lang.t("開いたときの連絡先", "notify"),
            safe(&n.address),
            n.lang.code()
        );
    }
    Ok(())
}

/// `revoke CARD_ID [--reason R]`.
pub fn revoke(registry: &RegistryArg, card_id: &str, reason: &str, lang: Lang) -> Result<(), Fail> {
    let id = registry
        .open(lang)?
        .revoke(card_id, reason, crate::clock::now())
        .map_err(|e| Fail::office(e, lang))?;
    println!(
        "{id}: {}",
        lang.t(
            "失効にしました。`helpcard publish` で失効リストを配布してください",
            "revoked. Run `helpcard publish` to distribute the revocation list"
        )
    );
    Ok(())
}

/// `pause CARD_ID [--resume]`.
pub fn pause(registry: &RegistryArg, card_id: &str, paused: bool, lang: Lang) -> Result<(), Fail> {
    let id = registry
        .open(lang)?
        .set_paused(card_id, paused, crate::clock::now())
        .map_err(|e| Fail::office(e, lang))?;
    let done = if paused {
        lang.t(
            "支援の詳細を開けないようにしました（公開部分はそのまま）。`helpcard publish` で失効リストを配布してください",
            "paused: responders cannot open its private part (its public part stands). Run `helpcard publish` to distribute the list",
        )
    } else {
        lang.t(
            "支援の詳細をまた開けるようにしました。`helpcard publish` で失効リストを配布してください",
            "resumed. Run `helpcard publish` to distribute the list",
        )
    };
    println!("{id}: {done}");
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
    registry: RegistryArg,
}

/// `publish`: the issuer's next revocation list, written to `--out`.
pub fn publish(a: PublishArgs, lang: Lang) -> Result<(), Fail> {
    let key = keys_cmd::load_signing(&a.issuer, Role::Issuer, lang)?;
    let mut registry = a.registry.open(lang)?;
    let published = registry
        .publish(
            &key,
            &a.issuer_id,
            a.next_update_days,
            a.revoked_before,
            None,
            crate::clock::now(),
            |bytes| std::fs::write(&a.out, bytes).map_err(OfficeError::file(&a.out)),
        )
        .map_err(|e| Fail::office(e, lang))?;
    println!(
        "{} {} (counter {}, {} {})",
        lang.t("失効リストを書きました:", "wrote the revocation list:"),
        a.out.display(),
        published.counter,
        published.revoked,
        lang.t("枚失効", "cards revoked")
    );
    if published.paused > 0 {
        println!(
            "{} {}",
            published.paused,
            lang.t("枚一時停止中", "cards paused")
        );
    }
    Ok(())
}
