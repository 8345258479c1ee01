//! `helpcard issue PROFILE`: profile file → validated profile → card → QR outputs, with the
//! size report, recorded in the registry.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use helpcard_core::date::UnixTime;
use helpcard_core::keys::{ResponderPublicKey, Role, SigningKey};
use helpcard_core::profile::{Profile, ProfileError};
use helpcard_core::qrtext;
use helpcard_office::files::{Access, Staged};
use helpcard_office::issue::{self, Signed, WARN_VERSION};
use helpcard_office::layout::{self, Layout};
use helpcard_office::registry::NotifyTo;
use helpcard_office::{OfficeError, pdf};
use helpcard_qr::size::SizeReport;
use rand_core::OsRng;

use crate::fail::{self, Fail};
use crate::keys_cmd;
use crate::lang::Lang;
use crate::registry_cmd::RegistryArg;

/// How a card is printed (`--layout`; [`Layout`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// One face: the QR code at 32 mm beside the text.
    Single,
    /// Two faces, for duplex printing: the QR code alone on the back at 50 mm.
    Duplex,
    /// Both faces on one piece, folded in the middle.
    Folded,
}

impl From<LayoutArg> for Layout {
    fn from(a: LayoutArg) -> Layout {
        match a {
            LayoutArg::Single => Layout::Single,
            LayoutArg::Duplex => Layout::Duplex,
            LayoutArg::Folded => Layout::Folded,
        }
    }
}

/// What every issuing command needs: who signs, and the card's URL and validity.
#[derive(Args)]
pub struct Issuing {
    /// Issuer private key file.
    #[arg(long)]
    pub issuer: PathBuf,
    /// Issuer id as on the trust list (recorded in the registry).
    #[arg(long)]
    pub issuer_id: String,
    /// URL prefix of the QR text (the web scanner's address).
    #[arg(long, default_value = qrtext::DEFAULT_PREFIX)]
    pub prefix: String,
    /// Years of validity (1–10).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=10))]
    pub valid_years: u64,
    /// Issuing office name printed on the card (defaults to the issuer id).
    #[arg(long)]
    pub issuer_name: Option<String>,
    /// TrueType/OpenType font with Japanese glyphs for PDFs (default: HELPCARD_FONT, else the
    /// bundled BIZ UDGothic).
    #[arg(long)]
    pub font: Option<PathBuf>,
    /// How the card is printed: duplex (the QR code alone on the back at 50 mm, read from
    /// further away), folded (both faces on one piece, folded in the middle) or single (one
    /// face, the QR code at 32 mm).
    #[arg(long, value_enum, default_value_t = LayoutArg::Duplex)]
    pub layout: LayoutArg,
    /// Allow an issuer key stored without a passphrase (demo and test keys): a card signed with
    /// such a key proves nothing, so this is refused unless asked for.
    #[arg(long)]
    pub allow_demo_key: bool,
}

impl Issuing {
    /// The issuer key, refusing an unprotected (demo) key unless `--allow-demo-key`.
    pub fn load_issuer(&self, lang: Lang) -> Result<SigningKey, Fail> {
        if !self.allow_demo_key && keys_cmd::is_unprotected(&self.issuer, lang)? {
            return Err(Fail::with_code(
                fail::KEY,
                format!(
                    "{}: {}",
                    self.issuer.display(),
                    lang.t(
                        "パスフレーズで保護されていない鍵（デモ・テスト用）では発行しません。テストなら --allow-demo-key を付けてください",
                        "this key is not protected by a passphrase (a demo or test key); cards are not issued with it unless --allow-demo-key is given"
                    )
                ),
            ));
        }
        keys_cmd::load_signing(&self.issuer, Role::Issuer, lang)
    }

    /// The office name printed on cards.
    pub fn issuer_name(&self) -> &str {
        self.issuer_name.as_deref().unwrap_or(&self.issuer_id)
    }

    /// The office's issuing run over `key` (and `responder`) from `now`.
    pub fn issuing<'a>(
        &'a self,
        key: &'a SigningKey,
        responder: Option<&'a ResponderPublicKey>,
        now: UnixTime,
    ) -> issue::Issuing<'a> {
        issue::Issuing {
            key,
            issuer_id: &self.issuer_id,
            responder,
            prefix: &self.prefix,
            validity: issue::validity(now, self.valid_years),
        }
    }

    /// The layout cards are printed in.
    pub fn layout(&self) -> Layout {
        self.layout.into()
    }

    /// The PDF font (`--font`, `HELPCARD_FONT`, or the bundled one).
    pub fn font(&self, lang: Lang) -> Result<std::borrow::Cow<'static, [u8]>, Fail> {
        pdf::load_font(self.font.as_deref()).map_err(|e| Fail::office(e, lang))
    }
}

