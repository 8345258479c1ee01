//! `helpcard-server`: the key service. Without a subcommand it serves; the subcommands are the
//! administrator's (invites, people, revocation, the audit log) and work on the same data
//! directory while the service runs.
//!
//! Exit codes: 0 success; 1 usage, file or start-up error; 2 the audit log is damaged.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use helpcard_audit::CheckpointPolicy;
use helpcard_core::date::UnixTime;
use helpcard_core::keys::{ResponderKey, Role, VerifyingKey};
use helpcard_core::vocab::Lang;
use helpcard_server::app::{App, Config, Parts};
use helpcard_server::desk::key::IssuerKey;
use helpcard_server::desk::{Desk, DeskConfig};
use helpcard_server::groups::Groups;
use helpcard_server::history::{self, ReviewRules, parse_hour, parse_hours};
use helpcard_server::http::now;
use helpcard_server::keys::{FileKeys, KeyHolder};
use helpcard_server::limits::Rate;
use helpcard_server::lists::{ListFiles, Lists};
use helpcard_server::notices::{self, Mailer, NoticeConfig};
use helpcard_server::setup::{self, DataDir};
use helpcard_server::store::{InviteError, Role as PersonRole, Store};
use helpcard_server::{assets, routes, serve};
use zeroize::Zeroizing;

/// helpcard key service (ヘルプカード 鍵サービス).
#[derive(Parser)]
#[command(
    name = "helpcard-server",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

#[derive(Args)]
struct DataArg {
    /// Data directory: people, passkeys, sessions, the audit log and its checkpoints.
    #[arg(
        long,
        default_value = "helpcard-server-data",
        env = "HELPCARD_SERVER_DATA"
    )]
    data: PathBuf,
    /// The database for people, sessions, allowances, kiosks and the audit log: a PostgreSQL
    /// URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE), which several instances of the
    /// service may share; without it, SQLite files in the data directory. Give a password by
    /// the environment, not on the command line (where `ps` shows it).
    #[arg(long, env = "HELPCARD_DATABASE")]
    database: Option<String>,
}

impl DataArg {
    fn dir(&self) -> DataDir {
        DataDir {
            path: self.data.clone(),
            database: self.database.clone(),
        }
    }
}

#[derive(Args)]
struct Serve {
    /// Address to listen on (TLS is the reverse proxy's job; see the README).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The origin browsers use (WebAuthn origin; POSTs from any other origin are refused).
    /// Default: http://localhost:PORT.
    #[arg(long)]
    origin: Option<String>,
    /// Start with fresh demo keys, lists and cards (prints a URL per card and an invite).
    #[arg(long)]
    demo: bool,
    /// Responder group key files (private; unlocked at start).
    #[arg(long = "responder-key")]
    responder_keys: Vec<PathBuf>,
    /// Which responder keys a group of people may use: GROUP=KEY_ID[,KEY_ID…], once per
    /// group. Required when several keys are held.
    #[arg(long = "group")]
    groups: Vec<String>,
    /// A file holding the key files' passphrase (else HELPCARD_PASSPHRASE, else asked).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// Root public key (pinned).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Signed trust list (also served at /lists/trust.cbor).
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Signed revocation lists, or directories of them (`*.cbor`), served at
    /// /lists/revocations/ISSUER.cbor. A card whose issuer has no current list is refused.
    #[arg(long)]
    revocations: Vec<PathBuf>,
    /// Seconds between two readings of the list files (also read again on SIGHUP).
    #[arg(long, default_value_t = 60)]
    lists_reload_secs: u64,
    /// The web scanner's static files, served under /S/ (built by helpcard-wasm/build.sh).
    #[arg(long, default_value = "helpcard-wasm/www")]
    www: PathBuf,
    /// Private parts one person may open per hour.
    #[arg(long, default_value_t = 30)]
    rate_limit: usize,
    /// Minutes without a request after which a session ends.
    #[arg(long, default_value_t = 15)]
    idle_minutes: u64,
    /// Hours after sign-in after which a session ends, however busy.
    #[arg(long, default_value_t = 12.0)]
    session_hours: f64,
    /// Seconds a client has to send a request's headers, and again its body.
    #[arg(long, default_value_t = 10)]
    request_secs: u64,
    /// Sign-in and registration requests per client address and minute (the whole service
    /// takes 20 times as many).
    #[arg(long, default_value_t = 30)]
    sign_in_rate: u32,
    /// A reverse proxy in front of the service: its X-Forwarded-For names the client
    /// (repeat for several).
    #[arg(long = "proxy")]
    proxies: Vec<IpAddr>,
    /// Connections served at once (the next wait until one closes).
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
    /// Where audit checkpoints are exported: a place this host cannot rewrite (a mount of
    /// another machine's append-only share). Default: DATA/checkpoints, which does not
    /// survive someone with write access to the data directory.
    #[arg(long)]
    audit_anchor: Option<PathBuf>,
    /// Seconds between two audit checkpoints while rows are being added.
    #[arg(long, default_value_t = 60)]
    checkpoint_secs: u64,
    /// Rows between two audit checkpoints.
    #[arg(long, default_value_t = 100)]
    checkpoint_rows: u64,
    #[command(flatten)]
    desk: DeskArgs,
    #[command(flatten)]
    mail: MailArgs,
    #[command(flatten)]
    data: DataArg,
}

