// The studio's one way to the API: same-origin fetch with the signed-in tokens.
// Tokens live in sessionStorage (this tab only, gone when it closes); the access token
// is refreshed through /api/auth/refresh shortly before it expires, or once after a 401.
// Errors come back as ApiError with the envelope's message, in words, never raw JSON.

const KEY = "personae.tokens";
const SKEW_MS = 30_000;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

export function tokens() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch { return null; }
}

export function saveTokens(pair) {
  sessionStorage.setItem(KEY, JSON.stringify({
    access: pair.access_token, refresh: pair.refresh_token,
    expiresAt: Date.now() + pair.expires_in * 1000,
  }));
}

export function forget() { sessionStorage.removeItem(KEY); }

function goToSignIn() {
  forget();
  const next = location.pathname + location.search;
  location.assign("/signin?next=" + encodeURIComponent(next));
}

export function requireSignIn() {
  if (!tokens()) { goToSignIn(); return false; }
  return true;
}

let refreshing = null;

async function refresh() {
  const held = tokens();
  if (!held) throw new ApiError(401, "unauthorized", "Please sign in.");
  if (!refreshing) {
    refreshing = fetch("/api/auth/refresh", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: held.refresh }),
    }).then(async (response) => {
      const body = await response.json().catch(() => null);
      if (!response.ok || !body || !body.success) {
        goToSignIn();
        throw new ApiError(401, "unauthorized", "Your sign-in has ended; please sign in again.");
      }
      saveTokens(body.data);
    }).finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** A fresh access token (refreshed first when it is about to expire). */
export async function accessToken() {
  const held = tokens();
  if (!held) { goToSignIn(); throw new ApiError(401, "unauthorized", "Please sign in."); }
  if (Date.now() > held.expiresAt - SKEW_MS) await refresh();
  return tokens().access;
}

function humanize(message) {
  return String(message || "Something went wrong.").replace(/(^|; )body\./g, "$1");
}

export async function errorOf(response) {
  const body = await response.json().catch(() => null);
  if (body && body.error) {
    return new ApiError(response.status, body.error.code, humanize(body.error.message), body.error.details);
  }
  return new ApiError(response.status, "http_" + response.status,
    `The server answered ${response.status} ${response.statusText || ""}`.trim() + ".");
}

/** The answer boot.js (or the router, for a page it puts in place) already asked for (a
 * GET of exactly this path), taken once; or null. */
async function early(path) {
  const started = window.personaeEarly?.get(path);
  if (started) {
    window.personaeEarly.delete(path);
    return started;
  }
  return (await takeAhead(path)) || null; // a read that followed from others (readsAfter)
}

/** An answer whose body was read as it came (readWhole): what call() uses of a Response,
 * with nothing left to wait for. A Response's json() waits for a task of its own, and the
 * browser draws a frame first: 5-10 ms on a page moved in place. */
class Whole {
  constructor(response, text) {
    this.ok = response.ok;
    this.status = response.status;
    this.statusText = response.statusText;
    this.body = text;
  }

  json() { return Promise.resolve().then(() => JSON.parse(this.body)); }
}

/** A GET read whole as soon as it answers, for a page that takes it later; null when the
 * server cannot be reached. */
function readWhole(path, access) {
  return fetch(path, { headers: { Authorization: "Bearer " + access } })
    .then(async (response) => new Whole(response, await response.text()))
    .catch(() => null);
}

function heldAccess() {
  const held = tokens();
  return held && held.access && Date.now() <= held.expiresAt - SKEW_MS ? held.access : null;
}

// Reads asked for when a person shows they are about to open a page (a pointer resting on
// its link, a touch, a focus), before the click. Each answer is used once, by the page it
// was asked for, and only while it is fresh: younger than FRESH_MS and no write (a POST,
// PUT, PATCH or DELETE through api()) made since it was asked for.
const FRESH_MS = 10_000;
const KEPT = 32;
const ahead = new Map(); // path -> { answer: Promise<Whole | null>, at: ms }

