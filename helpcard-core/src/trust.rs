//! Trust lists (signed by a root key) and revocation lists (signed by an issuer key).
//!
//! Both are COSE_Sign1 documents with a content type naming the list, so a list can never be
//! mistaken for a card or for the other kind of list. A scanner pins root public keys, holds
//! the newest trust list it has seen, and one revocation list per issuer.
//!
//! ```text
//! trust-list   = { 1: 1, 2: sequence, 3: issued-at, 4: next-update,
//!                  5: [* key-entry] (issuers), 6: [* key-entry] (responder groups) }
//! key-entry    = { 1: kid, 2: public key, 3: name, 4: not-before, 5: not-after, ? 6: issuer id }
//! revocations  = { 1: 1, 2: issuer id, 3: counter, 4: issued-at, 5: next-update,
//!                  6: [* card id] (sorted, unique), ? 7: revoked-before }
//! ```

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use ciborium::Value;

use crate::cbor::{self, CborError, int_map};
use crate::cose::{self, Signed};
use crate::date::UnixTime;
use crate::error::OpenError;
use crate::keys::{KeyId, ResponderPublicKey, SigningKey, VerifyingKey};
use crate::vocab::Lang;

/// Content type of a trust list.
pub const TRUST_LIST_TYPE: &str = "helpcard-trust-list/1";
/// Content type of a revocation list.
pub const REVOCATION_LIST_TYPE: &str = "helpcard-revocations/1";

/// The identifier of a card: the CWT `cti` claim, 8 random bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CardId(pub [u8; 8]);

impl CardId {
    /// Lower-case hex, as printed on the card and used by the CLI.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 16 hex digits.
    pub fn from_hex(s: &str) -> Option<CardId> {
        hex::decode(s).ok()?.try_into().ok().map(CardId)
    }
}

