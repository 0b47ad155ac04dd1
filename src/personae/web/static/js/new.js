import { ready, ApiError, api, guarded, h, notice, showError, startPage } from "./api.js";
import { show } from "./studio.js";

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const MAX_FILE_BYTES = 2_000_000;
  const chosen = []; // {name, text} read from the files input

  function reason(file, text) {
    const lower = file.name.toLowerCase();
    if (lower.endsWith(".pdf") || file.type === "application/pdf") {
      return `${file.name} is a PDF: personae reads plain text. Open it, copy the text, and paste it above (or save it as .txt).`;
    }
    if (!/\.(txt|md|markdown)$/.test(lower)) return `${file.name} is not a .txt or .md file.`;
    if (file.size > MAX_FILE_BYTES) return `${file.name} is larger than 2 MB; split it into several texts.`;
    if (text.includes("\u0000")) return `${file.name} is not a text file (it holds binary data).`;
    if (!text.trim()) return `${file.name} is empty.`;
    return null;
  }

  async function readFiles(input) {
    chosen.length = 0;
    const items = [];
    const problems = [];
    for (const file of input.files) {
      const text = file.name.toLowerCase().endsWith(".pdf") ? "" : await file.text();
      const problem = reason(file, text);
      if (problem) { problems.push(problem); items.push(h("li", { class: "bad" }, problem)); }
      else { chosen.push({ name: file.name, text }); items.push(h("li", {}, `${file.name}: ${text.trim().split(/\s+/).length} words`)); }
    }
    document.getElementById("file-list").replaceChildren(...items);
    if (problems.length) showError(new ApiError(422, "bad_file", problems.join(" ")));
  }

  function answers(form) {
    const onboarding = {};
    for (const key of ["writer_name", "brand_name", "business_type", "target_audience"]) {
      const value = form.elements[key].value.trim();
      if (value) onboarding[key] = value;
    }
    const about = form.elements.website_text.value.trim();
    if (about) onboarding.website_text = about;
    const tone = form.elements.tone.value.trim();
    if (tone) onboarding.content_preferences = { tone };
    return onboarding;
  }

  async function draftSamples(form) {
    const onboarding = answers(form);
    if (!Object.keys(onboarding).length) {
      throw new ApiError(422, "validation_error", "Answer at least one question above (who you write for, your business …) first.");
    }
    const drafts = await api("/api/personas/generate/samples", { method: "POST", json: { onboarding } });
    const pasted = document.getElementById("samples");
    document.getElementById("drafts").replaceChildren(...drafts.samples.map((text, i) =>
      h("li", {}, h("p", {}, text), h("button", { type: "button", class: "secondary", "aria-label": `Use draft ${i + 1}`,
        onclick: () => { pasted.value = [pasted.value.trim(), text].filter(Boolean).join("\n---\n"); notice(`Draft ${i + 1} added to your texts.`); } }, "Use this one"))));
  }

  function samples() {
    const pasted = document.getElementById("samples").value
      .split(/^\s*---\s*$/m).map((t) => t.trim()).filter(Boolean);
    return [...pasted, ...chosen.map((c) => c.text)];
  }

  async function follow(jobId) {
    const box = document.getElementById("job");
    const bar = document.getElementById("job-progress");
    const message = document.getElementById("job-message");
    box.hidden = false;
    for (;;) {
      const job = await api(`/api/jobs/${encodeURIComponent(jobId)}`);
      bar.value = job.progress;
      message.textContent = job.message || job.status;
      if (job.status === "succeeded") { show(`/personas/${job.result.persona_id}`); return; }
      if (job.status === "failed") {
        throw new ApiError(422, job.error?.code || "job_failed", job.error?.message || "The persona could not be built.");
      }
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
  }

  async function importCard(file) {
    const type = file.name.toLowerCase().endsWith(".png") ? "image/png" : "application/json";
    if (!/\.(png|json)$/i.test(file.name)) throw new ApiError(422, "bad_file", `${file.name} is not a card: choose a .png or .json file.`);
    const persona = await api("/api/personas/import/card", { method: "POST", body: file, type });
    show(`/personas/${persona.id}`);
  }

  if (!startPage()) return;
  ready();
  document.getElementById("draft-samples").addEventListener("click", (e) =>
    guarded(e.target, () => draftSamples(document.getElementById("generate-form"))));
  const form = document.getElementById("generate-form");
  document.getElementById("files").addEventListener("change", (e) => guarded(null, () => readFiles(e.target)));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(document.getElementById("generate"), async () => {
      const name = form.elements.name.value.trim();
      if (!name) throw new ApiError(422, "validation_error", "Give the persona a name.");
      const texts = samples();
      if (!texts.length) throw new ApiError(422, "validation_error", "Paste a text you wrote, or choose .txt/.md files: a voice is measured from your own writing.");
      const onboarding = answers(form);
      notice("");
      const job = await api("/api/personas/generate", { method: "POST", json: { name, writing_samples: texts, onboarding } });
      await follow(job.job_id);
    });
  });
  const drop = document.getElementById("drop");
  const cardInput = document.getElementById("card-file");
  cardInput.addEventListener("change", () => cardInput.files[0] && guarded(null, () => importCard(cardInput.files[0])));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault(); drop.classList.remove("over");
    const file = e.dataTransfer.files[0];
    if (file) guarded(null, () => importCard(file)).catch(showError);
  });
}
