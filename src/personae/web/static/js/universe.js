import { ready, charted, chartLibrary, COLORS, api, fixed, guarded, h, percent, startPage } from "./api.js";
import { show } from "./studio.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  if (!startPage()) return;
  guarded(null, async () => {
    const map = await api("/api/studio/universe");
    if (map.explained.length) {
      document.getElementById("explained").textContent =
        `Your personas placed by how they write (close points are similar voices); the two axes keep ${percent(map.explained.reduce((a, b) => a + b, 0))} of the differences. Click a point to open it.`;
    }
    document.getElementById("nearest").replaceChildren(...(map.points.length ? map.points.map((p) =>
      h("li", {}, h("a", { href: `/personas/${p.id}` }, p.name), " sounds closest to ",
        p.nearest.length ? p.nearest.map((n) => `${n.name} (${fixed(n.distance, 1)})`).join(", ") : "no other voice yet"))
      : [h("li", { class: "hint" }, "No measured persona yet.")]));
    document.getElementById("unmeasured").textContent = map.unmeasured.length
      ? `Not placed (no measured voice): ${map.unmeasured.join(", ")}.` : "";
    ready();
    const Chart = await chartLibrary();
    const roles = [...new Set(map.points.map((p) => p.role || "no role"))];
    new Chart(document.getElementById("chart-universe"), {
      type: "scatter",
      data: { datasets: roles.map((role, i) => ({
        label: role, backgroundColor: COLORS[i % COLORS.length], pointRadius: 8, pointHoverRadius: 11,
        data: map.points.filter((p) => (p.role || "no role") === role).map((p) => ({ x: p.x, y: p.y, id: p.id, name: p.name })),
      })) },
      options: {
        maintainAspectRatio: false, animation: false,
        scales: {
          x: { title: { display: true, text: "voice axis 1" }, ticks: { callback: (v) => fixed(v, 1) } },
          y: { title: { display: true, text: "voice axis 2" }, ticks: { callback: (v) => fixed(v, 1) } },
        },
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: (c) => c.raw.name } } },
        onClick: (_, elements, chart) => {
          const hit = elements[0];
          if (hit) show(`/personas/${chart.data.datasets[hit.datasetIndex].data[hit.index].id}`);
        },
      },
    });
    charted();
  });
}
