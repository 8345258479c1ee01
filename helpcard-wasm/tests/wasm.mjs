// The browser build (www/pkg: the page's module and the camera worker's, made by build.sh) under Node's WebAssembly engine, the same
// bytes a browser runs:
//  - every test vector gives the outcome, card id, public part and (through the content key the
//    key service would return) the private part that the native build gives;
//  - the QR reader survives the `qr_read` fuzz corpus without a trap (on wasm32 a panic is an
//    abort: it would take the page down);
//  - the camera worker replaces a reader instance that trapped.
// Prints "wasm: N passed, M failed"; exits 1 on any failure.
import fs from "node:fs";
import vm from "node:vm";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as view from "../www/pkg/helpcard_view.js";
import * as plainReader from "../www/pkg/helpcard_reader.js";
import * as simdReader from "../www/pkg/helpcard_reader_simd.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const pkg = (name) => fs.readFileSync(path.join(here, "..", "www", "pkg", name));
view.initSync({ module: pkg("helpcard_view_bg.wasm") });
plainReader.initSync({ module: pkg("helpcard_reader_bg.wasm") });
simdReader.initSync({ module: pkg("helpcard_reader_simd_bg.wasm") });
const { Scanner, labels, refusal_words } = view;

let passed = 0;
const failures = [];
const check = (name, ok, detail) => {
  if (ok) passed += 1;
  else failures.push(`${name}: ${detail}`);
};
const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const sorted = (v) =>
  v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]))
    : Array.isArray(v) ? v.map(sorted) : v;

const dir = path.join(root, "test-vectors", "v3");
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const v = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const name = v.name;
  const expect = v.expect;
  const scanner = Scanner.withRootKey(v.keys.root_public);
  scanner.load_trust(hex(v.trust_list), v.lists_loaded_at * 1000);
  // What the page remembers in IndexedDB from earlier lists.
  if (v.revocation_floors) scanner.set_floors(JSON.stringify(v.revocation_floors));
  let outcome = null;
  for (const list of [v.revocation_list_held, v.revocation_list]) {
    if (!list || outcome) continue;
    try {
      scanner.load_revocations(hex(list), v.lists_loaded_at * 1000);
    } catch (e) {
      outcome = String(e.message ?? e).split(":")[0];
    }
  }
  if (outcome) {
    check(name, outcome === expect.outcome, `list refused as ${outcome}, expected ${expect.outcome}`);
    continue;
  }
  const view = JSON.parse(scanner.open(v.stages.qr_text, v.now * 1000, "en"));
  if (expect.outcome !== "ok") {
    // A private-part failure leaves the public part verified; this build holds no responder
    // key, so it can only confirm that much.
    const wanted = expect.public_verified ? "ok" : expect.outcome;
    check(name, view.status === wanted, `status ${view.status}, expected ${wanted}`);
    continue;
  }
  let ok = view.status === "ok" && view.card_id === expect.card_id;
  const help = view.public.help.map((l) => l.key ?? l.code);
  ok = ok && same(help, expect.public.help ?? []) && view.public.message === (expect.public.message ?? "");
  if (v.stages.content_key) {
    const opened = JSON.parse(scanner.decrypt(v.stages.content_key, "en"));
    const wantPrivate = typeof expect.private === "object" ? expect.private : v.issue.profile.private;
    ok = ok && same(sorted(opened.private), sorted(wantPrivate));
    ok = ok && opened.private_sections.length > 0;
    // The card held, again in another language (a language switch), then sealed.
    const again = JSON.parse(scanner.view("ja"));
    ok = ok && again.private_state === "shown" && same(sorted(again.private), sorted(wantPrivate)) && again.labels.private === "支援の詳細（応答者のみ）";
    scanner.seal();
    ok = ok && JSON.parse(scanner.view("en")).private_state === "locked";
  }
  check(name, ok, `view differs: ${JSON.stringify(view).slice(0, 300)}`);
}

// The page's words for the key service's refusal codes and the view's labels, by language.
check("refusal words", refusal_words("person_revoked", "ja") === "支援の詳細を開く権限は取り消されました。" && refusal_words("person_revoked", "en").includes("withdrawn") && refusal_words("revoked", "easy-ja").includes("つかえません"), refusal_words("person_revoked", "ja"));
check("labels", JSON.parse(labels("easy-ja")).help === "この ひとに ひつような てだすけ" && JSON.parse(labels("fr")).title === "ヘルプカード");

