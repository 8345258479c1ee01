//! `helpcard`: the issuing office's tool. Keys, trust lists, issuing cards (PNG/SVG/QR text)
//! with a size report, a registry of issued cards, revocation and publishing, opening cards,
//! and an end-to-end demo.
//!
//! Exit codes: 0 success; 1 usage, file or other error; 2 a card was rejected (`open`);
//! 3 a profile is invalid or too large; 4 a key could not be unlocked (wrong passphrase).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::lang::Lang;
use crate::registry_cmd::RegistryArg;

mod batch;
mod clock;
mod demo;
mod fail;
mod issue_cmd;
mod keys_cmd;
mod lang;
mod open_cmd;
mod qr_read;
mod registry_cmd;
mod render;
mod size_cmd;
mod trust_cmd;
mod vocab_cmd;

pub use fail::Fail;

/// Help-card issuing tool (ヘルプカード発行ツール).
#[derive(Parser)]
#[command(name = "helpcard", version, about, long_about = None)]
struct Cli {
    /// Language of messages and output (ja: 日本語, en: English).
    #[arg(long, global = true, value_enum, default_value_t = Lang::Ja, env = "HELPCARD_LANG")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// End-to-end demo on the built-in reference profiles: makes demo keys and a trust list,
    /// issues a card per profile, decodes each QR text, and shows what a passer-by and a
    /// responder see. Writes keys, the trust list and the QR texts to DIR.
    Demo {
        /// Output directory (created if missing).
        #[arg(default_value = "helpcard-demo")]
        dir: PathBuf,
    },
    /// Create and inspect keys.
    #[command(subcommand)]
    Keys(keys_cmd::KeysCommand),
    /// Build and sign a trust list from a TOML description (root key).
    #[command(subcommand)]
    Trust(trust_cmd::TrustCommand),
    /// Issue a card from a profile file (TOML or JSON).
    Issue(issue_cmd::IssueArgs),
    /// Issue a new card for a holder and revoke the old one as "replaced" (one transaction).
    Reissue {
        /// The card id being replaced.
        old_card_id: String,
        #[command(flatten)]
        args: issue_cmd::IssueArgs,
    },
    /// Issue many cards from a CSV file or a directory of profiles, with a progress bar and a
    /// per-row error report; failed rows get no card and are not registered.
    Batch(batch::BatchArgs),
    /// Verify a card from an image or QR text and show it.
    Open(open_cmd::OpenArgs),
    /// Card sizes (bytes, per-section breakdown, QR versions) for profile files.
    Size(size_cmd::SizeArgs),
    /// List cards in the registry.
    List {
        /// Only this holder's cards.
        #[arg(long)]
        holder: Option<String>,
        #[command(flatten)]
        registry: RegistryArg,
    },
    /// Show one card's registry entry.
    Show {
        /// Card id (16 hex digits).
        card_id: String,
        #[command(flatten)]
        registry: RegistryArg,
    },
    /// Mark a card revoked in the registry (then `publish`).
    Revoke {
        /// Card id (16 hex digits, printed on the card).
        card_id: String,
        /// Why (lost, replaced, ...).
        #[arg(long, default_value = "lost")]
        reason: String,
        #[command(flatten)]
        registry: RegistryArg,
    },
    /// Pause responders' access to a card's private part at the holder's wish, without
    /// reprinting (then `publish`); `--resume` lifts it.
    Pause {
        /// Card id (16 hex digits, printed on the card).
        card_id: String,
        /// Resume access instead.
        #[arg(long)]
        resume: bool,
        #[command(flatten)]
        registry: RegistryArg,
    },
    /// Write a signed revocation list of the registry's revoked and paused cards (issuer key).
    Publish(registry_cmd::PublishArgs),
    /// QR symbol tools.
    #[command(subcommand)]
    Qr(QrCommand),
    /// List the coded vocabulary (category, code, key, and labels in ja / en / やさしい日本語).
    Vocab(vocab_cmd::VocabArgs),
}

#[derive(Subcommand)]
enum QrCommand {
    /// Reads every QR code in each image (PNG or JPEG). Prints one line per code:
    /// PATH<TAB>TEXT, with \\, \t, \r and \n escaped; PATH<TAB>- when nothing is found.
    /// Exits 0 unless an image cannot be loaded (then 1, after reading the others).
    Read {
        /// Image files.
        #[arg(required = true)]
        images: Vec<PathBuf>,
    },
    /// Writes the QR code of a card's QR text (PREFIX.txt, or a card URL) as a PNG, chosen as
    /// `issue` chooses it: to print a card's code again, or to make test frames.
    Write {
        /// The QR text.
        text: String,
        /// The PNG file.
        #[arg(long)]
        out: PathBuf,
        /// Pixels per module.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=32))]
        pixels_per_module: u64,
    },
}

fn main() -> ExitCode {
    helpcard_qr::hide_engine_panic_messages();
    let cli = Cli::parse();
    let lang = cli.lang;
    let result = match cli.command {
        Command::Demo { dir } => demo::run(&dir, lang).map_err(Fail::general),
        Command::Keys(c) => keys_cmd::run(c, lang),
        Command::Trust(c) => trust_cmd::run(c, lang),
        Command::Issue(a) => issue_cmd::run(a, lang),
        Command::Reissue {
            old_card_id,
            mut args,
        } => {
            args.replaces = Some(old_card_id);
            issue_cmd::run(args, lang)
        }
        Command::Batch(a) => batch::run(a, lang),
        Command::Open(a) => open_cmd::run(a, lang),
        Command::Size(a) => size_cmd::run(a, lang),
        Command::List { holder, registry } => {
            registry_cmd::list(&registry, holder.as_deref(), lang)
        }
        Command::Show { card_id, registry } => registry_cmd::show(&registry, &card_id, lang),
        Command::Revoke {
            card_id,
            reason,
            registry,
        } => registry_cmd::revoke(&registry, &card_id, &reason, lang),
        Command::Pause {
            card_id,
            resume,
            registry,
        } => registry_cmd::pause(&registry, &card_id, !resume, lang),
        Command::Publish(a) => registry_cmd::publish(a, lang),
        Command::Qr(QrCommand::Read { images }) => qr_read::run(&images).map_err(Fail::general),
        Command::Qr(QrCommand::Write {
            text,
            out,
            pixels_per_module,
        }) => qr_read::write(&text, &out, pixels_per_module as usize).map_err(Fail::general),
        Command::Vocab(a) => vocab_cmd::run(a, lang),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fail) => {
            eprintln!("helpcard: {}", fail.message);
            ExitCode::from(fail.code)
        }
    }
}
