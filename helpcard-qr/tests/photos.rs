//! Real photographs the reader once printed wrongly or could not read (issue 27), read through
//! the thorough path (what `helpcard qr read` uses) and compared exactly with their expected
//! text. The photos are the shared dataset's (`../shared/datasets/qr-photos`, ZXing's black-box
//! set, Apache-2.0; `HELPCARD_QR_PHOTOS` to put it elsewhere): like the advisory snapshot, a
//! missing dataset fails the test rather than skipping it.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use helpcard_qr::{Effort, LumaImage, read};

fn dataset() -> PathBuf {
    let dir = std::env::var_os("HELPCARD_QR_PHOTOS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets/qr-photos"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "{}: the shared photo dataset is missing (set HELPCARD_QR_PHOTOS)",
        dir.display()
    );
    dir
}

/// The texts the thorough path reads in `set/name.png`, and the expected one.
fn read_photo(set: &str, name: &str) -> (Vec<String>, String) {
    let dir = dataset().join(set);
    let img = image::open(dir.join(format!("{name}.png")))
        .unwrap()
        .to_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px = img.into_raw();
    let texts = read(&LumaImage::new(w, h, &px).unwrap(), Effort::Thorough).unwrap();
    let expected = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
    (texts, expected)
}

/// Shift_JIS byte segments without an ECI: printed as mojibake when the reader returned bytes.
#[test]
fn japanese_codes_read_as_japanese() {
    for name in ["10", "17", "18", "19", "20", "21", "24", "27", "29"] {
        let (texts, expected) = read_photo("qrcode-2", name);
        assert_eq!(texts, [expected], "qrcode-2/{name}");
    }
}

/// Codes printed on cloth and photographed bent: no engine read them (zxing-cpp 3.1.1 neither)
/// until the thorough path refined its grid tile by tile.
#[test]
fn codes_on_bent_cloth_read_on_the_thorough_path() {
    for name in ["05", "06", "30", "32"] {
        let (texts, expected) = read_photo("qrcode-4", name);
        assert_eq!(texts, [expected], "qrcode-4/{name}");
    }
}
