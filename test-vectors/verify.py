#!/usr/bin/env python3
"""Independent verifier for the helpcard test vectors, written from SPEC.md.

Uses only `cbor2` and `cryptography` (pinned in requirements.txt) and this file: none of the Rust
code. Section numbers (§) refer to SPEC.md. For every vector it decodes the QR text (§2),
verifies the trust list (§10), the revocation lists (§11) and the card's COSE_Sign1 (§3),
checks the claims, times and revocation (§4, §12), derives the content key and decrypts the
COSE_Encrypt (§5), and unpacks both parts (§6, §8) with the text model file (§7.1,
`helpcard-core/src/text/ja-2.model`, read by `TextModel`) and the arithmetic coder (§7.2,
`Coder`, `Writer` and `Reader` below). Valid vectors must open and reproduce every recorded
stage, and their content key alone must open the private part; failure vectors must be
rejected.

What this file shows an implementer must get exactly right (SPEC.md §14): strict deterministic
CBOR inside every bstr; the zero nonce; the KDF context built from the recipient header bytes
as they are on the card; the card id as external AAD; a bit-exact coder whose texts share one
adaptive state per part; re-encoding to check canonical packed parts; `crit` labels present.

Exit status 0 only if every vector behaves as expected.
"""
import bisect
import hashlib
import io
import json
import pathlib
import sys

import cbor2
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CLAIM_HELPCARD = -65537
CLOCK_SKEW = 300
WIDTHS = [0, 3, 5, 8, 10, 13, 15, 17]
KID_LEN = 4
ROOT = pathlib.Path(__file__).resolve().parent
MODEL_PATH = ROOT.parent / "helpcard-core" / "src" / "text" / "ja-2.model"
MAX_SYMBOLS = 4096


class Reject(Exception):
    """The card (or its private part) is rejected; args[0] is the outcome code."""


# SPEC.md §7.1 model file
class TextModel:
    """The static text model file: alphabet, order-0 weights, sparse order-1/2 rows."""
    END, ESC = 0, 1

    def __init__(self, data):
        assert data[:5] == b"HCTM1", "model magic"
        self.data, self.pos = data, 5
        self.a0, self.a1 = self.int(), self.int()
        self.chars = [chr(self.int()) for _ in range(self.int())]
        self.index = {c: i + 2 for i, c in enumerate(self.chars)}
        self.w0 = [self.int() for _ in range(len(self.chars) + 2)]
        self.cum0 = [0]
        for w in self.w0:
            self.cum0.append(self.cum0[-1] + w)
        self.o1 = {self.int(): self.row() for _ in range(self.int())}
        self.o2 = {}
        for _ in range(self.int()):
            a, b = self.int(), self.int()
            self.o2[a, b] = self.row()
        assert self.pos == len(data), "model length"

    def int(self):  # unsigned LEB128
        n = shift = 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            n |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return n

    def row(self):
        row, last = {}, 0
        for _ in range(self.int()):
            last += self.int()
            row[last] = self.int()
        return row

    def distribution(self, p2, p1, seen, seen2):
        """(extra weights sorted by symbol, total) after p2, p1."""
        extra = {}
        rows = [self.o1.get(p1, {}), self.o2.get((p2, p1), {}),
                {s: n * self.a0 for s, n in seen.items()},
                {s: n * self.a1 for s, n in seen2.get(p1, {}).items()}]
        for row in rows:
            for sym, w in row.items():
                extra[sym] = extra.get(sym, 0) + w
        return sorted(extra.items()), self.cum0[-1] + sum(extra.values())


BITS = 48
FULL, HALF, QUARTER, MASK = 1 << BITS, 1 << (BITS - 1), 1 << (BITS - 2), (1 << BITS) - 1
MAX_COUNT = 126


