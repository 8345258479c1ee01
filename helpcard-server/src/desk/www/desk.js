// The issuing desk's page. Everything about a card — what the form makes of a profile, its size,
// its front as it prints, signing, the registry — happens in the key service; this file moves
// the form to it and shows what it answers. Words for the key service's refusals come from its
// codes (the same catalogue as the web scanner's).

const $ = (id) => document.getElementById(id);
const WORDS = {
  ja: {
    title: "ヘルプカード 発行窓口", signinTitle: "職員のサインイン", name: "お名前（登録名）", signin: "パスキーでサインイン",
    invite: "招待コード（はじめての方）", register: "パスキーを登録", passphrase: "発行者の鍵のパスフレーズ", unlock: "鍵を解錠",
    lock: "鍵をロック", tabForm: "カードを作る", tabList: "カードの一覧", tabRenewals: "更新の予定", tabBatch: "一括発行",
    formTitle: "カードの内容（ご本人と一緒に決めます）", holderRef: "本人参照（ケース番号）", holderRefHint: "氏名は入れません。",
    replaces: "置き換えるカードの番号（再発行のとき）", replacesHint: "紛失・更新のとき、前のカード番号（16桁）。前のカードは失効します。",
    notify: "開かれたときに知らせるメールアドレス（1行に1つ）", notifyHint: "ご本人・家族が選んだ人だけ。カードには載りません。", nobody: "なし",
    layout: "印刷の形", duplex: "両面（QRコードは裏面に大きく）", folded: "二つ折り", single: "片面", cardLanguage: "カードの言語",
    help: "お願い（手助けの内容）", search: "言葉で探す", miss: "見つからない内容をメッセージに書く（記録されます）",
    message: "本人からのメッセージ", placement: "載せる場所", privateTitle: "支援の詳細", conditions: "障害・疾患",
    medicalCare: "医療的ケア", support: "伝え方・接し方（応答者向け）", contacts: "連絡先", contactName: "名前", relation: "続柄", phone: "電話番号",
    public: "カードに載せる（だれでも読めます）", responders: "応答者だけ（暗号化）", off: "載せない",
    publicLater: "公開部分には載せられません", meterTitle: "カードの大きさ", previewTitle: "カードの表（印刷と同じ）",
    toConsent: "確認画面へ", consentTitle: "ご本人の確認", confirmedBy: "内容を確認した人", byHolder: "本人",
    byGuardian: "家族・後見人", byRepresentative: "代理人・支援者", back: "戻って直す", issue: "この内容で発行する",
    issuedTitle: "発行しました", newCard: "次のカードを作る", searchCards: "ケース番号・カード番号", status: "状態",
    all: "すべて", valid: "有効", expiring: "更新が近い", expired: "期限切れ", revoked: "失効", find: "探す",
    cardId: "カード番号", expires: "有効期限", actions: "操作", csv: "CSVで書き出す", history: "履歴",
    openingsPdf: "開かれた記録を印刷する（本人への開示・PDF）", pause: "詳細を一時停止", resume: "詳細を再開", pausedNow: "詳細は一時停止中",
    pauseDone: "支援の詳細を開けないようにし、リストを配布しました（公開部分はそのまま）。", resumeDone: "支援の詳細をまた開けるようにし、リストを配布しました。", tabReview: "見直し", reviewHint: "確かめたほうがよい開封：理由が「その他」、時間外（8:00〜19:00 以外）、1人が1時間に10枚を超えて開いたもの（過去31日）。",
    when: "日時", person: "開いた人", reason: "理由", flags: "確かめる点", noReview: "確かめる開封はありません。",
    other_reason: "理由が「その他」", outside_hours: "時間外", many_cards: "1時間に多数",
    lost: "紛失・再発行", lostDone: "失効させ、失効リストを配布しました。新しいカードを作ってください。",
    batchHint: "helpcard batch と同じ列のCSV。すべての行を先に確かめ、誤りのある行があれば何も発行しません。",
    batchFile: "CSVファイル", batchRun: "確かめて発行", chooseConsent: "確認した人を選んでください。",
    keyLocked: "発行者の鍵はロック中です。発行には管理者の解錠が必要です（カードの準備はできます）。",
    keyUnlocked: (until) => `発行者の鍵は解錠中です（${until} まで）。`, who: (n, r) => `${n}（${r}）`,
    reprintTitle: "カードの再印刷（登録済みのカードを、カードやスマートフォンの画像から）", reprintFile: "カードの写真・画像",
    reprintText: "または QR テキスト", reprint: "再印刷する",
    card: "カード", holderCopy: "ご本人控え", phone: "スマートフォンのロック画面用の画像", text: "QRテキスト", failed: "うまくいきませんでした。", rowOk: "発行",
    batchDone: (n) => `${n}枚を発行しました。`, fields: {
      name: "氏名", name_kana: "ふりがな", birth_date: "生年月日", blood_type: "血液型", how_to_help: "手助けの方法",
      avoid: "避けてほしいこと", medications: "服薬（1行に1つ）", allergies: "アレルギー（1行に1つ）",
      medical_care_notes: "医療的ケアの説明", hospital_name: "かかりつけ病院", hospital_phone: "病院の電話",
      support_office_name: "相談支援事業所", support_office_phone: "事業所の電話", notes: "その他" },
  },
  en: {
    title: "Help card issuing desk", signinTitle: "Staff sign-in", name: "Your name (as registered)", signin: "Sign in with a passkey",
    invite: "Invite code (first time)", register: "Register a passkey", passphrase: "Issuer key passphrase", unlock: "Unlock the key",
    lock: "Lock the key", tabForm: "Make a card", tabList: "Cards", tabRenewals: "Renewals", tabBatch: "Batch",
    formTitle: "What goes on the card (decided with the holder)", holderRef: "Holder reference (case number)", holderRefHint: "Never the name.",
    replaces: "Card this one replaces (reissue)", replacesHint: "For a lost or renewed card: its number (16 digits). It is revoked.",
    notify: "E-mail addresses told when the card is opened (one a line)", notifyHint: "Only whom the holder or family chose. Not on the card.", nobody: "nobody",
    layout: "Print layout", duplex: "Two-sided (large QR code on the back)", folded: "Folded", single: "One face", cardLanguage: "Card language",
    help: "Help requests", search: "Search words", miss: "Not found: write it in the message (counted)",
    message: "Message from the holder", placement: "Where it goes", privateTitle: "Support details", conditions: "Conditions",
    medicalCare: "Medical care", support: "How to communicate (for responders)", contacts: "Contacts", contactName: "Name", relation: "Relation", phone: "Phone",
    public: "On the card (anyone reads it)", responders: "Responders only (encrypted)", off: "Left off",
    publicLater: "cannot be on the public part", meterTitle: "Card size", previewTitle: "Card front (as printed)",
    toConsent: "Review with the holder", consentTitle: "The holder's confirmation", confirmedBy: "Confirmed by", byHolder: "The holder",
    byGuardian: "Family or guardian", byRepresentative: "Representative or supporter", back: "Back to the form", issue: "Issue this card",
    issuedTitle: "Issued", newCard: "Make the next card", searchCards: "Case or card number", status: "Status",
    all: "All", valid: "Valid", expiring: "Expiring", expired: "Expired", revoked: "Revoked", find: "Find",
    cardId: "Card id", expires: "Valid until", actions: "Actions", csv: "Export as CSV", history: "History",
    openingsPdf: "Print the openings record (for the holder, PDF)", pause: "Pause details", resume: "Resume details", pausedNow: "details paused",
    pauseDone: "Responders can no longer open its private part; the list is published (the public part stands).", resumeDone: "Responders can open its private part again; the list is published.", tabReview: "Review", reviewHint: "Openings worth a second look: reason \"other\", outside 8:00–19:00, or more than 10 cards by one person in an hour (last 31 days).",
    when: "When", person: "Opened by", reason: "Reason", flags: "To check", noReview: "Nothing to look at.",
    other_reason: "Reason \"other\"", outside_hours: "Outside hours", many_cards: "Many in an hour",
    lost: "Lost: revoke and reissue", lostDone: "Revoked and the list published. Make the new card.",
    batchHint: "A CSV with helpcard batch's columns. Every row is checked first; if any row has a problem, nothing is issued.",
    batchFile: "CSV file", batchRun: "Check and issue", chooseConsent: "Choose who confirmed.",
    keyLocked: "The issuer key is locked. Issuing needs an admin to unlock it (cards can be prepared).",
    keyUnlocked: (until) => `The issuer key is unlocked (until ${until}).`, who: (n, r) => `${n} (${r})`,
    reprintTitle: "Print a registered card again (from a picture of the card or of the phone image)", reprintFile: "Picture of the card",
    reprintText: "or its QR text", reprint: "Print again",
    card: "Card", holderCopy: "Holder's copy", phone: "Image for the phone's lock screen", text: "QR text", failed: "That did not work.", rowOk: "issued",
    batchDone: (n) => `${n} cards issued.`, fields: {
      name: "Name", name_kana: "Name in kana", birth_date: "Date of birth", blood_type: "Blood type", how_to_help: "How to help",
      avoid: "Please avoid", medications: "Medications (one a line)", allergies: "Allergies (one a line)",
      medical_care_notes: "Medical care notes", hospital_name: "Hospital", hospital_phone: "Hospital phone",
      support_office_name: "Support office", support_office_phone: "Support office phone", notes: "Other notes" },
  },
};
// The private fields the form asks for, as the profile names them; lists are one item a line.
const PRIVATE = ["name", "name_kana", "birth_date", "blood_type", "how_to_help", "avoid", "medications", "allergies",
  "medical_care_notes", "hospital_name", "hospital_phone", "support_office_name", "support_office_phone", "notes"];
