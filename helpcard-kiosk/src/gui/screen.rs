//! The kiosk's screen: what it shows (state) and how (egui), apart from the window and the
//! threads, so that tests drive it through AccessKit with `egui_kittest`.
//!
//! Two views: *scanning* (camera preview with a scan box and the instruction) and *result*
//! (a verdict banner in its own colour, icon and words; the help asked for; the private part
//! grouped for a responder while it may be shown; the card's facts). Every element is an egui
//! widget with its text, so AccessKit gives a screen reader each of them.

use std::time::{Duration, Instant};

use eframe::egui::{self, Color32, RichText};
use helpcard_core::card::{Opened, PrivateOutcome};
use helpcard_core::error::OpenError;
use helpcard_core::view::{CardView, PrivateView, Verdict};
use helpcard_core::vocab::Lang;
use zeroize::Zeroizing;

use super::words::{LANGUAGES, Word, say};
use crate::capture::CameraState;
use crate::pipeline::Update;
use crate::scan::Scanned;
use crate::shift::UnlockError;
use helpcard_core::reason::{Given, Reason};

/// What the person at the screen asked for; the window carries it out.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Unlock the shift with this passphrase.
    Unlock(Zeroizing<String>),
    /// Lock the shift now.
    Lock,
    /// The responder said why they open this card's private part (card id, issuer): recorded
    /// before it is shown.
    Open(String, String, Given),
}

/// A result on screen.
struct Shown {
    opened: Result<Opened, OpenError>,
    /// The private part was hidden (time, button or inactivity) and its plaintext dropped.
    hidden: bool,
    /// Why it is open, once the responder said (nothing private is shown before).
    reason: Option<Given>,
    /// The words of an "other" reason being typed.
    other: String,
}

/// The screen's state.
pub struct Screen {
    /// The language shown.
    pub lang: Lang,
    /// The private part hides after this long without a touch.
    pub private_for: Duration,
    /// A result goes back to scanning after this long without a touch.
    pub result_for: Duration,
    camera: Option<CameraState>,
    lists_stale: bool,
    preview: Option<egui::TextureHandle>,
    stopped: bool,
    ended: bool,
    shown: Option<Shown>,
    unlocked: bool,
    can_unlock: bool,
    passphrase: Zeroizing<String>,
    unlock_error: Option<UnlockError>,
    last_touch: Instant,
    actions: Vec<Action>,
}

impl Screen {
    /// A scanning screen.
    pub fn new(lang: Lang, private_for: Duration, unlocked: bool, can_unlock: bool) -> Screen {
        Screen {
            lang,
            private_for,
            result_for: Duration::from_secs(60),
            camera: None,
            lists_stale: false,
            preview: None,
            stopped: false,
            ended: false,
            shown: None,
            unlocked,
            can_unlock,
            passphrase: Zeroizing::new(String::new()),
            unlock_error: None,
            last_touch: Instant::now(),
            actions: Vec::new(),
        }
    }

    /// Takes in what the scan worker reported.
    pub fn update(&mut self, update: Update, now: Instant) {
        match update {
            Update::Card(scanned) => {
                let Scanned { opened, .. } = *scanned;
                self.shown = Some(Shown {
                    opened,
                    hidden: false,
                    reason: None,
                    other: String::new(),
                });
                self.last_touch = now;
            }
            Update::Camera(state) => self.camera = Some(state),
            Update::End { .. } => self.ended = true,
            Update::Stopped(e) => {
                // The detail is for the administrator's log; the screen says what to do.
                eprintln!("helpcard-kiosk: stopped: {e}");
                self.stopped = true;
            }
        }
    }

    /// The lists' refresh: a problem stays on screen until a refresh succeeds.
    pub fn lists(&mut self, problems: &[String]) {
        self.lists_stale = !problems.is_empty();
    }

    /// The shift's state as the window learnt it (after an unlock, or a re-lock when idle).
    pub fn shift(&mut self, unlocked: bool, error: Option<UnlockError>) {
        self.unlocked = unlocked;
        self.unlock_error = error;
        if !unlocked {
            self.hide_private();
        }
    }

    /// The camera preview (the window updates the texture in place).
    pub fn set_preview(&mut self, texture: egui::TextureHandle) {
        self.preview = Some(texture);
    }

    /// True while the screen shows the shift unlocked.
    pub fn unlocked(&self) -> bool {
        self.unlocked
    }

