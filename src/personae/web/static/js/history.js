import { ready, ApiError, api, guarded, h, notice, personaIdOfPage, startPage } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const id = personaIdOfPage();
  let persona = null;

  function short(value) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text && text.length > 400 ? text.slice(0, 400) + "…" : text ?? "–";
  }

  async function load() {
    persona = await api(`/api/personas/${id}`);
    document.querySelector("h1").textContent = `History of ${persona.display_name || persona.name}`;
    const [versions, labels] = await Promise.all([api(`/api/personas/${id}/versions`), api(`/api/personas/${id}/labels`)]);
    const byVersion = {};
    for (const l of labels) (byVersion[l.version] ||= []).push(l.label);
    document.getElementById("labels").replaceChildren(...(labels.length
      ? labels.flatMap((l) => [h("dt", {}, l.label), h("dd", {}, `version ${l.version}`)])
      : [h("dt", {}, "None"), h("dd", {}, "Point production or staging at a version below.")]));
    document.getElementById("timeline").replaceChildren(...versions.slice().reverse().map((v) => {
      const current = v.version === persona.version;
      return h("li", {},
        h("strong", {}, `Version ${v.version}`), current ? h("span", { class: "badge" }, "current") : null,
        ...(byVersion[v.version] || []).map((l) => h("span", { class: "badge" }, l)),
        h("div", { class: "hint" }, `${new Date(v.created_at).toLocaleString()} · ${v.message || "no message"}`),
        h("div", { class: "actions" },
          h("button", { type: "button", class: "secondary", "aria-label": `Make version ${v.version} production`, onclick: (e) => label(e.target, "production", v.version) }, "Make production"),
          h("button", { type: "button", class: "secondary", "aria-label": `Make version ${v.version} staging`, onclick: (e) => label(e.target, "staging", v.version) }, "Make staging"),
          current ? null : h("button", { type: "button", class: "secondary", "aria-label": `Roll back to version ${v.version}`, onclick: (e) => rollback(e.target, v.version) }, "Roll back to this")));
    }));
    const options = () => versions.map((v) => h("option", { value: v.version }, `Version ${v.version}`));
    const from = document.getElementById("diff-from");
    const to = document.getElementById("diff-to");
    from.replaceChildren(...options());
    to.replaceChildren(...options());
    if (versions.length) { from.value = String(versions[Math.max(0, versions.length - 2)].version); to.value = String(persona.version); }
  }

  function label(button, name, version) {
    guarded(button, async () => {
      await api(`/api/personas/${id}/labels/${name}`, { method: "PUT", json: { version } });
      await load();
      notice(`${name} now points at version ${version}.`);
    });
  }

  function rollback(button, version) {
    guarded(button, async () => {
      const updated = await api(`/api/personas/${id}/rollback`, { method: "POST", json: { to_version: version, version: persona.version } });
      await load();
      notice(`Rolled back: version ${updated.version} equals version ${version}.`);
    });
  }

  if (!startPage()) return;
  guarded(null, async () => { await load(); ready(); });
  document.getElementById("diff-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(event.submitter, async () => {
      const from = document.getElementById("diff-from").value;
      const to = document.getElementById("diff-to").value;
      const diff = await api(`/api/personas/${id}/diff?from=${from}&to=${to}`);
      const table = document.getElementById("diff");
      table.hidden = false;
      const changes = diff.changes || diff.fields || [];
      table.querySelector("tbody").replaceChildren(...(changes.length ? changes.map((c) =>
        h("tr", {}, h("th", { scope: "row" }, c.field), h("td", {}, h("pre", { class: "value" }, short(c.before ?? c.old))), h("td", {}, h("pre", { class: "value" }, short(c.after ?? c.new)))))
        : [h("tr", {}, h("td", { colspan: 3 }, "The two versions are the same."))]));
    });
  });
  document.getElementById("feedback-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(event.submitter, async () => {
      const rating = Number(document.getElementById("rating").value);
      if (!rating) throw new ApiError(422, "validation_error", "Choose a rating from 1 to 5.");
      const body = { rating, comment: document.getElementById("comment").value.trim(), version: persona.version };
      const edited = document.getElementById("edited").value.trim();
      if (edited) body.edited_text = edited;
      const result = await api(`/api/personas/${id}/feedback`, { method: "POST", json: body });
      await load();
      notice(result.profile_updated ? `Thank you: the voice learned from your text (now version ${result.persona.version}).` : "Thank you: your rating is recorded.");
      document.getElementById("feedback-form").reset();
    });
  });
}
