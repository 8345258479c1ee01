// What the browser tests share: the real key service (`helpcard-server --demo` on 127.0.0.1)
// and a card's QR code as pixels.
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import fs from "node:fs";
import net from "node:net";
import { createRequire } from "node:module";
import readline from "node:readline";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const server = path.join(here, "..", "..", "target", "debug", "helpcard-server");

let databases = 0;

/// `--database URL` of a fresh PostgreSQL database (`createdb`) when the run names a test server
/// in HELPCARD_TEST_POSTGRES (scripts/test-all runs the browser and desk tests once without and
/// once with it); none otherwise (SQLite files in the data directory).
export function databaseArgs(name) {
  const base = process.env.HELPCARD_TEST_POSTGRES?.replace(/\/$/, "");
  if (!base) return [];
  const url = new URL(base);
  const db = `t_${name}_${process.pid}_${databases++}`;
  execFileSync("createdb", ["-h", url.hostname, "-p", url.port, "-U", decodeURIComponent(url.username), db]);
  return ["--database", `${base}/${db}`];
}

/// Starts `helpcard-server --demo` serving `dir` with `extra` arguments; resolves with what it
/// printed: the process, the demo cards' URLs and verdicts, its address and origin, the invite,
/// and its `--database` arguments.
export async function startServer(dir, listen, dataDir, extra = []) {
  const database = databaseArgs("browser");
  const args = ["--demo", "--listen", listen, "--www", dir, "--data", dataDir, ...database, ...extra];
  const child = spawn(server, args, { stdio: ["ignore", "pipe", "inherit"] });
  // `database`: what an administrator's command beside it needs to reach the same data.
  const printed = { child, cards: {}, origin: "", listen: "", invite: "", database };
  for await (const line of readline.createInterface({ input: child.stdout })) {
    let m;
    if ((m = line.match(/^helpcard-server listening on http:\/\/(\S+) \(origin (.+)\)$/))) [printed.listen, printed.origin] = [m[1], m[2]];
    else if ((m = line.match(/^demo card (\S+) \((\w+)\): (.+)$/))) printed.cards[m[1]] = { verdict: m[2], url: m[3] };
    else if ((m = line.match(/^demo invite: (\S+)$/))) printed.invite = m[1];
    else if (line === "ready") break;
  }
  return printed;
}

/// A square 1-bit greyscale PNG (what helpcard-qr writes) as one byte per pixel, 1 = white.
export function grayPng(png) {
  const width = png.readUInt32BE(16);
  if (png[24] !== 1 || png[25] !== 0) throw new Error("expected a 1-bit greyscale PNG");
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(chunks));
  const stride = Math.ceil(width / 8);
  const rows = [];
  for (let r = 0; r < width; r += 1) {
    const filter = raw[r * (stride + 1)];
    const line = Buffer.from(raw.subarray(r * (stride + 1) + 1, (r + 1) * (stride + 1)));
    const up = rows[r - 1] ?? Buffer.alloc(stride);
    for (let i = 0; i < stride; i += 1) {
      const a = i > 0 ? line[i - 1] : 0, b = up[i], c = i > 0 ? up[i - 1] : 0;
      const p = a + b - c, [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[i] = (line[i] + predictor) & 0xff;
    }
    rows.push(line);
  }
  const pixels = new Uint8Array(width * width);
  for (let r = 0; r < width; r += 1) {
    for (let c = 0; c < width; c += 1) pixels[r * width + c] = (rows[r][c >> 3] >> (7 - (c & 7))) & 1;
  }
  return { side: width, pixels };
}

