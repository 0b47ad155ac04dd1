import { PERSONAS, ready, charted, chartLibrary, ApiError, api, chosenPersona, fixed, guarded, h, notice, percent, personaSelect, showError, startPage } from "./api.js";

const currentOf = (id) => `/api/studio/strategy/${id}/current`;
const performanceOf = (id) => `/api/v1/strategy/${id}/performance`;
const clustersOf = (id) => `/api/v1/strategy/${id}/clusters`;

/** The chosen persona's strategy reads, which follow from the personas list (the router
 * asks them ahead; `peek` gives a first read's data). */
export async function readsAfter(url, peek) {
  const id = chosenPersona((await peek(PERSONAS))?.items || [], url);
  return id === undefined ? [] : [currentOf(id), performanceOf(id), clustersOf(id)];
}

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const personaBox = document.getElementById("persona");
  let rewardChart = null;
  let rewardDrawn = Promise.resolve(); // the reward chart, drawn once Chart.js has loaded

  function showRecommendation(rec) {
    const box = document.getElementById("recommendation");
    if (!rec) { box.replaceChildren(h("p", { class: "hint" }, "No recommendation yet: ask for one.")); return; }
    const s = rec.strategy;
    box.replaceChildren(
      h("p", { class: "lede" }, rec.description),
      h("dl", { class: "facts" },
        h("dt", {}, "Topic"), h("dd", {}, s.topic), h("dt", {}, "Format"), h("dd", {}, s.format),
        h("dt", {}, "Tone"), h("dd", {}, s.tone), h("dt", {}, "Platform"), h("dd", {}, s.platform),
        h("dt", {}, "Post at"), h("dd", {}, `${String(s.posting_hour).padStart(2, "0")}:00 UTC`),
        h("dt", {}, "Confidence"), h("dd", {}, percent(rec.confidence)),
        h("dt", {}, "Expected reward"), h("dd", {}, `${fixed(rec.estimated_reward, 2)} ± ${fixed(rec.uncertainty, 2)}`)),
      h("p", {}, h("strong", {}, "Why: "), rec.explanation.summary),
      h("p", {}, h("strong", {}, "Brief: "), rec.content_brief.instructions),
      h("p", {}, h("a", { href: `/write?persona=${rec.creator_id}` }, "Write it in the studio")));
  }

  async function loadCurrent() {
    showRecommendation(await api(currentOf(personaBox.value)));
  }

  /** Reward over time (Chart.js loads beside the page; the table and summary come first). */
  function drawReward(Chart, report) {
    const labels = report.rewards.map((r) => new Date(r.decided_at).toLocaleDateString());
    rewardChart?.destroy();
    rewardChart = new Chart(document.getElementById("chart-reward"), {
      type: "line",
      data: { labels, datasets: [
        { label: "Reward", data: report.rewards.map((r) => r.reward), borderColor: "#2f3fb8", backgroundColor: "#2f3fb8" },
        { label: "Running mean", data: report.rewards.map((r) => r.running_mean), borderColor: "#c0392b", backgroundColor: "#c0392b" },
      ] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } },
    });
  }

  async function loadPerformance() {
    const report = await api(performanceOf(personaBox.value));
    rewardDrawn = chartLibrary().then((Chart) => drawReward(Chart, report)).catch(showError);
    document.getElementById("reward-summary").textContent = report.rewards.length
      ? `${report.rewarded_episodes} rewarded of ${report.episodes} decisions; mean reward ${fixed(report.mean_reward, 2)}, last ten ${fixed(report.recent_mean_reward, 2)}. ${report.engagement_events} engagement events.`
      : `No rewards yet (${report.engagement_events} engagement events imported).`;
    const table = document.getElementById("platform-table");
    table.querySelector("thead").replaceChildren(h("tr", {}, ...["Platform", "Posts", "Baseline rate", "Measured median", "Normalised mean"].map((t) => h("th", { scope: "col" }, t))));
    table.querySelector("tbody").replaceChildren(...(report.platforms.length ? report.platforms.map((p) => h("tr", {},
      h("th", { scope: "row" }, p.platform), h("td", {}, p.content_count), h("td", {}, percent(p.baseline_engagement_rate)),
      h("td", {}, percent(p.measured_median_engagement_rate)), h("td", {}, fixed(p.mean_normalised_engagement_rate, 2))))
      : [h("tr", {}, h("td", { colspan: 5 }, "No engagement imported yet."))]));
  }

  async function loadClusters() {
    const clusters = await api(clustersOf(personaBox.value));
    const items = Array.isArray(clusters) ? clusters : clusters.items || [];
    const table = document.getElementById("heatmap");
    const hours = [...Array(24).keys()];
    table.querySelector("thead").replaceChildren(h("tr", {}, h("th", { scope: "col" }, "Cluster"),
      ...hours.map((hr) => h("th", { scope: "col", "aria-label": `${hr}:00` }, hr))));
    table.querySelector("tbody").replaceChildren(...(items.length ? items.map((c) => h("tr", {},
      h("th", { scope: "row" }, `#${c.id} (${c.size} people${c.preferred_content_types.length ? ", likes " + c.preferred_content_types.join(", ") : ""})`),
      ...hours.map((hr) => c.peak_engagement_hours.includes(hr)
        ? h("td", { class: "hot" }, h("span", { class: "visually-hidden" }, "peak"), "●") : h("td", {}, ""))))
      : [h("tr", {}, h("td", { colspan: 25 }, "No audience clusters yet: import engagement with audience members, then cluster."))]));
  }

  async function loadAll() { await Promise.all([loadCurrent(), loadPerformance(), loadClusters()]); }

  function showImport(report, name) {
    const box = document.getElementById("import-report");
    box.replaceChildren(
      h("p", {}, `${name}: ${report.received} rows read; ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected.length} rejected.`),
      report.rejected.length ? h("table", {}, h("caption", {}, "Rejected rows"),
        h("thead", {}, h("tr", {}, ...["Line", "Field", "Why"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, ...report.rejected.map((r) => h("tr", {}, h("td", {}, r.row), h("td", {}, r.field || "–"), h("td", {}, r.message))))) : null);
  }

  if (!startPage()) return;
  guarded(null, async () => {
    await personaSelect(personaBox);
    if (personaBox.value) await loadAll();
    ready();
    await rewardDrawn;
    charted();
  });
  personaBox.addEventListener("change", () => guarded(null, loadAll));
  document.getElementById("recommend").addEventListener("click", (e) => guarded(e.target, async () => {
    showRecommendation(await api("/api/v1/strategy/generate", { method: "POST", json: { creator_id: Number(personaBox.value) } }));
  }));
  document.getElementById("recluster").addEventListener("click", (e) => guarded(e.target, async () => {
    await api(`/api/v1/strategy/${personaBox.value}/clusters`, { method: "POST", json: {} });
    await loadClusters();
  }));
  document.getElementById("import-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(event.submitter, async () => {
      const file = document.getElementById("engagement-file").files[0];
      if (!file) throw new ApiError(422, "validation_error", "Choose an engagement export (.csv or .json) first.");
      const format = file.name.toLowerCase().endsWith(".json") ? "json" : "csv";
      if (!/\.(csv|json)$/i.test(file.name)) throw new ApiError(422, "bad_file", `${file.name} is not a .csv or .json export.`);
      const report = await api(`/api/studio/engagement?creator_id=${personaBox.value}&format=${format}`,
        { method: "POST", body: file, type: format === "json" ? "application/json" : "text/csv" });
      showImport(report, file.name);
      notice(`Imported ${file.name}.`);
      await loadPerformance();
    });
  });
}
