//! The desk's card form: a profile as the holder decided it with the office, field by field —
//! on the card for everyone, for responders only, or left off — and its size meter.
//!
//! The format places two things in the public part, the help requests and the message; every
//! other field is for responders or left off. (Placing another field in the public part is a
//! change of format, which the format-3 decision takes up.) A help request placed "for
//! responders" goes into the private part's support list.

use std::collections::BTreeMap;

use helpcard_core::card::{self, Validity};
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::{ResponderPublicKey, SigningKey};
use helpcard_core::profile::{Profile, labels};
use helpcard_core::qrtext;
use helpcard_core::trust::CardId;
use helpcard_core::view::{Section, private_sections};
use helpcard_core::vocab::Lang;
use helpcard_office::issue::{MAX_VERSION, WARN_VERSION};
use helpcard_office::layout::{self, Layout, Run};
use helpcard_office::pdf::Document;
use helpcard_office::registry::NotifyTo;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a field goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// On the card for anyone who scans it.
    Public,
    /// Encrypted: for responders only.
    Responders,
    /// Not on the card.
    Off,
}

/// The form as the page sends it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardForm {
    /// The holder reference (a case number; never a name).
    pub holder_ref: String,
    /// `duplex` (default), `folded` or `single`.
    #[serde(default)]
    pub layout: Option<String>,
    /// The fields as a profile file has them: `public.help`, `public.message`, `private.*`.
    pub profile: Value,
    /// Where each field goes, by its name (`help`, `message`, `name`, …); a field not named
    /// goes where a profile file puts it.
    #[serde(default)]
    pub placements: BTreeMap<String, Placement>,
    /// E-mail addresses told when the private part is opened (the holder, family), kept in
    /// the registry only.
    #[serde(default)]
    pub notify: Vec<String>,
}

/// One problem of the form, naming its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field (`private.contacts[0].phone`, `holder_ref`, …).
    pub field: String,
    /// What is wrong, in the reader's language.
    pub message: String,
}

impl CardForm {
    /// The layout asked for.
    pub fn layout(&self) -> Layout {
        CardForm::layout_named(self.layout.as_deref())
    }

    /// The layout named `single`, `folded` or (anything else) `duplex`.
    pub fn layout_named(name: Option<&str>) -> Layout {
        match name {
            Some("single") => Layout::Single,
            Some("folded") => Layout::Folded,
            _ => Layout::Duplex,
        }
    }

    /// Who is told of openings, in the card's language; each bad address a problem.
    pub fn notify(&self, profile: &Profile, lang: Lang) -> Result<Vec<NotifyTo>, Vec<Problem>> {
        let card_lang = profile.lang();
        let (ok, bad): (Vec<_>, Vec<_>) = self
            .notify
            .iter()
            .filter(|a| !a.trim().is_empty())
            .map(|a| NotifyTo::parse(a, card_lang))
            .partition(Result::is_ok);
        if bad.is_empty() {
            Ok(ok.into_iter().filter_map(Result::ok).collect())
        } else {
            Err(bad
                .into_iter()
                .filter_map(Result::err)
                .map(|e| Problem {
                    field: "notify".into(),
                    message: e.message(lang),
                })
                .collect())
        }
    }

