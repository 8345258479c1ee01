// The web scanner in a real browser: Debian's Chromium, headless, driven by playwright-core,
// against the real key service on 127.0.0.1 (`helpcard-server --demo`), on a phone-sized
// viewport. Checks, in order:
//  (a) a stock-camera URL shows the public part and its verdict, and the fragment is gone;
//  (c) tampered, expired, revoked and foreign-issuer cards show their verdicts; a forged
//      trust or revocation list is refused and the last good one used (a revocation stays);
//  (b) a responder registers a passkey (Chromium's virtual authenticator) from an invite, signs
//      in, opens a card and sees the private part, which hides itself after the idle time and
//      when the page is hidden; the fake camera (a Y4M video of a demo card's code at 3 px per
//      module) is read in the worker and that card's private part is shown;
//  (c) a revoked person is refused;
//  (d) after a first visit the page works offline (service worker) and says the private part
//      needs the network;
//  (e) a new build (another build id) replaces the cached one;
//  (h) a stranger's page: sign-in folded away, a tel:119 button for an ambulance request, the
//      verdict in shape and word, no empty sections on a refused card, its reason on asking;
//      screenshots of every verdict (target/scanner-verdict-*.png);
//  (g) axe-core: no serious or critical violation on a verified card, a refused card, the
//      private part shown to a signed-in responder and the camera view;
//  (n) the opening in (b) sends the holder and family one notice each through a local SMTP sink,
//      with organisation, role, time and reason and none of the private part's text.
// Screenshots of (a) and (b) are taken. Prints "browser: N passed, M failed".
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { axeSource, checks, grayPng, refusePasskeys, seriousViolations, server, startServer } from "./common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const data = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-browser-"));

const { check, fail, finish } = checks();

// --- a local SMTP sink (RFC 5321): the notices the service sends to the holder and family ---
const mail = [];
const sink = net.createServer((socket) => {
  socket.setEncoding("utf8");
  let buffer = "";
  let to = [];
  let data = null;
  socket.write("220 sink ESMTP\r\n");
  socket.on("data", (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf("\r\n")) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (data !== null) {
        if (line !== ".") { data.push(line.startsWith("..") ? line.slice(1) : line); continue; }
        const blank = data.indexOf("");
        const headers = data.slice(0, blank).join("\n");
        const body = Buffer.from(data.slice(blank + 1).join(""), "base64").toString("utf8");
        const subject = (headers.match(/^Subject: (.*)$/m)?.[1] ?? "").replace(/=\?utf-8\?b\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, "base64").toString("utf8"));
        for (const t of to) mail.push({ to: t, subject, text: body });
        data = null;
        socket.write("250 ok\r\n");
      } else if (/^(EHLO|HELO)/i.test(line)) socket.write("250 sink\r\n");
      else if (/^MAIL FROM/i.test(line)) { to = []; socket.write("250 ok\r\n"); }
      else if (/^RCPT TO:<(.*)>/i.test(line)) { to.push(line.match(/<(.*)>/)[1]); socket.write("250 ok\r\n"); }
      else if (/^DATA/i.test(line)) { data = []; socket.write("354 go on\r\n"); }
      else if (/^QUIT/i.test(line)) { socket.end("221 bye\r\n"); }
      else socket.write("250 ok\r\n");
    }
  });
  socket.on("error", () => {});
});
await new Promise((resolve) => sink.listen(0, "127.0.0.1", resolve));
const smtp = `smtp://127.0.0.1:${sink.address().port}`;

// --- the service ---
const www = path.join(root, "helpcard-wasm", "www");
const noticeArgs = ["--smtp", smtp, "--organisation", "demo=武蔵野消防署", "--notice-contact", "武蔵野市 障害者福祉課 0422-60-1234"];
let service = await startServer(www, "127.0.0.1:0", data, noticeArgs);
const { cards, origin, invite } = service;