# SPEC.md §7.2 arithmetic coder (shared state of Writer and Reader)
class Coder:
    """Arithmetic coder state (48 bits, integer only) plus the text model's memory."""

    def __init__(self):
        self.low, self.high = 0, MASK
        self.seen, self.seen2, self.symbols = {}, {}, 0

    def narrow(self, total, cum, width):
        span = self.high - self.low + 1
        self.low, self.high = (self.low + cum * span // total,
                               self.low + (cum + width) * span // total - 1)
        while True:
            if (self.low ^ self.high) & HALF == 0:
                self.step(self.low >> (BITS - 1))
                self.low, self.high = (self.low << 1) & MASK, ((self.high << 1) & MASK) | 1
            elif self.low & ~self.high & QUARTER:
                self.step(None)
                self.low, self.high = (self.low << 1) ^ HALF, ((self.high ^ HALF) << 1) | HALF | 1
            else:
                return

    def learn(self, p1, sym):
        self.seen[sym] = self.seen.get(sym, 0) + 1
        row = self.seen2.setdefault(p1, {})
        row[sym] = row.get(sym, 0) + 1

    def count_symbols(self, n):
        self.symbols += n
        if self.symbols > MAX_SYMBOLS:
            raise Reject("bad_text")


class Writer(Coder):
    def __init__(self):
        super().__init__()
        self.bits, self.pending = [], 0

    def step(self, bit):
        if bit is None:
            self.pending += 1
        else:
            self.bits += [bit] + [bit ^ 1] * self.pending
            self.pending = 0

    def flag(self, bit):
        self.narrow(2, int(bit), 1)

    def count(self, n):
        if n > MAX_COUNT:
            raise Reject("bad_text")
        m = n + 1
        bits = m.bit_length() - 1
        for _ in range(bits):
            self.flag(False)
        self.flag(True)
        for i in reversed(range(bits)):
            self.flag(m >> i & 1)

    def uint(self, v):
        while True:
            byte, v = v & 0x7F, v >> 7
            self.narrow(256, byte | (0x80 if v else 0), 1)
            if not v:
                return

    def text(self, text):
        self.count_symbols(len(text) + 1)
        p2 = p1 = MODEL.END
        for c in list(text) + [None]:
            sym = MODEL.END if c is None else MODEL.index.get(c, MODEL.ESC)
            order, total = MODEL.distribution(p2, p1, self.seen, self.seen2)
            below = sum(w for s, w in order if s < sym)
            self.narrow(total, MODEL.cum0[sym] + below, MODEL.w0[sym] + dict(order).get(sym, 0))
            if sym == MODEL.ESC:
                self.narrow(0x110000, ord(c), 1)
            self.learn(p1, sym)
            p2, p1 = p1, sym

    def finish(self):
        bits = self.bits + [1] + [0] * self.pending
        bits += [0] * (-len(bits) % 8)
        data = bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8))
        return data.rstrip(b"\0")


