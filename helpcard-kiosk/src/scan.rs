//! One frame to one card event: the reader's fast path, the opening, the card view, the audit
//! row. A card held up for several frames is processed once.

use std::time::{Duration, Instant};

use helpcard_audit::{AuditLog, Event};
use helpcard_core::card::{self, Opened};
use helpcard_core::date::UnixTime;
use helpcard_core::error::OpenError;
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_core::view::{CardView, PrivateState};
use helpcard_core::vocab::Lang;
use helpcard_qr::{Effort, LumaFrame};
use serde::Serialize;

use crate::shift::Shift;

/// One card seen.
#[derive(Clone, Debug, Serialize)]
pub struct CardEvent {
    /// Always `card`.
    pub event: &'static str,
    /// The view's verdict code.
    pub status: &'static str,
    /// The card id, when the card was verified.
    pub card_id: Option<String>,
    /// The private part's state.
    pub private: PrivateState,
    /// The verdict's banner words.
    pub headline: &'static str,
}

/// The card's QR text in `frame`. The fast path takes a few ms on a 720p frame; the thorough
/// passes read a card at the edge of the camera's range, about 2 pixels per module (the
/// read-range sweep: 1080p, 50 mm code at 30 cm, 14 of 20 frames fast, 19 of 20 thorough), at
/// tens of milliseconds a frame and up to about 170 ms on an empty 720p one.
pub fn read(frame: &LumaFrame, effort: Effort) -> Option<String> {
    let image = frame.image().ok()?;
    helpcard_qr::find_card_text(&image, effort).ok().flatten()
}

/// A card seen: its event (what the headless mode prints and the audit row records) and the
/// opening itself, which the screen renders in the language chosen.
pub struct Scanned {
    /// The event.
    pub event: CardEvent,
    /// The verified card, or why it was refused.
    pub opened: Result<Opened, OpenError>,
}

/// The scanner's state: lists, the shift lock, the audit log, what was seen last.
pub struct Scanner {
    /// Trust list and pinned roots.
    pub trust: TrustStore,
    /// Revocation lists.
    pub revocations: Revocations,
    /// The responder key, unlocked for a shift.
    pub shift: Shift,
    /// Language of the view.
    pub lang: Lang,
    /// This kiosk's id in audit rows.
    pub kiosk_id: String,
    /// The audit log.
    pub audit: AuditLog,
    /// The same card again within this time is not processed again.
    pub dedupe: Duration,
    last: Option<(String, Instant)>,
}

/// Why scanning stopped.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The audit log refused a row: the kiosk stops rather than show an unrecorded card.
    #[error("audit log: {0}")]
    Audit(#[from] helpcard_audit::AuditError),
}

impl Scanner {
    /// A scanner over these parts.
    pub fn new(
        trust: TrustStore,
        revocations: Revocations,
        shift: Shift,
        kiosk_id: String,
        audit: AuditLog,
    ) -> Scanner {
        Scanner {
            trust,
            revocations,
            shift,
            lang: Lang::Ja,
            kiosk_id,
            audit,
            dedupe: Duration::from_secs(5),
            last: None,
        }
    }

    /// Looks for a help card in `frame` with the reader's fast path; `None` when there is
    /// none, or it is the card just processed. See [`Scanner::process`].
    pub fn scan(&mut self, frame: &LumaFrame, now: UnixTime) -> Result<Option<Scanned>, ScanError> {
        match read(frame, Effort::Fast) {
            Some(text) => self.process(text, now),
            None => self.process_nothing(),
        }
    }

    /// A frame without a card (re-locking an idle shift is the timer's: `shift::relock_timer`).
    pub fn process_nothing(&mut self) -> Result<Option<Scanned>, ScanError> {
        Ok(None)
    }

    /// An audit row about the kiosk itself (no card): the shift unlocked or locked.
    pub fn record(&mut self, kind: &str, result: &str, detail: &str) -> Result<(), ScanError> {
        self.audit.append(&Event {
            at: crate::now().0,
            kind: kind.into(),
            actor: self.kiosk_id.clone(),
            card_id: None,
            issuer: None,
            result: result.into(),
            detail: detail.into(),
        })?;
        Ok(())
    }

    /// An audit row about a card already processed: the responder said why and the private
    /// part was shown (`private_open`, with `reason=…`).
    pub fn record_card(
        &mut self,
        kind: &str,
        card: (&str, &str),
        result: &str,
        detail: &str,
    ) -> Result<(), ScanError> {
        self.audit.append(&Event {
            at: crate::now().0,
            kind: kind.into(),
            actor: self.kiosk_id.clone(),
            card_id: Some(card.0.into()),
            issuer: Some(card.1.into()),
            result: result.into(),
            detail: detail.into(),
        })?;
        Ok(())
    }

    /// Processes a card's QR text (from either reader path): `None` if it is the card just
    /// processed. Every card processed is an audit row before it is returned. A card counts
    /// as activity for the shift lock, which is checked first (the timer may not have run yet).
    pub fn process(&mut self, text: String, now: UnixTime) -> Result<Option<Scanned>, ScanError> {
        let seen_at = Instant::now();
        self.shift.relock_if_idle(seen_at);
        if self
            .last
            .as_ref()
            .is_some_and(|(t, at)| *t == text && seen_at.duration_since(*at) < self.dedupe)
        {
            return Ok(None);
        }
        self.last = Some((text.clone(), seen_at));
        self.shift.touch(seen_at);
        let opened = card::open_text(
            &text,
            &self.trust,
            now,
            self.shift.keys(),
            Some(&self.revocations),
        );
        let card = opened
            .as_ref()
            .ok()
            .map(|o| (o.card_id.to_hex(), o.issuer.clone()));
        let view = CardView::new(&opened, self.lang);
        self.audit.append(&Event {
            at: now.0,
            kind: "scan".into(),
            actor: self.kiosk_id.clone(),
            card_id: card.as_ref().map(|c| c.0.clone()),
            issuer: card.as_ref().map(|c| c.1.clone()),
            result: view.verdict.code().into(),
            detail: format!(
                "status={} private={}",
                view.status,
                view.private_state.code()
            ),
        })?;
        Ok(Some(Scanned {
            event: CardEvent {
                event: "card",
                status: view.verdict.code(),
                card_id: card.map(|c| c.0),
                private: view.private_state,
                headline: view.headline,
            },
            opened,
        }))
    }
}
