use super::*;
use helpcard_core::date::UnixTime;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::profile::Profile;
use helpcard_core::trust::CardId;

#[test]
fn the_lock_screen_image_holds_the_help_and_a_code_that_reads_back() {
    let text = "HTTPS://HELPCARD.EXAMPLE/S/#0123456789012345678901234567890123456789";
    let symbol = helpcard_qr::card_symbol(text).unwrap();
    let profile =
        Profile::load_toml(REFERENCE_PROFILES[0].1, UnixTime(1_790_000_000).date()).unwrap();
    let face = crate::layout::face(
        &profile,
        &symbol,
        "武蔵野市",
        CardId([1; 8]),
        UnixTime(1_900_000_000),
    );
    let doc = Document::new(helpcard_font::BIZ_UD_GOTHIC).unwrap();
    let png = image(&doc, helpcard_font::BIZ_UD_GOTHIC, &face).unwrap();
    if let Ok(dir) = std::env::var("HELPCARD_SHOTS") {
        std::fs::write(std::path::Path::new(&dir).join("phone.png"), &png).unwrap();
    }
    let frame = helpcard_qr::decode_luma(&png).unwrap();
    assert_eq!((frame.width, frame.height), (WIDTH, HEIGHT));
    let luma = frame.image().unwrap();
    assert_eq!(
        helpcard_qr::read(&luma, helpcard_qr::Effort::Fast).unwrap(),
        vec![text.to_owned()]
    );
    if let Ok(dir) = std::env::var("HELPCARD_SHOTS") {
        std::fs::write(std::path::Path::new(&dir).join("phone.png"), &png).unwrap();
    }
    // Text was drawn where the help requests go (dark pixels on the light band), and nothing in
    // the clock's part of the screen.
    let dark = |rows: std::ops::Range<usize>| {
        rows.flat_map(|y| (0..WIDTH).map(move |x| (x, y)))
            .filter(|&(x, y)| frame.pixels[y * WIDTH + x] < 100)
            .count()
    };
    assert!(dark(1000..1200) > 2000, "help text");
    assert_eq!(dark(0..580), 0, "the clock's part left empty");
}
