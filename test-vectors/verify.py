#!/usr/bin/env python3
"""Independent verifier for the helpcard test vectors.

Uses only `cbor2` and `cryptography` (pinned in requirements.txt) and this file: none of the Rust
code. For every vector it decodes the QR text, verifies the trust list, the revocation list and
the card's COSE_Sign1 (Ed25519), checks times and revocation, and decrypts the COSE_Encrypt
(ECDH-ES + HKDF-256 with X25519, ChaCha20/Poly1305, optional raw DEFLATE). Valid vectors must
open and reproduce every recorded stage; failure vectors must be rejected.

Exit status 0 only if every vector behaves as expected.
"""
import hashlib
import io
import json
import pathlib
import sys
import zlib

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


class Reject(Exception):
    """The card (or its private part) is rejected; args[0] is the outcome code."""


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
    if len(kid) != 8 or len(signature) != 64:
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
    return hashlib.sha256(label + public).digest()[:8]


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
    iv = unprotected.get(5, b"")
    if len(iv) != 12:
        raise Reject("bad_length")
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
    if plaintext[:1] == b"\x01":
        try:
            inflater = zlib.decompressobj(-15)
            private_cbor = inflater.decompress(plaintext[1:], 65536)
            if not inflater.eof or inflater.unused_data:
                raise zlib.error("incomplete")
        except zlib.error:
            raise Reject("bad_compression")
    elif plaintext[:1] == b"\x00":
        private_cbor = plaintext[1:]
    else:
        raise Reject("bad_structure")
    try:
        private = strict(private_cbor)
    except Reject:
        raise Reject("bad_profile")
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
        if content[0] != 1:
            raise Reject("unknown_version")
        if not issuer[4] <= iat < issuer[5]:
            raise Reject("issuer_key_not_valid")
        if now + CLOCK_SKEW < iat:
            raise Reject("not_yet_valid")
        if now >= exp:
            raise Reject("expired")
        if revocations is not None:
            if cti in revocations[6] or (7 in revocations and iat < revocations[7]):
                raise Reject("revoked")
        details.update(card_id=cti.hex(), claims=sign1[2].hex(), cose_sign1=card.hex(),
                       public_cbor=cbor2.dumps(content[1], canonical=True).hex())
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
    directory = pathlib.Path(__file__).parent / "v1"
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
            for stage in ("cose_sign1", "claims", "public_cbor", "plaintext", "private_cbor", "cose_encrypt"):
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
