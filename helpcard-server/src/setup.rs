//! Start-up: the data directory, the audit log, the WebAuthn relying party, and the demo world.

use std::path::{Path, PathBuf};

use helpcard_audit::{AuditError, AuditLog, CheckpointPolicy, Database, DeviceKey};
use helpcard_core::card;
use helpcard_core::date::UnixTime;
use helpcard_core::demo::DemoSet;
use helpcard_core::keys::{Protection, Role};
use helpcard_core::qrtext;
use helpcard_office::OfficeError;
use helpcard_office::registry::{NotifyTo, Record, Registry};
use rand_core::OsRng;
use webauthn_rs::prelude::Url;
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::keys::FileKeys;
use crate::lists::ListFiles;
use crate::store::{Store, StoreError};

/// Where the service keeps its state: files in a directory, and the database — SQLite files
/// in that directory, or one PostgreSQL database several instances share.
#[derive(Clone, Debug)]
pub struct DataDir {
    /// The directory: keys, lists, exported checkpoints (and the SQLite files).
    pub path: PathBuf,
    /// A PostgreSQL URL for people, sessions, allowances, kiosks and the audit log; `None`
    /// for SQLite files in [`DataDir::path`].
    pub database: Option<String>,
}

/// PostgreSQL connections an instance's store keeps (its audit log keeps two more).
const STORE_POOL: usize = 8;

impl DataDir {
    /// People, invites, passkeys, sessions (SQLite).
    pub fn people(&self) -> PathBuf {
        self.path.join("people.sqlite")
    }
    /// The audit log (SQLite).
    pub fn audit(&self) -> PathBuf {
        self.path.join("audit.sqlite")
    }

    /// People, invites, passkeys, sessions, allowances and kiosks, in the service's database.
    pub fn open_store(&self) -> Result<Store, String> {
        let store = match &self.database {
            Some(url) => Database::postgres(url, STORE_POOL)
                .map_err(StoreError::from)
                .and_then(Store::on),
            None => Store::open(&self.people()),
        };
        store.map_err(|e| format!("{}: {e}", self.place(self.people())))
    }

    /// The office's registry (the issuing desk's cards and who is told of an opening), in the
    /// service's database: SQLite's `registry.sqlite`, or the shared PostgreSQL database.
    pub fn open_registry(&self) -> Result<Registry, String> {
        let registry = match &self.database {
            Some(url) => Database::postgres(url, 2)
                .map_err(OfficeError::from)
                .and_then(|db| Registry::on(db, Path::new(&without_password(url)))),
            None => Registry::open(&self.registry()),
        };
        registry.map_err(|e| e.message(helpcard_core::vocab::Lang::En))
    }

    /// The registry's SQLite file.
    pub fn registry(&self) -> PathBuf {
        self.path.join("registry.sqlite")
    }

    /// The audit log's database, for reading (`audit verify`).
    pub fn audit_database(&self) -> Result<Database, String> {
        match &self.database {
            Some(url) => Database::postgres(url, 1),
            None => Database::sqlite_read_only(&self.audit()),
        }
        .map_err(|e| format!("{}: {e}", self.place(self.audit())))
    }

    /// Where a store is kept, for messages: the database's URL without its password, or the
    /// store's SQLite `file`.
    fn place(&self, file: PathBuf) -> String {
        match &self.database {
            Some(url) => without_password(url),
            None => file.display().to_string(),
        }
    }
    /// The audit log's device key (signs checkpoints).
    pub fn device_key(&self) -> PathBuf {
        self.path.join("audit-device.key")
    }
    /// Where checkpoints are exported unless `--audit-anchor` says elsewhere.
    pub fn checkpoints(&self) -> PathBuf {
        self.path.join("checkpoints")
    }
    /// The highest list sequence and counters accepted (a list older than these is refused).
    pub fn list_state(&self) -> PathBuf {
        self.path.join("lists-state.json")
    }

    /// Creates the directory (owner-only on Unix).
    pub fn create(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }

    /// The audit log, checkpointed as `policy` says, its device key created on first use.
    pub fn open_audit(&self, policy: CheckpointPolicy) -> Result<AuditLog, String> {
        let key = DeviceKey::load_or_create(&self.device_key()).map_err(|e| e.to_string())?;
        match &self.database {
            Some(url) => Database::postgres(url, 2)
                .map_err(AuditError::from)
                .and_then(|db| AuditLog::on(db, key, policy)),
            None => AuditLog::open(&self.audit(), key, policy),
        }
        .map_err(|e| format!("{}: {e}", self.place(self.audit())))
    }
}

