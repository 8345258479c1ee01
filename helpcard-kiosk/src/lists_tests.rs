//! Lists over real HTTP from a loopback server, refused lists, and floors across a restart.
#![allow(clippy::unwrap_used)]

use super::*;
use helpcard_core::demo::DemoWorld;
use helpcard_core::testing::StreamRng;
use helpcard_core::trust::RevocationList;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Mutex;

/// A loopback HTTP/1.1 server answering GETs from a map that the test changes.
struct Server {
    base: String,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let files: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let served = files.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                reader.read_line(&mut request).unwrap();
                // Skip the headers.
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
                let body = served.lock().unwrap().get(&path).cloned();
                let (status, body) = match body {
                    Some(b) => ("200 OK", b),
                    None => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Server { base, files }
    }

    fn serve(&self, path: &str, body: &[u8]) {
        self.files
            .lock()
            .unwrap()
            .insert(path.to_owned(), body.to_vec());
    }
}

fn revocations(world: &DemoWorld, counter: u64, now: UnixTime) -> Vec<u8> {
    RevocationList {
        issuer: world.trust_list.issuers[0].issuer.clone(),
        counter,
        issued_at: now,
        next_update: UnixTime(now.0 + 86_400),
        revoked: vec![],
        revoked_before: None,
        paused: Vec::new(),
    }
    .sign(&world.issuer)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "helpcard-kiosk-lists-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn lists_from_the_key_service_are_checked_kept_and_remembered() {
    let now = UnixTime(1_790_000_000);
    let world = DemoWorld::fresh(now, &mut StreamRng::from_seed(1));
    let stranger = DemoWorld::fresh(now, &mut StreamRng::from_seed(2));
    let issuer = world.trust_list.issuers[0].issuer.clone();
    let server = Server::start();
    let rev_path = format!("/lists/revocations/{issuer}.cbor");
    server.serve(
        "/lists/index.json",
        format!(r#"{{"trust":"/lists/trust.cbor","revocations":["{rev_path}"]}}"#).as_bytes(),
    );
    server.serve("/lists/trust.cbor", &world.trust_list_bytes);
    server.serve(&rev_path, &revocations(&world, 5, now));

    let dir = tmp("url");
    let state = State::open(&dir).unwrap();
    let source = ListSource::Url(format!("{}/", server.base));
    let mut trust = TrustStore::new(vec![world.root.verifying_key()]);
    let mut revs = Revocations::new();
    let status = apply(
        &mut trust,
        &mut revs,
        &source.fetch().unwrap(),
        now,
        Some(&state),
    );
    assert_eq!(status, ListsStatus { problems: vec![] });
    assert_eq!(revs.get(&issuer).unwrap().counter, 5);
    assert!(trust.list().is_some());

    // An older revocation list and a trust list signed by another root: both refused, the
    // last good ones kept.
    server.serve(&rev_path, &revocations(&world, 4, now));
    server.serve("/lists/trust.cbor", &stranger.trust_list_bytes);
    let status = apply(
        &mut trust,
        &mut revs,
        &source.fetch().unwrap(),
        now,
        Some(&state),
    );
    assert!(!status.ok());
    assert_eq!(status.problems.len(), 2, "{status:?}");
    assert!(
        status.problems.iter().any(|p| p.contains("trust.cbor")),
        "{status:?}"
    );
    assert!(
        status.problems.iter().any(|p| p.contains(&rev_path)),
        "{status:?}"
    );
    assert_eq!(revs.get(&issuer).unwrap().counter, 5);
    assert_eq!(trust.list().unwrap().sequence, world.trust_list.sequence);

    // A restart without network: the saved lists load, and the old list is still refused.
    let saved = state.saved_lists().unwrap();
    let mut trust = TrustStore::new(vec![world.root.verifying_key()]);
    let mut revs = Revocations::with_floors(state.floors().unwrap());
    let status = apply(
        &mut trust,
        &mut revs,
        &saved.fetch().unwrap(),
        now,
        Some(&state),
    );
    assert!(status.ok(), "{status:?}");
    assert_eq!(revs.get(&issuer).unwrap().counter, 5);
    let old = dir.join("old.cbor");
    std::fs::write(&old, revocations(&world, 4, now)).unwrap();
    let replay = ListSource::Files {
        trust: dir.join("trust.cbor"),
        revocations: vec![old],
    };
    let mut revs = Revocations::with_floors(state.floors().unwrap());
    let status = apply(&mut trust, &mut revs, &replay.fetch().unwrap(), now, None);
    assert!(
        !status.ok() && status.problems[0].contains("old.cbor"),
        "{status:?}"
    );
    assert!(revs.get(&issuer).is_none());

    // An index that points elsewhere, and a server that is not there: errors naming the URL.
    server.serve(
        "/lists/index.json",
        br#"{"trust":"https://elsewhere.example/trust.cbor","revocations":[]}"#,
    );
    let err = source.fetch().err().unwrap();
    assert!(err.contains("outside /lists/"), "{err}");
    let gone = ListSource::Url("http://127.0.0.1:9".into());
    let err = gone.fetch().err().unwrap();
    assert!(err.contains("127.0.0.1:9/lists/index.json"), "{err}");
}

#[cfg(unix)]
#[test]
fn the_state_and_the_audit_log_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tmp("modes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let state = State::open(&dir).unwrap();
    state.save_floors(&HashMap::new()).unwrap();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join(FLOORS)), 0o600);
    let set =
        helpcard_core::demo::DemoSet::new(crate::now(), &mut StreamRng::from_seed(3)).unwrap();
    let scanner = crate::demo::scanner(set, &dir.join("data"), "modes").unwrap();
    drop(scanner);
    assert_eq!(mode(&dir.join("data/kiosk-audit.sqlite")), 0o600);
    assert_eq!(mode(&dir.join("data/kiosk-device.key")), 0o600);
}

#[test]
fn a_remembered_revoked_before_time_holds_when_no_list_could_be_loaded() {
    // A kiosk restarted without network and without a saved list still refuses a card issued
    // before the issuer's remembered "revoked before" time, even with its shift unlocked.
    let now = crate::now();
    let set = helpcard_core::demo::DemoSet::new(now, &mut StreamRng::from_seed(4)).unwrap();
    let card = set
        .cards
        .iter()
        .find(|c| c.name == "01-deaf-adult")
        .unwrap();
    let text =
        helpcard_core::qrtext::encode(helpcard_core::qrtext::DEFAULT_PREFIX, &card.bytes).unwrap();
    let dir = tmp("floor");
    let mut scanner = crate::demo::scanner(set, &dir, "floor").unwrap();
    scanner.revocations = Revocations::with_floors(HashMap::from([(
        "musashino".to_owned(),
        RevocationFloor {
            counter: 9,
            revoked_before: Some(now.0 + 1),
        },
    )]));
    assert!(scanner.shift.is_unlocked());
    let scanned = scanner.process(text, now).unwrap().unwrap();
    assert_eq!(scanned.event.status, "revoked");
    assert_eq!(
        scanned.event.private,
        helpcard_core::view::PrivateState::Refused
    );
}
