//! The Japanese font every helpcard front end uses unless told otherwise: **BIZ UDGothic**
//! Regular, a universal-design face made for readers with low vision and dyslexia (clear
//! counters, distinct 濁点 and 半濁点), by Morisawa, under the SIL Open Font License 1.1.
//!
//! It is compiled into the binaries so that a card PDF or the kiosk screen looks the same on
//! every machine and needs no font package: the CLI embeds a subset of it in each PDF, the kiosk
//! gives it to its GUI. The OFL allows bundling with software; the licence travels with it as
//! [`LICENSE`], and the font keeps its name (we do not modify it, so no Reserved Font Name applies).
//!
//! The file is BIZUDGothic-Regular.ttf 1.05 as packaged by Debian (`fonts-morisawa-bizud-gothic`
//! 1.05-2), SHA-256 `1e190f86ee44b54e999a02c3cd34c4fd4805aa1e9b08849332c3b573c8c869fc`.

#![forbid(unsafe_code)]

/// The font file: a single TrueType face (not a collection), 4.6 MB.
pub const BIZ_UD_GOTHIC: &[u8] = include_bytes!("../fonts/BIZUDGothic-Regular.ttf");

/// The font's display name, for "font:" lines in reports and screens.
pub const NAME: &str = "BIZ UDGothic";

/// The font's licence (SIL Open Font License 1.1) with its copyright line, to ship beside
/// anything that carries the font.
pub const LICENSE: &str = include_str!("../fonts/OFL.txt");

#[cfg(test)]
mod tests;
