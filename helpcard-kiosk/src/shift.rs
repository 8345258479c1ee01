//! The shift lock: the responder key is unlocked with its passphrase at the start of a shift
//! and locks again after a time with no one using the kiosk. While locked the kiosk still
//! verifies cards and shows their public part.

use std::time::{Duration, Instant};

use helpcard_core::card::ResponderKeys;
use helpcard_core::keys::{KeyError, ResponderKey};

/// The responder key's state on this kiosk.
pub struct Shift {
    /// The key file as read (the key sealed under the passphrase: not secret by itself).
    key_file: Option<String>,
    keys: Option<ResponderKeys>,
    relock_after: Duration,
    last_activity: Instant,
}

/// Why a shift could not be unlocked.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    /// The kiosk has no responder key configured: it shows public parts only.
    #[error("no responder key is configured (応答者の鍵が設定されていません)")]
    NoKeyFile,
    /// A wrong passphrase, or a damaged key file.
    #[error("{0}")]
    Key(#[from] KeyError),
}

impl Shift {
    /// A locked shift over this key file (none: public parts only).
    pub fn locked(key_file: Option<String>, relock_after: Duration) -> Shift {
        Shift {
            key_file,
            keys: None,
            relock_after,
            last_activity: Instant::now(),
        }
    }

    /// A shift unlocked with keys already at hand (the demo's, or a key unlocked at start).
    pub fn unlocked(
        keys: ResponderKeys,
        key_file: Option<String>,
        relock_after: Duration,
    ) -> Shift {
        Shift {
            keys: Some(keys),
            ..Shift::locked(key_file, relock_after)
        }
    }

    /// Unlocks the key file with `passphrase` (`None` for a demo key stored without one); the
    /// keys stay in memory until the shift locks.
    pub fn unlock(&mut self, passphrase: Option<&str>) -> Result<(), UnlockError> {
        let file = self.key_file.as_deref().ok_or(UnlockError::NoKeyFile)?;
        let key = ResponderKey::from_file(file, passphrase)?;
        self.keys = Some(ResponderKeys::new(vec![key]));
        self.last_activity = Instant::now();
        Ok(())
    }

    /// Locks now: the keys are dropped (and zeroized).
    pub fn lock(&mut self) {
        self.keys = None;
    }

    /// Someone used the kiosk (a card, a touch): the inactivity time starts again.
    pub fn touch(&mut self, now: Instant) {
        self.last_activity = now;
    }

    /// Locks if no one has used the kiosk for the re-lock time; true if it locked now.
    pub fn relock_if_idle(&mut self, now: Instant) -> bool {
        let idle = now.saturating_duration_since(self.last_activity) >= self.relock_after;
        if idle && self.keys.is_some() {
            self.lock();
            return true;
        }
        false
    }

    /// The keys while unlocked.
    pub fn keys(&self) -> Option<&ResponderKeys> {
        self.keys.as_ref()
    }

    /// True while unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.keys.is_some()
    }

    /// True if a key file is configured (the screen offers to unlock).
    pub fn can_unlock(&self) -> bool {
        self.key_file.is_some()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use helpcard_core::keys::{KdfCost, Protection, ResponderKey};
    use helpcard_core::testing::StreamRng;

    #[test]
    fn unlocks_with_the_passphrase_and_relocks_when_idle() {
        let mut rng = StreamRng::from_seed(7);
        let key = ResponderKey::generate(&mut rng);
        let file = key
            .to_file(
                Protection::PassphraseWithCost(
                    "correct horse",
                    KdfCost {
                        m_kib: 64,
                        t: 1,
                        p: 1,
                    },
                ),
                &mut rng,
            )
            .unwrap();
        let mut shift = Shift::locked(Some(file), Duration::from_secs(600));
        assert!(!shift.is_unlocked() && shift.can_unlock());
        assert!(matches!(
            shift.unlock(None),
            Err(UnlockError::Key(KeyError::PassphraseRequired))
        ));
        assert!(matches!(
            shift.unlock(Some("wrong")),
            Err(UnlockError::Key(_))
        ));
        assert!(!shift.is_unlocked());
        shift.unlock(Some("correct horse")).unwrap();
        assert!(shift.keys().is_some());

        let start = Instant::now();
        shift.touch(start);
        assert!(!shift.relock_if_idle(start + Duration::from_secs(599)));
        shift.touch(start + Duration::from_secs(300));
        assert!(!shift.relock_if_idle(start + Duration::from_secs(899)));
        assert!(shift.relock_if_idle(start + Duration::from_secs(900)));
        assert!(shift.keys().is_none());

        let mut none = Shift::locked(None, Duration::from_secs(1));
        assert!(matches!(
            none.unlock(Some("x")),
            Err(UnlockError::NoKeyFile)
        ));
    }
}
