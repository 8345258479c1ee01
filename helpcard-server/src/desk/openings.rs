//! The desk's view of openings: a holder's opening history printed on request (APPI
//! disclosure; the same PDF as `helpcard-server audit card ID --pdf`), and an admin's review of
//! the openings worth a second look (as `helpcard-server audit review`).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use helpcard_core::date::UnixTime;
use helpcard_core::refusal::Refusal;
use helpcard_core::vocab::Lang;
use serde::Deserialize;
use serde_json::{Value, json};

use super::routes::staff;
use crate::app::App;
use crate::history::{self, ReviewRules};
use crate::http::{ApiError, now};
use crate::store::Role;

/// `GET /api/desk/cards/{id}/openings.pdf?lang=…`: every opening of all the cards of this
/// card's holder, as a PDF to print and hand over (Japanese, or English with `lang=en`, then
/// やさしい日本語). Printing it is an audit row.
pub async fn openings_pdf(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<super::routes::LangQuery>,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Issuer)?;
    let registry = desk.registry();
    let card = registry.card(&id).map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            Refusal::NotRegistered,
            "not in the registry",
        )
    })?;
    let cards: Vec<String> = registry
        .cards(Some(&card.holder))
        .map_err(ApiError::internal)?
        .into_iter()
        .map(|c| c.card_id)
        .collect();
    let rows = history::rows_of_cards(&app.audit.lock().unwrap_or_else(|e| e.into_inner()), &cards)
        .map_err(ApiError::internal)?;
    let openings = history::openings(&rows, |name| app.store.role_of(name));
    let lang = if q.lang() == Lang::En {
        Lang::En
    } else {
        Lang::Ja
    };
    let pdf = history::history_pdf(
        &cards,
        &openings,
        &app.notices,
        now(),
        lang,
        helpcard_font::BIZ_UD_GOTHIC,
    )
    .map_err(ApiError::internal)?;
    app.audit(
        "history_printed",
        &person.name,
        Some((card.card_id.as_str(), Some(desk.config.issuer_id.as_str()))),
        "granted",
        &history::printed_detail(&cards, openings.len()),
    )?;
    let mut response = pdf.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"openings-{}.pdf\"",
        card.card_id
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The review's settings from the query (the defaults of [`ReviewRules`] otherwise).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReviewQuery {
    /// `08:00-19:00`, or `none`.
    hours: Option<String>,
    per_hour: Option<usize>,
    days: Option<u64>,
}

/// `GET /api/desk/review` (admin): the openings of the last 31 days (or `days`) worth a second
/// look, newest first, each with why.
pub async fn review(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, ApiError> {
    staff(&app, &headers, Role::Admin)?;
    let mut rules = ReviewRules::default();
    if let Some(hours) = &q.hours {
        rules.hours = history::parse_hours(hours)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, Refusal::BadRequest, e))?;
    }
    rules.per_hour = q.per_hour.unwrap_or(rules.per_hour);
    let since = now().saturating_sub(q.days.unwrap_or(31) * 86_400);
    let rows = history::rows_since(&app.audit.lock().unwrap_or_else(|e| e.into_inner()), since)
        .map_err(ApiError::internal)?;
    let openings = history::openings(&rows, |name| app.store.role_of(name));
    let flagged: Vec<Value> = history::review(&openings, rules)
        .into_iter()
        .rev()
        .map(|(o, flags)| {
            json!({
                "at": UnixTime(o.at).to_iso8601(),
                "card_id": o.card_id,
                "person": o.person,
                "group": o.group,
                "reason": o.reason.as_ref().map(|r| json!({ "code": r.reason.code(), "text": r.text })),
                "flags": flags.iter().map(|f| f.code()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(axum::Json(json!({ "openings": flagged })).into_response())
}
