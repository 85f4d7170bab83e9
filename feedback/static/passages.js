// Comment where you read: select a passage of a section's text (mouse, keyboard or
// touch) and "Comment on this passage"; commented passages are highlighted, each linked
// to its comment. Without this file the section page's comment form still takes a
// passage, and comments list their quotes.
//
// Offsets are counted in characters (code points) of the text container's textContent,
// as the server counts them (feedback/richtext/offsets.py maps them to the stored text).
"use strict";

(() => {
  const containers = [...document.querySelectorAll("[data-passages]")];
  if (!containers.length) return;

  const STRUCTURE = new Set(["TABLE", "THEAD", "TBODY", "TFOOT", "TR", "UL", "OL"]);

  function textNodes(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  const codePoints = (text) => [...text].length;
  // The UTF-16 index of the code point `n` of `text`.
  const unitIndex = (text, n) => [...text].slice(0, n).join("").length;

  // Code points of `root`'s text before the boundary point (node, offset).
  function offsetOf(root, node, offset) {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  // Highlights ------------------------------------------------------------------------

  function wrap(container, start, end, note) {
    let position = 0;
    const pieces = [];
    for (const node of textNodes(container)) {
      const length = codePoints(node.data);
      const from = Math.max(start, position);
      const to = Math.min(end, position + length);
      if (from < to && !STRUCTURE.has(node.parentNode.nodeName)) pieces.push([node, from - position, to - position]);
      position += length;
    }
    const marks = [];
    for (const [node, from, to] of pieces) {
      const range = document.createRange();
      range.setStart(node, unitIndex(node.data, from));
      range.setEnd(node, unitIndex(node.data, to));
      const mark = document.createElement("mark");
      mark.className = "anchor";
      mark.dataset.note = note.id;
      mark.tabIndex = 0;
      mark.title = note.querySelector(".meta")?.textContent.trim() || "";
      range.surroundContents(mark);
      marks.push(mark);
    }
    return marks;
  }

  function light(element) {
    element.classList.add("lit");
    setTimeout(() => element.classList.remove("lit"), 1600);
  }

  function show(target) {
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    light(target);
  }

  const marksOf = new Map();
  for (const note of document.querySelectorAll("[data-passage][data-passage-of]")) {
    const container = document.getElementById(note.dataset.passageOf);
    const [start, end] = note.dataset.passage.split("-").map(Number);
    if (!container || !(start < end)) continue;
    const marks = wrap(container, start, end, note);
    if (!marks.length) continue;
    marksOf.set(note.id, marks);
    note.classList.add("has-passage");
    const quote = note.querySelector("[data-passage-quote]") || note.querySelector("header");
    quote?.addEventListener("click", () => {
      for (const mark of marks) light(mark);
      show(marks[0]);
    });
  }

  function openNote(mark) {
    const note = document.getElementById(mark.dataset.note);
    if (!note) return;
    for (const other of marksOf.get(note.id) || []) light(other);
    note.closest("details")?.setAttribute("open", "");
    show(note);
  }

  document.addEventListener("click", (event) => {
    const mark = event.target.closest?.("mark.anchor[data-note]");
    if (mark && window.getSelection()?.isCollapsed) openNote(mark);
  });
  document.addEventListener("keydown", (event) => {
    const mark = event.target.closest?.("mark.anchor[data-note]");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openNote(mark);
    }
  });

  // Selecting a passage --------------------------------------------------------------

  const bar = document.getElementById("passage-bar");
  const dialog = document.getElementById("passage-dialog");
  if (!bar || !dialog) return;
  const form = dialog.querySelector("form");
  let chosen = null;

  function selected() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const container = containers.find(
      (c) => c.dataset.comment && !c.hidden && c.contains(range.startContainer) && c.contains(range.endContainer),
    );
    if (!container) return null;
    const text = range.toString();
    if (!text.trim()) return null;
    return {
      container,
      text,
      start: offsetOf(container, range.startContainer, range.startOffset),
      end: offsetOf(container, range.endContainer, range.endOffset),
    };
  }

  function offer() {
    chosen = selected();
    bar.hidden = !chosen;
    if (chosen) {
      const words = chosen.text.replace(/\s+/g, " ").trim();
      bar.querySelector("[data-passage-text]").textContent = `“${words.length > 90 ? `${words.slice(0, 90)}…` : words}”`;
    }
  }

  let pending = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(pending);
    pending = setTimeout(offer, 120);
  });

  bar.querySelector("[data-passage-open]").addEventListener("click", () => {
    if (!chosen) return;
    form.action = chosen.container.dataset.comment;
    form.elements.base_version.value = chosen.container.dataset.version;
    form.elements.passage_start.value = chosen.start;
    form.elements.passage_end.value = chosen.end;
    form.elements.quote.value = chosen.text;
    dialog.querySelector("blockquote[data-passage-text]").textContent = `“${chosen.text.replace(/\s+/g, " ").trim()}”`;
    bar.hidden = true;
    dialog.showModal();
    form.elements.body.focus();
  });
  dialog.querySelector("[data-passage-close]").addEventListener("click", () => dialog.close());
})();
