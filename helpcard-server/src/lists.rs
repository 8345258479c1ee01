//! The lists the service enforces and publishes, read from files while it runs.
//!
//! The key service is the one place every web opening passes through, so it fails closed. It
//! holds the trust list and one revocation list per issuer, reads their files again on a
//! schedule and on `SIGHUP`, and checks each as a scanner does (signature, signer on the trust
//! list, not expired, never older than the list held or remembered from an earlier run). What
//! it accepted is what it enforces and what it serves at `/lists/`; a file that fails leaves
//! the last good list in force and is reported (`/healthz`, standard error). A card whose
//! issuer has no current revocation list here, or whose trust list is past its next update, is
//! refused its content key ([`Freshness`]).
//!
//! Operating model: the office publishes a list (`helpcard publish --out …`) into the place the
//! service reads (`--revocations DIR`); within `--lists-reload-secs` (or at once after
//! `kill -HUP`) the service accepts it, enforces it and serves it to scanners.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use helpcard_core::card::{Opened, RevocationStatus, Warning};
use helpcard_core::date::UnixTime;
use helpcard_core::keys::VerifyingKey;
use helpcard_core::trust::{
    ListError, RevocationFloor, RevocationList, Revocations, TrustList, TrustStore,
};
use serde::{Deserialize, Serialize};

/// A list within this many seconds of its next update is reported (a day).
pub const DUE_SOON: u64 = 86_400;

/// Where the lists come from.
#[derive(Clone, Debug)]
pub struct ListFiles {
    /// The pinned root key (its key file's text is served to scanners as it is).
    pub root: VerifyingKey,
    /// The root key file's text.
    pub root_file: String,
    /// The signed trust list.
    pub trust: PathBuf,
    /// Signed revocation lists: files, or directories whose `*.cbor` files are read.
    pub revocations: Vec<PathBuf>,
    /// What the service remembers across restarts (the highest sequence and counters seen):
    /// a file in the data directory.
    pub state: PathBuf,
}

/// The floors remembered across restarts, so that an older list put back while the service
/// was stopped is still refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Remembered {
    trust_sequence: u64,
    revocations: HashMap<String, RevocationFloor>,
}

/// The lists held at one moment: checked, and the bytes that were checked.
#[derive(Debug)]
pub struct Held {
    /// The pinned root and the trust list.
    pub trust: TrustStore,
    /// One revocation list per issuer (and the remembered floors).
    pub revocations: Revocations,
    /// The root key file scanners pin.
    pub root_file: String,
    /// The trust list as accepted.
    pub trust_bytes: Vec<u8>,
    /// Each issuer's revocation list as accepted.
    pub revocation_bytes: BTreeMap<String, Vec<u8>>,
    /// What the last reading refused or could not read.
    pub problems: Vec<String>,
}

/// Whether the lists held are current enough to give out a card's content key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// The issuer's revocation list and the trust list are current.
    Current,
    /// No revocation list is held for the card's issuer (and the issuer is on the trust list).
    NoList,
    /// The trust list or the issuer's revocation list is past its next update.
    OutOfDate,
}

impl Freshness {
    /// How current the lists were when `opened` was checked against them.
    pub fn of(opened: &Opened) -> Freshness {
        if matches!(
            opened.revocation,
            RevocationStatus::NoListForIssuer | RevocationStatus::NotChecked
        ) {
            return Freshness::NoList;
        }
        if opened.warnings.iter().any(|w| {
            matches!(
                w,
                Warning::TrustListOutOfDate { .. } | Warning::RevocationListOutOfDate { .. }
            )
        }) {
            return Freshness::OutOfDate;
        }
        Freshness::Current
    }
}

/// Revocation lists published through the desk and kept in the shared database (see
/// [`Lists::open`]): the latest per issuer, as signed.
pub type Published = Box<dyn Fn() -> Result<Vec<Vec<u8>>, String> + Send + Sync>;

/// The service's lists, replaced whole on every reading that changes them.
pub struct Lists {
    files: ListFiles,
    published: Option<Published>,
    held: RwLock<Arc<Held>>,
}

impl Lists {
    /// Reads the lists for the first time; an error when no trust list can be accepted (the
    /// service cannot check any card without one). With `published` (instances sharing a
    /// PostgreSQL database), every reading also takes the revocation lists the desk published
    /// there, so a list published through one instance reaches the others within
    /// `--lists-reload-secs` though their files have not changed.
    pub fn open(files: ListFiles, published: Option<Published>, now: u64) -> Result<Lists, String> {
        let remembered = read_state(&files.state)?;
        let extra = fetch(published.as_ref());
        let held = read(&files, None, &remembered, now, &extra);
        if held.trust.list().is_none() {
            return Err(format!(
                "no trust list could be accepted: {}",
                held.problems.join("; ")
            ));
        }
        save_state(&files.state, &held)?;
        Ok(Lists {
            files,
            published,
            held: RwLock::new(Arc::new(held)),
        })
    }

