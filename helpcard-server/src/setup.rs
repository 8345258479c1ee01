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
        store.map_err(|e| format!("{}: {e}", self.where_people()))
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
        .map_err(|e| format!("{}: {e}", self.where_audit()))
    }

    /// Where the people are kept, for messages (a URL without its password).
    fn where_people(&self) -> String {
        match &self.database {
            Some(url) => without_password(url),
            None => self.people().display().to_string(),
        }
    }

    fn where_audit(&self) -> String {
        match &self.database {
            Some(url) => without_password(url),
            None => self.audit().display().to_string(),
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
        .map_err(|e| format!("{}: {e}", self.where_audit()))
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
