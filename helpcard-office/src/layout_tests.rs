use super::*;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::profile::CardLang;

fn profile(name: &str) -> Profile {
    let text = REFERENCE_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    Profile::load_toml(text, UnixTime(1_790_000_000).date()).unwrap()
}

fn symbol() -> Symbol {
    helpcard_qr::card_symbol("https://example.jp/S/#0123456789").unwrap()
}

#[test]
fn the_holders_copy_lists_every_field_of_the_card_in_its_language() {
    let p = profile("01-deaf-adult");
    let (title, lines) = holder_copy(&p, "武蔵野市", CardId([1; 8]), UnixTime(1_900_000_000));
    assert_eq!(title, "ヘルプカードの内容（ご本人控え）");
    let all: String = lines.iter().map(|(h, v)| format!("{h}:{v}\n")).collect();
    assert!(
        all.contains("【公開】メッセージ:耳が聞こえません。"),
        "{all}"
    );
    assert!(all.contains("カード番号:0101010101010101"));
    // Every private item a responder sees is on the holder's copy.
    let private = p.private.as_ref().unwrap();
    for section in private_sections(private, Lang::Ja) {
        for item in &section.items {
            assert!(
                all.contains(&format!("【非公開】{}:{}", item.label, item.value)),
                "{} missing",
                item.label
            );
        }
    }
    assert!(lines.iter().all(|(_, v)| !v.is_empty()), "no empty lines");
}

#[test]
fn an_english_card_is_printed_in_english() {
    let mut p = profile("08-foreign-resident");
    p.private.as_mut().unwrap().language = CardLang::En;
    let s = symbol();
    let f = face(&p, &s, "Musashino", CardId([2; 8]), UnixTime(1_900_000_000));
    assert_eq!(f.title, "Help card");
    assert!(f.card_id.starts_with("Card "));
    assert!(f.help.iter().any(|h| h.is_ascii()), "{:?}", f.help);
    let (title, lines) = holder_copy(&p, "Musashino", CardId([2; 8]), UnixTime(1_900_000_000));
    assert_eq!(title, "What your help card contains (holder's copy)");
    assert!(
        lines
            .iter()
            .any(|(h, v)| h.starts_with("[Private] ") && v == "Daniel Okafor")
    );
}

#[test]
fn every_layout_gives_its_pages_at_true_size() {
    let p = profile("02-autism-teen");
    let s = symbol();
    let f = face(&p, &s, "武蔵野市", CardId([3; 8]), UnixTime(1_900_000_000));
    let card = "/MediaBox [0 0 242.64568 153.07088]";
    let folded = "/MediaBox [0 0 242.64568 306.14175]";
    for (layout, pages) in [
        (Layout::Single, vec![card]),
        (Layout::Duplex, vec![card, card]),
        (Layout::Folded, vec![folded]),
    ] {
        let mut doc = Document::new(helpcard_font::BIZ_UD_GOTHIC).unwrap();
        doc.card_pages(&f, layout);
        let pdf = doc.finish().unwrap();
        let boxes: Vec<&str> = String::from_utf8_lossy(&pdf)
            .lines()
            .filter_map(|l| l.trim().strip_prefix("/MediaBox").map(|_| l.trim()))
            .map(|l| {
                if l == card {
                    card
                } else if l == folded {
                    folded
                } else {
                    "other"
                }
            })
            .collect();
        assert_eq!(boxes, pages, "{layout:?}");
    }
}

#[test]
fn the_front_preview_is_what_prints_and_the_reach_follows_the_sweep() {
    let p = profile("03-epilepsy-child");
    let s = symbol();
    let f = face(&p, &s, "武蔵野市", CardId([4; 8]), UnixTime(1_900_000_000));
    let doc = Document::new(helpcard_font::BIZ_UD_GOTHIC).unwrap();
    let runs = doc.front_words(&f, false);
    assert_eq!(runs[0].text, "ヘルプカード");
    // Every line of the message is on the front, in order, and inside the card.
    let message: String = runs
        .iter()
        .filter(|r| r.x == 3.0 && r.size < 6.1 && r.y > 14.0)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(message, p.public.message);
    assert!(runs.iter().all(|r| r.x >= 0.0 && r.y > 0.0 && r.y < CARD_H));
    assert!(
        runs.iter()
            .all(|r| r.x + doc.width(&r.text, r.size) <= CARD_W)
    );
    // The read-range sweep's table: duplex v15 at 40 / 30 cm, single v17 at 22.5 (25) / 17.5.
    assert_eq!(Layout::Duplex.reach_cm(15), (40.0, 30.0));
    assert_eq!(Layout::Single.reach_cm(17), (22.5, 17.5));
    assert!(Layout::Duplex.reach_cm(25).0 < Layout::Duplex.reach_cm(15).0);
}

#[test]
fn the_holders_copy_in_easy_japanese() {
    let p = profile("01-deaf-adult");
    let (title, lines) = holder_copy_in(
        &p,
        "武蔵野市",
        CardId([1; 8]),
        UnixTime(1_900_000_000),
        Lang::EasyJa,
    );
    assert!(title.starts_with("ヘルプカードに かいて ある こと"));
    assert!(
        lines
            .iter()
            .any(|(h, v)| h == "【だれでも みられる】おねがい" && v.contains("みみが きこえません"))
    );
    assert!(
        lines
            .iter()
            .any(|(h, _)| h.starts_with("【たすける ひとだけ】"))
    );
}
