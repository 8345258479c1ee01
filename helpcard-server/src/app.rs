//! The HTTP service: passkey sign-in, per-card content keys, the lists and the web scanner.
//!
//! Every response carries the security headers; every POST must come from the service's own
//! origin (no cross-site request can sign in or unwrap), has a body limit, and answers a
//! refusal with a typed JSON error: `{"error": code, "message": ...}`. Nothing a card says is
//! ever logged or stored: the audit log gets times, card ids, people and results.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use helpcard_audit::{AuditLog, Event};
use helpcard_core::card;
use helpcard_core::error::OpenError;
use helpcard_core::qrtext;
use helpcard_core::trust::{Revocations, TrustStore};
use helpcard_core::view::Verdict;
use serde::Deserialize;
use serde_json::{Value, json};
use webauthn_rs::Webauthn;
use webauthn_rs::prelude::{
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    Uuid,
};

use crate::assets::Asset;
use crate::keys::KeyHolder;
use crate::store::{Person, SessionState, Store};

/// Largest request body: a card is under 3 kB of QR text; a WebAuthn response under 4 kB.
pub const MAX_BODY: usize = 16 * 1024;
/// Ceremonies (registration, sign-in) left unfinished expire after this many seconds.
const CEREMONY_SECS: u64 = 300;
/// The session cookie.
const COOKIE: &str = "hc_session";

/// Settings of a running service.
#[derive(Clone, Debug)]
pub struct Config {
    /// The origin browsers use, e.g. `https://helpcard.city.example` (also the WebAuthn origin).
    pub origin: String,
    /// Unwraps one person may make per hour.
    pub rate_per_hour: usize,
    /// A session ends after this many seconds without a request.
    pub idle_secs: u64,
}

/// The lists the service publishes, as signed bytes, and the root key scanners pin.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    /// The root public key file (JSON) the web scanner pins.
    pub root: String,
    /// The trust list.
    pub trust: Vec<u8>,
    /// Revocation lists by issuer id.
    pub revocations: HashMap<String, Vec<u8>>,
}

enum Ceremony {
    Register {
        code: String,
        uuid: Uuid,
        state: Box<PasskeyRegistration>,
        started: u64,
    },
    SignIn {
        person: Person,
        state: Box<PasskeyAuthentication>,
        started: u64,
    },
}

impl Ceremony {
    fn started(&self) -> u64 {
        match self {
            Ceremony::Register { started, .. } | Ceremony::SignIn { started, .. } => *started,
        }
    }
}

/// Everything a request handler needs.
pub struct App {
    /// Settings.
    pub config: Config,
    /// People, invites, passkeys, sessions.
    pub store: Store,
    /// The WebAuthn relying party.
    pub webauthn: Webauthn,
    /// The responder group keys.
    pub keys: Box<dyn KeyHolder>,
    /// The trust list and pinned roots.
    pub trust: TrustStore,
    /// Revocation lists.
    pub revocations: Revocations,
    /// What `/lists/` serves.
    pub lists: Lists,
    /// The audit log.
    pub audit: Mutex<AuditLog>,
    /// The web scanner's files by path under `/S/`.
    pub www: HashMap<String, Asset>,
    limiter: Mutex<HashMap<i64, VecDeque<u64>>>,
    ceremonies: Mutex<HashMap<String, Ceremony>>,
}

impl App {
    /// A service over these parts.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Config,
        store: Store,
        webauthn: Webauthn,
        keys: Box<dyn KeyHolder>,
        trust: TrustStore,
        revocations: Revocations,
        lists: Lists,
        audit: AuditLog,
        www: HashMap<String, Asset>,
    ) -> App {
        App {
            config,
            store,
            webauthn,
            keys,
            trust,
            revocations,
            lists,
            audit: Mutex::new(audit),
            www,
            limiter: Mutex::new(HashMap::new()),
            ceremonies: Mutex::new(HashMap::new()),
        }
    }
}

