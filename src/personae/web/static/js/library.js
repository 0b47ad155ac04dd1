import { PERSONAS, ready, ApiError, api, fixed, guarded, h, notice, percent, startPage } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const PAGE_SIZE = 20;
  const form = document.getElementById("filter-form");
  const field = (id) => document.getElementById(id);
  let offset = 0;
  let personaNames = {};
  let shown = null; // the page of pieces on screen

  /** The filters as the API's query (dates are whole local days; "until" includes its day). */
  function query() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    if (field("f-persona").value) params.set("persona_id", field("f-persona").value);
    if (field("f-platform").value) params.set("platform", field("f-platform").value);
    if (field("f-status").value) params.set("status", field("f-status").value);
    const q = field("f-q").value.trim();
    if (q) params.set("q", q);
    const from = field("f-from").value;
    const to = field("f-to").value;
    if (from && to && to < from) throw new ApiError(422, "validation_error", "“Written until” is before “Written from”.");
    if (from) params.set("from", new Date(from + "T00:00").toISOString());
    if (to) { const end = new Date(to + "T00:00"); end.setDate(end.getDate() + 1); params.set("to", end.toISOString()); }
    return params;
  }

  /** Put the filters in the address, so a search can be bookmarked and the back button works. */
  function remember() {
    const kept = new URLSearchParams();
    for (const [key, id] of [["persona", "f-persona"], ["platform", "f-platform"], ["status", "f-status"], ["q", "f-q"], ["from", "f-from"], ["to", "f-to"]]) {
      if (field(id).value) kept.set(key, field(id).value);
    }
    if (offset) kept.set("offset", String(offset));
    history.replaceState(null, "", kept.toString() ? `?${kept}` : location.pathname);
  }

  function restore() {
    const params = new URLSearchParams(location.search);
    for (const [key, id] of [["persona", "f-persona"], ["platform", "f-platform"], ["status", "f-status"], ["q", "f-q"], ["from", "f-from"], ["to", "f-to"]]) {
      if (params.has(key)) field(id).value = params.get(key);
    }
    offset = Math.max(0, Number(params.get("offset")) || 0);
  }

  function statusBadge(status) { return h("span", { class: `badge status-${status}` }, status); }

  function item(piece) {
    const when = piece.published_at ? `published ${new Date(piece.published_at).toLocaleString()}`
      : piece.scheduled_at ? `scheduled for ${new Date(piece.scheduled_at).toLocaleString()}`
      : `written ${new Date(piece.created_at).toLocaleString()}`;
    const excerpt = piece.text.length > 180 ? piece.text.slice(0, 180) + "…" : piece.text;
    return h("li", {},
      h("a", { href: `/library/${piece.id}` }, `Piece ${piece.id}: ${piece.brief || excerpt.slice(0, 60)}`),
      statusBadge(piece.status),
      h("div", { class: "hint" }, `${personaNames[piece.persona_id] || "persona " + piece.persona_id} (version ${piece.persona_version}) · ${piece.platform} · ${when}`
        + (piece.style_match != null ? ` · voice ${percent(piece.style_match)}` : "")
        + (piece.reward != null ? ` · reward ${fixed(piece.reward, 2)}` : "")),
      h("p", { class: "excerpt" }, excerpt));
  }

  async function load() {
    const page = await api(`/api/content?${query()}`);
    remember();
    field("pieces").replaceChildren(...(page.items.length ? page.items.map(item)
      : [h("li", {}, "No piece matches. Write one in the studio: ", h("a", { href: "/write" }, "Write"), ".")]));
    field("count").textContent = page.total
      ? `Pieces ${page.offset + 1}–${page.offset + page.items.length} of ${page.total}.` : "No pieces.";
    shown = page;
    pager();
  }

  /** Enable the page buttons the listing allows (again after guarded re-enables its button). */
  function pager() {
    field("prev").disabled = !shown || shown.offset === 0;
    field("next").disabled = !shown || shown.next_offset === null;
  }

  function showImport(report, name) {
    field("import-report").replaceChildren(
      h("p", {}, `${name}: read as ${report.format}; ${report.received} rows, ${report.imported} imported (${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged), ${report.rejected_rows} rejected; linked to pieces ${report.pieces.join(", ") || "none"}.`
        + (report.settled.length ? ` Rewarded: ${report.settled.map((s) => `piece ${s.piece_id} ${fixed(s.reward, 2)}`).join(", ")}.` : "")),
      report.rejected.length ? h("div", { class: "scroll" }, h("table", {}, h("caption", {}, "Rejected rows"),
        h("thead", {}, h("tr", {}, ...["Line", "Post", "Why"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...report.rejected.map((r) => h("tr", {}, h("td", {}, r.row), h("td", {}, r.reference || "–"), h("td", {}, r.reasons ? r.reasons.join("; ") : r.message)))))) : null);
  }

  async function importFile(file) {
    if (!file) throw new ApiError(422, "validation_error", "Choose an analytics export (.csv) first.");
    if (!/\.csv$/i.test(file.name)) throw new ApiError(422, "bad_file", `${file.name} is not a .csv export.`);
    const csv = await file.text();
    if (!csv.trim()) throw new ApiError(422, "bad_file", `${file.name} is empty.`);
    try {
      showImport(await api("/api/content/engagement", { method: "POST", json: { csv, settle: field("settle").checked } }), file.name);
    } catch (error) {
      const rejected = error.details?.rejected;
      if (rejected?.length) showImport({ format: "?", received: rejected.length, imported: 0, inserted: 0, updated: 0, unchanged: 0, rejected_rows: rejected.length, rejected, pieces: [], settled: [] }, file.name);
      throw error;
    }
    notice(`Imported ${file.name}.`);
    await load();
  }

  if (!startPage()) return;
  restore();
  guarded(null, async () => {
    const [personas, platforms] = await Promise.all([api(PERSONAS), api("/api/platforms")]);
    personaNames = Object.fromEntries(personas.items.map((p) => [p.id, p.display_name || p.name]));
    const wanted = { persona: field("f-persona").value, platform: field("f-platform").value };
    field("f-persona").append(...personas.items.map((p) => h("option", { value: p.id }, p.display_name || p.name)));
    field("f-platform").append(...platforms.map((p) => h("option", { value: p.name }, p.display_name)));
    field("f-persona").value = wanted.persona || new URLSearchParams(location.search).get("persona") || "";
    field("f-platform").value = wanted.platform || new URLSearchParams(location.search).get("platform") || "";
    await load();
    ready();
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); offset = 0; guarded(field("search"), load); });
  field("clear").addEventListener("click", (e) => {
    form.reset(); offset = 0; guarded(e.target, load);
  });
  field("prev").addEventListener("click", (e) => { offset = Math.max(0, offset - PAGE_SIZE); guarded(e.target, load).then(pager); });
  field("next").addEventListener("click", (e) => { offset += PAGE_SIZE; guarded(e.target, load).then(pager); });
  field("import-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(event.submitter, () => importFile(field("export-file").files[0]));
  });
}
