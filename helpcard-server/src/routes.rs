//! The routes and the guard in front of them.
//!
//! Every response carries the security headers. Every POST must come from the service's own
//! origin (no cross-site request can sign in or unwrap), has its body read within the
//! configured seconds and at most [`MAX_BODY`] bytes, and answers a refusal with a typed JSON error
//! (`{"error": code, "message": ...}`). POSTs that come without a session (sign-in,
//! registration) are rate-limited per client address and in all. Nothing a card says is ever
//! logged or stored: the audit log gets times, card ids, people and results.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::app::App;
use crate::desk::{openings, page, routes as desk};
use crate::http::{ApiError, now, secure};
use crate::{kiosks, passkeys, unwrap};
use helpcard_core::refusal::Refusal;

/// Largest request body: a card is under 3 kB of QR text; a WebAuthn response under 4 kB; the
/// desk's card form under 16 kB.
pub const MAX_BODY: usize = 16 * 1024;
/// Largest body of the desk's batch import (a CSV table of a few thousand cards) and of a
/// picture of a card to print again.
pub const MAX_BATCH_BODY: usize = 8 * 1024 * 1024;

/// The router with every route and the guard.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(|| async { axum::response::Redirect::to("/S/") }))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
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
        .route("/api/register/start", post(passkeys::register_start))
        .route("/api/register/finish", post(passkeys::register_finish))
        .route("/api/signin/start", post(passkeys::signin_start))
        .route("/api/signin/finish", post(passkeys::signin_finish))
        .route("/api/signout", post(passkeys::signout))
        .route("/api/me", get(passkeys::me))
        .route("/api/unwrap", post(unwrap::unwrap))
        .route("/api/kiosk/rows", post(kiosks::rows))
        .route(
            "/desk",
            get(|| async { axum::response::Redirect::to("/desk/") }),
        )
        .route("/desk/", get(|s, h| page::file(s, h, None)))
        .route("/desk/{file}", get(|s, h, p| page::file(s, h, Some(p))))
        .route("/api/desk/me", get(desk::me))
        .route("/api/desk/key/unlock", post(desk::unlock))
        .route("/api/desk/key/lock", post(desk::lock))
        .route("/api/desk/vocab", get(desk::vocab))
        .route("/api/desk/miss", post(desk::miss))
        .route("/api/desk/misses", get(desk::misses))
        .route("/api/desk/measure", post(desk::measure))
        .route("/api/desk/issue", post(desk::issue))
        .route("/api/desk/batch", post(desk::batch))
        .route("/api/desk/reprint", post(desk::reprint))
        .route("/api/desk/handout/{token}/{file}", get(desk::handout))
        .route("/api/desk/cards", get(desk::cards))
        .route("/api/desk/cards/{id}", get(desk::card))
        .route("/api/desk/cards/{id}/revoke", post(desk::revoke))
        .route("/api/desk/cards/{id}/pause", post(desk::pause))
        .route(
            "/api/desk/cards/{id}/openings.pdf",
            get(openings::openings_pdf),
        )
        .route("/api/desk/review", get(openings::review))
        .route("/api/desk/renewals", get(desk::renewal_queue))
        .route("/api/desk/renewals.csv", get(desk::renewal_csv))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        // The guard has read each body within its route's limit.
        .layer(DefaultBodyLimit::max(MAX_BATCH_BODY))
        .with_state(app)
}

/// The process's start, for the rate limiter's clock.
fn seconds() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

/// Security headers on every response; POSTs checked and their bodies read here.
async fn guard(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = if request.method() == Method::POST {
        match admit(&app, peer, request).await {
            Ok(request) => next.run(request).await,
            Err(refusal) => {
                app.refusals.count(refusal.code());
                refusal.into_response()
            }
        }
    } else {
        next.run(request).await
    };
    secure(
        response.headers_mut(),
        app.config.origin.starts_with("https://"),
        api,
    );
    response
}

