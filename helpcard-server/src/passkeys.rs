//! Passkey ceremonies (W3C WebAuthn Level 3): registration from an invite, sign-in, sign-out,
//! and the session cookie.
//!
//! Sign-in starts with a name. So that the answer does not tell anyone whether that name is a
//! responder (and which credentials they hold), a name that is unknown, revoked or without a
//! passkey gets the same answer as a real one: a challenge and credential ids derived from the
//! name with a secret of the service's (stable, as a real person's ids are). Its ceremony then
//! fails as a wrong passkey does.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use helpcard_core::refusal::Refusal;
use serde::Deserialize;
use serde_json::json;
use webauthn_rs::fake::{FakePasskeyDistribution, WebauthnFakeCredentialGenerator};
use webauthn_rs::prelude::{PublicKeyCredential, RegisterPublicKeyCredential, Uuid};
use webauthn_rs_proto::AllowCredentials;

use crate::app::{App, CEREMONY_SECS, COOKIE, MAX_CEREMONIES};
use crate::ceremony::Ceremony;
use crate::http::{ApiError, body, now};

fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Busy,
        "too many sign-ins are under way: try again in a minute",
    )
}

fn ceremony_gone() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        Refusal::CeremonyUnknown,
        "this sign-in or registration expired or was already used: start again",
    )
}

impl App {
    /// Keeps a started ceremony until its finish: in this process, or in the database when
    /// instances share one (the finish may reach another instance).
    fn start_ceremony(&self, c: Ceremony) -> Result<String, ApiError> {
        let id = crate::store::random_token();
        let kept = if self.store.database().is_postgres() {
            let state = serde_json::to_string(&c).map_err(ApiError::internal)?;
            self.store
                .put_ceremony(&id, &state, now(), MAX_CEREMONIES, CEREMONY_SECS)
                .map_err(ApiError::internal)?
        } else {
            self.ceremonies.insert(id.clone(), c, now())
        };
        if kept {
            Ok(id)
        } else {
            self.refusals.count("busy");
            Err(busy())
        }
    }

    /// The ceremony `id`, taken (a ceremony is finished once), if it is still held.
    fn take_ceremony(&self, id: &str) -> Result<Option<Ceremony>, ApiError> {
        if !self.store.database().is_postgres() {
            return Ok(self.ceremonies.take(id, now()));
        }
        let state = self
            .store
            .take_ceremony(id, now(), CEREMONY_SECS)
            .map_err(ApiError::internal)?;
        // A state this build cannot read (written by another version) is a ceremony gone.
        Ok(state.and_then(|s| serde_json::from_str(&s).ok()))
    }

    /// The credential ids a decoy sign-in shows for `name`: webauthn-rs's generator, keyed by a
    /// secret of the service's, gives lengths and counts as real passkeys have them, the same
    /// for the same name every time. (It gives some names none, as a service with password
    /// accounts would; here every person has a passkey, so such a name is drawn again.)
    fn decoy_ids(&self, name: &str) -> Result<Vec<Vec<u8>>, ApiError> {
        let secret = self
            .store
            .secret("decoy-credentials")
            .map_err(ApiError::internal)?;
        let generator =
            WebauthnFakeCredentialGenerator::<FakePasskeyDistribution>::new(&secret[..])
                .map_err(ApiError::internal)?;
        let mut seed = name.as_bytes().to_vec();
        loop {
            let ids = generator.generate(&seed).map_err(ApiError::internal)?;
            if !ids.is_empty() {
                return Ok(ids);
            }
            seed.push(0);
        }
    }
}

/// The session cookie: `__Host-` (Secure, Path=/, no Domain: only this origin over HTTPS can
/// set or read it; a loopback origin is a secure context for browsers), HttpOnly, SameSite=Strict.
pub fn session_cookie(token: &str, max_age: u64) -> String {
    format!("{COOKIE}={token}; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}")
}

#[derive(Deserialize)]
struct RegisterStart {
    invite: String,
}

