#!/usr/bin/env python3
"""Independent verifier for the helpcard test vectors.

Uses only `cbor2` and `cryptography` (pinned in requirements.txt) and this file: none of the Rust
code. For every vector it decodes the QR text, verifies the trust list, the revocation list and
the card's COSE_Sign1 (Ed25519), checks times and revocation, decrypts the COSE_Encrypt
(ECDH-ES + HKDF-256 with X25519, ChaCha20/Poly1305) and decodes both parts' texts with the text
model (`helpcard-core/src/text/ja-1.model`, read by the ~70 lines of `TextModel` below). Valid
vectors must open and reproduce every recorded stage; failure vectors must be rejected.

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
MODEL_PATH = ROOT.parent / "helpcard-core" / "src" / "text" / "ja-1.model"
MAX_SYMBOLS = 4096


class Reject(Exception):
    """The card (or its private part) is rejected; args[0] is the outcome code."""


class TextModel:
    """The static text model and the arithmetic decoder (48-bit state, integer only)."""
    END, ESC = 0, 1
    BITS = 48

    def __init__(self, data):
        assert data[:5] == b"HCTM1", "model magic"
        self.data, self.pos = data, 5
        self.a0, self.a1 = self.int(), self.int()
        self.chars = [chr(self.int()) for _ in range(self.int())]
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
        """(sorted extra weights, total) after p2, p1: static order-0 plus sparse extras."""
        extra = {}
        rows = [self.o1.get(p1, {}), self.o2.get((p2, p1), {}),
                {s: n * self.a0 for s, n in seen.items()},
                {s: n * self.a1 for s, n in seen2.get(p1, {}).items()}]
        for row in rows:
            for sym, w in row.items():
                extra[sym] = extra.get(sym, 0) + w
        return sorted(extra.items()), self.cum0[-1] + sum(extra.values())

    def symbols(self, texts):
        """Yields (p2, p1, symbol, escaped code point or None) for every coded symbol."""
        index = {c: i + 2 for i, c in enumerate(self.chars)}
        for text in texts:
            p2 = p1 = self.END
            for c in list(text) + [None]:
                sym = self.END if c is None else index.get(c, self.ESC)
                yield p2, p1, sym, (ord(c) if sym == self.ESC else None)
                p2, p1 = p1, sym

    def encode(self, texts):
        full = 1 << self.BITS
        half, quarter, mask = full >> 1, full >> 2, full - 1
        low, high, pending, out = 0, mask, 0, []

        def put(total, cum, width):
            nonlocal low, high, pending
            span = high - low + 1
            low, high = low + cum * span // total, low + (cum + width) * span // total - 1
            while True:
                if (low ^ high) & half == 0:
                    bit = low >> (self.BITS - 1)
                    out.extend([bit] + [bit ^ 1] * pending)
                    pending = 0
                    low, high = (low << 1) & mask, ((high << 1) & mask) | 1
                elif low & ~high & quarter:
                    pending += 1
                    low, high = (low << 1) ^ half, ((high ^ half) << 1) | half | 1
                else:
                    return

        seen, seen2 = {}, {}
        for p2, p1, sym, cp in self.symbols(texts):
            order, total = self.distribution(p2, p1, seen, seen2)
            extra = dict(order)
            put(total, self.cum0[sym] + sum(w for s, w in order if s < sym), self.w0[sym] + extra.get(sym, 0))
            if cp is not None:
                put(0x110000, cp, 1)
            seen[sym] = seen.get(sym, 0) + 1
            seen2.setdefault(p1, {})[sym] = seen2.get(p1, {}).get(sym, 0) + 1
        if not texts:
            return b""
        out += [1] + [0] * pending
        out += [0] * (-len(out) % 8)
        data = bytes(int("".join(map(str, out[i:i + 8])), 2) for i in range(0, len(out), 8))
        return data.rstrip(b"\0")

    def decode(self, stream, count):
        """`count` strings from `stream`; Reject("bad_text") unless it is exactly the coding
        of those strings."""
        full = 1 << self.BITS
        half, quarter, mask = full >> 1, full >> 2, full - 1
        bits = iter([(byte >> (7 - i)) & 1 for byte in stream for i in range(8)])
        low, high, code = 0, mask, 0
        for _ in range(self.BITS):
            code = (code << 1) | next(bits, 0)

        def take(total, find):
            nonlocal low, high, code
            span = high - low + 1
            symbol, cum, width = find(((code - low + 1) * total - 1) // span)
            low, high = low + cum * span // total, low + (cum + width) * span // total - 1
            while True:
                if (low ^ high) & half == 0:
                    code = ((code << 1) & mask) | next(bits, 0)
                    low, high = (low << 1) & mask, ((high << 1) & mask) | 1
                elif low & ~high & quarter:
                    code = (code & half) | ((code << 1) & (mask >> 1)) | next(bits, 0)
                    low, high = (low << 1) ^ half, ((high ^ half) << 1) | half | 1
                else:
                    return symbol

        seen, seen2, texts, symbols = {}, {}, [], 0
        for _ in range(count):
            p2 = p1 = self.END
            text = ""
            while True:
                symbols += 1
                if symbols > MAX_SYMBOLS:
                    raise Reject("bad_text")
                order, total = self.distribution(p2, p1, seen, seen2)

                def find(value):
                    # Between symbols with extra weight the cumulative is cum0 plus a constant.
                    added, start = 0, 0
                    for sym, w in order:
                        if value < self.cum0[sym] + added:
                            break
                        if value < self.cum0[sym + 1] + added + w:
                            return sym, self.cum0[sym] + added, self.w0[sym] + w
                        added += w
                        start = sym + 1
                    sym = bisect.bisect_right(self.cum0, value - added, start) - 1
                    return sym, self.cum0[sym] + added, self.w0[sym]

                symbol = take(total, find)
                if symbol == self.ESC:
                    cp = take(0x110000, lambda v: (v, v, 1))
                    if 0xD800 <= cp < 0xE000:
                        raise Reject("bad_text")
                    text += chr(cp)
                elif symbol != self.END:
                    text += self.chars[symbol - 2]
                seen[symbol] = seen.get(symbol, 0) + 1
                seen2.setdefault(p1, {})[symbol] = seen2.get(p1, {}).get(symbol, 0) + 1
                p2, p1 = p1, symbol
                if symbol == self.END:
                    break
            texts.append(text)
        if self.encode(texts) != stream:
            raise Reject("bad_text")
        return texts


def unpack(data):
    """A packed part: CBOR structure with empty texts, then the text stream."""
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except Exception:
        raise Reject("bad_profile")
    structure = data[:stream.tell()]
    if cbor2.dumps(value, canonical=True) != structure:
        raise Reject("bad_profile")
    slots = []

    def walk(v, parent, key):
        if isinstance(v, str):
            if v:
                raise Reject("bad_profile")
            slots.append((parent, key))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, v, i)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, v, k)

    walk(value, None, None)
    texts = MODEL.decode(data[stream.tell():], len(slots))
    for (parent, key), text in zip(slots, texts):
        parent[key] = text
    return value


MODEL = TextModel(MODEL_PATH.read_bytes())


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


def check_protected(data, alg):
    header = strict(data)
    if not isinstance(header, dict):
        raise Reject("bad_structure")
    if 2 in header and any(label not in (1, 3, 4, 5, -1) for label in header[2]):
        raise Reject("unknown_critical_header")
    if header.get(1) != alg:
        raise Reject("unsupported_algorithm")
    return header


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


def load_revocations(data, issuers):
    header, sign1 = parse_sign1(data)
    assert header.get(3) == "helpcard-revocations/1", "revocation list content type"
    signer = issuers[header[4]]
    verify_sign1(sign1, signer[2])
    body = strict(sign1[2])
    assert body[2] == signer[6], "revocation list issuer"
    return body


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
    aad = cbor2.dumps(["Encrypt", protected, cti])
    try:
        plaintext = ChaCha20Poly1305(cek).decrypt(iv, ciphertext, aad)
    except InvalidTag:
        raise Reject("decryption_failed")
    private = unpack(plaintext)
    private_cbor = cbor2.dumps(private, canonical=True)
    if not isinstance(private, dict) or 1 not in private or not set(private) <= set(range(1, 18)):
        raise Reject("bad_profile")
    return plaintext, private_cbor


def open_vector(v):
    """Returns (outcome, details) for one vector."""
    keys = v["keys"]
    now = v["now"]
    issuers = load_trust_list(bytes.fromhex(v["trust_list"]), bytes.fromhex(keys["root_public"]))
    revocations = None
    if v["revocation_list"]:
        revocations = load_revocations(bytes.fromhex(v["revocation_list"]), issuers)
    details = {}
    try:
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
        if content[0] != 2:
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
        public = unpack(content[1])
        if not isinstance(public, dict) or not set(public) <= {1, 2}:
            raise Reject("bad_profile")
        details.update(card_id=cti.hex(), claims=sign1[2].hex(), cose_sign1=card.hex(),
                       public_packed=content[1].hex(),
                       public_cbor=cbor2.dumps(public, canonical=True).hex())
        details["public_verified"] = True
        if len(content) == 3 and v["open_with_responder_key"]:
            plaintext, private_cbor = decrypt(content[2], bytes.fromhex(keys["responder_secret"]),
                                              bytes.fromhex(keys["responder_kid"]), cti)
            details.update(plaintext=plaintext.hex(), private_cbor=private_cbor.hex(),
                           cose_encrypt=cbor2.dumps(content[2], canonical=True).hex())
        return "ok", details
    except Reject as r:
        return r.args[0], details


def main():
    directory = ROOT / "v2"
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
                          "private_cbor", "cose_encrypt"):
                if stage in details and details[stage] != v["stages"][stage]:
                    failures.append(f"{name}: stage {stage} differs")
            if v["open_with_responder_key"] and v["stages"]["private_cbor"] and "private_cbor" not in details:
                failures.append(f"{name}: private part not decrypted")
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
