//! `helpcard-kiosk`: the camera kiosk for welfare facilities.
//!
//! This step has the scanning core: frame sources (image files, a directory, a Y4M video),
//! the pipeline (a capture thread feeding a scan worker through a bounded queue that drops
//! stale camera frames), the card view, the audit log, and the headless mode that prints one
//! JSON line per card for facility systems and tests. The USB camera (nokhwa) and the
//! full-screen GUI are the next steps; until then `--headless` is required.
//!
//! ```text
//! helpcard-kiosk --demo --headless                  built-in sample frames, demo keys
//! helpcard-kiosk --config kiosk.toml --headless     a configured kiosk (see `config.rs`)
//! helpcard-kiosk verify-audit FILE                  exit 0 intact, 2 naming the first bad row
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;

use clap::{Parser, Subcommand};
use helpcard_core::date::UnixTime;

mod config;
mod demo;
mod scan;
mod source;

use scan::Scanner;
use source::FrameSource;

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
    /// Run on built-in sample frames with demo keys: every reference card plus an expired, a
    /// revoked, a tampered, a foreign-issuer and an other-group card.
    #[arg(long)]
    demo: bool,
    /// Print one JSON line per card instead of showing the GUI.
    #[arg(long)]
    headless: bool,
    /// The configuration file (TOML).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Frames from a file instead of the configured source: image:PATH, dir:PATH or y4m:PATH.
    #[arg(long)]
    source: Option<String>,
    /// Where the demo keeps its audit log and checkpoints.
    #[arg(long, default_value = "helpcard-kiosk-demo")]
    data: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Verify an audit log: the chain, and the checkpoints in DIR if given.
    VerifyAudit {
        /// The audit database.
        file: PathBuf,
        /// Exported checkpoints to check it against.
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
}

/// The kiosk's one clock.
pub(crate) fn now() -> UnixTime {
    UnixTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

fn main() -> ExitCode {
    helpcard_qr::hide_engine_panic_messages();
    let cli = Cli::parse();
    if let Some(Command::VerifyAudit { file, checkpoints }) = cli.command {
        return verify_audit(&file, checkpoints.as_deref());
    }
    if !cli.headless {
        eprintln!(
            "helpcard-kiosk: the full-screen screen is not built yet; run with --headless \
             (画面表示はまだありません。--headless で実行してください)"
        );
        return ExitCode::from(2);
    }
    let setup = if cli.demo {
        demo::setup(&cli.data)
    } else {
        match &cli.config {
            Some(path) => config::Config::load(path).and_then(|c| c.setup()),
            None => Err("--config FILE or --demo is required".into()),
        }
    };
    let (scanner, configured_source) = match setup {
        Ok(s) => s,
        Err(e) => {
            eprintln!("helpcard-kiosk: {e}");
            return ExitCode::from(1);
        }
    };
    let source = match cli.source.as_deref().map(source::open) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            eprintln!("helpcard-kiosk: {e}");
            return ExitCode::from(1);
        }
        None => configured_source,
    };
    match run_headless(scanner, source) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("helpcard-kiosk: {e}");
            ExitCode::from(1)
        }
    }
}

/// The capture thread reads frames into a queue of two; the scan worker (this thread) takes
/// them. File sources wait for the worker (every frame counts); a live camera's frames are
/// dropped when the worker is busy, so the kiosk never lags behind the card in front of it.
fn run_headless(mut scanner: Scanner, mut source: Box<dyn FrameSource>) -> Result<(), String> {
    let (tx, rx) = mpsc::sync_channel(2);
    let live = source.live();
    let stdout = std::io::stdout();
    let line = serde_json::json!({ "event": "start", "source": source.describe() });
    let _ = writeln!(stdout.lock(), "{line}");
    let capture = std::thread::spawn(move || {
        loop {
            let frame = source.next_frame();
            let end = !matches!(frame, Ok(Some(_)));
            let sent = if live {
                !matches!(tx.try_send(frame), Err(mpsc::TrySendError::Disconnected(_)))
            } else {
                tx.send(frame).is_ok()
            };
            if end || !sent {
                return;
            }
        }
    });
    let (mut frames, mut cards) = (0u64, 0u64);
    let mut result = Ok(());
    for frame in rx {
        match frame {
            Ok(Some(f)) => {
                frames += 1;
                match scanner.scan(&f, now()) {
                    Ok(Some(event)) => {
                        cards += 1;
                        let line = serde_json::to_string(&event).unwrap_or_default();
                        let _ = writeln!(stdout.lock(), "{line}");
                    }
                    Ok(None) => {}
                    Err(e) => {
                        result = Err(e.to_string());
                        break;
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                let line = serde_json::json!({ "event": "source_error", "message": e.to_string() });
                let _ = writeln!(stdout.lock(), "{line}");
                break;
            }
        }
    }
    let _ = capture.join();
    let line = serde_json::json!({ "event": "end", "frames": frames, "cards": cards });
    let _ = writeln!(stdout.lock(), "{line}");
    result
}

fn verify_audit(file: &std::path::Path, checkpoints: Option<&std::path::Path>) -> ExitCode {
    let exported = match checkpoints.map(helpcard_audit::read_exported).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            eprintln!("helpcard-kiosk: {e}");
            return ExitCode::from(2);
        }
    };
    match helpcard_audit::verify(file, None, &exported) {
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
