//! Builds every test vector (shared by the `gen-vectors` example, which writes them, and the
//! vector test, which checks the committed files are exactly what this produces).

use ciborium::Value;
use helpcard_core::card::{self, Issued, ResponderKeys, Validity};
use helpcard_core::cbor::{self, int_map};
use helpcard_core::cose::{self, EncryptRandom};
use helpcard_core::date::{Date, UnixTime};
use helpcard_core::keys::{ResponderKey, SigningKey};
use helpcard_core::packed;
use helpcard_core::profile::{ConditionCode, HelpCode, PRIVATE_SCHEMA, Profile, RelationCode};
use helpcard_core::qrtext;
use helpcard_core::testing::{DEMO_EPOCH, DemoWorld, REFERENCE_PROFILES, StreamRng};
use helpcard_core::trust::{CardId, IssuerEntry, KeyEntry, RevocationList};
use serde_json::{Value as Json, json};
use zeroize::Zeroizing;

const DAY: u64 = 86_400;
const PREFIX: &str = qrtext::DEFAULT_PREFIX;
/// Bytes an issuance with a private part consumes: cti, ephemeral secret.
const RNG_BYTES: usize = 8 + 32;

/// One vector: file stem and JSON document.
pub struct Vector {
    pub name: String,
    pub json: Json,
}

struct Ctx {
    secrets: [[u8; 32]; 3],
    world: DemoWorld,
    other: DemoWorld,
    validity: Validity,
    now: UnixTime,
}

impl Ctx {
    fn new() -> Ctx {
        let secrets = DemoWorld::secrets(2026);
        let issued_at = UnixTime(DEMO_EPOCH.0 + 30 * DAY);
        Ctx {
            world: DemoWorld::from_secrets(&secrets),
            other: DemoWorld::new(9),
            secrets,
            validity: Validity {
                issued_at,
                expires_at: UnixTime(issued_at.0 + 5 * 365 * DAY),
            },
            now: UnixTime(issued_at.0 + 30 * DAY),
        }
    }
}

fn profile(name: &str) -> Profile {
    let text = REFERENCE_PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("reference profile")
        .1;
    Profile::load_toml(text, Date::from_ymd(2026, 11, 25).expect("date"))
        .expect("reference profile is valid")
}

fn rng_stream(seed: u64) -> Vec<u8> {
    let mut rng = StreamRng::from_seed(seed);
    let mut b = vec![0; RNG_BYTES];
    rand_core::RngCore::fill_bytes(&mut rng, &mut b);
    b
}

fn hexo(b: Option<&Zeroizing<Vec<u8>>>) -> Json {
    b.map_or(Json::Null, |b| json!(hex::encode(b.as_slice())))
}

/// A base for a vector: the context's keys, trust list, time.
struct Draft {
    name: String,
    description: String,
    responder_secret: [u8; 32],
    trust_list: Vec<u8>,
    revocation_list: Option<Vec<u8>>,
    /// A list the scanner already holds, loaded before `revocation_list`.
    revocation_list_held: Option<Vec<u8>>,
    /// What the scanner remembers of earlier lists (per issuer: counter, revoked-before).
    revocation_floors: Option<Json>,
    lists_loaded_at: UnixTime,
    now: UnixTime,
    open_with_responder_key: bool,
    issue: Option<Json>,
    stages: serde_json::Map<String, Json>,
    expect: Json,
}

impl Draft {
    fn new(ctx: &Ctx, name: &str, description: &str) -> Draft {
        Draft {
            name: name.into(),
            description: description.into(),
            responder_secret: ctx.secrets[2],
            trust_list: ctx.world.trust_list_bytes.clone(),
            revocation_list: None,
            revocation_list_held: None,
            revocation_floors: None,
            lists_loaded_at: ctx.now,
            now: ctx.now,
            open_with_responder_key: true,
            issue: None,
            stages: serde_json::Map::new(),
            expect: json!({}),
        }
    }

    fn card(mut self, bytes: &[u8]) -> Draft {
        self.stages
            .insert("cose_sign1".into(), json!(hex::encode(bytes)));
        self.stages.insert(
            "qr_text".into(),
            json!(qrtext::encode(PREFIX, bytes).expect("prefix")),
        );
        self
    }

