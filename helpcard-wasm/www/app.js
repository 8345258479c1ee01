// The web scanner's page. Everything about a card — parsing, verification, revocation,
// decryption, the words shown — happens in the WASM module (../src/lib.rs); this file moves
// bytes between it and the camera, the DOM, storage, WebAuthn and the key service.
//
// Passers-by arrive from a phone camera with the card in the URL fragment (fragment.js takes it
// out of the address bar first): the page verifies it offline and shows the public part.
// Responders sign in with a passkey and open a card's private part with a button (at once only
// for a card they scan with this page's camera); the key service returns the content key of one
// card at a time; the private part is shown for at most IDLE seconds without a touch, hidden
// whenever the page is hidden, and never stored.
import init, { Scanner, labels as viewLabels, reasons, refusal_words } from "./pkg/helpcard_view.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// Tests may shorten the idle time; nobody may lengthen it.
const IDLE = Math.min(60, Number(params.get("idle")) || 60);

// The page's own words (its controls). The card's words, and what its parts are called, come
// from the WASM view in the same language (view.labels, labels()); a key service refusal's
// words from refusal_words(code).
const WORDS = {
  ja: { hide: "隠す", responder: "応答者の方へ", responderBox: "サインイン（登録された応答者）", name: "お名前", signin: "パスキーでサインイン", scan: "カメラで読み取る", torch: "ライト",
        signedIn: (n) => `${n} さんとしてサインイン中`, needSignin: "支援の詳細を見るには、応答者としてサインインしてください。",
        offline: "支援の詳細を開くにはネットワークが必要です。", lists: "最新のリストを読み込めませんでした。前に読み込んだリストで確認しています。",
        noList: "失効リストを読み込めませんでした。紛失・停止したカードかどうかは確認できていません。",
        registered: "パスキーを登録しました。サインインしてください。",
        openPrivate: "支援の詳細を開く", askOpen: "支援の詳細を開くには、下のボタンを押してください。開いた記録が残ります。",
        register: "招待コードで登録（はじめての方）", code: "招待コード", registerButton: "パスキーを登録",
        passkeyFailed: "パスキーの操作が取り消されたか、うまくいきませんでした。もう一度試してください。",
        reason: "開く理由（記録され、本人に知らされます）", reasonText: "その他の内容（短く）", chooseReason: "開く理由を選んでください。",
        network: "鍵サービスにつながりません。電波のよい場所でもう一度試してください。",
        camera: "カメラを使えません。ブラウザーでカメラの使用を許可してください。", failed: "ページを準備できませんでした。読み込み直してください。" },
  "easy-ja": { hide: "かくす", responder: "たすける ひとへ", responderBox: "はいる（とうろく した たすける ひと）", name: "なまえ", signin: "パスキーで はいる", scan: "カメラで よむ", torch: "ライト",
        signedIn: (n) => `${n} さんで はいって います`, needSignin: "くわしい ことは たすける ひとだけ みられます。",
        offline: "くわしい ことには インターネットが ひつようです。", lists: "あたらしい リストが よめませんでした。まえの リストで たしかめて います。",
        noList: "リストが よめませんでした。なくした カードか どうか わかりません。",
        registered: "パスキーを とうろく しました。",
        openPrivate: "くわしい ことを ひらく", askOpen: "くわしい ことを みるときは、りゆうを えらんで したの ボタンを おして ください。ひらいた ことは きろく されます。",
        register: "しょうたい コードで とうろく（はじめての ひと）", code: "しょうたい コード", registerButton: "パスキーを とうろく",
        passkeyFailed: "パスキーが うまく いきませんでした。もう いちど して ください。",
        reason: "ひらく りゆう", reasonText: "そのほかの りゆう", chooseReason: "ひらく りゆうを えらんで ください。",
        network: "つながりません。もう いちど して ください。",
        camera: "カメラが つかえません。", failed: "ページが うまく うごきません。よみこみ なおして ください。" },
  en: { hide: "Hide", responder: "For responders", responderBox: "Sign in (registered responders)", name: "Your name", signin: "Sign in with a passkey", scan: "Scan with the camera", torch: "Light",
        signedIn: (n) => `Signed in as ${n}`, needSignin: "Responders: sign in to see the support details.",
        offline: "Opening the support details needs the network.", lists: "The latest lists could not be loaded; the last good ones are in use.",
        noList: "A revocation list could not be loaded: whether a card was reported lost is not checked.",
        registered: "Passkey registered. Please sign in.",
        openPrivate: "Open the support details", askOpen: "To open the support details, choose why and press the button below. The opening is recorded.",
        register: "Register with an invite code (first time)", code: "Invite code", registerButton: "Register a passkey",
        passkeyFailed: "The passkey step was cancelled or failed. Try again.",
        reason: "Why you open it (recorded, and the holder is told)", reasonText: "Other: why, in a few words", chooseReason: "Choose why you open it.",
        network: "The key service cannot be reached. Try again where the connection is better.",
        camera: "The camera cannot be used. Allow this page to use the camera.", failed: "The page could not start. Reload it." },
};

