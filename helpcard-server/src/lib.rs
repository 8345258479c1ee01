//! The city's key service for helpcard responders.
//!
//! The responder group key never leaves this service. A responder signs in with a passkey
//! (WebAuthn); to open a card's private part the browser sends the card, the service verifies
//! it as any scanner does (signature, trust list, expiry, revocation), records who opened which
//! card, and returns that one card's 32-byte content key; the browser decrypts. Access is per
//! person, revocable at once, rate-limited and audited (`helpcard-audit`).
//!
//! Modules: [`store`] (people, invites, passkeys, sessions), [`keys`] (where the group key
//! lives), [`app`] (the HTTP service), [`assets`] (the web scanner's files, compressed), [`setup`] (start-up: files, keys, the demo).
#![forbid(unsafe_code)]

pub mod app;
pub mod assets;
pub mod keys;
pub mod setup;
pub mod store;