const LISTS = new Set(["medications", "allergies"]);
const LONG = new Set(["how_to_help", "avoid", "medical_care_notes", "notes", "medications", "allergies"]);
const PLACES = { help: ["public", "responders", "off"], message: ["public", "off"] };
// A hospital or support office goes (or stays off) whole: one placement, on its name's row.
const PLACE_OF = { hospital_name: "hospital", hospital_phone: null, support_office_name: "support_office", support_office_phone: null };
const placeOf = (f) => (f in PLACE_OF ? PLACE_OF[f] : f);

const state = { lang: "ja", me: null, chosen: { help: [], support: [], conditions: [], medical_care: [] }, relations: [], lastMeasure: 0, measuring: null, again: false, changedAt: 0 };
const w = () => WORDS[state.lang];
const say = (text) => { $("status").textContent = text; };

async function call(path, body, { method } = {}) {
  const sep = path.includes("?") ? "&" : "?";
  const r = await fetch(`${path}${sep}lang=${state.lang}`, body === undefined ? { method: method ?? "GET", credentials: "same-origin" } : {
    method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = r.status === 204 ? {} : await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(data.error ?? r.statusText), { refusal: data.error, status: r.status, data });
  return data;
}

// The refusal's words come from the service's codes: the web scanner's catalogue (helpcard_core::refusal).
let refusalWords = (code) => code;
async function loadRefusalWords() {
  try {
    const m = await import("/S/pkg/helpcard_view.js");
    await m.default();
    refusalWords = (code) => m.refusal_words(code, state.lang);
  } catch { /* the scanner is not built here: the codes are shown */ }
}
// (`refusal`, not `code`: a DOMException from WebAuthn has a numeric `code` of its own, and a
// number handed to the module as a refusal code breaks it.)
const failure = (e) => (typeof e.refusal === "string" ? refusalWords(e.refusal) : w().failed);

// --- passkeys (as the web scanner does) ---
const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)).buffer;
async function register(invite) {
  const start = await call("/api/register/start", { invite });
  const pk = start.options.publicKey;
  pk.challenge = unb64u(pk.challenge); pk.user.id = unb64u(pk.user.id);
  pk.excludeCredentials = (pk.excludeCredentials ?? []).map((c) => ({ ...c, id: unb64u(c.id) }));
  const cred = await navigator.credentials.create({ publicKey: pk });
  await call("/api/register/finish", { ceremony: start.ceremony, credential: { id: cred.id, rawId: b64u(cred.rawId), type: cred.type, extensions: {},
    response: { attestationObject: b64u(cred.response.attestationObject), clientDataJSON: b64u(cred.response.clientDataJSON) } } });
}
async function signIn(name) {
  const start = await call("/api/signin/start", { name });
  const pk = start.options.publicKey;
  pk.challenge = unb64u(pk.challenge);
  pk.allowCredentials = (pk.allowCredentials ?? []).map((c) => ({ ...c, id: unb64u(c.id) }));
  const cred = await navigator.credentials.get({ publicKey: pk });
  await call("/api/signin/finish", { ceremony: start.ceremony, credential: { id: cred.id, rawId: b64u(cred.rawId), type: cred.type, extensions: {},
    response: { authenticatorData: b64u(cred.response.authenticatorData), clientDataJSON: b64u(cred.response.clientDataJSON),
      signature: b64u(cred.response.signature), userHandle: cred.response.userHandle ? b64u(cred.response.userHandle) : null } } });
}

