// Decodes camera frames off the page's main thread, so the page never janks: RGBA in, the
// help-card text (or nothing) out. The reader runs in this worker's own WASM instance; if it
// ever traps, the instance is replaced.
import init, { read_qr } from "./pkg/helpcard_reader.js";

let ready = init();

self.onmessage = async ({ data }) => {
  await ready;
  const rgba = new Uint8Array(data.rgba);
  const luma = new Uint8Array(data.width * data.height);
  for (let i = 0, j = 0; j < luma.length; i += 4, j += 1) {
    // ITU-R BT.601 luma, integer weights.
    luma[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  }
  let text = null;
  try {
    text = read_qr(data.width, data.height, luma) ?? null;
  } catch (e) {
    ready = init();
  }
  self.postMessage({ text });
};