impl std::fmt::Display for CardId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A key on a trust list with its validity window `[not_before, not_after)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEntry<K> {
    /// The public key.
    pub key: K,
    /// Display name (e.g. 武蔵野市 障害者福祉課).
    pub name: String,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity (exclusive).
    pub not_after: UnixTime,
}

impl<K> KeyEntry<K> {
    /// True if `t` is inside the validity window.
    pub fn valid_at(&self, t: UnixTime) -> bool {
        self.not_before <= t && t < self.not_after
    }
}

/// An issuer signing key on the trust list. `issuer` groups an issuer's keys across rotation;
/// revocation lists are per issuer, not per key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerEntry {
    /// Stable issuer identifier (e.g. `musashino`).
    pub issuer: String,
    /// The key and its validity.
    pub entry: KeyEntry<VerifyingKey>,
}

/// The contents of a trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustList {
    /// Increases with every list the root signs; a scanner never goes back.
    pub sequence: u64,
    /// When the list was signed.
    pub issued_at: UnixTime,
    /// When a newer list is due; after it, scanners warn.
    pub next_update: UnixTime,
    /// Issuer signing keys.
    pub issuers: Vec<IssuerEntry>,
    /// Responder group keys (an issuer encrypts private parts to these).
    pub responders: Vec<KeyEntry<ResponderPublicKey>>,
}

/// Why a trust or revocation list was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListError {
    /// Not a list, or damaged.
    #[error("not a valid list: {0}")]
    Malformed(OpenError),
    /// A list of the other kind (a revocation list given as a trust list, say).
    #[error("this is not a {0}")]
    WrongType(&'static str),
    /// Signed by a key this scanner does not trust for it.
    #[error("signed by key {0}, which is not trusted to sign this list")]
    UnknownSigner(KeyId),
    /// The signature does not verify: the list was altered.
    #[error("the list's signature does not verify: it was altered")]
    Tampered,
    /// Its next-update time has passed: a newer list should exist.
    #[error("the list expired at {0:?}; get the current list from the issuing office")]
    Expired(UnixTime),
    /// Older than (or conflicting with) the list already held: a rollback attempt or a mix-up.
    #[error("the list (number {got}) is not newer than the one already held (number {held})")]
    Older {
        /// Sequence or counter held.
        held: u64,
        /// Sequence or counter offered.
        got: u64,
    },
    /// Two entries with the same key id.
    #[error("the list has two entries for key {0}")]
    DuplicateKey(KeyId),
    /// Signed by an issuer key that was not valid when the list says it was issued (a retired
    /// key cannot speak for the issuer any more).
    #[error("signed by key {0}, which was not valid when the list was issued (a retired key)")]
    SignerNotValid(KeyId),
    /// The next-update time is not after the issue time, or further ahead than
    /// [`MAX_REVOCATION_LIST_LIFETIME`] (revocation lists) or [`MAX_TRUST_LIST_LIFETIME`]
    /// (trust lists): such a list could never be replaced in time.
    #[error(
        "the list's next-update time is not after its issue time, or too far ahead (at most 366 days for a revocation list, 731 for a trust list)"
    )]
    Unbounded,
}

/// Longest a trust list may stay current, from its issue time to its next update (731 days):
/// withdrawn keys must reach scanners within two years at the latest.
pub const MAX_TRUST_LIST_LIFETIME: u64 = 731 * 86_400;

/// Longest a revocation list may stay current: from its issue time to its next update (366
/// days). A list that claims more would shield a lost card for longer than any office intends.
pub const MAX_REVOCATION_LIST_LIFETIME: u64 = 366 * 86_400;

impl ListError {
    /// Stable code for JSON and the test vectors (`list_older`, `list_expired`, …).
    pub fn code(&self) -> &'static str {
        match self {
            ListError::Malformed(_) => "list_malformed",
            ListError::WrongType(_) => "list_wrong_type",
            ListError::UnknownSigner(_) => "list_unknown_signer",
            ListError::Tampered => "list_tampered",
            ListError::Expired(_) => "list_expired",
            ListError::Older { .. } => "list_older",
            ListError::DuplicateKey(_) => "list_duplicate_key",
            ListError::SignerNotValid(_) => "list_signer_not_valid",
            ListError::Unbounded => "list_unbounded",
        }
    }
}

impl ListError {
    /// What happened, in `lang`, for the person loading the list (a kiosk's operator, the
    /// office, a scanner's status line).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ListError::Malformed(_) | ListError::DuplicateKey(_) | ListError::Unbounded => lang
                .pick(
                    "リストが壊れているか、正しい形ではありません。",
                    "The list is damaged or not in the form an issuer writes.",
                    "リストが こわれて います。",
                )
                .to_owned(),
            ListError::WrongType(_) => lang
                .pick(
                    "別の種類のリストです（信頼リストと失効リストの取り違え）。",
                    "This is a list of the other kind (a trust list and a revocation list mixed up).",
                    "ちがう しゅるいの リストです。",
                )
                .to_owned(),
            ListError::UnknownSigner(kid) | ListError::SignerNotValid(kid) => lang.pick(
                format!("このリストに署名できない鍵（{kid}）で署名されています。"),
                format!("The list is signed by key {kid}, which may not sign it."),
                format!("しらない かぎ（{kid}）で つくられた リストです。"),
            ),
            ListError::Tampered => lang
                .pick(
                    "リストの署名が一致しません。書き換えられています。",
                    "The list's signature does not match: it was altered.",
                    "リストが かえられて います。つかわないで ください。",
                )
                .to_owned(),
            ListError::Expired(_) => lang
                .pick(
                    "リストの更新予定日を過ぎています。発行窓口から最新のリストを入手してください。",
                    "The list is past its update date. Get the current list from the issuing office.",
                    "リストが ふるいです。あたらしい リストを もらって ください。",
                )
                .to_owned(),
            ListError::Older { held, got } => lang.pick(
                format!("このリスト（番号 {got}）は、すでにあるリスト（番号 {held}）より新しくありません。"),
                format!("This list (number {got}) is not newer than the one already held (number {held})."),
                format!("この リスト（{got}）は いまの リスト（{held}）より ふるいです。"),
            ),
        }
    }
}

impl From<OpenError> for ListError {
    fn from(e: OpenError) -> ListError {
        ListError::Malformed(e)
    }
}

impl From<CborError> for ListError {
    fn from(e: CborError) -> ListError {
        ListError::Malformed(e.into())
    }
}

/// Both list formats are at version 1.
fn check_version(v: &Value) -> Result<(), ListError> {
    match cbor::uint(v, "version")? {
        1 => Ok(()),
        other => Err(ListError::Malformed(OpenError::UnknownVersion(other))),
    }
}

/// Whether to replace the list held (`Ok(true)`), keep it because the same list was offered
/// again (`Ok(false)`), or refuse an older or conflicting one.
fn replaces<T: PartialEq>(held: Option<(&T, u64)>, offered: (&T, u64)) -> Result<bool, ListError> {
    match held {
        Some((list, _)) if list == offered.0 => Ok(false),
        Some((_, counter)) if offered.1 <= counter => Err(ListError::Older {
            held: counter,
            got: offered.1,
        }),
        _ => Ok(true),
    }
}

fn time(v: &Value, what: &'static str) -> Result<UnixTime, CborError> {
    cbor::uint(v, what).map(UnixTime)
}

fn entry_to_cbor(
    kid: KeyId,
    public: [u8; 32],
    e: &KeyEntry<impl Sized>,
    issuer: Option<&str>,
) -> Value {
    let mut m = vec![
        (1, Value::Bytes(kid.0.to_vec())),
        (2, Value::Bytes(public.to_vec())),
        (3, Value::Text(e.name.clone())),
        (4, Value::from(e.not_before.0)),
        (5, Value::from(e.not_after.0)),
    ];
    if let Some(i) = issuer {
        m.push((6, Value::Text(i.to_owned())));
    }
    int_map(m)
}

/// Fields of a key entry before the key type is known.
struct RawEntry {
    kid: Vec<u8>,
    public: [u8; 32],
    name: String,
    not_before: UnixTime,
    not_after: UnixTime,
    issuer: Option<String>,
}

fn entry_from_cbor(v: Value) -> Result<RawEntry, ListError> {
    const W: &str = "key entry";
    let (mut kid, mut public, mut name, mut nb, mut na, mut issuer) =
        (None, None, None, None, None, None);
    for (k, v) in cbor::as_int_map(v, W)? {
        match k {
            1 => kid = Some(cbor::bytes(v, W)?),
            2 => public = Some(cbor::bytes(v, W)?),
            3 => name = Some(cbor::text(v, W)?),
            4 => nb = Some(time(&v, W)?),
            5 => na = Some(time(&v, W)?),
            6 => issuer = Some(cbor::text(v, W)?),
            _ => return Err(CborError::Structure(W).into()),
        }
    }
    let missing = || ListError::from(CborError::Structure("key entry field missing"));
    let public: [u8; 32] = public
        .ok_or_else(missing)?
        .try_into()
        .map_err(|_| ListError::Malformed(OpenError::BadLength("public key")))?;
    Ok(RawEntry {
        kid: kid.ok_or_else(missing)?,
        public,
        name: name.ok_or_else(missing)?,
        not_before: nb.ok_or_else(missing)?,
        not_after: na.ok_or_else(missing)?,
        issuer,
    })
}

fn check_kid(raw: &RawEntry, derived: KeyId) -> Result<(), ListError> {
    if raw.kid != derived.0 {
        return Err(ListError::Malformed(OpenError::BadStructure(
            "kid does not match key",
        )));
    }
    Ok(())
}

impl TrustList {
    /// Signs the list with the root key.
    pub fn sign(&self, root: &SigningKey) -> Vec<u8> {
        let issuers = self
            .issuers
            .iter()
            .map(|i| {
                entry_to_cbor(
                    i.entry.key.key_id(),
                    i.entry.key.to_bytes(),
                    &i.entry,
                    Some(&i.issuer),
                )
            })
            .collect();
        let responders = self
            .responders
            .iter()
            .map(|r| entry_to_cbor(r.key.key_id(), r.key.to_bytes(), r, None))
            .collect();
        let payload = int_map(vec![
            (1, Value::from(1)),
            (2, Value::from(self.sequence)),
            (3, Value::from(self.issued_at.0)),
            (4, Value::from(self.next_update.0)),
            (5, Value::Array(issuers)),
            (6, Value::Array(responders)),
        ]);
        cose::sign1(root, Some(TRUST_LIST_TYPE), cbor::encode(&payload))
    }

    /// Verifies a signed list against pinned root keys and decodes it (no time checks).
    pub fn verify(bytes: &[u8], roots: &[VerifyingKey]) -> Result<TrustList, ListError> {
        let signed = Signed::parse(bytes)?;
        if signed.content_type.as_deref() != Some(TRUST_LIST_TYPE) {
            return Err(ListError::WrongType("trust list"));
        }
        let root = roots
            .iter()
            .find(|r| r.key_id() == signed.kid)
            .ok_or(ListError::UnknownSigner(signed.kid))?;
        signed.verify(root).map_err(|_| ListError::Tampered)?;
        let mut list = TrustList {
            sequence: 0,
            issued_at: UnixTime(0),
            next_update: UnixTime(0),
            issuers: Vec::new(),
            responders: Vec::new(),
        };
        let mut seen = 0u8;
        for (k, v) in cbor::as_int_map(cbor::decode_strict(&signed.payload)?, "trust list")? {
            seen |= 1 << k.clamp(0, 8);
            match k {
                1 => check_version(&v)?,
                2 => list.sequence = cbor::uint(&v, "sequence")?,
                3 => list.issued_at = time(&v, "issued-at")?,
                4 => list.next_update = time(&v, "next-update")?,
                5 => {
                    for raw in cbor::array(v, "issuers")?.into_iter().map(entry_from_cbor) {
                        let raw = raw?;
                        let key = VerifyingKey::from_bytes(&raw.public).map_err(|_| {
                            ListError::Malformed(OpenError::BadStructure("issuer key"))
                        })?;
                        check_kid(&raw, key.key_id())?;
                        let issuer = raw
                            .issuer
                            .clone()
                            .ok_or(CborError::Structure("issuer id missing"))?;
                        list.issuers.push(IssuerEntry {
                            issuer,
                            entry: KeyEntry {
                                key,
                                name: raw.name,
                                not_before: raw.not_before,
                                not_after: raw.not_after,
                            },
                        });
                    }
                }
                6 => {
                    for raw in cbor::array(v, "responders")?
                        .into_iter()
                        .map(entry_from_cbor)
                    {
                        let raw = raw?;
                        let key = ResponderPublicKey::from_bytes(raw.public);
                        check_kid(&raw, key.key_id())?;
                        list.responders.push(KeyEntry {
                            key,
                            name: raw.name,
                            not_before: raw.not_before,
                            not_after: raw.not_after,
                        });
                    }
                }
                _ => return Err(CborError::Structure("unknown trust list field").into()),
            }
        }
        if seen != 0b0111_1110 {
            return Err(CborError::Structure("trust list field missing").into());
        }
        let mut kids: Vec<KeyId> = list.issuers.iter().map(|i| i.entry.key.key_id()).collect();
        kids.extend(list.responders.iter().map(|r| r.key.key_id()));
        kids.sort();
        if let Some(w) = kids.windows(2).find(|w| w[0] == w[1]) {
            return Err(ListError::DuplicateKey(w[0]));
        }
        if list.sequence == 0 {
            return Err(CborError::Structure("the sequence number starts at 1").into());
        }
        let windows = list
            .issuers
            .iter()
            .map(|i| (i.entry.not_before, i.entry.not_after))
            .chain(list.responders.iter().map(|r| (r.not_before, r.not_after)));
        for (not_before, not_after) in windows {
            if not_before >= not_after {
                return Err(
                    CborError::Structure("a key's validity window ends before it starts").into(),
                );
            }
        }
        if list.next_update <= list.issued_at
            || list.next_update.0 - list.issued_at.0 > MAX_TRUST_LIST_LIFETIME
        {
            return Err(ListError::Unbounded);
        }
        Ok(list)
    }
}

/// What a scanner trusts: pinned root keys and the newest trust list it accepted.
#[derive(Clone, Debug)]
pub struct TrustStore {
    roots: Vec<VerifyingKey>,
    list: Option<TrustList>,
}

impl TrustStore {
    /// A store pinning these root keys, with no list yet.
    pub fn new(roots: Vec<VerifyingKey>) -> TrustStore {
        TrustStore { roots, list: None }
    }

    /// Accepts a signed trust list if it verifies, has not expired at `now`, and is newer than
    /// the list held (the same list again is accepted and changes nothing).
    pub fn load(&mut self, bytes: &[u8], now: UnixTime) -> Result<(), ListError> {
        let list = TrustList::verify(bytes, &self.roots)?;
        if now >= list.next_update {
            return Err(ListError::Expired(list.next_update));
        }
        if replaces(
            self.list.as_ref().map(|l| (l, l.sequence)),
            (&list, list.sequence),
        )? {
            self.list = Some(list);
        }
        Ok(())
    }

    /// The list held, if any.
    pub fn list(&self) -> Option<&TrustList> {
        self.list.as_ref()
    }

    /// The issuer entry for a signing key id.
    pub fn issuer(&self, kid: KeyId) -> Option<&IssuerEntry> {
        self.list
            .as_ref()?
            .issuers
            .iter()
            .find(|i| i.entry.key.key_id() == kid)
    }
}

/// The contents of one issuer's revocation list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevocationList {
    /// The issuer this list speaks for (all its keys).
    pub issuer: String,
    /// Increases with every list published.
    pub counter: u64,
    /// When the list was signed.
    pub issued_at: UnixTime,
    /// When a newer list is due.
    pub next_update: UnixTime,
    /// Revoked card ids, sorted and unique.
    pub revoked: Vec<CardId>,
    /// Every card of this issuer issued before this time is revoked (e.g. after a key leak).
    pub revoked_before: Option<UnixTime>,
    /// Cards whose private part responders may not open for now (the holder paused access);
    /// their public part stands. Sorted and unique.
    pub paused: Vec<CardId>,
}

impl RevocationList {
    /// Signs the list with one of the issuer's keys (sorting the card ids).
    pub fn sign(&self, issuer_key: &SigningKey) -> Vec<u8> {
        let mut ids = self.revoked.clone();
        ids.sort();
        ids.dedup();
        let mut m = vec![
            (1, Value::from(1)),
            (2, Value::Text(self.issuer.clone())),
            (3, Value::from(self.counter)),
            (4, Value::from(self.issued_at.0)),
            (5, Value::from(self.next_update.0)),
            (
                6,
                Value::Array(ids.iter().map(|c| Value::Bytes(c.0.to_vec())).collect()),
            ),
        ];
        if let Some(t) = self.revoked_before {
            m.push((7, Value::from(t.0)));
        }
        if !self.paused.is_empty() {
            let mut ids = self.paused.clone();
            ids.sort();
            ids.dedup();
            m.push((
                8,
                Value::Array(ids.iter().map(|c| Value::Bytes(c.0.to_vec())).collect()),
            ));
        }
        cose::sign1(
            issuer_key,
            Some(REVOCATION_LIST_TYPE),
            cbor::encode(&int_map(m)),
        )
    }

    /// Verifies a signed revocation list: the signer must be a key of the issuer it names on
    /// the trust list, valid at the list's issue time, and the list's next update must come
    /// after its issue time by at most [`MAX_REVOCATION_LIST_LIFETIME`].
    pub fn verify(bytes: &[u8], trust: &TrustStore) -> Result<RevocationList, ListError> {
        let signed = Signed::parse(bytes)?;
        if signed.content_type.as_deref() != Some(REVOCATION_LIST_TYPE) {
            return Err(ListError::WrongType("revocation list"));
        }
        let signer = trust
            .issuer(signed.kid)
            .ok_or(ListError::UnknownSigner(signed.kid))?;
        signed
            .verify(&signer.entry.key)
            .map_err(|_| ListError::Tampered)?;
        let mut list = RevocationList {
            issuer: String::new(),
            counter: 0,
            issued_at: UnixTime(0),
            next_update: UnixTime(0),
            revoked: Vec::new(),
            revoked_before: None,
            paused: Vec::new(),
        };
        let mut seen = 0u16;
        for (k, v) in cbor::as_int_map(cbor::decode_strict(&signed.payload)?, "revocation list")? {
            seen |= 1 << k.clamp(0, 8);
            match k {
                1 => check_version(&v)?,
                2 => list.issuer = cbor::text(v, "issuer")?,
                3 => list.counter = cbor::uint(&v, "counter")?,
                4 => list.issued_at = time(&v, "issued-at")?,
                5 => list.next_update = time(&v, "next-update")?,
                6 => list.revoked = card_ids(v, "revoked")?,
                7 => list.revoked_before = Some(time(&v, "revoked-before")?),
                8 => {
                    list.paused = card_ids(v, "paused")?;
                    // Present only when it names a card: one encoding per list.
                    if list.paused.is_empty() {
                        return Err(CborError::Structure("empty paused list").into());
                    }
                }
                _ => return Err(CborError::Structure("unknown revocation list field").into()),
            }
        }
        if seen & 0b0111_1110 != 0b0111_1110 {
            return Err(CborError::Structure("revocation list field missing").into());
        }
        if list.issuer != signer.issuer {
            return Err(ListError::UnknownSigner(signed.kid));
        }
        if !signer.entry.valid_at(list.issued_at) {
            return Err(ListError::SignerNotValid(signed.kid));
        }
        if list.next_update <= list.issued_at
            || list.next_update.0 - list.issued_at.0 > MAX_REVOCATION_LIST_LIFETIME
        {
            return Err(ListError::Unbounded);
        }
        Ok(list)
    }

    /// True if responders may not open card `id`'s private part for now.
    pub fn pauses(&self, id: CardId) -> bool {
        self.paused.binary_search(&id).is_ok()
    }

    /// True if the card `id` issued at `issued_at` is revoked by this list.
    pub fn revokes(&self, id: CardId, issued_at: UnixTime) -> bool {
        self.revoked.binary_search(&id).is_ok()
            || self.revoked_before.is_some_and(|t| issued_at < t)
    }
}

/// A list of card ids: 8-byte strings, strictly ascending (sorted, no repeats).
fn card_ids(v: Value, what: &'static str) -> Result<Vec<CardId>, ListError> {
    let mut out: Vec<CardId> = Vec::new();
    for id in cbor::array(v, what)? {
        let id = cbor::bytes(id, "card id")?;
        let id = CardId(
            id.try_into()
                .map_err(|_| ListError::Malformed(OpenError::BadLength("card id")))?,
        );
        if out.last().is_some_and(|last| *last >= id) {
            return Err(CborError::Structure("card ids must be sorted and unique").into());
        }
        out.push(id);
    }
    Ok(out)
}

/// What a scanner remembers of an issuer's revocation lists across restarts: the highest
/// counter it accepted and the latest "revoked before" time it saw. A list below the counter
/// is refused (a rollback), and the time is carried into every later list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RevocationFloor {
    /// Highest counter accepted.
    pub counter: u64,
    /// Latest "revoked before" time seen (seconds since the Unix epoch).
    pub revoked_before: Option<u64>,
}

/// Revocation lists held by a scanner, one per issuer.
#[derive(Clone, Debug, Default)]
pub struct Revocations {
    lists: HashMap<String, RevocationList>,
    floors: HashMap<String, RevocationFloor>,
}

impl Revocations {
    /// No lists.
    pub fn new() -> Revocations {
        Revocations::default()
    }

    /// Revocations that remember `floors` (per issuer id) from an earlier run: lists below a
    /// floor's counter are refused, and its "revoked before" time stays in force.
    pub fn with_floors(floors: HashMap<String, RevocationFloor>) -> Revocations {
        Revocations {
            lists: HashMap::new(),
            floors,
        }
    }

    /// What to remember for the next run, per issuer id (see [`Revocations::with_floors`]).
    pub fn floors(&self) -> &HashMap<String, RevocationFloor> {
        &self.floors
    }

    /// Accepts a signed revocation list if it verifies against `trust`, has not expired, and
    /// is newer than the list held (or remembered) for that issuer. A "revoked before" time
    /// held earlier carries forward into the new list if the new one says less. Returns the
    /// list now held for that issuer (so a caller learns the issuer without verifying again).
    pub fn load(
        &mut self,
        bytes: &[u8],
        trust: &TrustStore,
        now: UnixTime,
    ) -> Result<&RevocationList, ListError> {
        let mut list = RevocationList::verify(bytes, trust)?;
        if now >= list.next_update {
            return Err(ListError::Expired(list.next_update));
        }
        let floor = self.floors.get(&list.issuer).copied().unwrap_or_default();
        if list.counter < floor.counter {
            return Err(ListError::Older {
                held: floor.counter,
                got: list.counter,
            });
        }
        let carried = floor.revoked_before.map(UnixTime).max(list.revoked_before);
        list.revoked_before = carried;
        let held = self.lists.get(&list.issuer).map(|l| (l, l.counter));
        let replace = replaces(held, (&list, list.counter))?;
        if replace {
            self.floors.insert(
                list.issuer.clone(),
                RevocationFloor {
                    counter: list.counter,
                    revoked_before: carried.map(|t| t.0),
                },
            );
        }
        Ok(match self.lists.entry(list.issuer.clone()) {
            Entry::Occupied(held) if !replace => held.into_mut(),
            Entry::Occupied(mut held) => {
                held.insert(list);
                held.into_mut()
            }
            // Nothing held: `replaces` said yes, and the floor is in.
            Entry::Vacant(slot) => slot.insert(list),
        })
    }

    /// The list held for `issuer`.
    pub fn get(&self, issuer: &str) -> Option<&RevocationList> {
        self.lists.get(issuer)
    }

    /// True when a remembered "revoked before" time of `issuer` revokes a card issued at
    /// `issued_at`: it holds whether or not a list of that issuer is held now (a list that
    /// expired or failed to load does not lift it).
    pub fn floor_revokes(&self, issuer: &str, issued_at: UnixTime) -> bool {
        self.floors
            .get(issuer)
            .and_then(|f| f.revoked_before)
            .is_some_and(|t| issued_at.0 < t)
    }
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
