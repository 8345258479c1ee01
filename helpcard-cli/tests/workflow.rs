//! The issuing office's workflow end to end, through the real binary: keys, trust list, issue,
//! open (image, with and without the responder key), revoke, publish, open again; and the bad
//! inputs staff will meet (wrong passphrase, invalid profile, unknown card).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Office {
    dir: PathBuf,
}

impl Office {
    fn new(name: &str) -> Office {
        let dir = std::env::temp_dir().join(format!("helpcard-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Office { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.join(p)
    }

    fn run(&self, args: &[&str], passphrase: &str) -> Output {
        Command::new(env!("CARGO_BIN_EXE_helpcard"))
            .args(args)
            .current_dir(&self.dir)
            .env("HELPCARD_PASSPHRASE", passphrase)
            .env("HELPCARD_LANG", "en")
            .env_remove("HELPCARD_REGISTRY")
            .output()
            .unwrap()
    }

    /// Standard output of an external tool (poppler) run on a file in the office directory.
    fn tool(&self, tool: &str, file: &str) -> String {
        let out = Command::new(tool)
            .arg(file)
            .current_dir(&self.dir)
            .output()
            .unwrap_or_else(|e| panic!("{tool} (poppler-utils): {e}"));
        String::from_utf8(out.stdout).unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, "correct horse battery");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn profile_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../profiles")
        .join(format!("{name}.toml"))
        .display()
        .to_string()
}

/// `head`, then the issuer and responder key arguments every issuing command takes, then `tail`.
/// Renders page `page` of `pdf` with poppler at `dpi` to PREFIX-PAGE.png.
fn render(o: &Office, pdf: &str, page: usize, dpi: &str, prefix: &str) {
    let page = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-r", dpi, "-f", &page, "-l", &page, "-png", pdf, prefix])
        .current_dir(&o.dir)
        .status()
        .expect("pdftoppm (poppler-utils) must be installed: scripts/test-all installs it");
    assert!(status.success(), "pdftoppm {pdf} page {page}");
}

fn issuing<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    let keys = [
        "--issuer",
        "issuer.key.json",
        "--issuer-id",
        "musashino",
        "--responder",
        "responder.pub.json",
    ];
    [head, &keys[..], tail].concat()
}

/// The date `days` from today (UTC), as YYYY-MM-DD.
fn days_from_now(days: u64) -> String {
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 86_400;
    helpcard_core::date::Date::from_days((today + days) as i32).to_string()
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s.trim()).unwrap()
}

