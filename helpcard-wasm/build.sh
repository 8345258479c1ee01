#!/usr/bin/env bash
# Builds the browser scanner into helpcard-wasm/www/pkg/ (helpcard_wasm.js + helpcard_wasm_bg.wasm).
# Installs what it needs on a fresh machine: the wasm32 target, wasm-bindgen-cli at exactly the
# version of the wasm-bindgen crate in Cargo.lock (a source build, about 12 minutes on 2 cores,
# once), and wasm-opt from npm's binaryen (Debian's binaryen 108 breaks wasm-bindgen's output).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

rustup target add wasm32-unknown-unknown >/dev/null
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
  echo "installing wasm-bindgen-cli $want (from source, once; about 12 minutes)"
  # Not --locked: its lockfile pins a webpki-roots release the registry here does not offer.
  cargo install --quiet wasm-bindgen-cli --version "$want"
fi
if ! [ -x "$here/node_modules/.bin/wasm-opt" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi

out="$here/www/pkg"
rm -rf "$out"
# Two modules: the page's (open, verify, decrypt) and the camera worker's (the QR reader
# alone), so a passer-by's phone downloads no reader and the worker no card format.
for module in view reader; do
  cargo build --quiet --locked -p helpcard-wasm --no-default-features --features "$module" \
    --target wasm32-unknown-unknown --profile wasm-release
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-name "helpcard_$module" --out-dir "$out" target/wasm32-unknown-unknown/wasm-release/helpcard_wasm.wasm
  "$here/node_modules/.bin/wasm-opt" "$([ "$module" = reader ] && echo -O3 || echo -Oz)" -o "$out/helpcard_${module}_bg.wasm" "$out/helpcard_${module}_bg.wasm"
done
for f in "$out"/*; do
  printf '%-28s %8d bytes, %7d gzip\n' "$(basename "$f")" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