// Both reader builds (with and without SIMD) on a real card's code (3 pixels per module; 2-byte
// big-endian width, then luma), then on the fuzz corpus: a trap (RuntimeError) would be a panic.
const card = fs.readFileSync(path.join(here, "card-01.luma"));
const [cardWidth, cardLuma] = [card.readUInt16BE(0), card.subarray(2)];
const cardHeight = cardLuma.length / cardWidth;
const cardText = fs.readFileSync(path.join(here, "card-01.luma.txt"), "utf8");
for (const [build, { read_qr }] of [["plain", plainReader], ["simd", simdReader]]) {
  const text = read_qr(cardWidth, cardHeight, cardLuma);
  check(`read-card (${build})`, text === cardText, `read ${text}`);

  const corpus = path.join(here, "qr-corpus");
  let traps = 0;
  for (const file of fs.readdirSync(corpus).sort()) {
    const data = fs.readFileSync(path.join(corpus, file));
    if (data.length < 2) continue;
    const width = (data[0] % 128) + 1;
    const height = Math.min(Math.floor((data.length - 1) / width), 128);
    if (height === 0) continue;
    try {
      read_qr(width, height, data.subarray(1, 1 + width * height));
    } catch (e) {
      traps += 1;
      failures.push(`qr-corpus/${file} (${build}): ${e}`);
      break; // the instance is unusable after a trap
    }
  }
  check(`qr-corpus (${build})`, traps === 0, `${traps} traps`);
}

// The camera worker (www/worker.js) recovers from a trap: its reader instance is broken on
// purpose (its memory overwritten, so the next call traps), the worker answers that frame with
// nothing and reads the next one with a fresh instance. Run under Node with `self` and `fetch`
// (file URLs only) standing in for the worker's globals; the worker's first instance is the SIMD
// module imported above.
{
  const rgba = new Uint8Array(cardLuma.length * 4);
  for (let i = 0; i < cardLuma.length; i += 1) rgba.set([cardLuma[i], cardLuma[i], cardLuma[i], 255], i * 4);
  const frame = () => ({ width: cardWidth, height: cardHeight, rgba: rgba.slice().buffer });
  const answers = [];
  globalThis.self = globalThis;
  globalThis.postMessage = (m) => answers.push(m.text);
  globalThis.fetch = async (url) => new Response(fs.readFileSync(fileURLToPath(url)), { headers: { "content-type": "application/wasm" } });
  await import("../www/worker.js");
  await globalThis.onmessage({ data: frame() });
  const { memory } = await simdReader.default();
  new Uint8Array(memory.buffer).fill(0xff);
  let broken = false;
  try {
    simdReader.read_qr_rgba(cardWidth, cardHeight, rgba);
  } catch (e) {
    broken = e instanceof WebAssembly.RuntimeError;
  }
  await globalThis.onmessage({ data: frame() });
  await globalThis.onmessage({ data: frame() });
  check("worker: reads a frame", answers[0] === cardText, `read ${answers[0]}`);
  check("worker: the instance was broken (a trap)", broken, "the overwritten instance did not trap");
  check("worker: the trapped frame gives nothing", answers[1] === null, `read ${answers[1]}`);
  check("worker: a fresh instance reads the next frame", answers[2] === cardText, `read ${answers[2]}`);
}

// The service worker (www/sw.js) keeps the last good list: an error answer for a list (a 503
// while the service restarts) is not cached over it, and the cached list is answered instead.
// Run in a VM context with `caches`, `fetch` and the worker's events standing in.
{
  const store = new Map();
  const cache = { put: async (req, res) => store.set(new URL(req.url).pathname, await res.text()), addAll: async () => {} };
  const listeners = {};
  let network = null;
  const sandbox = {
    URL, Response, Promise, console,
    importScripts: () => { sandbox.self.HELPCARD_BUILD = "test"; },
    caches: {
      open: async () => cache,
      match: async (req) => (store.has(new URL(req.url).pathname) ? new Response(store.get(new URL(req.url).pathname)) : undefined),
      keys: async () => [], delete: async () => true,
    },
    fetch: async () => network(),
  };
  sandbox.self = { addEventListener: (type, f) => { listeners[type] = f; }, skipWaiting: () => {}, clients: { claim: () => {} } };
  vm.runInNewContext(fs.readFileSync(path.join(here, "..", "www", "sw.js"), "utf8"), sandbox);
  const get = async (answer) => {
    network = answer;
    let responded;
    listeners.fetch({ request: { method: "GET", url: "https://h.example/lists/trust.cbor" }, respondWith: (p) => { responded = p; } });
    const body = await (await responded).text();
    await new Promise((r) => setTimeout(r, 10));
    return body;
  };
  const first = await get(async () => new Response("list-1"));
  const during = await get(async () => new Response("unavailable", { status: 503 }));
  const offline = await get(async () => { throw new TypeError("offline"); });
  check("service worker: a list is cached", first === "list-1" && store.get("/lists/trust.cbor") === "list-1", first);
  check("service worker: an error answer does not replace the cached list", during === "list-1" && store.get("/lists/trust.cbor") === "list-1", during);
  check("service worker: offline, the cached list", offline === "list-1", offline);
}

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`wasm: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
