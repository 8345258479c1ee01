//! The card view (`helpcard_core::view`) as plain text for the terminal.

use helpcard_core::view::{CardView, PrivateView};

use crate::lang::Lang;

/// The verdict first, then the card's facts, the public part and, if it was opened, the
/// private part in the view's sections.
pub fn card_view(v: &CardView, lang: Lang) -> String {
    let mut out = format!("  [{}] {}\n", v.headline, v.advice);
    let mut line = |label: &str, value: &str| {
        if !value.is_empty() {
            out.push_str(&format!("  {label}: {value}\n"));
        }
    };
    if let Some(message) = &v.message {
        line(lang.t("理由", "Reason"), message);
    }
    if let Some(card) = &v.card {
        line(lang.t("発行者", "Issuer"), &card.issuer_name);
        line(lang.t("カード番号", "Card id"), &card.card_id);
        line(lang.t("有効期限", "Valid until"), &card.valid_until);
    }
    for notice in &v.notices {
        line(lang.t("注意", "Warning"), &notice.message);
    }
    if let Some(public) = &v.public {
        let help: Vec<&str> = public.help.iter().map(|l| l.label.as_str()).collect();
        line(lang.t("お願い", "Help needed"), &help.join(" / "));
        line(lang.t("メッセージ", "Message"), &public.message);
    }
    let private = lang.t("非公開情報", "Private part");
    match &v.private {
        None | Some(PrivateView::Shown(_)) => {}
        Some(PrivateView::Absent) => line(private, lang.t("なし", "none")),
        Some(PrivateView::Locked) => line(
            private,
            lang.t("🔒 応答者キーが必要です", "🔒 needs a responder key"),
        ),
        Some(PrivateView::Failed { message, .. }) => line(private, message),
    }
    for section in &v.private_sections {
        out.push_str(&format!("  --- {} ---\n", section.title));
        for item in &section.items {
            out.push_str(&format!("  {}: {}\n", item.label, item.value));
        }
    }
    out
}
