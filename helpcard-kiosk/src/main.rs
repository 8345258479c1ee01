//! `helpcard-kiosk`: the camera kiosk for welfare facilities (a thin room over the library).
//!
//! ```text
//! helpcard-kiosk --demo                             the screen, on built-in sample cards
//! helpcard-kiosk --demo --headless                  the same as JSON lines, then exits
//! helpcard-kiosk --config kiosk.toml                a configured kiosk (see `config.rs`)
//! helpcard-kiosk --config kiosk.toml --headless     one JSON line per event
//! helpcard-kiosk verify-audit FILE --checkpoint-key K   exit 0 intact, 2 naming the first bad row
//! helpcard-kiosk audit-key DEVICE_KEY_FILE          the key to record for verify-audit
//! helpcard-kiosk forward --config kiosk.toml        send the audit rows the key service lacks
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use helpcard_core::reason::Given;
use helpcard_kiosk::config::{self, Config, Unlock};
use helpcard_kiosk::demo::{self, Pace};
use helpcard_kiosk::{Kiosk, camera, gui, headless};

/// Help-card kiosk (ヘルプカード 読み取り端末).
#[derive(Parser)]
#[command(
    name = "helpcard-kiosk",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Run on built-in sample cards with demo keys: every reference card plus an expired, a
    /// revoked, a tampered, a foreign-issuer and an other-group card.
    #[arg(long)]
    demo: bool,
    /// Print one JSON line per event instead of showing the screen.
    #[arg(long)]
    headless: bool,
    /// The configuration file (TOML).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Frames from elsewhere than the configured source: camera:DEVICE, image:PATH, dir:PATH
    /// or y4m:PATH.
    #[arg(long)]
    source: Option<String>,
    /// Where the demo keeps its audit log and checkpoints.
    #[arg(long, default_value = "helpcard-kiosk-demo")]
    data: PathBuf,
    /// A window instead of full screen.
    #[arg(long)]
    windowed: bool,
    /// The first language: ja, en or easy-ja (the screen can switch).
    #[arg(long)]
    lang: Option<String>,
    /// Headless: record each card whose private part is decrypted as opened for this reason
    /// (emergency_transport, welfare_check, facility_support, or other with --reason-text):
    /// for a facility system that shows it.
    #[arg(long, requires = "headless")]
    reason: Option<String>,
    /// The words of reason "other".
    #[arg(long, default_value = "")]
    reason_text: String,
    /// Save a PNG of the first result screen, then close.
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Verify an audit log: the chain, and the checkpoints in DIR if given, against the
    /// checkpoint key recorded when the kiosk was set up.
    VerifyAudit {
        /// The audit database.
        file: PathBuf,
        /// The checkpoint public key (64 hex digits, as `audit-key` printed it at setup).
        #[arg(long)]
        checkpoint_key: String,
        /// Exported checkpoints to check it against.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Send the audit rows the key service does not hold yet (`service` in the configuration),
    /// then exit: 0 when all are there.
    Forward {
        /// The configuration file (TOML).
        #[arg(long)]
        config: PathBuf,
    },
    /// Print the public key of a device key file, to record off the kiosk at setup (never
    /// creates a key).
    AuditKey {
        /// The device key file (`device_key` in the configuration).
        device_key: PathBuf,
    },
}

fn main() -> ExitCode {
    helpcard_qr::hide_engine_panic_messages();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::VerifyAudit {
            file,
            checkpoint_key,
            checkpoints,
        }) => return verify_audit(&file, &checkpoint_key, checkpoints.as_deref()),
        Some(Command::AuditKey { device_key }) => {
            return match helpcard_audit::DeviceKey::load(&device_key) {
                Ok(k) => {
                    println!("{}", hex::encode(k.public()));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("helpcard-kiosk: {e}");
                    ExitCode::from(1)
                }
            };
        }
        Some(Command::Forward { config }) => {
            let round = Config::load(&config).and_then(|c| {
                c.forwarder()?
                    .ok_or_else(|| format!("{}: no service to forward to", config.display()))?
                    .round()
            });
            return match round {
                Ok(done) => {
                    println!(
                        "forwarded {} rows; the service holds rows 1 to {}",
                        done.sent, done.through
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("helpcard-kiosk: {e}");
                    ExitCode::from(1)
                }
            };
        }
        None => {}
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("helpcard-kiosk: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let lang = match cli.lang.as_deref() {
        None => helpcard_core::vocab::Lang::Ja,
        Some(l) => helpcard_core::vocab::Lang::from_code(l)
            .ok_or_else(|| format!("--lang {l}: expected ja, en or easy-ja"))?,
    };
    let mut kiosk: Kiosk = if cli.demo {
        let pace = if cli.headless {
            Pace::Once
        } else {
            Pace::Camera { seconds: 8 }
        };
        demo::setup(&cli.data, pace)?
    } else {
        let path = cli.config.ok_or("--config FILE or --demo is required")?;
        let unlock = if cli.headless {
            Unlock::AtStart
        } else {
            Unlock::OnScreen
        };
        Config::load(&path).and_then(|c| c.setup(unlock))?
    };
    if let Some(spec) = &cli.source {
        kiosk.opener = config::opener(spec, camera::CameraSpec::default())
            .map_err(|e| format!("--source {e}"))?;
    }
    if cli.windowed {
        kiosk.options.fullscreen = false;
    }
    if cli.headless {
        let reason = cli
            .reason
            .as_deref()
            .map(|code| Given::parse(code, &cli.reason_text))
            .transpose()
            .map_err(|e| format!("--reason: {e}"))?;
        return headless::run(kiosk, reason);
    }
    gui::run(
        kiosk,
        gui::WindowOptions {
            lang,
            screenshot: cli.screenshot,
        },
    )
}

fn verify_audit(
    file: &std::path::Path,
    key: &str,
    checkpoints: Option<&std::path::Path>,
) -> ExitCode {
    let Some(key) = hex::decode(key.trim())
        .ok()
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
    else {
        eprintln!("helpcard-kiosk: --checkpoint-key {key}: not 64 hex digits");
        return ExitCode::from(1);
    };
    let exported = match checkpoints.map(helpcard_audit::read_exported).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            eprintln!("helpcard-kiosk: {e}");
            return ExitCode::from(2);
        }
    };
    match helpcard_audit::verify(file, &key, &exported) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("helpcard-kiosk: {}: audit log damaged: {e}", file.display());
            ExitCode::from(2)
        }
    }
}
