//! [`Scanner`]: opening, verifying and decrypting cards in the page (feature `view`).

use helpcard_core::card::{self, Opened};
use helpcard_core::cose::ContentKey;
use helpcard_core::date::UnixTime;
use helpcard_core::error::OpenError;
use helpcard_core::keys::{Role, VerifyingKey};
use helpcard_core::trust::{RevocationFloor, Revocations, TrustStore};
use helpcard_core::view::{CardView, Labels};
use helpcard_core::vocab::Lang;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

/// The language of a code (`ja`, `en`, `easy-ja`); Japanese for any other.
fn lang(code: &str) -> Lang {
    Lang::from_code(code).unwrap_or_default()
}

fn time(now_ms: f64) -> UnixTime {
    UnixTime((now_ms.max(0.0) / 1000.0) as u64)
}

/// The view's own words (`helpcard_core::view::Labels`) in `lang`, as JSON: the page's headings
/// before any card is open.
#[wasm_bindgen]
pub fn labels(lang: &str) -> String {
    serde_json::to_string(Labels::of(self::lang(lang))).unwrap_or_default()
}

/// The reasons a responder chooses from before a private part is fetched, as JSON
/// `[{"code", "label"}]` in `lang`.
#[wasm_bindgen]
pub fn reasons(lang: &str) -> String {
    // Written out rather than through `serde_json::Value`, whose number formatting would be a
    // few kilobytes of the page's download for two strings.
    let json = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let items: Vec<String> = helpcard_core::reason::Reason::ALL
        .iter()
        .map(|r| {
            let (code, label) = (json(r.code()), json(r.label(self::lang(lang))));
            format!(r#"{{"code":{code},"label":{label}}}"#)
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// The words for a key service's refusal code (its answer's `error`) in `lang`.
#[wasm_bindgen]
pub fn refusal_words(code: &str, lang: &str) -> String {
    helpcard_core::refusal::words(code, self::lang(lang))
}

/// A scanner's state in the page: what it trusts and the card it has open.
#[wasm_bindgen]
pub struct Scanner {
    trust: TrustStore,
    revocations: Revocations,
    /// The card it holds: opened, or refused (a language switch shows either again).
    card: Option<Result<Opened, OpenError>>,
}

#[wasm_bindgen]
impl Scanner {
    /// A scanner pinning the root public key (the key file's JSON text).
    #[wasm_bindgen(constructor)]
    pub fn new(root_key_file: &str) -> Result<Scanner, JsError> {
        let root = VerifyingKey::from_file(root_key_file, Role::Root)
            .map_err(|e| JsError::new(&format!("root key: {e}")))?;
        Ok(Scanner {
            trust: TrustStore::new(vec![root]),
            revocations: Revocations::new(),
            card: None,
        })
    }

    /// A scanner pinning the root public key given as 64 hex digits (as the test vectors
    /// and `helpcard keys show` print it).
    #[wasm_bindgen(js_name = withRootKey)]
    pub fn with_root_key(public_hex: &str) -> Result<Scanner, JsError> {
        let bytes: [u8; 32] = hex::decode(public_hex)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| JsError::new("root key: not 32 bytes of hex"))?;
        let root = VerifyingKey::from_bytes(&bytes)
            .map_err(|e| JsError::new(&format!("root key: {e}")))?;
        Ok(Scanner {
            trust: TrustStore::new(vec![root]),
            revocations: Revocations::new(),
            card: None,
        })
    }

    /// Loads a signed trust list: refused if not signed by the root, expired at `now_ms`, or
    /// older than the one held. Returns its sequence number.
    pub fn load_trust(&mut self, bytes: &[u8], now_ms: f64) -> Result<f64, JsError> {
        self.trust
            .load(bytes, time(now_ms))
            .map_err(|e| JsError::new(&format!("{}: {e}", e.code())))?;
        Ok(self.trust.list().map_or(0.0, |l| l.sequence as f64))
    }

    /// Remembered floors (JSON `{issuer: {counter, revoked_before}}`, from IndexedDB): lists
    /// below them are refused as rollbacks. Call before loading revocation lists.
    pub fn set_floors(&mut self, json: &str) -> Result<(), JsError> {
        let floors: std::collections::HashMap<String, RevocationFloor> =
            serde_json::from_str(json).map_err(|e| JsError::new(&format!("floors: {e}")))?;
        self.revocations = Revocations::with_floors(floors);
        Ok(())
    }

    /// The floors to remember (JSON), after lists were loaded.
    pub fn floors(&self) -> String {
        serde_json::to_string(self.revocations.floors()).unwrap_or_default()
    }

    /// Loads a signed revocation list (see SPEC.md §11 for every refusal).
    pub fn load_revocations(&mut self, bytes: &[u8], now_ms: f64) -> Result<(), JsError> {
        self.revocations
            .load(bytes, &self.trust, time(now_ms))
            .map(|_| ())
            .map_err(|e| JsError::new(&format!("{}: {e}", e.code())))
    }

    /// Opens a card from its QR text (or a URL whose fragment holds it) as of `now_ms`:
    /// the card view as JSON, in `lang` (`ja`, `en`, `easy-ja`). The private part stays sealed
    /// until [`Scanner::decrypt`].
    pub fn open(&mut self, text: &str, now_ms: f64, lang: &str) -> JsValue {
        let result = card::open_text(
            text,
            &self.trust,
            time(now_ms),
            None,
            Some(&self.revocations),
        );
        self.card = Some(result);
        self.view(lang)
    }

    /// Decrypts the open card's private part with the 32-byte content key (hex) the key
    /// service returned: the card view with the private part, as JSON.
    pub fn decrypt(&mut self, content_key_hex: &str, lang: &str) -> Result<JsValue, JsError> {
        let Some(Ok(opened)) = self.card.as_mut() else {
            return Err(JsError::new("no card is open"));
        };
        let key: [u8; 32] = hex::decode(content_key_hex)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| JsError::new("the content key is not 32 bytes of hex"))?;
        let _ = opened.decrypt_with_content_key(&ContentKey::from_bytes(key));
        Ok(self.view(lang))
    }

    /// The card it holds, as JSON, in `lang`: the same card again (its private part too, if it
    /// was decrypted) for a language switch. `undefined` when no card is held.
    pub fn view(&self, lang: &str) -> JsValue {
        let Some(result) = self.card.as_ref() else {
            return JsValue::UNDEFINED;
        };
        // The JSON may hold the private part: written into one buffer large enough for any
        // card (no reallocation leaves a copy behind), copied into a JS string, then wiped.
        let mut json = Zeroizing::new(Vec::with_capacity(1 << 16));
        match serde_json::to_writer(&mut *json, &CardView::new(result, self::lang(lang))) {
            Ok(()) => std::str::from_utf8(&json).map_or(JsValue::UNDEFINED, JsValue::from_str),
            Err(_) => JsValue::UNDEFINED,
        }
    }

    /// Hides the decrypted private part (wiped): the card stays open, its private part locked
    /// until it is decrypted again. Called when the page is hidden or idle.
    pub fn seal(&mut self) {
        if let Some(Ok(opened)) = self.card.as_mut() {
            opened.seal();
        }
    }

    /// Forgets the open card (its private part included): called when the page is hidden or
    /// idle.
    pub fn forget(&mut self) {
        self.card = None;
    }
}
