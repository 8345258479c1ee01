//! Prints the size of a card for every reference profile: bytes per section (public and
//! private part before and after text coding), QR version at ECC L/M/Q, and the version and
//! level an issued card gets (the smallest version at M, at the highest level that fits it).
//!
//! Run: `cargo run --release -p helpcard-qr --example sizes`

use helpcard_core::card::Validity;
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::profile::Profile;
use helpcard_core::qrtext::{self, DEFAULT_PREFIX};
use helpcard_core::testing::{DEMO_EPOCH, DemoWorld, REFERENCE_PROFILES, StreamRng};
use helpcard_qr as qr;
use helpcard_qr::size::SizeReport;

fn main() {
    let world = DemoWorld::new(1);
    let validity = Validity {
        issued_at: DEMO_EPOCH,
        expires_at: UnixTime(DEMO_EPOCH.0 + 5 * 365 * 86_400),
    };
    let today = Date::from_ymd(2026, 11, 25).expect("date");
    println!(
        "{:<24} {:>5} {:>4} {:>4} {:>11} {:>4} {:>11} {:>3} {:>3} {:>3} {:>6}",
        "profile", "bytes", "sig", "clm", "public", "enc", "private", "L", "M", "Q", "card"
    );
    for (name, text) in REFERENCE_PROFILES {
        let profile = Profile::load_toml(text, today).expect("reference profile");
        let issued = world
            .issue(&profile, validity, &mut StreamRng::from_seed(1))
            .expect("issue");
        let r = SizeReport::measure(&issued, DEFAULT_PREFIX).expect("prefix");
        let v = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
        let text = qrtext::encode(DEFAULT_PREFIX, &issued.bytes).expect("prefix");
        let card = qr::best_ec_level(&text, qr::EcLevel::M)
            .map_or("-".into(), |(v, ec)| format!("v{v}-{ec:?}"));
        println!(
            "{:<24} {:>5} {:>4} {:>4} {:>4} → {:>4} {:>4} {:>4} → {:>4} {:>3} {:>3} {:>3} {:>6}",
            name,
            r.payload_bytes,
            r.signature_and_envelope,
            r.claims_overhead,
            r.public_unpacked,
            r.public_part,
            r.key_agreement_and_encryption,
            r.private_unpacked,
            r.private_packed,
            v(r.qr_version_l),
            v(r.qr_version_m),
            v(r.qr_version_q),
            card
        );
    }
    // What the goals allow: the most card bytes each version holds at ECC M with this prefix.
    // Fitting is monotone in the length, so a binary search over 0..3000 bytes finds the edge.
    let holds = |version: u8| {
        (0..3000usize).collect::<Vec<_>>().partition_point(|&n| {
            let text = qrtext::encode(DEFAULT_PREFIX, &vec![0xFF; n]).expect("prefix");
            qr::min_version(&text, qr::EcLevel::M).is_ok_and(|v| v <= version)
        }) - 1
    };
    println!(
        "capacity at ECC M with prefix {DEFAULT_PREFIX}: v10 {} bytes, v15 {}, v20 {}",
        holds(10),
        holds(15),
        holds(20)
    );
}
