//! The kiosk's configuration file (TOML, toml.io v1.0). Every key is listed here; an unknown
//! key, a missing one, a bad value or a file that cannot be read is an error at start that
//! names the key.
//!
//! ```toml
//! kiosk_id = "musashino-center-1"        # this kiosk in audit rows
//! root = "keys/root.pub.json"            # pinned root public key (never fetched)
//!
//! # The lists: from the key service on a schedule ...
//! lists_url = "https://keys.musashino.example"   # GET {lists_url}/lists/index.json
//! refresh_minutes = 60                   # default 60
//! # allow_http_lists = true              # a lab only: lists over plain http:// (refused otherwise)
//! # ... or from files (give `trust`, and `revocations` if any, instead of `lists_url`)
//! # trust = "lists/trust.cbor"
//! # revocations = ["lists/musashino.cbor"]
//! state_dir = "/var/lib/helpcard-kiosk"  # last good lists and revocation counters
//!
//! responder_key = "keys/responder.key.json"  # optional: without it, public parts only
//! relock_minutes = 30                    # the shift locks after this long unused (default 30)
//!
//! # service = "https://keys.musashino.example"  # optional: audit rows forwarded to the key
//! #                                      # service (enrolled with `helpcard-server enroll-kiosk`)
//! forward_seconds = 60                   # how often (default 60)
//!
//! audit = "/var/lib/helpcard-kiosk/audit.sqlite"
//! device_key = "/var/lib/helpcard-kiosk/device.key"   # created if missing (signs checkpoints)
//! checkpoints = "/media/backup/helpcard-checkpoints"  # optional: exported checkpoints
//!
//! source = "camera:/dev/v4l/by-id/usb-…-video-index0"  # or camera:0, image:, dir:, y4m:PATH
//! camera_resolution = "1920x1080"        # asked of the camera; the closest is taken
//! camera_fps = 30
//! stall_seconds = 3                      # a camera with no frame this long is reopened
//!
//! thorough_per_second = 2                # the reader's slower passes, when the fast one finds
//!                                        # nothing (0: never; reads cards further away)
//! dedupe_seconds = 5                     # the same card again within this time is not re-read
//! private_seconds = 30                   # the private part clears after this (and when idle)
//! language = "ja"                        # ja, en or easy-ja (the screen can switch)
//! fullscreen = true
//! ```
//!
//! Relative paths are relative to the configuration file. `kiosk.example.toml` beside this
//! crate is a complete example (a test parses it).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use helpcard_audit::{AuditLog, CheckpointPolicy, DeviceKey};
use helpcard_core::keys::{KeyError, Role, VerifyingKey};
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_core::vocab::Lang;
use serde::Deserialize;

use crate::camera::{Camera, CameraSpec};
use crate::capture::{Opener, Watchdog};
use crate::forward::Forwarder;
use crate::lists::{self, ListSource, State};
use crate::pipeline::Shared;
use crate::scan::Scanner;
use crate::shift::{Shift, UnlockError};
use crate::source::{self, FrameSource, SourceError};
use crate::{Kiosk, Options, Refresh};

/// The file's contents.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    kiosk_id: String,
    root: PathBuf,
    lists_url: Option<String>,
    #[serde(default = "sixty")]
    refresh_minutes: u64,
    #[serde(default)]
    allow_http_lists: bool,
    trust: Option<PathBuf>,
    #[serde(default)]
    revocations: Vec<PathBuf>,
    state_dir: Option<PathBuf>,
    responder_key: Option<PathBuf>,
    #[serde(default = "thirty")]
    relock_minutes: u64,
    service: Option<String>,
    #[serde(default = "sixty")]
    forward_seconds: u64,
    audit: PathBuf,
    device_key: PathBuf,
    checkpoints: Option<PathBuf>,
    source: String,
    #[serde(default = "default_resolution")]
    camera_resolution: String,
    #[serde(default = "thirty")]
    camera_fps: u64,
    #[serde(default = "three")]
    stall_seconds: u64,
    #[serde(default = "two")]
    thorough_per_second: u64,
    #[serde(default = "five")]
    dedupe_seconds: u64,
    #[serde(default = "thirty")]
    private_seconds: u64,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "yes")]
    fullscreen: bool,
}

fn sixty() -> u64 {
    60
}
fn thirty() -> u64 {
    30
}
fn five() -> u64 {
    5
}
fn three() -> u64 {
    3
}
fn two() -> u64 {
    2
}
fn yes() -> bool {
    true
}
fn default_resolution() -> String {
    "1920x1080".into()
}
fn default_language() -> String {
    "ja".into()
}

/// How the passphrase of a configured responder key is had at start.
pub enum Unlock {
    /// Asked now (HELPCARD_PASSPHRASE, else the terminal): the headless mode.
    AtStart,
    /// On the kiosk's screen when a shift starts: the GUI.
    OnScreen,
}

