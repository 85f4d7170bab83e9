// Progressive enhancements only: every page works without this file.
"use strict";

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// Disable a form's submit button once it is sent, so a double click sends it once.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.setAttribute("aria-disabled", "true");
  }
});

// Selecting a passage of a section's text fills the comment form's quote field.
document.addEventListener("mouseup", () => {
  const source = document.getElementById("section-text");
  const form = document.getElementById("comment-form");
  if (!source || !form) return;
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
  const range = selection.getRangeAt(0);
  if (!source.contains(range.commonAncestorContainer)) return;
  const text = selection.toString().trim();
  if (!text) return;
  const quote = form.querySelector("textarea[name=quote]");
  if (quote) {
    quote.value = text;
    quote.classList.add("filled");
    form.querySelector("textarea[name=body]")?.focus({ preventScroll: true });
  }
});
