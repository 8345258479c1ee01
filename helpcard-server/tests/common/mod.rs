//! The real server on 127.0.0.1, a software passkey, and a small HTTP client: shared by the
//! integration tests and the load benchmark.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

/// A `helpcard-server --demo` process on a free loopback port.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub origin: String,
    pub data: PathBuf,
    /// (name, url, verdict)
    pub cards: Vec<(String, String, String)>,
    pub invite: String,
    agent: ureq::Agent,
}

impl Server {
    pub fn start(name: &str, extra: &[&str]) -> Server {
        let data =
            std::env::temp_dir().join(format!("helpcard-server-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let mut child = Command::new(env!("CARGO_BIN_EXE_helpcard-server"))
            .args(["--demo", "--listen", "127.0.0.1:0", "--data"])
            .arg(&data)
            // The placeholder page unless a test serves its own files.
            .args(if extra.contains(&"--www") {
                &[][..]
            } else {
                &["--www", "/nonexistent"][..]
            })
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut base, mut origin, mut invite, mut cards) =
            (String::new(), String::new(), String::new(), Vec::new());
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
            } else if line == "ready" {
                break;
            }
        }
        assert!(!base.is_empty(), "the server did not start");
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
            agent,
        }
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
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        cookie.split(';').next().unwrap().to_owned()
    }

    pub fn unwrap_card(&self, cookie: Option<&str>, card: &str) -> (u16, Value) {
        let (s, v, _) = self.post("/api/unwrap", &json!({ "card": card }), cookie);
        (s, v)
    }

    /// `helpcard-server ARGS --data DIR`.
    pub fn admin(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_helpcard-server"))
            .args(args)
            .arg("--data")
            .arg(&self.data)
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