    /// The lists held now (a snapshot: a reload does not change it under the caller).
    pub fn held(&self) -> Arc<Held> {
        self.held.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reads every file again and holds what is accepted; returns the problems (empty when
    /// every file was accepted or was the list already held).
    pub fn reload(&self, now: u64) -> Vec<String> {
        let previous = self.held();
        let remembered = match read_state(&self.files.state) {
            Ok(r) => r,
            Err(e) => return vec![e],
        };
        let extra = fetch(self.published.as_ref());
        let held = read(&self.files, Some(&previous), &remembered, now, &extra);
        let mut problems = held.problems.clone();
        if let Err(e) = save_state(&self.files.state, &held) {
            problems.push(e);
        }
        *self.held.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(held);
        problems
    }

    /// What `/healthz` reports about the lists at `now`.
    pub fn health(&self, now: u64) -> Health {
        let held = self.held();
        let state = |next_update: UnixTime| {
            if now >= next_update.0 {
                ListState::OutOfDate
            } else if now + DUE_SOON >= next_update.0 {
                ListState::DueSoon
            } else {
                ListState::Current
            }
        };
        let trust = held.trust.list().map(|l| ListHealth {
            issuer: None,
            number: l.sequence,
            next_update: l.next_update.to_iso8601(),
            state: state(l.next_update),
        });
        let mut revocations = Vec::new();
        let mut without_list = Vec::new();
        let mut issuers: Vec<&str> = held
            .trust
            .list()
            .map(|l| l.issuers.iter().map(|i| i.issuer.as_str()).collect())
            .unwrap_or_default();
        issuers.sort_unstable();
        issuers.dedup();
        for issuer in issuers {
            match held.revocations.get(issuer) {
                Some(l) => revocations.push(ListHealth {
                    issuer: Some(issuer.to_owned()),
                    number: l.counter,
                    next_update: l.next_update.to_iso8601(),
                    state: state(l.next_update),
                }),
                None => without_list.push(issuer.to_owned()),
            }
        }
        Health {
            trust,
            revocations,
            issuers_without_list: without_list,
            problems: held.problems.clone(),
        }
    }
}

/// A list's state as `/healthz` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListState {
    /// More than a day before its next update.
    Current,
    /// Within a day of its next update: publish the next list.
    DueSoon,
    /// Past its next update: cards it covers are refused their content keys.
    OutOfDate,
}

/// One list in `/healthz`.
#[derive(Clone, Debug, Serialize)]
pub struct ListHealth {
    /// The issuer (revocation lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Sequence (trust list) or counter (revocation list).
    pub number: u64,
    /// Next update (ISO 8601, UTC).
    pub next_update: String,
    /// Current, due soon or out of date.
    pub state: ListState,
}

/// The lists in `/healthz`.
#[derive(Clone, Debug, Serialize)]
pub struct Health {
    /// The trust list.
    pub trust: Option<ListHealth>,
    /// Each issuer's revocation list.
    pub revocations: Vec<ListHealth>,
    /// Issuers on the trust list with no revocation list here: their cards are refused.
    pub issuers_without_list: Vec<String>,
    /// What the last reading refused or could not read.
    pub problems: Vec<String>,
}

impl Health {
    /// `ok`, `warning` (a list due within a day, or a file refused while the last good list
    /// holds), or `failing` (some cards are refused: a list out of date or missing).
    pub fn status(&self) -> &'static str {
        let lists = self.trust.iter().chain(&self.revocations);
        let states: Vec<ListState> = lists.map(|l| l.state).collect();
        if self.trust.is_none()
            || !self.issuers_without_list.is_empty()
            || states.contains(&ListState::OutOfDate)
        {
            "failing"
        } else if !self.problems.is_empty() || states.contains(&ListState::DueSoon) {
            "warning"
        } else {
            "ok"
        }
    }

    /// One line per thing an operator should act on (for the log).
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.problems.clone();
        for l in self.trust.iter().chain(&self.revocations) {
            let what = match &l.issuer {
                Some(i) => format!("the revocation list of {i}"),
                None => "the trust list".to_owned(),
            };
            match l.state {
                ListState::Current => {}
                ListState::DueSoon => out.push(format!(
                    "{what} is due for update at {}: publish the next one",
                    l.next_update
                )),
                ListState::OutOfDate => out.push(format!(
                    "{what} was due at {}: its cards are refused until a current list is published",
                    l.next_update
                )),
            }
        }
        for i in &self.issuers_without_list {
            out.push(format!(
                "no revocation list for issuer {i}: its cards are refused until one is published"
            ));
        }
        out
    }
}

