"""Mark up a .docx the way Microsoft Word does, for the markup import's tests.

Word records a department's edits as ``w:ins``/``w:del`` around runs (deleted text in
``w:delText``), a deleted table row as ``w:del`` in the row's ``w:trPr``, a formatting
change as ``w:rPrChange``, a comment as ``w:commentRangeStart``/``End`` plus a run with
``w:commentReference`` and a ``w:comment`` in ``word/comments.xml``, and a reply as a
further comment linked to its parent in ``word/commentsExtended.xml`` by paragraph ids.
"""

from __future__ import annotations

import copy
import io
import itertools
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
DATE = "2026-11-30T09:00:00Z"
_ids = itertools.count(900)


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordCopy:
    """A .docx being marked up; ``data()`` gives the marked-up bytes."""

    def __init__(self, data: bytes):
        self.parts = {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                self.parts[name] = archive.read(name)
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        self.comments: list[tuple[int, str, str, int | None]] = []  # id, author, text, parent

    # Finding text --------------------------------------------------------------------

    def _run_with(self, text: str, nth: int = 0):
        found = [
            t.getparent()
            for t in self.doc.iter(w("t"))
            if text in (t.text or "") and t.getparent().getparent().tag != w("ins")
        ]
        if len(found) <= nth:
            raise AssertionError(f"no run holds {text!r}")
        return found[nth]

    def _split(self, run, text: str):
        """Split ``run`` into (before, middle, after) runs, middle holding ``text``."""
        t = run.find(w("t"))
        whole = t.text
        start = whole.index(text)
        pieces = [whole[:start], text, whole[start + len(text) :]]
        runs = []
        parent, index = run.getparent(), run.getparent().index(run)
        parent.remove(run)
        for offset, piece in enumerate(pieces):
            new = copy.deepcopy(run)
            nt = new.find(w("t"))
            nt.text = piece
            nt.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(index + offset, new)
            runs.append(new)
        return runs

    # Revisions -----------------------------------------------------------------------

    def _mark(self, tag: str, author: str):
        return etree.Element(
            w(tag), {w("id"): str(next(_ids)), w("author"): author, w("date"): DATE}
        )

    def replace(self, old: str, new: str, author: str, nth: int = 0) -> None:
        """Delete ``old`` (if any) and insert ``new`` (if any) in its place, tracked."""
        run = self._run_with(old, nth)
        _, middle, _ = self._split(run, old)
        parent, index = middle.getparent(), middle.getparent().index(middle)
        parent.remove(middle)
        if new:
            ins = self._mark("ins", author)
            added = copy.deepcopy(middle)
            added.find(w("t")).text = new
            ins.append(added)
            parent.insert(index, ins)
        if old:
            deleted = self._mark("del", author)
            middle.find(w("t")).tag = w("delText")
            deleted.append(middle)
            parent.insert(index, deleted)

    def insert_after(self, anchor: str, new: str, author: str) -> None:
        run = self._run_with(anchor)
        _, middle, after = self._split(run, anchor)
        ins = self._mark("ins", author)
        added = copy.deepcopy(middle)
        added.find(w("t")).text = new
        ins.append(added)
        middle.addnext(ins)

    def delete_row(self, cell_text: str, author: str) -> None:
        """Delete the table row holding ``cell_text``, as Word tracks it."""
        row = self._run_with(cell_text)
        while row.tag != w("tr"):
            row = row.getparent()
        tr_pr = row.find(w("trPr"))
        if tr_pr is None:
            tr_pr = etree.Element(w("trPr"))
            row.insert(0, tr_pr)
        tr_pr.append(self._mark("del", author))
        for run in list(row.iter(w("r"))):
            for t in run.findall(w("t")):
                t.tag = w("delText")
            deleted = self._mark("del", author)
            run.addprevious(deleted)
            deleted.append(run)

    def reformat(self, text: str, author: str) -> None:
        """Make ``text`` bold as a tracked formatting change (w:rPrChange)."""
        run = self._run_with(text)
        _, middle, _ = self._split(run, text)
        r_pr = middle.find(w("rPr"))
        if r_pr is None:
            r_pr = etree.Element(w("rPr"))
            middle.insert(0, r_pr)
        old = etree.Element(w("rPr"))
        change = self._mark("rPrChange", author)
        change.append(old)
        r_pr.insert(0, etree.Element(w("b")))
        r_pr.append(change)

    # Comments ------------------------------------------------------------------------

    def comment(self, passage: str, author: str, text: str, *, reply_to: int | None = None):
        """Comment on ``passage`` (a reply: on the same passage, linked to its parent)."""
        cid = len(self.comments)
        if reply_to is None:
            _, middle, _ = self._split(self._run_with(passage), passage)
            self._ranges = getattr(self, "_ranges", {})
            self._ranges[cid] = middle
        else:
            middle = self._ranges[reply_to]
        start = etree.Element(w("commentRangeStart"), {w("id"): str(cid)})
        end = etree.Element(w("commentRangeEnd"), {w("id"): str(cid)})
        middle.addprevious(start)
        middle.addnext(end)
        ref = etree.Element(w("r"))
        etree.SubElement(ref, w("commentReference"), {w("id"): str(cid)})
        end.addnext(ref)
        self.comments.append((cid, author, text, reply_to))
        return cid

    def comment_element(self, run, author: str, text: str) -> int:
        """Comment on a run that holds no text (a picture)."""
        cid = len(self.comments)
        run.addprevious(etree.Element(w("commentRangeStart"), {w("id"): str(cid)}))
        end = etree.Element(w("commentRangeEnd"), {w("id"): str(cid)})
        run.addnext(end)
        ref = etree.Element(w("r"))
        etree.SubElement(ref, w("commentReference"), {w("id"): str(cid)})
        end.addnext(ref)
        self.comments.append((cid, author, text, None))
        return cid

    def _comment_parts(self) -> None:
        root = etree.Element(w("comments"), nsmap={"w": W, "w14": W14})
        extended = etree.Element(f"{{{W15}}}commentsEx", nsmap={"w15": W15})
        for cid, author, text, parent in self.comments:
            node = etree.SubElement(
                root,
                w("comment"),
                {w("id"): str(cid), w("author"): author, w("date"): DATE, w("initials"): "X"},
            )
            para = etree.SubElement(node, w("p"), {f"{{{W14}}}paraId": f"{cid + 0x100:08X}"})
            etree.SubElement(etree.SubElement(para, w("r")), w("t")).text = text
            attrs = {f"{{{W15}}}paraId": f"{cid + 0x100:08X}", f"{{{W15}}}done": "0"}
            if parent is not None:
                attrs[f"{{{W15}}}paraIdParent"] = f"{parent + 0x100:08X}"
            etree.SubElement(extended, f"{{{W15}}}commentEx", attrs)
        self.parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True)
        self.parts["word/commentsExtended.xml"] = etree.tostring(extended, xml_declaration=True)
        rels = self.parts["word/_rels/document.xml.rels"].decode()
        base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
        extra = (
            f'<Relationship Id="rIdC1" Type="{base}" Target="comments.xml"/>'
            '<Relationship Id="rIdC2" Type="http://schemas.microsoft.com/office/2011/'
            'relationships/commentsExtended" Target="commentsExtended.xml"/>'
        )
        self.parts["word/_rels/document.xml.rels"] = rels.replace(
            "</Relationships>", extra + "</Relationships>"
        ).encode()
        types = self.parts["[Content_Types].xml"].decode()
        ct = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        extra = (
            f'<Override PartName="/word/comments.xml" ContentType="{ct}.comments+xml"/>'
            f'<Override PartName="/word/commentsExtended.xml" '
            f'ContentType="{ct}.commentsExtended+xml"/>'
        )
        self.parts["[Content_Types].xml"] = types.replace("</Types>", extra + "</Types>").encode()

    def data(self) -> bytes:
        if self.comments:
            self._comment_parts()
        self.parts["word/document.xml"] = etree.tostring(
            self.doc, xml_declaration=True, encoding="UTF-8", standalone=True
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in self.parts.items():
                archive.writestr(name, content)
        return out.getvalue()


def with_provenance(data: bytes, provenance: dict, bookmarks: dict[str, str]) -> bytes:
    """``data`` carrying our exports' provenance: the custom property
    ``FeedbackProvenance`` and a bookmark starting in each heading given
    (heading text -> bookmark name)."""
    import json

    copy = WordCopy(data)
    for number, (heading, name) in enumerate(bookmarks.items(), start=500):
        paragraph = copy._run_with(heading).getparent()
        start = etree.Element(w("bookmarkStart"), {w("id"): str(number), w("name"): name})
        paragraph.insert(1, start)
        etree.SubElement(paragraph, w("bookmarkEnd"), {w("id"): str(number)})
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    props = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    root = etree.Element(f"{{{props}}}Properties", nsmap={None: props, "vt": vt})
    prop = etree.SubElement(
        root,
        f"{{{props}}}property",
        {
            "fmtid": "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}",
            "pid": "2",
            "name": "FeedbackProvenance",
        },
    )
    etree.SubElement(prop, f"{{{vt}}}lpwstr").text = json.dumps(provenance)
    copy.parts["docProps/custom.xml"] = etree.tostring(root, xml_declaration=True)
    rels = copy.parts["_rels/.rels"].decode()
    copy.parts["_rels/.rels"] = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdP" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>',
    ).encode()
    types = copy.parts["[Content_Types].xml"].decode()
    copy.parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        '<Override PartName="/docProps/custom.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
    ).encode()
    return copy.data()