pub(crate) async fn register_start(
    State(app): State<Arc<App>>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let req: RegisterStart = body(&bytes)?;
    let (name, _group) = app
        .store
        .invite(&req.invite, now())
        .map_err(ApiError::internal)?
        .ok_or_else(|| {
            app.refusals.count("invite_invalid");
            ApiError::new(
                StatusCode::GONE,
                Refusal::InviteInvalid,
                "this invite is unknown, used, withdrawn or expired: ask for a new one",
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
    })?;
    Ok(axum::Json(json!({ "ceremony": ceremony, "options": options })).into_response())
}

#[derive(Deserialize)]
struct Finish<C> {
    ceremony: String,
    credential: C,
}

pub(crate) async fn register_finish(
    State(app): State<Arc<App>>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let req: Finish<RegisterPublicKeyCredential> = body(&bytes)?;
    let Some(Ceremony::Register { code, uuid, state }) = app.take_ceremony(&req.ceremony)? else {
        app.refusals.count("ceremony_unknown");
        return Err(ceremony_gone());
    };
    let passkey = app
        .webauthn
        .finish_passkey_registration(&req.credential, &state)
        .map_err(|e| {
            app.refusals.count("passkey_refused");
            ApiError::new(
                StatusCode::BAD_REQUEST,
                Refusal::PasskeyRefused,
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
                Refusal::InviteInvalid,
                "this invite was used, withdrawn or expired meanwhile",
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

pub(crate) async fn signin_start(
    State(app): State<Arc<App>>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let req: SignInStart = body(&bytes)?;
    let person = app
        .store
        .person(&req.name)
        .map_err(ApiError::internal)?
        .filter(|p| p.active);
    let passkeys = match &person {
        Some(p) => app.store.passkeys(p).map_err(ApiError::internal)?,
        None => Vec::new(),
    };
    let (options, ceremony) = match person {
        Some(person) if !passkeys.is_empty() => {
            let (options, state) = app
                .webauthn
                .start_passkey_authentication(&passkeys)
                .map_err(ApiError::internal)?;
            (
                options,
                Ceremony::SignIn {
                    person,
                    state: Box::new(state),
                },
            )
        }
        _ => {
            // The same options a real person gets, with a stable made-up credential.
            let (mut options, _) = app
                .webauthn
                .start_passkey_authentication(&[])
                .map_err(ApiError::internal)?;
            options.public_key.allow_credentials = app
                .decoy_ids(&req.name)?
                .into_iter()
                .map(|id| AllowCredentials {
                    type_: "public-key".into(),
                    id,
                    transports: None,
                })
                .collect();
            (options, Ceremony::Decoy)
        }
    };
    let ceremony = app.start_ceremony(ceremony)?;
    Ok(axum::Json(json!({ "ceremony": ceremony, "options": options })).into_response())
}

fn passkey_refused(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        Refusal::PasskeyRefused,
        format!("the passkey did not verify: {detail}"),
    )
}

pub(crate) async fn signin_finish(
    State(app): State<Arc<App>>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let req: Finish<PublicKeyCredential> = body(&bytes)?;
    let (person, state) = match app.take_ceremony(&req.ceremony)? {
        Some(Ceremony::SignIn { person, state }) => (person, state),
        Some(Ceremony::Decoy) => {
            app.refusals.count("passkey_refused");
            return Err(passkey_refused("no such credential"));
        }
        _ => {
            app.refusals.count("ceremony_unknown");
            return Err(ceremony_gone());
        }
    };
    let result = match app
        .webauthn
        .finish_passkey_authentication(&req.credential, &state)
    {
        Ok(r) => r,
        Err(e) => {
            app.audit("sign_in", &person.name, None, "refused", "passkey")?;
            return Err(passkey_refused(e));
        }
    };
    // Revoked between start and finish: no session.
    let person = app
        .store
        .person(&person.name)
        .map_err(ApiError::internal)?
        .filter(|p| p.active)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::FORBIDDEN,
                Refusal::PersonRevoked,
                "access withdrawn",
            )
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
        [(
            header::SET_COOKIE,
            session_cookie(&token, app.config.session_secs),
        )],
        axum::Json(json!({ "name": person.name, "group": person.group })),
    )
        .into_response())
}

// The body is read (and ignored) so the connection can be kept alive.
pub(crate) async fn signout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    _body: Bytes,
) -> Result<Response, ApiError> {
    if let Ok(Some(token)) = crate::app::session_token(&headers) {
        app.store.end_session(&token).map_err(ApiError::internal)?;
    }
    Ok((
        [(header::SET_COOKIE, session_cookie("", 0))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

pub(crate) async fn me(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let person = app.person(&headers, None)?;
    Ok(axum::Json(json!({ "name": person.name, "group": person.group })).into_response())
}
