//! `helpcard demo`: the whole path on the reference profiles, with demo keys.

use std::fs;
use std::path::Path;

use helpcard_core::card::{self, ResponderKeys};
use helpcard_core::date::UnixTime;
use helpcard_core::demo::{DemoWorld, REFERENCE_PROFILES};
use helpcard_core::keys::{Protection, ResponderKey, Role};
use helpcard_core::profile::Profile;
use helpcard_core::qrtext;
use helpcard_core::view::CardView;
use helpcard_office::OfficeError;
use helpcard_office::issue::{self, Issuing};
use helpcard_office::layout::{self, Layout};
use helpcard_office::pdf;
use helpcard_qr::{self as qr, Effort};
use rand_core::OsRng;

use crate::lang::Lang;
use crate::render;

const YEAR: u64 = 365 * 86_400;

pub fn run(dir: &Path, lang: Lang) -> Result<(), String> {
    let now = crate::clock::now();
    // Fresh random keys every run; written unprotected because this is a demo.
    let mut rng = OsRng;
    let mut secrets = [[0u8; 32]; 3];
    secrets
        .iter_mut()
        .for_each(|s| rand_core::RngCore::fill_bytes(&mut rng, s));
    let mut world = DemoWorld::from_secrets(&secrets);
    secrets.iter_mut().for_each(|s| s.fill(0));
    for entry in &mut world.trust_list.issuers {
        entry.entry.not_before = UnixTime(now.0 - 60);
        entry.entry.not_after = UnixTime(now.0 + 10 * YEAR);
    }
    world.trust_list.issued_at = now;
    world.trust_list.next_update = UnixTime(now.0 + YEAR);
    let trust_bytes = world.trust_list.sign(&world.root);
    let mut trust = helpcard_core::trust::TrustStore::new(vec![world.root.verifying_key()]);
    trust.load(&trust_bytes, now).map_err(|e| e.to_string())?;

    let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
    fs::create_dir_all(dir.join("cards")).map_err(|e| io(dir, e))?;
    let write = |name: &str, contents: &[u8]| -> Result<(), String> {
        let path = dir.join(name);
        fs::write(&path, contents).map_err(|e| io(&path, e))
    };
    let insecure = Protection::InsecurePlaintext;
    let key_err = |e: helpcard_core::keys::KeyError| e.to_string();
    write(
        "root.public.json",
        world.root.verifying_key().to_file(Role::Root).as_bytes(),
    )?;
    write(
        "issuer.public.json",
        world
            .issuer
            .verifying_key()
            .to_file(Role::Issuer)
            .as_bytes(),
    )?;
    write(
        "responder.public.json",
        world.responder.public_key().to_file().as_bytes(),
    )?;
    write(
        "root.INSECURE-DEMO.key.json",
        world
            .root
            .to_file(Role::Root, insecure, &mut rng)
            .map_err(key_err)?
            .as_bytes(),
    )?;
    write(
        "issuer.INSECURE-DEMO.key.json",
        world
            .issuer
            .to_file(Role::Issuer, insecure, &mut rng)
            .map_err(key_err)?
            .as_bytes(),
    )?;
    write(
        "responder.INSECURE-DEMO.key.json",
        world
            .responder
            .to_file(insecure, &mut rng)
            .map_err(key_err)?
            .as_bytes(),
    )?;
    write("trust-list.cbor", &trust_bytes)?;
    let responder_file = world
        .responder
        .to_file(insecure, &mut rng)
        .map_err(key_err)?;
    let keys = ResponderKeys::new(vec![
        ResponderKey::from_file(&responder_file, None).map_err(key_err)?,
    ]);

    println!(
        "{}",
        lang.t(
            "== helpcard デモ: 参照プロフィールでカードを発行し、読み取ります ==",
            "== helpcard demo: issue and read cards for the reference profiles =="
        )
    );
    println!("{}: {}\n", lang.t("出力先", "output"), dir.display());
    let office = |e: OfficeError| e.message(lang.vocab());
    let font = pdf::load_font(None).map_err(office)?;
    let responder_public = world.responder.public_key();
    // The office's issue step, as `issue` runs it (the version rule included); the demo keeps
    // no registry.
    let issuing = Issuing {
        key: &world.issuer,
        issuer_id: "musashino",
        responder: Some(&responder_public),
        prefix: qrtext::DEFAULT_PREFIX,
        validity: issue::validity(now, 3),
    };
    for (name, text) in REFERENCE_PROFILES {
        let profile = Profile::load_toml(text, now.date()).map_err(|e| format!("{name}: {e}"))?;
        let signed = issuing
            .sign(&profile, name, &mut rng)
            .map_err(|e| format!("{name}: {}", office(e)))?;
        write(&format!("cards/{name}.txt"), signed.text.as_bytes())?;
        // Render the QR code as a PNG and read it back through the QR reader, as a scanner would.
        let symbol = &signed.symbol;
        let (version, ec, bytes) = (symbol.version, symbol.ec_level, signed.issued.bytes.len());
        println!("## {name}");
        if lang == Lang::Ja {
            println!(
                "  カード: {bytes} バイト、QR バージョン {version}（誤り訂正 {ec:?}）→ cards/{name}.png（読み取り確認済み）"
            );
        } else {
            println!(
                "  card: {bytes} bytes, QR version {version} (ECC {ec:?}) → cards/{name}.png (read back)"
            );
        }
        let png = symbol.to_png(4, Some(600));
        write(&format!("cards/{name}.png"), &png)?;
        // The card at true size (bundled font embedded as a subset), then the holder's copy.
        let mut doc = pdf::Document::new(&font).map_err(office)?;
        let issuer = "武蔵野市 障害者福祉課";
        let (card_id, expires) = (signed.card_id(), signed.record.expires_at);
        doc.card_pages(
            &layout::face(&profile, symbol, issuer, card_id, expires),
            Layout::default(),
        );
        let (title, lines) = layout::holder_copy(&profile, issuer, card_id, expires);
        doc.text_pages(&title, &lines);
        write(&format!("cards/{name}.pdf"), &doc.finish().map_err(office)?)?;
        // Decode the PNG file's bytes, as a scanner reading an image would.
        let frame = qr::decode_luma(&png).map_err(|e| format!("{name}.png: {e}"))?;
        let scanned =
            qr::find_card_text(&frame.image().map_err(|e| e.to_string())?, Effort::Thorough)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{name}: the QR reader found no code"))?;
        let public_view = card::open_text(&scanned, &trust, now, None, None)
            .map_err(|e| format!("{name}: {e}"))?;
        println!(
            "{}",
            lang.t("  [通りがかりの人が見る内容]", "  [what a passer-by sees]")
        );
        print!(
            "{}",
            render::card_view(&CardView::opened(&public_view, lang.vocab()))
        );
        let responder_view = card::open_text(&scanned, &trust, now, Some(&keys), None)
            .map_err(|e| format!("{name}: {e}"))?;
        println!(
            "{}",
            lang.t("  [応答者が見る内容]", "  [what a responder sees]")
        );
        print!(
            "{}",
            render::card_view(&CardView::opened(&responder_view, lang.vocab()))
        );
        println!();
    }
    Ok(())
}
