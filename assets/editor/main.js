// The in-place editor: every form field marked `data-richtext` (a textarea that still
// works without JavaScript) becomes the section's text, editable as it reads, with its
// tracked changes shown live. What is posted is the field, holding the Markdown.
import "prosemirror-view/style/prosemirror.css";
import "prosemirror-tables/style/tables.css";
import "./editor.css";
import { Node } from "prosemirror-model";
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { history } from "prosemirror-history";
import { tableEditing } from "prosemirror-tables";
import { schema } from "./schema.js";
import { keys, TOOLBAR } from "./commands.js";
import { MarkdownWriter } from "./markdown.js";
import { LivePreview } from "./preview.js";

function json(id) {
  const island = id && document.getElementById(id);
  return island ? JSON.parse(island.textContent) : null;
}

const messages = json("editor-messages") || {};

// Blocks the editor does not model, shown as the page renders them, read-only.
class OpaqueView {
  constructor(node) {
    this.dom = document.createElement("div");
    this.dom.className = `opaque readonly construct-${node.attrs.construct}`;
    this.dom.contentEditable = "false";
    this.dom.title = messages.readonly || "";
    if (node.attrs.html) {
      this.dom.innerHTML = node.attrs.html; // rendered and sanitised by the server
    } else {
      const source = document.createElement("pre");
      source.textContent = node.attrs.source;
      this.dom.append(source);
    }
  }

  ignoreMutation() {
    return true;
  }
}

function toolbar(view, onUpdate) {
  const bar = document.createElement("div");
  bar.className = "editor-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", messages.toolbar || "");
  const buttons = TOOLBAR.map(([name, command]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `tool tool-${name}`;
    button.textContent = messages[name] || name;
    button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    button.addEventListener("click", () => {
      command(view.state, view.dispatch, view);
      view.focus();
    });
    bar.append(button);
    return [button, command];
  });
  onUpdate((state) => {
    for (const [button, command] of buttons) button.disabled = !command(state);
  });
  return bar;
}

// Make one field an editor. Returns the editor's handle, or null (the field stays).
export function mount(field) {
  const loaded = json(field.dataset.doc);
  if (!loaded) return null;
  let doc;
  try {
    doc = Node.fromJSON(schema, loaded);
    doc.check();
  } catch (error) {
    console.warn("editor: the text stays a plain field", error);
    return null;
  }
  const writer = new MarkdownWriter(doc);
  const form = field.form;
  const listeners = [];
  const box = document.createElement("div");
  box.className = "rich-editor";
  const surface = document.createElement("div");
  surface.className = "markdown rich-editor-text";
  let dirty = false;
  let preview = null;
  const previewTarget = field.dataset.previewTarget && document.getElementById(field.dataset.previewTarget);
  if (field.dataset.previewUrl && previewTarget) {
    preview = new LivePreview({
      url: field.dataset.previewUrl,
      baseVersion: Number(field.dataset.baseVersion),
      target: previewTarget,
      token: form?.querySelector("input[name=csrf_token]")?.value || "",
      messages,
    });
    previewTarget.closest(".livechanges")?.removeAttribute("hidden");
  }
  // `fresh`: every block written anew, as if all were edited (the tests check it reads
  // back as shown).
  const markdown = (fresh = false) => (fresh ? new MarkdownWriter(schema.topNodeType.create()) : writer).markdown(view.state.doc);
  const view = new EditorView(surface, {
    state: EditorState.create({ doc, plugins: [history(), tableEditing(), ...keys()] }),
    nodeViews: { opaque: (node) => new OpaqueView(node) },
    attributes: { "aria-label": field.dataset.label || "", "aria-multiline": "true", role: "textbox" },
    dispatchTransaction(transaction) {
      view.updateState(view.state.apply(transaction));
      for (const listener of listeners) listener(view.state);
      if (transaction.docChanged) {
        dirty = true;
        box.classList.add("dirty");
        preview?.schedule(markdown);
      }
    },
  });
  box.append(toolbar(view, (listener) => listeners.push(listener)), surface);
  for (const listener of listeners) listener(view.state);
  field.before(box);
  field.hidden = true;
  field.required = false;
  form?.addEventListener("submit", () => {
    // An untouched text is posted as the page gave it; the in-place form's field is empty.
    if (!view.isDestroyed && (dirty || !field.value)) field.value = markdown();
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
  if (preview && field.dataset.previewNow !== undefined) preview.ask(field.value);
  const handle = {
    view,
    markdown,
    get dirty() {
      return dirty;
    },
    destroy() {
      dirty = false;
      view.destroy();
      box.remove();
      delete field.richEditor;
    },
  };
  field.richEditor = handle; // for the page's scripts and the browser tests
  return handle;
}

// "Suggest changes" on a section page: the rendered text becomes the editor, in place.
function inPlace(trigger) {
  const form = document.getElementById(trigger.dataset.inplace);
  const text = document.getElementById(trigger.dataset.replaces);
  const field = form?.querySelector("[data-richtext]");
  if (!form || !text || !field) return;
  trigger.addEventListener("click", (event) => {
    event.preventDefault();
    if (!field.richEditor && !mount(field)) {
      window.location.assign(trigger.href);
      return;
    }
    text.after(form); // the form waits in the side panel; the editor takes the text's place
    text.hidden = true;
    form.hidden = false;
    trigger.hidden = true;
    field.richEditor.view.focus();
  });
  form.querySelector("[data-cancel]")?.addEventListener("click", () => {
    if (field.richEditor?.dirty && !window.confirm(messages.discard || "")) return;
    field.richEditor?.destroy();
    form.hidden = true;
    text.hidden = false;
    trigger.hidden = false;
  });
}

window.feedbackEditor = { mount };
for (const trigger of document.querySelectorAll("[data-inplace]")) inPlace(trigger);
for (const field of document.querySelectorAll("[data-richtext]")) {
  if (!field.closest("form[hidden]")) mount(field);
}
