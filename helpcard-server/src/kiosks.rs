//! Kiosks' audit rows, forwarded to the key service so the office sees every opening in one
//! place and the holder is told of a kiosk's opening as of one through the web.
//!
//! `POST /api/kiosk/rows`: a [`Batch`] of a kiosk's rows, signed with its device key (the one
//! its checkpoints are signed with) in the `Helpcard-Signature` header. Kiosks are enrolled by
//! an admin (`helpcard-server enroll-kiosk`). Each row is mirrored into the service's own log
//! (`kiosk_<kind>`, actor `kiosk:<id>`, at the kiosk's time) in order and once: a row sent
//! again is skipped, a gap is refused with the row needed next (409 `rows_out_of_order`,
//! `through`), and a row whose hash is not its own is refused the same way. A `private_open`
//! row writes the holder's notices in its own transaction. The answer says how far the
//! service holds the kiosk's chain (`{"through": N}`), which is where the kiosk resumes.
//!
//! No cookie and no Origin: a kiosk is not a browser, and a signed body carries no ambient
//! authority another site could borrow.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use helpcard_audit::{AuditError, Batch, Event, MAX_DETAIL, Row, SIGNATURE_HEADER};
use helpcard_core::reason::Given;
use helpcard_core::refusal::Refusal;
use serde_json::json;

use crate::app::{App, truncated};
use crate::http::ApiError;
use crate::notices::{self, Opener};
use crate::store::Kiosk;

/// `POST /api/kiosk/rows`.
pub async fn rows(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let batch = Batch::parse(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, Refusal::BadRequest, e.to_string()))?;
    let actor = format!("kiosk:{}", truncated(&batch.source, 64));
    let refused = |log: String| {
        let error = ApiError::new(StatusCode::FORBIDDEN, Refusal::KioskNotEnrolled, log);
        app.audit("kiosk_rows", &actor, None, "refused", error.code())?;
        Err::<Response, ApiError>(error)
    };
    let kiosk = match app.store.kiosk(&batch.source).map_err(ApiError::internal)? {
        Some(k) if k.active => k,
        _ => return refused(format!("kiosk {} is not enrolled", batch.source)),
    };
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let rows = match batch.verify(&body, signature, &kiosk.public_key) {
        Ok(rows) => rows,
        Err(e) => return refused(e.to_string()),
    };
    // Rows the service already holds are skipped; each new one must continue the chain (a
    // concurrent batch from the same kiosk gets 409 and resumes from what the service holds).
    let (mut through, _) = app
        .audit
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .mirrored(&actor)
        .map_err(ApiError::internal)?;
    for row in &rows {
        if row.seq > through {
            mirror(&app, &kiosk, &actor, row)?;
            through = row.seq;
        }
    }
    Ok(axum::Json(json!({ "through": through })).into_response())
}

/// Takes one row, with the holder's notices for an opening.
fn mirror(app: &App, kiosk: &Kiosk, actor: &str, row: &Row) -> Result<(), ApiError> {
    let e = &row.event;
    let detail = format!("#{} group={} {}", row.seq, kiosk.group, e.detail);
    let event = Event {
        at: e.at,
        kind: format!("kiosk_{}", truncated(&e.kind, 40)),
        actor: actor.to_owned(),
        card_id: e.card_id.as_deref().map(|c| truncated(c, 16).to_owned()),
        issuer: e.issuer.as_deref().map(|i| truncated(i, 64).to_owned()),
        result: truncated(&e.result, 40).to_owned(),
        detail: truncated(&detail, MAX_DETAIL).to_owned(),
    };
    let mut messages = Vec::new();
    if let (true, Some(card), Some(reason)) = (
        e.kind == "private_open" && e.result == "granted",
        &event.card_id,
        Given::from_detail(&e.detail),
    ) {
        // A registry that fails fails the batch: the kiosk sends it again, no notice lost.
        let told = match &app.desk {
            Some(desk) => desk
                .registry()
                .notify_to(card)
                .map_err(ApiError::internal)?,
            None => Vec::new(),
        };
        messages = notices::messages(
            &app.notices,
            &told,
            card,
            Opener::Kiosk {
                group: &kiosk.group,
                id: &kiosk.id,
            },
            &reason,
            e.at,
        );
    }
    app.mirror(actor, row, &event, &messages)
        .map_err(|e| match e {
            AuditError::NotNext { expected } => ApiError::new(
                StatusCode::CONFLICT,
                Refusal::RowsOutOfOrder,
                format!("row {} is not the next; send from row {expected}", row.seq),
            )
            .with(json!({ "through": expected - 1 })),
            e => ApiError::internal(e),
        })
}