/// Notices of openings to the holder and chosen family (addresses from the registry).
#[derive(Args)]
struct MailArgs {
    /// The office's SMTP relay: smtp://HOST:587?tls=required (STARTTLS), smtps://HOST:465
    /// (implicit TLS), or smtp://HOST:PORT without TLS on a trusted host. Without it notices
    /// wait in the outbox.
    #[arg(long)]
    smtp: Option<String>,
    /// The relay's user name.
    #[arg(long)]
    smtp_user: Option<String>,
    /// A file holding the relay's password.
    #[arg(long)]
    smtp_password_file: Option<PathBuf>,
    /// The notices' sender address.
    #[arg(long, default_value = "helpcard@localhost")]
    notice_from: String,
    /// Whom a holder calls about an opening they did not expect (default: the issuer name).
    #[arg(long)]
    notice_contact: Option<String>,
    /// A group's organisation as people know it, GROUP=NAME (repeat).
    #[arg(long = "organisation")]
    organisations: Vec<String>,
    /// Seconds between two looks at the outbox for notices due again after a refusal (an
    /// opening wakes the sender at once).
    #[arg(long, default_value_t = 2)]
    notice_every_secs: u64,
    /// Seconds before a notice the relay refused is tried again (doubling, at most an hour).
    #[arg(long, default_value_t = 30)]
    notice_retry_secs: u64,
}

