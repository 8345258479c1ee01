//! The kiosk's configuration file (TOML). Every key is listed here; an unknown key, a missing
//! one or a file that cannot be read is an error at start that names it.
//!
//! ```toml
//! kiosk_id = "musashino-center-1"        # this kiosk in audit rows
//! root = "keys/root.pub.json"            # pinned root public key
//! trust = "lists/trust.cbor"             # signed trust list
//! revocations = ["lists/musashino.cbor"] # signed revocation lists (optional)
//! responder_key = "keys/responder.key.json"  # optional: unlocked at start (HELPCARD_PASSPHRASE
//!                                        # or asked); without it the kiosk shows public parts only
//! audit = "/var/lib/helpcard-kiosk/audit.sqlite"
//! device_key = "/var/lib/helpcard-kiosk/device.key"   # created if missing (signs checkpoints)
//! checkpoints = "/media/backup/helpcard-checkpoints"  # optional: exported checkpoints
//! source = "y4m:/path/to/video.y4m"      # image:PATH, dir:PATH or y4m:PATH (camera: next step)
//! dedupe_seconds = 5                     # the same card again within this time is not re-read
//! language = "ja"                        # ja, en or easy-ja
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use helpcard_audit::{AuditLog, CheckpointPolicy, DeviceKey};
use helpcard_core::card::ResponderKeys;
use helpcard_core::keys::{KeyError, ResponderKey, Role, VerifyingKey};
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_core::vocab::Lang;
use serde::Deserialize;

use crate::scan::Scanner;
use crate::source::{self, FrameSource};

fn default_dedupe() -> u64 {
    5
}

fn default_language() -> String {
    "ja".into()
}

/// The file's contents.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    kiosk_id: String,
    root: PathBuf,
    trust: PathBuf,
    #[serde(default)]
    revocations: Vec<PathBuf>,
    responder_key: Option<PathBuf>,
    audit: PathBuf,
    device_key: PathBuf,
    checkpoints: Option<PathBuf>,
    source: String,
    #[serde(default = "default_dedupe")]
    dedupe_seconds: u64,
    #[serde(default = "default_language")]
    language: String,
}

impl Config {
    /// Reads and parses `path`; errors name the file and the key.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
        // Relative paths are relative to the configuration file.
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [
            &mut config.root,
            &mut config.trust,
            &mut config.audit,
            &mut config.device_key,
        ]
        .into_iter()
        .chain(config.revocations.iter_mut())
        .chain(config.responder_key.iter_mut())
        .chain(config.checkpoints.iter_mut())
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(config)
    }

    /// Loads the keys and lists and opens the audit log and the source.
    pub fn setup(self) -> Result<(Scanner, Box<dyn FrameSource>), String> {
        let key_err = |what: &str, p: &Path, e: KeyError| format!("{what} = {}: {e}", p.display());
        let read = |what: &str, p: &Path| {
            std::fs::read(p).map_err(|e| format!("{what} = {}: {e}", p.display()))
        };
        let lang = match self.language.as_str() {
            "ja" => Lang::Ja,
            "en" => Lang::En,
            "easy-ja" => Lang::EasyJa,
            other => return Err(format!("language = {other:?}: expected ja, en or easy-ja")),
        };
        let now = crate::now();
        let root = VerifyingKey::from_file(
            &String::from_utf8_lossy(&read("root", &self.root)?),
            Role::Root,
        )
        .map_err(|e| key_err("root", &self.root, e))?;
        let mut trust = TrustStore::new(vec![root]);
        trust
            .load(&read("trust", &self.trust)?, now)
            .map_err(|e| format!("trust = {}: {e}", self.trust.display()))?;
        let mut revocations = Revocations::new();
        for p in &self.revocations {
            revocations
                .load(&read("revocations", p)?, &trust, now)
                .map_err(|e| format!("revocations = {}: {e}", p.display()))?;
        }
        let keys = match &self.responder_key {
            None => None,
            Some(p) => {
                let text = String::from_utf8_lossy(&read("responder_key", p)?).into_owned();
                let key = match ResponderKey::from_file(&text, None) {
                    Err(KeyError::PassphraseRequired) => {
                        let pass = passphrase()?;
                        ResponderKey::from_file(&text, Some(&pass))
                    }
                    other => other,
                }
                .map_err(|e| key_err("responder_key", p, e))?;
                Some(ResponderKeys::new(vec![key]))
            }
        };
        let device = DeviceKey::load_or_create(&self.device_key)
            .map_err(|e| format!("device_key = {}: {e}", self.device_key.display()))?;
        let audit = AuditLog::open(
            &self.audit,
            device,
            CheckpointPolicy {
                export_dir: self.checkpoints.clone(),
                ..CheckpointPolicy::default()
            },
        )
        .map_err(|e| format!("audit = {}: {e}", self.audit.display()))?;
        let source = source::open(&self.source).map_err(|e| format!("source = {e}"))?;
        let mut scanner = Scanner::new(trust, revocations, keys, self.kiosk_id, audit);
        scanner.lang = lang;
        scanner.dedupe = Duration::from_secs(self.dedupe_seconds);
        Ok((scanner, source))
    }
}

/// The shift's passphrase: HELPCARD_PASSPHRASE, else asked on the terminal.
fn passphrase() -> Result<zeroize::Zeroizing<String>, String> {
    if let Ok(p) = std::env::var("HELPCARD_PASSPHRASE") {
        return Ok(zeroize::Zeroizing::new(p));
    }
    rpassword::prompt_password("responder key passphrase (shift unlock): ")
        .map(zeroize::Zeroizing::new)
        .map_err(|e| format!("responder_key: no passphrase ({e})"))
}
