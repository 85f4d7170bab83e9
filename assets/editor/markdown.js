// The editor's document written as Markdown, in the subset the server reads
// (feedback/richtext/blocks.py). The server puts whatever is posted into its canonical
// form, so this need not be byte-exact, only faithful: it must read back as it is shown.
//
// A heading, paragraph, list item or table cell the reader did not touch is written as
// it was loaded (its `src`): an unedited text comes back as it was stored, and a changed
// cell changes one cell of one line.

// Marks outermost first; each is opened and closed around the text it covers.
const DELIMITERS = {
  link: { open: () => "[", close: (mark) => `](${destination(mark.attrs.href)})` },
  strong: { open: () => "**", close: () => "**" },
  em: { open: () => "*", close: () => "*" },
  strike: { open: () => "<del>", close: () => "</del>" },
  sup: { open: () => "<sup>", close: () => "</sup>" },
  sub: { open: () => "<sub>", close: () => "</sub>" },
};
const HTML_TAGS = { strong: "strong", em: "em", strike: "del", sup: "sup", sub: "sub", code: "code" };

function destination(href) {
  return /[\s()<>]/.test(href) ? `<${href.replace(/[<>]/g, encodeURIComponent)}>` : href;
}

// What a Markdown reader would take for syntax, escaped; `|` too inside a table.
function escapeText(text, inTable) {
  let out = text.replace(/\n/g, " ").replace(/[\\`*_[\]]/g, "\\$&");
  out = out.replace(/<(?=[A-Za-z/!?])/g, "&lt;").replace(/&(?=#?[A-Za-z0-9]+;)/g, "&amp;");
  return inTable ? out.replace(/\|/g, "\\|") : out;
}

// Text at the start of a block that would start another block (a heading, a quote, a
// list, a rule) gets its first marker escaped, as the server's reader does.
const BLOCK_START = /^(?:[#>]|[*+-] |\d+\. |(?:[-*_] {0,2}){3,}$)/;
function escapeBlockStart(text) {
  return BLOCK_START.test(text) ? text.replace(/^(\d*)([#>*+_.-])/, "$1\\$2") : text;
}

function codeSpan(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) || []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return fence + pad + text + pad + fence;
}

// Inline content as pieces of {text, marks}: whitespace at the edge of a marked run is
// moved out of the marks that open or close there ("** x**" would not read as bold), code
// runs are joined.
function pieces(fragment) {
  const out = [];
  fragment.forEach((node) => {
    out.push({
      node,
      text: node.isText ? node.text : null,
      marks: node.marks.filter((m) => m.type.name !== "code"),
      code: node.marks.some((m) => m.type.name === "code"),
    });
  });
  const shared = (marks, other) => marks.filter((mark) => other && mark.isInSet(other.marks));
  const split = [];
  out.forEach((piece, k) => {
    if (piece.text === null || piece.code || !piece.marks.length) {
      split.push(piece);
      return;
    }
    const [, lead, core, trail] = piece.text.match(/^(\s*)([\s\S]*?)(\s*)$/);
    if (lead) split.push({ ...piece, text: lead, marks: shared(piece.marks, out[k - 1]) });
    if (core) split.push({ ...piece, text: core });
    if (trail) split.push({ ...piece, text: trail, marks: shared(piece.marks, out[k + 1]) });
  });
  return split;
}

function markdownInline(fragment, inTable) {
  let out = "";
  let open = [];
  const items = pieces(fragment);
  for (let k = 0; k < items.length; k++) {
    const piece = items[k];
    let keep = 0;
    while (keep < open.length && keep < piece.marks.length && open[keep].eq(piece.marks[keep])) keep++;
    for (let j = open.length - 1; j >= keep; j--) out += DELIMITERS[open[j].type.name].close(open[j]);
    for (let j = keep; j < piece.marks.length; j++) out += DELIMITERS[piece.marks[j].type.name].open(piece.marks[j]);
    open = piece.marks;
    if (piece.code) {
      let text = piece.text || "";
      while (k + 1 < items.length && items[k + 1].code && sameMarks(items[k + 1].marks, open)) {
        text += items[++k].text || "";
      }
      out += codeSpan(text);
    } else if (piece.text !== null) {
      out += escapeText(piece.text, inTable);
    } else if (piece.node.type.name === "hard_break") {
      out += "<br>";
    } else if (piece.node.type.name === "footnote") {
      out += `[^${piece.node.attrs.label}]`;
    }
  }
  for (let j = open.length - 1; j >= 0; j--) out += DELIMITERS[open[j].type.name].close(open[j]);
  return out;
}

function sameMarks(a, b) {
  return a.length === b.length && a.every((mark, k) => mark.eq(b[k]));
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// A cell of an HTML table: inline content as the HTML the server keeps.
function htmlInline(fragment) {
  let out = "";
  fragment.forEach((node) => {
    if (node.type.name === "hard_break") {
      out += "<br>";
      return;
    }
    let html = escapeHtml(node.isText ? node.text : `[^${node.attrs.label}]`);
    for (const mark of [...node.marks].reverse()) {
      if (mark.type.name === "link") {
        html = `<a href="${escapeHtml(mark.attrs.href).replace(/"/g, "&quot;")}">${html}</a>`;
      } else {
        html = `<${HTML_TAGS[mark.type.name]}>${html}</${HTML_TAGS[mark.type.name]}>`;
      }
    }
    out += html;
  });
  return out;
}

