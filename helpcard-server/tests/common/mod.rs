//! The real server on 127.0.0.1, a software passkey, and a small HTTP client: shared by the
//! integration tests and the load benchmark.
#![allow(dead_code, clippy::unwrap_used)]

pub mod smtp;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// A `helpcard-server` process on a free loopback port.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub origin: String,
    pub data: PathBuf,
    /// (name, url, verdict)
    pub cards: Vec<(String, String, String)>,
    pub invite: String,
    /// The demo desk's admin invite (demo-clerk).
    pub desk_invite: String,
    /// The audit log's checkpoint public key, as the server printed it at start.
    pub checkpoint_key: String,
    /// The PostgreSQL database it keeps its state in (`None`: SQLite files in `data`).
    pub database: Option<String>,
    /// The arguments it was started with (for a restart).
    args: Vec<String>,
    agent: ureq::Agent,
}

impl Server {
    /// `helpcard-server --demo` with `extra` arguments, in a fresh data directory.
    pub fn start(name: &str, extra: &[&str]) -> Server {
        let mut args: Vec<String> = vec!["--demo".into()];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        Server::with_args(name, args)
    }

    /// `helpcard-server ARGS` (no demo), in a fresh data directory and, when the run names a
    /// PostgreSQL server (`HELPCARD_TEST_POSTGRES`; `scripts/test-all` runs these tests once
    /// without and once with it), a fresh PostgreSQL database.
    pub fn with_args(name: &str, args: Vec<String>) -> Server {
        let database = helpcard_db::scratch::database(name);
        Server::fresh(name, args, database)
    }

    /// `helpcard-server --demo` on SQLite whatever the run names: for tests that play an
    /// attacker on the SQLite files themselves.
    pub fn start_on_sqlite(name: &str, extra: &[&str]) -> Server {
        Server::start_on(name, extra, None)
    }

    /// `helpcard-server --demo` with `extra` arguments on `database` (a PostgreSQL URL; `None`
    /// for SQLite), in a fresh data directory.
    pub fn start_on(name: &str, extra: &[&str], database: Option<String>) -> Server {
        let mut args: Vec<String> = vec!["--demo".into()];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        Server::fresh(name, args, database)
    }

    fn fresh(name: &str, mut args: Vec<String>, database: Option<String>) -> Server {
        let data =
            std::env::temp_dir().join(format!("helpcard-server-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        if let Some(url) = &database {
            args.extend(["--database".to_owned(), url.clone()]);
        }
        Server::launch(data, args)
    }

    /// Stops the process (SIGTERM, as an operator would) and starts it again on the same data.
    pub fn restart(mut self) -> Server {
        self.stop();
        let (data, args) = (self.data.clone(), self.args.clone());
        Server::launch(data, args)
    }

    fn launch(data: PathBuf, args: Vec<String>) -> Server {
        let database = args
            .iter()
            .position(|a| a == "--database")
            .map(|i| args[i + 1].clone());
        let mut child = Command::new(env!("CARGO_BIN_EXE_helpcard-server"))
            .args(["--listen", "127.0.0.1:0", "--data"])
            .arg(&data)
            // The placeholder page unless a test serves its own files.
            .args(if args.iter().any(|a| a == "--www") {
                &[][..]
            } else {
                &["--www", "/nonexistent"][..]
            })
            .args(&args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut base, mut origin, mut invite, mut cards, mut checkpoint_key) = (
            String::new(),
            String::new(),
            String::new(),
            Vec::new(),
            String::new(),
        );
        let mut desk_invite = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("helpcard-server listening on ") {
                let (addr, o) = rest.split_once(" (origin ").unwrap();
                base = addr.to_owned();
                origin = o.trim_end_matches(')').to_owned();
            } else if let Some(rest) = line.strip_prefix("demo card ") {
                let (head, url) = rest.split_once("): ").unwrap();
                let (name, verdict) = head.split_once(" (").unwrap();
                cards.push((name.to_owned(), url.to_owned(), verdict.to_owned()));
            } else if let Some(code) = line.strip_prefix("demo invite: ") {
                invite = code.to_owned();
            } else if let Some(code) = line.strip_prefix("demo desk invite (admin demo-clerk): ") {
                desk_invite = code.to_owned();
            } else if let Some(key) = line.strip_prefix("audit checkpoint key: ") {
                checkpoint_key = key.split(' ').next().unwrap().to_owned();
            } else if line == "ready" {
                break;
            }
        }
        assert!(!base.is_empty(), "the server did not start");
        // Keep reading what it prints, so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        // A fresh connection per request: the server closes a connection after a refusal it
        // answered without reading the body, and a pooled connection may then be found closed
        // when the next request is sent ("peer disconnected"). The benchmark opts back in.
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_idle_connections(0)
            .build()
            .into();
        Server {
            child,
            base,
            origin,
            data,
            cards,
            invite,
            desk_invite,
            checkpoint_key,
            database,
            args,
            agent,
        }
    }