    fn qr_text(mut self, text: String) -> Draft {
        self.stages.insert("qr_text".into(), json!(text));
        self
    }

    fn fails(mut self, outcome: &str) -> Draft {
        self.expect = json!({ "outcome": outcome });
        self
    }

    fn finish(self, ctx: &Ctx) -> Vector {
        let w = DemoWorld::from_secrets(&[ctx.secrets[0], ctx.secrets[1], self.responder_secret]);
        let json = json!({
            "name": self.name,
            "description": self.description,
            "format_version": card::FORMAT_VERSION,
            "keys": {
                "root_public": hex::encode(w.root.verifying_key().to_bytes()),
                "issuer_secret": hex::encode(ctx.secrets[1]),
                "issuer_public": hex::encode(w.issuer.verifying_key().to_bytes()),
                "issuer_kid": w.issuer.key_id().to_hex(),
                "responder_secret": hex::encode(self.responder_secret),
                "responder_public": hex::encode(w.responder.public_key().to_bytes()),
                "responder_kid": w.responder.key_id().to_hex(),
            },
            "trust_list": hex::encode(&self.trust_list),
            "revocation_list": self.revocation_list.as_ref().map(hex::encode),
            "revocation_list_held": self.revocation_list_held.as_ref().map(hex::encode),
            "revocation_floors": self.revocation_floors,
            "lists_loaded_at": self.lists_loaded_at.0,
            "now": self.now.0,
            "open_with_responder_key": self.open_with_responder_key,
            "issue": self.issue,
            "stages": self.stages,
            "expect": self.expect,
        });
        Vector {
            name: self.name,
            json,
        }
    }
}

/// Issues `profile` with a recorded RNG stream and records every stage and the expected view.
fn valid(ctx: &Ctx, name: &str, description: &str, p: &Profile, seed: u64) -> (Draft, Issued) {
    let stream = rng_stream(seed);
    let issued = card::issue(
        p,
        &ctx.world.issuer,
        Some(&ctx.world.responder.public_key()),
        ctx.validity,
        &mut StreamRng::from_bytes(stream.clone(), 0),
    )
    .expect("issue");
    let mut d = Draft::new(ctx, name, description);
    let used = if p.private.is_some() { RNG_BYTES } else { 8 };
    d.issue = Some(json!({
        "profile": p,
        "issued_at": ctx.validity.issued_at.0,
        "expires_at": ctx.validity.expires_at.0,
        "text_model": "ja-2",
        "rng_stream": hex::encode(&stream[..used]),
        "qr_prefix": PREFIX,
    }));
    d.stages.insert(
        "public_cbor".into(),
        json!(hex::encode(&issued.public_cbor)),
    );
    d.stages.insert(
        "public_packed".into(),
        json!(hex::encode(&issued.public_packed)),
    );
    d.stages
        .insert("private_cbor".into(), hexo(issued.private_cbor.as_ref()));
    d.stages
        .insert("plaintext".into(), hexo(issued.plaintext.as_ref()));
    d.stages.insert(
        "cose_encrypt".into(),
        issued
            .encrypted
            .as_ref()
            .map_or(Json::Null, |e| json!(hex::encode(e))),
    );
    d.stages
        .insert("claims".into(), json!(hex::encode(&issued.claims)));
    // What a key service returns for this card: the content key from the responder key.
    let content_key = issued.encrypted.as_ref().map(|_| {
        let opened = card::open(
            &issued.bytes,
            &ctx.world.trust_store(ctx.validity.issued_at),
            ctx.validity.issued_at,
            None,
            None,
        )
        .expect("a valid card opens");
        let keys = ResponderKeys::new(vec![ResponderKey::from_secret_bytes(&ctx.secrets[2])]);
        hex::encode(opened.content_key(&keys).expect("content key").as_bytes())
    });
    d.stages.insert("content_key".into(), json!(content_key));
    let mut d = d.card(&issued.bytes);
    d.expect = json!({
        "outcome": "ok",
        "card_id": issued.card_id.to_hex(),
        "issuer": "musashino",
        "issued_at": ctx.validity.issued_at.0,
        "expires_at": ctx.validity.expires_at.0,
        "revocation": "not_checked",
        "warnings": [],
        "public": p.public,
        "private": if p.private.is_some() { json!(p.private) } else { json!("absent") },
    });
    (d, issued)
}