// --- words on the page ---
function words() {
  document.documentElement.lang = state.lang;
  document.title = w().title;
  $("title").textContent = w().title;
  for (const el of document.querySelectorAll("[data-w]")) el.textContent = w()[el.dataset.w];
  for (const f of PRIVATE) {
    const label = document.querySelector(`label[for="f-${f}"]`);
    if (label) label.textContent = w().fields[f];
  }
  for (const select of document.querySelectorAll("select[data-place]")) {
    const field = select.dataset.place;
    const keep = select.value;
    const options = PLACES[field] ?? ["responders", "off"];
    select.replaceChildren(...options.map((p) => Object.assign(document.createElement("option"), { value: p, textContent: w()[p] })));
    if (!PLACES[field]) select.title = w().publicLater;
    if (keep) select.value = keep;
  }
  for (const id of ["c1-relation", "c2-relation"]) {
    const select = $(id);
    const keep = select.value;
    select.replaceChildren(Object.assign(document.createElement("option"), { value: "", textContent: "—" }),
      ...state.relations.map((r) => Object.assign(document.createElement("option"), { value: r.key, textContent: label(r) })));
    select.value = keep;
  }
  renderChosen();
  renderKey();
}
const label = (entry) => (state.lang === "en" ? entry.en : entry.ja);

