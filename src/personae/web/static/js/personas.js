import { PERSONAS, ready, api, guarded, h, percent, startPage } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  if (!startPage()) return;
  guarded(null, async () => {
    const page = await api(PERSONAS);
    document.getElementById("empty").hidden = page.items.length > 0;
    document.getElementById("persona-list").replaceChildren(...page.items.map((p) =>
      h("li", {},
        h("a", { href: `/personas/${p.id}` }, p.display_name || p.name),
        h("p", { class: "hint" }, [p.role, p.archetype].filter(Boolean).join(" · ") || "No role yet"),
        h("p", {}, "Confidence ", percent(p.confidence_score), " · version ", p.version),
        h("p", {}, h("a", { href: `/write?persona=${p.id}` }, "Write"), " · ",
          h("a", { href: `/chat?persona=${p.id}` }, "Chat")))));
    ready();
  });
}