    /// The profile with every field where the holder placed it, validated as of `today`.
    pub fn profile(&self, today: Date, lang: Lang) -> Result<Profile, Vec<Problem>> {
        let mut problems = Vec::new();
        let holder = self.holder_ref.trim();
        if holder.is_empty() || holder.chars().count() > 64 || holder.chars().any(char::is_control)
        {
            problems.push(Problem {
                field: "holder_ref".into(),
                message: lang
                    .pick(
                        "本人参照（ケース番号）を 1〜64 文字で入れてください。氏名は入れません。",
                        "Give the holder reference (a case number, 1–64 characters; never a name).",
                        "ばんごうを いれて ください。",
                    )
                    .into(),
            });
        }
        let mut public = self.profile["public"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let mut private = self.profile["private"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (field, placement) in &self.placements {
            match (field.as_str(), placement) {
                (_, Placement::Off) => {
                    public.remove(field);
                    private.remove(field);
                }
                ("help", Placement::Responders) => {
                    let moved = public.remove("help").unwrap_or(Value::Array(Vec::new()));
                    let support = private
                        .entry("support")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let (Some(support), Some(moved)) = (support.as_array_mut(), moved.as_array())
                    {
                        for code in moved {
                            if !support.contains(code) {
                                support.push(code.clone());
                            }
                        }
                    }
                }
                ("help" | "message", Placement::Public) | (_, Placement::Responders) => {}
                (_, Placement::Public) => problems.push(Problem {
                    field: field.clone(),
                    message: lang
                        .pick(
                            "この項目はカードの公開部分に置けません（応答者のみ、または載せない）。",
                            "This field cannot be on the public part of the card (responders only, or left off).",
                            "これは みんなには みせられません。",
                        )
                        .into(),
                }),
            }
        }
        public
            .entry("help")
            .or_insert_with(|| Value::Array(Vec::new()));
        let mut json = Map::new();
        json.insert("public".into(), Value::Object(public));
        if !private.is_empty() {
            json.insert("private".into(), Value::Object(private));
        }
        let profile = Profile::from_json(&Value::Object(json).to_string())
            .and_then(|p| p.validate(today).map(|()| p));
        match profile {
            Ok(p) if problems.is_empty() => Ok(p),
            Ok(_) => Err(problems),
            Err(e) => {
                problems.extend(helpcard_office::table::problems(e, lang).into_iter().map(
                    |line| match line.split_once(": ") {
                        Some((field, message)) => Problem {
                            field: field.into(),
                            message: message.into(),
                        },
                        None => Problem {
                            field: String::new(),
                            message: line,
                        },
                    },
                ));
                Err(problems)
            }
        }
    }
}

/// The size meter: what the card would be, as the holder and the office decide it.
#[derive(Clone, Debug, Serialize)]
pub struct Meter {
    /// The card's bytes.
    pub bytes: usize,
    /// Its QR version (level M; 41 when no QR code holds it).
    pub version: u8,
    /// The largest version issued.
    pub max_version: u8,
    /// Above this version older cameras struggle.
    pub warn_version: u8,
    /// True when it can be issued.
    pub fits: bool,
    /// How far a kiosk's 1080p / 720p webcam reads it on this layout, cm.
    pub reach_cm: (f32, f32),
    /// The longest text to shorten first when it does not fit (or is large).
    pub shorten: Option<String>,
    /// What the meter says, in the reader's language.
    pub says: String,
    /// The card's front as it prints: each line where it stands (mm, points).
    pub front: Vec<Run>,
    /// What anyone who scans the card reads: the help requests' labels, in the reader's
    /// language.
    pub public_help: Vec<String>,
    /// The message anyone reads.
    pub public_message: String,
    /// What only responders read, grouped as their screens show it.
    pub private: Vec<Section>,
}

/// Text fields, longest first, by the bytes they take.
fn longest_text(p: &Profile) -> Option<String> {
    let mut fields: Vec<(&str, usize)> = vec![("message", p.public.message.len())];
    if let Some(q) = &p.private {
        fields.extend([
            ("how_to_help", q.how_to_help.len()),
            ("avoid", q.avoid.len()),
            ("medical_care_notes", q.medical_care_notes.len()),
            ("notes", q.notes.len()),
            ("medications", q.medications.iter().map(String::len).sum()),
        ]);
    }
    fields
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(f, _)| f.to_owned())
}

/// Where a card is issued: what the meter measures it for.
pub struct Issuer<'a> {
    /// The responder group key its private part is encrypted to.
    pub responder: &'a ResponderPublicKey,
    /// Its QR text's URL prefix.
    pub prefix: &'a str,
    /// The office's name printed on it.
    pub name: &'a str,
}

/// Measures `profile` as a card of `issuer` on `layout` (signed with a throwaway key: sizes do
/// not depend on the key), with its front as it prints.
pub fn meter(
    profile: &Profile,
    issuer: &Issuer<'_>,
    layout: Layout,
    now: UnixTime,
    lang: Lang,
) -> Result<Meter, String> {
    let throwaway = SigningKey::generate(&mut OsRng);
    let validity = Validity {
        issued_at: now,
        expires_at: UnixTime(now.0 + 3 * 365 * 86_400),
    };
    let issued = card::issue(
        profile,
        &throwaway,
        Some(issuer.responder),
        validity,
        &mut OsRng,
    )
    .map_err(|e| e.message(lang))?;
    let text = qrtext::encode(issuer.prefix, &issued.bytes).map_err(|e| e.to_string())?;
    let symbol = helpcard_qr::card_symbol(&text).ok();
    let version = symbol.as_ref().map_or(41, |s| s.version);
    let fits = version <= MAX_VERSION;
    let reach_cm = layout.reach_cm(version);
    let shorten = (version > WARN_VERSION)
        .then(|| longest_text(profile))
        .flatten();
    let says = if fits {
        lang.pick(
            format!(
                "QR バージョン {version}（上限 {MAX_VERSION}）。端末のカメラでおよそ {} cm（1080p）、{} cm（720p）まで読めます。",
                reach_cm.0, reach_cm.1
            ),
            format!(
                "QR version {version} (at most {MAX_VERSION}). A kiosk camera reads it to about {} cm (1080p), {} cm (720p).",
                reach_cm.0, reach_cm.1
            ),
            format!("QR の おおきさ {version}。カメラで よめます。"),
        )
    } else {
        lang.pick(
            format!("大きすぎて発行できません（QR バージョン {version}、上限 {MAX_VERSION}）。"),
            format!("Too large to issue (QR version {version}, at most {MAX_VERSION})."),
            format!("おおきすぎます（{version}）。"),
        )
    };
    let font = helpcard_font::BIZ_UD_GOTHIC;
    let doc = Document::new(font).map_err(|e| e.message(lang))?;
    // The preview's QR code is a placeholder of the same version: the card's own is made when
    // it is signed.
    let placeholder = symbol
        .or_else(|| helpcard_qr::card_symbol("0").ok())
        .ok_or("no QR symbol")?;
    let face = layout::face(
        profile,
        &placeholder,
        issuer.name,
        CardId([0; 8]),
        validity.expires_at,
    );
    let front = doc.front_words(&face, layout == Layout::Single);
    Ok(Meter {
        public_help: labels(&profile.public.help, lang),
        public_message: profile.public.message.clone(),
        private: profile
            .private
            .as_ref()
            .map(|p| private_sections(p, lang))
            .unwrap_or_default(),
        bytes: issued.bytes.len(),
        version,
        max_version: MAX_VERSION,
        warn_version: WARN_VERSION,
        fits,
        reach_cm,
        shorten,
        says,
        front,
    })
}

#[cfg(test)]
mod tests;
