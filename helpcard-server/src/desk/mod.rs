//! The issuing desk: welfare staff make, print, revoke and reissue cards in the browser, with
//! the holder beside them deciding what goes on the card. The desk is a room of the key service
//! (its people, passkeys, audit log) over the office's library (`helpcard-office`: the registry,
//! the issue step, the layouts and PDFs); its pages are at `/desk/`, its API at `/api/desk/`.
//!
//! - Issuers (office staff) and admins use it; a responder's session is refused everywhere
//!   here ([`Refusal::RoleRefused`](helpcard_core::refusal::Refusal)).
//! - The issuer key is sealed at rest and unlocked by an admin for the day ([`key`]).
//! - Nothing is signed without a recorded consent; every action is an audit row.
//! - A card's files are handed out once from memory ([`Handouts`]); no card contents are
//!   stored. The registry keeps what `helpcard list` shows: holder reference, ids, dates, status.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use helpcard_core::keys::ResponderPublicKey;
use helpcard_office::registry::Registry;

pub mod form;
pub mod key;
pub mod openings;
pub mod page;
pub mod routes;

use key::IssuerKey;

/// A handout lives this long (seconds) before it is wiped.
const HANDOUT_SECS: u64 = 3600;

/// What a desk is set up with.
pub struct DeskConfig {
    /// The issuer id on the trust list.
    pub issuer_id: String,
    /// The office's name as printed on cards.
    pub issuer_name: String,
    /// The QR text's URL prefix (this service's web scanner).
    pub prefix: String,
    /// Years a card is valid.
    pub valid_years: u64,
    /// Cards expiring within this many days are in the renewal queue.
    pub renewal_days: u64,
    /// Days until scanners should expect the next revocation list.
    pub next_update_days: u64,
    /// The responder group key cards' private parts are encrypted to.
    pub responder: ResponderPublicKey,
    /// Where the desk writes the issuer's revocation list (a file the service reads as a list).
    pub list_file: PathBuf,
}

/// One file of a handout.
pub struct HandoutFile {
    /// Its name (`card.pdf`, `holder.pdf`, `phone.png`, `card.txt`).
    pub name: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes (wiped when the handout goes).
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
}

/// A card's files, held for the person who issued it until they are fetched or expire.
pub struct Handout {
    /// Who may fetch them.
    pub owner: i64,
    /// The card.
    pub card_id: String,
    /// Until when.
    pub expires: u64,
    /// The files.
    pub files: Vec<HandoutFile>,
}

/// Handouts by their random token.
#[derive(Default)]
pub struct Handouts(Mutex<HashMap<String, Handout>>);

impl Handouts {
    /// Holds `handout` (dropping expired ones); returns its token.
    pub fn put(&self, handout: Handout, now: u64) -> String {
        let token = crate::store::random_token();
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|_, h| h.expires > now);
        held.insert(token.clone(), handout);
        token
    }

    /// A copy of file `name` of handout `token`, for `owner`, with its card id.
    pub fn get(
        &self,
        token: &str,
        name: &str,
        owner: i64,
        now: u64,
    ) -> Option<(String, &'static str, zeroize::Zeroizing<Vec<u8>>)> {
        let held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let h = held
            .get(token)
            .filter(|h| h.owner == owner && h.expires > now)?;
        let f = h.files.iter().find(|f| f.name == name)?;
        Some((h.card_id.clone(), f.content_type, f.bytes.clone()))
    }
}

/// The desk's state.
pub struct Desk {
    /// Its settings.
    pub config: DeskConfig,
    /// The issuer key.
    pub key: IssuerKey,
    /// The office registry.
    pub registry: Mutex<Registry>,
    /// Files waiting to be fetched.
    pub handouts: Handouts,
}

impl Desk {
    /// A desk over `registry` signing with `key`.
    pub fn new(config: DeskConfig, key: IssuerKey, registry: Registry) -> Desk {
        Desk {
            config,
            key,
            registry: Mutex::new(registry),
            handouts: Handouts::default(),
        }
    }

    /// The registry (a panic while holding it leaves SQLite's transaction rolled back).
    pub fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When a handout made at `now` expires.
    pub fn handout_expiry(now: u64) -> u64 {
        now + HANDOUT_SECS
    }
}
