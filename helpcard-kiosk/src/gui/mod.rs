//! The full-screen window (eframe, OpenGL through glow): the screen of [`screen`], fed by the
//! scan worker and the list refresh through a channel, and the shift lock carried out on a
//! thread of its own (unlocking runs Argon2id, about a second).

pub mod screen;
pub mod words;

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use eframe::egui;
use helpcard_core::vocab::Lang;
use helpcard_qr::LumaFrame;

use crate::pipeline::{self, Update};
use crate::shift::UnlockError;
use crate::{Kiosk, capture, lists};
use screen::{Action, Screen};

/// What reaches the window from the other threads.
enum Message {
    Update(Update),
    Lists(Vec<String>),
    Shift(bool, Option<UnlockError>),
}

/// The window's options beyond the kiosk's.
pub struct WindowOptions {
    /// The first language.
    pub lang: Lang,
    /// Save a PNG of the first result screen here, then close (documentation and tests).
    pub screenshot: Option<PathBuf>,
}

/// Loads the bundled face (BIZ UDGothic, a universal-design face with every kana and jōyō
/// kanji) ahead of egui's own fonts, so the screen is the same on every kiosk.
pub fn install_font(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        helpcard_font::NAME.into(),
        Arc::new(egui::FontData::from_static(helpcard_font::BIZ_UD_GOTHIC)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .insert(0, helpcard_font::NAME.into());
    }
    ctx.set_fonts(fonts);
    ctx.global_style_mut(|style| {
        use egui::{FontFamily::Proportional, FontId, TextStyle};
        style.text_styles = [
            (TextStyle::Heading, FontId::new(40.0, Proportional)),
            (TextStyle::Body, FontId::new(28.0, Proportional)),
            (TextStyle::Button, FontId::new(28.0, Proportional)),
            (TextStyle::Small, FontId::new(20.0, Proportional)),
            (
                TextStyle::Monospace,
                FontId::new(26.0, egui::FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.button_padding = egui::vec2(16.0, 10.0);
    });
    ctx.set_visuals(egui::Visuals::light());
}

/// Runs the kiosk's window until it is closed.
pub fn run(kiosk: Kiosk, window: WindowOptions) -> Result<(), String> {
    let viewport = egui::ViewportBuilder::default()
        .with_title("ヘルプカード 読み取り端末 (helpcard-kiosk)")
        .with_inner_size([1280.0, 800.0])
        .with_fullscreen(kiosk.options.fullscreen);
    let native = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "helpcard-kiosk",
        native,
        Box::new(move |cc| {
            install_font(&cc.egui_ctx);
            Ok(Box::new(App::start(kiosk, window, cc.egui_ctx.clone())))
        }),
    )
    .map_err(|e| format!("the screen could not start: {e} (画面を表示できません)"))
}

struct App {
    screen: Screen,
    shared: Arc<pipeline::Shared>,
    messages: Receiver<Message>,
    sender: Sender<Message>,
    preview: Option<(Arc<LumaFrame>, egui::TextureHandle)>,
    screenshot: Option<PathBuf>,
    /// A card has been shown (the screenshot waits for one).
    card_seen: bool,
}

impl App {
    fn start(kiosk: Kiosk, window: WindowOptions, ctx: egui::Context) -> App {
        let Kiosk {
            shared,
            opener,
            refresh,
            startup_lists,
            forward,
            options,
        } = kiosk;
        if let Some((forwarder, every)) = forward {
            crate::forward::every(forwarder, every, |round| {
                if let Err(e) = round {
                    eprintln!("helpcard-kiosk: forwarding audit rows: {e}");
                }
            });
        }
        let (sender, messages) = mpsc::channel();
        let (unlocked, can_unlock) = {
            let scanner = shared.scanner();
            (scanner.shift.is_unlocked(), scanner.shift.can_unlock())
        };
        let mut screen = Screen::new(window.lang, options.private_for, unlocked, can_unlock);
        screen.lists(&startup_lists.problems);
        if let Some(r) = refresh {
            let (tx, ctx) = (sender.clone(), ctx.clone());
            lists::refresh_every(shared.clone(), r.source, r.every, r.state, move |s| {
                ctx.request_repaint();
                tx.send(Message::Lists(s.problems)).is_ok()
            });
        }
        crate::shift::relock_timer(shared.clone(), Duration::from_secs(1));
        let captured = capture::spawn(opener, options.watchdog);
        let (tx, worker_shared) = (sender.clone(), shared.clone());
        let spawned = std::thread::Builder::new()
            .name("scan worker".into())
            .spawn(move || {
                pipeline::run(&worker_shared, captured, options.thorough_every, |update| {
                    ctx.request_repaint();
                    tx.send(Message::Update(update)).is_ok()
                });
            });
        if let Err(e) = spawned {
            screen.update(Update::Stopped(e.to_string()), Instant::now());
        }
        App {
            screen,
            shared,
            messages,
            sender,
            preview: None,
            screenshot: window.screenshot,
            card_seen: false,
        }
    }

    /// The newest camera frame as a texture, at most 640 pixels wide (a preview needs no
    /// more, and the upload stays cheap).
    fn refresh_preview(&mut self, ctx: &egui::Context) {
        let frame = self
            .shared
            .preview
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(frame) = frame else { return };
        if self
            .preview
            .as_ref()
            .is_some_and(|(f, _)| Arc::ptr_eq(f, &frame))
        {
            return;
        }
        let step = frame.width.div_ceil(640).max(1);
        let (w, h) = (frame.width / step, frame.height / step);
        let mut grey = Vec::with_capacity(w * h);
        for y in 0..h {
            let row = &frame.pixels[y * step * frame.width..];
            grey.extend((0..w).map(|x| row[x * step]));
        }
        let image = egui::ColorImage::from_gray([w, h], &grey);
        match &mut self.preview {
            Some((f, texture)) => {
                texture.set(image, egui::TextureOptions::LINEAR);
                *f = frame;
            }
            None => {
                let texture =
                    ctx.load_texture("camera preview", image, egui::TextureOptions::LINEAR);
                self.screen.set_preview(texture.clone());
                self.preview = Some((frame, texture));
            }
        }
    }

    fn carry_out(&mut self, action: Action) {
        let shared = self.shared.clone();
        let tx = self.sender.clone();
        match action {
            Action::Lock => {
                shared.scanner().shift.lock();
                self.screen.shift(false, None);
            }
            Action::Open(card_id, issuer, reason) => {
                // Recorded before anything private shows: an opening not in the log does not
                // happen.
                let recorded = shared.scanner().record_card(
                    "private_open",
                    (&card_id, &issuer),
                    "granted",
                    &reason.detail(),
                );
                match recorded {
                    Ok(()) => self.screen.opened_because(Some(reason)),
                    Err(e) => {
                        self.screen.opened_because(None);
                        self.screen
                            .update(Update::Stopped(e.to_string()), Instant::now());
                    }
                }
            }
            Action::Unlock(passphrase) => {
                let spawned = std::thread::Builder::new()
                    .name("shift unlock".into())
                    .spawn(move || {
                        let result = crate::shift::unlock(&shared, &passphrase);
                        let _ = tx.send(Message::Shift(result.is_ok(), result.err()));
                    });
                if let Err(e) = spawned {
                    self.screen
                        .shift(false, Some(UnlockError::System(e.to_string())));
                }
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let now = Instant::now();
        while let Ok(message) = self.messages.try_recv() {
            match message {
                Message::Update(u) => {
                    if matches!(u, Update::Card(_)) {
                        self.card_seen = true;
                    }
                    self.screen.update(u, now);
                }
                Message::Lists(problems) => self.screen.lists(&problems),
                Message::Shift(unlocked, error) => self.screen.shift(unlocked, error),
            }
        }
        // The worker re-locks an idle shift; learn of it without waiting for the scanner.
        let unlocked = self
            .shared
            .scanner
            .try_lock()
            .ok()
            .map(|scanner| scanner.shift.is_unlocked());
        if let Some(unlocked) = unlocked
            && unlocked != self.screen.unlocked()
        {
            self.screen.shift(unlocked, None);
        }
        let ctx = ui.ctx().clone();
        // Staff quit with Ctrl+Q; a kiosk has no close button to touch by mistake.
        if ctx.input(|i| i.modifiers.ctrl && i.key_pressed(egui::Key::Q)) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        self.refresh_preview(&ctx);
        self.screen.show(ui, now);
        for action in self.screen.take_actions() {
            self.shared.scanner().shift.touch(now);
            self.carry_out(action);
        }
        if let Some(path) = self.screenshot.take_if(|_| self.card_seen) {
            let close = ctx.clone();
            ctx.request_screenshot(move |image| {
                if let Err(e) = save_png(&path, &image) {
                    eprintln!("helpcard-kiosk: {}: {e}", path.display());
                }
                close.send_viewport_cmd(egui::ViewportCommand::Close);
                close.request_repaint();
            });
        }
        // A live preview, and the private part's countdown.
        ctx.request_repaint_after(Duration::from_millis(33));
    }
}

fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut encoder = png::Encoder::new(
        std::io::BufWriter::new(file),
        image.size[0] as u32,
        image.size[1] as u32,
    );
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(image.as_raw())
        .map_err(|e| e.to_string())
}