/// The issuing desk (at /desk/), run when an issuer key is given.
#[derive(Args)]
struct DeskArgs {
    /// The issuer's signing key file, sealed with a passphrase (`helpcard keys new --role
    /// issuer`): runs the issuing desk. An admin unlocks it on the desk for the day.
    #[arg(long)]
    issuer_key: Option<PathBuf>,
    /// The issuer id on the trust list (required with --issuer-key).
    #[arg(long)]
    issuer_id: Option<String>,
    /// The office's name printed on cards (default: the issuer id).
    #[arg(long)]
    issuer_name: Option<String>,
    /// Where the desk writes the issuer's revocation list (default:
    /// DATA/published/ISSUER.cbor, read by the service as one of its lists).
    #[arg(long)]
    desk_list: Option<PathBuf>,
    /// The responder group key (id) cards are encrypted to (default: the one key held).
    #[arg(long)]
    desk_responder: Option<String>,
    /// Years a card is valid (1–10).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=10))]
    valid_years: u64,
    /// Cards expiring within this many days are in the renewal queue.
    #[arg(long, default_value_t = 120)]
    renewal_days: u64,
    /// Minutes unused after which the unlocked issuer key locks.
    #[arg(long, default_value_t = 30)]
    issuer_key_idle_minutes: u64,
    /// The hour (HH:MM, Japan time) at which an unlocked issuer key locks for the night.
    #[arg(long, default_value = "19:00", value_parser = parse_hour)]
    issuer_key_relock_at: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Create a one-time invite (valid 24 h) for a person to register a passkey.
    Invite {
        /// The person's name (unique; an invite for someone already registered adds a passkey).
        #[arg(long)]
        name: String,
        /// Their responder group (an existing person's group cannot change this way).
        #[arg(long)]
        group: String,
        /// What they may do: responder (open private parts), issuer (the issuing desk), admin
        /// (also invites people and unlocks the issuer key).
        #[arg(long, default_value = "responder", value_parser = parse_role)]
        role: PersonRole,
        /// The origin to put in the link.
        #[arg(long, default_value = "http://localhost:8080")]
        origin: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Withdraw every unused invite for a name.
    WithdrawInvite {
        /// The person's name.
        name: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// List people and their passkeys.
    People {
        #[command(flatten)]
        data: DataArg,
    },
    /// End a person's access and sessions at once.
    RevokePerson {
        /// The person's name.
        name: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Enroll a kiosk: its forwarded audit rows are taken, and its openings told to holders.
    EnrollKiosk {
        /// The kiosk's id (its configuration's kiosk_id).
        #[arg(long)]
        id: String,
        /// Its device key: the 64 hex digits `helpcard-kiosk audit-key` prints, or a file.
        #[arg(long)]
        key: String,
        /// The responder group it belongs to (its organisation in notices).
        #[arg(long)]
        group: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// Withdraw a kiosk: its rows are refused from now on.
    WithdrawKiosk {
        /// The kiosk's id.
        id: String,
        #[command(flatten)]
        data: DataArg,
    },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the chain against the exported checkpoints and the pinned checkpoint key (exit 0
    /// intact, 2 naming the first bad row).
    Verify {
        /// The checkpoint public key recorded when the service was set up (64 hex digits, or a
        /// file holding them; `helpcard-server audit key` prints it).
        #[arg(long)]
        checkpoint_key: Option<String>,
        /// Where the checkpoints were exported (default: DATA/checkpoints).
        #[arg(long)]
        anchor: Option<PathBuf>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Print the checkpoint public key, to record somewhere this host cannot change.
    Key {
        #[command(flatten)]
        data: DataArg,
    },
    /// Who opened these cards, when and why (a holder's disclosure request under APPI): every
    /// row naming them, or with --pdf the openings printed for the holder.
    Card {
        /// Card ids (16 hex digits): all of one holder's cards.
        #[arg(required = true)]
        card_ids: Vec<String>,
        /// Write the holder's opening history here as a PDF (Japanese and やさしい日本語).
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// The PDF's first part in English instead of Japanese.
        #[arg(long)]
        english: bool,
        /// A group's organisation as the holder knows it, GROUP=NAME (repeat).
        #[arg(long = "organisation")]
        organisations: Vec<String>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Openings worth a second look: reason その他 (other), outside working hours, or more
    /// than --per-hour cards by one person within an hour.
    Review {
        /// Working hours in Japan time, FROM-TO (`08:00-19:00`; `20:00-06:00` for a night
        /// shift), or `none`.
        #[arg(long, default_value = "08:00-19:00")]
        hours: String,
        /// More than this many distinct cards by one person within 60 minutes is flagged.
        #[arg(long, default_value_t = 10)]
        per_hour: usize,
        /// Only the last DAYS days.
        #[arg(long, default_value_t = 31)]
        days: u64,
        #[command(flatten)]
        data: DataArg,
    },
}

/// `--organisation GROUP=NAME` values.
fn organisations(given: &[String]) -> Result<HashMap<String, String>, String> {
    given
        .iter()
        .map(|o| {
            o.split_once('=')
                .map(|(g, n)| (g.trim().to_owned(), n.trim().to_owned()))
                .ok_or_else(|| format!("--organisation {o}: GROUP=NAME"))
        })
        .collect()
}

fn parse_role(s: &str) -> Result<PersonRole, String> {
    PersonRole::from_code(s).ok_or_else(|| format!("{s}: one of responder, issuer, admin"))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("helpcard-server: {message}");
    ExitCode::from(1)
}

fn open_store(data: &DataArg) -> Result<(DataDir, Store), String> {
    let dir = data.dir();
    dir.create()
        .map_err(|e| format!("{}: {e}", dir.path.display()))?;
    let store = dir.open_store()?;
    Ok((dir, store))
}

fn audit_event(dir: &DataDir, kind: &str, result: &str, detail: &str) -> Result<(), String> {
    // The running service checkpoints this row with its own (its timer counts every row).
    dir.open_audit(CheckpointPolicy::none())?
        .append(&helpcard_audit::Event {
            at: now(),
            kind: kind.into(),
            actor: "admin".into(),
            card_id: None,
            issuer: None,
            result: result.into(),
            detail: detail.into(),
        })
        .map(drop)
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Invite {
            name,
            group,
            role,
            origin,
            data,
        }) => open_store(&data).and_then(|(dir, store)| {
            let code = store
                .create_invite(&name, &group, role, now())
                .map_err(|e| match e {
                    InviteError::OtherGroup(held) => format!(
                        "{name} is already in group {held}: a person's group does not change with an invite (revoke-person, then invite a new name)"
                    ),
                    InviteError::OtherRole(held) => format!(
                        "{name} already has the role {held}: a person's role does not change with an invite (revoke-person, then invite a new name)"
                    ),
                    e => e.to_string(),
                })?;
            let role = role.code();
            audit_event(&dir, "invite", "granted", &format!("{name} ({group}, {role})"))?;
            // The code is given apart from the page's address: a code in a URL would stay in
            // the browser's history.
            println!("invite for {name} ({group}, {role}), valid 24 h, to be used once:");
            println!("  code: {code}");
            println!("  page: {origin}/S/#register (enter the code there / この画面でコードを入力)");
            Ok(())
        }),
        Some(Command::WithdrawInvite { name, data }) => open_store(&data).and_then(|(dir, store)| {
            let n = store
                .withdraw_invites(&name, now())
                .map_err(|e| e.to_string())?;
            if n == 0 {
                return Err(format!("{name}: no unused invite"));
            }
            audit_event(&dir, "withdraw_invite", "granted", &name)?;
            println!("{name}: {n} unused invite(s) withdrawn");
            Ok(())
        }),
        Some(Command::People { data }) => open_store(&data).and_then(|(_, store)| {
            println!("name\tgroup\trole\tstatus\tpasskeys\tlast_used");
            for p in store.people().map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    p.person.name,
                    p.person.group,
                    p.person.role.code(),
                    if p.person.active { "active" } else { "revoked" },
                    p.passkeys,
                    p.last_used
                        .map(|t| UnixTime(t).to_iso8601())
                        .unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }),
        Some(Command::EnrollKiosk {
            id,
            key,
            group,
            data,
        }) => open_store(&data).and_then(|(dir, store)| {
            let key = pinned_key(&key).map_err(|e| e.replace("--checkpoint-key", "--key"))?;
            store
                .enroll_kiosk(&id, &key, &group, now())
                .map_err(|e| e.to_string())?;
            audit_event(
                &dir,
                "enroll_kiosk",
                "granted",
                &format!("kiosk={id} group={group} key={}", hex::encode(&key[..8])),
            )?;
            println!("{id}: enrolled in group {group}");
            Ok(())
        }),
        Some(Command::WithdrawKiosk { id, data }) => open_store(&data).and_then(|(dir, store)| {
            if !store.withdraw_kiosk(&id).map_err(|e| e.to_string())? {
                return Err(format!("{id}: no such kiosk"));
            }
            audit_event(&dir, "withdraw_kiosk", "granted", &format!("kiosk={id}"))?;
            println!("{id}: withdrawn; its rows are refused");
            Ok(())
        }),
        Some(Command::RevokePerson { name, data }) => open_store(&data).and_then(|(dir, store)| {
            if !store
                .revoke_person(&name, now())
                .map_err(|e| e.to_string())?
            {
                return Err(format!("{name}: no such person"));
            }
            audit_event(&dir, "revoke_person", "granted", &name)?;
            println!("{name}: access and sessions ended");
            Ok(())
        }),
        Some(Command::Audit(AuditCommand::Verify {
            checkpoint_key,
            anchor,
            data,
        })) => return audit_verify(&data, checkpoint_key.as_deref(), anchor),
        Some(Command::Audit(AuditCommand::Key { data })) => {
            let dir = data.dir();
            helpcard_audit::DeviceKey::load(&dir.device_key())
                .map(|k| println!("{}", hex::encode(k.public())))
                .map_err(|e| e.to_string())
        }
        Some(Command::Audit(AuditCommand::Card {
            card_ids,
            pdf,
            english,
            organisations: given,
            data,
        })) => organisations(&given).and_then(|organisations| {
            let config = NoticeConfig {
                contact: String::new(),
                organisations,
            };
            audit_card(&data, &card_ids, pdf.as_deref(), english, &config)
        }),
        Some(Command::Audit(AuditCommand::Review {
            hours,
            per_hour,
            days,
            data,
        })) => parse_hours(&hours)
            .map_err(|e| format!("--hours {e}"))
            .and_then(|hours| {
            audit_review(&data, ReviewRules { hours, per_hour }, days)
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// Every audit row naming `card_ids`, or with `pdf` the holder's opening history.
fn audit_card(
    data: &DataArg,
    card_ids: &[String],
    pdf: Option<&Path>,
    english: bool,
    config: &NoticeConfig,
) -> Result<(), String> {
    let (dir, store) = open_store(data)?;
    let log = dir.open_audit(CheckpointPolicy::none())?;
    let card_ids: Vec<String> = card_ids.iter().map(|c| c.to_ascii_lowercase()).collect();
    let rows = history::rows_of_cards(&log, &card_ids).map_err(|e| e.to_string())?;
    let Some(path) = pdf else {
        println!("time\tcard\tperson\tresult\tdetail");
        for r in rows {
            println!(
                "{}\t{}\t{}\t{}\t{}",
                UnixTime(r.event.at).to_iso8601(),
                r.event.card_id.unwrap_or_default(),
                r.event.actor,
                r.event.result,
                r.event.detail
            );
        }
        return Ok(());
    };
    let openings = history::openings(&rows, |name| store.role_of(name));
    let lang = if english { Lang::En } else { Lang::Ja };
    let font = helpcard_font::BIZ_UD_GOTHIC;
    let bytes = history::history_pdf(&card_ids, &openings, config, now(), lang, font)
        .map_err(|e| e.message(Lang::En))?;
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    // The request and its answer are themselves on the record.
    audit_event(
        &dir,
        "history_printed",
        "granted",
        &history::printed_detail(&card_ids, openings.len()),
    )?;
    println!(
        "{}: {} opening(s) of {} card(s)",
        path.display(),
        openings.len(),
        card_ids.len()
    );
    Ok(())
}

/// The openings of the last `days` days worth a second look, one per line with its flags.
fn audit_review(data: &DataArg, rules: ReviewRules, days: u64) -> Result<(), String> {
    let (dir, store) = open_store(data)?;
    let log = dir.open_audit(CheckpointPolicy::none())?;
    let since = now().saturating_sub(days * 86_400);
    let rows = history::rows_since(&log, since).map_err(|e| e.to_string())?;
    let flagged = history::review(&history::openings(&rows, |n| store.role_of(n)), rules);
    println!("time\tcard\tperson\tgroup\treason\tflags");
    for (o, flags) in &flagged {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            UnixTime(o.at).to_iso8601(),
            o.card_id,
            o.person,
            o.group,
            o.reason.as_ref().map(|r| r.detail()).unwrap_or_default(),
            flags.iter().map(|f| f.code()).collect::<Vec<_>>().join(",")
        );
    }
    eprintln!(
        "{} opening(s) to look at in the last {days} day(s)",
        flagged.len()
    );
    Ok(())
}

/// The pinned checkpoint key: 64 hex digits, or a file holding them.
fn pinned_key(given: &str) -> Result<[u8; 32], String> {
    let text = if Path::new(given).is_file() {
        std::fs::read_to_string(given).map_err(|e| format!("{given}: {e}"))?
    } else {
        given.to_owned()
    };
    hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("--checkpoint-key {given}: not 64 hex digits or a file of them"))
}

fn audit_verify(data: &DataArg, key: Option<&str>, anchor: Option<PathBuf>) -> ExitCode {
    let dir = data.dir();
    let Some(key) = key else {
        return fail(
            "--checkpoint-key is required: the checkpoint public key recorded when the service was set up (it printed it at start; `helpcard-server audit key` prints it). A key read from the data directory proves nothing about a log in the same directory.",
        );
    };
    let key = match pinned_key(key) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let anchor = anchor.unwrap_or_else(|| dir.checkpoints());
    let exported = match helpcard_audit::read_exported(&anchor) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("helpcard-server: audit log damaged: {e}");
            return ExitCode::from(2);
        }
    };
    let db = match dir.audit_database() {
        Ok(db) => db,
        Err(e) => return fail(e),
    };
    match helpcard_audit::verify_in(&db, &key, &exported) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("helpcard-server: audit log damaged: {e}");
            ExitCode::from(2)
        }
    }
}

fn passphrase(file: Option<&PathBuf>) -> Result<Zeroizing<String>, String> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        return Ok(Zeroizing::new(
            text.trim_end_matches(['\n', '\r']).to_owned(),
        ));
    }
    if let Ok(p) = std::env::var("HELPCARD_PASSPHRASE") {
        return Ok(Zeroizing::new(p));
    }
    rpassword::prompt_password("responder key passphrase: ")
        .map(Zeroizing::new)
        .map_err(|e| format!("no passphrase (use --passphrase-file): {e}"))
}

/// Keys and list files from the command line (not `--demo`).
fn from_files(s: &Serve, dir: &DataDir) -> Result<(FileKeys, ListFiles), String> {
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let (Some(root), Some(trust)) = (&s.root, &s.trust) else {
        return Err("--root and --trust are required (or --demo)".into());
    };
    if s.responder_keys.is_empty() {
        return Err("at least one --responder-key is required (or --demo)".into());
    }
    let root_file = String::from_utf8_lossy(&read(root)?).into_owned();
    let root_key = VerifyingKey::from_file(&root_file, Role::Root)
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let mut pass = None;
    let mut keys = Vec::new();
    for p in &s.responder_keys {
        let text = String::from_utf8_lossy(&read(p)?).into_owned();
        let key = match ResponderKey::from_file(&text, None) {
            Err(helpcard_core::keys::KeyError::PassphraseRequired) => {
                if pass.is_none() {
                    pass = Some(passphrase(s.passphrase_file.as_ref())?);
                }
                ResponderKey::from_file(&text, pass.as_deref().map(String::as_str))
            }
            other => other,
        }
        .map_err(|e| format!("{}: {e}", p.display()))?;
        keys.push(key);
    }
    let files = ListFiles {
        root: root_key,
        root_file,
        trust: trust.clone(),
        revocations: s.revocations.clone(),
        state: dir.list_state(),
    };
    Ok((FileKeys::new(keys), files))
}

/// The desk as the command line (or the demo) sets it up, before the lists are read: the
/// desk's list file joins the lists the service reads.
fn desk_setup(
    s: &Serve,
    dir: &DataDir,
    mut files: ListFiles,
    keys: &FileKeys,
    demo: Option<setup::DemoDesk>,
) -> Result<(Option<DeskSetup>, ListFiles), String> {
    let d = &s.desk;
    let (key_file, issuer_id, issuer_name, list_file) = match (demo, &d.issuer_key) {
        (Some(demo), _) => (
            demo.key_file,
            demo.issuer_id,
            demo.issuer_name,
            demo.list_file,
        ),
        (None, None) => return Ok((None, files)),
        (None, Some(path)) => {
            let issuer_id = d
                .issuer_id
                .clone()
                .ok_or("--issuer-id is required with --issuer-key")?;
            let list_file = d
                .desk_list
                .clone()
                .unwrap_or_else(|| dir.path.join("published").join(format!("{issuer_id}.cbor")));
            if let Some(parent) = list_file.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
                if !files
                    .revocations
                    .iter()
                    .any(|r| r == parent || r == &list_file)
                {
                    files.revocations.push(parent.to_owned());
                }
            }
            let key_file = std::fs::read_to_string(path)
                .map_err(|e| format!("--issuer-key {}: {e}", path.display()))?;
            let name = d.issuer_name.clone().unwrap_or_else(|| issuer_id.clone());
            (key_file, issuer_id, name, list_file)
        }
    };
    let publics = keys.public_keys();
    let responder = match &d.desk_responder {
        Some(kid) => publics
            .into_iter()
            .find(|k| k.key_id().to_hex() == kid.to_ascii_lowercase())
            .ok_or_else(|| format!("--desk-responder {kid}: no such responder key"))?,
        None if publics.len() == 1 => publics.into_iter().next().ok_or("no responder key")?,
        None => return Err("several responder keys: say which one the desk encrypts cards to (--desk-responder KEY_ID)".into()),
    };
    let key = IssuerKey::new(
        key_file,
        d.issuer_key_idle_minutes * 60,
        Some(d.issuer_key_relock_at),
    )
    .map_err(|e| format!("--issuer-key: {e}"))?;
    Ok((
        Some(DeskSetup {
            key,
            registry: dir.clone(),
            config: DeskConfig {
                issuer_id,
                issuer_name,
                prefix: String::new(),
                valid_years: d.valid_years,
                renewal_days: d.renewal_days,
                next_update_days: 7,
                responder,
                list_file,
            },
        }),
        files,
    ))
}

