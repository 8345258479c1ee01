//! Browser scanner bindings. Not built yet: the WASM bindings and the static web app come
//! with their own issue. This crate exists so the workspace layout is final and so CI proves
//! the core links into a `cdylib` for `wasm32-unknown-unknown`.

/// Decodes help-card QR text to card bytes (the first step of every scan).
pub fn decode_qr_text(text: &str) -> Result<Vec<u8>, String> {
    helpcard_core::qrtext::decode(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_and_rejects() {
        assert_eq!(super::decode_qr_text("HTTPS://X/#1001"), Ok(vec![1]));
        assert!(super::decode_qr_text("HTTPS://X/").is_err());
    }
}