/// `url` with its password, if any, replaced by `***` (for messages and logs). The user part
/// ends at the last `@` before the query: a password typed with an unescaped `@` is hidden
/// whole.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let before_query = rest.split('?').next().unwrap_or(rest);
    match before_query.rfind('@') {
        Some(at) if rest[..at].contains(':') => {
            let name = rest[..at].split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***{}", &rest[at..])
        }
        _ => url.to_owned(),
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

/// Who the demo's registry says is told when a demo card is opened (an SMTP relay given with
/// `--smtp` receives them; without one they wait in the outbox).
pub const DEMO_NOTIFY: [&str; 2] = ["holder@example.jp", "family@example.jp"];

/// The passphrase of the demo's issuer key (printed at start: it is a demo).
pub const DEMO_DESK_PASSPHRASE: &str = "demo-desk";

/// The passphrase of the demo responder key written for a demo kiosk
/// (`DATA/demo-responder.key.json`).
pub const DEMO_KIOSK_PASSPHRASE: &str = "demo-kiosk";

/// The demo's issuing desk: its issuer key sealed with [`DEMO_DESK_PASSPHRASE`], and the list
/// file it publishes (the demo's own revocation list).
pub struct DemoDesk {
    /// The sealed key file.
    pub key_file: String,
    /// The issuer id.
    pub issuer_id: String,
    /// The office's name.
    pub issuer_name: String,
    /// The revocation list file the desk writes.
    pub list_file: PathBuf,
}

/// What `--demo` starts with.
pub struct Demo {
    /// The demo lists, written as files (the service reads them as it reads an office's).
    pub files: ListFiles,
    /// The demo responder key.
    pub keys: FileKeys,
    /// (name, URL with the card in its fragment, the verdict a scanner gives it).
    pub cards: Vec<(String, String, &'static str)>,
    /// The issuing desk, its registry holding the demo's cards.
    pub desk: DemoDesk,
}

/// A fresh demo world at `now`: keys, lists and cards whose URLs point at `origin`'s scanner.
/// Writes the lists (`lists/`), `demo-cards.json`, the demo root public key and the responder
/// key for a demo kiosk (`demo-responder.key.json`, sealed) into `data`.
pub fn demo(data: &DataDir, origin: &str) -> Result<Demo, String> {
    let now = UnixTime(crate::http::now());
    let set = DemoSet::new(now, &mut OsRng).map_err(|e| e.to_string())?;
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
        let path = data.path.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(
        "demo-cards.json",
        serde_json::to_string_pretty(&listing)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    let root_file = set.world.root.verifying_key().to_file(Role::Root);
    write("demo-root.public.json", root_file.as_bytes())?;
    write("lists/trust.cbor", &set.world.trust_list_bytes)?;
    write("lists/revocations/musashino.cbor", &set.revocation_list)?;
    // Fresh keys every start: what an earlier demo's lists and registry left behind does not
    // apply.
    for stale in [data.list_state(), data.registry()] {
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| format!("{}: {e}", stale.display()))?;
        }
    }
    let state = data.list_state();
    seed_registry(data, &set, now)?;
    let key_file = set
        .world
        .issuer
        .to_file(
            Role::Issuer,
            Protection::Passphrase(DEMO_DESK_PASSPHRASE),
            &mut OsRng,
        )
        .map_err(|e| e.to_string())?;
    // A demo kiosk holds the group key, as a facility's kiosk does (sealed; never a phone).
    let kiosk_key = set
        .world
        .responder
        .to_file(Protection::Passphrase(DEMO_KIOSK_PASSPHRASE), &mut OsRng)
        .map_err(|e| e.to_string())?;
    write("demo-responder.key.json", kiosk_key.as_bytes())?;
    // The issuer key too (sealed), so a second instance of the demo service can run the same
    // desk on a shared database.
    write("demo-issuer.key.json", key_file.as_bytes())?;
    Ok(Demo {
        files: ListFiles {
            root: set.world.root.verifying_key(),
            root_file,
            trust: data.path.join("lists/trust.cbor"),
            revocations: vec![data.path.join("lists/revocations")],
            state,
        },
        keys: FileKeys::new(vec![set.world.responder]),
        cards,
        desk: DemoDesk {
            key_file,
            issuer_id: "musashino".into(),
            issuer_name: "武蔵野市 障害者福祉課".into(),
            list_file: data.path.join("lists/revocations/musashino.cbor"),
        },
    })
}

/// The demo's cards of its issuer in the desk's registry, the revoked one revoked: the desk's
/// first published list keeps it revoked.
fn seed_registry(data: &DataDir, set: &DemoSet, now: UnixTime) -> Result<(), String> {
    let trust = set.world.trust_store(now);
    let mut registry = data.open_registry()?;
    let kid = set.world.issuer.key_id().to_hex();
    let mut records = Vec::new();
    for c in &set.cards {
        let Ok(opened) = card::open(&c.bytes, &trust, now, None, None) else {
            continue;
        };
        if opened.issuer_kid.to_hex() != kid {
            continue;
        }
        records.push(Record {
            card_id: opened.card_id,
            holder_ref: format!("demo-{}", c.name),
            issuer_id: opened.issuer.clone(),
            issuer_kid: kid.clone(),
            issued_at: opened.issued_at,
            expires_at: opened.expires_at,
            notify: DEMO_NOTIFY
                .iter()
                .filter_map(|a| NotifyTo::parse(a, helpcard_core::vocab::Lang::Ja).ok())
                .collect(),
        });
    }
    registry
        .record(&records, None, now)
        .map_err(|e| e.message(helpcard_core::vocab::Lang::En))?;
    for r in records.iter().filter(|r| r.holder_ref == "demo-revoked") {
        registry
            .revoke(&r.card_id.to_hex(), "lost", now)
            .map_err(|e| e.message(helpcard_core::vocab::Lang::En))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_database_url_is_named_without_its_password() {
        assert_eq!(
            without_password("postgres://helpcard:s3cr@t@db.city:5432/helpcard?sslmode=require"),
            "postgres://helpcard:***@db.city:5432/helpcard?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://helpcard@db/helpcard"),
            "postgres://helpcard@db/helpcard"
        );
        assert_eq!(without_password("people.sqlite"), "people.sqlite");
    }
}