/// A desk to open once the lists are read.
struct DeskSetup {
    key: IssuerKey,
    registry: DataDir,
    config: DeskConfig,
}

impl DeskSetup {
    /// Opens the registry and checks that the trust list names the issuer key.
    fn open(mut self, lists: &Lists, origin: &str) -> Result<Desk, String> {
        let held = lists.held();
        let entry = held.trust.issuer(self.key.kid()).ok_or_else(|| {
            format!(
                "--issuer-key: key {} is not on the trust list",
                self.key.kid()
            )
        })?;
        if entry.issuer != self.config.issuer_id {
            return Err(format!(
                "--issuer-id {}: the trust list names key {} for issuer {}",
                self.config.issuer_id,
                self.key.kid(),
                entry.issuer
            ));
        }
        // Upper case so the QR encoder can use its compact alphanumeric mode for the prefix.
        self.config.prefix = format!("{}/S/", origin.to_ascii_uppercase());
        let registry = self.registry.open_registry()?;
        Ok(Desk::new(self.config, self.key, registry))
    }
}

/// Runs `every` seconds until the process ends.
fn every(seconds: u64, mut task: impl FnMut() + Send + 'static) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(seconds.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            task();
        }
    });
}

/// Prints what an operator should act on about the lists, when it changed since the last
/// report (a reading every minute would otherwise repeat the same lines all day).
fn report_lists(app: &App, last: &std::sync::Mutex<Vec<String>>) {
    let lines = app.lists.health(now()).warnings();
    let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
    if *last != lines {
        for line in &lines {
            eprintln!("helpcard-server: lists: {line}");
        }
        if lines.is_empty() {
            eprintln!("helpcard-server: lists: every list current");
        }
        *last = lines;
    }
}

