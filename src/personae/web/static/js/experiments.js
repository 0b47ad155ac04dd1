import { PERSONAS, ready, ApiError, api, chosenPersona, fixed, guarded, h, notice, percent, startPage } from "./api.js";

const TESTS = "/api/content/experiments";
const versionsOf = (id) => `/api/personas/${id}/versions`;
const labelsOf = (id) => `/api/personas/${id}/labels`;
const piecesOf = (persona, platform) =>
  `/api/content?persona_id=${persona}&platform=${encodeURIComponent(platform)}&limit=100`;
/** Each (persona, platform) the tests `reports` write for, once. */
const pairsOf = (reports) => [...new Set(reports.map((r) => `${r.persona_id}|${r.platform}`))].map((pair) => pair.split("|"));

/** The reads that follow from the page's first ones (`peek` gives their data), for the
 * router to ask ahead: the chosen persona's versions and labels, the tests' pieces. */
export async function readsAfter(url, peek) {
  const [page, reports] = await Promise.all([peek(PERSONAS), peek(TESTS)]);
  const id = page && chosenPersona(page.items, url);
  return [...(id ? [versionsOf(id), labelsOf(id)] : []), ...pairsOf(reports || []).map(([p, f]) => piecesOf(p, f))];
}

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const field = (id) => document.getElementById(id);
  let personas = [];
  let variantCount = 0;

  /** The options of one variant: each version of the persona and each of its labels. */
  async function choices(personaId) {
    const [versions, labels] = await Promise.all([api(versionsOf(personaId)), api(labelsOf(personaId))]);
    return [
      ...labels.map((l) => ({ value: `label:${l.label}`, text: `Label ${l.label} (version ${l.version})` })),
      ...versions.slice().reverse().map((v) => ({ value: `version:${v.version}`, text: `Version ${v.version}${v.message ? ": " + v.message.slice(0, 40) : ""}` })),
    ];
  }

  function variantRow(options, index) {
    const n = ++variantCount;
    return h("div", { class: "row variant" },
      h("div", {}, h("label", { for: `v-name-${n}` }, `Variant ${index} name`),
        h("input", { id: `v-name-${n}`, class: "v-name", maxlength: 50, value: String.fromCharCode(64 + index) })),
      h("div", {}, h("label", { for: `v-of-${n}` }, `Variant ${index}: version or label`),
        h("select", { id: `v-of-${n}`, class: "v-of" }, ...options.map((o) => h("option", { value: o.value }, o.text)))));
  }

  let options = [];

  async function resetVariants() {
    options = field("x-persona").value ? await choices(field("x-persona").value) : [];
    const legend = field("variants").querySelector("legend");
    field("variants").replaceChildren(legend, variantRow(options, 1), variantRow(options, 2));
    const selects = field("variants").querySelectorAll(".v-of");
    if (options.length > 1) selects[1].value = options[1].value;
  }

  function variantsOfForm() {
    return [...field("variants").querySelectorAll(".variant")].map((row) => {
      const name = row.querySelector(".v-name").value.trim();
      const [kind, value] = (row.querySelector(".v-of").value || ":").split(/:(.*)/s);
      if (!name) throw new ApiError(422, "validation_error", "Name every variant (A, B …).");
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/.test(name)) throw new ApiError(422, "validation_error", `Variant name “${name}”: use letters, digits, dots, dashes or underscores.`);
      if (!kind) throw new ApiError(422, "validation_error", "This persona has no version to test yet.");
      return kind === "label" ? { name, label: value } : { name, version: Number(value) };
    });
  }

  async function create() {
    const name = field("x-name").value.trim();
    if (!name) throw new ApiError(422, "validation_error", "Name the test, e.g. “shorter sentences vs production”.");
    const variants = variantsOfForm();
    const same = new Set(variants.map((v) => v.label ? `l${v.label}` : `v${v.version}`));
    if (same.size < variants.length) notice("Two variants name the same version: the test can still run, but cannot tell them apart.");
    const report = await api(TESTS, { method: "POST", json: {
      name, persona_id: Number(field("x-persona").value), platform: field("x-platform").value, variants } });
    field("x-name").value = "";
    await load();
    notice(`Test “${report.name}” started.`);
    document.getElementById(`experiment-${report.id}`)?.focus();
  }

  function reportTable(report, pieces) {
    return h("div", { class: "scroll" }, h("table", {},
      h("caption", {}, `Variants of “${report.name}”`),
      h("thead", {}, h("tr", {}, ...["Variant", "Version", "Pieces", "Rewarded", "Mean reward", "P(best)"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...report.variants.map((v) => h("tr", {},
        h("th", { scope: "row" }, v.name, report.best === v.name ? h("span", { class: "badge" }, "best") : null),
        h("td", {}, v.persona_version),
        h("td", {}, (pieces[v.name] || []).length ? h("span", {}, ...(pieces[v.name]).flatMap((p, i) => [i ? ", " : "", h("a", { href: `/library/${p.id}` }, `#${p.id}`)])) : "0"),
        h("td", {}, v.rewarded),
        h("td", {}, v.mean_reward == null ? "–" : fixed(v.mean_reward, 3)),
        h("td", {}, h("meter", { min: 0, max: 1, value: v.probability_best, "aria-label": `Probability ${v.name} is best` }), " ", percent(v.probability_best)))))));
  }

  /** "Which variant writes next": the bandit's pick, and a form that keeps a text as its piece. */
  function allocation(report, pick, box) {
    const id = `alloc-text-${report.id}`;
    box.replaceChildren(
      h("p", {}, h("strong", {}, `Variant ${pick.variant} writes next`), ` (version ${pick.persona_version}). Write the text in its voice, then keep it here as the variant's piece.`),
      h("details", {}, h("summary", {}, `Version ${pick.persona_version}'s instructions`), h("pre", { class: "value" }, pick.system_prompt)),
      h("form", { novalidate: true, onsubmit: (event) => {
        event.preventDefault();
        guarded(event.submitter, async () => {
          const text = document.getElementById(id).value.trim();
          if (!text) throw new ApiError(422, "validation_error", "Write or paste the variant's text first.");
          const piece = await api("/api/content", { method: "POST", json: {
            persona_id: report.persona_id, platform: report.platform, text,
            brief: `A/B test ${report.name}, variant ${pick.variant}`, experiment_id: report.id, variant: pick.variant } });
          await load();
          notice(`Kept as piece ${piece.id} of variant ${pick.variant}.`);
        });
      } },
        h("label", { for: id }, `Text for variant ${pick.variant}`),
        h("textarea", { id, rows: 5, maxlength: 100000 }),
        h("button", { type: "submit" }, "Keep as the variant's piece")),
      writer(report, pick));
  }

  /** Or let the model write it: /api/content/generate as the variant's persona version. */
  function writer(report, pick) {
    const id = `alloc-brief-${report.id}`;
    return h("form", { novalidate: true, onsubmit: (event) => {
      event.preventDefault();
      guarded(event.submitter, async () => {
        const brief = document.getElementById(id).value.trim();
        if (!brief) throw new ApiError(422, "validation_error", "Say what the post is about first.");
        const result = await api("/api/content/generate", { method: "POST", json: {
          persona_id: report.persona_id, platform: report.platform, brief,
          experiment_id: report.id, variant: pick.variant } });
        await load();
        notice(`Written as version ${pick.persona_version} and kept as piece ${result.piece_id} of variant ${pick.variant}.`);
      });
    } },
      h("label", { for: id }, `Or have variant ${pick.variant} write it: what is the post about?`),
      h("input", { id, type: "text", maxlength: 2000 }),
      h("button", { type: "submit", class: "secondary" }, "Write it as this version"));
  }

  function card(report, pieces) {
    const allocBox = h("div", { class: "allocation", "aria-live": "polite" });
    const running = report.status === "running";
    return h("section", { class: "card", id: `experiment-${report.id}`, tabindex: -1, "aria-labelledby": `experiment-h-${report.id}` },
      h("h3", { id: `experiment-h-${report.id}` }, report.name, h("span", { class: "badge" }, report.status)),
      h("p", { class: "hint" }, `${personas.find((p) => p.id === report.persona_id)?.name || "persona " + report.persona_id} on ${report.platform} · started ${new Date(report.created_at).toLocaleDateString()}`),
      reportTable(report, pieces),
      h("p", { class: report.should_stop ? "suggestion stop" : "suggestion" }, h("strong", {}, report.should_stop ? "Stop: " : "Keep going: "), report.suggestion,
        report.pieces_needed ? ` (about ${report.pieces_needed} rewarded pieces per variant at the current difference)` : ""),
      h("div", { class: "actions" },
        running ? h("button", { type: "button", onclick: (e) => guarded(e.target, async () => allocation(report, await api(`/api/content/experiments/${report.id}/allocate`, { method: "POST" }), allocBox)) }, "Which variant writes next?") : null,
        running ? h("button", { type: "button", class: "secondary", onclick: (e) => guarded(e.target, async () => { await api(`/api/content/experiments/${report.id}/stop`, { method: "POST" }); await load(); notice(`Test “${report.name}” stopped.`); }) }, "Stop the test") : null),
      allocBox);
  }

  /** The pieces of each test, by variant (the library filtered to the test's persona and platform). */
  async function piecesByTest(reports) {
    const out = {};
    const pages = await Promise.all(pairsOf(reports).map(([persona, platform]) => api(piecesOf(persona, platform))));
    for (const page of pages) {
      for (const piece of page.items) {
        if (!piece.experiment_id) continue;
        ((out[piece.experiment_id] ||= {})[piece.variant] ||= []).push(piece);
      }
    }
    return out;
  }

  /** The tests and their pieces (needs nothing else of the page). */
  async function fetched() {
    const reports = await api(TESTS);
    return [reports, reports.length ? await piecesByTest(reports) : {}];
  }

  function draw([reports, pieces]) {
    field("experiments").replaceChildren(...(reports.length ? reports.map((r) => card(r, pieces[r.id] || {}))
      : [h("p", { class: "hint" }, "No test yet: start one above.")]));
  }

  async function load() { draw(await fetched()); }

  if (!startPage()) return;
  guarded(null, async () => {
    const listed = fetched(); // beside the personas, not after them: drawn once they are here
    listed.catch(() => null); // its error is shown where it is awaited, below
    const [page, platforms] = await Promise.all([api(PERSONAS), api("/api/platforms")]);
    personas = page.items;
    field("x-persona").replaceChildren(...personas.map((p) => h("option", { value: p.id }, p.display_name || p.name)));
    if (personas.length) field("x-persona").value = String(chosenPersona(personas, location.href));
    field("x-platform").replaceChildren(...platforms.map((p) => h("option", { value: p.name }, p.display_name)));
    field("x-platform").value = platforms.some((p) => p.name === "linkedin") ? "linkedin" : platforms[0]?.name;
    await Promise.all([resetVariants(), listed.then(draw)]);
    ready();
  });
  field("x-persona").addEventListener("change", () => guarded(null, resetVariants));
  field("add-variant").addEventListener("click", () => {
    const count = field("variants").querySelectorAll(".variant").length;
    if (count >= 8) { notice("At most eight variants."); return; }
    field("variants").append(variantRow(options, count + 1));
  });
  field("create-form").addEventListener("submit", (event) => { event.preventDefault(); guarded(field("create"), create); });
}
