//! Where the responder group key lives, behind one trait: key files unlocked at start today,
//! a hardware module (PKCS#11) later. Whatever holds it does one thing for the service: derive
//! the content key of one verified card. The group key never leaves it.

use helpcard_core::card::{Opened, ResponderKeys};
use helpcard_core::cose::ContentKey;
use helpcard_core::error::OpenError;
use helpcard_core::keys::{KeyId, ResponderPublicKey};

/// Holds responder group keys and derives per-card content keys with them.
pub trait KeyHolder: Send + Sync {
    /// The content key of `card`'s private part (ECDH-ES + HKDF-256 with the group key the
    /// card names). `NoMatchingResponderKey` when this service holds no key for that group.
    fn content_key(&self, card: &Opened) -> Result<ContentKey, OpenError>;

    /// The key ids held (for the start-up line and `/healthz`).
    fn key_ids(&self) -> Vec<KeyId>;

    /// The public keys of the groups held (what the issuing desk encrypts cards to).
    fn public_keys(&self) -> Vec<ResponderPublicKey>;
}

/// Responder key files, unlocked once at start and kept in memory (wiped on drop).
pub struct FileKeys {
    keys: ResponderKeys,
    ids: Vec<KeyId>,
    publics: Vec<ResponderPublicKey>,
}

impl FileKeys {
    /// Keys already unlocked.
    pub fn new(keys: Vec<helpcard_core::keys::ResponderKey>) -> FileKeys {
        let ids = keys.iter().map(|k| k.key_id()).collect();
        let publics = keys.iter().map(|k| k.public_key()).collect();
        FileKeys {
            keys: ResponderKeys::new(keys),
            ids,
            publics,
        }
    }
}

impl KeyHolder for FileKeys {
    fn content_key(&self, card: &Opened) -> Result<ContentKey, OpenError> {
        card.content_key(&self.keys)
    }

    fn key_ids(&self) -> Vec<KeyId> {
        self.ids.clone()
    }

    fn public_keys(&self) -> Vec<ResponderPublicKey> {
        self.publics.clone()
    }
}
