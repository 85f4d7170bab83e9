// Keys and toolbar commands: typing, undo and redo, bold and italic, list items and
// table rows and columns.
import { baseKeymap, chainCommands, exitCode, toggleMark } from "prosemirror-commands";
import { redo, undo } from "prosemirror-history";
import { keymap } from "prosemirror-keymap";
import { liftListItem, sinkListItem, splitListItem, wrapInList } from "prosemirror-schema-list";
import {
  addColumnAfter,
  addRowAfter,
  deleteColumn,
  deleteRow,
  goToNextCell,
} from "prosemirror-tables";
import { schema } from "./schema.js";

const hardBreak = chainCommands(exitCode, (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(schema.nodes.hard_break.create()).scrollIntoView());
  return true;
});

export function keys() {
  const item = schema.nodes.list_item;
  return [
    keymap({
      "Mod-z": undo,
      "Shift-Mod-z": redo,
      "Mod-y": redo,
      "Mod-b": toggleMark(schema.marks.strong),
      "Mod-i": toggleMark(schema.marks.em),
      "Shift-Enter": hardBreak,
      Enter: splitListItem(item),
      Tab: chainCommands(goToNextCell(1), sinkListItem(item)),
      "Shift-Tab": chainCommands(goToNextCell(-1), liftListItem(item)),
    }),
    keymap(baseKeymap),
  ];
}

// [name, command] of the toolbar, in order; the labels come from the page (translated).
export const TOOLBAR = [
  ["undo", undo],
  ["redo", redo],
  ["bold", toggleMark(schema.marks.strong)],
  ["italic", toggleMark(schema.marks.em)],
  ["bullets", wrapInList(schema.nodes.bullet_list)],
  ["numbers", wrapInList(schema.nodes.ordered_list)],
  ["outdent", liftListItem(schema.nodes.list_item)],
  ["row", addRowAfter],
  ["deleteRow", deleteRow],
  ["column", addColumnAfter],
  ["deleteColumn", deleteColumn],
];
