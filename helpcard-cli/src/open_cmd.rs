//! `helpcard open (IMAGE | --text TEXT)`: verify a card and show it.
//!
//! `--json` prints the card view (`helpcard_core::view::CardView`) as one object. Stable fields:
//! `status` ("ok" or the rejection code of the test vectors, e.g. "bad_signature"), `message`
//! (on rejection), `card_id`, `issuer`, `issuer_name`, `issued_at`, `expires_at` (ISO 8601,
//! UTC), `revoked` (false, or null when no revocation list covered the issuer), `warnings`
//! (codes), `public` {`help`: [{`code`, `key`, `label`}], `message`}, `private` (null: none on
//! the card; "locked": no key given; an object; or {"error": code, "message"}). Added for
//! screens: `verdict` (verified, verified_with_warning, expired, revoked, unknown_issuer,
//! tampered, unreadable), `headline`, `advice`, `valid_until`, `notices` [{`code`, `message`}]
//! `private_sections` [{`id`, `title`, `items`: [{`label`, `value`}]}], `private_state` (shown,
//! locked, absent, unavailable, refused) and `labels` (the view's own words: `issuer`,
//! `card_id`, `valid_until`, `help`, `message`, `private`, `private_locked`, ...).

use std::path::PathBuf;

use clap::Args;
use helpcard_core::card::{self, ResponderKeys};
use helpcard_core::keys::Role;
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_core::view::CardView;
use helpcard_qr::{self as qr, Effort};

use crate::fail::{self, Fail};
use crate::lang::Lang;
use crate::{keys_cmd, render};

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

pub fn run(a: OpenArgs, lang: Lang) -> Result<(), Fail> {
    let now = crate::clock::now();
    let root = keys_cmd::load_verifying(&a.root, Role::Root, lang)?;
    let mut trust = TrustStore::new(vec![root]);
    trust.load(&fail::read(&a.trust, lang)?, now).map_err(|e| {
        Fail::general(format!(
            "{}: {} {}",
            a.trust.display(),
            lang.t("信頼リストを使えません:", "cannot use the trust list:"),
            e.message(lang.vocab())
        ))
    })?;
    let mut revocations = Revocations::new();
    for r in &a.revocations {
        revocations
            .load(&fail::read(r, lang)?, &trust, now)
            .map_err(|e| {
                Fail::general(format!(
                    "{}: {} {}",
                    r.display(),
                    lang.t("失効リストを使えません:", "cannot use the revocation list:"),
                    e.message(lang.vocab())
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
            let frame = qr::decode_luma(&fail::read(path, lang)?).map_err(|e| {
                Fail::general(format!(
                    "{}: {} ({e})",
                    path.display(),
                    lang.t("画像を読めません", "cannot load the image")
                ))
            })?;
            let luma = frame.image().map_err(|e| Fail::general(e.to_string()))?;
            let found = qr::find_card_text(&luma, Effort::Thorough)
                .map_err(|e| Fail::general(e.to_string()))?;
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
    let result = card::open_text(
        &text,
        &trust,
        now,
        keys.as_ref(),
        (!a.revocations.is_empty()).then_some(&revocations),
    );
    let view = CardView::new(&result, lang.vocab());
    if a.json {
        println!(
            "{}",
            serde_json::to_string(&view).map_err(|e| Fail::general(e.to_string()))?
        );
    } else {
        print!("{}", render::card_view(&view));
    }
    match result {
        Ok(_) => Ok(()),
        Err(e) => Err(Fail::with_code(
            fail::REJECTED,
            format!(
                "{}: {}",
                lang.t("このカードは受け付けられません", "this card is rejected"),
                e.message(lang.vocab())
            ),
        )),
    }
}
