//! `helpcard open (IMAGE | --text TEXT)`: verify a card and show it.
//!
//! `--json` prints one object with these fields (stable):
//! `status` ("ok" or the rejection code of the test vectors, e.g. "bad_signature"), `message`
//! (on rejection), `card_id`, `issuer`, `issuer_name`, `issued_at`, `expires_at` (ISO 8601,
//! UTC), `revoked` (false, or null when no revocation list covered the issuer), `warnings`,
//! `public` {`help`: [{`code`, `key`, `label`}], `message`}, `private` (null: none on the card;
//! "locked": no key given; an object; or {"error": code}).

use std::path::PathBuf;

use clap::Args;
use helpcard_core::card::{self, Opened, PrivateOutcome, ResponderKeys, RevocationStatus, Warning};
use helpcard_core::date::UnixTime;
use helpcard_core::error::OpenError;
use helpcard_core::keys::Role;
use helpcard_core::qr::{self, Effort, LumaImage};
use helpcard_core::qrtext;
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_core::vocab::{Code, Lang as VocabLang};
use serde_json::{Value, json};

use crate::fail::{self, Fail};
use crate::{Lang, keys_cmd, render};

#[derive(Args)]
pub struct OpenArgs {
    /// Image of the card (PNG or JPEG).
    #[arg(required_unless_present = "text", conflicts_with = "text")]
    image: Option<PathBuf>,
    /// The QR text instead of an image.
    #[arg(long)]
    text: Option<String>,
    /// Root public key (pinned).
    #[arg(long)]
    root: PathBuf,
    /// Signed trust list.
    #[arg(long)]
    trust: PathBuf,
    /// Responder private key, to open the private part.
    #[arg(long)]
    responder_key: Option<PathBuf>,
    /// Signed revocation lists.
    #[arg(long)]
    revocations: Vec<PathBuf>,
    /// Print JSON (fields documented in `helpcard open --help`'s source and the README).
    #[arg(long)]
    json: bool,
}

fn iso(t: UnixTime) -> String {
    let s = t.0 % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        t.date(),
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn code_json(c: Code, lang: VocabLang) -> Value {
    json!({ "code": c.value, "key": c.entry().map(|e| e.key), "label": c.label(lang) })
}

fn to_json(o: &Opened, lang: Lang) -> Value {
    let vl = lang.vocab();
    let private = match &o.private {
        PrivateOutcome::Absent => Value::Null,
        PrivateOutcome::Locked => json!("locked"),
        PrivateOutcome::Failed(e) => json!({ "error": e.code(), "message": e.to_string() }),
        PrivateOutcome::Decrypted(p) => serde_json::to_value(p).unwrap_or(Value::Null),
    };
    json!({
        "status": "ok",
        "card_id": o.card_id.to_hex(),
        "issuer": o.issuer,
        "issuer_name": o.issuer_name,
        "issued_at": iso(o.issued_at),
        "expires_at": iso(o.expires_at),
        "revoked": match o.revocation { RevocationStatus::NotRevoked { .. } => json!(false), _ => Value::Null },
        "warnings": o.warnings.iter().map(|w| match w {
            Warning::TrustListOutOfDate { .. } => "trust_list_out_of_date",
            Warning::RevocationListOutOfDate { .. } => "revocation_list_out_of_date",
            _ => "other",
        }).collect::<Vec<_>>(),
        "public": {
            "help": o.public.help.iter().map(|c| code_json((*c).into(), vl)).collect::<Vec<_>>(),
            "message": o.public.message,
        },
        "private": private,
    })
}

pub fn run(a: OpenArgs, lang: Lang) -> Result<(), Fail> {
    let now = crate::now();
    let root = keys_cmd::load_verifying(&a.root, Role::Root, lang)?;
    let mut trust = TrustStore::new(vec![root]);
    trust.load(&fail::read(&a.trust, lang)?, now).map_err(|e| {
        Fail::general(format!(
            "{}: {} ({e})",
            a.trust.display(),
            lang.t("信頼リストを使えません", "cannot use the trust list")
        ))
    })?;
    let mut revocations = Revocations::new();
    for r in &a.revocations {
        revocations
            .load(&fail::read(r, lang)?, &trust, now)
            .map_err(|e| {
                Fail::general(format!(
                    "{}: {} ({e})",
                    r.display(),
                    lang.t("失効リストを使えません", "cannot use the revocation list")
                ))
            })?;
    }
    let keys = a
        .responder_key
        .as_deref()
        .map(|p| keys_cmd::load_responder(p, lang))
        .transpose()?
        .map(|k| ResponderKeys::new(vec![k]));
    let text = match (&a.text, &a.image) {
        (Some(t), _) => t.clone(),
        (None, Some(path)) => {
            let img = image::open(path)
                .map_err(|e| {
                    Fail::general(format!(
                        "{}: {} ({e})",
                        path.display(),
                        lang.t("画像を読めません", "cannot load the image")
                    ))
                })?
                .to_luma8();
            let luma = LumaImage::new(img.width() as usize, img.height() as usize, img.as_raw())
                .map_err(|e| Fail::general(e.to_string()))?;
            let codes =
                qr::read(&luma, Effort::Thorough).map_err(|e| Fail::general(e.to_string()))?;
            let found = codes
                .into_iter()
                .map(|c| String::from_utf8_lossy(&c).into_owned())
                .find(|t| t.contains('#'));
            found.ok_or_else(|| {
                Fail::with_code(
                    fail::REJECTED,
                    format!(
                        "{}: {}",
                        path.display(),
                        lang.t(
                            "ヘルプカードの QR コードが見つかりません",
                            "no help-card QR code found"
                        )
                    ),
                )
            })?
        }
        (None, None) => return Err(Fail::general("IMAGE or --text")),
    };
    let result = qrtext::decode(&text)
        .map_err(OpenError::from)
        .and_then(|bytes| {
            card::open(
                &bytes,
                &trust,
                now,
                keys.as_ref(),
                (!a.revocations.is_empty()).then_some(&revocations),
            )
        });
    match result {
        Ok(opened) => {
            if a.json {
                println!("{}", to_json(&opened, lang));
            } else {
                print!("{}", render::opened(&opened, lang));
            }
            Ok(())
        }
        Err(e) => {
            if a.json {
                println!(
                    "{}",
                    json!({ "status": e.code(), "message": e.to_string() })
                );
            }
            Err(Fail::with_code(
                fail::REJECTED,
                format!(
                    "{}: {e}",
                    lang.t("このカードは受け付けられません", "this card is rejected")
                ),
            ))
        }
    }
}
