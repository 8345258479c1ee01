#!/usr/bin/env python3
"""Builds the static text model `helpcard-core/src/text/ja-2.model` (format v3, text coding 1).

The model is part of the card format: a card's texts can only be read with exactly this file, so
the committed file is the specification and this script is how it was made. It is frozen: a
rebuild after vocab.rs or wordfreq changes gives a different file, which must ship as a new
model (ja-3) under a new format version, never replace this one (a test pins its SHA-256).
ja-2 is ja-1 (format 2) pruned harder — contexts rarer than 2e-5 of all characters and entries
below 0.8 % of their context dropped — chosen by `scripts/text-model-tradeoff.py` as the
smallest model coding both the reference profiles and 240 held-out cards within 1 % of ja-1
(+0.5 % each) at 41 % of its download. It is built from
public word-frequency data (PyPI `wordfreq==3.1.1`, Japanese "large" and English "small"
lists), the format's own vocabulary labels (Japanese, English and easy Japanese, read from
`helpcard-core/src/vocab.rs`: card texts often echo them) and a hand-set prior for punctuation
that wordfreq strips. The reference profiles are NOT training data: they are the test set the
sizes are reported on.

    python3 -m venv /tmp/tm && /tmp/tm/bin/pip install wordfreq==3.1.1
    /tmp/tm/bin/python scripts/build-text-model.py helpcard-core/src/text/ja-2.model

File layout (all integers unsigned LEB128, see `helpcard-core/src/text/model.rs`):
    magic "HCTM1"
    adaptive weights A0, A1
    n, then n code points ascending (symbols 2..n+1; 0 = end of string, 1 = escape)
    n+2 order-0 weights (every one >= 1)
    c1, then c1 order-1 contexts: symbol, k, then k x (symbol delta from previous, weight)
    c2, then c2 order-2 contexts: symbol before, symbol, k, k x (symbol delta, weight)
"""
import collections
import pathlib
import re
import sys

from wordfreq import get_frequency_dict

T0 = 1 << 20          # total order-0 weight
L1, L2 = 0.6, 0.6     # how much a seen order-1 / order-2 context is trusted
A0, A1 = T0 // 16, T0 // 2   # weight of one earlier occurrence in the same part (unigram, bigram)
MIN_CONTEXT = 2e-5    # contexts rarer than this (share of all characters) are dropped
MIN_SHARE = 0.008     # entries below this share of their context are dropped
VOCAB_WEIGHT = 1e-4   # one vocabulary label counts like a word of this frequency
VOCAB = pathlib.Path(__file__).resolve().parent.parent / "helpcard-core" / "src" / "vocab.rs"
END, ESC = 0, 1

# wordfreq drops punctuation and spaces; these shares of running Japanese text are a prior.
PUNCTUATION = {"、": 0.03, "。": 0.025, " ": 0.01, "・": 0.002, "-": 0.004, "(": 0.001, ")": 0.001,
               "（": 0.001, "）": 0.001, "「": 0.001, "」": 0.001, ",": 0.002, ".": 0.004,
               "/": 0.001, ":": 0.0005, "～": 0.0005, "?": 0.0005, "!": 0.0005, "'": 0.0005}


def vocabulary_labels():
    rows = re.findall(r'\d+\s+"[^"]*"\s+"([^"]*)"\s+"([^"]*)"\s+"([^"]*)";', VOCAB.read_text("utf-8"))
    assert len(rows) > 50, "vocabulary table not found in vocab.rs"
    return {label: VOCAB_WEIGHT for row in rows for label in row}


def counts():
    n0, n1, n2 = collections.Counter(), collections.Counter(), collections.Counter()
    lists = [(get_frequency_dict("ja", "large"), 1.0), (get_frequency_dict("en", "small"), 0.15)]
    for words, scale in lists + [(vocabulary_labels(), 1.0)]:
        for word, f in words.items():
            variants = [(word, f * scale)]
            if word.isascii() and word.isalpha():
                variants.append((word.capitalize(), f * scale * 0.2))
            for w, weight in variants:
                if any(c.isdigit() for c in w):
                    continue  # wordfreq writes every digit as 0; digits are learnt per card
                p2 = p1 = None
                for c in w:
                    n0[c] += weight
                    if p1 is not None:
                        n1[p1, c] += weight
                    if p2 is not None:
                        n2[p2, p1, c] += weight
                    p2, p1 = p1, c
    total = sum(n0.values())
    for c, share in PUNCTUATION.items():
        n0[c] += share * total
    for d in "0123456789":
        n0[d] += 0.003 * total
    for i in range(0x20, 0x7F):
        n0[chr(i)] += 1e-6 * total
    return n0, n1, n2


def build():
    n0, n1, n2 = counts()
    chars = sorted(n0, key=ord)
    sym = {c: i + 2 for i, c in enumerate(chars)}
    total0 = sum(n0.values())
    end_share = 0.01
    w0 = [max(1, round(T0 * end_share)), 1]
    w0 += [max(1, round(T0 * (1 - end_share) * n0[c] / total0)) for c in chars]

    ctx1 = collections.defaultdict(dict)
    for (a, b), f in n1.items():
        ctx1[a][b] = f
    o1, o1_total = {}, {}
    for a, row in ctx1.items():
        n = sum(row.values())
        if n < MIN_CONTEXT * total0:
            continue
        scale = L1 / (1 - L1) * T0 / n
        entries = {sym[b]: round(f * scale) for b, f in row.items() if f >= MIN_SHARE * n}
        if entries:
            o1[sym[a]] = entries
            o1_total[sym[a]] = sum(entries.values())

    ctx2 = collections.defaultdict(dict)
    for (a, b, c), f in n2.items():
        ctx2[a, b][c] = f
    o2 = {}
    for (a, b), row in ctx2.items():
        n = sum(row.values())
        if n < MIN_CONTEXT * total0:
            continue
        below = T0 + o1_total.get(sym[b], 0)
        scale = L2 / (1 - L2) * below / n
        entries = {sym[c]: round(f * scale) for c, f in row.items() if f >= MIN_SHARE * n}
        if entries:
            o2[sym[a], sym[b]] = entries
    return chars, w0, o1, o2


def leb(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def serialise(chars, w0, o1, o2):
    out = bytearray(b"HCTM1") + leb(A0) + leb(A1) + leb(len(chars))
    for c in chars:
        out += leb(ord(c))
    for w in w0:
        out += leb(w)

    def entries(row):
        data, last = bytearray(leb(len(row))), 0
        for s in sorted(row):
            data += leb(s - last) + leb(row[s])
            last = s
        return data

    out += leb(len(o1))
    for a in sorted(o1):
        out += leb(a) + entries(o1[a])
    out += leb(len(o2))
    for a, b in sorted(o2):
        out += leb(a) + leb(b) + entries(o2[a, b])
    return bytes(out)


if __name__ == "__main__":
    model = serialise(*build())
    with open(sys.argv[1], "wb") as f:
        f.write(model)
    print(f"{sys.argv[1]}: {len(model)} bytes", file=sys.stderr)