impl Config {
    /// Reads and parses `path`; errors name the file and the key.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        for p in [&mut config.root, &mut config.audit, &mut config.device_key]
            .into_iter()
            .chain(config.trust.iter_mut())
            .chain(config.revocations.iter_mut())
            .chain(config.state_dir.iter_mut())
            .chain(config.responder_key.iter_mut())
            .chain(config.checkpoints.iter_mut())
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
        Ok(config)
    }

    /// The forwarder of the kiosk's audit rows to the key service, when `service` is set.
    pub fn forwarder(&self) -> Result<Option<Forwarder>, String> {
        self.service
            .as_deref()
            .map(|url| {
                Forwarder::new(
                    &self.kiosk_id,
                    url,
                    &self.audit,
                    &self.device_key,
                    self.state_dir.as_deref(),
                )
            })
            .transpose()
    }

    /// Checks every value, loads the keys and lists, and opens the audit log; the source is
    /// opened by the capture supervisor.
    pub fn setup(self, unlock: Unlock) -> Result<Kiosk, String> {
        let read = |what: &str, p: &Path| {
            std::fs::read(p).map_err(|e| format!("{what} = {}: {e}", p.display()))
        };
        let lang = Lang::from_code(&self.language)
            .ok_or_else(|| format!("language = {:?}: expected ja, en or easy-ja", self.language))?;
        let minutes = |what: &str, m: u64| {
            (1..=24 * 60)
                .contains(&m)
                .then(|| Duration::from_secs(60 * m))
                .ok_or_else(|| format!("{what} = {m}: expected 1 to 1440 minutes"))
        };
        let (refresh_every, relock_after) = (
            minutes("refresh_minutes", self.refresh_minutes)?,
            minutes("relock_minutes", self.relock_minutes)?,
        );
        let list_source = match (&self.lists_url, &self.trust) {
            // Lists are signed, but over plain HTTP anyone on the way can withhold a new one
            // (a lost card stays unrevoked here) or learn what the kiosk asks for.
            (Some(url), None)
                if url.starts_with("https://")
                    || (self.allow_http_lists && url.starts_with("http://")) =>
            {
                ListSource::Url(url.clone())
            }
            (Some(url), None) if url.starts_with("http://") => {
                return Err(format!(
                    "lists_url = {url:?}: plain http:// is refused (use https://; allow_http_lists = true is for a lab)"
                ));
            }
            (Some(url), None) => {
                return Err(format!("lists_url = {url:?}: expected an https:// URL"));
            }
            (None, Some(trust)) => ListSource::Files {
                trust: trust.clone(),
                revocations: self.revocations.clone(),
            },
            (Some(_), Some(_)) => return Err("give lists_url or trust, not both".into()),
            (None, None) => return Err("lists_url or trust is required".into()),
        };
        let thorough_every = match self.thorough_per_second {
            0 => None,
            n @ 1..=30 => Some(Duration::from_secs(1) / n as u32),
            n => return Err(format!("thorough_per_second = {n}: expected 0 to 30")),
        };
        let forward = self.forwarder()?.map(|f| {
            (
                f,
                Duration::from_secs(self.forward_seconds.clamp(5, 24 * 3600)),
            )
        });
        let camera = self.camera_spec()?;
        let opener = opener(&self.source, camera).map_err(|e| format!("source = {e}"))?;
        let state = self.state_dir.as_deref().map(State::open).transpose()?;

        let root = VerifyingKey::from_file(
            &String::from_utf8_lossy(&read("root", &self.root)?),
            Role::Root,
        )
        .map_err(|e| format!("root = {}: {e}", self.root.display()))?;
        let floors = state.as_ref().map(State::floors).transpose()?;
        let mut trust = TrustStore::new(vec![root]);
        let mut revocations = Revocations::with_floors(floors.unwrap_or_default());
        let now = crate::now();
        // The last good lists first (a kiosk may start without network), then the source's.
        if let Some(saved) = state.as_ref().and_then(State::saved_lists)
            && let Ok(fetched) = saved.fetch()
        {
            lists::apply(&mut trust, &mut revocations, &fetched, now, None);
        }
        let status = match list_source.fetch() {
            Ok(f) => lists::apply(&mut trust, &mut revocations, &f, now, state.as_ref()),
            Err(e) => lists::ListsStatus::failed(e),
        };
        if trust.list().is_none() {
            return Err(format!(
                "no trust list could be loaded: {} (信頼リストを読み込めません)",
                status.problems.join("; ")
            ));
        }

        let key_file = self
            .responder_key
            .as_deref()
            .map(|p| read("responder_key", p).map(|b| String::from_utf8_lossy(&b).into_owned()))
            .transpose()?;
        let mut shift = Shift::locked(key_file, relock_after);
        if let (Unlock::AtStart, true) = (unlock, shift.can_unlock()) {
            let named = |e: UnlockError| {
                let path = self.responder_key.as_deref().unwrap_or(Path::new(""));
                format!("responder_key = {}: {e}", path.display())
            };
            match shift.unlock(None) {
                Err(UnlockError::Key(KeyError::PassphraseRequired)) => {
                    shift.unlock(Some(&passphrase()?)).map_err(named)?;
                }
                other => other.map_err(named)?,
            }
        }

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

        let mut scanner = Scanner::new(trust, revocations, shift, self.kiosk_id, audit);
        scanner.lang = lang;
        scanner.dedupe = Duration::from_secs(self.dedupe_seconds);
        Ok(Kiosk {
            shared: Shared::new(scanner),
            opener,
            refresh: Some(Refresh {
                source: list_source,
                every: refresh_every,
                state,
            }),
            startup_lists: status,
            forward,
            options: Options {
                private_for: Duration::from_secs(self.private_seconds.clamp(5, 600)),
                fullscreen: self.fullscreen,
                watchdog: Watchdog {
                    stall: Duration::from_secs(self.stall_seconds.clamp(1, 60)),
                    ..Watchdog::default()
                },
                thorough_every,
            },
        })
    }

    fn camera_spec(&self) -> Result<CameraSpec, String> {
        let bad = || {
            format!(
                "camera_resolution = {:?}: expected WIDTHxHEIGHT, e.g. 1920x1080",
                self.camera_resolution
            )
        };
        let (w, h) = self.camera_resolution.split_once('x').ok_or_else(bad)?;
        let (width, height) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
        if !(160..=4096).contains(&width) || !(120..=4096).contains(&height) {
            return Err(bad());
        }
        let fps = u32::try_from(self.camera_fps)
            .ok()
            .filter(|f| (1..=120).contains(f))
            .ok_or_else(|| format!("camera_fps = {}: expected 1 to 120", self.camera_fps))?;
        Ok(CameraSpec {
            device: String::new(),
            width,
            height,
            fps,
        })
    }
}