fn revocations(ctx: &Ctx, revoked: Vec<CardId>, revoked_before: Option<UnixTime>) -> Vec<u8> {
    paused_list(ctx, revoked, revoked_before, Vec::new())
}

fn paused_list(
    ctx: &Ctx,
    revoked: Vec<CardId>,
    revoked_before: Option<UnixTime>,
    paused: Vec<CardId>,
) -> Vec<u8> {
    RevocationList {
        issuer: "musashino".into(),
        counter: 7,
        issued_at: UnixTime(ctx.now.0 - DAY),
        next_update: UnixTime(ctx.now.0 + 30 * DAY),
        revoked,
        revoked_before,
        paused,
    }
    .sign(&ctx.world.issuer)
}

/// COSE_Sign1 over arbitrary protected-header and payload bytes.
fn raw_sign1(key: &SigningKey, protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let tbs = cbor::encode(&Value::Array(vec![
        Value::Text("Signature1".into()),
        Value::Bytes(protected.to_vec()),
        Value::Bytes(vec![]),
        Value::Bytes(payload.to_vec()),
    ]));
    cbor::encode(&Value::Array(vec![
        Value::Bytes(protected.to_vec()),
        Value::Map(vec![]),
        Value::Bytes(payload.to_vec()),
        Value::Bytes(key.sign(&tbs).to_vec()),
    ]))
}

fn protected(alg: i64, kid: &[u8], extra: Vec<(i64, Value)>) -> Vec<u8> {
    let mut m = vec![(1, Value::from(alg)), (4, Value::Bytes(kid.to_vec()))];
    m.extend(extra);
    cbor::encode(&int_map(m))
}

fn resign(ctx: &Ctx, claims: &[u8]) -> Vec<u8> {
    raw_sign1(
        &ctx.world.issuer,
        &protected(-19, &ctx.world.issuer.key_id().0, vec![]),
        claims,
    )
}

/// The claims map of a card as (key, value) pairs.
fn claims_of(issued: &Issued) -> Vec<(i64, Value)> {
    cbor::as_int_map(
        cbor::decode_strict(&issued.claims).expect("claims"),
        "claims",
    )
    .expect("int keys")
}

/// Rebuilds claims with the helpcard claim's items changed by `f`.
fn with_content(issued: &Issued, f: impl FnOnce(&mut Vec<Value>)) -> Vec<u8> {
    let mut claims = claims_of(issued);
    let (_, content) = claims
        .iter_mut()
        .find(|(k, _)| *k == card::CLAIM_HELPCARD)
        .expect("helpcard claim");
    let Value::Array(items) = content else {
        unreachable!("helpcard claim is an array")
    };
    f(items);
    cbor::encode(&int_map(claims))
}

fn cose_encrypt(items: &mut [Value]) -> &mut Vec<Value> {
    let Value::Array(enc) = &mut items[2] else {
        unreachable!("COSE_Encrypt is an array")
    };
    enc
}

fn encrypt_raw(ctx: &Ctx, plaintext: &[u8], cti: &CardId) -> Value {
    let random = EncryptRandom {
        ephemeral_secret: Zeroizing::new([0x42; 32]),
    };
    cose::encrypt(
        plaintext,
        &ctx.world.responder.public_key(),
        &cti.0,
        &random,
    )
    .expect("encrypt")
}

