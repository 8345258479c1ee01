//! The desk's API (`/api/desk/…`): every route checks the person's role first, and every
//! action is an audit row (kinds `desk_issue`, `desk_consent`, `desk_print`, `desk_revoke`,
//! `desk_publish`, `desk_batch`, `key_unlock`, `key_lock`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use helpcard_core::card;
use helpcard_core::date::UnixTime;
use helpcard_core::keys::SigningKey;
use helpcard_core::refusal::Refusal;
use helpcard_core::trust::CardId;
use helpcard_core::vocab::{Category, Lang};
use helpcard_office::OfficeError;
use helpcard_office::files::Staged;
use helpcard_office::issue::{self, Issuing, Signed};
use helpcard_office::layout::{self, Layout};
use helpcard_office::pdf::Document;
use helpcard_office::registry::{Listed, Registry};
use rand_core::OsRng;
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{self, CardForm, Problem};
use super::key::KeyState;
use super::{Desk, Handout, HandoutFile};
use crate::app::App;
use crate::http::{ApiError, body, now};
use crate::store::{Person, Role};

/// The reader's language (`?lang=ja|en|easy-ja`; Japanese by default).
#[derive(Deserialize, Default)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

impl LangQuery {
    /// The language asked for.
    pub fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or_default()
    }
}

fn refuse(status: StatusCode, refusal: Refusal, log: impl Into<String>) -> ApiError {
    ApiError::new(status, refusal, log)
}

/// The signed-in person if their role is at least `role`, with the desk.
pub fn staff<'a>(
    app: &'a App,
    headers: &HeaderMap,
    role: Role,
) -> Result<(Person, &'a Desk), ApiError> {
    let person = app.person(headers, None)?;
    if person.role < role {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            Refusal::RoleRefused,
            format!("{} may not use the issuing desk", person.role.code()),
        ));
    }
    let desk = app.desk.as_ref().ok_or_else(|| {
        refuse(
            StatusCode::NOT_FOUND,
            Refusal::NoDesk,
            "this service runs no issuing desk (--issuer-key)",
        )
    })?;
    Ok((person, desk))
}

fn internal(e: OfficeError) -> ApiError {
    ApiError::internal(e)
}

fn key_json(state: KeyState) -> Value {
    match state {
        KeyState::Locked => json!({ "state": "locked" }),
        KeyState::Unlocked { since, until } => json!({
            "state": "unlocked",
            "since": UnixTime(since).to_iso8601(),
            "until": (until < u64::MAX).then(|| UnixTime(until).to_iso8601()),
        }),
    }
}