function privateFields() {
  const box = $("private-fields");
  box.replaceChildren(...PRIVATE.map((f) => {
    const p = document.createElement("p");
    p.className = "field";
    const input = document.createElement(LONG.has(f) ? "textarea" : "input");
    Object.assign(input, { id: `f-${f}` });
    if (f === "birth_date") input.type = "date";
    input.setAttribute("aria-describedby", `f-${f}-error`);
    p.append(Object.assign(document.createElement("label"), { htmlFor: `f-${f}` }), input,
      Object.assign(document.createElement("small"), { className: "error", id: `f-${f}-error` }));
    const place = placeOf(f);
    if (place) {
      const select = Object.assign(document.createElement("select"), { id: `place-${place}` });
      select.dataset.place = place;
      const placeLabel = Object.assign(document.createElement("label"), { htmlFor: `place-${place}` });
      placeLabel.dataset.w = "placement";
      p.append(placeLabel, select);
    }
    return p;
  }));
}

// --- codes chosen by searching their labels in any language ---
function renderChosen() {
  for (const fs of document.querySelectorAll("fieldset.codes")) {
    const field = fs.dataset.field;
    fs.querySelector(".chosen").replaceChildren(...state.chosen[field].map((e, i) => {
      const li = document.createElement("li");
      const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "×" });
      remove.setAttribute("aria-label", `${label(e)} ×`);
      remove.onclick = () => { state.chosen[field].splice(i, 1); renderChosen(); measureSoon(); };
      li.append(`${label(e)} — ${e.easy_ja}`, " ", remove);
      return li;
    }));
  }
}

async function search(fs) {
  const q = fs.querySelector(".search").value;
  const { entries } = await call(`/api/desk/vocab?q=${encodeURIComponent(q)}&category=${fs.dataset.category}`);
  fs.querySelector(".results").replaceChildren(...entries.slice(0, 8).map((e) => {
    const li = document.createElement("li");
    const add = Object.assign(document.createElement("button"), { type: "button", textContent: `${label(e)}（${e.en} / ${e.easy_ja}）` });
    add.onclick = () => {
      const list = state.chosen[fs.dataset.field];
      if (!list.some((x) => x.key === e.key)) list.push(e);
      fs.querySelector(".results").replaceChildren();
      fs.querySelector(".search").value = "";
      renderChosen();
      measureSoon();
    };
    li.append(add);
    return li;
  }));
}

