//! `helpcard size PROFILE... [--json]`: bytes, per-section breakdown and QR versions.

use std::path::PathBuf;

use clap::Args;
use helpcard_core::card::Validity;
use helpcard_core::date::UnixTime;
use helpcard_core::demo::DemoWorld;
use helpcard_core::qrtext;
use helpcard_qr::size::SizeReport;
use rand_core::OsRng;

use crate::fail::Fail;
use crate::issue_cmd;
use crate::lang::Lang;

#[derive(Args)]
pub struct SizeArgs {
    /// Profile files (.toml or .json).
    #[arg(required = true)]
    profiles: Vec<PathBuf>,
    /// URL prefix of the QR text.
    #[arg(long, default_value = qrtext::DEFAULT_PREFIX)]
    prefix: String,
    /// One JSON object per profile, one per line.
    #[arg(long)]
    json: bool,
}

pub fn run(a: SizeArgs, lang: Lang) -> Result<(), Fail> {
    // Sizes do not depend on which keys are used: measure with throwaway demo keys.
    let world = DemoWorld::new(0);
    let now = crate::clock::now();
    let validity = Validity {
        issued_at: now,
        expires_at: UnixTime(now.0 + 3 * 365 * 86_400),
    };
    for path in &a.profiles {
        let profile = issue_cmd::load_profile(path, now.date(), lang)?;
        let issued = world
            .issue(&profile, validity, &mut OsRng)
            .map_err(|e| Fail::general(format!("{}: {e}", path.display())))?;
        let r = SizeReport::measure(&issued, &a.prefix)
            .map_err(|e| Fail::general(format!("--prefix: {e}")))?;
        if a.json {
            let mut v = serde_json::to_value(&r).map_err(|e| Fail::general(e.to_string()))?;
            v["profile"] = serde_json::Value::from(path.display().to_string());
            println!("{v}");
        } else {
            println!("{}: {}", path.display(), issue_cmd::summary(&r, lang));
        }
    }
    Ok(())
}
