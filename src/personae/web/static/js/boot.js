(() => {
  // Inlined into every page's <head> (its sha256 is in the page's CSP): start the page's
  // first API reads while the page's modules still download, so the data and the code
  // arrive together. api.js takes these answers instead of asking again (see early()).
  const urls = JSON.parse(document.currentScript.dataset.prefetch || "[]");
  const early = (window.personaeEarly = new Map());
  let held = null;
  try { held = JSON.parse(sessionStorage.getItem("personae.tokens") || "null"); } catch { held = null; }
  if (!held || !held.access || Date.now() > held.expiresAt - 30000) return; // api.js refreshes first
  for (const url of urls) {
    early.set(url, fetch(url, { headers: { Authorization: "Bearer " + held.access } }).catch(() => null));
  }
})();