    /// Another instance of this (demo) service on the same database and data directory, as an
    /// operator runs a second one behind the same reverse proxy: the demo's responder key,
    /// issuer key (its desk), root and lists from the data directory, the same origin and
    /// `extra` arguments.
    pub fn second_instance(&self, extra: &[&str]) -> Server {
        self.second_instance_in(self.data.clone(), extra)
    }

    /// [`Server::second_instance`] on another host, as it were: in `data`, a copy of this
    /// instance's data directory made now (so only the database joins them from then on).
    pub fn second_instance_elsewhere(&self, data: PathBuf, extra: &[&str]) -> Server {
        let _ = std::fs::remove_dir_all(&data);
        let status = Command::new("cp")
            .arg("-a")
            .arg(&self.data)
            .arg(&data)
            .status()
            .unwrap();
        assert!(status.success());
        self.second_instance_in(data, extra)
    }

    fn second_instance_in(&self, data: PathBuf, extra: &[&str]) -> Server {
        let database = self
            .database
            .clone()
            .expect("a second instance needs PostgreSQL");
        let passphrase = data.join("second-instance.passphrase");
        std::fs::write(&passphrase, "demo-kiosk").unwrap();
        let file = |f: &str| data.join(f).to_str().unwrap().to_owned();
        let mut args: Vec<String> = vec![
            "--responder-key".into(),
            file("demo-responder.key.json"),
            "--passphrase-file".into(),
            passphrase.to_str().unwrap().into(),
            "--root".into(),
            file("demo-root.public.json"),
            "--trust".into(),
            file("lists/trust.cbor"),
            "--revocations".into(),
            file("lists/revocations"),
            "--issuer-key".into(),
            file("demo-issuer.key.json"),
            "--issuer-id".into(),
            "musashino".into(),
            "--issuer-name".into(),
            "武蔵野市 障害者福祉課".into(),
            "--desk-list".into(),
            file("lists/revocations/musashino.cbor"),
            "--origin".into(),
            self.origin.clone(),
            "--database".into(),
            database,
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let mut other = Server::launch(data, args);
        other.cards = self.cards.clone();
        other
    }

    /// SIGTERM, then waits: the service writes what it counted and a last checkpoint.
    pub fn stop(&mut self) {
        let status = Command::new("kill")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "the service did not stop cleanly: {exit}");
    }

    /// Kills the process (SIGKILL: no goodbye) and starts it again on the same data.
    pub fn crash_and_restart(mut self) -> Server {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (data, args) = (self.data.clone(), self.args.clone());
        Server::launch(data, args)
    }

    /// Sends a signal (`-HUP`) to the service.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// `audit verify` with the pinned checkpoint key (and `extra` arguments).
    pub fn verify_audit(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["audit", "verify", "--checkpoint-key", &self.checkpoint_key];
        args.extend_from_slice(extra);
        self.admin(&args)
    }

    /// The audit rows (the chain verified first against the pinned key).
    pub fn audit_rows(&self) -> Vec<helpcard_audit::Row> {
        let key: [u8; 32] = hex::decode(&self.checkpoint_key)
            .unwrap()
            .try_into()
            .unwrap();
        let db = || match &self.database {
            Some(url) => helpcard_audit::Database::postgres(url, 1).unwrap(),
            None => {
                helpcard_audit::Database::sqlite_read_only(&self.data.join("audit.sqlite")).unwrap()
            }
        };
        helpcard_audit::verify_in(&db(), &key, &[]).unwrap();
        let device = helpcard_audit::DeviceKey::load(&self.data.join("audit-device.key")).unwrap();
        helpcard_audit::AuditLog::on(db(), device, helpcard_audit::CheckpointPolicy::none())
            .unwrap()
            .rows()
            .unwrap()
    }

    /// Reuse connections (keep-alive), as a browser does: for the load benchmark.
    pub fn pooled(mut self) -> Server {
        self.agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        self
    }