/// `GET /api/desk/me`: who is at the desk, and the key's state.
pub async fn me(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Issuer)?;
    Ok(axum::Json(json!({
        "name": person.name,
        "role": person.role.code(),
        "issuer_id": desk.config.issuer_id,
        "issuer_name": desk.config.issuer_name,
        "renewal_days": desk.config.renewal_days,
        "key": key_json(desk.key.state(now())),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Unlock {
    passphrase: zeroize::Zeroizing<String>,
}

/// `POST /api/desk/key/unlock` (admin): unlocks the issuer key for the day.
pub async fn unlock(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Admin)?;
    let req: Unlock = body(&bytes)?;
    // Argon2id takes a moment: off the async workers.
    let app2 = app.clone();
    let result = tokio::task::spawn_blocking(move || {
        app2.desk
            .as_ref()
            .map(|d| d.key.unlock(&req.passphrase, now()))
    })
    .await
    .map_err(ApiError::internal)?;
    match result {
        Some(Ok(())) => {
            app.audit("key_unlock", &person.name, None, "granted", "")?;
            Ok(axum::Json(json!({ "key": key_json(desk.key.state(now())) })).into_response())
        }
        Some(Err(e)) => {
            app.audit("key_unlock", &person.name, None, "refused", e.code())?;
            Err(refuse(
                StatusCode::FORBIDDEN,
                Refusal::WrongPassphrase,
                "the issuer key's passphrase is wrong",
            ))
        }
        None => Err(ApiError::internal("the desk went away")),
    }
}

/// `POST /api/desk/key/lock` (admin): locks the issuer key now.
pub async fn lock(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Admin)?;
    if desk.key.lock() {
        app.audit("key_lock", &person.name, None, "granted", "by_hand")?;
    }
    Ok(axum::Json(json!({ "key": key_json(KeyState::Locked) })).into_response())
}

/// `?q=…&category=…`.
#[derive(Deserialize)]
pub struct VocabQuery {
    q: String,
    #[serde(default)]
    category: Option<String>,
}

fn category_code(c: Category) -> &'static str {
    match c {
        Category::Help => "help",
        Category::Condition => "condition",
        Category::MedicalCare => "medical_care",
        Category::Relation => "relation",
        _ => "other",
    }
}

/// `GET /api/desk/vocab?q=…&category=…`: vocabulary entries whose key or label in any
/// language holds the words (case and width of Latin letters ignored).
pub async fn vocab(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<VocabQuery>,
) -> Result<Response, ApiError> {
    staff(&app, &headers, Role::Issuer)?;
    let needle = q.q.trim().to_lowercase();
    let mut found = Vec::new();
    for category in Category::ALL {
        if q.category
            .as_deref()
            .is_some_and(|c| c != category_code(category))
        {
            continue;
        }
        for e in category.entries() {
            let hit = needle.is_empty()
                || [e.key, e.ja, e.en, e.easy_ja]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&needle));
            if hit {
                found.push(json!({
                    "category": category_code(category), "code": e.code, "key": e.key,
                    "ja": e.ja, "en": e.en, "easy_ja": e.easy_ja,
                }));
            }
        }
    }
    found.truncate(40);
    Ok(axum::Json(json!({ "entries": found })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Miss {
    need: String,
}

/// `POST /api/desk/miss`: a need the vocabulary had no code for (counted by need).
pub async fn miss(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    staff(&app, &headers, Role::Issuer)?;
    let req: Miss = body(&bytes)?;
    app.store
        .count_miss(&req.need, now())
        .map_err(ApiError::internal)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/desk/misses`: the needs most asked for without a code (for the vocabulary's next
/// version).
pub async fn misses(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    staff(&app, &headers, Role::Issuer)?;
    let rows = app.store.misses().map_err(ApiError::internal)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(need, count)| json!({ "need": need, "count": count }))
        .collect();
    Ok(axum::Json(json!({ "misses": rows })).into_response())
}

fn form_invalid(problems: Vec<Problem>) -> ApiError {
    refuse(
        StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::FormInvalid,
        "the form has problems",
    )
    .with(json!({ "problems": problems }))
}

/// `POST /api/desk/measure`: the size meter and the front as it prints, or the form's
/// problems.
pub async fn measure(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(lang): Query<LangQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (_, desk) = staff(&app, &headers, Role::Issuer)?;
    let form: CardForm = body(&bytes)?;
    let now = UnixTime(now());
    let profile = form
        .profile(now.date(), lang.lang())
        .map_err(form_invalid)?;
    let issuer = form::Issuer {
        responder: &desk.config.responder,
        prefix: &desk.config.prefix,
        name: &desk.config.issuer_name,
    };
    let meter = form::meter(&profile, &issuer, form.layout(), now, lang.lang())
        .map_err(ApiError::internal)?;
    Ok(axum::Json(meter).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Consent {
    /// Who confirmed what goes on the card: `holder`, `guardian` or `representative`.
    by: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueRequest {
    form: CardForm,
    consent: Consent,
    /// The card this one replaces (lost, or renewed): revoked as replaced at once.
    #[serde(default)]
    replaces: Option<String>,
}

/// The card PDF (in `layout`), the holder's copy, the lock-screen image and the card's text.
fn handout_files(
    signed: &Signed,
    profile: &helpcard_core::profile::Profile,
    issuer_name: &str,
    layout: Layout,
) -> Result<Vec<HandoutFile>, OfficeError> {
    let font = helpcard_font::BIZ_UD_GOTHIC;
    let (card_id, expires) = (signed.card_id(), signed.record.expires_at);
    let mut card = Document::new(font)?;
    card.card_pages(
        &layout::face(profile, &signed.symbol, issuer_name, card_id, expires),
        layout,
    );
    // The holder's copy in the card's language, and in やさしい日本語 too.
    let mut copy = Document::new(font)?;
    let (title, lines) = layout::holder_copy(profile, issuer_name, card_id, expires);
    copy.text_pages(&title, &lines);
    if profile.lang() != Lang::EasyJa {
        let (title, lines) =
            layout::holder_copy_in(profile, issuer_name, card_id, expires, Lang::EasyJa);
        copy.text_pages(&title, &lines);
    }
    let face = layout::face(profile, &signed.symbol, issuer_name, card_id, expires);
    let phone = helpcard_office::phone::image(&copy, font, &face)?;
    let file = |name, content_type, bytes| HandoutFile {
        name,
        content_type,
        bytes: zeroize::Zeroizing::new(bytes),
    };
    Ok(vec![
        file("card.pdf", "application/pdf", card.finish()?),
        file("holder.pdf", "application/pdf", copy.finish()?),
        file("phone.png", "image/png", phone),
        file(
            "card.txt",
            "text/plain; charset=utf-8",
            signed.text.clone().into_bytes(),
        ),
    ])
}

/// Signs and serves the issuer's next revocation list at once (the service reads it again).
fn publish(app: &App, desk: &Desk, key: &SigningKey, actor: &str) -> Result<u64, ApiError> {
    let now = now();
    let held = app.lists.held();
    let served = held
        .revocations
        .floors()
        .get(&desk.config.issuer_id)
        .cloned();
    let path = desk.config.list_file.clone();
    let published = desk
        .registry()
        .publish(
            key,
            &desk.config.issuer_id,
            desk.config.next_update_days,
            None,
            served.as_ref(),
            UnixTime(now),
            |bytes| {
                // Whole or not at all: the service may read the directory at any moment.
                let tmp = path.with_extension("cbor.tmp");
                std::fs::write(&tmp, bytes)
                    .and_then(|()| std::fs::rename(&tmp, &path))
                    .map_err(OfficeError::file(&path))
            },
        )
        .map_err(internal)?;
    let problems = app.lists.reload(now);
    if !problems.is_empty() {
        eprintln!(
            "helpcard-server: lists after publishing: {}",
            problems.join("; ")
        );
    }
    app.audit(
        "desk_publish",
        actor,
        None,
        "granted",
        &format!(
            "counter={} revoked={}",
            published.counter, published.revoked
        ),
    )?;
    Ok(published.counter)
}

/// Who confirmed what goes on the card: the holder, family or a guardian, a representative;
/// anything else is no consent.
fn confirmed(by: &str) -> Result<(), ApiError> {
    match by {
        "holder" | "guardian" | "representative" => Ok(()),
        _ => Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::ConsentMissing,
            "consent: holder, guardian or representative",
        )),
    }
}

/// The desk's issuing run with the unlocked `key` at `now`.
fn issuing<'a>(config: &'a super::DeskConfig, key: &'a SigningKey, now: u64) -> Issuing<'a> {
    Issuing {
        key,
        issuer_id: &config.issuer_id,
        responder: Some(&config.responder),
        prefix: &config.prefix,
        validity: issue::validity(UnixTime(now), config.valid_years),
    }
}

fn locked() -> ApiError {
    refuse(
        StatusCode::LOCKED,
        Refusal::IssuerKeyLocked,
        "the issuer key is locked: an admin unlocks it on the desk",
    )
}

/// `POST /api/desk/issue`: consent, sign, register, and the card's files handed out. With
/// `replaces`, the old card is revoked as replaced in the same transaction and the revocation
/// list is published at once.
pub async fn issue(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(lang): Query<LangQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Issuer)?;
    let req: IssueRequest = body(&bytes)?;
    let lang = lang.lang();
    let now = now();
    let profile = req
        .form
        .profile(UnixTime(now).date(), lang)
        .map_err(form_invalid)?;
    let notify = req.form.notify(&profile, lang).map_err(form_invalid)?;
    confirmed(&req.consent.by)?;
    let config = &desk.config;
    let outcome = desk.key.with(now, |key| -> Result<Value, ApiError> {
        let issuing = issuing(config, key, now);
        let mut signed = issuing
            .sign(&profile, req.form.holder_ref.trim(), &mut OsRng)
            .map_err(|e| match e {
                OfficeError::TooLarge { version } => refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Refusal::CardTooLarge,
                    format!("QR version {version}"),
                )
                .with(json!({ "version": version })),
                e if e.is_about_the_profile() => form_invalid(vec![Problem {
                    field: String::new(),
                    message: e.message(lang),
                }]),
                e => internal(e),
            })?;
        signed.record.notify = notify.clone();
        let files = handout_files(&signed, &profile, &config.issuer_name, req.form.layout())
            .map_err(internal)?;
        let card_id = signed.card_id().to_hex();
        let registered = issue::register(
            &mut desk.registry(),
            vec![(signed.record.clone(), Staged::default())],
            req.replaces.as_deref(),
            UnixTime(now),
        );
        match registered {
            Ok(_) => {}
            Err(OfficeError::ReplacedNotRegistered(id)) => {
                return Err(refuse(
                    StatusCode::NOT_FOUND,
                    Refusal::NotRegistered,
                    format!("{id}: not in the registry"),
                ));
            }
            Err(e) => return Err(internal(e)),
        }
        let card = Some((card_id.as_str(), Some(config.issuer_id.as_str())));
        app.audit(
            "desk_consent",
            &person.name,
            card,
            "granted",
            &format!("by={}", req.consent.by),
        )?;
        let detail = match &req.replaces {
            Some(old) => format!("version={} replaces={old}", signed.symbol.version),
            None => format!("version={}", signed.symbol.version),
        };
        app.audit("desk_issue", &person.name, card, "granted", &detail)?;
        let counter = match &req.replaces {
            Some(_) => Some(publish(&app, desk, key, &person.name)?),
            None => None,
        };
        let token = desk.handouts.put(
            Handout {
                owner: person.id,
                card_id: card_id.clone(),
                expires: Desk::handout_expiry(now),
                files,
            },
            now,
        );
        Ok(json!({
            "card_id": card_id,
            "version": signed.symbol.version,
            "handout": token,
            "files": ["card.pdf", "holder.pdf", "phone.png", "card.txt"],
            "published": counter,
        }))
    });
    match outcome {
        Some(result) => Ok(axum::Json(result?).into_response()),
        None => Err(locked()),
    }
}

/// `GET /api/desk/handout/{token}/{file}`: a file of a card just issued, for who issued it.
pub async fn handout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path((token, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Issuer)?;
    let (card_id, content_type, bytes) = desk
        .handouts
        .get(&token, &name, person.id, now())
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, Refusal::NotFound, "no such handout"))?;
    if name == "card.pdf" {
        app.audit(
            "desk_print",
            &person.name,
            Some((card_id.as_str(), Some(desk.config.issuer_id.as_str()))),
            "granted",
            "",
        )?;
    }
    let mut response = (StatusCode::OK, bytes.to_vec()).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"helpcard-{card_id}-{name}\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// `?q=…&status=…`.
#[derive(Deserialize, Default)]
pub struct CardsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
}

/// A card's status at `now`: `revoked`, `expired`, `expiring` (within `renewal_days`) or
/// `valid`.
fn status(card: &Listed, now: u64, renewal_days: u64) -> &'static str {
    if card.status == "revoked" {
        "revoked"
    } else if card.expires_at.0 <= now {
        "expired"
    } else if card.expires_at.0 <= now + renewal_days * 86_400 {
        "expiring"
    } else {
        "valid"
    }
}

fn card_json(card: &Listed, now: u64, renewal_days: u64) -> Value {
    json!({
        "card_id": card.card_id,
        "holder_ref": card.holder,
        "issued": card.issued_at.date().to_string(),
        "expires": card.expires_at.date().to_string(),
        "status": status(card, now, renewal_days),
        "reason": card.reason,
        "replaced_by": card.replaced_by,
        "paused": card.paused_at.map(|t| t.to_iso8601()),
    })
}

fn matching(desk: &Desk, q: &CardsQuery, now: u64) -> Result<Vec<Listed>, ApiError> {
    let needle = q.q.trim().to_lowercase();
    let cards = desk.registry().cards(None).map_err(internal)?;
    Ok(cards
        .into_iter()
        .rev()
        .filter(|c| {
            needle.is_empty()
                || c.holder.to_lowercase().contains(&needle)
                || c.card_id.starts_with(&needle)
        })
        .filter(|c| q.status.is_empty() || status(c, now, desk.config.renewal_days) == q.status)
        .take(500)
        .collect())
}

/// `GET /api/desk/cards?q=…&status=…`: the registry, newest first.
pub async fn cards(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<CardsQuery>,
) -> Result<Response, ApiError> {
    let (_, desk) = staff(&app, &headers, Role::Issuer)?;
    let now = now();
    let rows: Vec<Value> = matching(desk, &q, now)?
        .iter()
        .map(|c| card_json(c, now, desk.config.renewal_days))
        .collect();
    Ok(axum::Json(json!({ "cards": rows })).into_response())
}

/// `GET /api/desk/cards/{id}`: one card and its history (the audit rows that name it).
pub async fn card(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (_, desk) = staff(&app, &headers, Role::Issuer)?;
    let card = desk.registry().card(&id).map_err(|_| {
        refuse(
            StatusCode::NOT_FOUND,
            Refusal::NotRegistered,
            "not in the registry",
        )
    })?;
    let rows = app
        .audit
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .rows_for_card(&card.card_id)
        .map_err(ApiError::internal)?;
    let history: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "at": UnixTime(r.event.at).to_iso8601(),
                "kind": r.event.kind, "actor": r.event.actor,
                "result": r.event.result, "detail": r.event.detail,
            })
        })
        .collect();
    let told: Vec<Value> = desk
        .registry()
        .notify_to(&card.card_id)
        .map_err(internal)?
        .into_iter()
        .map(|n| json!({ "address": n.address, "lang": n.lang.code() }))
        .collect();
    let mut out = card_json(&card, now(), desk.config.renewal_days);
    out["history"] = Value::Array(history);
    out["notify"] = Value::Array(told);
    Ok(axum::Json(out).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeRequest {
    reason: String,
}

/// `POST /api/desk/cards/{id}/revoke`: revokes a card and publishes the list at once (so the
/// key is needed); a reissue follows with `replaces` on the form.
pub async fn revoke(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let req: RevokeRequest = body(&bytes)?;
    let reason: String = req.reason.trim().chars().take(40).collect();
    change_and_publish(&app, &headers, "desk_revoke", &reason, |registry, now| {
        registry.revoke(&id, &reason, now)
    })
}

/// One change to a registered card (`change`), audited as `kind` with `detail`, and the
/// issuer's list published at once, so the key service and scanners follow: the issuer key
/// must be unlocked.
fn change_and_publish(
    app: &App,
    headers: &HeaderMap,
    kind: &str,
    detail: &str,
    change: impl FnOnce(&Registry, UnixTime) -> Result<CardId, OfficeError>,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(app, headers, Role::Issuer)?;
    let now = now();
    let outcome = desk.key.with(now, |key| -> Result<u64, ApiError> {
        let card_id = change(&desk.registry(), UnixTime(now))
            .map_err(card_refusal)?
            .to_hex();
        app.audit(
            kind,
            &person.name,
            Some((card_id.as_str(), Some(desk.config.issuer_id.as_str()))),
            "granted",
            detail,
        )?;
        publish(app, desk, key, &person.name)
    });
    match outcome {
        Some(counter) => Ok(axum::Json(json!({ "published": counter? })).into_response()),
        None => Err(locked()),
    }
}

/// A registry refusal about one card: 409 revoked, 404 not registered.
fn card_refusal(e: OfficeError) -> ApiError {
    match e {
        OfficeError::AlreadyRevoked(_) => refuse(
            StatusCode::CONFLICT,
            Refusal::AlreadyRevoked,
            "already revoked",
        ),
        OfficeError::NotRegistered(_) | OfficeError::BadCardId(_) => refuse(
            StatusCode::NOT_FOUND,
            Refusal::NotRegistered,
            "not in the registry",
        ),
        e => internal(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseRequest {
    paused: bool,
}

/// `POST /api/desk/cards/{id}/pause` `{"paused": true|false}`: pauses (or resumes)
/// responders' access to a card's private part at the holder's wish, and publishes the list
/// at once (so the key is needed): the key service refuses its unwrap from then on, and
/// scanners learn it from the list. Nothing is reprinted.
pub async fn pause(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let req: PauseRequest = body(&bytes)?;
    let kind = if req.paused {
        "desk_pause"
    } else {
        "desk_resume"
    };
    change_and_publish(&app, &headers, kind, "", |registry, now| {
        registry.set_paused(&id, req.paused, now)
    })
}

/// `?days=…`.
#[derive(Deserialize, Default)]
pub struct RenewalQuery {
    #[serde(default)]
    days: Option<u64>,
}

/// Active cards expiring within `days` (the desk's setting by default), soonest first.
fn renewals(desk: &Desk, days: Option<u64>, now: u64) -> Result<Vec<Listed>, ApiError> {
    let days = days.unwrap_or(desk.config.renewal_days).min(3660);
    let mut due: Vec<Listed> = desk
        .registry()
        .cards(None)
        .map_err(internal)?
        .into_iter()
        .filter(|c| c.status == "active" && c.expires_at.0 <= now + days * 86_400)
        .collect();
    due.sort_by_key(|c| c.expires_at.0);
    Ok(due)
}

/// `GET /api/desk/renewals?days=…`: the renewal queue.
pub async fn renewal_queue(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<RenewalQuery>,
) -> Result<Response, ApiError> {
    let (_, desk) = staff(&app, &headers, Role::Issuer)?;
    let now = now();
    let rows: Vec<Value> = renewals(desk, q.days, now)?
        .iter()
        .map(|c| card_json(c, now, desk.config.renewal_days))
        .collect();
    Ok(axum::Json(json!({ "cards": rows })).into_response())
}

/// A CSV field (RFC 4180), a leading `=`, `+`, `-` or `@` quoted with `'` so a spreadsheet
/// does not run it.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `GET /api/desk/renewals.csv?days=…`: the renewal queue as CSV (UTF-8 with a BOM, which
/// spreadsheets in Japan need to read it as UTF-8).
pub async fn renewal_csv(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<RenewalQuery>,
) -> Result<Response, ApiError> {
    let (_, desk) = staff(&app, &headers, Role::Issuer)?;
    let mut out = String::from("\u{feff}card_id,holder_ref,issued,expires\r\n");
    for c in renewals(desk, q.days, now())? {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            c.card_id,
            csv_field(&c.holder),
            c.issued_at.date(),
            c.expires_at.date()
        ));
    }
    let mut response = out.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"helpcard-renewals.csv\""),
    );
    Ok(response)
}