    /// What the person asked for since the last call.
    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    /// True while a private part is on screen.
    pub fn private_visible(&self) -> bool {
        self.shown.as_ref().is_some_and(|s| {
            !s.hidden
                && s.reason.is_some()
                && matches!(&s.opened, Ok(o) if matches!(o.private, PrivateOutcome::Decrypted(_)))
        })
    }

    /// The reason was recorded (or could not be): the private part is shown, or stays closed.
    pub fn opened_because(&mut self, reason: Option<Given>) {
        if let Some(shown) = &mut self.shown {
            match reason {
                Some(r) => shown.reason = Some(r),
                None => {
                    shown.reason = None;
                    self.hide_private();
                }
            }
        }
    }

    /// Hides the private part and drops its plaintext.
    pub fn hide_private(&mut self) {
        if let Some(shown) = &mut self.shown
            && let Ok(o) = &mut shown.opened
            && matches!(o.private, PrivateOutcome::Decrypted(_))
        {
            o.private = PrivateOutcome::Locked;
            shown.hidden = true;
        }
    }

    /// Time passing: the private part hides after `private_for` without a touch, and the
    /// result returns to scanning after `result_for`.
    pub fn tick(&mut self, now: Instant) {
        let idle = now.saturating_duration_since(self.last_touch);
        if idle >= self.private_for {
            self.hide_private();
        }
        if idle >= self.result_for {
            self.shown = None;
        }
    }

    /// Draws the screen.
    pub fn show(&mut self, ui: &mut egui::Ui, now: Instant) {
        if ui.input(|i| i.pointer.any_down() || !i.events.is_empty()) {
            self.last_touch = now;
        }
        self.tick(now);
        egui::Panel::top("status").show(ui, |ui| self.status_bar(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if self.stopped {
                    banner(
                        ui,
                        Color32::from_rgb(0xb3, 0x26, 0x1e),
                        "×",
                        say(Word::AuditStopped, self.lang),
                    );
                } else if self.shown.is_some() {
                    self.result(ui, now);
                } else {
                    self.scanning(ui);
                }
            });
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.horizontal_wrapped(|ui| {
            for (l, name) in LANGUAGES {
                if ui.selectable_label(self.lang == l, name).clicked() {
                    self.lang = l;
                }
            }
            ui.separator();
            let (word, colour) = if self.unlocked {
                (Word::Unlocked, Color32::from_rgb(0x1b, 0x5e, 0x20))
            } else {
                (Word::Locked, Color32::from_rgb(0x55, 0x55, 0x55))
            };
            ui.label(RichText::new(say(word, lang)).color(colour));
            if self.unlocked {
                if ui.button(say(Word::Lock, lang)).clicked() {
                    self.actions.push(Action::Lock);
                }
            } else if self.can_unlock {
                let field = egui::TextEdit::singleline(&mut *self.passphrase)
                    .password(true)
                    .hint_text(say(Word::Passphrase, lang))
                    .desired_width(220.0);
                let response = ui
                    .add(field)
                    .labelled_by(ui.label(say(Word::Passphrase, lang)).id);
                let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button(say(Word::Unlock, lang)).clicked() || enter)
                    && !self.passphrase.is_empty()
                {
                    let pass = std::mem::take(&mut *self.passphrase);
                    self.actions.push(Action::Unlock(Zeroizing::new(pass)));
                }
            }
            if let Some(e) = &self.unlock_error {
                ui.label(RichText::new(e.message(lang)).color(Color32::from_rgb(0xb3, 0x26, 0x1e)));
            }
        });
        let camera = match &self.camera {
            Some(CameraState::Stalled { .. }) => Some(Word::CameraStalled),
            Some(CameraState::Failed { .. }) => Some(Word::CameraFailed),
            Some(CameraState::Unavailable { .. }) => Some(Word::CameraMissing),
            _ if self.ended => Some(Word::SourceEnded),
            _ => None,
        };
        for word in camera
            .into_iter()
            .chain(self.lists_stale.then_some(Word::ListsProblem))
        {
            ui.label(RichText::new(say(word, lang)).color(Color32::from_rgb(0x8a, 0x4b, 0x00)));
        }
    }

    fn scanning(&mut self, ui: &mut egui::Ui) {
        ui.vertical_centered(|ui| {
            ui.heading(say(Word::HoldCard, self.lang));
            if let Some(texture) = &self.preview {
                let size = texture.size_vec2();
                let scale = (ui.available_width() / size.x)
                    .min(ui.available_height().max(240.0) / size.y)
                    .min(1.5);
                let response = ui.add(
                    egui::Image::new(texture)
                        .fit_to_exact_size(size * scale)
                        .alt_text(say(Word::Preview, self.lang)),
                );
                // The scan box: where to hold the card.
                let r = response.rect;
                let side = r.height() * 0.7;
                let scan_box = egui::Rect::from_center_size(r.center(), egui::vec2(side, side));
                ui.painter().rect_stroke(
                    scan_box,
                    12.0,
                    egui::Stroke::new(6.0, Color32::from_rgb(0xff, 0xc1, 0x07)),
                    egui::StrokeKind::Outside,
                );
            }
        });
    }

    fn result(&mut self, ui: &mut egui::Ui, now: Instant) {
        let lang = self.lang;
        let left = self
            .private_for
            .saturating_sub(now.saturating_duration_since(self.last_touch));
        let Some(shown) = &mut self.shown else { return };
        let view = CardView::new(&shown.opened, lang);
        // A decrypted part waits for the responder to say why before anything in it shows.
        let gate = match (&view.private, shown.hidden, shown.reason.is_some()) {
            (Some(PrivateView::Shown(_)), false, false) => Gate::AskWhy,
            (_, true, _) => Gate::Hidden,
            _ => Gate::Open,
        };
        let (colour, icon) = verdict_style(view.verdict);
        banner(ui, colour, icon, view.headline);
        ui.label(RichText::new(view.advice).size(26.0));
        for notice in &view.notices {
            ui.label(
                RichText::new(format!("！ {}", notice.message))
                    .color(Color32::from_rgb(0x8a, 0x4b, 0x00))
                    .size(26.0),
            );
        }
        ui.add_space(12.0);
        let mut pressed = Pressed::default();
        let other = &mut shown.other;
        // Wide screens: the public part and the card on the left, the private part on the right.
        if ui.available_width() >= 1000.0 {
            ui.columns(2, |columns| {
                public_part(&mut columns[0], &view);
                card_facts(&mut columns[0], &view);
                private_part(
                    &mut columns[1],
                    &view,
                    gate,
                    left,
                    lang,
                    other,
                    &mut pressed,
                );
                pressed.next = next_button(&mut columns[1], lang);
            });
        } else {
            public_part(ui, &view);
            private_part(ui, &view, gate, left, lang, other, &mut pressed);
            card_facts(ui, &view);
            pressed.next = next_button(ui, lang);
        }
        if let (Some(reason), Some(card)) = (pressed.why.take(), &view.card) {
            self.actions.push(Action::Open(
                card.card_id.clone(),
                card.issuer.clone(),
                reason,
            ));
        }
        if pressed.hide || pressed.next {
            self.hide_private();
        }
        if pressed.next {
            self.shown = None;
        }
    }
}

