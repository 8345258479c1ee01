//! `helpcard-server`: the key service. Without a subcommand it serves; the subcommands are the
//! administrator's (invites, people, revocation, the audit log) and work on the same data
//! directory while the service runs.
//!
//! Exit codes: 0 success; 1 usage, file or start-up error; 2 the audit log is damaged.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use helpcard_core::date::UnixTime;
use helpcard_core::keys::{ResponderKey, Role, VerifyingKey};
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_server::app::{self, App, Config, Lists};
use helpcard_server::keys::{FileKeys, KeyHolder};
use helpcard_server::setup::{self, DataDir};
use helpcard_server::store::Store;
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
    /// A file holding the key files' passphrase (else HELPCARD_PASSPHRASE, else asked).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// Root public key (pinned).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Signed trust list (also served at /lists/trust.cbor).
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Signed revocation lists (served at /lists/revocations/ISSUER.cbor).
    #[arg(long)]
    revocations: Vec<PathBuf>,
    /// The web scanner's static files, served under /S/ (built by helpcard-wasm/build.sh).
    #[arg(long, default_value = "helpcard-wasm/www")]
    www: PathBuf,
    /// Private parts one person may open per hour.
    #[arg(long, default_value_t = 30)]
    rate_limit: usize,
    /// Minutes without a request after which a session ends.
    #[arg(long, default_value_t = 15)]
    idle_minutes: u64,
    #[command(flatten)]
    data: DataArg,
}