function freshAhead(path) {
  const held = ahead.get(path);
  if (held && Date.now() - held.at <= FRESH_MS) return held;
  ahead.delete(path);
  return null;
}

/** The answer asked for ahead for `path`, taken (once) while fresh, or null; a refused one
 * (the rate limit, a sign-in that ended) resolves to null: the page asks for itself. */
function takeAhead(path) {
  const held = freshAhead(path);
  ahead.delete(path);
  return held ? held.answer.then((answer) => (answer?.ok ? answer : null)) : null;
}

/** Something was written (by api(), a chat socket, a draft stream): what was read ahead
 * may no longer be so. */
export function wrote() { ahead.clear(); }

/** Ask now for reads a page the person is about to open will make (see above). */
export function askAhead(paths) {
  const access = heldAccess();
  if (!access) return;
  for (const path of paths) {
    if (freshAhead(path)) continue;
    ahead.set(path, { answer: readWhole(path, access), at: Date.now() });
    if (ahead.size > KEPT) ahead.delete(ahead.keys().next().value);
  }
}

/** The data of a read asked for ahead (for a page's readsAfter), without taking it: null
 * when it was not asked for, failed, or is no longer fresh. */
export async function peekAhead(path) {
  const answer = await freshAhead(path)?.answer;
  if (!(answer instanceof Whole) || !answer.ok) return null;
  try { return JSON.parse(answer.body).data; } catch { return null; }
}

/** Start a page's first reads now, as boot.js does on a cold load (the router calls this
 * for the page it is about to show, before the page's code has run); returns them. An
 * answer already asked for ahead, and still fresh, is taken instead of a new request. */
export function askEarly(paths) {
  const early = (window.personaeEarly ||= new Map());
  const before = early.size;
  const access = heldAccess();
  if (!access) return [];
  for (const path of paths) {
    const taken = takeAhead(path);
    early.set(path, taken ? taken.then((answer) => answer || readWhole(path, access)) : readWhole(path, access));
  }
  return [...early.values()].slice(before);
}

// -- leaving a page without reloading the document (the router in studio.js) --------------

/** Thrown by api() into the code of a page the person has left: its answers have nowhere
 * to go. guarded() drops it silently. */
export class Left extends Error {}

let visit = 0;
let leaving = [];

/** Run `undo` when the person leaves the page (a socket to close, a stream to cancel). */
export function onLeave(undo) { leaving.push(undo); }

/** Called by the router before it replaces the page: stops what the page left running. */
export function leave() {
  visit += 1;
  const undo = leaving;
  leaving = [];
  for (const fn of undo) { try { fn(); } catch (error) { console.warn(error); } }
  window.personaeEarly = new Map();
}

/**
 * Call the API. `json` is sent as a JSON body; `body` (a Blob, File or string) as it is,
 * with `type` as its content type. Returns the envelope's data (or the Response, with raw).
 * Any method but GET counts as a write, and forgets what was read ahead, unless `changes`
 * is false: a POST that only judges a text (match, validate, marks, verify) stores
 * nothing, and the write page sends one at every pause in typing.
 */
export async function api(path, options = {}) {
  const born = visit;
  const answer = await call(path, options);
  if (visit !== born) throw new Left();
  return answer;
}

async function call(path, { method = "GET", json, body, type, raw = false, auth = true, changes = method !== "GET" } = {}) {
  const send = async () => {
    const headers = {};
    if (auth) headers.Authorization = "Bearer " + (await accessToken());
    let payload = body;
    if (json !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(json); }
    else if (type) headers["Content-Type"] = type;
    try {
      return await fetch(path, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, "network", "The server cannot be reached. Is personae serve still running?");
    }
  };
  if (changes) wrote();
  // An answer asked for early is read as text: never one for a raw (binary) read.
  let response = method === "GET" && auth && body === undefined && !raw ? await early(path) : null;
  if (!response) response = await send();
  if (response.status === 401 && auth && tokens()) {
    await refresh();
    response = await send();
  }
  if (changes) wrote(); // and what was asked for ahead while it was on its way
  if (!response.ok) throw await errorOf(response);
  if (raw) return response;
  const envelope = await response.json();
  return envelope.data;
}