/// A POST let through, its body read; or the refusal.
async fn admit(
    app: &App,
    peer: SocketAddr,
    request: axum::extract::Request,
) -> Result<axum::extract::Request, ApiError> {
    let headers = request.headers();
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let path = request.uri().path();
    let session_bound =
        matches!(path, "/api/unwrap" | "/api/signout") || path.starts_with("/api/desk/");
    let max_body = if matches!(path, "/api/desk/batch" | "/api/desk/reprint") {
        MAX_BATCH_BODY
    } else {
        MAX_BODY
    };
    // A kiosk's signed rows come from no page and carry no cookie: nothing to forge.
    let signed = path == "/api/kiosk/rows";
    if !signed && header(header::ORIGIN) != Some(app.config.origin.as_str()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Refusal::BadOrigin,
            "requests must come from the service's own pages",
        ));
    }
    // Sign-in and registration come without a session: limited per address and in all.
    if !session_bound && !app.allow_without_session(app.client(peer.ip(), headers), seconds())? {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            Refusal::SlowDown,
            "too many requests from this address: wait a minute",
        ));
    }
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::TooLarge,
            format!("requests are at most {max_body} bytes"),
        )
    };
    let length = header(header::CONTENT_LENGTH).and_then(|l| l.parse::<usize>().ok());
    if length.is_some_and(|l| l > max_body) {
        return Err(too_large());
    }
    // The body whole, within the time (a client sending a byte a minute holds no connection
    // for long) and the size (a chunked body has no length to check beforehand).
    let (parts, body) = request.into_parts();
    let secs = app.config.request_secs;
    let read = tokio::time::timeout(
        Duration::from_secs(secs),
        axum::body::to_bytes(body, max_body),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            Refusal::TooSlow,
            format!("the request body did not arrive within {secs} seconds"),
        )
    })?
    .map_err(|_| too_large())?;
    Ok(axum::extract::Request::from_parts(parts, Body::from(read)))
}

/// Whether this instance can serve: both its stores answer. 503 while the database cannot be
/// reached (a load balancer takes the instance out), 200 again by itself once it is back.
async fn readyz(State(app): State<Arc<App>>) -> Response {
    let kind = if app.store.database().is_postgres() {
        "postgresql"
    } else {
        "sqlite"
    };
    match database_reachable(&app) {
        Ok(()) => axum::Json(json!({ "status": "ready", "database": kind })).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::RETRY_AFTER, "5")],
            axum::Json(
                json!({ "status": "unavailable", "database": kind, "error": e.to_string() }),
            ),
        )
            .into_response(),
    }
}

fn database_reachable(app: &App) -> Result<(), helpcard_db::DbError> {
    app.store.database().ping()?;
    app.audit
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .database()
        .ping()
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    let keys: Vec<String> = app.keys.key_ids().iter().map(|k| k.to_hex()).collect();
    let lists = app.lists.health(now());
    // Notices waiting in the outbox (a relay that is down shows here first) and sent.
    let notices = app
        .audit
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .outbox_counts()
        .map(|(waiting, sent)| json!({ "waiting": waiting, "sent": sent }))
        .unwrap_or(Value::Null);
    let database = match database_reachable(&app) {
        Ok(()) => "reachable",
        Err(_) => "unreachable",
    };
    axum::Json(json!({
        "status": lists.status(),
        "database": database,
        "responder_keys": keys,
        "lists": lists,
        "notices": notices,
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

/// What the web scanner loads: the root it pins, the trust list, every revocation list held.
async fn list_index(State(app): State<Arc<App>>) -> Response {
    let held = app.lists.held();
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        axum::Json(json!({
            "root": "/lists/root.pub.json",
            "trust": "/lists/trust.cbor",
            "revocations": held
                .revocation_bytes
                .keys()
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
        app.lists.held().root_file.clone(),
    )
        .into_response()
}

/// `GET /S/PATH`: a file of the web scanner (`index.html` for a directory).
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
        None => {
            ApiError::new(StatusCode::NOT_FOUND, Refusal::NotFound, "no such file").into_response()
        }
    }
}

async fn trust_list(State(app): State<Arc<App>>) -> Response {
    cbor(app.lists.held().trust_bytes.clone())
}

async fn revocation_list(State(app): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let held = app.lists.held();
    match file
        .strip_suffix(".cbor")
        .and_then(|issuer| held.revocation_bytes.get(issuer))
    {
        Some(bytes) => cbor(bytes.clone()),
        None => {
            ApiError::new(StatusCode::NOT_FOUND, Refusal::NotFound, "no such list").into_response()
        }
    }
}
