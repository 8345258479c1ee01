//! A passkey ceremony between its start and its finish (W3C WebAuthn Level 3 §7): what the
//! service keeps of it, held by [`App`](crate::app::App) and run by `passkeys`.

use webauthn_rs::prelude::{PasskeyAuthentication, PasskeyRegistration, Uuid};

use crate::store::Person;

/// An unfinished ceremony (kept as JSON in the database when instances share one).
#[derive(serde::Serialize, serde::Deserialize)]
pub enum Ceremony {
    /// Registering a passkey with an invite.
    Register {
        /// The invite code.
        code: String,
        /// The person's WebAuthn user handle.
        uuid: Uuid,
        /// The relying party's state.
        state: Box<PasskeyRegistration>,
    },
    /// Signing in.
    SignIn {
        /// Who.
        person: Person,
        /// The relying party's state.
        state: Box<PasskeyAuthentication>,
    },
    /// A sign-in for a name that cannot sign in: it fails at the finish.
    Decoy,
}
