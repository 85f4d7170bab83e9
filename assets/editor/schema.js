// The editor's document model: what a section's text holds (feedback/richtext/model.py).
// Node and mark names match feedback/richtext/editordoc.py, which builds the document.
import { Schema } from "prosemirror-model";
import { tableNodes } from "prosemirror-tables";

// The inline Markdown a block had when it was loaded: written back as it was while the
// block is untouched (see markdown.js).
const src = { default: null };
const SAFE_LINK = /^(https?:|mailto:)/i;
const ALIGNMENTS = ["left", "center", "right"];

const tables = tableNodes({
  tableGroup: "block",
  cellContent: "paragraph",
  cellAttributes: {
    align: {
      default: null,
      getFromDOM(dom) {
        const align = dom.getAttribute("align") || dom.style.textAlign;
        return ALIGNMENTS.includes(align) ? align : null;
      },
      setDOMAttr(value, attrs) {
        if (value) attrs.class = `align-${value}`;
      },
    },
  },
});
tables.table.attrs = { html: { default: false } }; // stored as an HTML table (merged cells)
tables.table_row.attrs = { head: { default: false } }; // a row of the table's head

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      group: "block",
      content: "inline*",
      attrs: { src },
      parseDOM: [{ tag: "p" }],
      toDOM: () => ["p", 0],
    },
    heading: {
      group: "block",
      content: "inline*",
      attrs: { level: { default: 2 }, src },
      defining: true,
      parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, attrs: { level } })),
      toDOM: (node) => [`h${node.attrs.level}`, 0],
    },
    bullet_list: {
      group: "block",
      content: "list_item+",
      parseDOM: [{ tag: "ul" }],
      toDOM: () => ["ul", 0],
    },
    ordered_list: {
      group: "block",
      content: "list_item+",
      attrs: { order: { default: 1 } },
      parseDOM: [
        { tag: "ol", getAttrs: (dom) => ({ order: Number(dom.getAttribute("start")) || 1 }) },
      ],
      toDOM: (node) => ["ol", node.attrs.order === 1 ? {} : { start: node.attrs.order }, 0],
    },
    list_item: {
      content: "paragraph (bullet_list | ordered_list)*",
      defining: true,
      parseDOM: [{ tag: "li" }],
      toDOM: () => ["li", 0],
    },
    ...tables,
    // Code, quotes, raw HTML, definitions...: kept verbatim, shown read-only.
    opaque: {
      group: "block",
      atom: true,
      selectable: true,
      attrs: { source: {}, construct: { default: "html" }, html: { default: "" } },
      toDOM: () => ["div", { class: "opaque" }],
    },
    text: { group: "inline" },
    hard_break: {
      inline: true,
      group: "inline",
      selectable: false,
      parseDOM: [{ tag: "br" }],
      toDOM: () => ["br"],
    },
    footnote: {
      inline: true,
      group: "inline",
      atom: true,
      attrs: { label: {} },
      toDOM: (node) => ["sup", { class: "footnote-ref" }, node.attrs.label],
    },
  },
  marks: {
    link: {
      attrs: { href: {} },
      inclusive: false,
      parseDOM: [
        {
          tag: "a[href]",
          getAttrs: (dom) => {
            const href = dom.getAttribute("href") || "";
            return SAFE_LINK.test(href) ? { href } : false;
          },
        },
      ],
      toDOM: (mark) => ["a", { href: mark.attrs.href, rel: "noopener noreferrer nofollow" }, 0],
    },
    strong: {
      parseDOM: [{ tag: "strong" }, { tag: "b" }],
      toDOM: () => ["strong", 0],
    },
    em: {
      parseDOM: [{ tag: "em" }, { tag: "i" }],
      toDOM: () => ["em", 0],
    },
    strike: {
      parseDOM: [{ tag: "del" }, { tag: "s" }, { tag: "strike" }],
      toDOM: () => ["del", 0],
    },
    sup: { parseDOM: [{ tag: "sup" }], toDOM: () => ["sup", 0] },
    sub: { parseDOM: [{ tag: "sub" }], toDOM: () => ["sub", 0] },
    code: { parseDOM: [{ tag: "code" }], toDOM: () => ["code", 0] },
  },
});
