import { ready, ApiError, guarded, saveTokens, errorOf } from "./api.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  function next() {
    const wanted = new URLSearchParams(location.search).get("next") || "/";
    return wanted.startsWith("/") && !wanted.startsWith("//") ? wanted : "/";
  }

  async function post(path, form) {
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    if (!email || !password) throw new ApiError(422, "validation_error", "Enter your e-mail and a password.");
    const response = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw await errorOf(response);
    return (await response.json()).data;
  }

  ready();
  for (const [id, path] of [["signin-form", "/api/auth/login"], ["register-form", "/api/auth/register"]]) {
    const form = document.getElementById(id);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      guarded(form.querySelector("button"), async () => {
        const data = await post(path, form);
        saveTokens(data.tokens || data);
        location.assign(next());
      });
    });
  }
}
