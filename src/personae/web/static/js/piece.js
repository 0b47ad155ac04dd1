import { PERSONAS, ready, ApiError, api, fixed, guarded, h, notice, percent, startPage } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const id = Number(document.body.dataset.pieceId);
  const field = (name) => document.getElementById(name);
  let piece = null;

  /** A Date as the value of a datetime-local field (the browser's local time, to the minute). */
  function localValue(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }

  function when(value) { return value ? new Date(value).toLocaleString() : "–"; }

  function draw(detail) {
    piece = detail;
    document.querySelector("h1").textContent = `Piece ${piece.id}: ${piece.status}`;
    document.title = `Piece ${piece.id} · personae`;
    const link = piece.external_url ? h("a", { href: piece.external_url, rel: "noopener noreferrer" }, piece.external_url) : null;
    field("facts").replaceChildren(
      h("dt", {}, "Status"), h("dd", {}, piece.status),
      h("dt", {}, "Persona"), h("dd", {}, h("a", { href: `/personas/${piece.persona_id}` }, `${piece.personaName || "persona " + piece.persona_id}`), ` (version ${piece.persona_version})`),
      h("dt", {}, "Platform"), h("dd", {}, piece.platform),
      h("dt", {}, "Brief"), h("dd", {}, piece.brief || "–"),
      h("dt", {}, "Voice match at writing"), h("dd", {}, percent(piece.style_match)),
      h("dt", {}, "Quality at writing"), h("dd", {}, percent(piece.quality_score)),
      h("dt", {}, "Written"), h("dd", {}, `${when(piece.created_at)} (${piece.source})`),
      h("dt", {}, "Scheduled for"), h("dd", {}, piece.scheduled_at ? `${when(piece.scheduled_at)} via ${piece.publisher}` : "–"),
      h("dt", {}, "Published"), h("dd", {}, piece.published_at ? when(piece.published_at) : "–", piece.external_id ? ` · id ${piece.external_id}` : "", link ? " · " : "", link),
      ...(piece.publish_error ? [h("dt", {}, "Last publish error"), h("dd", { class: "bad" }, piece.publish_error)] : []),
      ...(piece.experiment_id ? [h("dt", {}, "A/B test"), h("dd", {}, h("a", { href: `/experiments#experiment-${piece.experiment_id}` }, `test ${piece.experiment_id}`), `, variant ${piece.variant}`)] : []),
      h("dt", {}, "Reward"), h("dd", {}, piece.reward == null ? "not settled yet" : `${fixed(piece.reward, 3)} (settled ${when(piece.settled_at)})`));
    field("text").value = piece.text;
    field("edits").replaceChildren(...(piece.edits.length ? piece.edits.slice().reverse().map((e) => h("li", {},
      h("strong", {}, when(e.created_at)), e.fed_back ? h("span", { class: "badge" }, "taught the persona") : null,
      e.note ? h("div", {}, `Note: ${e.note}`) : null,
      h("details", {}, h("summary", {}, "Text before this edit"), h("pre", { class: "value" }, e.before))))
      : [h("li", {}, "Not edited yet.")]));
    field("attempts").replaceChildren(...(piece.attempts.length ? piece.attempts.map((a) => h("li", {},
      `${when(a.created_at)} · ${a.publisher} try ${a.attempt}: ${a.ok ? "ok" : "failed"}`
      + (a.status_code ? ` (HTTP ${a.status_code})` : "") + (a.error ? ` · ${a.error}` : "")))
      : [h("li", {}, "None yet.")]));
    controls();
  }

  /** Enable what the piece's status allows (after every action: guarded re-enables its button). */
  function controls() {
    if (!piece) return;
    const closed = ["published", "archived"].includes(piece.status);
    field("approve").disabled = piece.status !== "draft";
    field("schedule").disabled = closed;
    field("publish").disabled = closed;
    field("archive").disabled = piece.status === "archived";
    field("save").disabled = piece.status === "archived";
  }

  async function suggest() {
    if (["published", "archived"].includes(piece.status)) { field("suggested").textContent = ""; return; }
    const suggestion = await api(`/api/studio/content/${id}/suggested-time`);
    const at = new Date(suggestion.at);
    if (!piece.scheduled_at) field("when").value = localValue(at);
    field("suggested").textContent = `Suggested: ${at.toLocaleString()} (${String(suggestion.hour).padStart(2, "0")}:00 UTC, the strategy's best hour for ${piece.platform}).`;
  }

  async function load() {
    const [detail, publishers, personas] = await Promise.all([
      api(`/api/content/${id}`), api("/api/content/publishers"), api(PERSONAS)]);
    detail.personaName = personas.items.find((p) => p.id === detail.persona_id)?.name;
    field("publisher").replaceChildren(...publishers.map((p) => h("option", { value: p.name }, `${p.name} (${p.kind})`)));
    if (detail.publisher) field("publisher").value = detail.publisher;
    draw(detail);
    if (detail.scheduled_at) field("when").value = localValue(new Date(detail.scheduled_at));
    await suggest();
  }

  /** Re-read the piece after an action (the answer of some actions lacks history). */
  async function reload(message) {
    const detail = await api(`/api/content/${id}`);
    detail.personaName = piece.personaName;
    draw(detail);
    notice(message);
  }

  /** Run an action with its button busy, then leave the buttons as the status allows. */
  function act(button, action) { return guarded(button, action).then(controls); }

  if (!startPage()) return;
  guarded(null, async () => { await load(); ready(); });
  field("edit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(field("save"), async () => {
      const text = field("text").value.trim();
      if (!text) throw new ApiError(422, "validation_error", "The text cannot be empty; archive the piece instead.");
      if (text === piece.text.trim()) throw new ApiError(422, "validation_error", "Nothing changed: edit the text first.");
      const feedback = field("as-feedback").checked;
      await api(`/api/content/${id}`, { method: "PATCH", json: { text, note: field("note").value.trim(), feedback } });
      field("note").value = "";
      field("as-feedback").checked = false;
      await reload(feedback ? "Saved; the persona learned from your edit (a new version)." : "Edit saved.");
    });
  });
  field("approve").addEventListener("click", (e) => act(e.target, async () => {
    await api(`/api/content/${id}/approve`, { method: "POST" });
    await reload("Approved.");
  }));
  field("schedule-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(field("schedule"), async () => {
      const value = field("when").value;
      if (!value) throw new ApiError(422, "validation_error", "Choose when to publish (the suggested time is a good start).");
      const at = new Date(value);
      if (Number.isNaN(at.getTime())) throw new ApiError(422, "validation_error", "That is not a date and time.");
      await api(`/api/content/${id}/schedule`, { method: "POST", json: { at: at.toISOString(), publisher: field("publisher").value } });
      await reload(`Scheduled for ${at.toLocaleString()}.`);
    });
  });
  field("publish-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act(field("publish"), async () => {
      const external_id = field("external-id").value.trim();
      const url = field("external-url").value.trim();
      if (!external_id && !url) throw new ApiError(422, "validation_error", "Give the post's id or its URL, so its engagement can find it.");
      if (url && !/^https?:\/\/\S+$/i.test(url)) throw new ApiError(422, "validation_error", "The URL should start with http:// or https://.");
      await api(`/api/content/${id}/publish`, { method: "POST", json: { publisher: "manual", external_id: external_id || null, url: url || null } });
      await reload("Marked as published.");
    });
  });
  field("archive").addEventListener("click", (e) => act(e.target, async () => {
    await api(`/api/content/${id}/archive`, { method: "POST" });
    await reload("Archived.");
  }));
}