/// A refusal: HTTP status and a stable code, with words for people.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    extra: Option<Value>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: None,
        }
    }

    /// A failure of the service itself: the details go to the operator's log (standard
    /// error), not to the client.
    fn internal(what: impl std::fmt::Display) -> ApiError {
        eprintln!("helpcard-server: internal error: {what}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the service failed; the operator has the details",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.code, "message": self.message });
        if let (Some(Value::Object(extra)), Value::Object(map)) = (self.extra, &mut body) {
            map.extend(extra);
        }
        (self.status, axum::Json(body)).into_response()
    }
}

/// Seconds since the Unix epoch (the service's one clock).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The router with every route and the security layers.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(|| async { axum::response::Redirect::to("/S/") }))
        .route("/healthz", get(healthz))
        .route("/lists/index.json", get(list_index))
        .route("/lists/root.pub.json", get(root_key))
        .route("/lists/trust.cbor", get(trust_list))
        .route("/lists/revocations/{file}", get(revocation_list))
        .route("/S", get(|| async { axum::response::Redirect::to("/S/") }))
        .route(
            "/S/",
            get(|state, request| asset(state, Path(String::new()), request)),
        )
        .route("/S/{*path}", get(asset))
        .route("/api/register/start", post(register_start))
        .route("/api/register/finish", post(register_finish))
        .route("/api/signin/start", post(signin_start))
        .route("/api/signin/finish", post(signin_finish))
        .route("/api/signout", post(signout))
        .route("/api/me", get(me))
        .route("/api/unwrap", post(unwrap))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(app)
}

/// Security headers on every response; POSTs only from our own origin.
async fn guard(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    if request.method() == Method::POST {
        let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
        let origin = header(header::ORIGIN);
        let length = header(header::CONTENT_LENGTH).and_then(|l| l.parse::<usize>().ok());
        let refusal = if origin != Some(app.config.origin.as_str()) {
            Some(ApiError::new(
                StatusCode::FORBIDDEN,
                "bad_origin",
                "requests must come from the service's own pages",
            ))
        } else if length.is_some_and(|l| l > MAX_BODY) {
            Some(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("requests are at most {MAX_BODY} bytes"),
            ))
        } else {
            None
        };
        if let Some(refusal) = refusal {
            let mut r = match app.audit("request", "anonymous", None, "refused", refusal.code) {
                Ok(()) => refusal.into_response(),
                Err(e) => e.into_response(),
            };
            secure(r.headers_mut());
            return r;
        }
    }
    let mut response = next.run(request).await;
    secure(response.headers_mut());
    response
}

fn secure(h: &mut HeaderMap) {
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; media-src 'self' blob:; \
         worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
    );
    set(h, "referrer-policy", "no-referrer");
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(
        h,
        "permissions-policy",
        "camera=(self), microphone=(), geolocation=()",
    );
    set(h, "cross-origin-opener-policy", "same-origin");
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    let keys: Vec<String> = app.keys.key_ids().iter().map(|k| k.to_hex()).collect();
    axum::Json(json!({
        "status": "ok",
        "responder_keys": keys,
        "trust_list_sequence": app.trust.list().map(|l| l.sequence),
    }))
    .into_response()
}

fn cbor(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/cbor"),
            // Scanners re-fetch lists often; a short public cache spares the service.
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        bytes,
    )
        .into_response()
}

/// What the web scanner loads: the root it pins, the trust list, every revocation list.
async fn list_index(State(app): State<Arc<App>>) -> Response {
    let mut issuers: Vec<&String> = app.lists.revocations.keys().collect();
    issuers.sort();
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        axum::Json(json!({
            "root": "/lists/root.pub.json",
            "trust": "/lists/trust.cbor",
            "revocations": issuers
                .iter()
                .map(|i| format!("/lists/revocations/{i}.cbor"))
                .collect::<Vec<_>>(),
        })),
    )
        .into_response()
}

async fn root_key(State(app): State<Arc<App>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        app.lists.root.clone(),
    )
        .into_response()
}

