// Progressive enhancements of forms; every form works without this file.
"use strict";

// "All departments": the server honours the box itself; here it also ticks the boxes,
// and shows whether all, some or none are ticked.
document.addEventListener("change", (event) => {
  const group = event.target.closest("[data-select-all]");
  if (!group) return;
  const all = group.querySelector(".selectall input[type=checkbox]");
  const boxes = [...group.querySelectorAll(".checklist input[type=checkbox]")];
  if (event.target === all) {
    for (const box of boxes) box.checked = all.checked;
  } else if (boxes.includes(event.target)) {
    const ticked = boxes.filter((box) => box.checked).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
});

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