// --- the fake camera: a Y4M video of the demo card 01-deaf-adult's code, written by
// `helpcard qr write` from the URL the service printed, at 3 pixels per module ---
const helpcard = path.join(root, "target", "debug", "helpcard");
const cameraPng = path.join(data, "camera-card.png");
execFileSync(helpcard, ["qr", "write", cards["01-deaf-adult"].url, "--out", cameraPng, "--pixels-per-module", "3"]);
const { side, pixels } = grayPng(fs.readFileSync(cameraPng));
const [W, H] = [640, 480];
const y = Buffer.alloc(W * H, 190);
for (let r = 0; r < side; r += 1) {
  for (let c = 0; c < side; c += 1) y[(r + (H - side) / 2 | 0) * W + c + ((W - side) / 2 | 0)] = pixels[r * side + c] ? 225 : 30;
}
const frame = Buffer.concat([Buffer.from("FRAME\n"), y, Buffer.alloc(W * H / 2, 128)]);
const y4m = path.join(data, "camera.y4m");
fs.writeFileSync(y4m, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)]));

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  locale: "ja-JP",
  viewport: { width: 390, height: 844 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    `--use-file-for-fake-video-capture=${y4m}`],
});
// What a passer-by's first visit transfers: every response to the page and to its service
// worker, as sent (compressed) plus headers, until the service worker controls the page.
const transfers = [];
// The body's size as sent to a client that takes gzip only (undecoded).
const gzipBodySize = (url) => new Promise((resolve, reject) => {
  http.get(url, { headers: { "accept-encoding": "gzip" } }, (r) => {
    let n = 0;
    r.on("data", (chunk) => { n += chunk.length; });
    r.on("end", () => (r.headers["content-encoding"] === "gzip" ? resolve(n) : reject(new Error(`${url}: not gzip`))));
  }).on("error", reject);
});
const recordTransfer = async (request) => {
  const [sizes, response] = [await request.sizes(), await request.response()];
  const decoded = response.status() === 200 ? (await response.body().catch(() => Buffer.alloc(0))).length : 0;
  transfers.push({ by: request.serviceWorker() ? "service worker" : "page", url: request.url(), file: new URL(request.url()).pathname,
    sent: sizes.responseBodySize, headers: sizes.responseHeadersSize, decoded, coding: response.headers()["content-encoding"] });
};
browser.on("requestfinished", recordTransfer);
const page = browser.pages()[0] ?? (await browser.newPage());
const ready = () => page.waitForSelector("body[data-ready]", { timeout: 20000 });
// Opens a URL and waits until the page has handled its fragment (a new page, or only a new
// fragment on the same page).
const open = async (url) => {
  const before = await page.evaluate(() => document.body?.dataset.seq ?? "").catch(() => "");
  await page.goto(url);
  await ready();
  await page.waitForFunction((b) => (document.body.dataset.seq ?? "") !== b, before, { timeout: 20000 });
};
const attr = (sel, a) => page.$eval(sel, (e, a) => e.dataset[a], a);
const axe = async (name) => {
  await page.evaluate(axeSource);
  const found = await page.evaluate(seriousViolations);
  check(`(g) axe: no serious or critical violation on ${name}`, found.length === 0, found.join("; "));
};
// Screenshots go to target/ (HELPCARD_SCREENSHOTS=docs puts them in docs/ for the README).
const shots = process.env.HELPCARD_SCREENSHOTS === "docs" ? path.join(root, "docs") : path.join(root, "target");
const shot = (name) => page.screenshot({ path: path.join(shots, `scanner-${name}.png`), fullPage: true });

