//! `helpcard qr read IMAGE...` and `helpcard qr write TEXT --out PNG`.

use std::io::Write;
use std::path::{Path, PathBuf};

use helpcard_qr::{self as qr, Effort};

/// Escapes the decoded text so one code is exactly one line, and a foreign code's text cannot
/// drive the terminal: `\\`, `\t`, `\r`, `\n`, and every other control or text-direction
/// character as `\u{…}`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if helpcard_core::profile::unsafe_for_display(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

fn read_one(path: &Path) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let frame = qr::decode_luma(&bytes)
        .map_err(|e| format!("{}: cannot load image: {e}", path.display()))?;
    let luma = frame
        .image()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let codes =
        qr::read(&luma, Effort::Thorough).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(codes.into_iter().map(|c| escape(&c)).collect())
}

pub fn run(images: &[PathBuf]) -> Result<(), String> {
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in images {
        match read_one(path) {
            Ok(texts) if texts.is_empty() => writeln!(out, "{}\t-", path.display()),
            Ok(texts) => texts
                .iter()
                .try_for_each(|t| writeln!(out, "{}\t{t}", path.display())),
            Err(e) => {
                eprintln!("helpcard: {e}");
                failed += 1;
                Ok(())
            }
        }
        .map_err(|e| format!("writing output: {e}"))?;
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} images could not be loaded",
            images.len()
        ));
    }
    Ok(())
}

/// Writes the card symbol for `text` as a PNG of `ppm` pixels per module.
pub fn write(text: &str, out: &Path, ppm: usize) -> Result<(), String> {
    let symbol = qr::card_symbol(text).map_err(|e| e.to_string())?;
    std::fs::write(out, symbol.to_png(ppm, None)).map_err(|e| format!("{}: {e}", out.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_control_characters() {
        assert_eq!(escape("a\\b\tc\r\nd"), "a\\\\b\\tc\\r\\nd");
        assert_eq!(escape("ヘルプ"), "ヘルプ");
        assert_eq!(escape("\u{1b}[2J\u{202e}"), "\\u{001b}[2J\\u{202e}");
    }
}