// -- the page around it ------------------------------------------------------------------

export function showError(error) {
  const box = document.getElementById("alert");
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  box.textContent = message;
  box.hidden = false;
  if (!(error instanceof ApiError)) console.warn(error);
}

export function clearError() {
  const box = document.getElementById("alert");
  box.hidden = true;
  box.textContent = "";
}

export function notice(text) { document.getElementById("notice").textContent = text || ""; }

/** Build an element: h("a", {href: "/"}, "text", child). Text is never parsed as HTML. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Run an async action with its button disabled and errors shown in words. */
export async function guarded(button, action) {
  clearError();
  if (button) button.disabled = true;
  try { return await action(); }
  catch (error) { if (!(error instanceof Left)) showError(error); return undefined; }
  finally { if (button) button.disabled = false; }
}

export function percent(value) {
  if (value === null || value === undefined) return "–";
  const share = value * 100;
  return (share < 10 && share > 0 ? share.toFixed(1) : Math.round(share)) + "%";
}
export function fixed(value, digits = 1) { return value === null || value === undefined ? "–" : Number(value).toFixed(digits); }

export const PERSONAS = "/api/personas?limit=100";

/** The persona a page at `url` starts with among `personas`: the one `wanted` or the
 * address's ?persona= names, when it is one of them; else the first. */
export function chosenPersona(personas, url, wanted) {
  const id = String(wanted || new URL(url, location.href).searchParams.get("persona") || "");
  return personas.find((p) => String(p.id) === id)?.id ?? personas[0]?.id;
}

/** Fill a <select> with the account's personas; returns them. */
export async function personaSelect(select, wanted) {
  const page = await api(PERSONAS);
  select.replaceChildren(...page.items.map((p) => h("option", { value: p.id }, p.display_name || p.name)));
  if (page.items.length) select.value = String(chosenPersona(page.items, location.href, wanted));
  return page.items;
}

export const COLORS = ["#2f3fb8", "#c0392b", "#1e8449", "#b9770e", "#7d3c98", "#117a8b", "#6e2c00", "#5d6d7e"];

/** Sign-out button and the sign-in check every signed-in page starts with. */
export function startPage() {
  const button = document.getElementById("sign-out");
  if (button) {
    button.addEventListener("click", async () => {
      try { await api("/api/auth/logout", { method: "POST" }); } catch { /* signed out anyway */ }
      forget();
      location.assign("/signin");
    });
  }
  return requireSignIn();
}

export function personaIdOfPage() { return Number(document.body.dataset.personaId); }

/** Chart.js, once its script (loaded `async` beside the page's modules) has run. */
export function chartLibrary() {
  // In a task of its own even when loaded: a chart takes longer to draw than the figures
  // in words, which are drawn (and the page marked usable) first.
  if (window.Chart) return new Promise((resolve) => setTimeout(() => resolve(window.Chart)));
  const tag = document.getElementById("chartjs");
  if (!tag) return Promise.reject(new Error("This page does not load the chart library."));
  return new Promise((resolve, reject) => {
    tag.addEventListener("load", () => resolve(window.Chart), { once: true });
    tag.addEventListener("error", () => reject(new Error("The chart library did not load; reload the page.")), { once: true });
  });
}

/** Mark the page's charts drawn (after ready(): the charts follow the data). */
export function charted() { document.body.dataset.charted = String(Math.round(performance.now())); }

/** Mark the page usable (its first data drawn): the milliseconds since navigation start,
 * read by tests and benchmarks/web_bench.py. */
export function ready() {
  document.body.dataset.ready = String(Math.round(performance.now()));
  document.dispatchEvent(new Event("personae:ready"));
}
