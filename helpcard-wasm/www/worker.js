// Decodes camera frames off the page's main thread, so the page never janks: RGBA in, the
// help-card text (or nothing) out. The reader runs in this worker's own WASM instance; if it
// ever traps, the instance is replaced.
//
// The reader comes in two builds: with WebAssembly SIMD (about 1.2× faster) where the browser
// has it (simd.js), without it elsewhere.
import { SIMD } from "./simd.js";

// After a trap the instance is not trusted again: a fresh import (its own module record, so its
// own WASM instance) replaces it.
let instances = 0;
const start = async () => {
  const url = `./pkg/helpcard_reader${SIMD ? "_simd" : ""}.js${instances++ ? `?instance=${instances}` : ""}`;
  const reader = await import(url);
  await reader.default();
  return reader.read_qr_rgba;
};
let ready = start();

self.onmessage = async ({ data }) => {
  let text = null;
  try {
    const read = await ready;
    text = read(data.width, data.height, new Uint8Array(data.rgba)) ?? null;
  } catch (e) {
    ready = start();
  }
  self.postMessage({ text });
};
