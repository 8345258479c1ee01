//! The issue step every front end runs (the CLI's `issue`, `reissue`, `batch` and `demo`, and
//! the issuing desk): profile → signed card → its QR code, refused above [`MAX_VERSION`] → the
//! registry → the card's files, which get their names only once the registry has the card
//! ([`crate::files`]).

use helpcard_core::card::{self, Issued, Validity};
use helpcard_core::date::UnixTime;
use helpcard_core::keys::{ResponderPublicKey, SigningKey};
use helpcard_core::profile::Profile;
use helpcard_core::qrtext;
use helpcard_core::trust::CardId;
use helpcard_qr::Symbol;
use rand_core::CryptoRngCore;

use crate::error::OfficeError;
use crate::files::Staged;
use crate::registry::{Record, Registry};

/// Cards above this QR version (at level M, the version a card is printed at) are refused: too
/// fine to print on a card and scan.
pub const MAX_VERSION: u8 = 25;
/// Cards above this version are issued with a warning ([`Signed::is_large`]): older cameras may
/// fail to read them.
pub const WARN_VERSION: u8 = 20;
/// Validity is counted in years of 365 days.
const YEAR: u64 = 365 * 86_400;

/// What every card of one issuing run shares: who signs, for whom the private part is
/// encrypted, the card URL and the validity.
pub struct Issuing<'a> {
    /// The issuer's signing key.
    pub key: &'a SigningKey,
    /// The issuer id as on the trust list (recorded in the registry).
    pub issuer_id: &'a str,
    /// The responder group key the private part is encrypted to (none: public part only).
    pub responder: Option<&'a ResponderPublicKey>,
    /// The QR text's URL prefix (the web scanner's address).
    pub prefix: &'a str,
    /// When the cards are issued and expire.
    pub validity: Validity,
}

/// A card signed and its QR code chosen, within the version limit, not yet registered.
pub struct Signed {
    /// The card, with its size breakdown.
    pub issued: Issued,
    /// Its QR text.
    pub text: String,
    /// Its QR symbol (level M or higher at the smallest version level M fits).
    pub symbol: Symbol,
    /// What the registry records for it.
    pub record: Record,
}

impl Signed {
    /// The card's id.
    pub fn card_id(&self) -> CardId {
        self.issued.card_id
    }

    /// True above [`WARN_VERSION`]: issued, with a warning.
    pub fn is_large(&self) -> bool {
        self.symbol.version > WARN_VERSION
    }
}

/// Validity of `years` from `now`.
pub fn validity(now: UnixTime, years: u64) -> Validity {
    Validity {
        issued_at: now,
        expires_at: UnixTime(now.0 + years * YEAR),
    }
}

impl Issuing<'_> {
    /// Signs `profile` for `holder_ref` (a case number, never a name) and chooses its QR code;
    /// refused with [`OfficeError::TooLarge`] above [`MAX_VERSION`].
    pub fn sign(
        &self,
        profile: &Profile,
        holder_ref: &str,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Signed, OfficeError> {
        let issued = card::issue(profile, self.key, self.responder, self.validity, rng)?;
        let text = qrtext::encode(self.prefix, &issued.bytes)
            .map_err(|e| OfficeError::Prefix(e.to_string()))?;
        // Past version 40 no QR code holds it: said as the version after the last.
        let symbol =
            helpcard_qr::card_symbol(&text).map_err(|_| OfficeError::TooLarge { version: 41 })?;
        if symbol.version > MAX_VERSION {
            return Err(OfficeError::TooLarge {
                version: symbol.version,
            });
        }
        let record = Record {
            card_id: issued.card_id,
            holder_ref: holder_ref.to_owned(),
            issuer_id: self.issuer_id.to_owned(),
            issuer_kid: self.key.key_id().to_hex(),
            issued_at: self.validity.issued_at,
            expires_at: self.validity.expires_at,
            notify: Vec::new(),
        };
        Ok(Signed {
            issued,
            text,
            symbol,
            record,
        })
    }
}

/// What became of one card of [`register`].
pub type Linked = Result<(), OfficeError>;

/// Registers `cards` in one transaction (all or none; `replaces` is marked replaced by the
/// first), then gives each card's staged files their final names. An error before the commit
/// registers nothing and removes every staged file. After it, a card whose files could not be
/// linked is registered without them: its entry says why, and that card should be revoked.
pub fn register(
    registry: &mut Registry,
    cards: Vec<(Record, Staged)>,
    replaces: Option<&str>,
    now: UnixTime,
) -> Result<Vec<(Record, Linked)>, OfficeError> {
    let records: Vec<Record> = cards.iter().map(|(r, _)| r.clone()).collect();
    registry.record(&records, replaces, now)?;
    Ok(cards
        .into_iter()
        .map(|(record, files)| (record, files.commit()))
        .collect())
}

#[cfg(test)]
#[path = "issue_tests.rs"]
mod tests;
