//! Sends the kiosk's audit rows to the key service (`service` in the configuration), so the
//! office sees every opening in one place and the holder is told of an opening here as of one
//! through the web.
//!
//! Rows go in order, in batches signed with the kiosk's device key (the one its checkpoints are
//! signed with, which an admin enrolled: `helpcard-server enroll-kiosk`). The service answers
//! how far it holds the kiosk's chain; the kiosk keeps that number (`state_dir/forwarded`) and
//! resumes after it, so an outage only delays rows, and a row sent twice is taken once. The
//! rows are read from the audit file beside the process that appends them (SQLite, WAL).

use std::path::{Path, PathBuf};
use std::time::Duration;

use helpcard_audit::{Batch, DeviceKey, MAX_BATCH, SIGNATURE_HEADER, rows_after};

/// Where and as whom rows are sent.
pub struct Forwarder {
    kiosk_id: String,
    /// The service's base URL (`https://…`, or `http://` to this machine only).
    service: String,
    audit: PathBuf,
    device_key: PathBuf,
    /// The file keeping how far the service holds the chain (`None`: from the start, each
    /// run; the service skips what it has).
    mark: Option<PathBuf>,
}

/// What one round sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Forwarded {
    /// Rows the service took or already held in this round.
    pub sent: usize,
    /// The last row the service holds.
    pub through: u64,
}

/// True for an `http://` URL to this machine: the only place plain HTTP is taken (card ids
/// in the rows say who was helped where).
fn loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

impl Forwarder {
    /// A forwarder of `audit`'s rows as `kiosk_id` to `service`, signing with the key in
    /// `device_key`; the service's answer kept in `state_dir` when given.
    pub fn new(
        kiosk_id: &str,
        service: &str,
        audit: &Path,
        device_key: &Path,
        state_dir: Option<&Path>,
    ) -> Result<Forwarder, String> {
        if !(service.starts_with("https://") || loopback(service)) {
            return Err(format!(
                "service = {service:?}: expected an https:// URL (plain http:// only to this machine)"
            ));
        }
        Ok(Forwarder {
            kiosk_id: kiosk_id.to_owned(),
            service: service.trim_end_matches('/').to_owned(),
            audit: audit.to_owned(),
            device_key: device_key.to_owned(),
            mark: state_dir.map(|d| d.join("forwarded")),
        })
    }

    fn through(&self) -> u64 {
        self.mark
            .as_deref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0)
    }

    fn keep(&self, through: u64) -> Result<(), String> {
        let Some(path) = &self.mark else {
            return Ok(());
        };
        // A new file renamed over the old: a crash leaves one or the other, never half.
        let next = path.with_extension("new");
        std::fs::write(&next, through.to_string())
            .and_then(|()| std::fs::rename(&next, path))
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Sends every row the service does not hold yet, batch by batch; an error (the service
    /// unreachable, the kiosk not enrolled) leaves the rest for the next round.
    pub fn round(&self) -> Result<Forwarded, String> {
        let key = DeviceKey::load(&self.device_key)
            .map_err(|e| format!("device_key = {}: {e}", self.device_key.display()))?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(20)))
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}/api/kiosk/rows", self.service);
        let mut done = Forwarded {
            sent: 0,
            through: self.through(),
        };
        loop {
            let rows = rows_after(&self.audit, done.through, MAX_BATCH)
                .map_err(|e| format!("audit = {}: {e}", self.audit.display()))?;
            let Some(last) = rows.last().map(|r| r.seq) else {
                return Ok(done);
            };
            let (body, signature) = Batch::new(&self.kiosk_id, &rows).signed(&key);
            let mut response = agent
                .post(&url)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, &signature)
                .send(&body[..])
                .map_err(|e| format!("{url}: {e}"))?;
            let status = response.status().as_u16();
            let answer: serde_json::Value = response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_vec()
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default();
            let through = answer["through"].as_u64();
            match (status, through) {
                (200, Some(t)) if t >= last => {
                    done.sent += rows.len();
                    done.through = t;
                }
                // The service holds the chain to another row (this kiosk's mark was lost or
                // is ahead of a restored service): resume after that one.
                (409, Some(t)) if t != done.through => done.through = t,
                _ => {
                    return Err(format!(
                        "{url}: {status} {}",
                        answer["message"].as_str().unwrap_or("unexpected answer")
                    ));
                }
            }
            self.keep(done.through)?;
        }
    }
}

/// Runs a round every `every` in its own thread, reporting each to `report`.
pub fn every(
    forwarder: Forwarder,
    every: Duration,
    mut report: impl FnMut(Result<Forwarded, String>) + Send + 'static,
) {
    let spawned = std::thread::Builder::new()
        .name("forward".into())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                report(forwarder.round());
            }
        });
    if let Err(e) = spawned {
        eprintln!("helpcard-kiosk: cannot start forwarding: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "https://keys.example",
            "http://127.0.0.1:8080",
            "http://localhost/",
            "http://[::1]:9",
        ] {
            assert!(
                Forwarder::new("k", ok, Path::new("a"), Path::new("d"), None).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://keys.example",
            "http://127.0.0.1.evil.example",
            "ftp://x",
            "keys.example",
        ] {
            assert!(
                Forwarder::new("k", bad, Path::new("a"), Path::new("d"), None).is_err(),
                "{bad}"
            );
        }
    }
}
