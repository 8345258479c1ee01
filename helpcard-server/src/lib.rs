//! The city's key service for helpcard responders.
//!
//! The responder group key never leaves this service. A responder signs in with a passkey
//! (WebAuthn); to open a card's private part the browser sends the card, the service verifies
//! it as any scanner does (signature, trust list, expiry, revocation), records who opened which
//! card, and returns that one card's 32-byte content key; the browser decrypts. Access is per
//! person and group, revocable at once, rate-limited and audited (`helpcard-audit`); the service
//! fails closed when its lists are not current.
//!
//! Modules, data flowing down: [`serve`] (connections) → [`routes`] (the router and the guard
//! in front of it, and the web scanner's files from [`assets`]) → the handlers: [`passkeys`]
//! (ceremonies, sessions), [`unwrap`] (content keys); over the service's state in [`app`], which
//! holds [`ceremony`] (passkey ceremonies under way),
//! [`store`] (people, invites, passkeys, sessions, allowances), [`keys`] (where the group key
//! lives), [`groups`] (which group may use which key), [`lists`] (trust and revocation lists,
//! read while running) and [`limits`] (bounds on clients without a session). [`http`] has what
//! every route shares; [`setup`] is start-up (data directory, audit log, the demo). [`desk`] is
//! the office's issuing desk, a room of its own over the same state.
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod app;
pub mod assets;
pub mod ceremony;
pub mod desk;
pub mod groups;
pub mod history;
pub mod http;
pub mod keys;
pub mod kiosks;
pub mod limits;
pub mod lists;
pub mod notices;
pub mod passkeys;
pub mod routes;
pub mod serve;
pub mod setup;
pub mod store;
pub mod unwrap;
