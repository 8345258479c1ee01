//! [`Scanner`]: opening, verifying and decrypting cards in the page (feature `view`).

use helpcard_core::card::{self, Opened};
use helpcard_core::cose::ContentKey;
use helpcard_core::date::UnixTime;
use helpcard_core::error::OpenError;
use helpcard_core::keys::{Role, VerifyingKey};
use helpcard_core::qrtext;
use helpcard_core::trust::{RevocationFloor, Revocations, TrustStore};
use helpcard_core::view::CardView;
use helpcard_core::vocab::Lang;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

fn lang(code: &str) -> Lang {
    match code {
        "en" => Lang::En,
        "easy-ja" => Lang::EasyJa,
        _ => Lang::Ja,
    }
}

fn time(now_ms: f64) -> UnixTime {
    UnixTime((now_ms.max(0.0) / 1000.0) as u64)
}

fn view_json(result: &Result<Opened, OpenError>, code: &str) -> String {
    serde_json::to_string(&CardView::new(result, lang(code))).unwrap_or_default()
}

/// A scanner's state in the page: what it trusts and the card it has open.
#[wasm_bindgen]
pub struct Scanner {
    trust: TrustStore,
    revocations: Revocations,
    opened: Option<Opened>,
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
            opened: None,
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
            opened: None,
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
    pub fn open(&mut self, text: &str, now_ms: f64, lang: &str) -> String {
        let result = qrtext::decode(text)
            .map_err(OpenError::from)
            .and_then(|bytes| {
                card::open(
                    &bytes,
                    &self.trust,
                    time(now_ms),
                    None,
                    Some(&self.revocations),
                )
            });
        let json = view_json(&result, lang);
        self.opened = result.ok();
        json
    }

    /// Decrypts the open card's private part with the 32-byte content key (hex) the key
    /// service returned: the card view with the private part, as JSON.
    pub fn decrypt(&mut self, content_key_hex: &str, lang: &str) -> Result<JsValue, JsError> {
        let opened = self
            .opened
            .as_mut()
            .ok_or_else(|| JsError::new("no card is open"))?;
        let key: [u8; 32] = hex::decode(content_key_hex)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| JsError::new("the content key is not 32 bytes of hex"))?;
        let _ = opened.decrypt_with_content_key(&ContentKey::from_bytes(key));
        // The JSON holds the private part: written into one buffer large enough for any card
        // (no reallocation leaves a copy behind), copied into a JS string, then wiped.
        let mut json = Zeroizing::new(Vec::with_capacity(1 << 16));
        serde_json::to_writer(&mut *json, &CardView::opened(opened, self::lang(lang)))
            .map_err(|e| JsError::new(&e.to_string()))?;
        let text = std::str::from_utf8(&json).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(JsValue::from_str(text))
    }

    /// Forgets the open card (its private part included): called when the page is hidden or
    /// idle.
    pub fn forget(&mut self) {
        self.opened = None;
    }
}