const state = {
  scanner: null,
  lang: (navigator.language || "ja").startsWith("ja") ? "ja" : "en",
  text: null,
  view: null,
  hidden: false,
  person: null,
  idle: null,
  worker: null,
  // Whether a list kept from an earlier visit stands in for one that failed.
  keptList: false,
};

const w = () => WORDS[state.lang];
const labels = () => JSON.parse(viewLabels(state.lang));
// What to say about a failed request: the key service's refusal by its code, else the network,
// else the passkey step (WebAuthn's errors are the browser's words, in its own language).
// (A refusal is `refusal`, not `code`: a DOMException from WebAuthn has a numeric `code` of its
// own, and a number handed to the module as a refusal code breaks it.)
const failure = (e, fallback) => (typeof e.refusal === "string" ? refusal_words(e.refusal, state.lang) : e instanceof TypeError ? w().network : fallback);
const say = (message) => { $("status").textContent = message; };

// --- bytes and base64url (WebAuthn) ---
const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)).buffer;

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
  const data = r.status === 204 ? {} : await r.json();
  if (!r.ok) throw Object.assign(new Error(data.message || r.statusText), { refusal: data.error, status: r.status });
  return data;
}

// --- floors of revocation counters, kept across visits (IndexedDB) ---
function db() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("helpcard", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("state");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}
async function stored(key, value) {
  const d = await db();
  return new Promise((resolve) => {
    const tx = d.transaction("state", value === undefined ? "readonly" : "readwrite");
    const req = value === undefined ? tx.objectStore("state").get(key) : tx.objectStore("state").put(value, key);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(undefined);
  });
}

// The lists, and who is signed in, are asked for at once, beside the WASM's download (index.html
// preloads the fixed names): a slow phone link pays for every round trip made one after another.
const listsFetched = fetchLists();
const signedIn = whoAmI();
// What earlier visits kept is read from IndexedDB meanwhile too.
const floorsStored = stored("floors").catch(() => undefined);
const trustKept = stored("trust").catch(() => undefined);

async function fetchLists() {
  const index = await (await fetch("/lists/index.json")).json();
  const bytes = (url) => fetch(url).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b));
  const [root, trust, revocations] = await Promise.all([
    fetch(index.root).then((r) => r.text()),
    bytes(index.trust),
    Promise.all(index.revocations.map((url) => bytes(url).then((b) => ({ url, b }), (e) => ({ url, e })))),
  ]);
  return { root, trust, revocations };
}

async function loadLists() {
  const { root, trust, revocations } = await listsFetched;
  state.scanner = new Scanner(root);
  // The trust list accepted on an earlier visit first: a fetched one older than it is refused
  // (a rollback to a list that still trusted a withdrawn issuer key), and one that cannot be
  // verified leaves it in force. With none kept, a refused trust list stops the page.
  const kept = await trustKept;
  let held = false;
  if (kept) {
    try {
      state.scanner.load_trust(kept, Date.now());
      held = true;
    } catch (e) {
      console.warn(`kept trust list: ${e.message}`);
    }
  }
  try {
    state.scanner.load_trust(trust, Date.now());
    stored("trust", trust).catch((e) => console.warn(e));
  } catch (e) {
    if (!held) throw e;
    console.warn(`trust list: ${e.message}`);
    state.keptList = true;
    say(w().lists);
  }
  state.scanner.set_floors((await floorsStored) || "{}");
  for (const { url, b, e: fetchError } of revocations) {
    try {
      if (fetchError) throw fetchError;
      state.scanner.load_revocations(b, Date.now());
      // The last list accepted is kept: when a later one cannot be had or is refused (offline
      // with nothing cached, forged, older, expired), cards are checked against this one — a
      // bad answer must not lift a revocation the phone has already seen.
      stored(`list ${url}`, b).catch((e) => console.warn(e));
    } catch (e) {
      // The code and the English detail are for the console; the reader gets the page's words.
      console.warn(`revocation list ${url}: ${e.message}`);
      state.keptList ||= await loadKeptRevocations(url);
      say(state.keptList ? w().lists : w().noList);
    }
  }
  // Written while the card is shown: nothing on screen waits for the disk.
  stored("floors", state.scanner.floors()).catch((e) => console.warn(e));
}

