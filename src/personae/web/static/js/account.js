import { ready, ApiError, api, forget, guarded, h, notice, startPage } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  let me = null;

  async function loadKeys() {
    const keys = await api("/api/auth/keys");
    document.querySelector("#keys tbody").replaceChildren(...(keys.length ? keys.map((k) => h("tr", {},
      h("td", {}, k.name), h("td", {}, h("code", {}, k.prefix)), h("td", {}, new Date(k.created_at).toLocaleDateString()),
      h("td", {}, k.revoked ? "revoked" : "active"),
      h("td", {}, k.revoked ? "" : h("button", { type: "button", class: "secondary", "aria-label": `Revoke key ${k.name}`,
        onclick: (e) => guarded(e.target, async () => { await api(`/api/auth/keys/${k.id}`, { method: "DELETE" }); notice(`Key ${k.name} revoked.`); await loadKeys(); }) }, "Revoke"))))
      : [h("tr", {}, h("td", { colspan: 5 }, "No API keys."))]));
  }

  if (!startPage()) return;
  guarded(null, async () => {
    [me] = await Promise.all([api("/api/auth/me"), loadKeys()]);
    document.getElementById("who").textContent = `Signed in as ${me.email}.`;
    ready();
  });
  document.getElementById("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(event.submitter, async () => {
      const name = document.getElementById("key-name").value.trim();
      if (!name) throw new ApiError(422, "validation_error", "Name the key (what will use it?).");
      const created = await api("/api/auth/keys", { method: "POST", json: { name } });
      document.getElementById("new-key").hidden = false;
      document.getElementById("new-key-value").value = created.api_key;
      document.getElementById("key-name").value = "";
      await loadKeys();
    });
  });
  document.getElementById("export").addEventListener("click", (e) => guarded(e.target, async () => {
    const archive = await api("/api/account/export");
    const url = URL.createObjectURL(new Blob([JSON.stringify(archive, null, 2)], { type: "application/json" }));
    h("a", { href: url, download: "personae-export.json" }).click();
    notice("Export downloaded.");
  }));
  document.getElementById("delete-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(event.submitter, async () => {
      const typed = document.getElementById("delete-confirm").value.trim().toLowerCase();
      if (!me || typed !== me.email.toLowerCase()) throw new ApiError(422, "validation_error", "Type your own e-mail address exactly to confirm.");
      await api("/api/account", { method: "DELETE" });
      forget();
      location.assign("/signin");
    });
  });
}