#[derive(Subcommand)]
enum Command {
    /// Create a one-time invite (valid 24 h) for a person to register a passkey.
    Invite {
        /// The person's name (unique; a second invite adds a passkey).
        #[arg(long)]
        name: String,
        /// Their responder group.
        #[arg(long)]
        group: String,
        /// The origin to put in the link.
        #[arg(long, default_value = "http://localhost:8080")]
        origin: String,
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
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the chain and every checkpoint (exit 0 intact, 2 naming the first bad row).
    Verify {
        #[command(flatten)]
        data: DataArg,
    },
    /// Who opened this card and when (for a holder's disclosure request under APPI).
    Card {
        /// Card id (16 hex digits).
        card_id: String,
        #[command(flatten)]
        data: DataArg,
    },
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("helpcard-server: {message}");
    ExitCode::from(1)
}

fn open_store(data: &DataArg) -> Result<(DataDir, Store), String> {
    let dir = DataDir(data.data.clone());
    dir.create()
        .map_err(|e| format!("{}: {e}", dir.0.display()))?;
    let store = Store::open(&dir.people()).map_err(|e| e.to_string())?;
    Ok((dir, store))
}

fn audit_event(
    dir: &DataDir,
    kind: &str,
    actor: &str,
    result: &str,
    detail: &str,
) -> Result<(), String> {
    dir.open_audit()?
        .append(&helpcard_audit::Event {
            at: app::now(),
            kind: kind.into(),
            actor: actor.into(),
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
            origin,
            data,
        }) => open_store(&data).and_then(|(dir, store)| {
            let code = store
                .create_invite(&name, &group, app::now())
                .map_err(|e| e.to_string())?;
            audit_event(
                &dir,
                "invite",
                "admin",
                "granted",
                &format!("{name} ({group})"),
            )?;
            println!("invite for {name} ({group}), valid 24 h:");
            println!("  code: {code}");
            println!("  link: {origin}/S/#invite={code}");
            Ok(())
        }),
        Some(Command::People { data }) => open_store(&data).and_then(|(_, store)| {
            println!("name\tgroup\tstatus\tpasskeys\tlast_used");
            for p in store.people().map_err(|e| e.to_string())? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    p.person.name,
                    p.person.group,
                    if p.person.active { "active" } else { "revoked" },
                    p.passkeys,
                    p.last_used
                        .map(|t| UnixTime(t).to_iso8601())
                        .unwrap_or_else(|| "-".into())
                );
            }
            Ok(())
        }),
        Some(Command::RevokePerson { name, data }) => open_store(&data).and_then(|(dir, store)| {
            if !store
                .revoke_person(&name, app::now())
                .map_err(|e| e.to_string())?
            {
                return Err(format!("{name}: no such person"));
            }
            audit_event(&dir, "revoke_person", "admin", "granted", &name)?;
            println!("{name}: access and sessions ended");
            Ok(())
        }),
        Some(Command::Audit(AuditCommand::Verify { data })) => return audit_verify(&data),
        Some(Command::Audit(AuditCommand::Card { card_id, data })) => {
            let dir = DataDir(data.data);
            dir.open_audit().and_then(|log| {
                let rows = log
                    .rows_for_card(&card_id.to_ascii_lowercase())
                    .map_err(|e| e.to_string())?;
                println!("time\tperson\tresult\tdetail");
                for r in rows {
                    println!(
                        "{}\t{}\t{}\t{}",
                        UnixTime(r.event.at).to_iso8601(),
                        r.event.actor,
                        r.event.result,
                        r.event.detail
                    );
                }
                Ok(())
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn audit_verify(data: &DataArg) -> ExitCode {
    let dir = DataDir(data.data.clone());
    let exported = match helpcard_audit::read_exported(&dir.checkpoints()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("helpcard-server: audit log damaged: {e}");
            return ExitCode::from(2);
        }
    };
    let key = match helpcard_audit::DeviceKey::load_or_create(&dir.device_key()) {
        Ok(k) => k.public(),
        Err(e) => return fail(e),
    };
    match helpcard_audit::verify(&dir.audit(), Some(&key), &exported) {
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

/// Keys, lists and the trust store from files (not `--demo`).
fn from_files(s: &Serve) -> Result<(FileKeys, TrustStore, Revocations, Lists), String> {
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let (Some(root), Some(trust_path)) = (&s.root, &s.trust) else {
        return Err("--root and --trust are required (or --demo)".into());
    };
    if s.responder_keys.is_empty() {
        return Err("at least one --responder-key is required (or --demo)".into());
    }
    let root_text = String::from_utf8_lossy(&read(root)?).into_owned();
    let root = VerifyingKey::from_file(&root_text, Role::Root)
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let now = UnixTime(app::now());
    let trust_bytes = read(trust_path)?;
    let mut trust = TrustStore::new(vec![root]);
    trust
        .load(&trust_bytes, now)
        .map_err(|e| format!("{}: {e}", trust_path.display()))?;
    let mut revocations = Revocations::new();
    let mut lists = Lists {
        root: root_text,
        trust: trust_bytes,
        ..Lists::default()
    };
    for p in &s.revocations {
        let bytes = read(p)?;
        let issuer = revocations
            .load(&bytes, &trust, now)
            .map_err(|e| format!("{}: {e}", p.display()))?
            .issuer
            .clone();
        lists.revocations.insert(issuer, bytes);
    }
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
    Ok((FileKeys::new(keys), trust, revocations, lists))
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
        let dir = DataDir(s.data.data.clone());
        dir.create()
            .map_err(|e| format!("{}: {e}", dir.0.display()))?;
        let (keys, trust, revocations, lists, demo_cards) = if s.demo {
            let d = setup::demo(&dir, &origin)?;
            (d.keys, d.trust, d.revocations, d.lists, d.cards)
        } else {
            let (k, t, r, l) = from_files(&s)?;
            (k, t, r, l, Vec::new())
        };
        let store = Store::open(&dir.people()).map_err(|e| e.to_string())?;
        let audit = dir.open_audit()?;
        let www = setup::load_www(Some(&s.www))?;
        let www_line = format!(
            "web scanner: {} files, {} kB, {} kB as Brotli",
            www.len(),
            www.values().map(|a| a.bytes().len()).sum::<usize>() / 1000,
            www.values().map(|a| a.transfer_size("br")).sum::<usize>() / 1000
        );
        let kids: Vec<String> = keys.key_ids().iter().map(|k| k.to_hex()).collect();
        let config = Config {
            origin: origin.clone(),
            rate_per_hour: s.rate_limit,
            idle_secs: s.idle_minutes * 60,
        };
        let demo_invite = if s.demo {
            let code = store
                .create_invite("demo-responder", "demo", app::now())
                .map_err(|e| e.to_string())?;
            Some(code)
        } else {
            None
        };
        let app = Arc::new(App::new(
            config,
            store,
            setup::webauthn(&origin)?,
            Box::new(keys),
            trust,
            revocations,
            lists,
            audit,
            www,
        ));
        println!(
            "helpcard-server listening on http://{} (origin {origin})",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        println!("responder keys: {}", kids.join(", "));
        println!("{www_line}");
        for (name, url, verdict) in &demo_cards {
            println!("demo card {name} ({verdict}): {url}");
        }
        if let Some(code) = demo_invite {
            println!("demo invite: {code}");
            println!("demo invite link: {origin}/S/#invite={code}");
        }
        println!("ready");
        axum::serve(listener, app::router(app))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
    })
}
