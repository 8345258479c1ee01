//! Start-up: the data directory, the audit log, the web scanner's files, the WebAuthn relying
//! party, and the demo world.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use helpcard_audit::{AuditLog, CheckpointPolicy, DeviceKey};
use helpcard_core::date::UnixTime;
use helpcard_core::demo::DemoSet;
use helpcard_core::qrtext;
use helpcard_core::trust::{Revocations, TrustStore};
use rand_core::OsRng;
use webauthn_rs::prelude::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::app::Lists;
use crate::assets::Asset;
use crate::keys::FileKeys;

/// Where the service keeps its state.
#[derive(Clone, Debug)]
pub struct DataDir(pub PathBuf);

impl DataDir {
    /// People, invites, passkeys, sessions.
    pub fn people(&self) -> PathBuf {
        self.0.join("people.sqlite")
    }
    /// The audit log.
    pub fn audit(&self) -> PathBuf {
        self.0.join("audit.sqlite")
    }
    /// The audit log's device key (signs checkpoints).
    pub fn device_key(&self) -> PathBuf {
        self.0.join("audit-device.key")
    }
    /// Where checkpoints are exported (back this up off the machine).
    pub fn checkpoints(&self) -> PathBuf {
        self.0.join("checkpoints")
    }

    /// Creates the directory (owner-only on Unix).
    pub fn create(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.0)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }

    /// The audit log, checkpointed every 100 events or hour into [`DataDir::checkpoints`].
    pub fn open_audit(&self) -> Result<AuditLog, String> {
        let key = DeviceKey::load_or_create(&self.device_key()).map_err(|e| e.to_string())?;
        AuditLog::open(
            &self.audit(),
            key,
            CheckpointPolicy {
                every_events: 100,
                every_secs: 3600,
                export_dir: Some(self.checkpoints()),
            },
        )
        .map_err(|e| format!("{}: {e}", self.audit().display()))
    }
}

/// The WebAuthn relying party for `origin` (its host is the relying-party id).
pub fn webauthn(origin: &str) -> Result<Webauthn, String> {
    let url = Url::parse(origin).map_err(|e| format!("--origin {origin}: {e}"))?;
    let rp_id = url
        .host_str()
        .ok_or_else(|| format!("--origin {origin}: no host"))?
        .to_owned();
    WebauthnBuilder::new(&rp_id, &url)
        .and_then(|b| b.rp_name("helpcard").build())
        .map_err(|e| format!("--origin {origin}: {e}"))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json" | "webmanifest") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The web scanner's files under `dir`, by path relative to it; a placeholder page when the
/// directory is missing (the scanner is built by `helpcard-wasm/build.sh`).
pub fn load_www(dir: Option<&Path>) -> Result<HashMap<String, Asset>, String> {
    let mut out = HashMap::new();
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        out.insert(
            "index.html".to_owned(),
            Asset::new(
                include_bytes!("placeholder.html").to_vec(),
                "text/html; charset=utf-8",
            ),
        );
        return Ok(out);
    };
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let key = rel.to_string_lossy().replace('\\', "/");
                out.insert(key, Asset::new(bytes, content_type(&path)));
            }
        }
    }
    Ok(out)
}

/// What `--demo` starts with.
pub struct Demo {
    /// The trust store (demo root pinned).
    pub trust: TrustStore,
    /// The demo issuer's revocation list, loaded.
    pub revocations: Revocations,
    /// The lists to publish.
    pub lists: Lists,
    /// The demo responder key.
    pub keys: FileKeys,
    /// (name, URL with the card in its fragment, the verdict a scanner gives it).
    pub cards: Vec<(String, String, &'static str)>,
}

/// A fresh demo world at `now`: keys, lists and cards whose URLs point at `origin`'s scanner.
/// Also writes `demo-cards.json` and the demo root public key into `data`.
pub fn demo(data: &DataDir, origin: &str) -> Result<Demo, String> {
    let now = UnixTime(crate::app::now());
    let set = DemoSet::new(now, &mut OsRng).map_err(|e| e.to_string())?;
    let (trust, revocations) = set.lists(now).map_err(|e| e.to_string())?;
    // Upper case so the QR encoder can use its compact alphanumeric mode for the prefix.
    let prefix = format!("{}/S/", origin.to_ascii_uppercase());
    let mut cards = Vec::new();
    for c in &set.cards {
        let url = qrtext::encode(&prefix, &c.bytes).map_err(|e| e.to_string())?;
        cards.push((c.name.clone(), url, c.verdict));
    }
    let listing: Vec<_> = cards
        .iter()
        .zip(&set.cards)
        .map(|((name, url, verdict), c)| {
            serde_json::json!({ "name": name, "url": url, "verdict": verdict, "opens": c.opens })
        })
        .collect();
    let write = |name: &str, bytes: &[u8]| {
        let path = data.0.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(
        "demo-cards.json",
        serde_json::to_string_pretty(&listing)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    write(
        "demo-root.public.json",
        set.world
            .root
            .verifying_key()
            .to_file(helpcard_core::keys::Role::Root)
            .as_bytes(),
    )?;
    let lists = Lists {
        root: set
            .world
            .root
            .verifying_key()
            .to_file(helpcard_core::keys::Role::Root),
        trust: set.world.trust_list_bytes.clone(),
        revocations: HashMap::from([("musashino".to_owned(), set.revocation_list.clone())]),
    };
    let keys = FileKeys::new(vec![set.world.responder]);
    Ok(Demo {
        trust,
        revocations,
        lists,
        keys,
        cards,
    })
}
