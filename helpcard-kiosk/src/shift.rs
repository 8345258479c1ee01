//! The shift lock: the responder key is unlocked with its passphrase at the start of a shift
//! and locks again after a time with no one using the kiosk. While locked the kiosk still
//! verifies cards and shows their public part.
//!
//! Unlocking runs Argon2id (about a second), so it happens in three steps: [`Shift::attempt`]
//! (with the scanner held for a moment: is a try allowed now?), [`Shift::open_key`] (the slow
//! part, with nothing held, so scanning goes on), [`Shift::finish`] (held again: the key
//! installed, or the failure counted). After [`FREE_TRIES`] wrong passphrases in a row each
//! try waits longer than the last (30 s, doubling, at most 15 minutes): someone at the kiosk
//! cannot guess passphrases at the speed of Argon2id. Re-locking when idle runs on a timer
//! ([`relock_timer`]), not on camera frames: a kiosk whose camera is unplugged still locks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use helpcard_core::card::ResponderKeys;
use helpcard_core::keys::{KeyError, ResponderKey};
use helpcard_core::vocab::Lang;

use crate::pipeline::Shared;

/// Wrong passphrases allowed in a row before tries are spaced out.
pub const FREE_TRIES: u32 = 3;

/// The responder key's state on this kiosk.
pub struct Shift {
    /// The key file as read (the key sealed under the passphrase: not secret by itself).
    key_file: Option<String>,
    keys: Option<ResponderKeys>,
    relock_after: Duration,
    last_activity: Instant,
    /// Wrong passphrases in a row, and when the last one was given.
    failures: u32,
    failed_at: Option<Instant>,
}

/// Why a shift could not be unlocked.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    /// The kiosk has no responder key configured: it shows public parts only.
    #[error("no responder key is configured")]
    NoKeyFile,
    /// A wrong passphrase, or a damaged key file.
    #[error("{0}")]
    Key(#[from] KeyError),
    /// Too many wrong passphrases: the next try is allowed after this long.
    #[error("too many wrong passphrases: try again in {} s", .0.as_secs())]
    TooSoon(Duration),
    /// The try could not be made or recorded (the audit log, a thread): the detail is for the
    /// administrator's log.
    #[error("the unlock could not be done: {0}")]
    System(String),
}

impl UnlockError {
    /// The code in audit rows.
    pub fn code(&self) -> &'static str {
        match self {
            UnlockError::NoKeyFile => "no_key_file",
            UnlockError::Key(KeyError::PassphraseRequired) => "passphrase_required",
            UnlockError::Key(_) => "wrong_passphrase",
            UnlockError::TooSoon(_) => "too_soon",
            UnlockError::System(_) => "system",
        }
    }

    /// What the screen says, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            UnlockError::NoKeyFile => lang
                .pick(
                    "応答者の鍵が設定されていません。",
                    "No responder key is configured.",
                    "かぎが ありません。",
                )
                .to_owned(),
            UnlockError::Key(e) => e.message(lang),
            UnlockError::TooSoon(wait) => {
                let s = wait.as_secs().max(1);
                lang.pick(
                    format!("パスフレーズの誤りが続いたため、{s} 秒後にもう一度試してください。"),
                    format!("Too many wrong passphrases: try again in {s} s."),
                    format!("{s}びょう まってから もう いちど して ください。"),
                )
            }
            UnlockError::System(_) => lang
                .pick(
                    "解錠できませんでした（端末の問題）。管理者に連絡してください。",
                    "The kiosk could not unlock (a fault of the kiosk). Call the administrator.",
                    "かぎを あけられませんでした。せきにんしゃを よんで ください。",
                )
                .to_owned(),
        }
    }
}

