// Every page's entry: runs the page's own module, then moves between the studio's pages
// without reloading the document. A cold load of any page costs a browser most of 100 ms
// before a byte of data is used (see personae/web/__init__.py); moving in place costs the
// page's data and its drawing only. The pages stay server-rendered shells: the router asks
// the server for the next page's shell (no user data in it, so it is kept for the life of
// the document), starts the reads its shell names, swaps <body> and runs the page's start().
// Those reads start earlier when the person shows intent (onIntent, below): the data is
// often there by the click.
// Anything it cannot show in place (another origin, the API, docs, a failed shell) is left
// to the browser.

import { Left, askAhead, askEarly, leave, peekAhead } from "./api.js";

const FULL_LOAD = /^\/(api|docs|redoc|static|ws|metrics|openapi\.json|v1|signin)(\/|$)/;
const PREFETCH_LINKS = 24; // of the pages a page links to, the first this many are asked for early
const SHELLS_KEPT = 64; // a long session visits many pieces; the oldest shells go first
const shells = new Map(); // URL (path + query) -> Promise<Document | null>
let shown = location.pathname + location.search; // the page on screen
let moves = 0; // moves asked for; only the newest is shown
let goingTo = null; // the URL of the newest move

function shellOf(url) {
  if (!shells.has(url)) {
    const shell = fetch(url, { headers: { Accept: "text/html" } })
      .then((response) => response.ok && (response.headers.get("content-type") || "").startsWith("text/html")
        ? response.text() : null)
      .then((html) => html && new DOMParser().parseFromString(html, "text/html"))
      .then((doc) => (doc?.body?.dataset.page ? doc : null))
      .catch(() => null);
    shells.set(url, shell);
    if (shells.size > SHELLS_KEPT) shells.delete(shells.keys().next().value);
    shell.then((doc) => { if (!doc) shells.delete(url); });
  }
  return shells.get(url);
}

const loaded = new Map(); // page -> its module, once imported

async function code(page) {
  if (!loaded.has(page)) loaded.set(page, await import(`./${page}.js`));
  return loaded.get(page);
}

async function run(page) {
  (await code(page)).start();
  afterReady(prefetchShells);
}

/** The studio page at `url`, in place (pushed onto the history unless `push` is false). */
export async function show(url, { push = true } = {}) {
  const mine = ++moves;
  goingTo = url;
  clearTimeout(intent?.timer); // the click came first: the page asks for its own reads
  intent = null;
  delete document.body.dataset.ready; // the page on screen is on its way out
  document.body.setAttribute("aria-busy", "true");
  const doc = await shellOf(url);
  if (mine !== moves) return; // the person clicked again: the later page wins
  if (!doc) { location.assign(url); return; }
  leave();
  const page = doc.body.dataset.page;
  const importing = loaded.has(page) ? loaded.get(page) : code(page).catch(() => null);
  const named = askEarly(namedReads(doc));
  const module = await importing; // at once when visited before; else beside the reads
  if (mine !== moves) return;
  if (!module) { location.assign(url); return; } // its code did not load (server upgraded?)
  const own = askEarly(module.reads?.(url) || []); // what only the page can name
  // The page on screen stays until the new one's first reads have answered: the server
  // answers them while the browser is idle, and the new page is drawn once, with its data.
  await Promise.all([...named, ...own]);
  if (mine !== moves) return;
  if (push && url !== shown) history.pushState(null, "", url); // the same page again: no new entry
  shown = url;
  document.title = doc.title;
  chartsFor(doc);
  const body = document.body;
  for (const name of body.getAttributeNames()) body.removeAttribute(name);
  for (const { name, value } of doc.body.attributes) body.setAttribute(name, value);
  body.replaceChildren(...[...doc.body.childNodes].map((node) => document.importNode(node, true)));
  module.start();
  // At the frame that draws the new page: when its data was there, the page has drawn
  // it by then, and the browser lays it out once, not once without the data and again.
  requestAnimationFrame(() => {
    window.scrollTo(0, 0);
    document.getElementById("main")?.focus({ preventScroll: true }); // read out as a new page
  });
  afterReady(prefetchShells);
}

/** The first reads a page's shell names (its data-prefetch, as boot.js reads it). */
function namedReads(doc) {
  return JSON.parse(doc.querySelector("script[data-prefetch]")?.dataset.prefetch || "[]");
}

/** The person is about to open `url` (see onIntent): ask for its first reads now, so the
 * page has its data when the click comes. Each answer serves that one page once, while it
 * is fresh (api.js askAhead). Nothing is asked for once a move has begun: the page being
 * moved to asks for its own. */
