use super::*;

#[test]
fn the_bundled_file_is_the_recorded_truetype_face() {
    // TrueType outlines ("\0\1\0\0"), not a collection ("ttcf") or CFF ("OTTO").
    assert_eq!(&BIZ_UD_GOTHIC[..4], &[0, 1, 0, 0]);
    assert_eq!(BIZ_UD_GOTHIC.len(), 4_667_376);
}

#[test]
fn the_licence_is_the_ofl_with_its_copyright() {
    assert!(LICENSE.contains("SIL OPEN FONT LICENSE Version 1.1"));
    assert!(LICENSE.contains("The BIZ UDGothic Project Authors"));
}
