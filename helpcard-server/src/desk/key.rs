//! The issuer's signing key on the service: stored only as its passphrase-sealed key file
//! (Argon2id and ChaCha20-Poly1305, as `helpcard keys new` writes it), unlocked by an admin for
//! the working day, locked again at a set hour, after a spell unused, or by hand. Unlocked, it
//! is held in memory only; locking drops it, which wipes it ([`SigningKey`] zeroizes on drop).

use std::sync::Mutex;

use helpcard_core::keys::{KeyError, KeyId, Role, SigningKey};

/// Seconds in a day.
const DAY: u64 = 86_400;
/// Japan Standard Time is UTC+9, all year.
const JST: u64 = 9 * 3600;

/// Why the key was locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locked {
    /// Nobody used it for the idle time.
    Idle,
    /// The day's re-lock hour passed.
    Hour,
}

impl Locked {
    /// The audit row's detail.
    pub fn code(self) -> &'static str {
        match self {
            Locked::Idle => "idle",
            Locked::Hour => "hour",
        }
    }
}

struct Unlocked {
    key: SigningKey,
    since: u64,
    last_used: u64,
}

/// The issuer key: its sealed file, and the key while unlocked.
pub struct IssuerKey {
    file: String,
    kid: KeyId,
    unlocked: Mutex<Option<Unlocked>>,
    idle_secs: u64,
    /// Seconds after midnight, Japan time, at which an unlocked key locks.
    relock_at: Option<u64>,
}

/// What the desk shows about the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// Issuing needs an admin to unlock it.
    Locked,
    /// Unlocked since, until (when it locks next, unless used meanwhile for the idle lock).
    Unlocked {
        /// When it was unlocked.
        since: u64,
        /// When it locks if nothing happens.
        until: u64,
    },
}

impl IssuerKey {
    /// The key of a sealed key file. Refused: a file holding its secret in plain text (the
    /// service never keeps the key unencrypted), a file of another role, a damaged file.
    pub fn new(file: String, idle_secs: u64, relock_at: Option<u64>) -> Result<IssuerKey, String> {
        let kid = match SigningKey::from_file(&file, Role::Issuer, None) {
            Err(KeyError::PassphraseRequired) => public_kid(&file)?,
            Ok(_) => {
                return Err(
                    "the issuer key file holds its secret unencrypted: seal it with a passphrase (helpcard keys new without --insecure-plaintext)".into(),
                );
            }
            Err(e) => return Err(e.to_string()),
        };
        Ok(IssuerKey {
            file,
            kid,
            unlocked: Mutex::new(None),
            idle_secs: idle_secs.max(60),
            relock_at,
        })
    }

    /// The key's id (on the trust list).
    pub fn kid(&self) -> KeyId {
        self.kid
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Unlocked>> {
        self.unlocked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Unlocks with `passphrase` (the slow Argon2id runs before the lock is taken).
    pub fn unlock(&self, passphrase: &str, now: u64) -> Result<(), KeyError> {
        let key = SigningKey::from_file(&self.file, Role::Issuer, Some(passphrase))?;
        *self.held() = Some(Unlocked {
            key,
            since: now,
            last_used: now,
        });
        Ok(())
    }

    /// Locks now (true if it was unlocked).
    pub fn lock(&self) -> bool {
        self.held().take().is_some()
    }

    /// When the day's re-lock hour next comes after `since`.
    fn next_relock(&self, since: u64) -> Option<u64> {
        let at = self.relock_at?;
        let local = since + JST;
        let today = local - local % DAY + at;
        let next = if today > local { today } else { today + DAY };
        Some(next - JST)
    }

    /// Locks the key if it is due at `now` (idle, or the re-lock hour passed); says why.
    pub fn lock_if_due(&self, now: u64) -> Option<Locked> {
        let mut held = self.held();
        let u = held.as_ref()?;
        let why = if self.next_relock(u.since).is_some_and(|t| now >= t) {
            Locked::Hour
        } else if now >= u.last_used + self.idle_secs {
            Locked::Idle
        } else {
            return None;
        };
        *held = None;
        Some(why)
    }

    /// The key's state at `now`, locking it first if it is due.
    pub fn state(&self, now: u64) -> KeyState {
        self.lock_if_due(now);
        match self.held().as_ref() {
            None => KeyState::Locked,
            Some(u) => KeyState::Unlocked {
                since: u.since,
                until: self
                    .next_relock(u.since)
                    .unwrap_or(u64::MAX)
                    .min(u.last_used + self.idle_secs),
            },
        }
    }

    /// Runs `sign` with the key if it is unlocked (and not due to lock) at `now`; the use counts
    /// as activity for the idle lock.
    pub fn with<T>(&self, now: u64, sign: impl FnOnce(&SigningKey) -> T) -> Option<T> {
        self.lock_if_due(now);
        let mut held = self.held();
        let u = held.as_mut()?;
        u.last_used = now;
        Some(sign(&u.key))
    }
}

/// The key id a sealed issuer key file names (checked against its secret when unlocked).
fn public_kid(file: &str) -> Result<KeyId, String> {
    let v: serde_json::Value = serde_json::from_str(file).map_err(|e| e.to_string())?;
    v["kid"]
        .as_str()
        .and_then(KeyId::from_hex)
        .ok_or_else(|| "the issuer key file names no key id".to_owned())
}

#[cfg(test)]
mod tests;
