//! Profiles from a table: the CSV columns `helpcard batch` and the desk's batch import read
//! (RFC 4180, a header naming the columns; one profile per row). Every row is checked on its
//! own: a bad row names its line and field, and the others stand.

use helpcard_core::date::Date;
use helpcard_core::profile::{Profile, ProfileError};
use helpcard_core::vocab::Lang;
use serde_json::{Map, Value, json};

use crate::error::OfficeError;
use crate::registry::NotifyTo;

/// One row of the table.
pub struct Row {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    /// The holder reference (`holder_ref`, else `row<LINE>`).
    pub holder: String,
    /// The validated profile, or each of its problems as a line naming the field.
    pub profile: Result<Profile, Vec<String>>,
    /// Who is told when its private part is opened (`notify`, addresses separated by `;`),
    /// in the card's language.
    pub notify: Vec<NotifyTo>,
}

/// Each problem of a profile as one line naming the field, in `lang`.
pub fn problems(e: ProfileError, lang: Lang) -> Vec<String> {
    match e {
        ProfileError::Invalid(errors) => errors
            .iter()
            .map(|f| format!("{}: {}", f.field, f.problem.message(lang)))
            .collect(),
        ProfileError::Syntax { path, message } => vec![format!("{path}: {message}")],
        other => vec![other.to_string()],
    }
}

/// The rows of a CSV table, each validated as of `today`. Refused whole only when the table
/// itself cannot be read or names a column no profile has.
pub fn read(table: &[u8], today: Date, lang: Lang) -> Result<Vec<Row>, OfficeError> {
    let mut reader = csv::Reader::from_reader(table);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| OfficeError::Table(e.to_string()))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    if let Some(bad) = headers.iter().find(|h| !is_known_column(h)) {
        return Err(OfficeError::UnknownColumn(bad.clone()));
    }
    let validate = |json: Value| {
        Profile::from_json(&json.to_string())
            .and_then(|p| p.validate(today).map(|()| p))
            .map_err(|e| problems(e, lang))
    };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        rows.push(match record {
            Err(e) => Row {
                line,
                holder: String::new(),
                profile: Err(vec![e.to_string()]),
                notify: Vec::new(),
            },
            Ok(cells) => {
                let cell = |name: &str| {
                    headers
                        .iter()
                        .position(|h| h == name)
                        .and_then(|i| cells.get(i))
                        .map(str::trim)
                        .unwrap_or_default()
                };
                let mut profile = validate(row_to_json(&headers, &cells));
                let card_lang = profile.as_ref().map_or(lang, Profile::lang);
                let mut notify = Vec::new();
                for address in cell("notify").split(';').filter(|a| !a.trim().is_empty()) {
                    match NotifyTo::parse(address, card_lang) {
                        Ok(n) => notify.push(n),
                        Err(e) => {
                            let problem = format!("notify: {}", e.message(lang));
                            match &mut profile {
                                Err(problems) => problems.push(problem),
                                Ok(_) => profile = Err(vec![problem]),
                            }
                        }
                    }
                }
                let holder = cell("holder_ref");
                Row {
                    line,
                    holder: if holder.is_empty() {
                        format!("row{line}")
                    } else {
                        holder.to_owned()
                    },
                    profile,
                    notify,
                }
            }
        });
    }
    Ok(rows)
}

/// What a CSV column holds and where it goes in the profile.
#[derive(Clone, Copy)]
enum Column {
    /// Not part of the profile: the holder's reference (file names, registry), who is told of
    /// openings.
    Office,
    /// `public.<field>`, text.
    PublicText,
    /// `public.<field>`, a list separated by ';'.
    PublicList,
    /// `private.<field>`, text.
    PrivateText,
    /// `private.<field>`, a list separated by ';'.
    PrivateList,
    /// `private.allergies`: a list, or "none"/"なし" for none known (an empty cell: not asked).
    Allergies,
    /// `private.<place>.name` and `.phone` (hospital, support office).
    Place(&'static str, &'static str),
}

/// Every column a CSV row may have, besides `contact<N>_name|relation|phone` (N = 1–5).
const COLUMNS: &[(&str, Column)] = &[
    ("holder_ref", Column::Office),
    ("notify", Column::Office),
    ("help", Column::PublicList),
    ("message", Column::PublicText),
    ("name", Column::PrivateText),
    ("name_kana", Column::PrivateText),
    ("birth_date", Column::PrivateText),
    ("blood_type", Column::PrivateText),
    ("conditions", Column::PrivateList),
    ("support", Column::PrivateList),
    ("how_to_help", Column::PrivateText),
    ("avoid", Column::PrivateText),
    ("medications", Column::PrivateList),
    ("allergies", Column::Allergies),
    ("medical_care", Column::PrivateList),
    ("medical_care_notes", Column::PrivateText),
    ("notes", Column::PrivateText),
    ("language", Column::PrivateText),
    ("hospital_name", Column::Place("hospital", "name")),
    ("hospital_phone", Column::Place("hospital", "phone")),
    (
        "support_office_name",
        Column::Place("support_office", "name"),
    ),
    (
        "support_office_phone",
        Column::Place("support_office", "phone"),
    ),
];
const MAX_CONTACTS: usize = 5;

/// True for a column a profile table may have.
pub fn is_known_column(c: &str) -> bool {
    COLUMNS.iter().any(|(name, _)| *name == c)
        || (1..=MAX_CONTACTS).any(|i| {
            ["name", "relation", "phone"]
                .iter()
                .any(|f| c == format!("contact{i}_{f}"))
        })
}

/// Builds the profile JSON of one CSV row; empty cells are absent fields.
fn row_to_json(headers: &[String], cells: &csv::StringRecord) -> Value {
    let get = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .and_then(|i| cells.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let list = |cell: &str| -> Vec<String> {
        cell.split(';')
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect()
    };
    let mut public = Map::new();
    public.insert("help".into(), json!([]));
    let mut private = Map::new();
    for (name, column) in COLUMNS {
        let Some(cell) = get(name) else { continue };
        let (part, key, value) = match *column {
            Column::Office => continue,
            Column::PublicText => (&mut public, *name, json!(cell)),
            Column::PublicList => (&mut public, *name, json!(list(cell))),
            Column::PrivateText => (&mut private, *name, json!(cell)),
            Column::PrivateList => (&mut private, *name, json!(list(cell))),
            Column::Allergies if matches!(cell, "none" | "なし") => {
                (&mut private, *name, json!([]))
            }
            Column::Allergies => (&mut private, *name, json!(list(cell))),
            Column::Place(place, field) => {
                let entry = private.entry(place).or_insert_with(|| json!({}));
                entry[field] = json!(cell);
                continue;
            }
        };
        part.insert(key.into(), value);
    }
    let contacts: Vec<Value> = (1..=MAX_CONTACTS)
        .filter_map(|i| {
            let name = get(&format!("contact{i}_name"))?;
            let mut c =
                json!({ "name": name, "phone": get(&format!("contact{i}_phone")).unwrap_or("") });
            if let Some(r) = get(&format!("contact{i}_relation")) {
                c["relation"] = json!(r);
            }
            Some(c)
        })
        .collect();
    if !contacts.is_empty() {
        private.insert("contacts".into(), json!(contacts));
    }
    let mut profile = json!({ "public": public });
    if !private.is_empty() {
        profile["private"] = Value::Object(private);
    }
    profile
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