/// The checks of one test file: `check(name, ok, detail)` prints each, `fail(error)` records an
/// exception, and `finish(label)` prints "LABEL: N passed, M failed" and exits 1 if any failed.
export function checks() {
  let passed = 0;
  const failures = [];
  return {
    check(name, ok, detail = "") {
      if (ok) passed += 1;
      else failures.push(`${name} ${detail}`);
      console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : ` ${detail}`}`);
    },
    fail(e) {
      failures.push(String(e.stack ?? e));
      console.log(`FAIL ${e}`);
    },
    finish(label) {
      console.log(`${label}: ${passed} passed, ${failures.length} failed`);
      process.exit(failures.length ? 1 : 0);
    },
  };
}

/// Runs in a page: its camera replaced by a canvas stream of a QR code (`side` × `side`
/// `pixels`, 1 = white) on grey, redrawn ten times a second — a card held to the camera, for a
/// browser whose fake camera shows only a test pattern.
export function showToCamera({ side, pixels }) {
  const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 480 });
  const ctx = canvas.getContext("2d");
  const draw = () => {
    ctx.fillStyle = "#bebebe";
    ctx.fillRect(0, 0, 640, 480);
    const [x0, y0] = [(640 - side) >> 1, (480 - side) >> 1];
    for (let r = 0; r < side; r += 1) {
      for (let c = 0; c < side; c += 1) {
        ctx.fillStyle = pixels[r * side + c] ? "#e1e1e1" : "#1e1e1e";
        ctx.fillRect(x0 + c, y0 + r, 1, 1);
      }
    }
  };
  draw();
  setInterval(draw, 100);
  navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
}

/// Runs in a page: its passkey requests refused as a browser refuses one while another is
/// pending (a DOMException, which carries a numeric `code` of its own), and its status line
/// cleared. `delete navigator.credentials.get` undoes it.
export function refusePasskeys() {
  navigator.credentials.get = () => Promise.reject(new DOMException("another request is pending", "InvalidStateError"));
  document.querySelector("#status").textContent = "";
}

/// axe-core's script, to run in a page before `seriousViolations`.
export const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/// Runs in a page with axe-core loaded: its violations of impact serious or critical, each as
/// "rule: the first nodes".
export async function seriousViolations() {
  const r = await window.axe.run(document, { resultTypes: ["violations"] });
  return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

/// A W3C WebDriver server (`WebKitWebDriver`, `geckodriver`) on a free loopback port, driven over
/// plain HTTP; its log (and its browser's) to the file `log` if given. `session(capabilities)`
/// starts a browser; `stop()` ends the driver.
export async function webDriver(command, { log } = {}) {
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port: p } = probe.address();
      probe.close(() => resolve(p));
    });
  });
  const out = log ? fs.openSync(log, "w") : "ignore";
  const child = spawn(command, [`--port=${port}`], { stdio: ["ignore", out, log ? out : "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, url, body) => {
    const r = await fetch(base + url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = await r.json();
    if (answer.value?.error) throw new Error(`${method} ${url}: ${answer.value.error}: ${answer.value.message}`);
    return answer.value;
  };
  for (let i = 0; i < 100 && !(await fetch(`${base}/status`).then(() => true, () => false)); i += 1) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async session(capabilities) {
      const { sessionId } = await call("POST", "/session", { capabilities: { alwaysMatch: capabilities } });
      return new WebDriverSession(call, sessionId);
    },
    stop() { child.kill(); },
  };
}

/// One browser of a `webDriver`: pages opened, scripts run in them, screenshots taken.
class WebDriverSession {
  constructor(call, id) {
    this.id = id;
    // A command of this session (`path` after /session/ID).
    this.call = (method, path, body) => call(method, `/session/${id}${path}`, body);
  }
  go(url) { return this.call("POST", "/url", { url }); }
  // Runs `fn(...args)` in the page; its value comes back.
  run(fn, ...args) { return this.call("POST", "/execute/sync", { script: `return (${fn}).apply(null, arguments);`, args }); }
  // Runs async `fn(...args)` in the page and waits for it.
  runAsync(fn, ...args) {
    return this.call("POST", "/execute/async", { script: `const done = arguments[arguments.length - 1]; (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)).then(done, (e) => done({ error: String(e) }));`, args });
  }
  // Whether `fn(...args)` became true in the page within `ms`.
  async until(fn, ms = 30000, ...args) {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      if (await this.run(fn, ...args).catch(() => false)) return true;
    }
    return false;
  }
  // The viewport, or only the element `selector` selects, as a PNG file.
  async screenshot(file, selector) {
    const element = selector && Object.values(await this.call("POST", "/element", { using: "css selector", value: selector }))[0];
    fs.writeFileSync(file, Buffer.from(await this.call("GET", `${element ? `/element/${element}` : ""}/screenshot`), "base64"));
  }
  end() { return this.call("DELETE", "").catch(() => {}); }
}
