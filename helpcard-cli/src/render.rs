//! What a passer-by and a responder see, as plain text.

use helpcard_core::card::{Opened, PrivateOutcome, RevocationStatus};
use helpcard_core::profile::{PrivatePart, labels};
use helpcard_core::vocab::{Code, Lang as VocabLang};

use crate::Lang;

fn t(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    lang.t(ja, en)
}

fn vocab(lang: Lang) -> VocabLang {
    lang.vocab()
}

/// The verified card, public part first; the private part only if it was decrypted.
pub fn opened(o: &Opened, lang: Lang) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        if !value.is_empty() {
            out.push_str(&format!("  {label}: {value}\n"));
        }
    };
    line(
        t(lang, "検証", "Verified"),
        t(lang, "署名は有効です", "signature valid"),
    );
    line(t(lang, "発行者", "Issuer"), &o.issuer_name);
    line(t(lang, "カード番号", "Card id"), &o.card_id.to_hex());
    let revocation = match o.revocation {
        RevocationStatus::NotChecked => t(
            lang,
            "失効リストなし（未確認）",
            "no revocation list (not checked)",
        ),
        RevocationStatus::NoListForIssuer => t(
            lang,
            "この発行者の失効リストなし",
            "no list for this issuer",
        ),
        RevocationStatus::NotRevoked { .. } => t(lang, "失効していません", "not revoked"),
    };
    line(t(lang, "失効確認", "Revocation"), revocation);
    line(
        t(lang, "お願い", "Help needed"),
        &labels(&o.public.help, vocab(lang)).join(" / "),
    );
    line(t(lang, "メッセージ", "Message"), &o.public.message);
    match &o.private {
        PrivateOutcome::Absent => line(
            t(lang, "非公開情報", "Private part"),
            t(lang, "なし", "none"),
        ),
        PrivateOutcome::Locked => line(
            t(lang, "非公開情報", "Private part"),
            t(lang, "🔒 応答者キーが必要です", "🔒 needs a responder key"),
        ),
        PrivateOutcome::Failed(e) => line(t(lang, "非公開情報", "Private part"), &e.to_string()),
        PrivateOutcome::Decrypted(p) => out.push_str(&private(p, lang)),
    }
    out
}

fn private(p: &PrivatePart, lang: Lang) -> String {
    let mut out = format!(
        "  --- {} ---\n",
        t(
            lang,
            "非公開情報（応答者のみ）",
            "Private part (responders only)"
        )
    );
    for (label, value) in private_fields(p, lang) {
        out.push_str(&format!("  {label}: {value}\n"));
    }
    out
}

/// The private part as (label, value) lines, empty fields left out: for the terminal, the JSON
/// of `open`, and the holder's copy.
pub fn private_fields(p: &PrivatePart, lang: Lang) -> Vec<(&'static str, String)> {
    let v = vocab(lang);
    let mut out = Vec::new();
    let mut line = |label: &'static str, value: String| {
        if !value.is_empty() {
            out.push((label, value));
        }
    };
    let kana = if p.name_kana.is_empty() {
        String::new()
    } else {
        format!("（{}）", p.name_kana)
    };
    line(t(lang, "氏名", "Name"), format!("{}{kana}", p.name));
    line(
        t(lang, "生年月日", "Born"),
        p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
    );
    line(
        t(lang, "血液型", "Blood type"),
        p.blood_type.map(|b| b.to_string()).unwrap_or_default(),
    );
    line(
        t(lang, "障害・疾患", "Conditions"),
        labels(&p.conditions, v).join("、"),
    );
    line(t(lang, "支援", "Support"), labels(&p.support, v).join("、"));
    line(t(lang, "対応方法", "How to help"), p.how_to_help.clone());
    line(t(lang, "避けること", "Avoid"), p.avoid.clone());
    line(
        t(lang, "医療的ケア", "Medical care"),
        labels(&p.medical_care, v).join("、"),
    );
    line(
        t(lang, "医療メモ", "Medical notes"),
        p.medical_care_notes.clone(),
    );
    line(t(lang, "服薬", "Medications"), p.medications.join("、"));
    let allergies = match &p.allergies {
        None => String::new(),
        Some(a) if a.is_empty() => t(lang, "なし", "none known").to_owned(),
        Some(a) => a.join("、"),
    };
    line(t(lang, "アレルギー", "Allergies"), allergies);
    if let Some(h) = &p.hospital {
        line(
            t(lang, "病院", "Hospital"),
            format!("{} {}", h.name, h.phone),
        );
    }
    for c in &p.contacts {
        let relation = c
            .relation
            .map(|r| Code::from(r).label(v))
            .unwrap_or_default();
        let sms = if c.sms_only {
            t(lang, "（SMSのみ）", " (text only)")
        } else {
            ""
        };
        line(
            t(lang, "連絡先", "Contact"),
            format!("{} {relation} {}{sms}", c.name, c.phone),
        );
    }
    if let Some(o) = &p.support_office {
        line(
            t(lang, "相談支援", "Support office"),
            format!("{} {}", o.name, o.phone),
        );
    }
    line(t(lang, "メモ", "Notes"), p.notes.clone());
    out
}
