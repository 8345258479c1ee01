// Per-frame decode time and reads of the scanner's WASM reader against jsQR and zxing-wasm
// (both from npm, self-hosted: zxing-wasm's .wasm is loaded from node_modules, nothing from a
// CDN), on the same camera-like frames, in V8's WebAssembly engine (the one Chromium runs).
// Each is given the RGBA frame, as the page's canvas has it (ours converts to luma in WASM).
//
// Run: node helpcard-wasm/tests/frame-bench.mjs   (after helpcard-wasm/build.sh)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import jsQR from "jsqr";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
import { initSync, read_qr_rgba } from "../www/pkg/helpcard_reader.js";

const here = path.dirname(fileURLToPath(import.meta.url));
initSync({ module: fs.readFileSync(path.join(here, "..", "www", "pkg", "helpcard_reader_bg.wasm")) });
globalThis.ImageData ??= class ImageData {
  constructor(data, width, height) { Object.assign(this, { data, width, height, colorSpace: "srgb" }); }
};
await prepareZXingModule({
  overrides: { wasmBinary: fs.readFileSync(path.join(here, "..", "node_modules", "zxing-wasm", "dist", "reader", "zxing_reader.wasm")) },
  fireImmediately: true,
});

// The card code at 3 px/module; frames take it at `ppm` px/module (nearest neighbour), on grey
// paper with sensor-like noise.
const src = fs.readFileSync(path.join(here, "card-01.luma"));
const side3 = src.readUInt16BE(0);
const want = fs.readFileSync(path.join(here, "card-01.luma.txt"), "utf8");
function frame(width, height, ppm) {
  const side = Math.round((side3 * ppm) / 3);
  const rgba = new Uint8ClampedArray(width * height * 4);
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 21) - 10;
  const [x0, y0] = [(width - side) >> 1, (height - side) >> 1];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let v = 185;
      if (x >= x0 && x < x0 + side && y >= y0 && y < y0 + side) {
        const sx = Math.floor(((x - x0) * 3) / ppm), sy = Math.floor(((y - y0) * 3) / ppm);
        v = src[2 + Math.min(sy, side3 - 1) * side3 + Math.min(sx, side3 - 1)] ? 215 : 45;
      }
      const i = (y * width + x) * 4;
      rgba[i] = rgba[i + 1] = rgba[i + 2] = Math.max(0, Math.min(255, v + noise()));
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

const readers = {
  helpcard: async (rgba, w, h) => read_qr_rgba(w, h, new Uint8Array(rgba.buffer)) ?? null,
  jsQR: async (rgba, w, h) => jsQR(rgba, w, h, { inversionAttempts: "dontInvert" })?.data ?? null,
  "zxing-wasm": async (rgba, w, h) => {
    const r = await readBarcodes(new ImageData(rgba, w, h), { formats: ["QRCode"], tryHarder: false, maxNumberOfSymbols: 1 });
    return r[0]?.text ?? null;
  },
};

const RUNS = 15;
for (const [w, h] of [[1280, 720], [640, 480]]) {
  for (const ppm of [2, 3]) {
    const rgba = frame(w, h, ppm);
    const row = [];
    for (const [name, read] of Object.entries(readers)) {
      await read(rgba, w, h); // warm up
      const t = performance.now();
      let got = null;
      for (let i = 0; i < RUNS; i += 1) got = await read(rgba, w, h);
      const ms = (performance.now() - t) / RUNS;
      row.push(`${name} ${got === want ? "read" : "MISSED"} ${ms.toFixed(1)} ms`);
    }
    console.log(`${w}x${h}, ${ppm} px/module: ${row.join(" | ")}`);
  }
}