#[test]
fn issue_open_revoke_publish() {
    let o = Office::new("workflow");
    for (role, name) in [
        ("root", "root"),
        ("issuer", "issuer"),
        ("responder", "responder"),
    ] {
        o.ok(&["keys", "new", "--role", role, "--out", name]);
    }
    assert!(
        !std::fs::read_to_string(o.path("issuer.key.json"))
            .unwrap()
            .contains("insecure")
    );
    std::fs::write(
        o.path("trust.toml"),
        r#"sequence = 1
next_update = "NEXT_UPDATE"
[[issuer]]
key = "issuer.pub.json"
id = "musashino"
name = "武蔵野市 障害者福祉課"
not_before = "2020-01-01"
not_after = "2099-01-01"
[[responder]]
key = "responder.pub.json"
name = "緊急対応"
not_before = "2020-01-01"
not_after = "2099-01-01"
"#
        .replace("NEXT_UPDATE", &days_from_now(180)),
    )
    .unwrap();
    o.ok(&[
        "trust",
        "build",
        "trust.toml",
        "--root",
        "root.key.json",
        "--out",
        "trust.cbor",
    ]);
    let profile = profile_path("02-autism-teen");
    // A bad notice address is refused before anything is signed.
    let bad = o.run(
        &issuing(
            &["issue", &profile],
            &["--out", "nope", "--notify", "family"],
        ),
        "correct horse battery",
    );
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("family: not an e-mail address"));
    let issued = o.ok(&issuing(
        &["issue", &profile],
        &[
            "--out",
            "card",
            "--holder",
            "case-0042",
            "--notify",
            "family@example.jp",
        ],
    ));
    assert!(issued.contains("bytes"), "{issued}");
    let card_id = issued.split("card id ").nth(1).unwrap()[..16].to_owned();

    // The PDF (duplex by default): the card's back rendered by poppler must scan back to the
    // same QR text at print resolution and at a webcam's 2 pixels per module, and the
    // Japanese font must be embedded as a subset with a ToUnicode map.
    let text = std::fs::read_to_string(o.path("card.txt")).unwrap();
    for dpi in ["300", "91"] {
        render(&o, "card.pdf", 2, dpi, "back");
        let scanned = o.ok(&["qr", "read", "back-2.png"]);
        assert_eq!(scanned, format!("back-2.png\t{text}\n"), "{dpi} dpi");
    }
    let fonts = o.tool("pdffonts", "card.pdf");
    assert!(
        fonts.contains("CID TrueType")
            && fonts
                .split_whitespace()
                .collect::<Vec<_>>()
                .windows(4)
                .any(|w| w == ["Identity-H", "yes", "yes", "yes"]),
        "{fonts}"
    );
    let pages = o.tool("pdfinfo", "card.pdf");
    assert!(
        pages.contains("Pages:           3"),
        "front, back and holder's copy: {pages}"
    );
    assert!(
        pages.contains("242.646 x 153.071 pts"),
        "ID-1 size (85.6 x 54 mm): {pages}"
    );

    // Public view from the PNG, then the private part with the responder key.
    let public = json(&o.ok(&[
        "open",
        "card.png",
        "--root",
        "root.pub.json",
        "--trust",
        "trust.cbor",
        "--json",
    ]));
    assert_eq!(public["status"], "ok");
    assert_eq!(public["card_id"], card_id.as_str());
    assert_eq!(public["private"], "locked");
    assert_eq!(public["public"]["help"][0]["key"], "speak-slowly");
    let private = json(&o.ok(&[
        "open",
        "card.png",
        "--root",
        "root.pub.json",
        "--trust",
        "trust.cbor",
        "--responder-key",
        "responder.key.json",
        "--json",
    ]));
    assert_eq!(private["private"]["name"], "佐藤 健太");
    let from_text = json(&o.ok(&[
        "open",
        "--text",
        &text,
        "--root",
        "root.pub.json",
        "--trust",
        "trust.cbor",
        "--json",
    ]));
    assert_eq!(from_text["card_id"], card_id.as_str());
    // The text view says when the details were written (today: no note on their age).
    let shown = o.ok(&[
        "open",
        "--text",
        &text,
        "--root",
        "root.pub.json",
        "--trust",
        "trust.cbor",
    ]);
    assert!(shown.contains("Details written: "), "{shown}");
    assert!(public["written"].as_str().is_some_and(|w| !w.is_empty()));
    assert!(public.get("age_note").is_none());

    // A missing key file is named; a profile too large for a card is refused with the reason.
    let out = o.run(
        &[
            "issue",
            &profile,
            "--issuer",
            "nope.key.json",
            "--issuer-id",
            "musashino",
            "--out",
            "x",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.key.json: cannot read the file"));
    // 399 scattered kanji per field: nothing the text model can predict.
    let long: String = (0..399u32)
        .map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000).unwrap())
        .collect();
    std::fs::write(
        o.path("huge.toml"),
        format!("[public]\nhelp = [\"writing\"]\n[private]\nname = \"x\"\nhow_to_help = \"{long}\"\navoid = \"{long}\"\nnotes = \"{long}\"\nmedical_care_notes = \"{long}\"\n"),
    )
    .unwrap();
    let out = o.run(
        &issuing(&["issue", "huge.toml"], &["--out", "huge"]),
        "correct horse battery",
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the QR code would be version"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!o.path("huge.png").exists());

    // Registry: listed, shown, revoked, published, and then rejected by scanners holding the list.
    let shown = o.ok(&["show", &card_id]);
    assert!(shown.contains("notify: family@example.jp (ja)"), "{shown}");
    assert!(
        shown.contains("holder: case-0042") && shown.contains("status: active"),
        "{shown}"
    );
    assert!(
        o.ok(&["list"])
            .contains(&format!("{card_id}\tcase-0042\tmusashino"))
    );
    // Paused at the holder's wish: the public part stands, the private part stays shut even
    // with the responder key; resumed, it opens again.
    let publish = |out: &str| {
        o.ok(&[
            "publish",
            "--issuer",
            "issuer.key.json",
            "--issuer-id",
            "musashino",
            "--out",
            out,
        ])
    };
    let open_with = |list: &str| {
        let out = o.run(
            &[
                "open",
                "card.png",
                "--root",
                "root.pub.json",
                "--trust",
                "trust.cbor",
                "--revocations",
                list,
                "--responder-key",
                "responder.key.json",
                "--json",
            ],
            "correct horse battery",
        );
        assert!(
            !out.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&String::from_utf8(out.stdout).unwrap())
    };
    assert!(o.ok(&["pause", &card_id]).contains("paused"));
    assert!(o.ok(&["show", &card_id]).contains("paused since: "));
    assert!(publish("paused.cbor").contains("1 cards paused"));
    let paused = open_with("paused.cbor");
    assert_eq!(paused["status"], "ok", "{paused}");
    assert_eq!(paused["private"]["error"], "paused", "{paused}");
    assert_eq!(paused["public"]["help"][0]["key"], "speak-slowly");
    o.ok(&["pause", &card_id, "--resume"]);
    publish("resumed.cbor");
    assert_eq!(open_with("resumed.cbor")["private"]["name"], "佐藤 健太");

    o.ok(&["revoke", &card_id, "--reason", "lost"]);
    o.ok(&[
        "publish",
        "--issuer",
        "issuer.key.json",
        "--issuer-id",
        "musashino",
        "--out",
        "revoked.cbor",
    ]);
    let out = o.run(
        &[
            "open",
            "card.png",
            "--root",
            "root.pub.json",
            "--trust",
            "trust.cbor",
            "--revocations",
            "revoked.cbor",
            "--json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&String::from_utf8(out.stdout).unwrap())["status"],
        "revoked"
    );
    assert!(o.ok(&["show", &card_id]).contains("reason: lost"));
    // A mistyped issuer id: refused once the registry knows this key under another id...
    // `issuing` with the issuer id mistyped.
    let mistyped = |tail: &[&'static str]| -> Vec<String> {
        issuing(&["issue", &profile], tail)
            .into_iter()
            .map(|a| {
                if a == "musashino" {
                    "Musashino".to_owned()
                } else {
                    a.to_owned()
                }
            })
            .collect()
    };
    let args = mistyped(&["--out", "typo"]);
    let typo = o.run(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "correct horse battery",
    );
    assert!(!typo.status.success());
    assert!(String::from_utf8_lossy(&typo.stderr).contains("\"musashino\""));
    // ...and on a first card (a new registry), `publish` still lists it: cards are selected by
    // the signing key too, so the revoked card does not open as "not revoked".
    let args = mistyped(&["--out", "typo", "--registry", "second.sqlite"]);
    let issued = o.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let typo_id = issued.split("card id ").nth(1).unwrap()[..16].to_owned();
    o.ok(&["revoke", &typo_id, "--registry", "second.sqlite"]);
    o.ok(&[
        "publish",
        "--issuer",
        "issuer.key.json",
        "--issuer-id",
        "musashino",
        "--out",
        "revoked2.cbor",
        "--registry",
        "second.sqlite",
        "--revoked-before",
        "2020-01-01",
    ]);
    let open_typo = o.run(
        &[
            "open",
            "--text",
            &std::fs::read_to_string(o.path("typo.txt")).unwrap(),
            "--root",
            "root.pub.json",
            "--trust",
            "trust.cbor",
            "--revocations",
            "revoked2.cbor",
            "--json",
        ],
        "",
    );
    assert_eq!(
        json(&String::from_utf8(open_typo.stdout).unwrap())["status"],
        "revoked"
    );
    let again = o.run(&["revoke", &card_id], "");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already revoked"));

    // Wrong passphrase: exit 4, and the file is named.
    let out = o.run(
        &issuing(&["issue", &profile], &["--out", "x"]),
        "wrong passphrase",
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("issuer.key.json: wrong passphrase"));

    // An invalid profile: exit 3, naming file and field; nothing registered.
    std::fs::write(
        o.path("bad.toml"),
        "[public]\nhelp = [\"writing\"]\n[private]\nname = \"x\"\nbirth_date = \"2999-01-01\"\n",
    )
    .unwrap();
    let out = o.run(
        &issuing(&["issue", "bad.toml"], &["--out", "bad"]),
        "correct horse battery",
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("private.birth_date") && err.contains("future"),
        "{err}"
    );
    assert_eq!(
        o.ok(&["list"]).lines().count(),
        2,
        "header and the one card"
    );

    // An expired trust list is refused with a clear message.
    std::fs::write(
        o.path("old.toml"),
        std::fs::read_to_string(o.path("trust.toml"))
            .unwrap()
            .replace(&days_from_now(180), "2000-01-01"),
    )
    .unwrap();
    let out = o.run(
        &[
            "trust",
            "build",
            "old.toml",
            "--root",
            "root.key.json",
            "--out",
            "old.cbor",
        ],
        "correct horse battery",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("next_update is in the past"));
    std::fs::remove_dir_all(&o.dir).unwrap();
}

#[test]
fn size_reports_every_profile() {
    let o = Office::new("size");
    let out = o.ok(&[
        "size",
        "--json",
        &profile_path("01-deaf-adult"),
        &profile_path("04-wheelchair-medcare"),
    ]);
    let lines: Vec<serde_json::Value> = out.lines().map(json).collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0]["payload_bytes"].as_u64().unwrap() < lines[1]["payload_bytes"].as_u64().unwrap()
    );
    assert!(
        lines[1]["qr_version_m"].as_u64().unwrap() >= lines[1]["qr_version_l"].as_u64().unwrap()
    );
    std::fs::remove_dir_all(&o.dir).unwrap();
}