export class MarkdownWriter {
  // `doc`: the document as loaded; its blocks' content is what `src` stands for.
  constructor(doc) {
    this.loaded = new Map();
    doc.descendants((node) => {
      if (node.isTextblock && node.attrs.src !== null) this.loaded.set(node.attrs.src, node.content);
    });
  }

  // The inline Markdown of a textblock: as loaded if untouched, else written anew.
  inline(block, { inTable = false, html = false, start = false } = {}) {
    const src = block.attrs.src;
    const loaded = src !== null ? this.loaded.get(src) : undefined;
    if (loaded !== undefined && loaded.eq(block.content)) return src;
    if (html) return htmlInline(block.content);
    const text = markdownInline(block.content, inTable).trim();
    return start ? escapeBlockStart(text) : text;
  }

  heading(node) {
    let text = this.inline(node);
    if (text !== node.attrs.src) text = text.replace(/(#+)$/, (hashes) => hashes.replace(/#/g, "\\#"));
    return "#".repeat(node.attrs.level) + (text ? ` ${text}` : "");
  }

  list(node, depth, lines) {
    let number = node.attrs.order ?? 1;
    node.forEach((item) => {
      const text = this.inline(item.firstChild, { start: true });
      const marker = node.type.name === "ordered_list" ? `${number++}.` : text ? "-" : "*";
      lines.push(`${"    ".repeat(depth)}${marker} ${text}`);
      item.forEach((child, _offset, index) => {
        if (index > 0) this.list(child, depth + 1, lines);
      });
    });
    return lines;
  }

  pipeTable(node) {
    const rows = [];
    node.forEach((row) => {
      const cells = [];
      row.forEach((cell) => cells.push(this.inline(cell.firstChild, { inTable: true })));
      rows.push(`| ${cells.join(" | ")} |`);
    });
    const align = [];
    node.firstChild.forEach((cell) => {
      for (let k = 0; k < cell.attrs.colspan; k++) align.push(cell.attrs.align);
    });
    const rule = { left: ":---", center: ":---:", right: "---:" };
    rows.splice(1, 0, `| ${align.map((a) => rule[a] || "---").join(" | ")} |`);
    return rows.join("\n");
  }

  htmlTable(node) {
    const head = [];
    const body = [];
    node.forEach((row) => {
      const cells = [];
      row.forEach((cell) => {
        const tag = cell.type.name === "table_header" ? "th" : "td";
        let attributes = "";
        if (cell.attrs.colspan > 1) attributes += ` colspan="${cell.attrs.colspan}"`;
        if (cell.attrs.rowspan > 1) attributes += ` rowspan="${cell.attrs.rowspan}"`;
        if (cell.attrs.align) attributes += ` align="${cell.attrs.align}"`;
        cells.push(`<${tag}${attributes}>${this.inline(cell.firstChild, { html: true })}</${tag}>`);
      });
      (row.attrs.head && !body.length ? head : body).push(`<tr>${cells.join("")}</tr>`);
    });
    const lines = ["<table>"];
    if (head.length) lines.push("<thead>", ...head, "</thead>");
    if (body.length) lines.push("<tbody>", ...body, "</tbody>");
    lines.push("</table>");
    return lines.join("\n");
  }

  block(node) {
    switch (node.type.name) {
      case "heading":
        return this.heading(node);
      case "paragraph":
        return this.inline(node, { start: true });
      case "bullet_list":
      case "ordered_list":
        return this.list(node, 0, []).join("\n");
      case "table":
        return node.attrs.html ? this.htmlTable(node) : this.pipeTable(node);
      case "opaque":
        return node.attrs.source;
      default:
        return "";
    }
  }

  markdown(doc) {
    const blocks = [];
    doc.forEach((node) => {
      const text = this.block(node);
      if (text) blocks.push(text);
    });
    return blocks.join("\n\n");
  }
}
