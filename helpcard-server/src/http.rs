//! What every route shares: the service's clock, typed refusals, JSON request bodies,
//! list-valued request headers and the security headers.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use helpcard_core::error::OpenError;
use helpcard_core::refusal::Refusal;
use helpcard_core::view::Verdict;
use serde::Deserialize;
use serde_json::{Value, json};

/// Seconds since the Unix epoch (the service's one clock).
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A refusal: HTTP status and a stable code (a [`Refusal`], or a card's [`OpenError`] code),
/// which clients say in their reader's language.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    message: String,
    extra: Option<Value>,
}

impl ApiError {
    /// A refusal with `status`, its stable code, and an English sentence for API clients and
    /// the operator's log. Clients show people the refusal's own words in their language
    /// ([`Refusal::message`]), never this sentence.
    pub fn new(status: StatusCode, refusal: Refusal, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: refusal.code(),
            message: message.into(),
            extra: None,
        }
    }

    /// A refusal of the card itself: the card's code (a test-vector outcome) and its verdict;
    /// clients say it with [`OpenError::message`] (`helpcard_core::refusal::words`).
    pub fn card(status: StatusCode, e: &OpenError) -> ApiError {
        ApiError {
            status,
            code: e.code(),
            message: e.to_string(),
            extra: Some(json!({ "verdict": Verdict::of_error(e).code() })),
        }
    }

    /// The same refusal with more fields in its JSON body (`verdict`, `issuer`).
    pub fn with(mut self, extra: Value) -> ApiError {
        self.extra = Some(extra);
        self
    }

    /// A failure of the service itself: the details go to the operator's log (standard
    /// error), not to the client. A database that cannot be reached just now (PostgreSQL
    /// restarting or failing over) is `503 unavailable` with `Retry-After`, not a failure: the
    /// instance recovers by itself when the database is back.
    pub fn internal<E: std::fmt::Display + 'static>(what: E) -> ApiError {
        if unreachable_database(&what) {
            eprintln!("helpcard-server: unavailable: {what}");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                Refusal::Unavailable,
                "the service cannot reach its database just now; try again in a minute",
            );
        }
        eprintln!("helpcard-server: internal error: {what}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::Internal,
            "the service failed; the operator has the details",
        )
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

/// True when `e` is one of the stores' errors saying the database cannot be reached.
fn unreachable_database(e: &dyn std::any::Any) -> bool {
    if let Some(e) = e.downcast_ref::<crate::store::StoreError>() {
        e.is_unavailable()
    } else if let Some(e) = e.downcast_ref::<helpcard_audit::AuditError>() {
        matches!(e, helpcard_audit::AuditError::Store(db) if db.is_unavailable())
    } else if let Some(e) = e.downcast_ref::<helpcard_db::DbError>() {
        e.is_unavailable()
    } else if let Some(e) = e.downcast_ref::<helpcard_office::OfficeError>() {
        matches!(e, helpcard_office::OfficeError::Registry { source, .. } if source.is_unavailable())
    } else {
        false
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.status == StatusCode::SERVICE_UNAVAILABLE;
        let mut body = json!({ "error": self.code, "message": self.message });
        if let (Some(Value::Object(extra)), Value::Object(map)) = (self.extra, &mut body) {
            map.extend(extra);
        }
        let mut response = (self.status, axum::Json(body)).into_response();
        if retry {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

/// A JSON request body of type `T`, or `400 bad_request`.
pub fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            Refusal::BadRequest,
            format!("the request body is not what this endpoint takes: {e}"),
        )
    })
}

/// The items of a list-valued request header (every occurrence, split at `separator`, trimmed).
pub fn header_items(
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

/// The headers every response carries; HSTS (RFC 6797) when the service is reached over HTTPS,
/// and `no-store` on every API answer (sessions, content keys: nothing for a cache to keep).
///
/// A browser applies a response's Content-Security-Policy, Permissions-Policy and
/// Cross-Origin-Opener-Policy only where the response becomes a document or a worker (CSP 3
/// §4.2; HTML's "initialize the document object" and "run a worker"): pages and scripts get the
/// page's policy. Data and styles (WASM, CBOR, JSON, CSS) are never either; they get the
/// strictest policy instead, which also holds should one be opened as a page, and not the
/// other two: a passer-by's phone receives these headers with every list and module (on
/// HTTP/1.1, 2 kB of the first visit). A response without a content type (a `304`, a redirect)
/// gets the page's headers, so that a revalidated page keeps its policy.
pub fn secure(h: &mut HeaderMap, https: bool, api: bool) {
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    if is_data(h) {
        set(
            h,
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        );
    } else {
        set(
            h,
            "content-security-policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data: blob:; connect-src 'self'; media-src 'self' blob:; \
             worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
             frame-ancestors 'none'",
        );
        set(
            h,
            "permissions-policy",
            "camera=(self), microphone=(), geolocation=()",
        );
        set(h, "cross-origin-opener-policy", "same-origin");
    }
    set(h, "referrer-policy", "no-referrer");
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    if https {
        set(
            h,
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
    }
    if api {
        set(h, "cache-control", "no-store");
    }
}

/// Whether a response is data or a style sheet, which no browser makes a document or a worker
/// of (its `Content-Type`; `nosniff` keeps a browser to it).
fn is_data(h: &HeaderMap) -> bool {
    let Some(kind) = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = kind.split(';').next().unwrap_or_default().trim();
    [
        "application/wasm",
        "application/cbor",
        "application/json",
        "text/css",
    ]
    .iter()
    .any(|t| essence.eq_ignore_ascii_case(t))
}