/// The source's opener: `camera:DEVICE` opens the camera on every call (the watchdog reopens
/// it); a file source is checked now, and opened when the capture starts.
pub fn opener(spec: &str, camera: CameraSpec) -> Result<Opener, SourceError> {
    if let Some(device) = spec.strip_prefix("camera:") {
        let spec = CameraSpec {
            device: device.to_owned(),
            ..camera
        };
        return Ok(Arc::new(move || {
            Camera::open(&spec).map(|c| Box::new(c) as Box<dyn FrameSource>)
        }));
    }
    source::open(spec)?;
    let spec = spec.to_owned();
    Ok(Arc::new(move || source::open(&spec)))
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../kiosk.example.toml");

    fn setup_error(edit: impl Fn(String) -> String) -> String {
        let dir =
            std::env::temp_dir().join(format!("helpcard-kiosk-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kiosk.toml");
        std::fs::write(&path, edit(EXAMPLE.to_owned())).unwrap();
        match Config::load(&path).and_then(|c| c.setup(Unlock::OnScreen)) {
            Ok(_) => panic!("the example's key files do not exist here"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_example_parses_and_each_bad_value_is_named() {
        let dir = std::env::temp_dir();
        let path = dir.join(format!(
            "helpcard-kiosk-example-{}.toml",
            std::process::id()
        ));
        std::fs::write(&path, EXAMPLE).unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.kiosk_id, "musashino-center-1");
        assert!(config.lists_url.is_some() && config.trust.is_none());

        // Every value is checked before a file is touched.
        let swap = |key: &'static str, from: &'static str, to: &'static str| {
            move |s: String| {
                assert!(s.contains(from), "{key}");
                s.replace(from, to)
            }
        };
        for (key, edit) in [
            (
                "camera_resolution",
                swap("camera_resolution", "\"1920x1080\"", "\"huge\""),
            ),
            (
                "camera_fps",
                swap("camera_fps", "camera_fps = 30", "camera_fps = 0"),
            ),
            (
                "relock_minutes",
                swap(
                    "relock_minutes",
                    "relock_minutes = 30",
                    "relock_minutes = 0",
                ),
            ),
            (
                "language",
                swap("language", "language = \"ja\"", "language = \"fr\""),
            ),
            ("lists_url", swap("lists_url", "https://keys", "ftp://keys")),
            // Plain HTTP is refused unless a lab says otherwise.
            (
                "plain http://",
                swap("lists_url", "https://keys", "http://keys"),
            ),
            (
                "thorough_per_second",
                swap(
                    "thorough_per_second",
                    "thorough_per_second = 2",
                    "thorough_per_second = 99",
                ),
            ),
            (
                "source",
                swap("source", "source = \"camera:", "source = \"webcam:"),
            ),
        ] {
            let err = setup_error(edit);
            assert!(err.contains(key), "{key}: {err}");
        }
        // Then the files, each named by its key.
        let err = setup_error(|s| s.replace("/var/lib/helpcard-kiosk", "state"));
        assert!(err.starts_with("root = "), "{err}");
    }
}
