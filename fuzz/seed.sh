#!/usr/bin/env bash
# Seeds the fuzz corpora from the test vectors (cards, QR text, trust and revocation lists).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/open_card corpus/qr_text corpus/lists corpus/packed corpus/qr_read corpus/signed_claims
python3 - <<'PY'
import json, pathlib
for path in pathlib.Path("../test-vectors/v3").glob("*.json"):
    v = json.loads(path.read_text(encoding="utf-8"))
    stages = v["stages"]
    pathlib.Path(f"corpus/qr_text/{path.stem}").write_text(stages["qr_text"])
    for stage in ("public_packed", "plaintext"):
        if stages.get(stage):
            pathlib.Path(f"corpus/packed/{path.stem}-{stage}").write_bytes(bytes.fromhex(stages[stage]))
    if stages.get("claims"):
        pathlib.Path(f"corpus/signed_claims/{path.stem}").write_bytes(bytes.fromhex(stages["claims"]))
    if stages.get("cose_sign1"):
        pathlib.Path(f"corpus/open_card/{path.stem}").write_bytes(bytes.fromhex(stages["cose_sign1"]))
    pathlib.Path(f"corpus/lists/{path.stem}-trust").write_bytes(bytes.fromhex(v["trust_list"]))
    if v["revocation_list"]:
        pathlib.Path(f"corpus/lists/{path.stem}-rev").write_bytes(bytes.fromhex(v["revocation_list"]))
PY
# qr_read: small QR symbols (versions 1-4, 1-3 pixels per module, some inverted or cropped) in
# the target's input form: a width byte (width - 1), then the pixels.
[ -x venv/bin/python ] || python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check segno==1.6.6
venv/bin/python - <<'PY'
import pathlib, segno
n = 0
for version in (1, 2, 3, 4):
    for scale in (1, 2, 3):
        qr = segno.make_qr("0123456789" * (version * 3), version=version, error="m")
        rows = [[0 if dark else 255 for dark in row] for row in qr.matrix_iter(scale=scale, border=2)]
        for variant in ("plain", "inverted", "cropped"):
            r = rows
            if variant == "inverted":
                r = [[255 - p for p in row] for row in rows]
            elif variant == "cropped":
                r = [row[: len(row) * 2 // 3] for row in rows[: len(rows) * 2 // 3]]
            width = len(r[0])
            if width > 128:
                continue
            data = bytes([width - 1]) + bytes(p for row in r[:128] for p in row)
            pathlib.Path(f"corpus/qr_read/v{version}-x{scale}-{variant}").write_bytes(data)
            n += 1
print(f"qr_read seeds: {n}")
PY
echo "seeded: $(ls corpus/open_card | wc -l) cards, $(ls corpus/qr_text | wc -l) texts, $(ls corpus/lists | wc -l) lists, $(ls corpus/packed | wc -l) packed parts"