impl Shift {
    /// A locked shift over this key file (none: public parts only).
    pub fn locked(key_file: Option<String>, relock_after: Duration) -> Shift {
        Shift {
            key_file,
            keys: None,
            relock_after,
            last_activity: Instant::now(),
            failures: 0,
            failed_at: None,
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

    /// How long a try must still wait at `now` (zero when one is allowed).
    pub fn wait(&self, now: Instant) -> Duration {
        let Some(at) = self.failed_at.filter(|_| self.failures >= FREE_TRIES) else {
            return Duration::ZERO;
        };
        let backoff = Duration::from_secs(30)
            .saturating_mul(1 << (self.failures - FREE_TRIES).min(5))
            .min(Duration::from_secs(15 * 60));
        (at + backoff).saturating_duration_since(now)
    }

    /// The first step of unlocking: the key file, if a try is allowed at `now`.
    pub fn attempt(&self, now: Instant) -> Result<String, UnlockError> {
        let file = self.key_file.clone().ok_or(UnlockError::NoKeyFile)?;
        match self.wait(now) {
            Duration::ZERO => Ok(file),
            wait => Err(UnlockError::TooSoon(wait)),
        }
    }

    /// The slow step: the key out of its file with `passphrase` (Argon2id). Holds nothing.
    pub fn open_key(file: &str, passphrase: Option<&str>) -> Result<ResponderKey, KeyError> {
        ResponderKey::from_file(file, passphrase)
    }

    /// The last step: the key installed until the shift locks, or the failure counted.
    pub fn finish(
        &mut self,
        opened: Result<ResponderKey, KeyError>,
        now: Instant,
    ) -> Result<(), UnlockError> {
        match opened {
            Ok(key) => {
                self.keys = Some(ResponderKeys::new(vec![key]));
                self.last_activity = now;
                self.failures = 0;
                self.failed_at = None;
                Ok(())
            }
            // Asking for a passphrase is not a wrong one.
            Err(KeyError::PassphraseRequired) => Err(KeyError::PassphraseRequired.into()),
            Err(e) => {
                self.failures += 1;
                self.failed_at = Some(now);
                Err(e.into())
            }
        }
    }

    /// The three steps at once, holding the shift throughout (at start, and in tests); the
    /// screen uses [`unlock`] so that scanning goes on meanwhile.
    pub fn unlock(&mut self, passphrase: Option<&str>) -> Result<(), UnlockError> {
        let file = self.attempt(Instant::now())?;
        let opened = Shift::open_key(&file, passphrase);
        self.finish(opened, Instant::now())
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

/// Unlocks the shared scanner's shift with `passphrase` while the scanner keeps scanning: it
/// is held only to check the back-off and to install the key. Every try is an audit row
/// (`shift_unlock`, granted or refused with the reason); an audit failure is returned as the
/// scanner's own error would be.
pub fn unlock(shared: &Shared, passphrase: &str) -> Result<(), UnlockError> {
    let file = shared.scanner().shift.attempt(Instant::now());
    let result = match file {
        Ok(file) => {
            let opened = Shift::open_key(&file, Some(passphrase));
            shared.scanner().shift.finish(opened, Instant::now())
        }
        Err(e) => Err(e),
    };
    let (outcome, detail) = match &result {
        Ok(()) => ("granted", String::new()),
        Err(e) => ("refused", e.code().to_owned()),
    };
    shared
        .scanner()
        .record("shift_unlock", outcome, &detail)
        .map_err(|e| UnlockError::System(e.to_string()))?;
    result
}

/// Re-locks the shared scanner's idle shift every `tick`, camera frames or none (an audit row
/// `shift_lock` each time); the thread ends with the process.
pub fn relock_timer(shared: Arc<Shared>, tick: Duration) {
    let run = move || {
        loop {
            std::thread::sleep(tick);
            let mut scanner = shared.scanner();
            if scanner.shift.relock_if_idle(Instant::now())
                && let Err(e) = scanner.record("shift_lock", "idle", "")
            {
                eprintln!("helpcard-kiosk: audit: {e}");
            }
        }
    };
    if let Err(e) = std::thread::Builder::new()
        .name("shift re-lock".into())
        .spawn(run)
    {
        eprintln!("helpcard-kiosk: cannot start the shift re-lock timer: {e}");
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

    #[test]
    fn wrong_passphrases_are_spaced_out_and_a_right_one_resets_the_count() {
        let mut rng = StreamRng::from_seed(8);
        let key = ResponderKey::generate(&mut rng);
        let cost = KdfCost {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let file = key
            .to_file(Protection::PassphraseWithCost("right", cost), &mut rng)
            .unwrap();
        let mut shift = Shift::locked(Some(file), Duration::from_secs(600));
        let t0 = Instant::now();
        for i in 0..FREE_TRIES {
            let f = shift.attempt(t0).unwrap();
            let opened = Shift::open_key(&f, Some("wrong"));
            assert!(shift.finish(opened, t0).is_err(), "try {i}");
        }
        // Now even the right passphrase waits 30 s, then 60 s after another wrong one.
        assert!(matches!(
            shift.attempt(t0 + Duration::from_secs(29)),
            Err(UnlockError::TooSoon(w)) if w == Duration::from_secs(1)
        ));
        let later = t0 + Duration::from_secs(30);
        let f = shift.attempt(later).unwrap();
        assert!(
            shift
                .finish(Shift::open_key(&f, Some("wrong")), later)
                .is_err()
        );
        assert_eq!(shift.wait(later), Duration::from_secs(60));
        assert_eq!(shift.attempt(later).unwrap_err().code(), "too_soon");
        let much_later = later + Duration::from_secs(60);
        let f = shift.attempt(much_later).unwrap();
        shift
            .finish(Shift::open_key(&f, Some("right")), much_later)
            .unwrap();
        assert!(shift.is_unlocked());
        assert_eq!(shift.wait(much_later), Duration::ZERO);
    }

    #[test]
    fn an_idle_shift_locks_on_the_timer_with_no_camera_frames() {
        let set =
            helpcard_core::demo::DemoSet::new(crate::now(), &mut StreamRng::from_seed(5)).unwrap();
        let dir =
            std::env::temp_dir().join(format!("helpcard-kiosk-relock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut scanner = crate::demo::scanner(set, &dir, "relock").unwrap();
        let keys = scanner.shift.keys.take().unwrap();
        scanner.shift = Shift::unlocked(keys, None, Duration::from_millis(300));
        let shared = Shared::new(scanner);
        relock_timer(shared.clone(), Duration::from_millis(50));
        let deadline = Instant::now() + Duration::from_secs(10);
        while shared.scanner().shift.is_unlocked() {
            assert!(Instant::now() < deadline, "the shift stayed unlocked");
            std::thread::sleep(Duration::from_millis(50));
        }
        let rows = shared.scanner().audit.rows().unwrap();
        assert!(
            rows.iter()
                .any(|r| r.event.kind == "shift_lock" && r.event.result == "idle")
        );
    }

    #[test]
    fn unlocking_from_the_screen_is_audited_and_does_not_hold_the_scanner() {
        let mut rng = StreamRng::from_seed(6);
        let key = ResponderKey::generate(&mut rng);
        let file = key
            .to_file(
                Protection::PassphraseWithCost(
                    "right",
                    KdfCost {
                        m_kib: 64 * 1024,
                        t: 3,
                        p: 1,
                    },
                ),
                &mut rng,
            )
            .unwrap();
        let set =
            helpcard_core::demo::DemoSet::new(crate::now(), &mut StreamRng::from_seed(7)).unwrap();
        let dir =
            std::env::temp_dir().join(format!("helpcard-kiosk-unlock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut scanner = crate::demo::scanner(set, &dir, "unlock").unwrap();
        scanner.shift = Shift::locked(Some(file), Duration::from_secs(600));
        let shared = Shared::new(scanner);
        // While Argon2id runs (64 MiB, 3 passes), the scanner can be taken for frames.
        let worker = {
            let shared = shared.clone();
            std::thread::spawn(move || unlock(&shared, "wrong"))
        };
        std::thread::sleep(Duration::from_millis(20));
        let mut taken_while_unlocking = 0;
        while !worker.is_finished() {
            drop(shared.scanner());
            taken_while_unlocking += 1;
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(worker.join().unwrap().is_err());
        assert!(taken_while_unlocking > 3, "{taken_while_unlocking}");
        unlock(&shared, "right").unwrap();
        let rows = shared.scanner().audit.rows().unwrap();
        let unlocks: Vec<(String, String)> = rows
            .iter()
            .filter(|r| r.event.kind == "shift_unlock")
            .map(|r| (r.event.result.clone(), r.event.detail.clone()))
            .collect();
        assert_eq!(
            unlocks,
            [
                ("refused".to_owned(), "wrong_passphrase".to_owned()),
                ("granted".to_owned(), String::new())
            ]
        );
    }
}
