//! What the audit log says about openings, for the two people who ask: the holder (every
//! opening of their cards, printed on request — a disclosure under APPI) and an admin (the
//! openings worth a second look).
//!
//! Both read the granted `unwrap` rows: time, person, their group (the row's detail) and the
//! reason given. A person's role comes from the people database at the time of asking.

use std::collections::{BTreeMap, BTreeSet};

use helpcard_audit::{AuditError, AuditLog, Row};
use helpcard_core::reason::{Given, Reason};
use helpcard_core::vocab::Lang;
use helpcard_office::OfficeError;
use helpcard_office::pdf::Document;

use crate::notices::{NoticeConfig, Opener, when};
use crate::store::Role;

/// One opening of a card's private part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opening {
    /// Audit row number.
    pub seq: u64,
    /// When (Unix seconds).
    pub at: u64,
    /// The card id.
    pub card_id: String,
    /// Who opened it.
    pub person: String,
    /// Their responder group.
    pub group: String,
    /// Their role, when the people database still knows them.
    pub role: Option<Role>,
    /// The kiosk's id, for an opening at a facility's kiosk (forwarded to the key service).
    pub kiosk: Option<String>,
    /// Why (rows written before reasons were asked have none).
    pub reason: Option<Given>,
}

/// Every audit row naming one of `cards` (a holder's cards), oldest first.
pub fn rows_of_cards(log: &AuditLog, cards: &[String]) -> Result<Vec<Row>, AuditError> {
    let mut rows = Vec::new();
    for card in cards {
        rows.extend(log.rows_for_card(card)?);
    }
    rows.sort_by_key(|r| r.seq);
    Ok(rows)
}

/// Every audit row written at or after `since` (Unix seconds), oldest first.
pub fn rows_since(log: &AuditLog, since: u64) -> Result<Vec<Row>, AuditError> {
    Ok(log
        .rows()?
        .into_iter()
        .filter(|r| r.event.at >= since)
        .collect())
}

/// The audit detail of a printed history: which cards, how many openings.
pub fn printed_detail(cards: &[String], openings: usize) -> String {
    format!("cards={} openings={openings}", cards.join(","))
}

/// The openings among `rows`, oldest first: through the key service (`unwrap`) and at
/// kiosks (their `private_open` rows, forwarded); `role_of` names a person's role.
pub fn openings(rows: &[Row], role_of: impl Fn(&str) -> Option<Role>) -> Vec<Opening> {
    rows.iter()
        .filter(|r| {
            matches!(r.event.kind.as_str(), "unwrap" | "kiosk_private_open")
                && r.event.result == "granted"
        })
        .map(|r| Opening {
            seq: r.seq,
            at: r.event.at,
            card_id: r.event.card_id.clone().unwrap_or_default(),
            person: r.event.actor.clone(),
            group: r
                .event
                .detail
                .split_whitespace()
                .find_map(|w| w.strip_prefix("group="))
                .unwrap_or_default()
                .to_owned(),
            role: role_of(&r.event.actor),
            kiosk: r.event.actor.strip_prefix("kiosk:").map(str::to_owned),
            reason: Given::from_detail(&r.event.detail),
        })
        .collect()
}

/// Who opened it, as a holder reads it: the organisation and the role, never the person's name
/// (the office answers who, if the holder asks it in person).
fn by_whom(o: &Opening, config: &NoticeConfig, lang: Lang) -> String {
    match &o.kiosk {
        Some(id) => Opener::Kiosk {
            group: &o.group,
            id,
        },
        None => Opener::Person {
            group: &o.group,
            role: o.role,
        },
    }
    .said(config, lang)
}

fn why(o: &Opening, lang: Lang) -> String {
    o.reason.as_ref().map_or_else(
        || {
            lang.pick("（記録なし）", "(not recorded)", "（かいて いない）")
                .to_owned()
        },
        |r| r.words(lang),
    )
}

/// The holder's opening history of `cards` as a PDF: in Japanese, then again in やさしい日本語
/// (or in English and then やさしい日本語 when `lang` is English), every opening with when, by
/// which organisation and role, why, and where (the key service's web page, or which kiosk).
pub fn history_pdf(
    cards: &[String],
    openings: &[Opening],
    config: &NoticeConfig,
    now: u64,
    lang: Lang,
    font: &[u8],
) -> Result<Vec<u8>, OfficeError> {
    let mut doc = Document::new(font)?;
    let first = if lang == Lang::En { Lang::En } else { Lang::Ja };
    for lang in [first, Lang::EasyJa] {
        let w = |ja: &str, en: &str, easy: &str| lang.pick(ja, en, easy).to_owned();
        let mut lines = vec![
            (
                w("この記録について", "About this record", "この かみの こと"),
                w(
                    "あなたのヘルプカードの「非公開」の内容（支援の詳細）が開かれた記録です。開くたびに、だれが・いつ・なぜ開いたかが記録されています。心当たりのない記録があれば、発行窓口に連絡してください。",
                    "Every time the private part of your help card (the support details) was opened: when, by whom and why. If one is not what you expected, contact the issuing office.",
                    "あなたの ヘルプカードの くわしい ことを だれかが みた きろくです。いつ・だれが・なぜ みたかが かいて あります。わからない きろくが あったら まどぐちに れんらく して ください。",
                ),
            ),
            (
                w("カード番号", "Card ids", "カードの ばんごう"),
                cards.join(", "),
            ),
            (w("作成日時", "As of", "つくった ひ"), when(now, lang)),
            (
                w("開かれた回数", "Openings", "みられた かず"),
                openings.len().to_string(),
            ),
        ];
        for o in openings {
            let mut body = format!(
                "{}: {}\n{}: {}\n{}: {}",
                w("開いた人", "By", "だれ"),
                by_whom(o, config, lang),
                w("理由", "Why", "なぜ"),
                why(o, lang),
                w("場所", "Where", "どこで"),
                match &o.kiosk {
                    Some(id) => format!(
                        "{} {id}",
                        w("施設の端末", "a facility's kiosk", "しせつの きかい")
                    ),
                    None => w(
                        "ウェブ（鍵サービス）",
                        "the web (key service)",
                        "インターネット"
                    ),
                },
            );
            if cards.len() > 1 {
                body.push_str(&format!(
                    "\n{}: {}",
                    w("カード", "Card", "カード"),
                    o.card_id
                ));
            }
            lines.push((when(o.at, lang), body));
        }
        if openings.is_empty() {
            lines.push((
                String::new(),
                w(
                    "開かれた記録はありません。",
                    "It has not been opened.",
                    "まだ だれも みて いません。",
                ),
            ));
        }
        let title = w(
            "ヘルプカードが開かれた記録",
            "When your help card was opened",
            "ヘルプカードが みられた きろく",
        );
        doc.text_pages(&title, &lines);
    }
    doc.finish()
}

