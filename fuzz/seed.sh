#!/usr/bin/env bash
# Seeds the fuzz corpora from the test vectors (cards, QR text, trust and revocation lists).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/open_card corpus/qr_text corpus/lists corpus/packed
python3 - <<'PY'
import json, pathlib
for path in pathlib.Path("../test-vectors/v2").glob("*.json"):
    v = json.loads(path.read_text(encoding="utf-8"))
    stages = v["stages"]
    pathlib.Path(f"corpus/qr_text/{path.stem}").write_text(stages["qr_text"])
    for stage in ("public_packed", "plaintext"):
        if stages.get(stage):
            pathlib.Path(f"corpus/packed/{path.stem}-{stage}").write_bytes(bytes.fromhex(stages[stage]))
    if stages.get("cose_sign1"):
        pathlib.Path(f"corpus/open_card/{path.stem}").write_bytes(bytes.fromhex(stages["cose_sign1"]))
    pathlib.Path(f"corpus/lists/{path.stem}-trust").write_bytes(bytes.fromhex(v["trust_list"]))
    if v["revocation_list"]:
        pathlib.Path(f"corpus/lists/{path.stem}-rev").write_bytes(bytes.fromhex(v["revocation_list"]))
PY
echo "seeded: $(ls corpus/open_card | wc -l) cards, $(ls corpus/qr_text | wc -l) texts, $(ls corpus/lists | wc -l) lists, $(ls corpus/packed | wc -l) packed parts"