/// The revocation list files: each file named, and each `*.cbor` in each directory named.
fn revocation_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "cbor") && f.is_file())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The published lists, or the problem reaching them.
fn fetch(published: Option<&Published>) -> Result<Vec<Vec<u8>>, String> {
    published.map_or(Ok(Vec::new()), |f| f())
}

/// One reading of every file (and of the lists published in the database, `published`) over
/// what is held (or, at start, over nothing but the floors).
fn read(
    files: &ListFiles,
    previous: Option<&Held>,
    remembered: &Remembered,
    now: u64,
    published: &Result<Vec<Vec<u8>>, String>,
) -> Held {
    let at = UnixTime(now);
    let mut problems = Vec::new();
    let mut trust = previous.map_or_else(|| TrustStore::new(vec![files.root]), |h| h.trust.clone());
    let mut trust_bytes = previous.map(|h| h.trust_bytes.clone()).unwrap_or_default();
    match std::fs::read(&files.trust) {
        Err(e) => problems.push(format!("{}: {e}", files.trust.display())),
        Ok(bytes) => {
            let older = TrustList::verify(&bytes, std::slice::from_ref(&files.root))
                .ok()
                .filter(|l| l.sequence < remembered.trust_sequence);
            if let Some(l) = older {
                problems.push(format!(
                    "{}: the list (number {}) is older than one this service accepted before (number {}) (list_older)",
                    files.trust.display(),
                    l.sequence,
                    remembered.trust_sequence
                ));
            } else {
                match trust.load(&bytes, at) {
                    Ok(()) => trust_bytes = bytes,
                    Err(e) => {
                        problems.push(format!("{}: {e} ({})", files.trust.display(), e.code()))
                    }
                }
            }
        }
    }
    let mut revocations = previous.map_or_else(
        || Revocations::with_floors(remembered.revocations.clone()),
        |h| h.revocations.clone(),
    );
    let mut revocation_bytes = previous
        .map(|h| h.revocation_bytes.clone())
        .unwrap_or_default();
    // A list taken, kept as served; the issuer it speaks for.
    let mut load = |bytes: &[u8]| -> Result<String, ListError> {
        let issuer = revocations.load(bytes, &trust, at)?.issuer.clone();
        revocation_bytes.insert(issuer.clone(), bytes.to_vec());
        Ok(issuer)
    };
    // The issuer of a list that verifies but was not taken (older, expired): verified again
    // only on that path.
    let issuer_of = |bytes: &[u8]| RevocationList::verify(bytes, &trust).ok().map(|l| l.issuer);
    let described = |e: ListError| format!("{e} ({})", e.code());
    // The database's first: a file older than a list published there (its copy on this host
    // not yet replaced) is superseded, not a problem.
    let mut from_database = Vec::new();
    match published {
        Err(e) => problems.push(format!("published lists: {e}")),
        Ok(lists) => {
            for bytes in lists {
                match load(bytes) {
                    Ok(issuer) => from_database.push(issuer),
                    // Signed by a key the trust list no longer names (a retired issuer key, an
                    // earlier demo's): not a list this service takes, nor a problem of today's.
                    Err(ListError::UnknownSigner(_)) => {}
                    Err(e) => {
                        from_database.extend(issuer_of(bytes));
                        problems.push(format!("published list: {}", described(e)));
                    }
                }
            }
        }
    }
    match revocation_files(&files.revocations) {
        Err(e) => problems.push(e),
        Ok(paths) => {
            for path in paths {
                let bytes = match std::fs::read(&path) {
                    Ok(b) => b,
                    Err(e) => {
                        problems.push(format!("{}: {e}", path.display()));
                        continue;
                    }
                };
                if let Err(e) = load(&bytes) {
                    let superseded = issuer_of(&bytes).is_some_and(|i| from_database.contains(&i));
                    if !superseded {
                        problems.push(format!("{}: {}", path.display(), described(e)));
                    }
                }
            }
        }
    }
    Held {
        trust,
        revocations,
        root_file: files.root_file.clone(),
        trust_bytes,
        revocation_bytes,
        problems,
    }
}

fn read_state(path: &Path) -> Result<Remembered, String> {
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Remembered::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the floors of what is held, whole (a temporary file renamed over the old one).
fn save_state(path: &Path, held: &Held) -> Result<(), String> {
    let state = Remembered {
        trust_sequence: held.trust.list().map_or(0, |l| l.sequence),
        revocations: held.revocations.floors().clone(),
    };
    let json = serde_json::to_vec_pretty(&state).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, json)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("{}: {e}", path.display()))
}