// The last good revocation list of `url` (IndexedDB), loaded; whether it was.
async function loadKeptRevocations(url) {
  const kept = await stored(`list ${url}`).catch(() => undefined);
  if (!kept) return false;
  try {
    state.scanner.load_revocations(kept, Date.now());
    return true;
  } catch (e) {
    console.warn(`kept revocation list ${url}: ${e.message}`);
    return false;
  }
}

// --- showing a card ---
function text(id, value) { $(id).textContent = value ?? ""; }

function render() {
  const v = state.view;
  const l = v?.labels ?? labels();
  document.documentElement.lang = state.lang === "en" ? "en" : "ja";
  text("title", l.title);
  text("help-title", l.help);
  text("private-title", l.private);
  text("hide", w().hide);
  text("responder-title", w().responder);
  text("responder-box-title", w().responderBox);
  text("why-title", l.reason);
  text("name-label", w().name);
  text("signin-button", w().signin);
  text("register-title", w().register);
  text("invite-code-label", w().code);
  text("register-button", w().registerButton);
  text("open-private", w().openPrivate);
  text("scan", w().scan);
  text("torch", w().torch);
  text("who", state.person ? w().signedIn(state.person) : "");
  $("responder-box").hidden = Boolean(state.person);
  if (!v) return;
  $("card").hidden = false;
  $("verdict").dataset.verdict = v.verdict;
  text("headline", v.headline);
  // What to do first; why a card was refused only on asking (its words say again what the
  // headline says).
  text("advice", v.advice);
  $("why").hidden = !v.message;
  text("why-text", v.message);
  const help = v.public?.help ?? [];
  $("asks").hidden = help.length === 0;
  $("help").replaceChildren(...help.map((h) => {
    const li = Object.assign(document.createElement("li"), { textContent: h.label });
    if (h.call) li.append(" ", Object.assign(document.createElement("a"), { className: "call", href: `tel:${h.call}`, textContent: l.call }));
    return li;
  }));
  text("message", v.public?.message);
  $("message").hidden = !v.public?.message;
  $("notices").replaceChildren(...[...(v.notices ?? []).map((n) => n.message), v.age_note].filter(Boolean).map((m) => Object.assign(document.createElement("li"), { textContent: m })));
  const facts = [];
  for (const key of ["issuer_name", "card_id", "valid_until", "written"]) {
    const label = l[key === "issuer_name" ? "issuer" : key];
    if (v[key]) facts.push(Object.assign(document.createElement("dt"), { textContent: label }), Object.assign(document.createElement("dd"), { textContent: v[key] }));
  }
  $("facts").replaceChildren(...facts);
  $("facts").hidden = facts.length === 0;
  renderPrivate();
}

function renderPrivate() {
  const v = state.view;
  const sections = v?.private_sections ?? [];
  $("private").hidden = !(v && v.status === "ok" && v.private !== null && v.private !== undefined);
  $("hide").hidden = sections.length === 0;
  // A signed-in responder opens a locked part by choice: a card arriving in a link (which any
  // web page can make a responder's browser follow) never has its private part fetched unasked.
  const canOpen = v?.status === "ok" && v.private === "locked" && Boolean(state.person) && navigator.onLine;
  $("open-private").hidden = !canOpen;
  $("reason").hidden = !canOpen;
  if (canOpen) renderReasons();
  $("private").dataset.state = v?.private_state ?? "";
  $("sections").replaceChildren(...sections.map((s) => {
    const div = document.createElement("div");
    const dl = document.createElement("dl");
    for (const item of s.items) dl.append(Object.assign(document.createElement("dt"), { textContent: item.label }), Object.assign(document.createElement("dd"), { textContent: item.value }));
    div.append(Object.assign(document.createElement("h3"), { textContent: s.title }), dl);
    return div;
  }));
  if (sections.length) text("private-note", "");
  else if (v?.private_state === "absent") text("private-note", v.labels.private_absent);
  else if (v?.private_state === "unavailable") text("private-note", v.private.message);
  else if (state.hidden) text("private-note", v.labels.private_hidden);
  else if (!navigator.onLine) text("private-note", w().offline);
  else if (!state.person) text("private-note", w().needSignin);
  else if (canOpen) text("private-note", w().askOpen);
  else text("private-note", v?.labels.private_locked ?? "");
}

