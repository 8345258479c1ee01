// The web scanner in Firefox (Debian's firefox-esr, headless) against the real key service on
// 127.0.0.1. Checks, driven over WebDriver BiDi by puppeteer-core:
//  (a) a card URL shows the verified public part in Japanese and the fragment is cleared;
//  (c) tampered, expired, revoked and foreign-issuer cards show their verdicts;
//  (k) a card shown to the page's camera is read (a canvas stream of the card's code stands in
//      for the camera's frames) and verified;
//  (d) with the service gone, a card URL still verifies from the service worker's cache;
// and, over classic WebDriver (geckodriver), whose virtual authenticator BiDi does not have yet:
//  (b) a responder registers a passkey from an invite, signs in, and opens a card's private
//      part with a reason.
// Screenshots of the passer-by's view and the private part (target/firefox-*.png). Prints
// "firefox: N passed, M failed".
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { checks, grayPng, showToCamera, startServer, webDriver } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const data = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-firefox-"));
const service = await startServer(path.join(root, "helpcard-wasm", "www"), "127.0.0.1:0", data);
const { cards, origin, invite } = service;

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

  // (b) a responder, in a second Firefox: passkey from an invite (typed, as printed, in lower
  // case), sign-in, and a card from a link opened with a reason. Firefox answers WebAuthn from a
  // virtual authenticator only with its software token enabled.
  const gecko = await webDriver("geckodriver", { log: path.join(root, "target", "geckodriver.log") });
  try {
    const s = await gecko.session({
      browserName: "firefox",
      "webauthn:virtualAuthenticators": true,
      "moz:firefoxOptions": { binary: "/usr/bin/firefox-esr", args: ["-headless"], prefs: {
        "intl.accept_languages": "ja-JP, ja", "security.webauth.webauthn_enable_softtoken": true, "security.webauth.webauthn_enable_usbtoken": false,
      } },
    });
    await s.call("POST", "/webauthn/authenticator", { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserConsenting: true, isUserVerified: true });
    await s.call("POST", "/window/rect", { width: 390, height: 844 });
    const status = () => s.run(() => document.querySelector("#status").textContent);
    await s.go(`${origin}/S/#register`);
    await s.until(() => document.body.dataset.ready === "true");
    check("(b) #register opens the invite form", await s.run(() => document.querySelector("#register").open));
    await s.run((code) => { document.querySelector("#invite-code").value = code; document.querySelector("#register-button").click(); }, invite.toLowerCase());
    await s.until(() => document.querySelector("#status").textContent.length > 0);
    check("(b) passkey registered", (await status()).includes("パスキーを登録しました"), await status());
    await s.run(() => { document.querySelector("#name").value = "demo-responder"; document.querySelector("#signin-button").click(); });
    await s.until(() => document.querySelector("#who").textContent.length > 0);
    const who = await s.run(() => document.querySelector("#who").textContent);
    check("(b) signed in", who.includes("demo-responder"), who);
    await s.go(cards["02-autism-teen"].url);
    const asks = await s.until(() => !document.querySelector("#open-private").hidden);
    check("(b) a card from a link asks before opening", asks && (await s.run(() => document.querySelector("#private").dataset.state)) !== "shown");
    await s.run(() => { document.querySelector('input[name="reason"][value="welfare_check"]').click(); document.querySelector("#open-private").click(); });
    const shown = await s.until(() => document.querySelector("#private").dataset.state === "shown");
    const sections = await s.run(() => document.querySelector("#sections").textContent);
    check("(b) private part shown", shown && sections.includes("佐藤 健太") && sections.includes("連絡先"), sections.slice(0, 80));
    await s.screenshot(path.join(root, "target", "firefox-private.png"), "#private");
    await s.end();
  } finally {
    gecko.stop();
  }

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
