//! The running service's state and what every route asks of it: who is signed in, and the
//! audit log.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Condvar, Mutex};

use axum::http::{HeaderMap, StatusCode, header};
use helpcard_audit::{AuditLog, Event, Message};
use webauthn_rs::Webauthn;

use crate::assets::Asset;
use crate::ceremony::Ceremony;
use crate::desk::Desk;
use crate::groups::Groups;
use crate::http::{ApiError, header_items, now};
use crate::keys::KeyHolder;
use crate::limits::{Buckets, Pending, Rate, Tally};
use crate::lists::Lists;
use crate::notices::NoticeConfig;
use crate::store::{Person, SessionState, Store};
use helpcard_core::refusal::Refusal;

/// The session cookie's name (`__Host-`: Secure, Path=/, no Domain; RFC 6265bis §4.1.3.2).
pub const COOKIE: &str = "__Host-hc_session";
/// Unfinished ceremonies (registration, sign-in) expire after this many seconds.
pub(crate) const CEREMONY_SECS: u64 = 300;
/// Most unfinished ceremonies held at once; past it, a new one is refused (`503 busy`).
pub(crate) const MAX_CEREMONIES: usize = 10_000;

/// Settings of a running service.
#[derive(Clone, Debug)]
pub struct Config {
    /// The origin browsers use, e.g. `https://helpcard.city.example` (also the WebAuthn origin).
    pub origin: String,
    /// Unwraps one person may make per hour.
    pub rate_per_hour: usize,
    /// A session ends after this many seconds without a request.
    pub idle_secs: u64,
    /// A session ends this many seconds after sign-in, however busy.
    pub session_secs: u64,
    /// Which responder keys each group may use.
    pub groups: Groups,
    /// Requests without a session (sign-in, registration, refusals): per client address.
    pub per_address: Rate,
    /// The same, for the whole service.
    pub global: Rate,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub proxies: Vec<IpAddr>,
    /// Seconds a request's body has to arrive (its headers' deadline is the connection's).
    pub request_secs: u64,
}

/// What a service is made of (see [`App::new`]).
pub struct Parts {
    /// Settings.
    pub config: Config,
    /// People, invites, passkeys, sessions, allowances.
    pub store: Store,
    /// The WebAuthn relying party.
    pub webauthn: Webauthn,
    /// The responder group keys.
    pub keys: Box<dyn KeyHolder>,
    /// The lists it enforces and publishes.
    pub lists: Lists,
    /// The audit log.
    pub audit: AuditLog,
    /// The web scanner's files by path under `/S/`.
    pub www: HashMap<String, Asset>,
    /// The issuing desk, when this service runs one.
    pub desk: Option<Desk>,
    /// What notices of openings say.
    pub notices: NoticeConfig,
}

/// Everything a request handler needs.
pub struct App {
    /// Settings.
    pub config: Config,
    /// People, invites, passkeys, sessions, allowances.
    pub store: Store,
    /// The WebAuthn relying party.
    pub webauthn: Webauthn,
    /// The responder group keys.
    pub keys: Box<dyn KeyHolder>,
    /// The lists it enforces and publishes.
    pub lists: Lists,
    /// The audit log.
    pub audit: Mutex<AuditLog>,
    /// The web scanner's files by path under `/S/`.
    pub www: HashMap<String, Asset>,
    /// The issuing desk, when this service runs one.
    pub desk: Option<Desk>,
    /// What notices of openings say.
    pub notices: NoticeConfig,
    /// Signalled (under the audit lock) when notices are written: the sender wakes at once.
    pub(crate) notices_written: Condvar,
    pub(crate) ceremonies: Pending<Ceremony>,
    pub(crate) buckets: Buckets,
    /// Refusals of requests without a session, written as one audit row a minute.
    pub(crate) refusals: Tally,
}

impl App {
    /// A service over these parts.
    pub fn new(parts: Parts) -> App {
        let Parts {
            config,
            store,
            webauthn,
            keys,
            lists,
            audit,
            www,
            desk,
            notices,
        } = parts;
        App {
            buckets: Buckets::new(config.per_address, config.global),
            config,
            store,
            webauthn,
            keys,
            lists,
            audit: Mutex::new(audit),
            www,
            desk,
            notices,
            notices_written: Condvar::new(),
            ceremonies: Pending::new(MAX_CEREMONIES, CEREMONY_SECS),
            refusals: Tally::default(),
        }
    }

    /// Appends an audit row; `card` is (card id, issuer if known).
    pub fn audit(
        &self,
        kind: &str,
        actor: &str,
        card: Option<(&str, Option<&str>)>,
        result: &str,
        detail: &str,
    ) -> Result<(), ApiError> {
        self.audit_with(kind, actor, card, result, detail, &[])
    }

    /// Appends an audit row and the messages owed because of it, in one transaction.
    pub fn audit_with(
        &self,
        kind: &str,
        actor: &str,
        card: Option<(&str, Option<&str>)>,
        result: &str,
        detail: &str,
        messages: &[Message],
    ) -> Result<(), ApiError> {
        let event = Event {
            at: now(),
            kind: kind.into(),
            actor: actor.into(),
            card_id: card.map(|c| c.0.to_owned()),
            issuer: card.and_then(|c| c.1.map(str::to_owned)),
            result: result.into(),
            detail: truncated(detail, helpcard_audit::MAX_DETAIL).to_owned(),
        };
        let mut log = self.audit.lock().unwrap_or_else(|e| e.into_inner());
        log.append_with_messages(&event, messages)
            .map_err(ApiError::internal)?;
        if !messages.is_empty() {
            self.notices_written.notify_one();
        }
        Ok(())
    }