fn serve(s: Serve) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(s.listen)
            .await
            .map_err(|e| format!("{}: {e}", s.listen))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let origin = s
            .origin
            .clone()
            .unwrap_or_else(|| format!("http://localhost:{port}"));
        let dir = s.data.dir();
        dir.create()
            .map_err(|e| format!("{}: {e}", dir.path.display()))?;
        let (keys, files, demo_cards, demo_desk) = if s.demo {
            let d = setup::demo(&dir, &origin)?;
            (d.keys, d.files, d.cards, Some(d.desk))
        } else {
            let (k, f) = from_files(&s, &dir)?;
            (k, f, Vec::new(), None)
        };
        let (desk_setup, files) = desk_setup(&s, &dir, files, &keys, demo_desk)?;
        // Instances sharing a database also read the lists any instance's desk published.
        let published: Option<helpcard_server::lists::Published> = match &dir.database {
            Some(_) => {
                let registry = dir.open_registry()?;
                Some(Box::new(move || {
                    registry
                        .latest_lists()
                        .map_err(|e| e.message(Lang::En))
                }))
            }
            None => None,
        };
        let lists = Lists::open(files, published, now())?;
        let groups = Groups::parse(&s.groups, &keys.key_ids())?;
        let store = dir.open_store()?;
        let audit = dir.open_audit(CheckpointPolicy {
            every_events: s.checkpoint_rows,
            // Time is the timer's (below), which also covers rows an administrator added.
            every_secs: 0,
            export_dir: Some(s.audit_anchor.clone().unwrap_or_else(|| dir.checkpoints())),
        })?;
        let checkpoint_key = hex::encode(audit.device_key());
        let www = assets::load(Some(&s.www))?;
        let www_line = format!(
            "web scanner: {} files, {} kB, {} kB as Brotli",
            www.len(),
            www.values().map(|a| a.bytes().len()).sum::<usize>() / 1000,
            www.values().map(|a| a.transfer_size("br")).sum::<usize>() / 1000
        );
        let kids: Vec<String> = keys.key_ids().iter().map(|k| k.to_hex()).collect();
        let per_minute = f64::from(s.sign_in_rate.max(1));
        let config = Config {
            origin: origin.clone(),
            rate_per_hour: s.rate_limit,
            idle_secs: s.idle_minutes * 60,
            session_secs: (s.session_hours * 3600.0).ceil().max(1.0) as u64,
            groups,
            per_address: Rate {
                per_second: per_minute / 60.0,
                burst: per_minute,
            },
            global: Rate {
                per_second: 20.0 * per_minute / 60.0,
                burst: 20.0 * per_minute,
            },
            proxies: s.proxies.clone(),
            request_secs: s.request_secs.max(1),
        };
        let demo_invite = if s.demo {
            let code = store
                .create_invite("demo-responder", "demo", PersonRole::Responder, now())
                .map_err(|e| e.to_string())?;
            Some(code)
        } else {
            None
        };
        let desk = match desk_setup {
            Some(setup) => Some(setup.open(&lists, &origin)?),
            None => None,
        };
        let desk_line = desk.as_ref().map(|d| {
            format!(
                "issuing desk: {origin}/desk/ (issuer {}, key {}, locked until an admin unlocks it)",
                d.config.issuer_id,
                d.key.kid()
            )
        });
        let demo_desk_invite = if s.demo {
            Some(
                store
                    .create_invite("demo-clerk", "office", PersonRole::Admin, now())
                    .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        let notices = NoticeConfig {
            contact: s.mail.notice_contact.clone().unwrap_or_else(|| {
                desk.as_ref()
                    .map(|d| d.config.issuer_name.clone())
                    .unwrap_or_else(|| "the issuing office".into())
            }),
            organisations: organisations(&s.mail.organisations)?,
        };
        let mailer = match &s.mail.smtp {
            Some(url) => {
                let credentials = match (&s.mail.smtp_user, &s.mail.smtp_password_file) {
                    (Some(user), Some(file)) => Some((
                        user.clone(),
                        std::fs::read_to_string(file)
                            .map_err(|e| format!("--smtp-password-file {}: {e}", file.display()))?
                            .trim()
                            .to_owned(),
                    )),
                    (None, None) => None,
                    _ => return Err("--smtp-user and --smtp-password-file go together".into()),
                };
                Some(Mailer::new(url, &s.mail.notice_from, credentials)?)
            }
            None => None,
        };
        let app = Arc::new(App::new(Parts {
            config,
            store,
            webauthn: setup::webauthn(&origin)?,
            keys: Box::new(keys),
            lists,
            audit,
            www,
            desk,
            notices,
        }));
        if let Some(mailer) = mailer {
            notices::run(
                app.clone(),
                mailer,
                Duration::from_secs(s.mail.notice_every_secs.max(1)),
                s.mail.notice_retry_secs.max(1),
            );
            println!("notices: sent through the SMTP relay");
        }
        println!(
            "helpcard-server listening on http://{} (origin {origin})",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        println!("responder keys: {}", kids.join(", "));
        println!("groups: {}", app.config.groups.describe());
        println!("audit checkpoint key: {checkpoint_key} (record it off this host; audit verify needs it)");
        if s.audit_anchor.is_none() && !s.demo {
            eprintln!(
                "helpcard-server: audit checkpoints are exported into the data directory; give --audit-anchor a place this host cannot rewrite"
            );
        }
        println!("{www_line}");
        let reported = Arc::new(std::sync::Mutex::new(Vec::new()));
        report_lists(&app, &reported);
        for (name, url, verdict) in &demo_cards {
            println!("demo card {name} ({verdict}): {url}");
        }
        if let Some(code) = demo_invite {
            println!("demo invite: {code}");
            println!("demo invite page: {origin}/S/#register");
        }
        if let Some(line) = desk_line {
            println!("{line}");
        }
        if let Some(code) = demo_desk_invite {
            println!("demo desk invite (admin demo-clerk): {code}");
            println!("demo issuer key passphrase: {}", setup::DEMO_DESK_PASSPHRASE);
            println!(
                "demo kiosk: responder key {} (passphrase {})",
                dir.path.join("demo-responder.key.json").display(),
                setup::DEMO_KIOSK_PASSPHRASE
            );
        }
        println!("ready");

        // The lists on a schedule and on SIGHUP; refusals and checkpoints on a schedule.
        let reload = {
            let app = app.clone();
            move || {
                app.lists.reload(now());
                report_lists(&app, &reported);
            }
        };
        every(s.lists_reload_secs, reload.clone());
        let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            .map_err(|e| e.to_string())?;
        tokio::spawn(async move {
            while hangup.recv().await.is_some() {
                reload();
                eprintln!("helpcard-server: lists read again (SIGHUP)");
            }
        });
        let background = app.clone();
        every(60, move || {
            if let Err(e) = background.flush_refusals() {
                eprintln!("helpcard-server: audit: {}", e.code());
            }
            if let Err(e) = background.forget_idle() {
                eprintln!("helpcard-server: database: {}", e.code());
            }
        });
        let background = app.clone();
        every(60, move || {
            if let Err(e) = background.lock_issuer_key_if_due() {
                eprintln!("helpcard-server: audit: {}", e.code());
            }
        });
        let background = app.clone();
        every(s.checkpoint_secs, move || {
            if let Err(e) = background.checkpoint_if_new_rows() {
                eprintln!("helpcard-server: audit checkpoint: {}", e.code());
            }
        });

        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .map_err(|e| e.to_string())?;
        let stop = async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        };
        let limits = serve::Limits {
            max_connections: s.max_connections,
            header_secs: s.request_secs.max(1),
        };
        serve::serve(listener, routes::router(app.clone()), limits, stop).await;
        // What was counted but not written, and a last checkpoint.
        app.flush_refusals().map_err(|e| e.code().to_owned())?;
        app.checkpoint_if_new_rows().map_err(|e| e.code().to_owned())?;
        Ok(())
    })
}
