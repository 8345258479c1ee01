//! `helpcard qr read` end to end: a rendered card code, a blank image, an unloadable file.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use helpcard_core::qrtext;
use helpcard_qr::{self as qr, EcLevel};

#[test]
fn reads_codes_reports_blank_images_and_fails_on_unloadable_files() {
    let dir = std::env::temp_dir().join(format!("helpcard-qr-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &[7; 120]).unwrap();
    let card = dir.join("card.png");
    std::fs::write(
        &card,
        qr::symbol(&text, EcLevel::M).unwrap().to_png(4, None),
    )
    .unwrap();
    let blank = dir.join("blank.png");
    // An all-white symbol renders as a blank PNG.
    let white = qr::Symbol {
        version: 1,
        ec_level: EcLevel::M,
        width: 21,
        modules: vec![false; 21 * 21],
    };
    std::fs::write(&blank, white.to_png(3, None)).unwrap();
    let broken = dir.join("broken.png");
    std::fs::write(&broken, b"not a png").unwrap();

    let run = |args: &[&std::path::Path]| {
        Command::new(env!("CARGO_BIN_EXE_helpcard"))
            .arg("qr")
            .arg("read")
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&[&card, &blank]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stdout = String::from_utf8(ok.stdout).unwrap();
    assert_eq!(
        stdout,
        format!("{}\t{text}\n{}\t-\n", card.display(), blank.display())
    );

    let bad = run(&[&broken, &card]);
    assert!(!bad.status.success());
    let stdout = String::from_utf8(bad.stdout).unwrap();
    assert_eq!(
        stdout,
        format!("{}\t{text}\n", card.display()),
        "the other images are still read"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("broken.png"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_written_code_reads_back_and_bad_arguments_are_errors() {
    let dir = std::env::temp_dir().join(format!("helpcard-qr-write-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = qrtext::encode(qrtext::DEFAULT_PREFIX, &[9; 300]).unwrap();
    let png = dir.join("again.png");
    let helpcard = || Command::new(env!("CARGO_BIN_EXE_helpcard"));
    let out = helpcard()
        .args(["qr", "write", &text, "--out"])
        .arg(&png)
        .args(["--pixels-per-module", "3"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = helpcard().args(["qr", "read"]).arg(&png).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&read.stdout),
        format!("{}\t{text}\n", png.display())
    );
    // Too much text for any card code, and an unwritable path: errors, no file.
    let huge = "9".repeat(20_000);
    let out = helpcard()
        .args(["qr", "write", &huge, "--out"])
        .arg(dir.join("huge.png"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.join("huge.png").exists());
    let out = helpcard()
        .args(["qr", "write", &text, "--out", "/nonexistent/dir/x.png"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/dir/x.png"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A Japanese code as most are made: Shift_JIS bytes in a byte segment, no ECI. `qr read`
/// prints its Japanese (it printed "Google ���o�C��" when the reader returned bytes).
#[test]
fn a_shift_jis_code_prints_as_japanese() {
    let dir = std::env::temp_dir().join(format!("helpcard-qr-sjis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bits = qrcode::bits::Bits::new(qrcode::Version::Normal(4));
    bits.push_byte_data(b"Google \x83\x82\x83o\x83C\x83\x8b\r\nhttp://google.jp")
        .unwrap();
    bits.push_terminator(qrcode::EcLevel::M).unwrap();
    let code = qrcode::QrCode::with_bits(bits, qrcode::EcLevel::M).unwrap();
    let symbol = qr::Symbol {
        version: 4,
        ec_level: EcLevel::M,
        width: code.width(),
        modules: code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect(),
    };
    let png = dir.join("japanese.png");
    std::fs::write(&png, symbol.to_png(4, None)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_helpcard"))
        .args(["qr", "read"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\tGoogle モバイル\\r\\nhttp://google.jp\n", png.display())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