pub fn all() -> Vec<Vector> {
    let ctx = Ctx::new();
    let mut out = Vec::new();

    // Valid: every reference profile.
    for (i, (name, _)) in REFERENCE_PROFILES.iter().enumerate() {
        let (d, _) = valid(
            &ctx,
            &format!("valid-{name}"),
            "reference profile",
            &profile(name),
            100 + i as u64,
        );
        out.push(d.finish(&ctx));
    }
    // Characters outside the text model's alphabet are escaped (ESC symbol + code point).
    let mut rare = profile("01-deaf-adult");
    rare.public.message = "\u{29E3D}(ほっけ)と\u{E000}は読めます。".into();
    rare.private.as_mut().expect("private").notes = "\u{1F9BB}\u{29E3D}\u{29E3D}".into();
    let (d, _) = valid(
        &ctx,
        "valid-escaped-characters",
        "texts with characters outside the text model (escaped code points)",
        &rare,
        200,
    );
    out.push(d.finish(&ctx));
    // A card from an issuer with a newer vocabulary: codes this table does not know are carried,
    // verified and shown as "unknown code N", never refused.
    let mut newer = profile("02-autism-teen");
    newer.public.help.push(HelpCode(900));
    let private = newer.private.as_mut().expect("private");
    private.conditions.push(ConditionCode(901));
    private.contacts[0].relation = Some(RelationCode(902));
    let (d, _) = valid(
        &ctx,
        "valid-newer-vocabulary",
        "codes from a newer vocabulary (help 900, condition 901, relation 902) open as unknown codes",
        &newer,
        210,
    );
    out.push(d.finish(&ctx));
    let mut public_only = profile("01-deaf-adult");
    public_only.private = None;
    let (d, _) = valid(
        &ctx,
        "valid-public-only",
        "a card with no private part",
        &public_only,
        202,
    );
    out.push(d.finish(&ctx));

    let (mut d, _) = valid(
        &ctx,
        "valid-not-revoked",
        "revocation list held; the card is not on it",
        &profile("05-blind-elder"),
        203,
    );
    d.revocation_list = Some(revocations(
        &ctx,
        vec![CardId([1; 8]), CardId([0xee; 8])],
        None,
    ));
    d.expect["revocation"] = json!({ "not_revoked": 7 });
    out.push(d.finish(&ctx));

    let (mut d, _) = valid(
        &ctx,
        "valid-other-card-paused",
        "the issuer's list pauses another card; this one opens",
        &profile("05-blind-elder"),
        207,
    );
    d.revocation_list = Some(paused_list(&ctx, vec![], None, vec![CardId([0xee; 8])]));
    d.expect["revocation"] = json!({ "not_revoked": 7 });
    out.push(d.finish(&ctx));

    let (mut d, _) = valid(
        &ctx,
        "valid-revoked-before-earlier",
        "revoked-before time is the card's issue time: not revoked",
        &profile("06-schizophrenia"),
        204,
    );
    d.revocation_list = Some(revocations(&ctx, vec![], Some(ctx.validity.issued_at)));
    d.expect["revocation"] = json!({ "not_revoked": 7 });
    out.push(d.finish(&ctx));

    // Revocation lists a scanner must refuse. The card is valid; the outcome is the list's
    // refusal. A trust list with a retired musashino key and a second issuer, kokubunji.
    let retired = SigningKey::from_secret_bytes(&[0x52; 32]);
    let kokubunji = SigningKey::from_secret_bytes(&[0x6b; 32]);
    let mut trust = ctx.world.trust_list.clone();
    trust.issuers.push(IssuerEntry {
        issuer: "musashino".into(),
        entry: KeyEntry {
            key: retired.verifying_key(),
            name: "武蔵野市 障害者福祉課（旧鍵）".into(),
            not_before: DEMO_EPOCH,
            not_after: UnixTime(DEMO_EPOCH.0 + 10 * DAY),
        },
    });
    trust.issuers.push(IssuerEntry {
        issuer: "kokubunji".into(),
        entry: KeyEntry {
            key: kokubunji.verifying_key(),
            name: "国分寺市 障害福祉課".into(),
            not_before: DEMO_EPOCH,
            not_after: UnixTime(DEMO_EPOCH.0 + 3650 * DAY),
        },
    });
    let trust_bytes = trust.sign(&ctx.world.root);
    let list = RevocationList {
        issuer: "musashino".into(),
        counter: 7,
        issued_at: UnixTime(ctx.now.0 - DAY),
        next_update: UnixTime(ctx.now.0 + 30 * DAY),
        revoked: vec![CardId([3; 8])],
        revoked_before: None,
        paused: Vec::new(),
    };
    let older = RevocationList {
        counter: 6,
        revoked: vec![],
        ..list.clone()
    };
    let expired = RevocationList {
        issued_at: UnixTime(ctx.now.0 - 40 * DAY),
        next_update: UnixTime(ctx.now.0 - 10 * DAY),
        ..list.clone()
    };
    let unbounded = RevocationList {
        counter: u64::MAX,
        next_update: UnixTime(u64::MAX),
        revoked: vec![],
        ..list.clone()
    };
    let refusals = [
        (
            "fail-list-older",
            "a list older than the one held (counter 6 after 7): a rollback that would un-revoke a card",
            older.sign(&ctx.world.issuer),
            Some(list.sign(&ctx.world.issuer)),
            "list_older",
        ),
        (
            "fail-list-retired-signer",
            "signed by a musashino key whose window ended before the list's issue time",
            list.sign(&retired),
            None,
            "list_signer_not_valid",
        ),
        (
            "fail-list-wrong-signer",
            "a list for musashino signed by kokubunji's key",
            list.sign(&kokubunji),
            None,
            "list_unknown_signer",
        ),
        (
            "fail-list-expired",
            "the list's next update passed ten days ago",
            expired.sign(&ctx.world.issuer),
            None,
            "list_expired",
        ),
        (
            "fail-list-unbounded",
            "counter and next update at 2^64-1: it would stay current forever",
            unbounded.sign(&ctx.world.issuer),
            None,
            "list_unbounded",
        ),
    ];
    for (i, (name, description, offered, held, outcome)) in refusals.into_iter().enumerate() {
        let (mut d, _) = valid(
            &ctx,
            name,
            description,
            &profile("05-blind-elder"),
            220 + i as u64,
        );
        d.trust_list = trust_bytes.clone();
        d.revocation_list = Some(offered);
        d.revocation_list_held = held;
        d.expect = json!({ "outcome": outcome });
        out.push(d.finish(&ctx));
    }

    let (mut d, _) = valid(
        &ctx,
        "valid-locked",
        "opened without a responder key: public part only",
        &profile("07-brain-injury"),
        205,
    );
    d.open_with_responder_key = false;
    d.expect["private"] = json!("locked");
    out.push(d.finish(&ctx));

    let (mut d, _) = valid(
        &ctx,
        "valid-last-second",
        "one second before expiry",
        &profile("04-wheelchair-medcare"),
        206,
    );
    d.now = UnixTime(ctx.validity.expires_at.0 - 1);
    d.expect["warnings"] = json!(["trust_list_out_of_date"]);
    out.push(d.finish(&ctx));

    // Failures. The base card for tampering.
    let (_, base) = valid(&ctx, "base", "", &profile("02-autism-teen"), 300);
    let card = base.bytes.clone();
    let text = qrtext::encode(PREFIX, &card).expect("prefix");
    let fail = |name: &str, description: &str| Draft::new(&ctx, name, description);

    let mut b = card.clone();
    let n = b.len();
    b[n - 1] ^= 0x01;
    out.push(
        fail("fail-tampered-signature", "last signature byte flipped")
            .card(&b)
            .fails("bad_signature")
            .finish(&ctx),
    );

    let mut b = card.clone();
    let i = b
        .windows(6)
        .position(|w| w == &base.public_packed[..6])
        .expect("public part in card");
    b[i + 4] ^= 0x01;
    out.push(
        fail(
            "fail-tampered-public-part",
            "a help code in the signed public part changed",
        )
        .card(&b)
        .fails("bad_signature")
        .finish(&ctx),
    );

    let mut b = card.clone();
    b.push(0x00);
    out.push(
        fail("fail-trailing-bytes", "one byte after the COSE_Sign1")
            .card(&b)
            .fails("trailing_bytes")
            .finish(&ctx),
    );

    out.push(
        fail("fail-truncated", "the last 10 bytes cut off")
            .card(&card[..card.len() - 10])
            .fails("bad_cbor")
            .finish(&ctx),
    );

    let tagged = [&[0xd2][..], &card].concat();
    out.push(
        fail(
            "fail-tagged",
            "COSE_Sign1 with CBOR tag 18: the format is untagged",
        )
        .card(&tagged)
        .fails("bad_structure")
        .finish(&ctx),
    );

    let other = card::issue(
        &profile("02-autism-teen"),
        &ctx.other.issuer,
        Some(&ctx.world.responder.public_key()),
        ctx.validity,
        &mut StreamRng::from_seed(301),
    )
    .expect("issue");
    out.push(
        fail(
            "fail-unknown-issuer",
            "signed by a key that is not on the trust list",
        )
        .card(&other.bytes)
        .fails("unknown_issuer")
        .finish(&ctx),
    );

    let b = raw_sign1(
        &ctx.world.issuer,
        &protected(-8, &ctx.world.issuer.key_id().0, vec![]),
        &base.claims,
    );
    out.push(
        fail(
            "fail-alg-eddsa",
            "alg -8 (polymorphic EdDSA) instead of -19 (Ed25519)",
        )
        .card(&b)
        .fails("unsupported_algorithm")
        .finish(&ctx),
    );

    let b = raw_sign1(
        &ctx.world.issuer,
        &protected(
            -19,
            &ctx.world.issuer.key_id().0,
            vec![(2, Value::Array(vec![Value::from(99)]))],
        ),
        &base.claims,
    );
    out.push(
        fail(
            "fail-unknown-critical-header",
            "protected header marks unknown label 99 critical",
        )
        .card(&b)
        .fails("unknown_critical_header")
        .finish(&ctx),
    );

    // RFC 9052 §3.1: a critical label must be present in the protected bucket.
    let b = raw_sign1(
        &ctx.world.issuer,
        &protected(
            -19,
            &ctx.world.issuer.key_id().0,
            vec![(2, Value::Array(vec![Value::from(3)]))],
        ),
        &base.claims,
    );
    out.push(
        fail(
            "fail-crit-label-absent",
            "crit lists content type (3), but the card has no content type",
        )
        .card(&b)
        .fails("unknown_critical_header")
        .finish(&ctx),
    );

    let b = raw_sign1(
        &ctx.world.issuer,
        &protected(-19, &ctx.world.issuer.key_id().0[..2], vec![]),
        &base.claims,
    );
    out.push(
        fail("fail-short-kid", "2-byte kid")
            .card(&b)
            .fails("bad_length")
            .finish(&ctx),
    );

    // Duplicate claim: the cti entry repeated at the end (re-signed, so only strict decoding catches it).
    let cti_entry = [&[0x07, 0x48][..], &base.card_id.0].concat();
    let mut claims = base.claims.clone();
    claims[0] += 1;
    claims.extend_from_slice(&cti_entry);
    out.push(
        fail(
            "fail-duplicate-claim",
            "claims map repeats key 7 (cti); correctly signed",
        )
        .card(&resign(&ctx, &claims))
        .fails("duplicate_key")
        .finish(&ctx),
    );

    // Non-canonical integer: iat in 8 bytes instead of 4.
    let iat = ctx.validity.issued_at.0 as u32;
    let short = [&[0x06, 0x1a][..], &iat.to_be_bytes()].concat();
    let long = [&[0x06, 0x1b, 0, 0, 0, 0][..], &iat.to_be_bytes()].concat();
    let at = base
        .claims
        .windows(6)
        .position(|w| w == short.as_slice())
        .expect("iat in claims");
    let claims = [&base.claims[..at], &long, &base.claims[at + 6..]].concat();
    out.push(
        fail(
            "fail-non-canonical-integer",
            "iat encoded in 8 bytes; correctly signed",
        )
        .card(&resign(&ctx, &claims))
        .fails("non_canonical")
        .finish(&ctx),
    );

    let claims = with_content(&base, |items| items[0] = Value::from(1));
    out.push(
        fail(
            "fail-claims-version-1",
            "format version 1 (texts inline, DEFLATE) inside the signed claims",
        )
        .card(&resign(&ctx, &claims))
        .fails("unknown_version")
        .finish(&ctx),
    );

    let claims = with_content(&base, |items| items[0] = Value::from(2));
    out.push(
        fail(
            "fail-pre-release",
            "format version 2 (the pre-release format, text model ja-1) inside the signed claims: refused as made by a pre-release version",
        )
        .card(&resign(&ctx, &claims))
        .fails("pre_release")
        .finish(&ctx),
    );

    let mut d = fail("fail-expired", "scanned at the expiry instant")
        .card(&card)
        .fails("expired");
    d.now = ctx.validity.expires_at;
    out.push(d.finish(&ctx));

    let mut d = fail(
        "fail-not-yet-valid",
        "scanned a day before issue (beyond the 300 s skew)",
    )
    .card(&card)
    .fails("not_yet_valid");
    d.now = UnixTime(ctx.validity.issued_at.0 - DAY);
    out.push(d.finish(&ctx));

    let mut d = fail("fail-revoked", "the card id is on the revocation list")
        .card(&card)
        .fails("revoked");
    d.revocation_list = Some(revocations(&ctx, vec![CardId([1; 8]), base.card_id], None));
    out.push(d.finish(&ctx));

    let mut d = fail(
        "fail-revoked-before",
        "issued before the issuer's revoked-before time",
    )
    .card(&card)
    .fails("revoked");
    d.revocation_list = Some(revocations(
        &ctx,
        vec![],
        Some(UnixTime(ctx.validity.issued_at.0 + 1)),
    ));
    out.push(d.finish(&ctx));

    let mut d = fail(
        "fail-revoked-before-remembered",
        "no revocation list is held, but the scanner remembers the issuer's revoked-before time from an earlier list",
    )
    .card(&card)
    .fails("revoked");
    d.revocation_floors = Some(json!({
        "musashino": { "counter": 3, "revoked_before": ctx.validity.issued_at.0 + 1 }
    }));
    out.push(d.finish(&ctx));

    let mut d = fail(
        "fail-paused",
        "the issuer's list pauses the card: the public part verifies, the private part is not opened (even with the responder key)",
    )
    .card(&card)
    .fails("paused");
    d.revocation_list = Some(paused_list(
        &ctx,
        vec![CardId([1; 8])],
        None,
        vec![base.card_id, CardId([0xee; 8])],
    ));
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    let mut late = ctx.world.trust_list.clone();
    late.issuers[0].entry.not_before = UnixTime(ctx.validity.issued_at.0 + 1);
    let mut d = fail(
        "fail-issuer-key-not-yet-valid",
        "card issued before its key's validity window",
    )
    .card(&card)
    .fails("issuer_key_not_valid");
    d.trust_list = late.sign(&ctx.world.root);
    out.push(d.finish(&ctx));

    let mut d = fail(
        "fail-wrong-responder-key",
        "public part verifies; the private part is for another responder key",
    )
    .card(&card)
    .fails("no_matching_responder_key");
    d.responder_secret = DemoWorld::secrets(9)[2];
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    let claims = with_content(&base, |items| {
        let Value::Bytes(ct) = &mut cose_encrypt(items)[2] else {
            unreachable!("ciphertext")
        };
        ct[0] ^= 0x01;
    });
    let mut d = fail(
        "fail-tampered-ciphertext",
        "ciphertext altered, card re-signed: AEAD rejects",
    )
    .card(&resign(&ctx, &claims))
    .fails("decryption_failed");
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    let claims = with_content(&base, |items| {
        let Value::Array(recipients) = &mut cose_encrypt(items)[3] else {
            unreachable!("recipients")
        };
        let Value::Array(r) = &mut recipients[0] else {
            unreachable!("recipient")
        };
        let Value::Map(h) = &mut r[1] else {
            unreachable!("unprotected")
        };
        let Value::Map(key) = &mut h[1].1 else {
            unreachable!("ephemeral key")
        };
        key[2].1 = Value::Bytes(vec![0; 32]);
    });
    let mut d = fail(
        "fail-all-zero-shared-secret",
        "ephemeral key replaced by a small-order point (all-zero X25519 output)",
    )
    .card(&resign(&ctx, &claims))
    .fails("all_zero_shared_secret");
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    let claims = with_content(&base, |items| {
        cose_encrypt(items)[0] = Value::Bytes(cbor::encode(&int_map(vec![
            (1, Value::from(24)),
            (2, Value::Array(vec![Value::from(6)])),
        ])));
    });
    out.push(
        fail(
            "fail-crit-encrypt-partial-iv",
            "COSE_Encrypt marks the Partial IV (6) critical, which is not in its protected bucket",
        )
        .card(&resign(&ctx, &claims))
        .fails("unknown_critical_header")
        .finish(&ctx),
    );

    let claims = with_content(&base, |items| {
        cose_encrypt(items)[1] = int_map(vec![(5, Value::Bytes(vec![0; 12]))]);
    });
    out.push(
        fail(
            "fail-full-iv",
            "a 12-byte IV header instead of the format's Partial IV h'00'",
        )
        .card(&resign(&ctx, &claims))
        .fails("bad_length")
        .finish(&ctx),
    );

    let plaintext = base.plaintext.as_ref().expect("private");
    let claims = with_content(&base, |items| {
        items[2] = encrypt_raw(&ctx, &[&plaintext[..], &[0]].concat(), &base.card_id)
    });
    let mut d = fail(
        "fail-private-text-not-canonical",
        "private text stream with a zero byte appended: decodes to the same texts, but is not the coder's output",
    )
    .card(&resign(&ctx, &claims))
    .fails("bad_text");
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    // Follows the packing schema, but blood type code 99 does not exist.
    let bogus = packed::pack(
        &int_map(vec![(1, Value::from("x")), (4, Value::from(99))]),
        PRIVATE_SCHEMA,
    )
    .expect("pack");
    let claims = with_content(&base, |items| {
        items[2] = encrypt_raw(&ctx, &bogus, &base.card_id)
    });
    let mut d = fail(
        "fail-bad-private-profile",
        "decrypts to a packed private part with an unknown blood type code",
    )
    .card(&resign(&ctx, &claims))
    .fails("bad_profile");
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    let claims = with_content(&base, |items| {
        items[2] = encrypt_raw(
            &ctx,
            base.plaintext.as_ref().expect("private"),
            &CardId([0; 8]),
        )
    });
    let mut d = fail(
        "fail-private-part-from-other-card",
        "private part bound to another card id (external AAD)",
    )
    .card(&resign(&ctx, &claims))
    .fails("decryption_failed");
    d.expect["public_verified"] = json!(true);
    out.push(d.finish(&ctx));

    let claims = with_content(&base, |items| {
        items[1] = Value::Bytes([&base.public_packed[..], &[0]].concat())
    });
    out.push(
        fail(
            "fail-public-text-not-canonical",
            "public text stream with a zero byte appended; correctly signed",
        )
        .card(&resign(&ctx, &claims))
        .fails("bad_text")
        .finish(&ctx),
    );

    // QR text defects.
    out.push(
        fail("fail-qr-missing-fragment", "no '#' in the text")
            .qr_text(text.replacen('#', "/", 1))
            .fails("qr_missing_fragment")
            .finish(&ctx),
    );
    out.push(
        fail("fail-qr-digit-dropped", "one digit lost")
            .qr_text(text[..text.len() - 1].to_owned())
            .fails("qr_bad_digit_count")
            .finish(&ctx),
    );
    let hash = text.find('#').expect("#");
    let big = format!(
        "{}99999999999999999{}",
        &text[..hash + 2],
        &text[hash + 19..]
    );
    out.push(
        fail(
            "fail-qr-chunk-out-of-range",
            "a 17-digit chunk above 2^56-1",
        )
        .qr_text(big)
        .fails("qr_chunk_out_of_range")
        .finish(&ctx),
    );
    out.push(
        fail("fail-qr-not-digits", "a letter among the digits")
            .qr_text(format!("{}A{}", &text[..hash + 5], &text[hash + 6..]))
            .fails("qr_not_digits")
            .finish(&ctx),
    );
    out.push(
        fail("fail-qr-version-9", "format version digit 9")
            .qr_text(format!("{}9{}", &text[..hash + 1], &text[hash + 2..]))
            .fails("unknown_version")
            .finish(&ctx),
    );

    out
}
