#!/usr/bin/env bash
# Builds the browser scanner into helpcard-wasm/www/pkg/: the page's module (helpcard_view), the
# camera worker's (helpcard_reader, with and without SIMD) and the build's id (version.js).
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
if ! [ -x "$here/node_modules/.bin/wasm-opt" ] || ! [ -f "$here/node_modules/axe-core/axe.min.js" ] \
  || ! [ -f "$here/node_modules/puppeteer-core/package.json" ]; then
  (cd "$here" && npm install --no-audit --no-fund --silent)
fi

# Paths of this machine (the checkout, the crate registry) out of the modules' panic messages:
# the same sources build the same bytes anywhere, so a phone re-downloads a module only when it
# changed, not when another machine built it.
registry=$(cd "${CARGO_HOME:-$HOME/.cargo}/registry/src" 2>/dev/null && pwd -P || true)
remap="--remap-path-prefix=$(pwd -P)/=${registry:+ --remap-path-prefix=$registry/=}"

out="$here/www/pkg"
rm -rf "$out"
# Three modules: the page's (open, verify, decrypt) and the camera worker's (the QR reader
# alone), so a passer-by's phone downloads no reader and the worker no card format; the reader
# twice, with and without WebAssembly SIMD (Chrome 91, Firefox 89, Safari 16.4), which makes it
# about 1.2× faster: the worker loads the one the browser supports. The SIMD build has its own
# target directory so that the two RUSTFLAGS do not rebuild each other.
for module in view reader reader_simd; do
  features=${module%_simd}
  # The page's module is built for size ("z", the profile's "s" otherwise): 2.5 kB less under
  # gzip, and a card opens in 0.67–0.76 ms instead of 0.62–0.65 (Node, vector 02, 300 opens,
  # three runs each): the download is what a passer-by waits for. The reader keeps the profile (it runs on every camera frame).
  flags=() target=target opt=-Oz simd= level=(--config 'profile.wasm-release.opt-level="z"')
  [ "$features" = reader ] && opt=-O3 level=()
  if [ "$module" = reader_simd ]; then
    flags=(--enable-simd) target=target/wasm-simd simd="-C target-feature=+simd128"
  fi
  RUSTFLAGS="${RUSTFLAGS:-} $remap $simd" \
    CARGO_TARGET_DIR="$target" cargo build --quiet --locked "${level[@]}" -p helpcard-wasm --no-default-features \
    --features "$features" --target wasm32-unknown-unknown --profile wasm-release
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-name "helpcard_$module" --out-dir "$out" "$target/wasm32-unknown-unknown/wasm-release/helpcard_wasm.wasm"
  "$here/node_modules/.bin/wasm-opt" "$opt" "${flags[@]}" -o "$out/helpcard_${module}_bg.wasm" "$out/helpcard_${module}_bg.wasm"
done
# The build's id: the service worker keeps one build in a cache named after it and installs the
# next build, whole, when this file changes (a browser checks a worker's imported scripts for
# changes on every update check; the worker itself, sw.js, need not change).
id=$(cd "$here/www" && find . -type f ! -path ./pkg/version.js | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
printf 'self.HELPCARD_BUILD = "%s";\n' "$id" > "$out/version.js"
for f in "$out"/*; do
  printf '%-28s %8d bytes, %7d gzip\n' "$(basename "$f")" "$(wc -c < "$f")" "$(gzip -9c "$f" | wc -c)"
done
