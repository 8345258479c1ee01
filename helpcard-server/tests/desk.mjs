// The issuing desk in a real browser: Debian's Chromium, headless, driven by playwright-core,
// against the real key service on 127.0.0.1 (`helpcard-server --demo`), on a desktop viewport.
//  (a) signed out: the sign-in page; an admin registers a passkey from the desk's invite
//      (Chromium's virtual authenticator) and signs in; the issuer key is locked;
//  (b) the form for reference profile 01-deaf-adult, typed and with codes chosen by searching
//      their labels; the size meter reaches the QR version `helpcard size` reports for it;
//  (c) every form control is reached with Tab alone and has a label;
//  (d) issuing with the key locked is refused and signs nothing; the admin unlocks it; consent;
//      issue; the card PDF is downloaded, rasterised at 300 dpi (poppler), its QR code read back
//      (`helpcard qr read`) and opened (`helpcard open --json`): the fields as chosen;
//  (e) lost card: revoked and reissued on the desk; the web scanner shows the old card revoked and
//      opens the new one;
//  (f) a responder's session gets 403 from the desk's page;
//  (g) axe-core reports no serious or critical violation on each desk screen and on the web
//      scanner's page;
//  (h) a card's openings record prints as a PDF; an admin has the review screen;
//  (i) a card paused on the desk: the web scanner shows its public part and says its details
//      are paused.
// Screenshots (target/desk-*.png) of the form with its meter, the consent screen and the card
// list. Prints the meter's time from a keystroke to the updated meter. "desk: N passed, M failed".
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { databaseArgs, refusePasskeys } from "../../helpcard-wasm/tests/common.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
// The browser tools live with the web scanner's (helpcard-wasm/package.json).
const require = createRequire(path.join(root, "helpcard-wasm", "package.json"));
const { chromium } = require("playwright-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const server = path.join(root, "target", "debug", "helpcard-server");
const helpcard = path.join(root, "target", "debug", "helpcard");
const data = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-desk-"));
const shots = path.join(root, "target");

let passed = 0;
const failures = [];
const check = (name, ok, detail = "") => {
  if (ok) passed += 1;
  else failures.push(`${name} ${detail}`);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok ? "" : ` ${detail}`}`);
};

const child = spawn(server, ["--demo", "--listen", "127.0.0.1:0", "--www", path.join(root, "helpcard-wasm", "www"), "--data", data, ...databaseArgs("desk")], { stdio: ["ignore", "pipe", "inherit"] });
const printed = {};
for await (const line of readline.createInterface({ input: child.stdout })) {
  let m;
  if ((m = line.match(/^helpcard-server listening on http:\/\/(\S+) \(origin (.+)\)$/))) printed.origin = m[2];
  else if ((m = line.match(/^demo invite: (\S+)$/))) printed.invite = m[1];
  else if ((m = line.match(/^demo desk invite \(admin demo-clerk\): (\S+)$/))) printed.deskInvite = m[1];
  else if ((m = line.match(/^demo issuer key passphrase: (\S+)$/))) printed.passphrase = m[1];
  else if (line === "ready") break;
}
const { origin } = printed;

const profile = fs.mkdtempSync(path.join(os.tmpdir(), "helpcard-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  locale: "ja-JP",
  viewport: { width: 1280, height: 900 },
  acceptDownloads: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = browser.pages()[0] ?? (await browser.newPage());
const ready = () => page.waitForSelector("body[data-ready]", { timeout: 20000 });
const text = (sel) => page.textContent(sel);

// axe-core in the page: violations of impact serious or critical.
async function axe(name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => ["serious", "critical"].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  check(`(g) axe: no serious or critical violation on ${name}`, result.length === 0, result.join("; "));
}

try {
  // (a) signed out, then an admin's passkey from the desk's invite.
  await page.goto(`${origin}/desk/`);
  await ready();
  check("(a) signed out: the sign-in page", await page.isVisible("#signin-form") && !(await page.isVisible("#card-form")));
  await axe("the sign-in page");
  const cdp = await browser.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", { options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });
  await page.fill("#invite-code", printed.deskInvite);
  await page.click("#register-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#status").textContent.length > 0, null, { timeout: 10000 });
  // A passkey step the browser refuses is said in the desk's words; the desk goes on to sign in.
  await page.evaluate(refusePasskeys);
  await page.fill("#signin-name", "demo-clerk");
  await page.click("#signin-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#status").textContent.length > 0, null, { timeout: 10000 }).catch(() => {});
  check("(a) a passkey step the browser refuses is said in the desk's words", (await text("#status")) === "うまくいきませんでした。", await text("#status"));
  await page.evaluate(() => { delete navigator.credentials.get; });
  await Promise.all([page.waitForNavigation(), page.click("#signin-form button[type=submit]")]);
  await ready();
  check("(a) signed in at the desk", await page.isVisible("#card-form"), await text("#status"));
  check("(a) the key is locked, and the desk says issuing needs an admin", (await page.getAttribute("#key-state", "data-state")) === "locked" && (await text("#key-state")).includes("管理者"), await text("#key-state"));

  // (b) the form for 01-deaf-adult, typed, codes chosen by searching their labels.
  const choose = async (field, query, key) => {
    await page.fill(`#search-${field}`, query);
    const button = page.locator(`fieldset[data-field="${field}"] .results button`, { hasText: "" }).filter({ hasText: new RegExp(key) }).first();
    await button.waitFor({ timeout: 10000 });
    await button.click();
  };
  await page.fill("#holder_ref", "case-0042");
  await choose("help", "聞こえ", "耳が聞こえません");
  await choose("help", "writing", "筆談");
  await choose("help", "しゅわ", "手話");
  await page.fill("#message", "耳が聞こえません。筆談か手話でお願いします。");
  await page.fill("#f-name", "田中 美咲");
  await page.fill("#f-name_kana", "たなか みさき");
  await page.fill("#f-birth_date", "1987-09-02");
  await choose("conditions", "聴覚", "聴覚障害");
  await choose("support", "筆談", "筆談");
  await choose("support", "手話", "手話");
  await choose("support", "顔を", "顔を見て");
  await page.fill("#c1-name", "田中 健");
  await page.selectOption("#c1-relation", "spouse");
  // The meter after each keystroke: the page measures from the change to the meter drawn.
  const times = [];
  for (const digit of "090-1234-5678") {
    const before = await page.evaluate(() => document.body.dataset.measureMs);
    await page.type("#c1-phone", digit);
    await page.waitForFunction((b) => document.body.dataset.measureMs !== b, before, { timeout: 10000 }).catch(() => {});
    times.push(Number(await page.evaluate(() => document.body.dataset.measureMs)));
  }
  await page.waitForTimeout(300);
  times.sort((a, b) => a - b);
  console.log(`size meter, keystroke to updated meter (13 keystrokes, debug build): median ${times[6]} ms, max ${times[12]} ms`);
  const sized = JSON.parse(execFileSync(helpcard, ["size", "--json", "--prefix", `${origin.toUpperCase()}/S/`, path.join(root, "profiles", "01-deaf-adult.toml")], { encoding: "utf8" }));
  const meterVersion = Number(await page.evaluate(() => document.body.dataset.measured));
  check("(b) the size meter reaches the version helpcard size reports", meterVersion === sized.qr_version_m, `meter ${meterVersion}, helpcard size ${sized.qr_version_m}`);
  check("(b) the preview shows the message as it prints", (await page.textContent("#preview")).includes("筆談か手話で"), await page.textContent("#preview"));
  await page.screenshot({ path: path.join(shots, "desk-form.png"), fullPage: true });
  await axe("the form");

  // (c) Tab alone reaches every control of the form, and each has a label.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("#card-form input, #card-form select, #card-form textarea")]
    .filter((el) => !el.labels?.length && !el.getAttribute("aria-label")).map((el) => el.id));
  check("(c) every form control has a label", unlabelled.length === 0, unlabelled.join(", "));
  const controls = await page.evaluate(() => [...document.querySelectorAll("#card-form input, #card-form select, #card-form textarea")].filter((el) => el.offsetParent).map((el) => el.id));
  await page.focus("#holder_ref");
  const reached = new Set(["holder_ref"]);
  for (let i = 0; i < 200 && reached.size < controls.length; i += 1) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.id);
    if (id) reached.add(id);
  }
  const missed = controls.filter((id) => !reached.has(id));
  check("(c) Tab alone reaches every form control", missed.length === 0, missed.join(", "));

  // (d) consent; issuing with the key locked signs nothing; unlock; issue; the PDF read back.
  await page.click("#to-consent");
  await page.waitForSelector("#tab-consent:not([hidden])", { timeout: 10000 });
  check("(d) the consent screen shows the public part in やさしい日本語", (await text("#consent-public")).includes("みみが きこえません"), await text("#consent-public"));
  check("(d) and what only responders see", (await text("#consent-private")).includes("田中 美咲"), (await text("#consent-private")).slice(0, 80));
  await page.screenshot({ path: path.join(shots, "desk-consent.png"), fullPage: true });
  await axe("the consent screen");
  await page.click("#issue");
  check("(d) no card without a recorded consent", (await text("#consent-error")).length > 0);
  await page.check('input[name="confirmed-by"][value="holder"]');
  await page.click("#issue");
  await page.waitForFunction(() => document.querySelector("#consent-error").textContent.length > 0, null, { timeout: 10000 });
  const lockedSays = await text("#consent-error");
  check("(d) issuing with the key locked is refused, plainly", lockedSays.includes("管理者") && !/[A-Za-z]{3}/.test(lockedSays), lockedSays);
  const countCards = () => page.evaluate(async () => (await (await fetch("/api/desk/cards", { credentials: "same-origin" })).json()).cards.length);
  const cardsBefore = await countCards();
  await page.fill("#passphrase", printed.passphrase);
  await page.click("#unlock-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#key-state").dataset.state === "unlocked", null, { timeout: 20000 });
  check("(d) nothing was registered while the key was locked", cardsBefore === (await countCards()));
  await page.click("#issue");
  await page.waitForSelector("#tab-issued:not([hidden])", { timeout: 20000 });
  const cardId = await page.evaluate(() => document.body.dataset.issued);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click('#issued-files a[href$="card.pdf"]')]);
  const pdf = path.join(data, "card.pdf");
  await download.saveAs(pdf);
  execFileSync("pdftoppm", ["-r", "300", "-png", pdf, path.join(data, "page")]);
  const pages = fs.readdirSync(data).filter((f) => f.startsWith("page") && f.endsWith(".png")).sort();
  const read = execFileSync(helpcard, ["qr", "read", ...pages.map((p) => path.join(data, p))], { encoding: "utf8" });
  const qrText = read.split("\n").map((l) => l.split("\t")[1]).find((t) => t && t !== "-");
  check("(d) the printed card's QR code reads back at 300 dpi", Boolean(qrText), read);
  const opened = JSON.parse(execFileSync(helpcard, ["--lang", "en", "open", "--json", "--text", qrText,
    "--root", path.join(data, "demo-root.public.json"), "--trust", path.join(data, "lists", "trust.cbor"),
    "--revocations", path.join(data, "lists", "revocations", "musashino.cbor")], { encoding: "utf8" }));
  const help = opened.public.help.map((h) => h.key).join(",");
  check("(d) helpcard open: the card as chosen", opened.status === "ok" && opened.card_id === cardId && help === "deaf,writing,sign-language"
    && opened.public.message === "耳が聞こえません。筆談か手話でお願いします。" && opened.private === "locked", JSON.stringify(opened).slice(0, 300));

  // The lock-screen image: its QR code reads back too.
  const [phone] = await Promise.all([page.waitForEvent("download"), page.click('#issued-files a[href$="phone.png"]')]);
  const phonePng = path.join(shots, "desk-phone.png");
  await phone.saveAs(phonePng);
  const phoneRead = execFileSync(helpcard, ["qr", "read", phonePng], { encoding: "utf8" }).split("\t")[1]?.trim();
  check("(d) the lock-screen image's QR code reads back", phoneRead === qrText, phoneRead);
  await page.screenshot({ path: path.join(shots, "desk-issued.png"), fullPage: true });

  // (e) lost: revoked and reissued; the web scanner agrees.
  await page.click('[data-tab="list"]');
  await page.waitForSelector("#list-rows tr", { timeout: 10000 });
  await page.screenshot({ path: path.join(shots, "desk-list.png"), fullPage: true });
  await axe("the card list");
  // Printed again from the holder's lock-screen image.
  await page.setInputFiles("#reprint-file", phonePng);
  await page.click("#reprint-form button[type=submit]");
  await page.waitForFunction(() => document.body.dataset.reprinted, null, { timeout: 20000 }).catch(() => {});
  check("(d) a card printed again from the phone image", (await page.evaluate(() => document.body.dataset.reprinted)) === cardId && (await page.isVisible('#reprint-files a[href$="card.pdf"]')));
  // The holder's openings record (APPI disclosure) from the card's history, and an admin's review.
  await page.click(`#list-rows button[aria-label="履歴 ${cardId}"]`);
  await page.waitForSelector("#card-detail:not([hidden])", { timeout: 10000 });
  const record = await page.evaluate(async () => {
    const r = await fetch(document.querySelector("#detail-openings").href, { credentials: "same-origin" });
    return { status: r.status, type: r.headers.get("content-type"), start: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
  });
  check("(h) the card's openings record is a PDF for the holder", record.status === 200 && record.type === "application/pdf" && record.start === "%PDF-", JSON.stringify(record));
  check("(h) an admin has the review screen", await page.isVisible("#review-tab"));
  await page.click('[data-tab="review"]');
  await page.waitForSelector("#tab-review:not([hidden])", { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector("#review-rows").children.length > 0 || !document.querySelector("#review-empty").hidden, null, { timeout: 10000 });
  await axe("the review");
  await page.click('[data-tab="list"]');
  await page.click(`#list-rows button[aria-label="紛失・再発行 ${cardId}"]`);
  await page.waitForSelector("#tab-form:not([hidden])", { timeout: 10000 });
  check("(e) the lost card revoked, the form ready for the new one", (await page.inputValue("#holder_ref")) === "case-0042", await text("#status"));
  await page.click("#to-consent");
  await page.waitForSelector("#tab-consent:not([hidden])", { timeout: 10000 });
  await page.check('input[name="confirmed-by"][value="holder"]');
  await page.click("#issue");
  await page.waitForSelector("#tab-issued:not([hidden])", { timeout: 20000 });
  const newId = await page.evaluate(() => document.body.dataset.issued);
  const newText = await page.evaluate(async () => (await fetch(document.querySelector('#issued-files a[href$="card.txt"]').href, { credentials: "same-origin" })).text());
  await axe("the issued screen");
  // (i) the holder pauses access to the new card's details: the list is published at once.
  await page.click('[data-tab="list"]');
  await page.waitForSelector(`#list-rows button[aria-label="詳細を一時停止 ${newId}"]`, { timeout: 10000 });
  await page.click(`#list-rows button[aria-label="詳細を一時停止 ${newId}"]`);
  await page.waitForSelector(`#list-rows button[aria-label="詳細を再開 ${newId}"]`, { timeout: 10000 });
  check("(i) the desk says the card's details are paused", (await text("#status")).includes("開けないように"), await text("#status"));
  const scanner = async (card) => {
    await page.goto(`${origin}/S/#${card.split("#")[1]}`);
    await page.waitForSelector("body[data-ready]", { timeout: 20000 });
    await page.waitForSelector("#verdict[data-verdict]", { timeout: 20000 });
    return page.getAttribute("#verdict", "data-verdict");
  };
  check("(e) the web scanner shows the lost card revoked", (await scanner(qrText)) === "revoked");
  check("(e) and opens the new card", newId !== cardId && ["verified", "verified_with_warning"].includes(await scanner(newText)));
  check("(i) the web scanner shows the paused card's public part, its details paused", (await page.getAttribute("#private", "data-state")) === "unavailable" && (await text("#private-note")).includes("本人の希望"), await text("#private-note"));
  await axe("the web scanner's card page");

  // (f) a responder's session: 403 from the desk's page.
  await browser.clearCookies();
  await page.goto("about:blank");
  await page.goto(`${origin}/S/#register`);
  await page.waitForSelector("body[data-ready]", { timeout: 20000 });
  await page.fill("#invite-code", printed.invite);
  await page.click("#register-button");
  await page.waitForFunction(() => document.querySelector("#status").textContent.length > 0, null, { timeout: 10000 });
  await page.fill("#name", "demo-responder");
  await page.click("#signin-button");
  await page.waitForFunction(() => document.querySelector("#who").textContent.length > 0, null, { timeout: 10000 });
  const response = await page.goto(`${origin}/desk/`);
  check("(f) a responder gets 403 from the desk", response.status() === 403, String(response.status()));
} catch (e) {
  check("no exception", false, e.stack);
} finally {
  await browser.close();
  child.kill();
}
console.log(`desk: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
