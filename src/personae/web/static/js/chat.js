import { PERSONAS, ready, ApiError, accessToken, api, chosenPersona, fixed, guarded, h, percent, personaSelect, showError, clearError, startPage, onLeave, wrote } from "./api.js";

const memoriesOf = (id) => `/api/personas/${id}/memories?limit=50`;

/** The chosen persona's memories, which follow from the personas list (the router asks
 * them ahead; `peek` gives a first read's data). */
export async function readsAfter(url, peek) {
  const id = chosenPersona((await peek(PERSONAS))?.items || [], url);
  return id === undefined ? [] : [memoriesOf(id)];
}

/** The page, drawn into the document the router put in place: every visit runs this
 * afresh, so nothing of an earlier visit (elements, state, timers) carries over. */
export function start() {
  const personaBox = document.getElementById("persona");
  const list = document.getElementById("messages");
  const state = document.getElementById("connection");
  let socket = null;
  let sessionId = null;
  let current = null; // the <li> a streamed answer is written into
  let waiting = null;
  let joining = false; // a persona was picked during a group session

  async function connect() {
    if (socket && socket.readyState <= 1) return socket;
    const token = await accessToken();
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/chat`, ["personae.bearer", token]);
    const mine = socket;
    onLeave(() => mine.close());
    state.textContent = "Connecting…";
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "ready") { state.textContent = "Connected."; waiting?.resolve(); }
      else if (event.type === "token") {
        if (!current) { current = h("li", { class: "persona" }); list.append(current); }
        current.textContent += event.data;
        list.scrollTop = list.scrollHeight;
      } else if (event.type === "ai_response") {
        if (!current) { current = h("li", { class: "persona" }); list.append(current); }
        current.textContent = `${event.data.personaName}: ${event.data.response}`;
        sessionId = event.data.sessionId;
        current = null;
        document.getElementById("send").disabled = false;
        loadMemories();
      } else if (event.type === "error") {
        current = null;
        document.getElementById("send").disabled = false;
        showError(new ApiError(event.error.status, event.error.code, event.error.message));
      }
    });
    socket.addEventListener("close", () => { state.textContent = "Disconnected; sending again reconnects."; });
    await new Promise((resolve, reject) => {
      waiting = { resolve };
      socket.addEventListener("error", () => reject(new ApiError(0, "network", "The chat connection failed.")), { once: true });
    });
    return socket;
  }

  async function send(text) {
    const ws = await connect();
    list.append(h("li", { class: "user" }, text));
    document.getElementById("send").disabled = true;
    const message = { type: "chat_message", message: text };
    const group = document.getElementById("group").checked;
    // In a group, a message that addresses someone (@name) lets the service pick the speaker;
    // a persona just picked in the list joins the session and answers.
    if (!sessionId || !group || joining) message.personaId = Number(personaBox.value);
    else if (!/(^|\s)@\w/.test(text)) message.personaId = Number(personaBox.value);
    joining = false;
    if (sessionId) message.sessionId = sessionId;
    wrote(); // a message is kept, and may become a memory
    ws.send(JSON.stringify(message));
  }

  /** The persona stops remembering one thing (DELETE …/memories/{id}); the panel reloads. */
  async function forgetMemory(memoryId) {
    await api(`/api/personas/${personaBox.value}/memories/${memoryId}`, { method: "DELETE" });
    await loadMemories();
  }

  async function loadMemories() {
    const data = await api(memoriesOf(personaBox.value));
    const hy = data.hygiene;
    document.getElementById("hygiene").replaceChildren(
      h("dt", {}, "Memories"), h("dd", {}, hy.count),
      h("dt", {}, "Duplicate rate"), h("dd", {}, percent(hy.duplicate_rate)),
      h("dt", {}, "Echo rate"), h("dd", {}, percent(hy.echo_rate)),
      h("dt", {}, "Merged / expired"), h("dd", {}, `${hy.merged} / ${hy.expired}`));
    document.getElementById("memories").replaceChildren(...(data.memories.length
      ? data.memories.map((m) => h("li", {}, m.text, " ", h("span", { class: "badge" }, `importance ${fixed(m.importance, 2)}`), " ",
          h("button", { type: "button", class: "secondary", "aria-label": `Forget: ${m.text}`, onclick: (e) => guarded(e.target, () => forgetMemory(m.id)) }, "Forget")))
      : [h("li", { class: "hint" }, "Nothing remembered yet.")]));
  }

  if (!startPage()) return;
  guarded(null, async () => { await personaSelect(personaBox); await loadMemories(); ready(); });
  personaBox.addEventListener("change", () => {
    if (document.getElementById("group").checked && sessionId) joining = true;
    else { sessionId = null; list.replaceChildren(); }
    guarded(null, loadMemories);
  });
  document.getElementById("refresh-memories").addEventListener("click", (e) => guarded(e.target, loadMemories));
  const input = document.getElementById("message");
  document.getElementById("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearError();
    const text = input.value.trim();
    if (!text) { showError(new ApiError(422, "validation_error", "Write a message first.")); return; }
    input.value = "";
    send(text).catch((error) => { document.getElementById("send").disabled = false; showError(error); });
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); document.getElementById("chat-form").requestSubmit(); }
  });
}