async fn trust_list(State(app): State<Arc<App>>) -> Response {
    cbor(app.lists.trust.clone())
}

async fn revocation_list(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    match file
        .strip_suffix(".cbor")
        .and_then(|issuer| app.lists.revocations.get(issuer))
    {
        Some(bytes) => cbor(bytes.clone()),
        None => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such list").into_response(),
    }
}

async fn asset(
    State(app): State<Arc<App>>,
    Path(path): Path<String>,
    request: HeaderMap,
) -> Response {
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    match app.www.get(&key) {
        Some(a) => a.response(&request),
        None => ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such file").into_response(),
    }
}

fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("the request body is not what this endpoint takes: {e}"),
        )
    })
}

impl App {
    fn audit(
        &self,
        kind: &str,
        actor: &str,
        card: Option<(&str, &str)>,
        result: &str,
        detail: &str,
    ) -> Result<(), ApiError> {
        let event = Event {
            at: now(),
            kind: kind.into(),
            actor: actor.into(),
            card_id: card.map(|c| c.0.to_owned()),
            issuer: card.map(|c| c.1.to_owned()),
            result: result.into(),
            detail: detail
                .chars()
                .take(helpcard_audit::MAX_DETAIL / 4)
                .collect(),
        };
        self.audit
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&event)
            .map(drop)
            .map_err(ApiError::internal)
    }

    fn ceremony(&self, id: &str) -> Option<Ceremony> {
        self.ceremonies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
            .filter(|c| now() < c.started() + CEREMONY_SECS)
    }

    fn start_ceremony(&self, c: Ceremony) -> String {
        let id = crate::store::random_token();
        let mut all = self.ceremonies.lock().unwrap_or_else(|e| e.into_inner());
        let t = now();
        all.retain(|_, c| t < c.started() + CEREMONY_SECS);
        all.insert(id.clone(), c);
        id
    }

    /// The signed-in person, or the refusal: 401 without a (live) session, 403 if revoked.
    /// With `audit_as`, a refusal is also an audit row of that kind (an unwrap attempt is;
    /// the page asking "who am I" on every load is not).
    fn person(&self, headers: &HeaderMap, audit_as: Option<&str>) -> Result<Person, ApiError> {
        let state = match session_token(headers) {
            None => SessionState::None,
            Some(token) => self
                .store
                .session(&token, now(), self.config.idle_secs)
                .map_err(ApiError::internal)?,
        };
        let (actor, detail, refusal) = match state {
            SessionState::Active(p) => return Ok(p),
            SessionState::Revoked(p) => (
                p.name,
                "person_revoked",
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    "person_revoked",
                    "your access to private parts has been withdrawn",
                ),
            ),
            SessionState::None => (
                "anonymous".to_owned(),
                if session_token(headers).is_some() {
                    "session_ended"
                } else {
                    "no_session"
                },
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "no_session",
                    "no session (never signed in, signed out, or idle too long): sign in with your passkey",
                ),
            ),
        };
        if let Some(kind) = audit_as {
            self.audit(kind, &actor, None, "refused", detail)?;
        }
        Err(refusal)
    }

    /// Counts an unwrap against the person's hourly allowance.
    fn within_rate(&self, person: &Person) -> bool {
        let mut all = self.limiter.lock().unwrap_or_else(|e| e.into_inner());
        let times = all.entry(person.id).or_default();
        let t = now();
        while times.front().is_some_and(|&s| s + 3600 <= t) {
            times.pop_front();
        }
        if times.len() >= self.config.rate_per_hour {
            return false;
        }
        times.push_back(t);
        true
    }
}

