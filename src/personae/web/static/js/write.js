import { ready, ApiError, accessToken, api, errorOf, fixed, guarded, h, notice, percent, personaSelect, showError, clearError, startPage, onLeave, wrote } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const DEBOUNCE_MS = 100;
  const MIN_WORDS = 25;
  const draft = document.getElementById("draft");
  const personaBox = document.getElementById("persona");
  const platformBox = document.getElementById("platform");
  let timer = null;
  let generation = 0; // the newest measurement wins
  let controller = null;
  let lastInput = 0; // when the person last typed (performance.now())

  function words(text) { return (text.trim().match(/\S+/g) || []).length; }

  function drawChecks(report) {
    document.getElementById("checks").replaceChildren(...report.rules.map((rule) =>
      h("li", { class: rule.passed ? "pass" : rule.severity === "error" ? "fail" : "warn" },
        rule.message)));
  }

  function drawMatch(match) {
    const meter = document.getElementById("score");
    meter.value = match.score;
    document.getElementById("score-value").textContent = percent(match.score);
    document.getElementById("suggestions").replaceChildren(...match.suggestions.map((s) =>
      h("li", {}, s.message, h("span", { class: "badge" }, s.priority))));
    document.getElementById("deviations").replaceChildren(...match.deviations.slice(0, 6).map((d) =>
      h("li", {}, `${d.label}: ${fixed(d.text_value, 1)} here, ${fixed(d.profile_value, 1)} in the voice`)));
  }

  /** The draft with its straying stretches marked, each followed by why (read aloud too). */
  function drawMarks(text, marks) {
    const parts = [];
    let at = 0;
    for (const mark of marks) {
      if (mark.start < at) continue; // overlapping marks: the first wins
      parts.push(text.slice(at, mark.start));
      parts.push(h("mark", { class: mark.kind }, text.slice(mark.start, mark.end), " ", h("span", { class: "why" }, `(${mark.message})`)));
      at = mark.end;
    }
    parts.push(text.slice(at));
    document.getElementById("marked").replaceChildren(...(marks.length ? parts : [h("p", { class: "hint" }, "Nothing stands out from the voice.")]));
  }

  async function measure() {
    const text = draft.value;
    const mine = ++generation;
    const count = words(text);
    document.getElementById("draft-stats").textContent = `${count} words, ${text.length} characters`;
    if (!text.trim()) return;
    const checks = api(`/api/personas/${encodeURIComponent(platformBox.value)}/validate`, { method: "POST", json: { text }, changes: false });
    const enough = count >= MIN_WORDS;
    const match = enough
      ? api(`/api/personas/${personaBox.value}/match`, { method: "POST", json: { text }, changes: false })
      : Promise.resolve(null);
    try {
      const [report, matched] = await Promise.all([checks, match]);
      if (mine !== generation) return;
      clearError();
      drawChecks(report);
      if (matched) drawMatch(matched);
      else document.getElementById("score-value").textContent = `needs ${MIN_WORDS} words`;
      document.body.dataset.measured = String(mine);
      if (lastInput) document.body.dataset.latency = String(Math.round(performance.now() - lastInput));
      // The marks measure the draft again: asked after the score, not beside it, so the
      // score (what the person watches while typing) does not share the server with them.
      if (!enough) return;
      const marked = await api(`/api/studio/personas/${personaBox.value}/marks`, { method: "POST", json: { text }, changes: false });
      if (mine === generation) drawMarks(text, marked);
    } catch (error) {
      if (mine === generation) showError(error);
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(measure, DEBOUNCE_MS);
  }

  function request(stream) {
    const brief = document.getElementById("brief").value.trim();
    if (!brief) throw new ApiError(422, "validation_error", "Write a brief: what should the text be about?");
    return { persona_id: Number(personaBox.value), platform: platformBox.value, brief, stream };
  }

  /** Stream one draft into `target` (a textarea); resolves with the final event's data. */
  async function stream(body, target, signal) {
    wrote(); // the draft is kept as a piece
    const response = await fetch("/api/content/generate", {
      method: "POST", signal,
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + (await accessToken()) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await errorOf(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let final = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] || "null");
        if (event === "token") target.value += data.text;
        else if (event === "done") { target.value = data.text; final = data; }
        else if (event === "error") throw new ApiError(503, data.code, data.message);
      }
    }
    return final;
  }

  let pieceId = null; // the library piece the draft was kept as

  /** Say where the draft was kept (every generated text is a draft piece of the library). */
  function kept(id) {
    pieceId = id ?? null;
    document.getElementById("kept").hidden = pieceId === null;
    if (pieceId !== null) {
      document.getElementById("kept-text").replaceChildren("Kept in the library as ",
        h("a", { href: `/library/${pieceId}` }, `piece ${pieceId}`), ": approve, schedule and publish it there.");
    }
  }

  async function saveEdits() {
    if (pieceId === null) return;
    const text = draft.value.trim();
    if (!text) throw new ApiError(422, "validation_error", "The draft is empty: nothing to save.");
    await api(`/api/content/${pieceId}`, { method: "PATCH", json: { text, note: "edited in the studio" } });
    notice(`Your edits are saved to piece ${pieceId}.`);
  }

  async function streamDraft() {
    const body = request(true);
    const rival = document.getElementById("rival");
    const other = document.getElementById("rival-draft");
    controller = new AbortController();
    const stop = document.getElementById("stop");
    stop.hidden = false;
    draft.value = "";
    other.value = "";
    kept(null);
    try {
      const both = [stream(body, draft, controller.signal).then((done) => kept(done?.piece_id))];
      if (rival.value) {
        document.getElementById("side").hidden = false;
        both.push(stream({ ...body, persona_id: Number(rival.value) }, other, controller.signal).then((done) => {
          document.getElementById("rival-score").textContent = done?.report?.authenticity_score == null
            ? "–" : percent(done.report.authenticity_score);
        }));
      }
      await Promise.all(both);
      document.body.dataset.drafted = "1";
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    } finally {
      stop.hidden = true;
      controller = null;
    }
    await measure();
  }

  async function revise() {
    const result = await api("/api/content/generate", { method: "POST", json: request(false) });
    draft.value = result.text;
    kept(result.piece_id);
    document.getElementById("trace").hidden = false;
    document.getElementById("rounds").replaceChildren(...result.trace.map((step) =>
      h("li", {}, `Round ${step.round}, candidate ${step.candidate}: overall ${percent(step.overall_quality_score)}, voice ${percent(step.authenticity_score)}`)));
    await measure();
  }

  if (!startPage()) return;
  onLeave(() => { clearTimeout(timer); controller?.abort(); });
  guarded(null, async () => {
    const [personas, platforms] = await Promise.all([personaSelect(personaBox), api("/api/platforms")]);
    document.getElementById("rival").replaceChildren(h("option", { value: "" }, "No second persona"),
      ...personas.map((p) => h("option", { value: p.id }, p.display_name || p.name)));
    platformBox.replaceChildren(...platforms.map((p) => h("option", { value: p.name }, p.display_name)));
    platformBox.value = platforms.some((p) => p.name === "linkedin") ? "linkedin" : platforms[0]?.name;
    ready();
  });
  draft.addEventListener("input", () => { lastInput = performance.now(); schedule(); });
  personaBox.addEventListener("change", schedule);
  platformBox.addEventListener("change", schedule);
  document.getElementById("brief-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(document.getElementById("write"), streamDraft);
  });
  document.getElementById("revise").addEventListener("click", (e) => guarded(e.target, revise));
  document.getElementById("save-edits").addEventListener("click", (e) => guarded(e.target, saveEdits));
  document.getElementById("stop").addEventListener("click", () => controller?.abort());
}