// --- the form as the service takes it ---
function cardForm() {
  const value = (id) => $(id).value.trim();
  const priv = {};
  for (const f of PRIVATE) {
    const v = value(`f-${f}`);
    if (!v) continue;
    if (LISTS.has(f)) priv[f] = v.split("\n").map((x) => x.trim()).filter(Boolean);
    else if (f.endsWith("_name") || f.endsWith("_phone")) {
      const [place, part] = f.startsWith("hospital") ? ["hospital", f.slice(9)] : ["support_office", f.slice(15)];
      priv[place] = { ...(priv[place] ?? {}), [part]: v };
    } else priv[f] = v;
  }
  for (const place of ["hospital", "support_office"]) if (priv[place]) priv[place] = { name: "", phone: "", ...priv[place] };
  for (const field of ["support", "conditions", "medical_care"]) if (state.chosen[field].length) priv[field] = state.chosen[field].map((e) => e.key);
  const contacts = [1, 2].map((i) => ({ name: value(`c${i}-name`), relation: value(`c${i}-relation`), phone: value(`c${i}-phone`) }))
    .filter((c) => c.name).map((c) => (c.relation ? c : { name: c.name, phone: c.phone }));
  if (contacts.length) priv.contacts = contacts;
  if (value("language") !== "ja") priv.language = value("language");
  const placements = {};
  for (const select of document.querySelectorAll("select[data-place]")) placements[select.dataset.place] = select.value;
  return {
    holder_ref: value("holder_ref"),
    layout: value("layout"),
    notify: $("notify").value.split("\n").map((a) => a.trim()).filter(Boolean),
    profile: { public: { help: state.chosen.help.map((e) => e.key), message: value("message") }, private: priv },
    placements,
  };
}