class Reader(Coder):
    def __init__(self, stream):
        super().__init__()
        self.bits = iter([(byte >> (7 - i)) & 1 for byte in stream for i in range(8)])
        self.code = 0
        for _ in range(BITS):
            self.code = (self.code << 1) | next(self.bits, 0)

    def step(self, bit):
        fresh = next(self.bits, 0)
        if bit is None:
            self.code = (self.code & HALF) | ((self.code << 1) & (MASK >> 1)) | fresh
        else:
            self.code = ((self.code << 1) & MASK) | fresh

    def take(self, total, find=lambda v: (v, v, 1)):
        span = self.high - self.low + 1
        symbol, cum, width = find(((self.code - self.low + 1) * total - 1) // span)
        self.narrow(total, cum, width)
        return symbol

    def flag(self):
        return self.take(2) == 1

    def count(self):
        bits = 0
        while not self.flag():
            bits += 1
            if bits > MAX_COUNT.bit_length() - 1:
                raise Reject("bad_text")
        m = 1
        for _ in range(bits):
            m = m << 1 | self.flag()
        if m - 1 > MAX_COUNT:
            raise Reject("bad_text")
        return m - 1

    def uint(self):
        v = 0
        for shift in range(0, 64, 7):
            byte = self.take(256)
            v |= (byte & 0x7F) << shift
            if byte < 0x80:
                if v >= 1 << 64:
                    raise Reject("bad_text")
                return v
        raise Reject("bad_text")

    def text(self):
        p2 = p1 = MODEL.END
        text = ""
        while True:
            self.count_symbols(1)
            order, total = MODEL.distribution(p2, p1, self.seen, self.seen2)

            def find(value):
                # Between symbols with extra weight the cumulative is cum0 plus a constant.
                added, start = 0, 0
                for sym, w in order:
                    if value < MODEL.cum0[sym] + added:
                        break
                    if value < MODEL.cum0[sym + 1] + added + w:
                        return sym, MODEL.cum0[sym] + added, MODEL.w0[sym] + w
                    added += w
                    start = sym + 1
                sym = bisect.bisect_right(MODEL.cum0, value - added, start) - 1
                return sym, MODEL.cum0[sym] + added, MODEL.w0[sym]

            sym = self.take(total, find)
            if sym == MODEL.ESC:
                cp = self.take(0x110000)
                if 0xD800 <= cp < 0xE000:
                    raise Reject("bad_text")
                text += chr(cp)
            elif sym != MODEL.END:
                text += MODEL.chars[sym - 2]
            self.learn(p1, sym)
            p2, p1 = p1, sym
            if sym == MODEL.END:
                return text


# The parts' layouts (SPEC.md §8): (key, kind, required).
TEXT, UINT, INT, TRUE = "text", "uint", "int", "true"
PLACE = [(1, TEXT, True), (2, TEXT, False)]
CONTACT = [(1, TEXT, True), (2, UINT, False), (3, TEXT, True), (4, TRUE, False)]
PUBLIC = [(1, ("list", UINT), False), (2, TEXT, False)]
PRIVATE = [(1, TEXT, True), (2, TEXT, False), (3, INT, False), (4, UINT, False),
           (5, ("list", UINT), False), (6, ("list", UINT), False), (7, TEXT, False),
           (8, TEXT, False), (9, ("list", TEXT), False), (10, ("list", TEXT), False),
           (11, ("list", UINT), False), (12, TEXT, False), (13, ("map", PLACE), False),
           (14, ("list", ("map", CONTACT)), False), (15, ("map", PLACE), False),
           (16, TEXT, False), (17, UINT, False)]


def pack(value, schema, w):
    for key, kind, required in schema:
        if not required:
            w.flag(key in value)
        if key in value:
            put(value[key], kind, w)


def put(v, kind, w):
    if kind == TEXT:
        w.text(v)
    elif kind == UINT:
        w.uint(v)
    elif kind == INT:
        w.uint((v << 1) ^ (v >> 63))
    elif kind == TRUE:
        pass
    elif kind[0] == "list":
        w.count(len(v))
        for item in v:
            put(item, kind[1], w)
    else:
        pack(v, kind[1], w)


def get(kind, r):
    if kind == TEXT:
        return r.text()
    if kind == UINT:
        return r.uint()
    if kind == INT:
        z = r.uint()
        return (z >> 1) ^ -(z & 1)
    if kind == TRUE:
        return True
    if kind[0] == "list":
        return [get(kind[1], r) for _ in range(r.count())]
    return read_map(kind[1], r)


def read_map(schema, r):
    return {key: get(kind, r) for key, kind, required in schema if required or r.flag()}


def valid_private(p):
    """The profile rules the packing schema does not already enforce (SPEC.md §8)."""
    codes = [c for k in (5, 6, 11) for c in p.get(k, [])] + [c.get(2, 1) for c in p.get(14, [])]
    texts = [p[k] for k in (2, 7, 8, 12, 16) if k in p] + p.get(9, [])
    texts += [place[2] for place in (p.get(13), p.get(15)) if place and 2 in place]
    return (all(1 <= c <= 0xFFFF for c in codes) and all(texts)
            and all(p[k] for k in (5, 6, 9, 11, 14) if k in p)
            and 1 <= p.get(4, 1) <= 12 and p.get(17, 1) in (1, 2))


# SPEC.md §6 packed parts
def unpack(data, schema):
    """A packed part (SPEC.md §6): the part's fields in schema order, texts
    through the text model. Only the packer's own output is accepted."""
    value = read_map(schema, Reader(data))
    w = Writer()
    pack(value, schema, w)
    if w.finish() != data:
        raise Reject("bad_text")
    return value


MODEL = TextModel(MODEL_PATH.read_bytes())


# SPEC.md §2 QR text
def qr_decode(text):
    if "#" not in text:
        raise Reject("qr_missing_fragment")
    digits = text.split("#", 1)[1]
    if not digits.isdigit() or not digits.isascii():
        raise Reject("qr_not_digits" if digits else "qr_bad_digit_count")
    if digits[0] != "1":
        raise Reject("unknown_version")
    digits = digits[1:]
    rest = len(digits) % 17
    if rest not in WIDTHS:
        raise Reject("qr_bad_digit_count")
    out = bytearray()
    for i in range(0, len(digits), 17):
        chunk = digits[i:i + 17]
        n = 7 if len(chunk) == 17 else WIDTHS.index(len(chunk))
        value = int(chunk)
        if value >= 256 ** n:
            raise Reject("qr_chunk_out_of_range")
        out += value.to_bytes(n, "big")
    return bytes(out)


# SPEC.md §1 strict deterministic CBOR
def strict(data):
    """One CBOR item, no trailing bytes, in canonical form (re-encoding gives the same bytes)."""
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except Exception:
        raise Reject("bad_cbor")
    if stream.tell() != len(data):
        raise Reject("trailing_bytes")
    if cbor2.dumps(value, canonical=True) != data:
        # cbor2 keeps the last of duplicate keys, so duplicates show up here too.
        raise Reject("non_canonical")
    return value


# SPEC.md §3 protected header and crit
def check_protected(data, alg):
    header = strict(data)
    if not isinstance(header, dict):
        raise Reject("bad_structure")
    # RFC 9052 section 3.1: every label in crit must be understood (this format reads alg 1,
    # content type 3 and kid 4 from a protected header) and present in the protected bucket.
    if 2 in header and any(label not in (1, 3, 4) or label not in header for label in header[2]):
        raise Reject("unknown_critical_header")
    if header.get(1) != alg:
        raise Reject("unsupported_algorithm")
    return header


# SPEC.md §3 COSE_Sign1
def parse_sign1(data):
    sign1 = strict(data)
    if not isinstance(sign1, list) or len(sign1) != 4:
        raise Reject("bad_structure")
    protected, unprotected, payload, signature = sign1
    header = check_protected(protected, -19)
    if unprotected != {} or not isinstance(payload, bytes):
        raise Reject("bad_structure")
    kid = header.get(4, b"")
    if len(kid) != KID_LEN or len(signature) != 64:
        raise Reject("bad_length")
    return header, sign1


def verify_sign1(sign1, public):
    protected, _, payload, signature = sign1
    tbs = cbor2.dumps(["Signature1", protected, b"", payload])
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, tbs)
    except InvalidSignature:
        raise Reject("bad_signature")