    pub fn card(&self, name: &str) -> String {
        self.cards.iter().find(|c| c.0 == name).unwrap().1.clone()
    }

    /// POST JSON with our Origin (or `origin`) and an optional session cookie.
    pub fn post_from(
        &self,
        origin: &str,
        path: &str,
        body: &Value,
        cookie: Option<&str>,
    ) -> (u16, Value, Option<String>) {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Origin", origin);
        if let Some(c) = cookie {
            req = req.header("Cookie", c);
        }
        let mut resp = req.send_json(body).unwrap();
        let status = resp.status().as_u16();
        let cookie = resp
            .headers()
            .get("set-cookie")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
            cookie,
        )
    }

    pub fn post(
        &self,
        path: &str,
        body: &Value,
        cookie: Option<&str>,
    ) -> (u16, Value, Option<String>) {
        self.post_from(&self.origin.clone(), path, body, cookie)
    }

    /// POST raw bytes of `content_type` with our Origin and a session cookie.
    pub fn post_bytes(
        &self,
        path: &str,
        bytes: &[u8],
        content_type: &str,
        cookie: &str,
    ) -> (u16, Value) {
        let mut resp = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Origin", &self.origin)
            .header("Cookie", cookie)
            .header("Content-Type", content_type)
            .send(bytes)
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub fn get(&self, path: &str) -> (u16, Vec<u8>, ureq::http::HeaderMap) {
        self.get_with(path, &[])
    }

    /// A GET with extra request headers; the body as sent (not decompressed).
    pub fn get_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (u16, Vec<u8>, ureq::http::HeaderMap) {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut resp = request.call().unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.body_mut().read_to_vec().unwrap();
        (status, body, headers)
    }

    /// Registers a passkey with `invite`; returns the authenticator holding it.
    pub fn register(&self, invite: &str) -> SoftPasskey {
        let mut key = SoftPasskey::new(true);
        let (status, start, _) =
            self.post("/api/register/start", &json!({ "invite": invite }), None);
        assert_eq!(status, 200, "{start}");
        let options = serde_json::from_value(start["options"].clone()).unwrap();
        let credential = key.do_registration(url(&self.origin), options).unwrap();
        let (status, done, _) = self.post(
            "/api/register/finish",
            &json!({ "ceremony": start["ceremony"], "credential": credential }),
            None,
        );
        assert_eq!(status, 201, "{done}");
        key
    }

    /// Signs in; returns the session cookie (`hc_session=...`).
    pub fn sign_in(&self, key: &mut SoftPasskey, name: &str) -> String {
        let (status, start, _) = self.post("/api/signin/start", &json!({ "name": name }), None);
        assert_eq!(status, 200, "{start}");
        let options = serde_json::from_value(start["options"].clone()).unwrap();
        let credential = key.do_authentication(url(&self.origin), options).unwrap();
        let (status, done, cookie) = self.post(
            "/api/signin/finish",
            &json!({ "ceremony": start["ceremony"], "credential": credential }),
            None,
        );
        assert_eq!(status, 200, "{done}");
        let cookie = cookie.unwrap();
        assert!(
            cookie.starts_with("__Host-hc_session=")
                && ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"]
                    .iter()
                    .all(|a| cookie.contains(a))
                && !cookie.contains("Domain"),
            "{cookie}"
        );
        cookie.split(';').next().unwrap().to_owned()
    }

    /// Opens a card's private part, for a welfare check.
    pub fn unwrap_card(&self, cookie: Option<&str>, card: &str) -> (u16, Value) {
        self.unwrap_because(cookie, card, json!({ "code": "welfare_check" }))
    }

    /// Opens a card's private part giving `reason` (`{"code", "text"}`).
    pub fn unwrap_because(&self, cookie: Option<&str>, card: &str, reason: Value) -> (u16, Value) {
        let (s, v, _) = self.post(
            "/api/unwrap",
            &json!({ "card": card, "reason": reason }),
            cookie,
        );
        (s, v)
    }

    /// `helpcard-server ARGS --data DIR` (and `--database URL` when it has one).
    pub fn admin(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_helpcard-server"))
            .args(args)
            .arg("--data")
            .arg(&self.data)
            .args(self.database.iter().flat_map(|url| ["--database", url]))
            .output()
            .unwrap()
    }

    /// A new invite for `name`.
    pub fn invite(&self, name: &str) -> String {
        let out = self.admin(&["invite", "--name", name, "--group", "demo"]);
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .find_map(|l| l.trim().strip_prefix("code: ").map(str::to_owned))
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn url(s: &str) -> webauthn_rs::prelude::Url {
    webauthn_rs::prelude::Url::parse(s).unwrap()
}

/// An issuing office's files for a service started without `--demo`: a root key, a trust
/// list, the issuer's revocation list in a directory the service reads, and responder key
/// files; with the keys in hand to issue cards and publish new lists while the service runs.
pub struct Office {
    pub dir: PathBuf,
    pub set: helpcard_core::demo::DemoSet,
    /// More responder keys (beyond the demo set's), as files.
    pub extra_responders: Vec<helpcard_core::keys::ResponderKey>,
    counter: u64,
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

impl Office {
    pub fn new(name: &str, extra_responders: usize) -> Office {
        use helpcard_core::keys::{Protection, ResponderKey, Role};
        let dir =
            std::env::temp_dir().join(format!("helpcard-office-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("revocations")).unwrap();
        let now = helpcard_core::date::UnixTime(unix_now());
        let set = helpcard_core::demo::DemoSet::new(now, &mut rand_core::OsRng).unwrap();
        let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
        write(
            "root.pub.json",
            set.world
                .root
                .verifying_key()
                .to_file(Role::Root)
                .as_bytes(),
        );
        write("trust.cbor", &set.world.trust_list_bytes);
        write("revocations/musashino.cbor", &set.revocation_list);
        let extra: Vec<ResponderKey> = (0..extra_responders)
            .map(|_| ResponderKey::generate(&mut rand_core::OsRng))
            .collect();
        for (i, key) in std::iter::once(&set.world.responder)
            .chain(&extra)
            .enumerate()
        {
            let file = key
                .to_file(Protection::InsecurePlaintext, &mut rand_core::OsRng)
                .unwrap();
            write(&format!("responder-{i}.key.json"), file.as_bytes());
        }
        Office {
            dir,
            set,
            extra_responders: extra,
            counter: 1,
        }
    }

    /// The service's arguments for these files.
    pub fn args(&self) -> Vec<String> {
        let p = |name: &str| self.dir.join(name).display().to_string();
        let mut args = vec![
            "--root".into(),
            p("root.pub.json"),
            "--trust".into(),
            p("trust.cbor"),
            "--revocations".into(),
            p("revocations"),
        ];
        for i in 0..=self.extra_responders.len() {
            args.push("--responder-key".into());
            args.push(p(&format!("responder-{i}.key.json")));
        }
        args
    }

    /// A demo card's QR text.
    pub fn card(&self, name: &str) -> String {
        let card = self.set.cards.iter().find(|c| c.name == name).unwrap();
        helpcard_core::qrtext::encode("HTTPS://HELPCARD.EXAMPLE/S/", &card.bytes).unwrap()
    }

    pub fn card_id(&self, name: &str) -> helpcard_core::trust::CardId {
        let text = self.card(name);
        helpcard_core::card::claimed_id(&helpcard_core::qrtext::decode(&text).unwrap())
            .unwrap()
            .0
    }

    /// Signs and writes the next revocation list (into `file` of the directory the service
    /// reads), revoking `revoked`, due for update `next_update_secs` from now.
    pub fn publish(
        &mut self,
        file: &str,
        revoked: Vec<helpcard_core::trust::CardId>,
        next_update_secs: u64,
    ) -> Vec<u8> {
        self.counter += 1;
        let now = unix_now();
        let list = helpcard_core::trust::RevocationList {
            issuer: "musashino".into(),
            counter: self.counter,
            issued_at: helpcard_core::date::UnixTime(now),
            next_update: helpcard_core::date::UnixTime(now + next_update_secs),
            revoked,
            revoked_before: None,
            paused: Vec::new(),
        }
        .sign(&self.set.world.issuer);
        std::fs::write(self.dir.join("revocations").join(file), &list).unwrap();
        list
    }
}

/// Every text the card's private part holds (none may be in a notice).
pub fn private_texts(name: &str) -> Vec<String> {
    let text = helpcard_core::demo::REFERENCE_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    let p = helpcard_core::profile::Profile::load_toml(
        text,
        helpcard_core::date::UnixTime(unix_now()).date(),
    )
    .unwrap();
    let private = serde_json::to_value(p.private.unwrap()).unwrap();
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if s.chars().count() >= 3 => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&private, &mut out);
    out
}
