//! The desk's pages: one HTML page, its script and style, and the font cards print in (so the
//! preview's lines are drawn in the printed card's glyphs). Built into the binary: the desk
//! works wherever the service runs.
//!
//! `GET /desk/` answers a signed-out browser with the page (which asks it to sign in with its
//! passkey) and a responder's session with 403: the desk is for issuers and admins.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::store::{Role, SessionState};

const FILES: [(&str, &str, &[u8]); 4] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("www/index.html"),
    ),
    (
        "desk.js",
        "text/javascript; charset=utf-8",
        include_bytes!("www/desk.js"),
    ),
    (
        "desk.css",
        "text/css; charset=utf-8",
        include_bytes!("www/desk.css"),
    ),
    ("card-font.ttf", "font/ttf", helpcard_font::BIZ_UD_GOTHIC),
];

/// A responder's session (signed in, active, below issuer): refused here.
fn is_responder(app: &App, headers: &HeaderMap) -> bool {
    let Ok(Some(token)) = crate::app::session_token(headers) else {
        return false;
    };
    matches!(
        app.store.session(&token, crate::http::now(), app.config.idle_secs, app.config.session_secs),
        Ok(SessionState::Active(p)) if p.role < Role::Issuer
    )
}

/// `GET /desk/` and `GET /desk/{file}`.
pub async fn file(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    path: Option<Path<String>>,
) -> Response {
    let name = path.map_or_else(|| "index.html".to_owned(), |Path(p)| p);
    if app.desk.is_none() {
        return (StatusCode::NOT_FOUND, "no issuing desk").into_response();
    }
    if name == "index.html" && is_responder(&app, &headers) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><html lang=\"ja\"><title>発行窓口</title><p>発行窓口は職員用です。/ The issuing desk is for office staff.</p></html>",
        )
            .into_response();
    }
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, bytes)) => {
            let mut response = bytes.to_vec().into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
