// The tracked changes of the text being edited, asked of the server (one renderer for
// every diff, feedback.diffview) a moment after the typing stops.
const DELAY_MS = 600;

export class LivePreview {
  constructor({ url, baseVersion, target, token, messages }) {
    this.url = url;
    this.baseVersion = baseVersion;
    this.target = target;
    this.token = token;
    this.messages = messages;
    this.timer = null;
    this.asked = 0;
    this.controller = null;
  }

  // Ask again once `text()` has stopped changing for a moment.
  schedule(text) {
    clearTimeout(this.timer);
    this.target.setAttribute("aria-busy", "true");
    this.timer = setTimeout(() => this.ask(text()), DELAY_MS);
  }

  async ask(text) {
    const ticket = ++this.asked;
    this.controller?.abort();
    this.controller = new AbortController();
    try {
      const response = await fetch(this.url, {
        method: "POST",
        credentials: "same-origin",
        signal: this.controller.signal,
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.token },
        body: JSON.stringify({ base_version: this.baseVersion, text }),
      });
      const body = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
      if (ticket !== this.asked) return;
      if (response.ok && body) {
        this.target.innerHTML = body.html; // escaped and sanitised by the server's renderer
      } else {
        this.say(body?.error?.message || this.messages.previewFailed);
      }
    } catch (error) {
      if (error.name !== "AbortError" && ticket === this.asked) this.say(this.messages.previewFailed);
    } finally {
      if (ticket === this.asked) this.target.removeAttribute("aria-busy");
    }
  }

  say(message) {
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = message;
    this.target.replaceChildren(note);
  }
}
