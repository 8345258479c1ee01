//! `helpcard trust build|show`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::Role;
use helpcard_core::trust::{IssuerEntry, KeyEntry, TrustList};
use serde::Deserialize;

use crate::fail::{self, Fail};
use crate::keys_cmd;
use crate::lang::Lang;

#[derive(Subcommand)]
pub enum TrustCommand {
    /// Sign a trust list described by a TOML file (see `docs` in the README) with the root key.
    Build {
        /// Trust list description (TOML); key paths in it are relative to this file.
        config: PathBuf,
        /// Root private key file.
        #[arg(long)]
        root: PathBuf,
        /// Output file (the signed list, binary).
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify a signed trust list with the root public key and print its entries.
    Show {
        /// Signed trust list.
        list: PathBuf,
        /// Root public key file.
        #[arg(long)]
        root: PathBuf,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    sequence: u64,
    next_update: String,
    #[serde(default)]
    issuer: Vec<IssuerConfig>,
    #[serde(default)]
    responder: Vec<ResponderConfig>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerConfig {
    key: PathBuf,
    id: String,
    name: String,
    not_before: String,
    not_after: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponderConfig {
    key: PathBuf,
    name: String,
    not_before: String,
    not_after: String,
}

/// Midnight UTC of a `YYYY-MM-DD` date.
pub fn day(s: &str, field: &str, lang: Lang) -> Result<UnixTime, Fail> {
    let d: Date = s.parse().map_err(|_| {
        Fail::general(format!(
            "{field}: \"{s}\" {}",
            lang.t(
                "は YYYY-MM-DD 形式の日付ではありません",
                "is not a YYYY-MM-DD date"
            )
        ))
    })?;
    u64::try_from(d.days())
        .map(|d| UnixTime(d * 86_400))
        .map_err(|_| Fail::general(format!("{field}: {s} < 1970")))
}

pub fn run(cmd: TrustCommand, lang: Lang) -> Result<(), Fail> {
    match cmd {
        TrustCommand::Build { config, root, out } => build(&config, &root, &out, lang),
        TrustCommand::Show { list, root } => {
            let root = keys_cmd::load_verifying(&root, Role::Root, lang)?;
            let bytes = fail::read(&list, lang)?;
            let l = TrustList::verify(&bytes, &[root]).map_err(|e| {
                Fail::general(format!("{}: {}", list.display(), e.message(lang.vocab())))
            })?;
            println!(
                "sequence={} issued_at={} next_update={}",
                l.sequence,
                l.issued_at.date(),
                l.next_update.date()
            );
            for i in &l.issuers {
                println!(
                    "issuer\t{}\t{}\t{}\t{}..{}",
                    i.issuer,
                    i.entry.key.key_id(),
                    i.entry.name,
                    i.entry.not_before.date(),
                    i.entry.not_after.date()
                );
            }
            for r in &l.responders {
                println!(
                    "responder\t{}\t{}\t{}..{}",
                    r.key.key_id(),
                    r.name,
                    r.not_before.date(),
                    r.not_after.date()
                );
            }
            Ok(())
        }
    }
}

fn build(config_path: &Path, root: &Path, out: &Path, lang: Lang) -> Result<(), Fail> {
    let text = fail::read_text(config_path, lang)?;
    let config: Config = toml::from_str(&text)
        .map_err(|e| Fail::general(format!("{}: {e}", config_path.display())))?;
    let base = config_path.parent().unwrap_or(Path::new("."));
    let now = crate::clock::now();
    let mut list = TrustList {
        sequence: config.sequence,
        issued_at: now,
        next_update: day(&config.next_update, "next_update", lang)?,
        issuers: Vec::new(),
        responders: Vec::new(),
    };
    for (n, i) in config.issuer.iter().enumerate() {
        let field = |f: &str| format!("issuer[{n}].{f}");
        list.issuers.push(IssuerEntry {
            issuer: i.id.clone(),
            entry: KeyEntry {
                key: keys_cmd::load_verifying(&base.join(&i.key), Role::Issuer, lang)?,
                name: i.name.clone(),
                not_before: day(&i.not_before, &field("not_before"), lang)?,
                not_after: day(&i.not_after, &field("not_after"), lang)?,
            },
        });
    }
    for (n, r) in config.responder.iter().enumerate() {
        let field = |f: &str| format!("responder[{n}].{f}");
        list.responders.push(KeyEntry {
            key: keys_cmd::load_responder_public(&base.join(&r.key), lang)?,
            name: r.name.clone(),
            not_before: day(&r.not_before, &field("not_before"), lang)?,
            not_after: day(&r.not_after, &field("not_after"), lang)?,
        });
    }
    if list.next_update <= now {
        return Err(Fail::general(
            lang.t("next_update が過去の日付です", "next_update is in the past"),
        ));
    }
    let root_key = keys_cmd::load_signing(root, Role::Root, lang)?;
    let bytes = list.sign(&root_key);
    // Check what we wrote verifies (duplicate key ids, say, are caught here).
    TrustList::verify(&bytes, &[root_key.verifying_key()])
        .map_err(|e| Fail::general(e.to_string()))?;
    fail::write(out, &bytes, lang)?;
    println!(
        "{} {} ({} {}, {} {})",
        lang.t("信頼リストを書きました:", "wrote the trust list:"),
        out.display(),
        list.issuers.len(),
        lang.t("発行者", "issuers"),
        list.responders.len(),
        lang.t("応答者グループ", "responder groups")
    );
    Ok(())
}
