// Runs in Chromium: takes frames from the (fake) camera, then times each reader on the same
// frames. The result goes to window.benchResult for the driver (../frame-bench.mjs).
import { prepareZXingModule, readBarcodes } from "/zxing/es/reader/index.js";

// The build the camera worker would load here (see www/worker.js), or the one asked for.
const params = new URLSearchParams(location.search);
const SIMD = params.get("build") !== "plain" && (await import("/app/simd.js")).SIMD;
const { default: init, read_qr_rgba } = await import(SIMD ? "/pkg/helpcard_reader_simd.js" : "/pkg/helpcard_reader.js");
const [W, H] = [Number(params.get("w")), Number(params.get("h"))];
const want = params.get("want");
const FRAMES = 8;
const RUNS = 5;

async function frames() {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { exact: W }, height: { exact: H } } });
  const video = document.getElementById("camera");
  video.srcObject = stream;
  await video.play();
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const out = [];
  while (out.length < FRAMES) {
    await new Promise((r) => video.requestVideoFrameCallback(r));
    ctx.drawImage(video, 0, 0, W, H);
    out.push(ctx.getImageData(0, 0, W, H));
  }
  stream.getTracks().forEach((t) => t.stop());
  return out;
}

const readers = {
  helpcard: async (f) => read_qr_rgba(f.width, f.height, new Uint8Array(f.data.buffer)) ?? null,
  jsQR: async (f) => window.jsQR(f.data, f.width, f.height, { inversionAttempts: "dontInvert" })?.data ?? null,
  "zxing-wasm": async (f) => (await readBarcodes(f, { formats: ["QRCode"], tryHarder: false, maxNumberOfSymbols: 1 }))[0]?.text ?? null,
};

try {
  await init();
  await prepareZXingModule({ overrides: { locateFile: (file) => `/zxing/reader/${file}` }, fireImmediately: true });
  const shots = await frames();
  const result = {};
  for (const [name, read] of Object.entries(readers)) {
    await read(shots[0]); // warm up
    let reads = 0;
    const t = performance.now();
    for (const f of shots) {
      let got = null;
      for (let i = 0; i < RUNS; i += 1) got = await read(f);
      reads += got === want ? 1 : 0;
    }
    result[name] = { ms: (performance.now() - t) / (shots.length * RUNS), reads, frames: shots.length };
  }
  window.benchResult = { ...result, build: SIMD ? "simd" : "plain" };
} catch (e) {
  window.benchResult = { error: String(e.stack ?? e) };
}
