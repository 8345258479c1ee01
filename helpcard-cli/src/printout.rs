//! What is printed: the card face and the holder's copy, from a profile and an issued card.

use helpcard_core::date::UnixTime;
use helpcard_core::profile::{CardLang, Profile, labels};
use helpcard_core::trust::CardId;
use helpcard_core::view::private_sections;
use helpcard_core::vocab::Lang as VocabLang;
use helpcard_qr::Symbol;

use crate::lang::Lang;
use crate::pdf::CardFace;

/// The card's own language (the holder's), which may differ from the staff's.
fn card_lang(profile: &Profile) -> (Lang, VocabLang) {
    match profile
        .private
        .as_ref()
        .map(|p| p.language)
        .unwrap_or_default()
    {
        CardLang::En => (Lang::En, VocabLang::En),
        CardLang::EasyJa => (Lang::Ja, VocabLang::EasyJa),
        _ => (Lang::Ja, VocabLang::Ja),
    }
}

/// The card's faces, in the holder's language.
pub fn face<'a>(
    profile: &'a Profile,
    symbol: &'a Symbol,
    issuer: &'a str,
    card_id: CardId,
    expires: UnixTime,
) -> CardFace<'a> {
    let (lang, vocab) = card_lang(profile);
    CardFace {
        title: lang.t("ヘルプカード", "Help card"),
        help: labels(&profile.public.help, vocab),
        message: &profile.public.message,
        issuer,
        card_id: format!("{} {card_id}", lang.t("カード番号", "Card")),
        expires: format!("{} {}", lang.t("有効期限", "Valid until"), expires.date()),
        symbol,
        back_note: lang.t(
            "支援する方へ: この QR コードを読み取ると、手助けの内容が表示されます。",
            "To help me: scan this QR code to see what help I need.",
        ),
    }
}

/// The holder's copy: every field on the card, public and private, in plain words, so the
/// holder knows what their card says (APPI: the right to know what is held about them).
pub fn holder_copy(
    profile: &Profile,
    issuer: &str,
    card_id: CardId,
    expires: UnixTime,
) -> (String, Vec<(String, String)>) {
    let (lang, vocab) = card_lang(profile);
    let mut lines = vec![
        (
            lang.t("このカードについて", "About this card").to_owned(),
            lang.t(
                "カードの QR コードには次の内容が入っています。「公開」の内容はだれでも読めます。「非公開」の内容は暗号化されていて、登録された支援者（応答者）だけが読めます。内容を直したいとき、カードをなくしたときは発行窓口に連絡してください。",
                "The QR code on your card holds what is listed here. The public part can be read by anyone. The private part is encrypted: only registered responders can read it. To correct it, or if you lose the card, contact the issuing office.",
            )
            .to_owned(),
        ),
        (lang.t("発行", "Issued by").to_owned(), issuer.to_owned()),
        (lang.t("カード番号", "Card id").to_owned(), card_id.to_hex()),
        (lang.t("有効期限", "Valid until").to_owned(), expires.date().to_string()),
        (lang.t("【公開】お願い", "[Public] Help").to_owned(), labels(&profile.public.help, vocab).join(lang.t("、", ", "))),
        (lang.t("【公開】メッセージ", "[Public] Message").to_owned(), profile.public.message.clone()),
    ];
    if let Some(p) = &profile.private {
        let prefix = lang.t("【非公開】", "[Private] ");
        for section in private_sections(p, vocab) {
            lines.extend(section.items.into_iter().map(|mut item| {
                (
                    format!("{prefix}{}", item.label),
                    std::mem::take(&mut item.value),
                )
            }));
        }
    }
    lines.retain(|(_, v)| !v.is_empty());
    (
        lang.t(
            "ヘルプカードの内容（ご本人控え）",
            "What your help card contains (holder's copy)",
        )
        .to_owned(),
        lines,
    )
}