/// `?by=…&layout=…&lang=…`.
#[derive(Deserialize)]
pub struct BatchQuery {
    by: String,
    #[serde(default)]
    layout: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchRequest {
    csv: String,
}

/// `POST /api/desk/batch?by=…`: the rows of a CSV table (`helpcard batch`'s columns) issued
/// together. Every row is checked (and signed) first; if any row has a problem nothing is
/// issued and every row's problems are answered, so the office fixes the table and sends it
/// again rather than tracking which half went through. The cards are registered in one
/// transaction; their A4 sheets are handed out as one PDF.
pub async fn batch(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<BatchQuery>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Issuer)?;
    let req: BatchRequest = body(&bytes)?;
    let lang = LangQuery { lang: q.lang }.lang();
    confirmed(&q.by)?;
    let now = now();
    let rows = helpcard_office::table::read(req.csv.as_bytes(), UnixTime(now).date(), lang)
        .map_err(|e| {
            form_invalid(vec![Problem {
                field: "csv".into(),
                message: e.message(lang),
            }])
        })?;
    let layout = CardForm::layout_named(q.layout.as_deref());
    let config = &desk.config;
    let outcome = desk.key.with(now, |key| -> Result<Value, ApiError> {
        let issuing = issuing(config, key, now);
        let mut report = Vec::new();
        let mut signed = Vec::new();
        for row in &rows {
            let result = match &row.profile {
                Err(problems) => Err(problems.clone()),
                Ok(p) => issuing
                    .sign(p, &row.holder, &mut OsRng)
                    .map(|mut s| {
                        s.record.notify = row.notify.clone();
                        (p, s)
                    })
                    .map_err(|e| vec![e.message(lang)]),
            };
            report.push(json!({
                "line": row.line,
                "holder_ref": row.holder,
                "problems": result.as_ref().err(),
            }));
            if let Ok(ok) = result {
                signed.push(ok);
            }
        }
        if signed.len() < rows.len() {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                Refusal::FormInvalid,
                "rows with problems: nothing issued",
            )
            .with(json!({ "rows": report })));
        }
        let cards = signed
            .iter()
            .map(|(_, s)| (s.record.clone(), Staged::default()))
            .collect();
        issue::register(&mut desk.registry(), cards, None, UnixTime(now)).map_err(internal)?;
        let mut doc = Document::new(helpcard_font::BIZ_UD_GOTHIC).map_err(internal)?;
        let faces: Vec<_> = signed
            .iter()
            .map(|(p, s)| {
                layout::face(
                    p,
                    &s.symbol,
                    &config.issuer_name,
                    s.card_id(),
                    s.record.expires_at,
                )
            })
            .collect();
        doc.sheets(&faces, layout);
        let sheets = doc.finish().map_err(internal)?;
        for (_, s) in &signed {
            let id = s.card_id().to_hex();
            let card = Some((id.as_str(), Some(config.issuer_id.as_str())));
            app.audit(
                "desk_consent",
                &person.name,
                card,
                "granted",
                &format!("by={}", q.by),
            )?;
            app.audit("desk_issue", &person.name, card, "granted", "batch")?;
        }
        app.audit(
            "desk_batch",
            &person.name,
            None,
            "granted",
            &format!("cards={}", signed.len()),
        )?;
        let token = desk.handouts.put(
            Handout {
                owner: person.id,
                card_id: "batch".into(),
                expires: Desk::handout_expiry(now),
                files: vec![HandoutFile {
                    name: "sheets.pdf",
                    content_type: "application/pdf",
                    bytes: zeroize::Zeroizing::new(sheets),
                }],
            },
            now,
        );
        Ok(json!({ "issued": signed.len(), "rows": report, "handout": token }))
    });
    match outcome {
        Some(result) => Ok(axum::Json(result?).into_response()),
        None => Err(locked()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReprintRequest {
    card: String,
}

/// `POST /api/desk/reprint?layout=…`: a registered card printed again from its QR text (JSON
/// `{"card"}`) or from a picture of its code (the body an `image/png` or `image/jpeg`: the old
/// card, or the holder's lock-screen image). The card is verified as a scanner verifies it (a
/// revoked or expired card is not printed again); its public part and code are printed as they
/// are, with the lock-screen image. The private part is not read: no holder's copy.
pub async fn reprint(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<BatchLayout>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let (person, desk) = staff(&app, &headers, Role::Issuer)?;
    let is_image = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("image/"));
    let no_card = || {
        refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::NoCardFound,
            "no help card's QR code in the picture",
        )
    };
    let text = if is_image {
        let frame = helpcard_qr::decode_luma(&bytes).map_err(|_| no_card())?;
        let image = frame.image().map_err(|_| no_card())?;
        helpcard_qr::find_card_text(&image, helpcard_qr::Effort::Thorough)
            .ok()
            .flatten()
            .ok_or_else(no_card)?
    } else {
        body::<ReprintRequest>(&bytes)?.card
    };
    let now = now();
    let held = app.lists.held();
    let opened = card::open_text(
        &text,
        &held.trust,
        UnixTime(now),
        None,
        Some(&held.revocations),
    )
    .map_err(|e| {
        let status = match helpcard_core::view::Verdict::of_error(&e) {
            helpcard_core::view::Verdict::Expired | helpcard_core::view::Verdict::Revoked => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::card(status, &e)
    })?;
    let card_id = opened.card_id.to_hex();
    desk.registry().card(&card_id).map_err(|_| {
        refuse(
            StatusCode::NOT_FOUND,
            Refusal::NotRegistered,
            "not in the registry",
        )
    })?;
    let symbol = helpcard_qr::card_symbol(&text).map_err(ApiError::internal)?;
    let profile = helpcard_core::profile::Profile {
        public: opened.public.clone(),
        private: None,
    };
    let font = helpcard_font::BIZ_UD_GOTHIC;
    let issuer_name = &desk.config.issuer_name;
    let face = layout::face(
        &profile,
        &symbol,
        issuer_name,
        opened.card_id,
        opened.expires_at,
    );
    let mut doc = Document::new(font).map_err(internal)?;
    let phone = helpcard_office::phone::image(&doc, font, &face).map_err(internal)?;
    doc.card_pages(&face, CardForm::layout_named(q.layout.as_deref()));
    let files = vec![
        HandoutFile {
            name: "card.pdf",
            content_type: "application/pdf",
            bytes: zeroize::Zeroizing::new(doc.finish().map_err(internal)?),
        },
        HandoutFile {
            name: "phone.png",
            content_type: "image/png",
            bytes: zeroize::Zeroizing::new(phone),
        },
    ];
    let card = Some((card_id.as_str(), Some(desk.config.issuer_id.as_str())));
    app.audit("desk_reprint", &person.name, card, "granted", "")?;
    let token = desk.handouts.put(
        Handout {
            owner: person.id,
            card_id: card_id.clone(),
            expires: Desk::handout_expiry(now),
            files,
        },
        now,
    );
    Ok(axum::Json(json!({
        "card_id": card_id,
        "handout": token,
        "files": ["card.pdf", "phone.png"],
    }))
    .into_response())
}

/// `?layout=…`.
#[derive(Deserialize, Default)]
pub struct BatchLayout {
    #[serde(default)]
    layout: Option<String>,
}