#[test]
fn batch_from_csv_reports_bad_rows_and_registers_the_rest() {
    let o = Office::new("batch");
    o.ok(&[
        "keys",
        "new",
        "--role",
        "issuer",
        "--out",
        "issuer",
        "--insecure-plaintext",
    ]);
    o.ok(&[
        "keys",
        "new",
        "--role",
        "responder",
        "--out",
        "responder",
        "--insecure-plaintext",
    ]);
    std::fs::write(
        o.path("cards.csv"),
        "holder_ref,help,message,name,birth_date,allergies,contact1_name,contact1_relation,contact1_phone\n\
         case-1,writing;sign-language,筆談でお願いします,田中 美咲,1987-09-02,なし,田中 健,spouse,090-1234-5678\n\
         case-2,speak-slowly,,佐藤 健太,2010-07-14,卵;小麦,佐藤 由美,mother,090-ABCD-2222\n\
         case-3,quiet-place,静かな場所へ,渡辺 亮,,,,,\n\
         case-1,writing,,別人,,,,,\n\
         case_7,writing,,七番の人,,,,,\n\
         case/7,speak-slowly,,別の七番,,,,,\n",
    )
    .unwrap();
    // Unprotected keys are demo keys: refused unless asked for.
    let refused = o.run(&issuing(&["batch", "cards.csv"], &["--out", "cards"]), "");
    assert_eq!(refused.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-demo-key"));
    assert!(!o.path("cards").exists());
    let out = o.run(
        &issuing(
            &["batch", "cards.csv"],
            &["--out", "cards", "--allow-demo-key"],
        ),
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "a failed row makes the batch exit 3"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cards.csv:3 (case-2): private.contacts[0].phone"),
        "{err}"
    );
    let listed = o.ok(&["list"]);
    assert!(
        listed.contains("\tcase-1\t")
            && listed.contains("\tcase-3\t")
            && !listed.contains("case-2"),
        "{listed}"
    );
    assert!(o.path("cards/case-1.png").exists() && !o.path("cards/case-2.png").exists());
    // "case_7" and "case/7" both give cards/case_7.*: the second is refused before issuing, so
    // the file holds the first person's card, the registry's only one under that name.
    assert!(err.contains("case/7"), "{err}");
    assert!(
        listed.contains("\tcase_7\t") && !listed.contains("case/7"),
        "{listed}"
    );
    assert!(o.path("cards/case_7.txt").exists());
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(o.path("cards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // An unknown column is refused before anything is issued.
    std::fs::write(o.path("bad.csv"), "holder_ref,nmae\nx,y\n").unwrap();
    let out = o.run(&issuing(&["batch", "bad.csv"], &["--out", "cards2"]), "");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown column \"nmae\""));
    std::fs::remove_dir_all(&o.dir).unwrap();
}

#[test]
fn a_locked_registry_is_reported_not_waited_on_forever() {
    let o = Office::new("locked");
    o.ok(&["list"]); // creates the registry
    let mut conn = rusqlite::Connection::open(o.path("helpcard-registry.sqlite")).unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)
        .unwrap();
    let out = o.run(&["revoke", "0011223344556677"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("locked by another process"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tx.rollback().unwrap();
    std::fs::remove_dir_all(&o.dir).unwrap();
}

/// The README's first command on a machine without any Japanese font package: every reference
/// card gets its PDF, with the bundled BIZ UDGothic embedded as a subset.
#[test]
fn demo_writes_every_card_pdf_with_the_bundled_font() {
    let o = Office::new("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_helpcard"))
        .args(["demo", "out"])
        .current_dir(&o.dir)
        .env("HELPCARD_LANG", "en")
        .env_remove("HELPCARD_FONT")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdfs: Vec<_> = std::fs::read_dir(o.path("out/cards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    assert_eq!(pdfs.len(), 8, "{pdfs:?}");
    for pdf in &pdfs {
        let fonts = o.tool("pdffonts", &format!("out/cards/{pdf}"));
        let row = fonts
            .lines()
            .find(|l| l.contains("BIZUDGothic"))
            .unwrap_or_else(|| panic!("{pdf}: bundled font not embedded:\n{fonts}"));
        let cols: Vec<_> = row.split_whitespace().collect();
        assert!(cols[0].starts_with("HLPCRD+"), "{pdf}: {row}");
        assert!(
            cols.ends_with(&["yes", "yes", "yes"])
                || cols.windows(3).any(|w| w == ["yes", "yes", "yes"]),
            "{pdf}: embedded, subset, ToUnicode: {row}"
        );
    }
}

/// `helpcard vocab`: every category, the three labels, and codes an office can look up.
#[test]
fn vocab_lists_every_code_with_its_labels() {
    let o = Office::new("vocab");
    let all = json(&o.ok(&["vocab", "--json"]));
    assert_eq!(all["version"], 2);
    let entries = all["entries"].as_array().unwrap();
    let count = |cat: &str| entries.iter().filter(|e| e["category"] == cat).count();
    assert!(count("condition") >= 40, "{}", count("condition"));
    assert!(count("help") >= 50, "{}", count("help"));
    let staff = entries
        .iter()
        .find(|e| e["category"] == "relation" && e["key"] == "group-home-staff")
        .unwrap();
    assert_eq!(staff["ja"], "グループホーム職員");
    assert!(!staff["easy_ja"].as_str().unwrap().is_empty());
    let text = o.ok(&["vocab", "--category", "relation"]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("relation\t15\tfacility-staff\t")),
        "{text}"
    );
    assert!(!text.contains("\nhelp\t"));
    let bad = o.run(&["vocab", "--category", "colour"], "");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--category colour"));
}

/// The security review's file findings: key files, the registry and the holder's copy are
/// owner-only; a short passphrase is refused from the environment too; a reissue of an unknown
/// card and a failed registry write leave no card file behind; an existing file is never
/// replaced.
#[test]
fn files_are_private_and_no_card_is_left_unregistered() {
    use std::os::unix::fs::PermissionsExt;
    let o = Office::new("files");
    let mode = |p: &str| std::fs::metadata(o.path(p)).unwrap().permissions().mode() & 0o777;
    let short = o.run(&["keys", "new", "--role", "issuer", "--out", "weak"], "a");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10"));
    assert!(!o.path("weak.key.json").exists());
    for role in ["issuer", "responder"] {
        o.ok(&["keys", "new", "--role", role, "--out", role]);
    }
    assert_eq!(mode("issuer.key.json"), 0o600);
    assert_eq!(mode("responder.key.json"), 0o600);
    let again = o.run(
        &["keys", "new", "--role", "issuer", "--out", "issuer"],
        "correct horse battery",
    );
    assert!(
        !again.status.success(),
        "an existing key file is not replaced"
    );

    let profile = profile_path("02-autism-teen");
    o.ok(&issuing(
        &["issue", &profile],
        &["--out", "card", "--holder", "h1"],
    ));
    assert_eq!(
        mode("card.pdf"),
        0o600,
        "the holder's copy lists the private part"
    );
    assert_eq!(mode("helpcard-registry.sqlite"), 0o600);
    // The same output name again: refused, the first card's files untouched.
    let before = std::fs::read(o.path("card.txt")).unwrap();
    let out = o.run(
        &issuing(&["issue", &profile], &["--out", "card"]),
        "correct horse battery",
    );
    assert!(!out.status.success());
    assert_eq!(std::fs::read(o.path("card.txt")).unwrap(), before);

    // Reissuing an unknown card: refused, and no file of the new card exists.
    let out = o.run(
        &issuing(
            &["reissue", "0011223344556677", &profile],
            &["--out", "new"],
        ),
        "correct horse battery",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in the registry"));
    let names: Vec<String> = std::fs::read_dir(&o.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.contains("new.")), "{names:?}");

    // A corrupt registry: the card is not issued, and nothing is left behind.
    std::fs::write(o.path("broken.sqlite"), "not a database, just text").unwrap();
    let out = o.run(
        &issuing(
            &["issue", &profile],
            &["--out", "orphan", "--registry", "broken.sqlite"],
        ),
        "correct horse battery",
    );
    assert!(!out.status.success());
    let names: Vec<String> = std::fs::read_dir(&o.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.contains("orphan")), "{names:?}");
    std::fs::remove_dir_all(&o.dir).unwrap();
}

#[test]
fn each_layout_prints_a_card_that_scans_back() {
    let o = Office::new("layouts");
    for role in ["issuer", "responder"] {
        o.ok(&[
            "keys",
            "new",
            "--role",
            role,
            "--out",
            role,
            "--insecure-plaintext",
        ]);
    }
    let profile = profile_path("03-epilepsy-child");
    let mut texts = Vec::new();
    for layout in ["single", "duplex", "folded"] {
        let out = o.ok(&issuing(
            &["issue", &profile],
            &["--out", layout, "--layout", layout, "--allow-demo-key"],
        ));
        // The printed module size: 0.36 mm beside the text, 0.5 mm or more alone on a back.
        let mm: f64 = out
            .split(" mm/module")
            .next()
            .and_then(|p| p.rsplit(' ').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{out}"));
        assert!(
            if layout == "single" {
                mm < 0.4
            } else {
                mm >= 0.5
            },
            "{layout}: {out}"
        );
        texts.push((
            layout,
            std::fs::read_to_string(o.path(&format!("{layout}.txt"))).unwrap(),
        ));
    }
    let info = |pdf: &str| o.tool("pdfinfo", pdf);
    assert!(info("single.pdf").contains("Pages:           2"));
    assert!(info("duplex.pdf").contains("Pages:           3"));
    let folded = info("folded.pdf");
    assert!(
        folded.contains("Pages:           2") && folded.contains("242.646 x 306.142 pts"),
        "{folded}"
    );
    // The page with the QR code reads back: single's only face, folded's whole piece (the back
    // is upside down on it, as it is printed).
    for (layout, text) in &texts {
        let page = if *layout == "duplex" { 2 } else { 1 };
        render(&o, &format!("{layout}.pdf"), page, "300", layout);
        let png = format!("{layout}-{page}.png");
        assert_eq!(
            o.ok(&["qr", "read", &png]),
            format!("{png}\t{text}\n"),
            "{layout}"
        );
    }

    // Batch sheets: duplex puts the backs on the page after their fronts; folded four a sheet.
    std::fs::write(
        o.path("cards.csv"),
        "holder_ref,help,message\ncase-1,writing,筆談でお願いします\ncase-2,speak-slowly,\ncase-3,quiet-place,静かな場所へ\n",
    )
    .unwrap();
    for (layout, pages) in [("duplex", "2"), ("folded", "1"), ("single", "1")] {
        let pdf = format!("sheets-{layout}.pdf");
        o.ok(&issuing(
            &["batch", "cards.csv"],
            &[
                "--out",
                &format!("batch-{layout}"),
                "--pdf",
                &pdf,
                "--layout",
                layout,
                "--allow-demo-key",
            ],
        ));
        let info = info(&pdf);
        assert!(
            info.contains(&format!("Pages:           {pages}"))
                && info.contains("595.276 x 841.89 pts"),
            "{layout}: {info}"
        );
    }
    std::fs::remove_dir_all(&o.dir).unwrap();
}