/// Why an opening is worth a second look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// The reason was その他 (other).
    OtherReason,
    /// Outside the configured hours (Japan time).
    OutsideHours,
    /// The person opened more than the configured number of cards within an hour.
    ManyCards,
}

impl Flag {
    /// A short code for tables and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Flag::OtherReason => "other_reason",
            Flag::OutsideHours => "outside_hours",
            Flag::ManyCards => "many_cards",
        }
    }
}

/// What counts as worth a second look.
#[derive(Clone, Copy, Debug)]
pub struct ReviewRules {
    /// Working hours in Japan time, seconds after midnight (`from`, `to`); an opening outside
    /// them is flagged. `None`: no hours.
    pub hours: Option<(u64, u64)>,
    /// More than this many distinct cards by one person within 60 minutes is flagged.
    pub per_hour: usize,
}

impl Default for ReviewRules {
    fn default() -> Self {
        ReviewRules {
            hours: Some((8 * 3600, 19 * 3600)),
            per_hour: 10,
        }
    }
}

/// The openings worth a second look, oldest first, each with its flags.
pub fn review(openings: &[Opening], rules: ReviewRules) -> Vec<(Opening, Vec<Flag>)> {
    let mut flags: BTreeMap<u64, Vec<Flag>> = BTreeMap::new();
    let mut add = |seq: u64, flag: Flag| {
        let these = flags.entry(seq).or_default();
        if !these.contains(&flag) {
            these.push(flag);
        }
    };
    for o in openings {
        if o.reason.as_ref().is_some_and(|r| r.reason == Reason::Other) {
            add(o.seq, Flag::OtherReason);
        }
        if let Some((from, to)) = rules.hours {
            let t = (o.at + 9 * 3600) % 86_400;
            let inside = if from <= to {
                (from..to).contains(&t)
            } else {
                t >= from || t < to
            };
            if !inside {
                add(o.seq, Flag::OutsideHours);
            }
        }
    }
    // One person's openings within any hour: more than `per_hour` distinct cards flags each.
    let mut by_person: BTreeMap<&str, Vec<&Opening>> = BTreeMap::new();
    for o in openings {
        by_person.entry(&o.person).or_default().push(o);
    }
    for own in by_person.values() {
        let mut start = 0;
        for end in 0..own.len() {
            while own[end].at.saturating_sub(own[start].at) >= 3600 {
                start += 1;
            }
            let window = &own[start..=end];
            let cards: BTreeSet<&str> = window.iter().map(|o| o.card_id.as_str()).collect();
            if cards.len() > rules.per_hour {
                for o in window {
                    add(o.seq, Flag::ManyCards);
                }
            }
        }
    }
    openings
        .iter()
        .filter_map(|o| Some((o.clone(), flags.remove(&o.seq)?)))
        .collect()
}

/// `HH:MM` as seconds after midnight.
pub fn parse_hour(s: &str) -> Result<u64, String> {
    let (h, m) = s.split_once(':').ok_or("HH:MM")?;
    let (h, m): (u64, u64) = (
        h.parse().map_err(|_| "HH:MM")?,
        m.parse().map_err(|_| "HH:MM")?,
    );
    if h < 24 && m < 60 {
        Ok(h * 3600 + m * 60)
    } else {
        Err("HH:MM, 00:00 to 23:59".into())
    }
}

/// Working hours `FROM-TO` (`08:00-19:00`) as seconds after midnight, or `none`.
pub fn parse_hours(s: &str) -> Result<Option<(u64, u64)>, String> {
    if s == "none" {
        return Ok(None);
    }
    let (from, to) = s
        .split_once('-')
        .ok_or_else(|| format!("{s}: FROM-TO, such as 08:00-19:00, or none"))?;
    let hour = |h: &str| parse_hour(h).map_err(|e| format!("{s}: {e}"));
    Ok(Some((hour(from)?, hour(to)?)))
}

#[cfg(test)]
mod tests;
