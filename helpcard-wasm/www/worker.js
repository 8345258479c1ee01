// Decodes camera frames off the page's main thread, so the page never janks: RGBA in, the
// help-card text (or nothing) out. The reader runs in this worker's own WASM instance; if it
// ever traps, the instance is replaced.
import init, { read_qr_rgba } from "./pkg/helpcard_reader.js";

let ready = init();

self.onmessage = async ({ data }) => {
  await ready;
  let text = null;
  try {
    text = read_qr_rgba(data.width, data.height, new Uint8Array(data.rgba)) ?? null;
  } catch (e) {
    ready = init();
  }
  self.postMessage({ text });
};