/// A profile's signing refused: the office's error naming `origin` (the profile file), and
/// where to see a too-large card's breakdown.
pub fn refused(origin: &Path, e: OfficeError, lang: Lang) -> Fail {
    let hint = matches!(e, OfficeError::TooLarge { .. }).then(|| {
        lang.t(
            "（内訳は helpcard size で確認できます）",
            " (helpcard size shows the breakdown)",
        )
    });
    let f = Fail::office(e, lang);
    Fail::with_code(
        f.code,
        format!(
            "{}: {}{}",
            origin.display(),
            f.message,
            hint.unwrap_or_default()
        ),
    )
}

/// The warning for a card above [`WARN_VERSION`].
pub fn warn_if_large(signed: &Signed, lang: Lang) {
    if signed.is_large() {
        eprintln!(
            "{}: {} {} > {WARN_VERSION}",
            lang.t("警告", "warning"),
            lang.t(
                "QR バージョンが大きく、古いカメラでは読みにくくなります:",
                "the QR code is large; older cameras may fail to read version"
            ),
            signed.symbol.version
        );
    }
}

#[derive(Args)]
pub struct IssueArgs {
    /// Profile file (.toml or .json).
    profile: PathBuf,
    #[command(flatten)]
    issuing: Issuing,
    /// Responder group public key file (the private part is encrypted to it).
    #[arg(long)]
    responder: Option<PathBuf>,
    /// Output path prefix: writes PREFIX.pdf (the card at ID-1 size: front and back, or one
    /// face, or the piece to fold; then the holder's copy), PREFIX.png, PREFIX.svg and
    /// PREFIX.txt (the QR text).
    #[arg(long)]
    out: PathBuf,
    /// Width of the QR code including its quiet zone in the PNG and SVG, in millimetres
    /// (default: as printed in the PDF's layout, 50 mm for duplex and folded, 32 for single).
    #[arg(long, value_parser = mm_range)]
    qr_mm: Option<f64>,
    /// PNG resolution.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(72..=2400))]
    dpi: u32,
    /// Holder reference for the registry (a case number; never the name). Defaults to the
    /// profile file's name.
    #[arg(long)]
    holder: Option<String>,
    /// Card id this card replaces (marked revoked as "replaced" in the same transaction).
    #[arg(long)]
    pub replaces: Option<String>,
    /// An e-mail address told when the card's private part is opened (the holder, family),
    /// in the card's language; repeat for several. Kept in the registry, never on the card;
    /// the key service sends the notices.
    #[arg(long = "notify")]
    notify: Vec<String>,
    #[command(flatten)]
    registry: RegistryArg,
}

/// Each problem of a profile as one line naming the field.
pub fn profile_problems(e: ProfileError, lang: Lang) -> Vec<String> {
    helpcard_office::table::problems(e, lang.vocab())
}

/// Loads and validates a profile file, with errors naming the file and the field.
pub fn load_profile(
    path: &Path,
    today: helpcard_core::date::Date,
    lang: Lang,
) -> Result<Profile, Fail> {
    let text = fail::read_text(path, lang)?;
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        Profile::from_json(&text)
    } else {
        Profile::from_toml(&text)
    };
    parsed
        .and_then(|p| p.validate(today).map(|()| p))
        .map_err(|e| {
            let detail: String = profile_problems(e, lang)
                .iter()
                .map(|l| format!("\n  {l}"))
                .collect();
            Fail::with_code(
                fail::PROFILE,
                format!(
                    "{}: {}{detail}",
                    path.display(),
                    lang.t("プロフィールに誤りがあります", "the profile has errors")
                ),
            )
        })
}

/// The size summary printed by `issue` and `size`.
pub fn summary(r: &SizeReport, lang: Lang) -> String {
    let v = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
    format!(
        "{} {} / QR {} L {} M {} Q {} ({}: {} {} {} {} {} {}→{} {} {} {} {}→{})",
        r.payload_bytes,
        lang.t("バイト", "bytes"),
        lang.t("バージョン", "version"),
        v(r.qr_version_l),
        v(r.qr_version_m),
        v(r.qr_version_q),
        lang.t("内訳", "breakdown"),
        lang.t("署名", "signature"),
        r.signature_and_envelope,
        lang.t("クレーム", "claims"),
        r.claims_overhead,
        lang.t("公開", "public"),
        r.public_unpacked,
        r.public_part,
        lang.t("暗号化", "encryption"),
        r.key_agreement_and_encryption,
        lang.t("非公開", "private"),
        r.private_unpacked,
        r.private_packed
    )
}

