import { ready, ApiError, api, guarded, h, notice, startPage } from "./api.js";

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

function dateValue(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The dates the page shows for the address's query: its own, or a week back to a month on. */
function range(search) {
  const params = new URLSearchParams(search);
  const today = new Date();
  return {
    from: params.get("from") || dateValue(new Date(today.getTime() - 7 * DAY_MS)),
    to: params.get("to") || dateValue(new Date(today.getTime() + 30 * DAY_MS)),
  };
}

/** The API read of the plan between two dates: whole days in the browser's time. */
function planPath(from, to) {
  const start = new Date(from + "T00:00");
  const end = new Date(to + "T00:00");
  end.setDate(end.getDate() + 1);
  if (end <= start) throw new ApiError(422, "validation_error", "“Until” is before “From”.");
  if ((end - start) / DAY_MS > MAX_DAYS) throw new ApiError(422, "validation_error", "Show at most a year at a time.");
  return `/api/content/calendar?${new URLSearchParams({ from: start.toISOString(), to: end.toISOString() })}`;
}

/** What the page reads first at `url`, for the router to ask early: the server cannot
 * name it (the days are in the browser's time). */
export function reads(url) {
  const { from, to } = range(new URL(url, location.href).search);
  try { return [planPath(from, to)]; } catch { return []; }
}

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const field = (id) => document.getElementById(id);

  /** The plan between the two dates (whole local days), grouped by day. */
  async function load() {
    const from = field("from").value;
    const to = field("to").value;
    if (!from || !to) throw new ApiError(422, "validation_error", "Choose both dates of the range.");
    const pieces = await api(planPath(from, to));
    history.replaceState(null, "", `?from=${from}&to=${to}`);
    const days = new Map();
    for (const piece of pieces) {
      const at = new Date(piece.published_at || piece.scheduled_at);
      const key = at.toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
      if (!days.has(key)) days.set(key, []);
      days.get(key).push([at, piece]);
    }
    field("plan").replaceChildren(...(pieces.length ? [...days].map(([day, items]) => h("section", { class: "day" },
      h("h3", {}, day),
      h("ul", { class: "plain" }, ...items.map(([at, piece]) => h("li", {},
        h("time", { datetime: at.toISOString() }, at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })), " ",
        h("a", { href: `/library/${piece.id}` }, `Piece ${piece.id}: ${piece.brief || piece.text.slice(0, 60)}`),
        h("span", { class: "badge" }, piece.status), h("span", { class: "hint" }, ` ${piece.platform}`))))))
      : [h("p", { class: "hint" }, "Nothing scheduled or published in these dates. Schedule a piece from the ", h("a", { href: "/library" }, "library"), ".")]));
    field("plan").dataset.count = String(pieces.length);
  }

  async function newFeed() {
    const feed = await api("/api/content/calendar/feed", { method: "POST" });
    const box = h("input", { id: "feed-url", readonly: true, value: feed.url, "aria-describedby": "feed-note" });
    field("feed").replaceChildren(
      h("div", { class: "secret" },
        h("label", { for: "feed-url" }, "Your calendar feed address (shown once)"), box,
        h("p", { id: "feed-note", class: "hint" }, "Subscribe to it from your calendar app. Anyone with it can read your plan; create a new one to stop the old."),
        h("button", { type: "button", class: "secondary", onclick: async (e) => {
          try { await navigator.clipboard.writeText(feed.url); notice("Address copied."); }
          catch { box.select(); notice("Select the address and copy it."); }
          e.target.focus();
        } }, "Copy the address")));
    notice("A new calendar feed address was created; the old one no longer works.");
    box.focus();
    box.select();
  }

  if (!startPage()) return;
  const shown = range(location.search);
  field("from").value = shown.from;
  field("to").value = shown.to;
  guarded(null, async () => { await load(); ready(); });
  field("range-form").addEventListener("submit", (event) => { event.preventDefault(); guarded(field("show"), load); });
  field("new-feed").addEventListener("click", (e) => guarded(e.target, newFeed));
}