/// The reasons to choose from, in the page's language (the choice kept across a switch).
function renderReasons() {
  const chosen = document.querySelector('input[name="reason"]:checked')?.value;
  text("reason-title", w().reason);
  text("reason-text-label", w().reasonText);
  $("reason-options").replaceChildren(...JSON.parse(reasons(state.lang)).map((r) => {
    const label = document.createElement("label");
    const input = Object.assign(document.createElement("input"), { type: "radio", name: "reason", value: r.code, checked: r.code === chosen });
    label.append(input, ` ${r.label}`);
    return label;
  }));
}

/// Shows a card. Its private part is fetched only when the responder has said why and pressed
/// the button: one step, for a scanned card or one from a link.
async function showCard(cardText, { scanned = false } = {}) {
  state.text = cardText;
  state.hidden = false;
  // Each card's reason is its own.
  for (const r of document.querySelectorAll('input[name="reason"]')) r.checked = false;
  $("reason-text").value = "";
  state.view = JSON.parse(state.scanner.open(cardText, Date.now(), state.lang));
  render();
  // The verdict box announces itself (role=status); the status line stays for other news: that
  // the card was checked against a list kept from an earlier visit (a card checked against no
  // revocation list says so in its own notices).
  say(state.keptList ? w().lists : "");
  if (scanned && state.view.status === "ok" && state.view.private === "locked" && state.person && navigator.onLine) {
    $("reason").scrollIntoView?.({ block: "center" });
  }
}

async function openPrivate() {
  const code = document.querySelector('input[name="reason"]:checked')?.value;
  if (!code) { text("private-note", w().chooseReason); return; }
  try {
    const answer = await post("/api/unwrap", { card: state.text, reason: { code, text: $("reason-text").value } });
    state.hidden = false;
    state.view = JSON.parse(state.scanner.decrypt(answer.content_key, state.lang));
    render();
    armIdle();
  } catch (e) {
    if (e.status === 401 || e.status === 403) state.person = e.refusal === "person_revoked" ? null : state.person;
    text("private-note", failure(e, w().network));
  }
}

function hidePrivate() {
  if (!state.view?.private_sections?.length) return;
  state.scanner.seal();
  state.hidden = true;
  state.view = JSON.parse(state.scanner.view(state.lang));
  renderPrivate();
  clearTimeout(state.idle);
}

function armIdle() {
  clearTimeout(state.idle);
  state.idle = setTimeout(hidePrivate, IDLE * 1000);
}

// --- passkeys ---
async function register(invite) {
  const start = await post("/api/register/start", { invite });
  const pk = start.options.publicKey;
  pk.challenge = unb64u(pk.challenge);
  pk.user.id = unb64u(pk.user.id);
  pk.excludeCredentials = (pk.excludeCredentials ?? []).map((c) => ({ ...c, id: unb64u(c.id) }));
  const cred = await navigator.credentials.create({ publicKey: pk });
  await post("/api/register/finish", {
    ceremony: start.ceremony,
    credential: { id: cred.id, rawId: b64u(cred.rawId), type: cred.type, extensions: {},
      response: { attestationObject: b64u(cred.response.attestationObject), clientDataJSON: b64u(cred.response.clientDataJSON) } },
  });
  say(w().registered);
}

async function signIn(name) {
  const start = await post("/api/signin/start", { name });
  const pk = start.options.publicKey;
  pk.challenge = unb64u(pk.challenge);
  pk.allowCredentials = (pk.allowCredentials ?? []).map((c) => ({ ...c, id: unb64u(c.id) }));
  const cred = await navigator.credentials.get({ publicKey: pk });
  const me = await post("/api/signin/finish", {
    ceremony: start.ceremony,
    credential: { id: cred.id, rawId: b64u(cred.rawId), type: cred.type, extensions: {},
      response: { authenticatorData: b64u(cred.response.authenticatorData), clientDataJSON: b64u(cred.response.clientDataJSON),
        signature: b64u(cred.response.signature), userHandle: cred.response.userHandle ? b64u(cred.response.userHandle) : null } },
  });
  state.person = me.name;
  render();
  say(w().signedIn(me.name));
  renderPrivate();
}