/// Where the private part stands on screen.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Decrypted, waiting for the reason.
    AskWhy,
    /// Shown (or nothing to show).
    Open,
    /// Hidden again.
    Hidden,
}

/// The result screen's buttons.
#[derive(Default)]
struct Pressed {
    hide: bool,
    next: bool,
    /// The reason the responder chose.
    why: Option<Given>,
}

fn public_part(ui: &mut egui::Ui, view: &CardView) {
    let Some(public) = &view.public else { return };
    ui.heading(view.labels.help);
    for help in &public.help {
        ui.label(
            RichText::new(format!("・{}", help.label))
                .size(40.0)
                .strong(),
        );
    }
    if !public.message.is_empty() {
        ui.add_space(8.0);
        ui.label(RichText::new(view.labels.message).size(24.0).weak());
        ui.label(RichText::new(public.message.as_str()).size(34.0));
    }
}

fn private_part(
    ui: &mut egui::Ui,
    view: &CardView,
    gate: Gate,
    left: Duration,
    lang: Lang,
    other: &mut String,
    pressed: &mut Pressed,
) {
    let note = |ui: &mut egui::Ui, text: &str| {
        ui.label(RichText::new(text).size(26.0));
    };
    let hidden = gate == Gate::Hidden;
    match &view.private {
        Some(PrivateView::Shown(_)) if gate == Gate::AskWhy => {
            ui.heading(view.labels.private);
            note(ui, say(Word::ChooseReason, lang));
            for reason in Reason::ALL {
                if reason == Reason::Other {
                    ui.horizontal_wrapped(|ui| {
                        let field = egui::TextEdit::singleline(other)
                            .hint_text(say(Word::OtherReason, lang))
                            .desired_width(320.0);
                        let response = ui
                            .add(field)
                            .labelled_by(ui.label(say(Word::OtherReason, lang)).id);
                        let enter =
                            response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                        let given = Given::parse(reason.code(), other).ok();
                        let button = ui.add_enabled(
                            given.is_some(),
                            egui::Button::new(RichText::new(reason.label(lang)).size(28.0)),
                        );
                        if button.clicked() || (enter && given.is_some()) {
                            pressed.why = given;
                        }
                    });
                } else if ui
                    .button(RichText::new(reason.label(lang)).size(30.0))
                    .clicked()
                {
                    pressed.why = Given::parse(reason.code(), "").ok();
                }
            }
        }
        Some(PrivateView::Shown(_)) => {
            egui::Frame::new()
                .fill(Color32::from_rgb(0xe8, 0xf0, 0xfe))
                .inner_margin(16.0)
                .corner_radius(8.0)
                .show(ui, |ui| {
                    ui.heading(view.labels.private);
                    ui.horizontal(|ui| {
                        ui.label(format!("{} {}", say(Word::HidesIn, lang), left.as_secs()));
                        pressed.hide = ui.button(say(Word::HideNow, lang)).clicked();
                    });
                    for section in &view.private_sections {
                        ui.add_space(8.0);
                        ui.label(RichText::new(section.title).size(30.0).strong());
                        // Wrapped, not a grid: a long value (a list of help) must not run off
                        // the screen.
                        for item in &section.items {
                            ui.horizontal_wrapped(|ui| {
                                ui.label(RichText::new(item.label).weak());
                                ui.label(item.value.as_str());
                            });
                        }
                    }
                });
        }
        Some(PrivateView::Locked) if hidden => note(ui, view.labels.private_hidden),
        Some(PrivateView::Locked) => note(
            ui,
            &format!(
                "{} {}",
                view.labels.private_locked,
                say(Word::UnlockToShow, lang)
            ),
        ),
        Some(PrivateView::Failed { message, .. }) => note(ui, message),
        _ => {}
    }
}