def key_id(label, public):
    return hashlib.sha256(label + public).digest()[:KID_LEN]


# SPEC.md §10 trust lists
def load_trust_list(data, root_public):
    header, sign1 = parse_sign1(data)
    assert header.get(3) == "helpcard-trust-list/1", "trust list content type"
    assert header[4] == key_id(b"helpcard ed25519 key id\0", root_public), "root kid"
    verify_sign1(sign1, root_public)
    body = strict(sign1[2])
    issuers = {}
    for entry in body[5]:
        assert entry[1] == key_id(b"helpcard ed25519 key id\0", entry[2]), "issuer kid"
        issuers[entry[1]] = entry
    for entry in body[6]:
        assert entry[1] == key_id(b"helpcard x25519 key id\0", entry[2]), "responder kid"
    return issuers


MAX_LIST_LIFETIME = 366 * 86400


# SPEC.md §11 revocation lists
def load_revocations(data, issuers, now, held=None):
    """A revocation list as a scanner accepts it, or Reject("list_..."): signed by a key of the
    issuer it names, valid at the list's issue time, next update within a year of the issue time
    and still ahead, and not older than the list already held (a rollback)."""
    header, sign1 = parse_sign1(data)
    if header.get(3) != "helpcard-revocations/1":
        raise Reject("list_wrong_type")
    signer = issuers.get(header[4])
    if signer is None:
        raise Reject("list_unknown_signer")
    verify_sign1(sign1, signer[2])
    body = strict(sign1[2])
    if body[2] != signer[6]:
        raise Reject("list_unknown_signer")
    issued_at, next_update = body[4], body[5]
    if not signer[4] <= issued_at < signer[5]:
        raise Reject("list_signer_not_valid")
    if not issued_at < next_update <= issued_at + MAX_LIST_LIFETIME:
        raise Reject("list_unbounded")
    if now >= next_update:
        raise Reject("list_expired")
    if held is not None and body != held and body[3] <= held[3]:
        raise Reject("list_older")
    # Key 8, paused cards: present only when it names one, 8-byte ids strictly ascending.
    paused = body.get(8)
    if paused is not None and (not paused or any(len(c) != 8 for c in paused)
                               or any(a >= b for a, b in zip(paused, paused[1:]))):
        raise Reject("list_malformed")
    return body


