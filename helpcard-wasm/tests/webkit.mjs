// The web scanner in WebKit, Safari's engine: Debian's WebKitGTK MiniBrowser (the WebKit of
// Safari 26) under Xvfb, driven over W3C WebDriver (WebKitWebDriver, plain HTTP from here)
// against the real key service on 127.0.0.1; one automation session per scenario (a reused one
// dropped Cache Storage writes). Checks:
//  (a) a card URL shows the verified public part in Japanese and the fragment is cleared;
//  (c) tampered, expired, revoked and foreign-issuer cards show their verdicts;
//  (k) a card shown to the page's camera is read (a canvas stream of the card's code stands in
//      for the camera's frames) and verified;
//  (d) with the service gone, a card URL still verifies from the service worker's cache;
//  (g) axe-core: no serious or critical violation on the passer-by's verdicts and the camera
//      view.
// Screenshots (target/webkit-*.png). WebKitGTK has no WebAuthn: passkeys are tested in Chromium
// and Firefox.
// Run under Xvfb: xvfb-run -a node helpcard-wasm/tests/webkit.mjs. Prints "webkit: N passed,
// M failed".
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { axeSource, checks, grayPng, seriousViolations, showToCamera, startServer, webDriver } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const miniBrowser = ["/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser"].find((p) => fs.existsSync(p));
if (!miniBrowser) throw new Error("WebKitGTK's MiniBrowser is missing: apt-get install webkit2gtk-driver");

const data = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-webkit-"));
const service = await startServer(path.join(root, "helpcard-wasm", "www"), "127.0.0.1:0", data);
const { cards, origin } = service;

const { check, fail, finish } = checks();

const driver = await webDriver("WebKitWebDriver");
// One automation session per scenario.
const startSession = async () => {
  const s = await driver.session({
    browserName: "MiniBrowser",
    "webkitgtk:browserOptions": { binary: miniBrowser, args: ["--automation", "--enable-mock-capture-devices=true"] },
  });
  // WebKitGTK's windows are at least 447 px wide.
  await s.call("POST", "/window/rect", { width: 447, height: 900 });
  return s;
};
const shot = (s, name) => s.screenshot(path.join(root, "target", `webkit-${name}.png`));

const verdict = (s) => s.run(() => document.querySelector("#verdict")?.dataset.verdict ?? "");
// Opens a card URL and waits for its verdict.
const open = async (s, url) => {
  await s.go(url);
  return s.until(() => Boolean(document.querySelector("#verdict")?.dataset.verdict));
};
// axe-core in the page: violations of impact serious or critical.
const axe = async (s, name) => {
  // As the script's own body: the page's CSP forbids eval, not the driver's scripts.
  await s.call("POST", "/execute/sync", { script: `if (!window.axe) {\n${axeSource}\n}\nreturn typeof window.axe;`, args: [] });
  const found = await s.runAsync(seriousViolations);
  check(`(g) axe: no serious or critical violation on ${name}`, Array.isArray(found) && found.length === 0, JSON.stringify(found));
};

const cameraPng = path.join(data, "camera-card.png");
execFileSync(path.join(root, "target", "debug", "helpcard"), ["qr", "write", cards["01-deaf-adult"].url, "--out", cameraPng, "--pixels-per-module", "3"]);
const symbol = grayPng(fs.readFileSync(cameraPng));

try {
  // (a) a passer-by.
  let s = await startSession();
  check("(a) a card URL is verified", await open(s, cards["02-autism-teen"].url) && (await verdict(s)) === "verified", await verdict(s));
  const seen = await s.run(() => ({ headline: document.querySelector("#headline").textContent, message: document.querySelector("#message").textContent, hash: location.hash, lang: navigator.language }));
  check("(a) the public part", seen.message.includes("自閉症があります"), JSON.stringify(seen));
  check("(a) fragment cleared", seen.hash === "", seen.hash);
  await shot(s, "passer-by");
  await axe(s, "a verified card");
  await s.end();

  // (c) bad cards, each in its own session.
  for (const name of ["tampered", "expired", "revoked", "foreign-issuer"]) {
    s = await startSession();
    await open(s, cards[name].url);
    check(`(c) ${name}`, (await verdict(s)) === cards[name].verdict, await verdict(s));
    await shot(s, `verdict-${name}`);
    if (name === "tampered") await axe(s, "a refused card");
    await s.end();
  }

  // (k) the camera path, then (d) offline, in one session (the service worker of the first).
  s = await startSession();
  await s.go(`${origin}/S/`);
  await s.until(() => document.body.dataset.ready === "true");
  await s.run(showToCamera, { side: symbol.side, pixels: Array.from(symbol.pixels) });
  await s.run(() => document.querySelector("#scan").click());
  const read = await s.until(() => document.querySelector("#message").textContent.includes("筆談か手話"));
  check("(k) a card shown to the camera is read and verified", read && (await verdict(s)) === "verified", await verdict(s));
  await axe(s, "the camera view");
  const controlled = await s.until(() => navigator.serviceWorker.controller !== null, 20000);
  service.child.kill();
  await new Promise((r) => setTimeout(r, 300));
  await open(s, cards["05-blind-elder"].url);
  check("(d) offline: verified from the cache", controlled && (await verdict(s)) === "verified", await verdict(s));
  await s.end();
} catch (e) {
  fail(e);
} finally {
  service.child.kill();
  driver.stop();
}
finish("webkit");
