//! Trust and revocation lists: from files or from the key service's `/lists/` on a schedule.
//!
//! Each list is checked in full ([`TrustStore::load`], [`Revocations::load`]: signature,
//! expiry, never older than the one held); a list that fails is reported and the last good one
//! kept. Every list accepted is also written to the kiosk's state directory, with the highest
//! revocation counter per issuer, so that a restart without network starts from the last good
//! lists and a replayed old list is still refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use helpcard_core::date::UnixTime;
use helpcard_core::trust::{RevocationFloor, Revocations, TrustStore};

use crate::pipeline::Shared;
use crate::scan::Scanner;

/// A list body larger than this is refused (today's lists are a few KB).
const MAX_LIST_BYTES: u64 = 1 << 20;

/// Where the lists come from.
#[derive(Clone, Debug)]
pub enum ListSource {
    /// Local files (copied by hand or by the facility's own tools).
    Files {
        /// The trust list.
        trust: PathBuf,
        /// The revocation lists.
        revocations: Vec<PathBuf>,
    },
    /// The key service: `{url}/lists/index.json` names the trust list and revocation lists.
    Url(String),
}

/// The lists' bytes as fetched, before checking.
pub struct Fetched {
    trust: (String, Vec<u8>),
    revocations: Vec<(String, Vec<u8>)>,
}

/// The outcome of one refresh, for the screen and the JSON events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListsStatus {
    /// What was refused or could not be fetched (the last good list is kept for each).
    pub problems: Vec<String>,
}

impl ListsStatus {
    /// Every list fetched was accepted.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Nothing could be fetched.
    pub fn failed(problem: String) -> ListsStatus {
        ListsStatus {
            problems: vec![problem],
        }
    }
}

impl ListSource {
    /// Reads or downloads every list.
    pub fn fetch(&self) -> Result<Fetched, String> {
        match self {
            ListSource::Files { trust, revocations } => Ok(Fetched {
                trust: read_file(trust)?,
                revocations: revocations
                    .iter()
                    .map(|p| read_file(p))
                    .collect::<Result<_, _>>()?,
            }),
            ListSource::Url(base) => fetch_url(base.trim_end_matches('/')),
        }
    }
}

fn read_file(path: &Path) -> Result<(String, Vec<u8>), String> {
    std::fs::read(path)
        .map(|b| (path.display().to_string(), b))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn fetch_url(base: &str) -> Result<Fetched, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let get = |path: &str| -> Result<(String, Vec<u8>), String> {
        let url = format!("{base}{path}");
        let mut response = agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_LIST_BYTES)
            .read_to_vec()
            .map_err(|e| format!("{url}: {e}"))?;
        Ok((url, body))
    };
    #[derive(serde::Deserialize)]
    struct Index {
        trust: String,
        revocations: Vec<String>,
    }
    let (url, index) = get("/lists/index.json")?;
    let index: Index = serde_json::from_slice(&index).map_err(|e| format!("{url}: {e}"))?;
    let local = |p: &str| p.starts_with("/lists/") && !p.contains("..");
    if !local(&index.trust) || !index.revocations.iter().all(|p| local(p)) {
        return Err(format!("{url}: names a list outside /lists/"));
    }
    Ok(Fetched {
        trust: get(&index.trust)?,
        revocations: index
            .revocations
            .iter()
            .map(|p| get(p))
            .collect::<Result<_, _>>()?,
    })
}

/// Checks the fetched lists into the kiosk's, keeping the last good list wherever one is
/// refused, and saves what was accepted to `state` (if given).
pub fn apply(
    trust: &mut TrustStore,
    revocations: &mut Revocations,
    fetched: &Fetched,
    now: UnixTime,
    state: Option<&State>,
) -> ListsStatus {
    let mut problems = Vec::new();
    let (name, bytes) = &fetched.trust;
    match trust.load(bytes, now) {
        Ok(()) => save(state, "trust.cbor", bytes, &mut problems),
        Err(e) => problems.push(format!("{name}: {e} ({})", e.code())),
    }
    for (name, bytes) in &fetched.revocations {
        match revocations.load(bytes, trust, now) {
            Ok(list) => {
                let issuer: String = list
                    .issuer
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                save(
                    state,
                    &format!("revocations-{issuer}.cbor"),
                    bytes,
                    &mut problems,
                );
            }
            Err(e) => problems.push(format!("{name}: {e} ({})", e.code())),
        }
    }
    if let Some(state) = state
        && let Err(e) = state.save_floors(revocations.floors())
    {
        problems.push(e);
    }
    ListsStatus { problems }
}

/// Refreshes the lists every `every` on a thread of its own: fetching without holding the
/// scanner, then checking them in between two frames. `report` hears each outcome; the thread
/// ends when it returns false.
pub fn refresh_every(
    shared: Arc<Shared>,
    source: ListSource,
    every: Duration,
    state: Option<State>,
    mut report: impl FnMut(ListsStatus) -> bool + Send + 'static,
) {
    let run = move || {
        loop {
            std::thread::sleep(every);
            let status = match source.fetch() {
                Ok(fetched) => {
                    let mut scanner = shared.scanner();
                    let Scanner {
                        trust, revocations, ..
                    } = &mut *scanner;
                    apply(trust, revocations, &fetched, crate::now(), state.as_ref())
                }
                Err(e) => ListsStatus::failed(e),
            };
            if !report(status) {
                return;
            }
        }
    };
    if let Err(e) = std::thread::Builder::new()
        .name("list refresh".into())
        .spawn(run)
    {
        eprintln!("helpcard-kiosk: cannot start the list refresh: {e}");
    }
}

fn save(state: Option<&State>, file: &str, bytes: &[u8], problems: &mut Vec<String>) {
    if let Some(state) = state
        && let Err(e) = state.write(file, bytes)
    {
        problems.push(e);
    }
}

/// The kiosk's state directory: the last good lists and the revocation floors.
#[derive(Clone, Debug)]
pub struct State {
    dir: PathBuf,
}

const FLOORS: &str = "revocation-floors.json";

impl State {
    /// The state in `dir` (created if missing; owner-only).
    pub fn open(dir: &Path) -> Result<State, String> {
        let failed = |e: std::io::Error| format!("{}: {e}", dir.display());
        std::fs::create_dir_all(dir).map_err(failed)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(failed)?;
        }
        Ok(State {
            dir: dir.to_path_buf(),
        })
    }

    /// The floors saved by the last run (none on a first start).
    pub fn floors(&self) -> Result<HashMap<String, RevocationFloor>, String> {
        let path = self.dir.join(FLOORS);
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HashMap::new()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    fn save_floors(&self, floors: &HashMap<String, RevocationFloor>) -> Result<(), String> {
        let json = serde_json::to_vec_pretty(floors).map_err(|e| e.to_string())?;
        self.write(FLOORS, &json)
    }

    /// The lists saved by the last run, as a file source (none on a first start).
    pub fn saved_lists(&self) -> Option<ListSource> {
        let trust = self.dir.join("trust.cbor");
        if !trust.exists() {
            return None;
        }
        let mut revocations: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("revocations-") && n.ends_with(".cbor"))
            })
            .collect();
        revocations.sort();
        Some(ListSource::Files { trust, revocations })
    }

    /// Writes `file` whole: a temporary file renamed over the old one, so a power cut leaves
    /// the old or the new, never half.
    fn write(&self, file: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.dir.join(file);
        let tmp = self.dir.join(format!(".{file}.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&tmp)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
#[path = "lists_tests.rs"]
mod tests;
