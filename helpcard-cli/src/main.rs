//! `helpcard`: the issuing office's tool. This first version runs the end-to-end demo; keys,
//! issuing, printing, the registry and revocation commands follow (issue #5).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod demo;
mod qr_read;
mod render;

/// Help-card issuing tool (ヘルプカード発行ツール).
#[derive(Parser)]
#[command(name = "helpcard", version, about)]
struct Cli {
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
        /// Language of the output.
        #[arg(long, value_enum, default_value_t = Lang::Ja)]
        lang: Lang,
    },
    /// QR symbol tools.
    #[command(subcommand)]
    Qr(QrCommand),
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
}

/// Output language.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Lang {
    /// 日本語
    Ja,
    /// English
    En,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo { dir, lang } => demo::run(&dir, lang),
        Command::Qr(QrCommand::Read { images }) => qr_read::run(&images),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("helpcard: {message}");
            ExitCode::FAILURE
        }
    }
}
