//! Issue and open time per card for every reference profile, and the worst case of the text
//! decoder (a crafted stream that decodes to the most characters a part may hold).
//!
//! Run: `cargo bench -p helpcard-core --bench card`

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use helpcard_core::card::{self, ResponderKeys, Validity};
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::ResponderKey;
use helpcard_core::profile::{PRIVATE_SCHEMA, Profile};
use helpcard_core::testing::{DEMO_EPOCH, DemoWorld, REFERENCE_PROFILES, StreamRng};
use helpcard_core::{packed, text};

fn bench(c: &mut Criterion) {
    let world = DemoWorld::new(1);
    let now = UnixTime(DEMO_EPOCH.0 + 86_400);
    let trust = world.trust_store(now);
    let keys = ResponderKeys::new(vec![ResponderKey::from_secret_bytes(
        &DemoWorld::secrets(1)[2],
    )]);
    let validity = Validity {
        issued_at: DEMO_EPOCH,
        expires_at: UnixTime(DEMO_EPOCH.0 + 365 * 86_400),
    };
    let today = Date::from_ymd(2026, 11, 25).expect("date");
    let mut issue_group = c.benchmark_group("issue");
    for (name, text) in REFERENCE_PROFILES {
        let profile = Profile::load_toml(text, today).expect("profile");
        let mut rng = StreamRng::from_seed(1);
        issue_group.bench_with_input(BenchmarkId::from_parameter(name), &profile, |b, p| {
            b.iter(|| world.issue(p, validity, &mut rng).expect("issue"))
        });
    }
    issue_group.finish();
    let mut open_group = c.benchmark_group("open");
    for (name, text) in REFERENCE_PROFILES {
        let profile = Profile::load_toml(text, today).expect("profile");
        let bytes = world
            .issue(&profile, validity, &mut StreamRng::from_seed(1))
            .expect("issue")
            .bytes;
        open_group.bench_with_input(BenchmarkId::new("with_key", name), &bytes, |b, bytes| {
            b.iter(|| card::open(bytes, &trust, now, Some(&keys), None).expect("open"))
        });
        open_group.bench_with_input(BenchmarkId::new("public_only", name), &bytes, |b, bytes| {
            b.iter(|| card::open(bytes, &trust, now, None, None).expect("open"))
        });
    }
    open_group.finish();

    // A crafted private part: one flag, then a name decoding to MAX_SYMBOLS characters (it
    // keeps the text model's memory as large as it can get). Refused at the end, as it must be.
    let long = "佐藤".repeat(text::MAX_SYMBOLS / 2);
    let mut w = text::Writer::default();
    w.text(&long[..long.len() - 3]).expect("fits");
    let crafted = w.finish();
    c.bench_function("unpack/crafted-4096-characters", |b| {
        b.iter(|| packed::unpack(&crafted, PRIVATE_SCHEMA).expect_err("no such part"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(300)).measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
