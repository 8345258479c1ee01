//! Signed checkpoints and the device key that signs them.

use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The device's Ed25519 key: signs checkpoints. Wiped on drop; `Debug` shows the public key only.
pub struct DeviceKey(SigningKey);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", hex::encode(self.public()))
    }
}

/// Why a checkpoint or a device key could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The device key file is not 64 hex digits.
    #[error("{0}: not a device key (64 hex digits expected)")]
    BadKeyFile(String),
    /// The checkpoint file is not a checkpoint.
    #[error("not a checkpoint: {0}")]
    BadFile(String),
}

/// True if `signature` over `message` verifies with device key `public` (strict Ed25519).
pub fn device_signed(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    VerifyingKey::from_bytes(public).is_ok_and(|vk| {
        vk.verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    })
}

impl DeviceKey {
    /// A new random key.
    pub fn generate() -> DeviceKey {
        DeviceKey(SigningKey::generate(&mut OsRng))
    }

    /// The key from its 32 secret bytes.
    pub fn from_bytes(secret: &[u8; 32]) -> DeviceKey {
        DeviceKey(SigningKey::from_bytes(secret))
    }

    /// The public key, to record wherever checkpoints are checked.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// Signs `message` as this device: a checkpoint, or a batch of rows it forwards (the
    /// caller's message starts with a domain tag, so one is never taken for the other).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// Loads the key from `path` (64 hex digits); never creates one (a verifier must not make
    /// up the key it checks against).
    pub fn load(path: &Path) -> Result<DeviceKey, CheckpointError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
            CheckpointError::Io {
                path: path.display().to_string(),
                source,
            }
        })?);
        let bytes = Zeroizing::new(
            hex::decode(text.trim())
                .map_err(|_| CheckpointError::BadKeyFile(path.display().to_string()))?,
        );
        let secret: &[u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CheckpointError::BadKeyFile(path.display().to_string()))?;
        Ok(DeviceKey::from_bytes(secret))
    }

    /// Loads the key from `path`, or creates it there (mode 0600 on Unix) if the file does not
    /// exist yet: for the log's writer, never for a verifier.
    pub fn load_or_create(path: &Path) -> Result<DeviceKey, CheckpointError> {
        let io = |source| CheckpointError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::metadata(path) {
            Ok(_) => DeviceKey::load(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = DeviceKey::generate();
                let text = Zeroizing::new(hex::encode(key.0.to_bytes()));
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(path).map_err(io)?;
                std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok(key)
            }
            Err(e) => Err(io(e)),
        }
    }
}

/// A signed statement: "this log had `count` rows, the last with hash `head`, at time `at`".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Rows in the log when signed.
    pub count: u64,
    /// The hash of row `count` (or the genesis hash for an empty log), hex.
    pub head: String,
    /// When it was signed (seconds since the Unix epoch).
    pub at: u64,
    /// The device's public key, hex.
    pub device_key: String,
    /// Ed25519 signature over [`Checkpoint::message`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The signed bytes: a domain tag, the count, the head hash and the time.
    pub fn message(count: u64, head: &[u8; 32], at: u64) -> Vec<u8> {
        let mut m = b"helpcard-audit checkpoint v1\0".to_vec();
        m.extend_from_slice(&count.to_be_bytes());
        m.extend_from_slice(head);
        m.extend_from_slice(&at.to_be_bytes());
        m
    }

    pub(crate) fn sign(key: &DeviceKey, count: u64, head: &[u8; 32], at: u64) -> Checkpoint {
        Checkpoint {
            count,
            head: hex::encode(head),
            at,
            device_key: hex::encode(key.public()),
            signature: hex::encode(key.sign(&Checkpoint::message(count, head, at))),
        }
    }

    /// The head hash as bytes, if well-formed.
    pub fn head_bytes(&self) -> Option<[u8; 32]> {
        hex::decode(&self.head).ok()?.try_into().ok()
    }

    /// True when the signature verifies under the checkpoint's own device key and, if given,
    /// that key is `trusted`.
    pub fn verifies(&self, trusted: Option<&[u8; 32]>) -> bool {
        let key: Option<[u8; 32]> = hex::decode(&self.device_key)
            .ok()
            .and_then(|k| k.try_into().ok());
        let sig: Option<[u8; 64]> = hex::decode(&self.signature)
            .ok()
            .and_then(|s| s.try_into().ok());
        let (Some(key), Some(sig), Some(head)) = (key, sig, self.head_bytes()) else {
            return false;
        };
        if trusted.is_some_and(|t| *t != key) {
            return false;
        }
        VerifyingKey::from_bytes(&key).is_ok_and(|vk| {
            vk.verify_strict(
                &Checkpoint::message(self.count, &head, self.at),
                &Signature::from_bytes(&sig),
            )
            .is_ok()
        })
    }

    /// The checkpoint as a JSON file's contents.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// A checkpoint from a JSON file's contents.
    pub fn from_json(text: &str) -> Result<Checkpoint, CheckpointError> {
        serde_json::from_str(text).map_err(|e| CheckpointError::BadFile(e.to_string()))
    }
}

/// Every exported checkpoint (`*.json`) in `dir`, oldest first; none if `dir` does not exist.
/// A file that is not a checkpoint is an error, not skipped: a damaged checkpoint is evidence.
pub fn read_exported(dir: &Path) -> Result<Vec<Checkpoint>, CheckpointError> {
    let io = |source| CheckpointError::Io {
        path: dir.display().to_string(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        other => other.map_err(io)?,
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|source| CheckpointError::Io {
                path: p.display().to_string(),
                source,
            })?;
            Checkpoint::from_json(&text)
                .map_err(|e| CheckpointError::BadFile(format!("{}: {e}", p.display())))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_verifies_only_as_signed() {
        let key = DeviceKey::from_bytes(&[7; 32]);
        let cp = Checkpoint::sign(&key, 3, &[9; 32], 1000);
        assert!(cp.verifies(None));
        assert!(cp.verifies(Some(&key.public())));
        assert!(!cp.verifies(Some(&DeviceKey::from_bytes(&[8; 32]).public())));
        let back = Checkpoint::from_json(&cp.to_json()).unwrap();
        assert_eq!(back, cp);
        for forged in [
            Checkpoint {
                count: 4,
                ..cp.clone()
            },
            Checkpoint {
                at: 1001,
                ..cp.clone()
            },
            Checkpoint {
                head: hex::encode([8; 32]),
                ..cp.clone()
            },
            Checkpoint {
                signature: "00".into(),
                ..cp.clone()
            },
        ] {
            assert!(!forged.verifies(None), "{forged:?}");
        }
        assert!(format!("{key:?}").contains(&hex::encode(key.public())));
    }

    #[test]
    fn a_device_key_file_is_created_private_then_reloaded() {
        let dir = std::env::temp_dir().join(format!("helpcard-audit-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("device.key");
        let first = DeviceKey::load_or_create(&path).unwrap();
        let again = DeviceKey::load_or_create(&path).unwrap();
        assert_eq!(first.public(), again.public());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not hex").unwrap();
        assert!(matches!(
            DeviceKey::load_or_create(&path),
            Err(CheckpointError::BadKeyFile(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