# SPEC.md §5 COSE_Encrypt and §5.1 content key
def decrypt(enc, responder_secret, responder_kid, cti):
    if not isinstance(enc, list) or len(enc) != 4:
        raise Reject("bad_structure")
    protected, unprotected, ciphertext, recipients = enc
    check_protected(protected, 24)
    # The only IV the format has: Partial IV h'00' over a zero Base IV (RFC 9052 section 3.1).
    if unprotected != {6: b"\x00"}:
        raise Reject("bad_length")
    iv = bytes(12)
    if len(recipients) != 1 or len(recipients[0]) != 3:
        raise Reject("bad_structure")
    r_protected, r_unprotected, r_ciphertext = recipients[0]
    check_protected(r_protected, -25)
    if r_ciphertext != b"":
        raise Reject("bad_structure")
    ephemeral = r_unprotected[-1]
    if ephemeral.get(1) != 1 or ephemeral.get(-1) != 4:
        raise Reject("unsupported_algorithm")
    if r_unprotected[4] != responder_kid:
        raise Reject("no_matching_responder_key")
    try:
        shared = X25519PrivateKey.from_private_bytes(responder_secret).exchange(
            X25519PublicKey.from_public_bytes(ephemeral[-2]))
    except ValueError:  # cryptography refuses an all-zero shared secret
        raise Reject("all_zero_shared_secret")
    context = cbor2.dumps([24, [None, None, None], [None, None, None], [256, r_protected]])
    cek = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=context).derive(shared)
    plaintext, private_cbor = decrypt_with_content_key(enc, cek, cti)
    return plaintext, private_cbor, cek


# SPEC.md §5.2 decryption with a content key
def decrypt_with_content_key(enc, cek, cti):
    """The second step alone: what a browser does with the content key a key service returns."""
    protected, _, ciphertext, _ = enc
    aad = cbor2.dumps(["Encrypt", protected, cti])
    try:
        plaintext = ChaCha20Poly1305(cek).decrypt(bytes(12), ciphertext, aad)
    except InvalidTag:
        raise Reject("decryption_failed")
    private = unpack(plaintext, PRIVATE)
    private_cbor = cbor2.dumps(private, canonical=True)
    if not valid_private(private):
        raise Reject("bad_profile")
    return plaintext, private_cbor