try {
  // (a) a passer-by's stock camera opens the card URL.
  const t0 = Date.now();
  await open(cards["02-autism-teen"].url);
  check("(a) verdict verified", (await attr("#verdict", "verdict")) === "verified");
  check("(a) public message", (await page.textContent("#message")).includes("自閉症があります"));
  check("(a) help labels in Japanese", (await page.textContent("#help")).includes("ゆっくり話してください"));
  check("(a) when the details were written", (await page.textContent("#facts")).includes("内容を書いた日"), await page.textContent("#facts"));
  check("(a) fragment cleared", (await page.evaluate(() => location.hash)) === "" && !page.url().includes("#"));
  check("(a) private part asks for sign-in", (await page.textContent("#private-note")).includes("サインイン"));
  await shot("passer-by");
  await axe("a verified card (passer-by)");
  console.log(`first load to verified view: ${Date.now() - t0} ms`);
  await page.click('[data-lang="en"]');
  check("(a) English on request", (await page.textContent("#headline")) === "Verified help card");
  const t1 = Date.now();
  await open(cards["01-deaf-adult"].url);
  console.log(`second card in the same tab (fragment only): ${Date.now() - t1} ms`);
  // A full page load from the service worker's cache, as a phone opening the next card.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  await new Promise((r) => setTimeout(r, 300));
  browser.off("requestfinished", recordTransfer);
  const total = transfers.reduce((sum, t) => sum + t.sent + t.headers, 0);
  console.log("a passer-by's first visit, bytes as sent (body + headers):");
  for (const t of transfers) console.log(`  ${t.by.padEnd(14)} ${t.file.padEnd(34)} ${String(t.sent).padStart(7)} + ${t.headers}` + (t.decoded > t.sent ? `  (${t.decoded} unpacked)` : ""));
  console.log(`  total ${total} bytes`);
  // The same visit for a browser without Brotli: each Brotli body sent as the service sends it gzipped
  // (asked for here with Accept-Encoding: gzip alone), headers as above ("gzip" is two bytes
  // longer than "br", in Content-Encoding and in the entity tag).
  let gzipTotal = 0;
  for (const t of transfers) {
    gzipTotal += t.coding === "br" && t.sent > 0 ? (await gzipBodySize(t.url)) + t.headers + 4 : t.sent + t.headers;
  }
  console.log(`  total ${gzipTotal} bytes with gzip instead of Brotli`);
  const wasm = transfers.find((t) => t.by === "page" && t.file.endsWith("helpcard_view_bg.wasm"));
  check("(a) the WASM module arrives compressed", wasm && wasm.sent * 1.3 < wasm.decoded, JSON.stringify(wasm));
  const again = transfers.filter((t) => t.by === "service worker" && t.sent > 0 && transfers.some((p) => p.by === "page" && p.file === t.file && p.sent > 0));
  check("(a) the service worker's install downloads nothing the page already has", again.length === 0, JSON.stringify(again));
  await page.goto("about:blank");
  const t2 = Date.now();
  await open(cards["05-blind-elder"].url);
  const cached = Date.now() - t2;
  console.log(`cached page load to verified view: ${cached} ms`);
  check("(a) cached load shows the verdict", (await attr("#verdict", "verdict")) === "verified");

  // (h) the page as a stranger reads it: the sign-in out of the way, a call button where the
  // holder asks for an ambulance, the verdict in a word and a shape, and the status line not
  // repeating the banner.
  check("(h) a passer-by does not see the sign-in form", !(await page.isVisible("#signin")) && (await page.isVisible("#responder-box summary")));
  await open(cards["03-epilepsy-child"].url);
  const call = await page.$eval("#help a.call", (a) => ({ href: a.getAttribute("href"), text: a.textContent })).catch(() => null);
  check("(h) a call button beside the request for an ambulance", call?.href === "tel:119" && call.text.includes("119"), JSON.stringify(call));
  const mark = await page.$eval("#headline", (h) => getComputedStyle(h, "::before").content);
  check("(h) the verdict has a shape as well as a colour", mark.includes("✓"), mark);
  check("(h) the status line does not repeat the banner", (await page.textContent("#status")) === "");
  await shot("verified");

  // (c) verdicts of bad cards; a refused card shows no empty sections and says why only on asking.
  for (const name of ["tampered", "expired", "revoked", "foreign-issuer"]) {
    await open(cards[name].url);
    check(`(c) ${name}`, (await attr("#verdict", "verdict")) === cards[name].verdict, await attr("#verdict", "verdict"));
    const visible = { asks: await page.isVisible("#asks"), message: await page.isVisible("#message"), why: await page.isVisible("#why summary") };
    check(`(h) ${name}: no empty heading, the reason behind a summary`, !visible.asks && !visible.message && visible.why && !(await page.isVisible("#why-text")), JSON.stringify(visible));
    const words = [await page.textContent("#headline"), await page.textContent("#advice"), await page.textContent("#why-text")];
    check(`(h) ${name}: what to do, said once`, new Set(words).size === 3 && !words[2].includes(words[1]), JSON.stringify(words));
    await shot(`verdict-${name}`);
    if (name === "tampered") await axe("a refused card");
  }

  // (c) a forged list (one signature bit flipped on the way to the page, when the URL says
  // ?forge=revocations or ?forge=trust) is refused, and the list this phone accepted earlier
  // stands: a revoked card stays revoked, a good card is still verified.
  await page.addInitScript(() => {
    const forge = new URLSearchParams(location.search).get("forge");
    if (!forge) return;
    const real = window.fetch;
    window.fetch = async (input, init) => {
      const r = await real(input, init);
      if (!String(input.url ?? input).includes(forge === "trust" ? "/lists/trust.cbor" : "/lists/revocations/")) return r;
      const bytes = new Uint8Array(await r.arrayBuffer());
      bytes[bytes.length - 1] ^= 1;
      return new Response(bytes, { status: 200 });
    };
  });
  const keptListUsed = async (name, forge, verdict) => {
    const opened = await open(cards[name].url.replace("/S/#", `/S/?forge=${forge}#`)).then(() => true, (e) => String(e));
    const [seen, status] = [await attr("#verdict", "verdict").catch(() => ""), await page.textContent("#status")];
    check(`(c) a forged ${forge} list: the last good one is used (${name} ${verdict})`, opened === true && seen === verdict && status.includes("前に読み込んだリスト"), `${opened} ${seen}: ${status}`);
  };
  await keptListUsed("revoked", "revocations", "revoked");
  await keptListUsed("02-autism-teen", "trust", "verified");

  // (b) a responder: passkey from an invite, sign-in, the private part.
  const cdp = await browser.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", { options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
  // The invite code is typed into the page (as printed: any case, with or without dashes); it
  // never travels in a URL.
  await open(`${origin}/S/#register`);
  check("(b) #register opens the invite form", await page.$eval("#register", (d) => d.open));
  // A passkey step the browser refuses is said in the page's words, and the page's module
  // goes on working (below).
  await page.evaluate(refusePasskeys);
  await page.fill("#name", "demo-responder");
  await page.click("#signin-button");
  await page.waitForFunction(() => document.querySelector("#status").textContent.length > 0, null, { timeout: 10000 }).catch(() => {});
  const refused = await page.textContent("#status");
  check("(b) a passkey step the browser refuses is said in the page's words", refused.includes("パスキーの操作が取り消されたか"), refused);
  await page.evaluate(() => { delete navigator.credentials.get; });
  await page.fill("#invite-code", invite.toLowerCase());
  await page.evaluate(() => { document.querySelector("#status").textContent = ""; });
  await page.click("#register-button");
  await page.waitForFunction(() => document.querySelector("#status").textContent.length > 0, null, { timeout: 10000 });
  const registered = await page.textContent("#status");
  check("(b) passkey registered", /パスキーを登録しました|Passkey registered/.test(registered), registered);
  await page.fill("#name", "demo-responder");
  await page.click("#signin-button");
  await page.waitForFunction(() => document.querySelector("#who").textContent.length > 0, null, { timeout: 10000 });
  check("(b) signed in", (await page.textContent("#who")).includes("demo-responder"), await page.textContent("#who"));
  // A card arriving in a link shows its public part and asks before the private part is
  // fetched (any web page could send a responder's browser to such a link).
  let unwraps = 0;
  const countUnwraps = (r) => { if (r.url().endsWith("/api/unwrap")) unwraps += 1; };
  page.on("request", countUnwraps);
  await open(cards["02-autism-teen"].url.replace("/S/#", "/S/?idle=3#"));
  await page.waitForSelector("#open-private:not([hidden])", { timeout: 10000 });
  check("(b) a card from a link is not opened unasked", unwraps === 0 && (await attr("#private", "state")) !== "shown", `${unwraps} unwraps`);
  // Without a reason the button fetches nothing and asks for one.
  await page.click("#open-private");
  check("(b) no opening without a reason", unwraps === 0 && (await page.textContent("#private-note")).includes("理由"), await page.textContent("#private-note"));
  await page.check('input[name="reason"][value="welfare_check"]');
  await page.click("#open-private");
  await page.waitForSelector('#private[data-state="shown"]', { timeout: 10000 });
  check("(b) opened once on the button", unwraps === 1, `${unwraps} unwraps`);
  page.off("request", countUnwraps);
  const sections = await page.textContent("#sections");
  check("(b) private part shown", sections.includes("佐藤 健太") && sections.includes("連絡先"), sections.slice(0, 80));
  await axe("a responder signed in, the private part shown");
  // The holder and family chose to be told: one notice each, with who, when and why, and
  // nothing the private part says.
  const privateTexts = await page.evaluate(() => [...document.querySelectorAll("#sections dd")].map((d) => d.textContent.trim()).filter((t) => t.length >= 3));
  for (let i = 0; i < 100 && mail.length < 2; i += 1) await new Promise((r) => setTimeout(r, 100));
  const told = mail.map((m) => m.to).sort().join(",");
  check("(n) one notice per chosen address", told === "family@example.jp,holder@example.jp", told);
  const leaked = mail.flatMap((m) => privateTexts.filter((t) => m.text.includes(t) || m.subject.includes(t)));
  check("(n) each says the organisation, role, time and reason, and nothing from the private part",
    mail.length === 2 && mail.every((m) => ["武蔵野消防署", "応答者", "日本時間", "安否確認", "0422-60-1234"].every((w) => m.text.includes(w))) && privateTexts.length > 3 && leaked.length === 0,
    `${JSON.stringify(mail.map((m) => m.text.slice(0, 120)))} leaked: ${leaked}`);
  // A language switch shows the same card again: the decrypted private part stays, in the new
  // language's words (the WASM view's, not the page's).
  await page.click('[data-lang="en"]');
  const english = await page.textContent("#sections");
  check("(b) a language switch keeps the private part", (await attr("#private", "state")) === "shown" && english.includes("佐藤 健太") && english.includes("Contacts"), english.slice(0, 80));
  check("(b) the private part's heading in English", (await page.textContent("#private-title")) === "Support details (responders only)", await page.textContent("#private-title"));
  await page.click('[data-lang="ja"]');
  check("(b) and back in Japanese", (await attr("#private", "state")) === "shown" && (await page.textContent("#sections")).includes("連絡先"));
  await shot("responder");
  await page.waitForSelector('#private:not([data-state="shown"])', { timeout: 8000 });
  check("(b) hidden after idle", !(await page.textContent("#sections")).includes("佐藤"));
  await open(cards["04-wheelchair-medcare"].url);
  await page.check('input[name="reason"][value="facility_support"]');
  await page.click("#open-private");
  await page.waitForSelector('#private[data-state="shown"]', { timeout: 10000 });
  await page.evaluate(() => {
    Object.defineProperty(document, "hidden", { value: true, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  check("(b) hidden when the page is hidden", (await attr("#private", "state")) !== "shown");
  // The page's camera view: the fake camera's frames (the demo card 01-deaf-adult) go through
  // the worker's reader, and the signed-in responder sees the private part.
  // The torch button appears only when the camera reports a torch: watch it while scanning.
  const watchTorch = () => page.evaluate(() => {
    window.torchSeen = false;
    new MutationObserver(() => {
      const button = document.getElementById("torch");
      if (!button.hidden && !window.torchSeen) {
        window.torchSeen = true;
        button.click();
      }
    }).observe(document.getElementById("torch"), { attributes: true });
  });
  await watchTorch();
  await page.click("#scan");
  // Read in the worker (the demo card 01's message appears); the responder says why and opens it
  // in one step.
  await page.waitForFunction(() => document.querySelector("#message").textContent.includes("筆談か手話"), null, { timeout: 20000 });
  await page.waitForSelector("#open-private:not([hidden])", { timeout: 20000 });
  await page.check('input[name="reason"][value="emergency_transport"]');
  await page.click("#open-private");
  await page.waitForFunction(() => document.querySelector("#sections").textContent.includes("田中"), null, { timeout: 20000 });
  check("(b) camera frame read in the worker: verified", (await attr("#verdict", "verdict")) === "verified", await attr("#verdict", "verdict"));
  check("(b) camera card's private part shown", (await attr("#private", "state")) === "shown" && (await page.textContent("#sections")).includes("田中 美咲"), await attr("#private", "state"));
  check("(b) no torch button for a camera without a torch", (await page.evaluate(() => window.torchSeen)) === false);
  await axe("the camera view");
  // Chromium's fake camera has no torch; one that reports a torch (its capabilities extended
  // here) gets the button, and pressing it asks the track for the torch.
  await page.evaluate(() => {
    const caps = MediaStreamTrack.prototype.getCapabilities;
    MediaStreamTrack.prototype.getCapabilities = function () { return { ...caps.call(this), torch: true }; };
    const apply = MediaStreamTrack.prototype.applyConstraints;
    window.torchAsked = [];
    MediaStreamTrack.prototype.applyConstraints = function (c) {
      if (c?.advanced?.some((a) => "torch" in a)) window.torchAsked.push(c.advanced[0].torch);
      return apply.call(this, c);
    };
  });
  await watchTorch();
  await page.click("#scan");
  await page.waitForFunction(() => window.torchSeen && window.torchAsked.length > 0, null, { timeout: 20000 }).catch(() => {});
  check("(b) torch button for a camera with a torch, which turns it on", await page.evaluate(() => window.torchSeen && window.torchAsked[0] === true), await page.evaluate(() => JSON.stringify(window.torchAsked)));
  await page.waitForFunction(() => document.getElementById("torch").hidden, null, { timeout: 20000 });

  // (c) a revoked person is refused.
  execFileSync(server, ["revoke-person", "demo-responder", "--data", data, ...service.database]);
  await open(cards["03-epilepsy-child"].url);
  await page.check('input[name="reason"][value="other"]');
  await page.fill("#reason-text", "確認のため");
  await page.click("#open-private");
  await page.waitForFunction(() => /withdrawn|取り消されました/.test(document.querySelector("#private-note").textContent), null, { timeout: 10000 });
  // The refusal in the page's language only: the service sends its code, the page its words.
  const refusal = await page.textContent("#private-note");
  const inJapanese = await page.evaluate(() => document.documentElement.lang === "ja");
  check("(c) revoked person refused, in one language", inJapanese ? refusal.includes("取り消されました") && !/[A-Za-z]/.test(refusal) : refusal.includes("withdrawn") && !/[\u3040-\u30ff\u4e00-\u9fff]/.test(refusal), refusal);

  // (d) offline after the first visit.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10000 });
  await browser.setOffline(true);
  await open(cards["05-blind-elder"].url);
  check("(d) offline verdict", (await attr("#verdict", "verdict")) === "verified");
  check("(d) offline says the private part needs the network", /ネットワーク|network/.test(await page.textContent("#private-note")), await page.textContent("#private-note"));
  await browser.setOffline(false);

  // (e) a new build replaces the cached one. The service is restarted on the same address with
  // a copy of the scanner whose page is marked and whose build id (pkg/version.js) differs, as
  // a deployment would leave it; a visit finds the new id and caches that build whole, and the
  // next visit runs it, the old cache gone.
  const oldCaches = await page.evaluate(() => caches.keys());
  service.child.kill();
  await new Promise((r) => service.child.once("exit", r));
  const next = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-www-"));
  fs.cpSync(www, next, { recursive: true });
  const html = fs.readFileSync(path.join(www, "index.html"), "utf8");
  fs.writeFileSync(path.join(next, "index.html"), html.replace("<head>", '<head>\n<meta name="helpcard-test-build" content="next">'));
  fs.writeFileSync(path.join(next, "pkg", "version.js"), 'self.HELPCARD_BUILD = "next-build";\n');
  service = await startServer(next, service.listen, fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-browser-")), noticeArgs);
  // The first visit after the deployment finds the new build and installs it; once no page
  // uses the old build the new one is activated (Chromium's service worker events tell when),
  // and the visit after runs it.
  const versions = new Map();
  cdp.on("ServiceWorker.workerVersionUpdated", ({ versions: vs }) => vs.forEach((v) => versions.set(v.versionId, v.status)));
  await cdp.send("ServiceWorker.enable");
  const until = async (done) => {
    for (let waited = 0; waited < 20000 && !(await done()); waited += 250) await new Promise((r) => setTimeout(r, 250));
  };
  await until(async () => [...versions.values()].includes("activated"));
  const first = [...versions].find(([, status]) => status === "activated")?.[0];
  await page.goto(`${origin}/S/`);
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.goto("about:blank");
  await until(async () => [...versions].some(([id, status]) => id !== first && status === "activated"));
  await page.goto(`${origin}/S/`);
  let newCaches = [];
  await until(async () => (newCaches = await page.evaluate(() => caches.keys())).length === 1);
  check("(e) the new build's cache replaces the old one", oldCaches.length === 1 && newCaches.length === 1 && newCaches[0] === "helpcard-next-build", `${oldCaches} -> ${newCaches}`);
  check("(e) the next visit runs the new build", (await page.$('meta[name="helpcard-test-build"]')) !== null);
  fs.rmSync(next, { recursive: true, force: true });
} catch (e) {
  fail(e);
} finally {
  await browser.close();
  service.child.kill();
}
// (f) What the browser's history database keeps (Chromium's own file, read after it closed):
// the card addresses as opened (recorded before any script runs; the README says so), never
// an invite code, which the page only ever takes typed in.
try {
  const urls = execFileSync("python3", ["-c", "import sqlite3,sys; print('\\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('select url from urls')))", path.join(profile, "Default", "History")]).toString();
  const code = invite.replace(/-/g, "");
  check("(f) no invite code in the browser's history", !urls.toUpperCase().replace(/-/g, "").includes(code), urls);
  check("(f) the history holds the card address as opened (documented)", urls.includes(cards["02-autism-teen"].url.split("#")[1]));
} catch (e) {
  fail(e);
}
finish("browser");