async function readAhead(url) {
  const before = moves;
  const doc = await shellOf(url);
  if (!doc) return;
  const module = await code(doc.body.dataset.page).catch(() => null);
  if (moves !== before || url === shown) return;
  askAhead([...namedReads(doc), ...(module?.reads?.(url) || [])]);
  // Reads that follow from others (the A/B page's pieces follow from its tests): the page
  // names them from the first answers. Still wanted if the click came meanwhile, to this
  // page: they go out as those answers come, before the page's own code asks for them.
  const more = await module?.readsAfter?.(url, peekAhead).catch(() => null);
  if (more && (moves === before || goingTo === url)) askAhead(more);
}

/** Load the chart library into this document if the page `doc` draws charts (once). */
function chartsFor(doc) {
  const chart = doc.getElementById("chartjs");
  if (!chart || document.getElementById("chartjs")) return;
  const tag = document.createElement("script"); // a parsed <script> would never run
  tag.id = "chartjs";
  tag.async = true;
  tag.src = chart.getAttribute("src");
  document.head.append(tag);
}

function inPlace(link, event) {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return null;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || FULL_LOAD.test(url.pathname)) return null;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return null;
  return url.pathname + url.search;
}

/** Ask early for what the pages a person is likely to open next need (their shells, their
 * code, the chart library if they draw charts): the page's first links and the header's,
 * once the browser is idle. */
function prefetchShells() {
  const urls = new Set();
  for (const link of document.querySelectorAll("main a[href], header a[href]")) {
    const url = new URL(link.href, location.href);
    if (url.origin === location.origin && !FULL_LOAD.test(url.pathname)) urls.add(url.pathname + url.search);
  }
  for (const url of [...urls].slice(0, PREFETCH_LINKS)) {
    shellOf(url).then((doc) => {
      if (!doc) return;
      chartsFor(doc);
      code(doc.body.dataset.page).catch(() => null); // if opened, a page whose code fails loads in full
    });
  }
}

/** Run `fn` once the page has drawn its data (api.js ready()) and the browser is idle, so
 * the shells never queue before the page's own reads at the server. */
function afterReady(fn) {
  const later = () => ("requestIdleCallback" in window ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 200));
  if (document.body.dataset.ready !== undefined) later();
  else document.addEventListener("personae:ready", later, { once: true });
}

// Intent: a pointer that rests on a link for INTENT_MS, the keyboard's focus resting on
// it, or a button or finger going down on it. After a 65 ms rest a person clicks about one
// time in two, and some 300 ms later; a finger comes up about 90 ms after it touched, a
// mouse button about 80 ms after it went down (instant.page's measurements). A pointer
// that only passes over a link asks for nothing.
const INTENT_MS = 65;
let intent = null; // { link, timer, asked }

function onIntent(event, wait) {
  const link = event.target.closest?.("a[href]");
  if (!link || (intent?.link === link && (intent.asked || wait))) return;
  clearTimeout(intent?.timer);
  const url = inPlace(link, { button: 0 });
  if (!url || url === shown) { intent = null; return; }
  const mine = { link, asked: false, timer: 0 };
  mine.timer = setTimeout(() => { mine.asked = true; readAhead(url); }, wait);
  intent = mine;
}

function offIntent(event) {
  const link = event.target.closest?.("a[href]");
  if (intent && link === intent.link && !link.contains(event.relatedTarget)) {
    clearTimeout(intent.timer);
    intent = null;
  }
}

document.addEventListener("mouseover", (event) => onIntent(event, INTENT_MS));
document.addEventListener("mouseout", offIntent);
document.addEventListener("focusin", (event) => onIntent(event, INTENT_MS));
document.addEventListener("focusout", offIntent);
document.addEventListener("pointerdown", (event) => { if (event.button === 0) onIntent(event, 0); });

document.addEventListener("click", (event) => {
  const url = inPlace(event.target.closest?.("a[href]"), event);
  if (!url) return;
  event.preventDefault();
  show(url);
});
// A left page's code that did not go through guarded() (a socket's handler, say) stops at
// its next api() call; that is the end of it, not an error.
window.addEventListener("unhandledrejection", (event) => { if (event.reason instanceof Left) event.preventDefault(); });
window.addEventListener("popstate", () => {
  const url = location.pathname + location.search;
  if (url !== shown) show(url, { push: false });
});

run(document.body.dataset.page);