async function whoAmI() {
  try {
    const r = await fetch("/api/me", { credentials: "same-origin" });
    if (r.ok) state.person = (await r.json()).name;
  } catch { /* offline */ }
}

// --- camera: frames go to a worker, which runs the reader in its own WASM instance ---
async function scan() {
  const video = $("camera");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } } });
  const [track] = stream.getVideoTracks();
  const caps = track.getCapabilities?.() ?? {};
  if (caps.focusMode?.includes("continuous")) await track.applyConstraints({ advanced: [{ focusMode: "continuous" }] }).catch(() => {});
  // A torch button only where the camera has one (phones' rear cameras; not laptops').
  const torch = $("torch");
  torch.hidden = !caps.torch;
  torch.setAttribute("aria-pressed", "false");
  torch.onclick = async () => {
    const on = torch.getAttribute("aria-pressed") !== "true";
    await track.applyConstraints({ advanced: [{ torch: on }] }).then(() => torch.setAttribute("aria-pressed", String(on)), (e) => { console.warn(e); say(w().camera); });
  };
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  state.worker ??= new Worker("worker.js", { type: "module" });
  const canvas = new OffscreenCanvas(1, 1);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  let busy = false;
  const stop = () => { track.stop(); video.hidden = true; torch.hidden = true; };
  state.worker.onmessage = async ({ data }) => {
    busy = false;
    if (data.text && stream.active) {
      stop();
      await showCard(data.text, { scanned: true });
    }
  };
  const tick = () => {
    if (!stream.active) return;
    if (!busy && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
      busy = true;
      state.worker.postMessage({ width: frame.width, height: frame.height, rgba: frame.data.buffer }, [frame.data.buffer]);
    }
    requestAnimationFrame(tick);
  };
  tick();
}

// --- start ---
async function boot() {
  await init();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js", { updateViaCache: "none" }).catch(() => {});
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => {
      state.lang = b.dataset.lang;
      // The card held, in the new language: a decrypted private part stays shown.
      if (state.view) state.view = JSON.parse(state.scanner.view(state.lang));
      render();
    });
  }
  $("signin").addEventListener("submit", (e) => { e.preventDefault(); signIn($("name").value).catch((err) => say(failure(err, w().passkeyFailed))); });
  $("register-form").addEventListener("submit", (e) => {
    e.preventDefault();
    register($("invite-code").value).then(() => { $("invite-code").value = ""; $("register").open = false; }, (err) => say(failure(err, w().passkeyFailed)));
  });
  $("open-private").addEventListener("click", () => openPrivate());
  $("scan").addEventListener("click", () => scan().catch((err) => { console.warn(err); say(w().camera); }));
  $("hide").addEventListener("click", hidePrivate);
  document.addEventListener("visibilitychange", () => { if (document.hidden) hidePrivate(); });
  for (const ev of ["pointerdown", "keydown", "scroll"]) document.addEventListener(ev, () => { if (state.view?.private_sections?.length) armIdle(); }, { passive: true });

  await loadLists();
  render();
  // The fragment fragment.js took out of the address bar before this module ran: the card is
  // shown at once; who is signed in (only the private part's button depends on it) follows.
  await fromFragment(self.helpcardFragment ?? "");
  await signedIn;
  render();
  // A second card opened in the same tab changes only the fragment: no reload.
  window.addEventListener("hashchange", () => {
    const fragment = location.hash.slice(1);
    history.replaceState(null, "", location.pathname + location.search);
    fromFragment(fragment).catch((e) => { console.warn(e); say(w().failed); });
  });
  document.body.dataset.ready = "true";
}

/// A card from a link (`#` and its digits), or `#register` (the invite form opened): invite
/// codes never travel in a URL, which browsers keep in their history.
async function fromFragment(fragment) {
  if (!fragment) return;
  if (fragment === "register") {
    $("responder-box").open = true;
    $("register").open = true;
    $("invite-code").focus();
  } else if (/^[0-9]+$/.test(fragment)) {
    await showCard(`${location.origin}${location.pathname}#${fragment}`);
  }
  // Each handled fragment gets a new mark (the browser tests wait on it).
  document.body.dataset.seq = `${Date.now()}-${Math.random()}`;
}

boot().catch((e) => { console.warn(e); say(w().failed); document.body.dataset.ready = "error"; });