# SPEC.md §12 order of checks
def open_vector(v):
    """Returns (outcome, details) for one vector."""
    keys = v["keys"]
    now = v["now"]
    issuers = load_trust_list(bytes.fromhex(v["trust_list"]), bytes.fromhex(keys["root_public"]))
    revocations = None
    details = {}
    try:
        if v.get("revocation_list_held"):
            revocations = load_revocations(bytes.fromhex(v["revocation_list_held"]), issuers,
                                           v["lists_loaded_at"])
        if v["revocation_list"]:
            revocations = load_revocations(bytes.fromhex(v["revocation_list"]), issuers,
                                           v["lists_loaded_at"], revocations)
        card = qr_decode(v["stages"]["qr_text"])
        header, sign1 = parse_sign1(card)
        issuer = issuers.get(header[4])
        if issuer is None:
            raise Reject("unknown_issuer")
        verify_sign1(sign1, issuer[2])
        claims = strict(sign1[2])
        if set(claims) != {4, 6, 7, CLAIM_HELPCARD}:
            raise Reject("bad_structure")
        exp, iat, cti, content = claims[4], claims[6], claims[7], claims[CLAIM_HELPCARD]
        if content[0] == 2:
            # The pre-release format (text model ja-1): refused as such (§4).
            raise Reject("pre_release")
        if content[0] != 3:
            raise Reject("unknown_version")
        if not isinstance(content[1], bytes):
            raise Reject("bad_structure")
        if not issuer[4] <= iat < issuer[5]:
            raise Reject("issuer_key_not_valid")
        if now + CLOCK_SKEW < iat:
            raise Reject("not_yet_valid")
        if now >= exp:
            raise Reject("expired")
        if revocations is not None:
            if cti in revocations[6] or (7 in revocations and iat < revocations[7]):
                raise Reject("revoked")
        # A revoked-before time remembered from earlier lists holds with or without a list now.
        floor = (v.get("revocation_floors") or {}).get(issuer[6]) or {}
        if floor.get("revoked_before") is not None and iat < floor["revoked_before"]:
            raise Reject("revoked")
        public = unpack(content[1], PUBLIC)
        help_codes = public.get(1, [1])
        if not help_codes or not all(1 <= c <= 0xFFFF for c in help_codes) or public.get(2) == "":
            raise Reject("bad_profile")
        details.update(card_id=cti.hex(), claims=sign1[2].hex(), cose_sign1=card.hex(),
                       public_packed=content[1].hex(),
                       public_cbor=cbor2.dumps(public, canonical=True).hex())
        details["public_verified"] = True
        if len(content) == 3 and revocations is not None and cti in revocations.get(8, []):
            # Paused by the holder (§11): the public part stands, the private part stays shut.
            return "paused", details
        if len(content) == 3 and v["open_with_responder_key"]:
            plaintext, private_cbor, cek = decrypt(content[2], bytes.fromhex(keys["responder_secret"]),
                                                   bytes.fromhex(keys["responder_kid"]), cti)
            details.update(plaintext=plaintext.hex(), private_cbor=private_cbor.hex(),
                           cose_encrypt=cbor2.dumps(content[2], canonical=True).hex(),
                           content_key=cek.hex())
            if v["stages"].get("content_key"):
                # The key-service path: the vector's content key alone opens the same part.
                alone = decrypt_with_content_key(content[2], bytes.fromhex(v["stages"]["content_key"]), cti)
                details["content_key_path"] = alone[1] == private_cbor
        return "ok", details
    except Reject as r:
        return r.args[0], details


def main():
    directory = ROOT / "v3"
    files = sorted(directory.glob("*.json"))
    failures, exact = [], 0
    for path in files:
        v = json.loads(path.read_text(encoding="utf-8"))
        expected = v["expect"]["outcome"]
        outcome, details = open_vector(v)
        name = path.stem
        if expected == "ok":
            if outcome != "ok":
                failures.append(f"{name}: valid vector rejected ({outcome})")
                continue
            if details["card_id"] != v["expect"]["card_id"]:
                failures.append(f"{name}: card id differs")
            for stage in ("cose_sign1", "claims", "public_packed", "public_cbor", "plaintext",
                          "private_cbor", "cose_encrypt", "content_key"):
                if stage in details and details[stage] != v["stages"][stage]:
                    failures.append(f"{name}: stage {stage} differs")
            if v["open_with_responder_key"] and v["stages"]["private_cbor"] and "private_cbor" not in details:
                failures.append(f"{name}: private part not decrypted")
            if details.get("content_key_path") is False:
                failures.append(f"{name}: the content key alone does not open the same private part")
        elif outcome == "ok" and not details.get("public_verified"):
            failures.append(f"{name}: failure vector accepted")
        elif outcome == "ok":
            failures.append(f"{name}: private part opened, but {expected} expected")
        elif outcome != expected:
            # Still rejected; cbor2 cannot tell some defects apart (e.g. duplicates vs order).
            print(f"note: {name}: rejected as {outcome}, vector says {expected}")
        exact += outcome == expected
        print(f"{'ok' if outcome == expected else '~ '} {name}: {outcome}")
    passed = len(files) - len({f.split(':')[0] for f in failures})
    for f in failures:
        print(f"FAIL {f}")
    print(f"{exact} of {len(files)} vectors give exactly the expected outcome")
    print(f"{passed} passed, {len(files) - passed} failed")
    return 0 if not failures and files else 1


if __name__ == "__main__":
    sys.exit(main())
