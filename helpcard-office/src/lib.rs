//! The issuing office's work, shared by the `helpcard` CLI and the key service's issuing desk:
//! what a front end does between a profile and a printed card, and after.
//!
//! Data flows one way: [`issue`] signs a profile into a card and its QR code (one version
//! rule for everyone), [`registry`] records it (SQLite, owner-only, migrated when opened),
//! [`files`] gives its files their names only once the registry has it, and [`layout`] draws
//! the card, sheets of cards and the holder's copy, which [`pdf`] writes; [`phone`] draws the
//! card for the holder's lock screen. The registry also
//! revokes cards and signs the issuer's revocation lists ([`registry::Registry::publish`]);
//! [`table`] reads many profiles at once from a CSV table.
//! Every error says itself in Japanese, English and やさしい日本語 ([`OfficeError::message`]).
//!
//! ```
//! # fn main() -> Result<(), helpcard_office::OfficeError> {
//! use helpcard_core::date::UnixTime;
//! use helpcard_core::demo::{DemoWorld, REFERENCE_PROFILES};
//! use helpcard_core::profile::Profile;
//! use helpcard_office::files::{Access, Staged};
//! use helpcard_office::issue::{self, Issuing};
//! use helpcard_office::registry::Registry;
//!
//! let dir = std::env::temp_dir().join(format!("helpcard-office-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! std::fs::create_dir_all(&dir).map_err(helpcard_office::OfficeError::file(&dir))?;
//! let now = UnixTime(1_790_000_000);
//! let world = DemoWorld::from_secrets(&[[1; 32], [2; 32], [3; 32]]);
//! let responder = world.responder.public_key();
//! let issuing = Issuing {
//!     key: &world.issuer,
//!     issuer_id: "musashino",
//!     responder: Some(&responder),
//!     prefix: helpcard_core::qrtext::DEFAULT_PREFIX,
//!     validity: issue::validity(now, 3),
//! };
//! let profile = Profile::load_toml(REFERENCE_PROFILES[0].1, now.date()).expect("a valid profile");
//! let card = issuing.sign(&profile, "case-0001", &mut rand_core::OsRng)?;
//! let mut files = Staged::default();
//! files.add(dir.join("case-0001.txt"), card.text.as_bytes(), Access::Public)?;
//! let mut registry = Registry::open(&dir.join("registry.sqlite"))?;
//! let linked = issue::register(&mut registry, vec![(card.record.clone(), files)], None, now)?;
//! assert!(linked[0].1.is_ok());
//! assert_eq!(registry.card(&card.card_id().to_hex())?.status, "active");
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod error;
pub mod files;
pub mod issue;
pub mod layout;
pub mod pdf;
pub mod phone;
pub mod registry;
pub mod table;

pub use error::OfficeError;
