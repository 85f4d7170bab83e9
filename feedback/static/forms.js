// Progressive enhancements of forms; every form works without this file.
"use strict";

// Dates are typed dd/mm/yyyy (hh:mm) whatever the browser's locale (see
// feedback/datefields.py). A button opens the browser's own calendar; the day picked is
// written back day first, and a time already typed is kept (24-hour, 17:00 by default).
const DAY_FIRST = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(.*)$/;

function toIso(text) {
  const match = DAY_FIRST.exec(text || "");
  if (!match) return "";
  const [, day, month, year] = match;
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}

function typedTime(text) {
  const match = DAY_FIRST.exec(text || "");
  const rest = match ? match[4].trim() : "";
  return rest || "17:00";
}

function addPicker(input) {
  const wrapper = document.createElement("span");
  wrapper.className = "datepicker";
  input.replaceWith(wrapper);
  const native = document.createElement("input");
  native.type = "date";
  native.className = "datepicker-native";
  native.tabIndex = -1;
  native.setAttribute("aria-hidden", "true");
  native.setAttribute("aria-label", input.dataset.pickerLabel || "");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "datepicker-button";
  button.textContent = input.dataset.pickerLabel || "…";
  wrapper.append(input, button, native);
  button.addEventListener("click", () => {
    native.value = toIso(input.value);
    try {
      native.showPicker();
    } catch {
      native.focus();
    }
  });
  native.addEventListener("change", () => {
    if (!native.value) return;
    const [year, month, day] = native.value.split("-");
    const date = `${day}/${month}/${year}`;
    input.value = input.dataset.picker === "datetime" ? `${date} ${typedTime(input.value)}` : date;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
  });
}

if ("showPicker" in HTMLInputElement.prototype) {
  for (const input of document.querySelectorAll("input[data-picker]")) addPicker(input);
}
