//! A local SMTP sink on 127.0.0.1 for the notice tests: takes every message (RFC 5321: EHLO,
//! MAIL, RCPT, DATA, QUIT), decodes its base64 body, and keeps (recipient, subject, text).
//! Stopped and started again on the same port to play a relay that is down.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message received.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub message_id: String,
}

/// The sink, listening until dropped or stopped.
pub struct Sink {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl Sink {
    /// A sink on a free port.
    pub fn start() -> Sink {
        Sink::on(0, Arc::default())
    }

    /// A sink on `port` (0: any), adding to `received`.
    pub fn on(port: u16, received: Arc<Mutex<Vec<Received>>>) -> Sink {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (kept, stopping) = (received.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let kept = kept.clone();
                        std::thread::spawn(move || {
                            let _ = session(stream, &kept);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Sink {
            port,
            received,
            stop,
        }
    }

    /// Stops listening (the port is free again).
    pub fn stop(self) -> Arc<Mutex<Vec<Received>>> {
        self.stop.store(true, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(100));
        self.received.clone()
    }

    /// Waits up to `secs` for at least `n` messages; returns what arrived.
    pub fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn session(stream: TcpStream, kept: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    write!(out, "220 sink ESMTP\r\n")?;
    let mut to = Vec::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            write!(out, "250-sink\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("MAIL FROM") {
            to.clear();
            write!(out, "250 ok\r\n")?;
        } else if upper.starts_with("RCPT TO") {
            let address = line
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(a, _)| a.to_owned())
                .unwrap_or_default();
            to.push(address);
            write!(out, "250 ok\r\n")?;
        } else if upper.starts_with("DATA") {
            write!(out, "354 go on\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if lines.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
            }
            let (head, body) = data.split_once("\r\n\r\n").unwrap_or((&data, ""));
            let header = |name: &str| {
                head.lines()
                    .find_map(|l| {
                        l.split_once(':')
                            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v.trim().to_owned())
                    })
                    .unwrap_or_default()
            };
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            let text = String::from_utf8(decode_base64(&compact)).unwrap_or_default();
            let subject = decode_subject(&header("Subject"));
            let mut kept = kept.lock().unwrap();
            for t in &to {
                kept.push(Received {
                    to: t.clone(),
                    subject: subject.clone(),
                    text: text.clone(),
                    message_id: header("Message-ID"),
                });
            }
            write!(out, "250 queued\r\n")?;
        } else if upper.starts_with("QUIT") {
            write!(out, "221 bye\r\n")?;
            return Ok(());
        } else {
            write!(out, "250 ok\r\n")?;
        }
    }
}

/// An RFC 2047 subject (`=?utf-8?b?…?=` words) as text.
fn decode_subject(s: &str) -> String {
    s.split_whitespace()
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            if lower.starts_with("=?utf-8?b?") && word.ends_with("?=") {
                String::from_utf8(decode_base64(&word[10..word.len() - 2])).unwrap_or_default()
            } else {
                word.to_owned()
            }
        })
        .collect()
}

fn decode_base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(value) {
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