function showProblems(problems) {
  for (const el of document.querySelectorAll(".error")) el.textContent = "";
  for (const p of problems ?? []) {
    const field = p.field.replace(/^(public|private)\./, "").replace(/\[.*$/, "");
    const el = $(`${field}-error`) ?? $(`f-${field}-error`) ?? $("form-error");
    el.textContent = `${el.textContent} ${p.message}`.trim();
  }
}

// --- the size meter and the preview, as the holder and the office type ---
// At once on every change; while a request is out, one more follows it with the latest form.
function measureSoon() {
  state.changedAt = performance.now();
  if (state.measuring) { state.again = true; return; }
  state.measuring = measure().finally(() => {
    state.measuring = null;
    if (state.again) { state.again = false; measureSoon(); }
  });
}
async function measure() {
  const started = state.changedAt;
  const seq = ++state.lastMeasure;
  try {
    const m = await call("/api/desk/measure", cardForm());
    if (seq !== state.lastMeasure) return;
    showProblems([]);
    $("meter-bar").value = Math.min(m.version, 25);
    $("meter-bar").dataset.version = m.version;
    $("meter-says").textContent = `${m.bytes} bytes — ${m.says}`;
    $("meter-shorten").textContent = m.shorten ? `→ ${w().fields[m.shorten] ?? w()[m.shorten] ?? m.shorten}` : "";
    drawPreview(m.front);
    document.body.dataset.measured = `${m.version}`;
    // From the change to the meter drawn (the page's own measure of the meter's speed).
    document.body.dataset.measureMs = `${(performance.now() - started).toFixed(1)}`;
    return m;
  } catch (e) {
    if (seq !== state.lastMeasure) return;
    showProblems(e.data?.problems ?? [{ field: "", message: failure(e) }]);
    document.body.dataset.measured = "problems";
  }
}
function drawPreview(runs) {
  const svg = $("preview");
  const ns = "http://www.w3.org/2000/svg";
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  const mark = [el("rect", { x: 0.15, y: 0.15, width: 85.3, height: 53.7, fill: "#fff", stroke: "#bbb", "stroke-width": 0.3 }),
    el("rect", { x: 3, y: 3, width: 13, height: 18, fill: "#db1426" }),
    el("rect", { x: 8, y: 4.5, width: 3, height: 6, fill: "#fff" }), el("rect", { x: 6.5, y: 6, width: 6, height: 3, fill: "#fff" })];
  // Points to mm; y measured from the card's bottom in the layout, from its top in SVG.
  const lines = runs.map((r) => el("text", { x: r.x, y: 54 - r.y, "font-size": (r.size * 25.4) / 72, class: "card-text" }, r.text));
  svg.replaceChildren(...mark, ...lines);
  $("preview-label").textContent = runs.map((r) => r.text).join(" ");
}

// --- consent, issue, hand-out ---
async function toConsent() {
  const m = await call(`/api/desk/measure`, cardForm()).catch((e) => { showProblems(e.data?.problems ?? [{ field: "", message: failure(e) }]); return null; });
  if (!m) return;
  // The holder reads it in やさしい日本語, and in English if the card is in English.
  const read = async (lang) => {
    const saved = state.lang;
    state.lang = lang;
    try { return await call("/api/desk/measure", cardForm()); } finally { state.lang = saved; }
  };
  const fill = (view, publicList, privateBox) => {
    publicList.replaceChildren(...[...view.public_help, view.public_message].filter(Boolean).map((t) => Object.assign(document.createElement("li"), { textContent: t })));
    privateBox.replaceChildren(...view.private.map((s) => {
      const div = document.createElement("div");
      const dl = document.createElement("dl");
      for (const item of s.items) dl.append(Object.assign(document.createElement("dt"), { textContent: item.label }), Object.assign(document.createElement("dd"), { textContent: item.value }));
      div.append(Object.assign(document.createElement("h4"), { textContent: s.title }), dl);
      return div;
    }));
  };
  fill(await read("easy-ja"), $("consent-public"), $("consent-private"));
  $("consent-notify").textContent = cardForm().notify.join("、") || w().nobody;
  const english = $("language").value === "en";
  $("consent-en").hidden = !english;
  if (english) fill(await read("en"), $("consent-public-en"), $("consent-private-en"));
  show("consent");
  $("consent-title").focus();
}
/// Links to a handout's files.
function handoutLinks(list, out) {
  const names = { "card.pdf": w().card, "holder.pdf": w().holderCopy, "phone.png": w().phone, "card.txt": w().text };
  list.replaceChildren(...out.files.map((f) => {
    const a = Object.assign(document.createElement("a"), { href: `/api/desk/handout/${out.handout}/${f}`, textContent: names[f] ?? f, download: `helpcard-${out.card_id}-${f}` });
    const li = document.createElement("li");
    li.append(a);
    return li;
  }));
}
async function issue() {
  const by = document.querySelector('input[name="confirmed-by"]:checked')?.value;
  if (!by) { $("consent-error").textContent = w().chooseConsent; return; }
  $("consent-error").textContent = "";
  try {
    const replaces = $("replaces").value.trim() || undefined;
    const out = await call("/api/desk/issue", { form: cardForm(), consent: { by }, replaces });
    $("issued-id").textContent = `${w().cardId}: ${out.card_id}`;
    handoutLinks($("issued-files"), out);
    document.body.dataset.issued = out.card_id;
    show("issued");
  } catch (e) {
    $("consent-error").textContent = failure(e);
    if (e.data?.problems) { showProblems(e.data.problems); show("form"); }
  }
}

// --- the card list, renewals, batch ---
async function list() {
  const { cards } = await call(`/api/desk/cards?q=${encodeURIComponent($("list-q").value)}&status=${$("list-status").value}`);
  $("list-rows").replaceChildren(...cards.map((c) => {
    const tr = document.createElement("tr");
    const td = (t) => Object.assign(document.createElement("td"), { textContent: t });
    const actions = document.createElement("td");
    const detail = Object.assign(document.createElement("button"), { type: "button", textContent: w().history });
    detail.setAttribute("aria-label", `${w().history} ${c.card_id}`);
    detail.onclick = () => showCard(c.card_id);
    actions.append(detail);
    if (c.status !== "revoked") {
      const lost = Object.assign(document.createElement("button"), { type: "button", textContent: w().lost });
      lost.setAttribute("aria-label", `${w().lost} ${c.card_id}`);
      lost.onclick = () => lostCard(c);
      const pause = Object.assign(document.createElement("button"), { type: "button", textContent: c.paused ? w().resume : w().pause });
      pause.setAttribute("aria-label", `${pause.textContent} ${c.card_id}`);
      pause.onclick = () => pauseCard(c, !c.paused);
      actions.append(" ", lost, " ", pause);
    }
    const shown = w()[c.status] ?? c.status;
    tr.append(td(c.card_id), td(c.holder_ref), td(c.expires), td(c.paused ? `${shown}（${w().pausedNow}）` : shown), actions);
    tr.dataset.status = c.status;
    return tr;
  }));
}
async function showCard(id) {
  const c = await call(`/api/desk/cards/${id}`);
  $("detail-title").textContent = `${c.card_id} — ${c.holder_ref} — ${w()[c.status] ?? c.status}`;
  $("detail-history").replaceChildren(...c.history.map((h) => Object.assign(document.createElement("li"), { textContent: `${h.at} ${h.kind} ${h.actor} ${h.result} ${h.detail}` })));
  $("detail-openings").href = `/api/desk/cards/${encodeURIComponent(c.card_id)}/openings.pdf?lang=${state.lang === "en" ? "en" : "ja"}`;
  $("card-detail").hidden = false;
}
async function review() {
  const { openings } = await call("/api/desk/review");
  $("review-rows").replaceChildren(...openings.map((o) => {
    const tr = document.createElement("tr");
    const td = (t) => Object.assign(document.createElement("td"), { textContent: t });
    const reason = o.reason ? `${o.reason.code}${o.reason.text ? `: ${o.reason.text}` : ""}` : "";
    tr.append(td(o.at), td(o.card_id), td(`${o.person} (${o.group})`), td(reason), td(o.flags.map((f) => w()[f] ?? f).join("、")));
    return tr;
  }));
  $("review-empty").hidden = openings.length > 0;
}
async function pauseCard(c, paused) {
  try {
    await call(`/api/desk/cards/${c.card_id}/pause`, { paused });
    say(paused ? w().pauseDone : w().resumeDone);
    await list();
  } catch (e) { say(failure(e)); }
}
async function lostCard(c) {
  try {
    await call(`/api/desk/cards/${c.card_id}/revoke`, { reason: "lost" });
    say(w().lostDone);
    $("holder_ref").value = c.holder_ref;
    $("replaces").value = "";
    show("form");
    $("holder_ref").focus();
    await list();
  } catch (e) { say(failure(e)); }
}
async function reprint() {
  const file = $("reprint-file").files[0];
  try {
    const out = file
      ? await fetch(`/api/desk/reprint?layout=${$("layout").value}&lang=${state.lang}`, { method: "POST", credentials: "same-origin", headers: { "content-type": file.type || "image/png" }, body: file })
        .then(async (r) => { const d = await r.json().catch(() => ({})); if (!r.ok) throw Object.assign(new Error(d.error), { refusal: d.error, data: d }); return d; })
      : await call(`/api/desk/reprint?layout=${$("layout").value}`, { card: $("reprint-text").value.trim() });
    handoutLinks($("reprint-files"), out);
    document.body.dataset.reprinted = out.card_id;
  } catch (e) { say(failure(e)); }
}
async function renewals() {
  const { cards } = await call("/api/desk/renewals");
  $("renewal-rows").replaceChildren(...cards.map((c) => {
    const tr = document.createElement("tr");
    for (const t of [c.card_id, c.holder_ref, c.expires]) tr.append(Object.assign(document.createElement("td"), { textContent: t }));
    return tr;
  }));
}
async function batch() {
  const by = document.querySelector('input[name="batch-confirmed"]:checked')?.value;
  if (!by) { say(w().chooseConsent); return; }
  const csv = await $("batch-file").files[0].text();
  try {
    const out = await call(`/api/desk/batch?by=${by}&layout=${$("layout").value}`, { csv });
    $("batch-rows").replaceChildren(...out.rows.map((r) => Object.assign(document.createElement("li"), {
      textContent: `${r.line}: ${r.holder_ref} — ${r.problems ? r.problems.join(" / ") : w().rowOk}` })));
    $("batch-result").replaceChildren();
    if (out.issued) {
      $("batch-result").append(w().batchDone(out.issued), " ",
        Object.assign(document.createElement("a"), { href: `/api/desk/handout/${out.handout}/sheets.pdf`, textContent: w().card, download: "helpcard-sheets.pdf" }));
    }
  } catch (e) {
    $("batch-rows").replaceChildren(...(e.data?.rows ?? []).filter((r) => r.problems).map((r) => Object.assign(document.createElement("li"), {
      textContent: `${r.line}: ${r.holder_ref} — ${r.problems.join(" / ")}` })));
    $("batch-result").textContent = failure(e);
  }
}

// --- screens and the key ---
function show(tab) {
  for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.id !== `tab-${tab}`;
  for (const b of document.querySelectorAll("[data-tab]")) b.setAttribute("aria-current", String(b.dataset.tab === tab));
  if (tab === "list") list().catch((e) => say(failure(e)));
  if (tab === "renewals") renewals().catch((e) => say(failure(e)));
  if (tab === "review") review().catch((e) => say(failure(e)));
}
function renderKey() {
  const me = state.me;
  if (!me) return;
  $("who").textContent = w().who(me.name, me.role);
  const unlocked = me.key.state === "unlocked";
  $("key-state").textContent = unlocked ? w().keyUnlocked(me.key.until ?? "") : w().keyLocked;
  $("key-state").dataset.state = me.key.state;
  $("unlock-form").hidden = unlocked || me.role !== "admin";
  $("lock").hidden = !unlocked || me.role !== "admin";
  $("review-tab").hidden = me.role !== "admin";
}
async function refreshMe() {
  state.me = await call("/api/desk/me");
  renderKey();
}

async function start() {
  privateFields();
  loadRefusalWords();
  const { entries } = await fetch("/api/desk/vocab?q=&category=relation", { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : { entries: [] }));
  state.relations = entries;
  words();
  for (const b of document.querySelectorAll("[data-lang]")) b.onclick = () => { state.lang = b.dataset.lang; words(); measureSoon(); };
  for (const b of document.querySelectorAll("[data-tab]")) b.onclick = () => show(b.dataset.tab);
  $("signin-form").onsubmit = (e) => { e.preventDefault(); signIn($("signin-name").value).then(() => location.reload(), (err) => say(failure(err))); };
  $("register-form").onsubmit = (e) => { e.preventDefault(); register($("invite-code").value).then(() => say("✓"), (err) => say(failure(err))); };
  $("unlock-form").onsubmit = (e) => {
    e.preventDefault();
    call("/api/desk/key/unlock", { passphrase: $("passphrase").value }).then(refreshMe, (err) => say(failure(err))).finally(() => { $("passphrase").value = ""; });
  };
  $("lock").onclick = () => call("/api/desk/key/lock", {}).then(refreshMe, (err) => say(failure(err)));
  for (const fs of document.querySelectorAll("fieldset.codes")) {
    const input = fs.querySelector(".search");
    input.oninput = () => search(fs).catch(() => {});
    input.onkeydown = (e) => { if (e.key === "Enter") { e.preventDefault(); search(fs).catch(() => {}); } };
  }
  document.querySelector("fieldset.codes .miss").onclick = () => {
    const need = document.querySelector("#search-help").value.trim();
    if (!need) return;
    call("/api/desk/miss", { need }).catch(() => {});
    $("message").value = `${$("message").value} ${need}`.trim();
    measureSoon();
  };
  $("card-form").addEventListener("input", measureSoon);
  $("card-form").addEventListener("change", measureSoon);
  $("card-form").onsubmit = (e) => { e.preventDefault(); toConsent(); };
  $("back-to-form").onclick = () => show("form");
  $("issue").onclick = issue;
  $("new-card").onclick = () => { $("card-form").reset(); state.chosen = { help: [], support: [], conditions: [], medical_care: [] }; renderChosen(); show("form"); };
  $("list-form").onsubmit = (e) => { e.preventDefault(); list().catch((err) => say(failure(err))); };
  $("batch-form").onsubmit = (e) => { e.preventDefault(); batch(); };
  $("reprint-form").onsubmit = (e) => { e.preventDefault(); reprint(); };
  try {
    await refreshMe();
    $("desk").hidden = false;
    show("form");
    measureSoon();
  } catch (e) {
    $("signin").hidden = false;
    if (e.status !== 401) say(failure(e));
  }
  document.body.dataset.ready = "true";
}

start().catch((e) => { say(failure(e)); document.body.dataset.ready = "error"; });