/// The items of a list-valued request header (every occurrence, split at `separator`, trimmed).
pub(crate) fn header_items(
    headers: &HeaderMap,
    name: header::HeaderName,
    separator: char,
) -> impl Iterator<Item = &str> {
    headers
        .get_all(name)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(move |v| v.split(separator))
        .map(str::trim)
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    header_items(headers, header::COOKIE, ';')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

fn session_cookie(app: &App, token: &str) -> String {
    // Secure except on a loopback origin, where the browser treats http as a secure context.
    let local = app.config.origin.starts_with("http://localhost")
        || app.config.origin.starts_with("http://127.0.0.1");
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{}",
        if local { "" } else { "; Secure" }
    )
}

#[derive(Deserialize)]
struct RegisterStart {
    invite: String,
}

async fn register_start(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    let req: RegisterStart = body(&bytes)?;
    let (name, _group) = app
        .store
        .invite(&req.invite, now())
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::GONE,
                "invite_invalid",
                "this invite is unknown, used or expired: ask for a new one",
            )
        })?;
    let existing = app.store.person(&name).map_err(ApiError::internal)?;
    let (uuid, exclude) = match &existing {
        Some(p) => (
            p.uuid,
            Some(
                app.store
                    .passkeys(p)
                    .map_err(ApiError::internal)?
                    .iter()
                    .map(|k| k.cred_id().clone())
                    .collect(),
            ),
        ),
        None => (Uuid::new_v4(), None),
    };
    let (options, state) = app
        .webauthn
        .start_passkey_registration(uuid, &name, &name, exclude)
        .map_err(ApiError::internal)?;
    let ceremony = app.start_ceremony(Ceremony::Register {
        code: req.invite,
        uuid,
        state: Box::new(state),
        started: now(),
    });
    Ok(axum::Json(json!({ "ceremony": ceremony, "options": options })).into_response())
}

#[derive(Deserialize)]
struct Finish<C> {
    ceremony: String,
    credential: C,
}

fn ceremony_gone() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "ceremony_unknown",
        "this sign-in or registration expired or was already used: start again",
    )
}

async fn register_finish(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    let req: Finish<RegisterPublicKeyCredential> = body(&bytes)?;
    let Some(Ceremony::Register {
        code, uuid, state, ..
    }) = app.ceremony(&req.ceremony)
    else {
        return Err(ceremony_gone());
    };
    let passkey = app
        .webauthn
        .finish_passkey_registration(&req.credential, &state)
        .map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "passkey_refused",
                format!("the passkey could not be registered: {e}"),
            )
        })?;
    let person = app
        .store
        .redeem(&code, uuid, &passkey, now())
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::GONE,
                "invite_invalid",
                "this invite was used or expired meanwhile",
            )
        })?;
    app.audit("register", &person.name, None, "granted", &person.group)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "name": person.name, "group": person.group })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct SignInStart {
    name: String,
}

async fn signin_start(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    let req: SignInStart = body(&bytes)?;
    let refused = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unknown_person",
            "no active responder of that name with a passkey",
        )
    };
    let person = app
        .store
        .person(&req.name)
        .map_err(ApiError::internal)?
        .filter(|p| p.active)
        .ok_or_else(refused)?;
    let passkeys = app.store.passkeys(&person).map_err(ApiError::internal)?;
    if passkeys.is_empty() {
        return Err(refused());
    }
    let (options, state) = app
        .webauthn
        .start_passkey_authentication(&passkeys)
        .map_err(ApiError::internal)?;
    let ceremony = app.start_ceremony(Ceremony::SignIn {
        person,
        state: Box::new(state),
        started: now(),
    });
    Ok(axum::Json(json!({ "ceremony": ceremony, "options": options })).into_response())
}

