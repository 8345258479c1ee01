//! `POST /api/unwrap`: one card's content key for a signed-in responder.
//!
//! The service verifies the card as any scanner does against the lists it holds, and fails
//! closed: no content key for a card whose issuer has no current revocation list here, or when
//! the trust list is out of date; none for a card encrypted to a key the person's group may not
//! use; none past the person's hourly allowance (counted in the database, so a restart does not
//! reset it). Every refusal after sign-in is an audit row naming the card (as the card states
//! it, where it could not be verified); the grant is written before the key leaves.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use helpcard_core::card;
use helpcard_core::date::UnixTime;
use helpcard_core::error::OpenError;
use helpcard_core::qrtext;
use helpcard_core::reason::{Given, ReasonError};
use helpcard_core::view::Verdict;
use serde::Deserialize;
use serde_json::json;

use crate::app::App;
use crate::http::{ApiError, body, now};
use crate::lists::Freshness;
use crate::notices;
use helpcard_core::refusal::Refusal;

#[derive(Deserialize)]
struct UnwrapRequest {
    /// The QR text (`PREFIX#digits`), or the card bytes in hex.
    card: String,
    /// Why the responder opens it.
    #[serde(default)]
    reason: Option<ReasonBody>,
}

#[derive(Deserialize)]
struct ReasonBody {
    /// `emergency_transport`, `welfare_check`, `facility_support` or `other`.
    code: String,
    /// For `other`: what it is, in a few words.
    #[serde(default)]
    text: String,
}

/// Verifies the card, checks the person, their group and allowance, records the opening, and
/// returns that one card's content key. The service never decrypts.
pub(crate) async fn unwrap(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let person = app.person(&headers, Some("unwrap"))?;
    let req: UnwrapRequest = body(&bytes)?;
    let card_bytes = if req.card.contains('#') {
        qrtext::decode(&req.card).map_err(OpenError::from)
    } else {
        hex::decode(req.card.trim()).map_err(|_| OpenError::BadCbor)
    };
    let held = app.lists.held();
    // The card as it states itself, for the audit row of a refusal before it is verified.
    let claimed = card_bytes.as_ref().ok().and_then(|b| card::claimed_id(b));
    let claimed_id = claimed.map(|(id, _)| id.to_hex());
    let claimed_issuer =
        claimed.and_then(|(_, kid)| held.trust.issuer(kid).map(|i| i.issuer.clone()));
    let named = claimed_id
        .as_deref()
        .map(|id| (id, claimed_issuer.as_deref()));
    let refuse = |error: ApiError, card: Option<(&str, Option<&str>)>| {
        app.audit("unwrap", &person.name, card, "refused", error.code())?;
        Err::<Response, ApiError>(error)
    };
    // Every opening says why: before anything else is checked or counted.
    let reason = req
        .reason
        .as_ref()
        .ok_or(ReasonError::Missing)
        .and_then(|r| Given::parse(&r.code, &r.text));
    let reason = match reason {
        Ok(r) => r,
        Err(e) => {
            return refuse(
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    Refusal::ReasonMissing,
                    e.to_string(),
                ),
                named,
            );
        }
    };
    let allowed = app
        .store
        .take_allowance(&person, now(), app.config.rate_per_hour)
        .map_err(ApiError::internal)?;
    if !allowed {
        return refuse(
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Refusal::RateLimited,
                format!(
                    "more than {} cards opened in the last hour: wait, or ask the issuing office",
                    app.config.rate_per_hour
                ),
            ),
            named,
        );
    }
    let opened = card_bytes.and_then(|b| {
        card::open(
            &b,
            &held.trust,
            UnixTime(now()),
            None,
            Some(&held.revocations),
        )
    });
    let opened = match opened {
        Ok(o) => o,
        Err(e) => {
            let status = match Verdict::of_error(&e) {
                Verdict::Expired | Verdict::Revoked => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return refuse(ApiError::card(status, &e), named);
        }
    };
    let card_id = opened.card_id.to_hex();
    let card = Some((card_id.as_str(), Some(opened.issuer.as_str())));
    match Freshness::of(&opened) {
        Freshness::Current => {}
        Freshness::NoList => {
            return refuse(
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Refusal::NoCurrentList,
                    format!(
                        "the service holds no revocation list for issuer {}: it cannot tell whether this card was revoked, so it gives out no key (the operator must publish the issuer's list)",
                        opened.issuer
                    ),
                )
                .with(json!({ "issuer": opened.issuer })),
                card,
            );
        }
        Freshness::OutOfDate => {
            return refuse(
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Refusal::ListOutOfDate,
                    "the service's trust list or this issuer's revocation list is past its next update: it gives out no key until a current list is published",
                )
                .with(json!({ "issuer": opened.issuer })),
                card,
            );
        }
    }
    // A key this service holds, which the person's group may not use (a key it does not hold
    // is `other_group` below).
    if let Some(recipient) = opened.recipient()
        && app.keys.key_ids().contains(&recipient.kid)
        && !app.config.groups.allows(&person.group, recipient.kid)
    {
        return refuse(
            ApiError::new(
                StatusCode::FORBIDDEN,
                Refusal::GroupNotAllowed,
                format!(
                    "this card's private part is for responder key {}, which group {} may not use",
                    recipient.kid, person.group
                ),
            ),
            card,
        );
    }
    let key = match app.keys.content_key(&opened) {
        Ok(k) => k,
        Err(OpenError::NoMatchingResponderKey(kid)) => {
            return refuse(
                ApiError::new(
                    StatusCode::FORBIDDEN,
                    Refusal::OtherGroup,
                    format!(
                        "this card's private part is for responder group {kid}, not this service's"
                    ),
                ),
                card,
            );
        }
        // Paused at the holder's wish (the issuer's list says so): the card stands, its
        // private part stays shut.
        Err(e @ OpenError::Paused) => {
            return refuse(
                ApiError::card(StatusCode::CONFLICT, &e).with(json!({ "verdict": "verified" })),
                card,
            );
        }
        Err(e) => {
            return refuse(ApiError::card(StatusCode::UNPROCESSABLE_ENTITY, &e), card);
        }
    };
    // Recorded before the key leaves: an opening that is not in the log does not happen.
    // The holder's chosen people are told, from the same transaction as the row.
    let told = match &app.desk {
        Some(desk) => desk
            .registry()
            .notify_to(&card_id)
            .map_err(ApiError::internal)?,
        None => Vec::new(),
    };
    let messages = notices::messages(
        &app.notices,
        &told,
        &card_id,
        notices::Opener::Person {
            group: &person.group,
            role: Some(person.role),
        },
        &reason,
        now(),
    );
    app.audit_with(
        "unwrap",
        &person.name,
        card,
        "granted",
        &format!("group={} {}", person.group, reason.detail()),
        &messages,
    )?;
    Ok(axum::Json(json!({
        "card_id": card_id,
        "issuer": opened.issuer,
        "content_key": hex::encode(key.as_bytes()),
    }))
    .into_response())
}
