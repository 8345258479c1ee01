// Per-frame decode time and reads of the scanner's WASM reader against jsQR and zxing-wasm, in
// Debian's Chromium (headless), on frames from Chromium's fake camera: a Y4M video of a real
// card code at 2 and 3 pixels per module, 1280×720 and 640×480, with sensor-like noise. Every
// reader is served from this machine (zxing-wasm's .wasm from node_modules; nothing from a CDN)
// and is given the same RGBA frames the page's canvas gets. Ours runs in both builds (with and
// without WebAssembly SIMD; the worker picks the first where the browser has SIMD).
//
// Run: node helpcard-wasm/tests/frame-bench.mjs   (after helpcard-wasm/build.sh)
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const wasmDir = path.join(here, "..");
const routes = {
  "/pkg/": path.join(wasmDir, "www", "pkg"),
  "/app/": path.join(wasmDir, "www"),
  "/jsqr/": path.join(wasmDir, "node_modules", "jsqr", "dist"),
  "/zxing/": path.join(wasmDir, "node_modules", "zxing-wasm", "dist"),
  "/": path.join(here, "bench"),
};
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x").pathname;
  const [prefix, dir] = Object.entries(routes).find(([p]) => url.startsWith(p));
  const file = path.join(dir, url.slice(prefix.length) || "index.html");
  if (!file.startsWith(dir) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;

// The card code at 3 px/module (a demo card's QR text); frames take it at `ppm` px/module.
const src = fs.readFileSync(path.join(here, "card-01.luma"));
const side3 = src.readUInt16BE(0);
const want = fs.readFileSync(path.join(here, "card-01.luma.txt"), "utf8");
function y4m(width, height, ppm) {
  const side = Math.round((side3 * ppm) / 3);
  const [x0, y0] = [(width - side) >> 1, (height - side) >> 1];
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 21) - 10;
  const frames = [];
  for (let f = 0; f < 4; f += 1) {
    const y = Buffer.alloc(width * height);
    for (let r = 0; r < height; r += 1) {
      for (let c = 0; c < width; c += 1) {
        let v = 185;
        if (c >= x0 && c < x0 + side && r >= y0 && r < y0 + side) {
          const sx = Math.floor(((c - x0) * 3) / ppm), sy = Math.floor(((r - y0) * 3) / ppm);
          v = src[2 + Math.min(sy, side3 - 1) * side3 + Math.min(sx, side3 - 1)] ? 215 : 45;
        }
        y[r * width + c] = Math.max(0, Math.min(255, v + noise()));
      }
    }
    frames.push(Buffer.from("FRAME\n"), y, Buffer.alloc((width * height) / 2, 128));
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-bench-")), "camera.y4m");
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
  return file;
}

const rows = [];
try {
  for (const [w, h] of [[1280, 720], [640, 480]]) {
    for (const ppm of [2, 3]) {
      const browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
          `--use-file-for-fake-video-capture=${y4m(w, h, ppm)}`],
      });
      try {
        for (const build of ["simd", "plain"]) {
          const page = await browser.newPage();
          await page.goto(`${origin}/index.html?w=${w}&h=${h}&build=${build}&want=${encodeURIComponent(want)}`);
          await page.waitForFunction(() => window.benchResult, null, { timeout: 120000 });
          const result = await page.evaluate(() => window.benchResult);
          if (result.error) throw new Error(result.error);
          rows.push({ frame: `${w}×${h}, ${ppm} px/module, helpcard ${result.build}`, ...result });
          await page.close();
        }
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  server.close();
}
console.log("| frames (Chromium fake camera) | helpcard ms | reads | jsQR ms | reads | zxing-wasm ms | reads | helpcard vs faster peer |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const cell = (x) => `${x.ms.toFixed(2)} | ${x.reads}/${x.frames}`;
  const peer = Math.min(r.jsQR.ms, r["zxing-wasm"].ms);
  console.log(`| ${r.frame} | ${cell(r.helpcard)} | ${cell(r.jsQR)} | ${cell(r["zxing-wasm"])} | ${(peer / r.helpcard.ms).toFixed(2)}× |`);
}
console.log("\nms per frame (mean of 8 frames × 5 runs); ratio above 1: helpcard is faster.");
