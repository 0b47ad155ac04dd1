import { ready, charted, chartLibrary, COLORS, api, fixed, guarded, h, percent, personaIdOfPage, startPage } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const id = personaIdOfPage();

  function dimension(voice, key) {
    return voice.dimensions.find((d) => d.key === key);
  }

  function value(voice, key) {
    const d = dimension(voice, key);
    return d ? d.value : null;
  }

  function barChart(canvasId, labels, voices, pick, { horizontal = false, unit = "" } = {}) {
    const canvas = document.getElementById(canvasId);
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels,
        datasets: voices.map((voice, i) => ({
          label: voice.name, data: pick(voice), backgroundColor: COLORS[i % COLORS.length],
        })),
      },
      options: {
        indexAxis: horizontal ? "y" : "x", maintainAspectRatio: false, animation: false,
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fixed(c.raw, 2)}${unit}` } } },
      },
    });
  }

  function facts(list, entries) {
    list.replaceChildren(...entries.flatMap(([term, description]) => [h("dt", {}, term), h("dd", {}, description)]));
  }

  function describe(value) {
    if (Array.isArray(value)) return value.length ? value.join(", ") : "–";
    if (value && typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${describe(v)}`).join("; ");
    return value === null || value === undefined || value === "" ? "–" : String(value);
  }

  /** The share of sentences per length bin (1-3, 4-6 … 40+ words), this voice beside the others
   * (a voice measured before the histogram existed has no counts yet and is left out). */
  function drawSentenceLengths(voice, voices) {
    const counted = voices.filter((v) => v.sentence_lengths.some((b) => b.count > 0));
    barChart("chart-sentences", voice.sentence_lengths.map((b) => b.label), counted,
      (v) => v.sentence_lengths.map((b) => 100 * b.share), { unit: "% of sentences" });
  }

  function describeSentenceLengths(voice) {
    const total = voice.sentence_lengths.reduce((sum, b) => sum + b.count, 0);
    const mean = dimension(voice, "sentence_length.average");
    const spread = dimension(voice, "sentence_length.stdev");
    const common = voice.sentence_lengths.reduce((best, b) => (b.count > (best?.count ?? 0) ? b : best), null);
    document.getElementById("sentences-summary").textContent = total
      ? `${total.toLocaleString()} sentences; most often ${common.label} words; on average ${fixed(mean?.value, 1)} words, varying by ${fixed(spread?.value, 1)} within a text.`
      : `Sentence lengths were not counted when this voice was measured; on average ${fixed(mean?.value, 1)} words, varying by ${fixed(spread?.value, 1)}.`;
  }

  /** The voice's charts (Chart.js loads beside the page; the figures in words come first). */
  function drawCharts(page) {
    const voices = [page.voice, ...page.others];
    drawSentenceLengths(page.voice, voices);
    const words = Object.keys(page.voice.function_words);
    barChart("chart-function", words, voices, (v) => words.map((w) => v.function_words[w] ?? 0),
      { horizontal: true, unit: " per 1,000 words" });
    const habits = page.voice.dimensions.filter((d) => d.key.startsWith("punctuation.") || d.key.startsWith("social."));
    barChart("chart-punctuation", habits.map((d) => `${d.label} (${d.unit})`), voices, (v) => habits.map((d) => value(v, d.key)));
    const pronouns = page.voice.dimensions.filter((d) => d.key.startsWith("pronouns."));
    barChart("chart-pronouns", pronouns.map((d) => d.label), voices, (v) => pronouns.map((d) => value(v, d.key)));
  }

  /** The voice in words and tables: what a person reads first (and a screen reader reads). */
  function drawVoice(page) {
    describeSentenceLengths(page.voice);
    const readable = ["readability.flesch_reading_ease", "word_length.average", "vocabulary.lexical_diversity",
      "vocabulary.sophistication", "contractions.per_100_words", "paragraphs.average_words", "sentence_type.question"];
    facts(document.getElementById("readability"), readable.map((k) => dimension(page.voice, k)).filter(Boolean)
      .map((d) => [d.label, `${fixed(d.value, 2)} ${d.unit} (± ${fixed(d.spread, 2)})`]));
    document.querySelector("#dimensions tbody").replaceChildren(...page.voice.dimensions.map((d) =>
      h("tr", {}, h("th", { scope: "row" }, d.label), h("td", {}, fixed(d.value, 2)), h("td", {}, fixed(d.spread, 2)), h("td", {}, d.unit))));
    const others = page.others.length ? `, compared with ${page.others.length} other persona${page.others.length > 1 ? "s" : ""}` : "";
    document.getElementById("confidence-basis").textContent =
      `Measured from ${page.voice.samples} sample${page.voice.samples === 1 ? "" : "s"} and ${page.voice.words.toLocaleString()} words${others}.`;
  }

  function drawBasis(parts) {
    const list = h("dl", { class: "facts", id: "confidence-parts" },
      h("dt", {}, "Enough words"), h("dd", {}, percent(parts.words)),
      h("dt", {}, "Enough samples"), h("dd", {}, percent(parts.samples)),
      h("dt", {}, "Samples agree with each other"), h("dd", {}, percent(parts.agreement)));
    document.getElementById("confidence-basis").after(list);
  }

  function drawTraits(traits) {
    const list = document.getElementById("traits");
    list.replaceChildren(...traits.map((trait) => {
      const inputId = `trait-${trait.id}`;
      const out = h("output", { for: inputId }, percent(trait.intensity));
      const slider = h("input", {
        id: inputId, type: "range", min: 0, max: 1, step: 0.05, value: trait.intensity,
        "aria-describedby": `${inputId}-source`,
        oninput: (e) => { out.textContent = percent(Number(e.target.value)); },
        onchange: (e) => guarded(null, async () => {
          const updated = await api("/api/personality", { method: "PUT", json: { personaId: id, traitId: trait.id, action: "set", intensity: Number(e.target.value) } });
          out.textContent = percent(updated.intensity ?? Number(e.target.value));
        }),
      });
      return h("li", {}, h("label", { for: inputId }, trait.name), slider, out,
        h("span", { id: `${inputId}-source`, class: "visually-hidden" }, `${trait.source}${trait.inherited ? ", inherited" : ""}`));
    }));
    if (!traits.length) list.replaceChildren(h("li", { class: "hint" }, "No traits yet: chat with the persona or add one."));
  }

  async function loadTraits() { drawTraits((await api(`/api/personas/${id}/traits`)).traits); }

  if (!startPage()) return;
  guarded(null, async () => {
    // Everything the page shows, asked for at once; a persona without a measured voice
    // answers the voice request with a 422, which only means "no charts".
    const voiceOrNone = api(`/api/studio/personas/${id}/voice`).catch((error) => {
      if (error.status === 422) return null;
      throw error;
    });
    const [persona, voice, traits, adaptations, jobs] = await Promise.all([
      api(`/api/personas/${id}`), voiceOrNone, api(`/api/personas/${id}/traits`), api(`/api/personas/${id}/platforms`),
      api("/api/jobs?limit=100"),
    ]);
    document.querySelector("h1").textContent = persona.display_name || persona.name;
    document.title = `${persona.display_name || persona.name} · personae`;
    document.getElementById("persona-summary").textContent =
      [persona.role, persona.archetype, persona.core_belief].filter(Boolean).join(" · ") + ` (version ${persona.version})`;
    const meter = document.getElementById("confidence");
    meter.value = persona.confidence_score ?? 0;
    document.getElementById("confidence-value").textContent = persona.confidence_score === null ? "not rated yet" : percent(persona.confidence_score);
    facts(document.getElementById("tonal"), Object.entries(persona.tonal_range || {}).map(([k, v]) => [k, describe(v)]));
    facts(document.getElementById("constraints"), Object.entries(persona.stylistic_constraints || {}).map(([k, v]) => [k, describe(v)]));
    document.getElementById("export-card").addEventListener("click", (e) => guarded(e.target, async () => {
      const card = await api(`/api/personas/${id}/card`);
      const link = h("a", { href: URL.createObjectURL(new Blob([JSON.stringify(card, null, 2)], { type: "application/json" })), download: `${persona.name}.card.json` });
      link.click();
    }));
    document.getElementById("export-png").addEventListener("click", (e) => guarded(e.target, async () => {
      const response = await api(`/api/personas/${id}/card?format=png`, { raw: true });
      h("a", { href: URL.createObjectURL(await response.blob()), download: `${persona.name}.card.png` }).click();
    }));
    if (voice) drawVoice(voice);
    else document.getElementById("verify").hidden = true;
    // The generation job kept what the confidence rests on (words, samples, agreement).
    const built = jobs.find((j) => j.kind === "persona.generate" && j.status === "succeeded" && j.result?.persona_id === id);
    if (built?.result?.confidence) drawBasis(built.result.confidence);
    else document.getElementById("confidence-basis").textContent = "No measured voice yet: it is measured from writing samples.";
    drawTraits(traits.traits);
    document.getElementById("platforms").replaceChildren(...(adaptations.length ? adaptations.map((a) =>
      h("li", {}, h("strong", {}, a.platform), ": ", Object.keys(a.optimization_strategies || {}).join(", ") || "adapted", ` (updated ${new Date(a.updated_at).toLocaleDateString()})`))
      : [h("li", { class: "hint" }, "None stored yet: writing for a platform computes one.")]));
    ready();
    if (voice) { await chartLibrary(); drawCharts(voice); }
    charted();
  });
  document.getElementById("verify-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const result = document.getElementById("verify-result");
    guarded(event.submitter, async () => {
      result.textContent = "";
      const text = document.getElementById("verify-text").value;
      if (!text.trim()) throw new Error("Paste the text to check: 25 words or more.");
      const found = await api(`/api/personas/${id}/verify`, { method: "POST", json: { text }, changes: false });
      result.textContent = `${percent(found.probability)} likely (at even odds) that this voice wrote it (${found.word_count} words). `
        + `The other writers nearest it: ${found.nearest_impostors.join(", ")}.`;
    });
  });
  document.getElementById("trait-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("trait-name");
    guarded(event.submitter, async () => {
      if (!input.value.trim()) throw new Error("Name the trait, e.g. curious.");
      await api(`/api/personas/${id}/traits`, { method: "POST", json: { name: input.value.trim(), intensity: 0.5 } });
      input.value = "";
      await loadTraits();
    });
  });
}