/// `--qr-mm`: a printable symbol, 10–150 mm wide.
fn mm_range(s: &str) -> Result<f64, String> {
    let mm: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if (10.0..=150.0).contains(&mm) {
        Ok(mm)
    } else {
        Err(format!("{mm} is not in 10..=150 (mm)"))
    }
}

fn with_ext(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

pub fn run(a: IssueArgs, lang: Lang) -> Result<(), Fail> {
    let now = crate::clock::now();
    let profile = load_profile(&a.profile, now.date(), lang)?;
    let key = a.issuing.load_issuer(lang)?;
    let responder = a
        .responder
        .as_deref()
        .map(|p| keys_cmd::load_responder_public(p, lang))
        .transpose()?;
    let holder = a.holder.clone().unwrap_or_else(|| {
        a.profile
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let card_lang = profile.lang();
    let notify = a
        .notify
        .iter()
        .map(|n| NotifyTo::parse(n, card_lang))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Fail::office(e, lang))?;
    let mut signed = a
        .issuing
        .issuing(&key, responder.as_ref(), now)
        .sign(&profile, &holder, &mut OsRng)
        .map_err(|e| refused(&a.profile, e, lang))?;
    signed.record.notify = notify;
    let size = SizeReport::measure(&signed.issued, &a.issuing.prefix)
        .map_err(|e| Fail::general(e.to_string()))?;
    println!("{}: {}", a.profile.display(), summary(&size, lang));
    warn_if_large(&signed, lang);
    let (symbol, layout) = (&signed.symbol, a.issuing.layout());
    let modules = symbol.size_with_quiet_zone() as f64;
    let qr_mm = a.qr_mm.unwrap_or(f64::from(layout.qr_mm()));
    let ppm = ((qr_mm / modules) * f64::from(a.dpi) / 25.4)
        .round()
        .max(1.0) as usize;
    let font = a.issuing.font(lang)?;
    let office = |e| Fail::office(e, lang);
    let mut doc = pdf::Document::new(&font).map_err(office)?;
    let (issuer_name, expires) = (a.issuing.issuer_name(), signed.record.expires_at);
    doc.card_pages(
        &layout::face(&profile, symbol, issuer_name, signed.card_id(), expires),
        layout,
    );
    let (title, lines) = layout::holder_copy(&profile, issuer_name, signed.card_id(), expires);
    doc.text_pages(&title, &lines);
    // Nothing appears under its final name until the registry has the card
    // (helpcard_office::files).
    let mut files = Staged::default();
    let staged = [
        (".png", symbol.to_png(ppm, Some(a.dpi)), Access::Public),
        (
            ".svg",
            symbol.to_svg(qr_mm / modules).into_bytes(),
            Access::Public,
        ),
        (".txt", signed.text.clone().into_bytes(), Access::Public),
        // The holder's copy lists the private part in plain text: owner-only.
        (".pdf", doc.finish().map_err(office)?, Access::Private),
    ];
    for (ext, bytes, access) in staged {
        files
            .add(with_ext(&a.out, ext), &bytes, access)
            .map_err(office)?;
    }
    let mut registry = a.registry.open(lang)?;
    let linked = issue::register(
        &mut registry,
        vec![(signed.record.clone(), files)],
        a.replaces.as_deref(),
        now,
    )
    .map_err(office)?;
    for (record, result) in linked {
        result.map_err(|e| {
            Fail::general(format!(
                "{}: {} {}",
                e.message(lang.vocab()),
                lang.t(
                    "カードは登録済みですがファイルを書けませんでした。このカードを失効させてください:",
                    "the card is registered but its files could not be written; revoke card"
                ),
                record.card_id
            ))
        })?;
    }
    println!(
        "{} {} ({} {}, ECC {:?}, {:.2} mm/module) → {}.pdf/.png/.svg/.txt",
        lang.t("カード番号", "card id"),
        signed.card_id(),
        lang.t("QR バージョン", "QR version"),
        symbol.version,
        symbol.ec_level,
        f64::from(layout.qr_mm()) / modules,
        a.out.display()
    );
    Ok(())
}