fn card_facts(ui: &mut egui::Ui, view: &CardView) {
    let Some(card) = &view.card else { return };
    ui.add_space(16.0);
    ui.label(RichText::new(view.labels.card).size(24.0).weak());
    egui::Grid::new("card facts").num_columns(2).show(ui, |ui| {
        for (label, value) in [
            (view.labels.issuer, &card.issuer_name),
            (view.labels.card_id, &card.card_id),
            (view.labels.valid_until, &card.valid_until),
            (view.labels.written, &card.written),
        ] {
            ui.label(RichText::new(label).weak());
            ui.label(value.as_str());
            ui.end_row();
        }
    });
    if let Some(note) = &card.age_note {
        ui.label(
            RichText::new(format!("！ {note}"))
                .color(Color32::from_rgb(0x8a, 0x4b, 0x00))
                .size(22.0),
        );
    }
}

fn next_button(ui: &mut egui::Ui, lang: Lang) -> bool {
    ui.add_space(16.0);
    ui.button(RichText::new(say(Word::NextCard, lang)).size(30.0))
        .clicked()
}

/// The verdict's colour and icon: ○ verified, △ verified with something to know or out of
/// date, × refused, ？ not known or not readable (the marks Japanese forms use).
pub fn verdict_style(verdict: Verdict) -> (Color32, &'static str) {
    match verdict {
        Verdict::Verified => (Color32::from_rgb(0x1b, 0x7f, 0x3b), "○"),
        Verdict::VerifiedWithWarning => (Color32::from_rgb(0x9a, 0x67, 0x00), "△"),
        Verdict::Expired | Verdict::PreRelease => (Color32::from_rgb(0xa3, 0x4f, 0x00), "△"),
        Verdict::Revoked | Verdict::Tampered => (Color32::from_rgb(0xb3, 0x26, 0x1e), "×"),
        _ => (Color32::from_rgb(0x4a, 0x4a, 0x6a), "？"),
    }
}

fn banner(ui: &mut egui::Ui, colour: Color32, icon: &str, words: &str) {
    egui::Frame::new()
        .fill(colour)
        .inner_margin(20.0)
        .corner_radius(8.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("{icon}  {words}"))
                    .size(52.0)
                    .color(Color32::WHITE)
                    .strong(),
            );
        });
}

#[cfg(test)]
#[path = "screen_tests.rs"]
mod tests;
