#!/usr/bin/env python3
"""What a smaller text model would cost: download size against card text size.

The browser's page carries the text model (`ja-2` in format 3; `ja-1` in format 2), which
is most of its download. This script rebuilds the model with `build-text-model.py`'s recipe, pruned harder
(contexts rarer than MIN_CONTEXT and row entries below MIN_SHARE dropped), and prints for each:
its size raw, packed as the code carries it (`helpcard-core/src/text/compact.rs`) under gzip -9
and Brotli 11, and how many bytes the texts of the eight reference profiles (`profiles/`) and
of 240 held-out cards (`scripts/heldout_card_texts.py`: written for this, not training data)
take when coded with it by the independent verifier's coder (`test-vectors/verify.py`, SPEC §7);
then the smallest model within 1 % of ja-1 on both.
The baseline is ja-1 as format 2 shipped it (read from the history: it has left the tree);
the committed `ja-2.model` is the row this script chose. Nothing here changes the format: another model would be a new model
(ja-3) under a new format version.

    python3 -m venv /tmp/tm
    /tmp/tm/bin/pip install wordfreq==3.1.1 brotli -r test-vectors/requirements.txt
    /tmp/tm/bin/python scripts/text-model-tradeoff.py
"""
import gzip
import importlib.util
import subprocess
import pathlib
import sys
import tomllib

import brotli

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "test-vectors"))
sys.path.insert(0, str(ROOT / "scripts"))
import verify  # noqa: E402  (the independent coder)
from heldout_card_texts import cards as heldout_cards  # noqa: E402

# ja-1's recipe, and the last commit whose tree held ja-1.model (format 2).
JA1 = (2e-6, 0.004)
JA1_COMMIT = "158195c33457d9ab0b12f5eed67e064bf53acf4c"
GRID = [(2e-6, 0.004), (1e-5, 0.004), (2e-5, 0.004), (2e-5, 0.008), (2e-5, 0.015), (2e-5, 0.03), (5e-5, 0.015), (1e-4, 0.03)]


def load_builder():
    spec = importlib.util.spec_from_file_location("build_text_model", ROOT / "scripts" / "build-text-model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def leb(n):
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def compact(model):
    """The packing of compact.rs: weights as three byte planes, then one LEB128 stream per kind."""
    m = verify.TextModel(model)
    streams = {k: [] for k in ("header", "count", "code point", "context", "delta")}
    weights = list(m.w0)
    streams["header"] += [m.a0, m.a1]
    streams["count"].append(len(m.chars))
    previous = 0
    for c in m.chars:
        streams["code point"].append(ord(c) - previous)
        previous = ord(c)

    def rows(table, contexts):
        streams["count"].append(len(table))
        for key in sorted(table):
            streams["context"] += contexts(key)
            entries = table[key]
            streams["count"].append(len(entries))
            last = 0
            for symbol, weight in sorted(entries.items()):
                streams["delta"].append(symbol - last)
                last = symbol
                weights.append(weight)

    rows(m.o1, lambda a: [a])
    rows(m.o2, lambda ab: list(ab))
    out = bytearray(b"HCTC1") + leb(len(weights))
    for shift in (16, 8, 0):
        out += bytes(w >> shift & 0xFF for w in weights)
    for values in streams.values():
        data = b"".join(leb(v) for v in values)
        out += leb(len(data)) + data
    return bytes(out)


def profile_texts():
    """Each reference profile's public and private texts, in schema order."""
    parts = []
    for path in sorted((ROOT / "profiles").glob("*.toml")):
        p = tomllib.loads(path.read_text("utf-8"))
        q = p.get("private", {})
        private = [q.get(k, "") for k in ("name", "name_kana", "how_to_help", "avoid")]
        private += q.get("medications", []) + q.get("allergies", []) + [q.get("medical_care_notes", "")]
        for place in (q.get("hospital"), q.get("support_office")):
            if place:
                private += [place.get("name", ""), place.get("phone", "")]
        for contact in q.get("contacts", []):
            private += [contact.get("name", ""), contact.get("phone", "")]
        private.append(q.get("notes", ""))
        parts += [[p.get("public", {}).get("message", "")], private]
    return [[t for t in part if t] for part in parts]


def coded_bytes(model, parts):
    verify.MODEL = verify.TextModel(model)
    total = 0
    for part in parts:
        w = verify.Writer()
        for text in part:
            w.text(text)
        total += len(w.finish())
    return total


def main():
    builder = load_builder()
    parts = profile_texts()
    heldout = [[t for t in part if t] for card in heldout_cards() for part in card]
    utf8 = sum(len(t.encode()) for part in parts for t in part)
    heldout_utf8 = sum(len(t.encode()) for part in heldout for t in part)
    committed = (ROOT / "helpcard-core/src/text/ja-2.model").read_bytes()
    assert compact(committed) == (ROOT / "helpcard-core/src/text/ja-2.compact").read_bytes(), \
        "this packing is not compact.rs's"
    # The baseline is ja-1 as format 2 shipped it, from the history (it has left the tree):
    # rebuilt today its recipe gives another file, the vocabulary having grown since.
    ja1 = subprocess.run(["git", "-C", str(ROOT), "show", f"{JA1_COMMIT}:helpcard-core/src/text/ja-1.model"],
                         check=True, capture_output=True).stdout
    models = [("ja-1 (format 2, as shipped)", ja1)]
    for min_context, min_share in GRID:
        builder.MIN_CONTEXT, builder.MIN_SHARE = min_context, min_share
        model = builder.serialise(*builder.build())
        name = f"MIN_CONTEXT {min_context:g}, MIN_SHARE {min_share:g}"
        if (min_context, min_share) == JA1:
            name += " (ja-1's recipe, today's vocabulary)"
        if model == committed:
            name += " (ja-2, format 3)"
        models.append((name, model))
    print(f"texts of the {len(parts) // 2} reference profiles: {utf8} bytes of UTF-8; "
          f"held-out texts of {len(heldout) // 2} cards (scripts/heldout_card_texts.py): {heldout_utf8} bytes\n")
    print("| model | raw | packed, gzip -9 | packed, Brotli 11 | reference profiles, coded | held-out cards, coded |")
    print("|---|---:|---:|---:|---:|---:|")
    base = None
    chosen = None
    for name, model in models:
        packed = compact(model)
        coded = (coded_bytes(model, parts), coded_bytes(model, heldout))
        base = base or coded
        growth = [c / b - 1 for c, b in zip(coded, base)]
        brotli_size = len(brotli.compress(packed, quality=11, lgwin=24))
        print(f"| {name} | {len(model):,} | {len(gzip.compress(packed, 9)):,} | {brotli_size:,} | "
              f"{coded[0]:,} ({growth[0]:+.1%}) | {coded[1]:,} ({growth[1]:+.1%}) |")
        if all(g <= 0.01 for g in growth) and (chosen is None or brotli_size < chosen[1]):
            chosen = (name, brotli_size)
    print(f"\nsmallest with both sets within 1 % of ja-1: {chosen[0]} ({chosen[1]:,} bytes with Brotli)")
    print("(no reference profile's QR version grew from ja-1 to ja-2: cargo run --release -p helpcard-qr --example sizes)")


if __name__ == "__main__":
    main()
