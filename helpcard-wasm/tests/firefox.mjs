// The web scanner in Firefox (Debian's firefox-esr, headless, driven over WebDriver BiDi by
// puppeteer-core) against the real key service on 127.0.0.1. Checks:
//  (a) a card URL shows the verified public part in Japanese and the fragment is cleared;
//  (c) tampered, expired, revoked and foreign-issuer cards show their verdicts;
//  (k) a card shown to the page's camera is read (a canvas stream of the card's code stands in
//      for the camera's frames) and verified;
//  (d) with the service gone, a card URL still verifies from the service worker's cache.
// A screenshot of the passer-by's view (target/firefox-passer-by.png). Prints
// "firefox: N passed, M failed".
//
// Not here: passkeys. WebDriver BiDi has no virtual authenticator yet, Firefox ESR's
// software-token preference no longer answers (navigator.credentials.create is refused with
// NotAllowedError), and geckodriver (classic WebDriver's authenticator) is not packaged here.
// Passkeys are tested in Chromium (browser.mjs).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { checks, grayPng, showToCamera, startServer } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const data = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-firefox-"));
const service = await startServer(path.join(root, "helpcard-wasm", "www"), "127.0.0.1:0", data);
const { cards, origin } = service;

const { check, fail, finish } = checks();

// The card the camera is shown: 01-deaf-adult's code as pixels (helpcard qr write).
const cameraPng = path.join(data, "camera-card.png");
execFileSync(path.join(root, "target", "debug", "helpcard"), ["qr", "write", cards["01-deaf-adult"].url, "--out", cameraPng, "--pixels-per-module", "3"]);
const symbol = grayPng(fs.readFileSync(cameraPng));

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: "/usr/bin/firefox-esr",
  headless: true,
  extraPrefsFirefox: {
    "intl.accept_languages": "ja-JP, ja",
    "media.navigator.streams.fake": true,
    "media.navigator.permission.disabled": true,
  },
});
const page = await browser.newPage();
await page.setViewport({ width: 390, height: 844 });
const verdict = () => page.$eval("#verdict", (e) => e.dataset.verdict ?? "");
// Opens a card URL in a fresh load and waits for its verdict.
const open = async (url) => {
  await page.goto("about:blank");
  await page.goto(url);
  await page.waitForSelector("#verdict[data-verdict]", { timeout: 30000 });
};

try {
  // (a) a passer-by.
  await open(cards["02-autism-teen"].url);
  check("(a) verdict verified", (await verdict()) === "verified");
  check("(a) in Japanese", (await page.$eval("#headline", (e) => e.textContent)) === "確認済みのヘルプカード", await page.$eval("#headline", (e) => e.textContent));
  check("(a) public message", (await page.$eval("#message", (e) => e.textContent)).includes("自閉症があります"));
  check("(a) fragment cleared", (await page.evaluate(() => location.hash)) === "");
  await page.screenshot({ path: path.join(root, "target", "firefox-passer-by.png"), fullPage: true });

  // (c) bad cards.
  for (const name of ["tampered", "expired", "revoked", "foreign-issuer"]) {
    await open(cards[name].url);
    check(`(c) ${name}`, (await verdict()) === cards[name].verdict, await verdict());
  }

  // (k) the camera path: the page's camera replaced by a canvas stream of the card's code.
  await page.goto("about:blank");
  await page.goto(`${origin}/S/`);
  await page.waitForSelector("body[data-ready]", { timeout: 30000 });
  await page.evaluate(showToCamera, { side: symbol.side, pixels: Array.from(symbol.pixels) });
  await page.click("#scan");
  await page.waitForFunction(() => document.querySelector("#message").textContent.includes("筆談か手話"), { timeout: 30000 }).catch(() => {});
  check("(k) a card shown to the camera is read and verified", (await verdict()) === "verified" && (await page.$eval("#message", (e) => e.textContent)).includes("筆談か手話"), await verdict());

  // (d) the service gone: the page and the lists from the service worker's cache.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 20000 });
  service.child.kill();
  await new Promise((r) => setTimeout(r, 300));
  await open(cards["05-blind-elder"].url);
  check("(d) offline: verified from the cache", (await verdict()) === "verified", await verdict());
} catch (e) {
  fail(e);
} finally {
  await browser.close();
  service.child.kill();
}
finish("firefox");
