// Runs first, before the page's module: takes the card (or "register") out of the address bar
// and the tab's history at once, and keeps it for app.js. (The browser's global history database
// has recorded the address as it was opened, fragment included, before any script runs: no
// page can prevent that; see the README.)
if (location.hash.length > 1) {
  self.helpcardFragment = location.hash.slice(1);
  history.replaceState(null, "", location.pathname + location.search);
}