async fn signin_finish(State(app): State<Arc<App>>, bytes: Bytes) -> Result<Response, ApiError> {
    let req: Finish<PublicKeyCredential> = body(&bytes)?;
    let Some(Ceremony::SignIn { person, state, .. }) = app.ceremony(&req.ceremony) else {
        return Err(ceremony_gone());
    };
    let result = match app
        .webauthn
        .finish_passkey_authentication(&req.credential, &state)
    {
        Ok(r) => r,
        Err(e) => {
            app.audit("sign_in", &person.name, None, "refused", "passkey")?;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "passkey_refused",
                format!("the passkey did not verify: {e}"),
            ));
        }
    };
    // Revoked between start and finish: no session.
    let person = app
        .store
        .person(&person.name)
        .map_err(ApiError::internal)?
        .filter(|p| p.active)
        .ok_or_else(|| {
            ApiError::new(StatusCode::FORBIDDEN, "person_revoked", "access withdrawn")
        })?;
    for mut key in app.store.passkeys(&person).map_err(ApiError::internal)? {
        if key.update_credential(&result).is_some() {
            app.store
                .touch_passkey(&key, now())
                .map_err(ApiError::internal)?;
        }
    }
    let token = app
        .store
        .create_session(&person, now())
        .map_err(ApiError::internal)?;
    app.audit("sign_in", &person.name, None, "granted", &person.group)?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&app, &token))],
        axum::Json(json!({ "name": person.name, "group": person.group })),
    )
        .into_response())
}

// The body is read (and ignored) so the connection can be kept alive.
async fn signout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    _body: Bytes,
) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        app.store.end_session(&token).map_err(ApiError::internal)?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        )],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

async fn me(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let person = app.person(&headers, None)?;
    Ok(axum::Json(json!({ "name": person.name, "group": person.group })).into_response())
}

#[derive(Deserialize)]
struct UnwrapRequest {
    /// The QR text (`PREFIX#digits`), or the card bytes in hex.
    card: String,
}

/// Verifies the card as a scanner does, checks the person and their allowance, records the
/// opening, and returns that one card's content key. The service never decrypts.
async fn unwrap(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let person = app.person(&headers, Some("unwrap"))?;
    let req: UnwrapRequest = body(&bytes)?;
    let refuse = |status, code: &'static str, card: Option<(&str, &str)>, message: String| {
        app.audit("unwrap", &person.name, card, "refused", code)?;
        Err::<Response, ApiError>(ApiError::new(status, code, message))
    };
    if !app.within_rate(&person) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            None,
            format!(
                "more than {} cards opened in the last hour: wait, or ask the issuing office",
                app.config.rate_per_hour
            ),
        );
    }
    let card_bytes = if req.card.contains('#') {
        qrtext::decode(&req.card).map_err(OpenError::from)
    } else {
        hex::decode(req.card.trim()).map_err(|_| OpenError::BadCbor)
    };
    let opened = card_bytes.and_then(|b| {
        card::open(
            &b,
            &app.trust,
            helpcard_core::date::UnixTime(now()),
            None,
            Some(&app.revocations),
        )
    });
    let opened = match opened {
        Ok(o) => o,
        Err(e) => {
            let verdict = Verdict::of_error(&e);
            let status = match verdict {
                Verdict::Expired | Verdict::Revoked => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            app.audit("unwrap", &person.name, None, "refused", e.code())?;
            let mut err = ApiError::new(status, e.code(), e.to_string());
            err.extra = Some(json!({ "verdict": verdict.code() }));
            return Err(err);
        }
    };
    let card_id = opened.card_id.to_hex();
    let card = Some((card_id.as_str(), opened.issuer.as_str()));
    let key = match app.keys.content_key(&opened) {
        Ok(k) => k,
        Err(OpenError::NoMatchingResponderKey(kid)) => {
            return refuse(
                StatusCode::FORBIDDEN,
                "other_group",
                card,
                format!(
                    "this card's private part is for responder group {kid}, not this service's"
                ),
            );
        }
        Err(e) => {
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.code(),
                card,
                e.to_string(),
            );
        }
    };
    // Recorded before the key leaves: an opening that is not in the log does not happen.
    app.audit("unwrap", &person.name, card, "granted", &person.group)?;
    Ok(axum::Json(json!({
        "card_id": card_id,
        "issuer": opened.issuer,
        "content_key": hex::encode(key.as_bytes()),
    }))
    .into_response())
}