    /// Appends `event` standing for row `row` of kiosk log `source`, with the notices owed
    /// ([`helpcard_audit::AuditLog::append_mirrored`]): each row taken once, in order.
    pub fn mirror(
        &self,
        source: &str,
        row: &helpcard_audit::Row,
        event: &Event,
        messages: &[Message],
    ) -> Result<(), helpcard_audit::AuditError> {
        let mut log = self.audit.lock().unwrap_or_else(|e| e.into_inner());
        log.append_mirrored(source, row, event, messages)?;
        if !messages.is_empty() {
            self.notices_written.notify_one();
        }
        Ok(())
    }

    /// Takes a token for a request without a session from `client`: its address's bucket and
    /// the whole service's. Each instance keeps the buckets in memory; instances sharing a
    /// PostgreSQL database also count in it, so N instances allow what one does — and a flood
    /// this instance already refuses by itself costs the database nothing.
    pub fn allow_without_session(&self, client: IpAddr, seconds: f64) -> Result<bool, ApiError> {
        let here = self.buckets.allow(client, seconds);
        if !here || !self.store.database().is_postgres() {
            return Ok(here);
        }
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let take = |key: &str, rate: Rate| {
            self.store
                .take_token(key, rate.per_second, rate.burst, now_ms)
                .map_err(ApiError::internal)
        };
        // The address's own limit first: one noisy client does not use up the global budget.
        Ok(take(&format!("address {client}"), self.config.per_address)?
            && take("service", self.config.global)?)
    }

    /// Forgets what the database keeps once it is stale (allowance counts and buckets older
    /// than an hour, expired ceremonies); the service calls this every minute.
    pub fn forget_idle(&self) -> Result<(), ApiError> {
        self.store
            .forget_idle(now(), CEREMONY_SECS)
            .map_err(ApiError::internal)
    }

    /// Writes the refusals counted since the last call as one audit row (the service calls
    /// this every minute and when it stops).
    pub fn flush_refusals(&self) -> Result<(), ApiError> {
        match self.refusals.take() {
            Some(summary) => self.audit("refusals", "anonymous", None, "refused", &summary),
            None => Ok(()),
        }
    }

    /// Signs and exports a checkpoint of the audit log if rows were added since the last one
    /// (by this process or an administrator's command); exports any checkpoint the anchor was
    /// unreachable for.
    pub fn checkpoint_if_new_rows(&self) -> Result<(), ApiError> {
        let mut log = self.audit.lock().unwrap_or_else(|e| e.into_inner());
        if log.uncheckpointed().map_err(ApiError::internal)? > 0 {
            log.checkpoint(now()).map_err(ApiError::internal)?;
        }
        log.export_pending().map_err(ApiError::internal)
    }

    /// Locks the issuer key if it is due (idle, or the day's re-lock hour), as an audit row
    /// (the service calls this every minute).
    pub fn lock_issuer_key_if_due(&self) -> Result<(), ApiError> {
        if let Some(why) = self.desk.as_ref().and_then(|d| d.key.lock_if_due(now())) {
            self.audit("key_lock", "service", None, "granted", why.code())?;
        }
        Ok(())
    }

    /// The client's address: the peer's, or the last hop a configured proxy names.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.config.proxies.contains(&peer) {
            return peer;
        }
        header_items(
            headers,
            header::HeaderName::from_static("x-forwarded-for"),
            ',',
        )
        .filter_map(|a| a.parse().ok())
        .last()
        .unwrap_or(peer)
    }

    /// The signed-in person, or the refusal: 401 without a (live) session, 403 if revoked, 400
    /// with two session cookies. With `audit_as`, a revoked person's attempt is an audit row of
    /// that kind; attempts without a session are counted ([`App::flush_refusals`]).
    pub fn person(&self, headers: &HeaderMap, audit_as: Option<&str>) -> Result<Person, ApiError> {
        let token = session_token(headers).inspect_err(|_| self.refusals.count("two_sessions"))?;
        let state = match &token {
            None => SessionState::None,
            Some(token) => self
                .store
                .session(
                    token,
                    now(),
                    self.config.idle_secs,
                    self.config.session_secs,
                )
                .map_err(ApiError::internal)?,
        };
        match state {
            SessionState::Active(p) => Ok(p),
            SessionState::Revoked(p) => {
                if let Some(kind) = audit_as {
                    self.audit(kind, &p.name, None, "refused", "person_revoked")?;
                }
                Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    Refusal::PersonRevoked,
                    "your access to private parts has been withdrawn",
                ))
            }
            SessionState::None => {
                if audit_as.is_some() {
                    self.refusals.count(if token.is_some() {
                        "session_ended"
                    } else {
                        "no_session"
                    });
                }
                Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    Refusal::NoSession,
                    "no session (never signed in, signed out, or idle too long): sign in with your passkey",
                ))
            }
        }
    }
}

/// `text` cut to at most `max` bytes, at a character boundary.
/// `text` cut to at most `max` bytes, on a character boundary.
pub fn truncated(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The session token from the cookie; refused when two are sent (one could be a cookie planted
/// by another page of the same site, and the service would not know which person acts).
pub fn session_token(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let mut tokens = header_items(headers, header::COOKIE, ';')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| *k == COOKIE);
    let first = tokens.next().map(|(_, v)| v.to_owned());
    if tokens.next().is_some() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            Refusal::TwoSessions,
            "the request carries two session cookies: sign out, then sign in again",
        ));
    }
    Ok(first)
}
