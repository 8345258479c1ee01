// Offline after the first visit: the app and the WASM from the cache first; the lists from the
// network first (they change), the cached copy when offline. Nothing private is ever cached:
// API answers are never stored. The page is cached at install; the camera's reader (one of two
// builds, see worker.js) when the worker first loads it, so a passer-by never downloads it.
// One build per cache, named after the build's id (pkg/version.js, written by build.sh): a new
// build installs a new cache whole, and activating it deletes the old one, so the page and its
// WASM never come from two builds. A phone finds a new build when it opens the page online (the
// browser checks the worker's imported scripts then) and runs it from the next visit.
importScripts("pkg/version.js");
const CACHE = `helpcard-${self.HELPCARD_BUILD}`;
const APP = ["./", "style.css", "fragment.js", "app.js", "worker.js", "simd.js", "pkg/helpcard_view.js", "pkg/helpcard_view_bg.wasm"];

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(APP)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/lists/")) {
    // Only a list the service gave is kept: an error answer (a 404 or 503 while the service is
    // being restarted) must not replace the last good list offline.
    e.respondWith(fetch(e.request).then((r) => {
      if (r.ok) {
        const copy = r.clone();
        caches.open(CACHE).then((c) => c.put(e.request, copy));
        return r;
      }
      return caches.match(e.request).then((hit) => hit || r);
    }).catch(() => caches.match(e.request)));
    return;
  }
  e.respondWith(caches.match(e.request, { ignoreSearch: true }).then((hit) => hit || fetch(e.request).then((r) => {
    if (r.ok && url.pathname.includes("/pkg/helpcard_reader")) {
      const copy = r.clone();
      caches.open(CACHE).then((c) => c.put(e.request, copy));
    }
    return r;
  })));
});
