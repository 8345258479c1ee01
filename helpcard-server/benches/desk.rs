//! The issuing desk against the real server on 127.0.0.1 (release build): the time to issue one
//! card (sign, register, the card and holder's-copy PDFs, the lock-screen image), p50/p95 over
//! a bounded run, and a 1,000-row batch import with its A4 sheets. Loopback only.
//!
//! Run: `cargo bench -p helpcard-server --bench desk` (HELPCARD_BENCH_CARDS, default 100;
//! HELPCARD_BENCH_ROWS, default 1000).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use helpcard_core::date::UnixTime;
use helpcard_core::demo::REFERENCE_PROFILES;
use helpcard_core::profile::Profile;
use serde_json::json;

fn count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let cards = count("HELPCARD_BENCH_CARDS", 100);
    let rows = count("HELPCARD_BENCH_ROWS", 1000);
    let s = common::Server::start("bench-desk", &[]).pooled();
    let mut key = s.register(&s.desk_invite);
    let clerk = s.sign_in(&mut key, "demo-clerk");
    let (status, _, _) = s.post(
        "/api/desk/key/unlock",
        &json!({ "passphrase": "demo-desk" }),
        Some(&clerk),
    );
    assert_eq!(status, 200);
    let now = UnixTime(common::unix_now());
    let profile = Profile::load_toml(REFERENCE_PROFILES[3].1, now.date()).unwrap();
    let request = |i: usize| {
        json!({
            "form": {
                "holder_ref": format!("bench-{i}"),
                "profile": serde_json::to_value(&profile).unwrap(),
                "placements": {},
            },
            "consent": { "by": "holder" },
        })
    };
    // Warm up.
    for i in 0..3 {
        assert_eq!(s.post("/api/desk/issue", &request(i), Some(&clerk)).0, 200);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut latencies = Vec::new();
    for i in 0..cards {
        if Instant::now() > deadline {
            break;
        }
        let t = Instant::now();
        let (status, body, _) = s.post("/api/desk/issue", &request(1000 + i), Some(&clerk));
        latencies.push(t.elapsed());
        assert_eq!(status, 200, "{body}");
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "desk issue (sign, register, card PDF, holder's copy, lock-screen image), {} cards, {}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        latencies.len(),
        profile_name(),
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );

    let mut table = String::from(
        "holder_ref,help,message,name,name_kana,birth_date,contact1_name,contact1_relation,contact1_phone\n",
    );
    let family = [
        "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村",
    ];
    let given = ["健太", "美咲", "翔", "さくら", "正雄", "亮", "恵", "陽子"];
    for i in 0..rows {
        table.push_str(&format!(
            "batch-{i:05},writing;sign-language;face-me-when-speaking,耳が聞こえません。筆談か手話でお願いします。,{} {},,{}-{:02}-{:02},{} 一郎,spouse,090-{:04}-{:04}\n",
            family[i % 8],
            given[(i / 8) % 8],
            1940 + i % 70,
            1 + i % 12,
            1 + i % 28,
            family[i % 8],
            i % 10_000,
            (i * 7) % 10_000
        ));
    }
    let t = Instant::now();
    let (status, body, _) = s.post(
        "/api/desk/batch?by=holder&layout=duplex",
        &json!({ "csv": table }),
        Some(&clerk),
    );
    let wall = t.elapsed();
    assert_eq!(status, 200, "{body}");
    let t2 = Instant::now();
    let (status, sheets, _) = s.get_with(
        &format!(
            "/api/desk/handout/{}/sheets.pdf",
            body["handout"].as_str().unwrap()
        ),
        &[("Cookie", &clerk)],
    );
    assert_eq!(status, 200);
    println!(
        "desk batch import: {} rows issued with their duplex A4 sheets in {:.2} s ({} kB PDF, fetched in {:.2} s)",
        body["issued"],
        wall.as_secs_f64(),
        sheets.len() / 1000,
        t2.elapsed().as_secs_f64()
    );
}

fn profile_name() -> &'static str {
    REFERENCE_PROFILES[3].0
}
