"""Word documents for the import tests: python-docx's package and styles, with the raw
OOXML python-docx cannot write (numbering definitions, outline levels, footnotes,
merged cells, text boxes, legacy fonts) put in place of its body."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="+"/><w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""


def run(text: str, *, bold=False, italic=False, font=None) -> str:
    props = ""
    if font:
        props += f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}"/>'
    props += "<w:b/>" if bold else ""
    props += "<w:i/>" if italic else ""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*runs: str, style=None, num=None, outline=None, text=None, bold=False) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    if outline is not None:
        props += f'<w:outlineLvl w:val="{outline}"/>'
    content = "".join(runs) + (run(text, bold=bold) if text is not None else "")
    return f"<w:p><w:pPr>{props}</w:pPr>{content}</w:p>"


def footnote_ref(n: int) -> str:
    return (
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/>'
        f'</w:rPr><w:footnoteReference w:id="{n}"/></w:r>'
    )


def cell(text: str, *, span=1, vmerge=None) -> str:
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge:
        props += '<w:vMerge w:val="restart"/>' if vmerge == "restart" else "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para(text=text)}</w:tc>"


def table(rows: list[list[str]], columns: int) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    body = "".join(f"<w:tr>{''.join(r)}</w:tr>" for r in rows)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def merged_table() -> str:
    """The targets table: "Kế hoạch" spans two columns, "Chỉ tiêu" two rows."""
    return table(
        [
            [cell("Chỉ tiêu", vmerge="restart"), cell("Kế hoạch", span=2)],
            [cell("", vmerge="continue"), cell("2020"), cell("2025")],
            [cell("Tăng trưởng GRDP (%)"), cell("10,7"), cell("11,5")],
        ],
        3,
    )


def text_box(text: str) -> str:
    return (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
        f"<w:txbxContent>{para(text=text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )


def image(name: str) -> str:
    return (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/'
        f'drawingml/2006/wordprocessingDrawing"><wp:docPr id="1" name="{name}" descr="{name}"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"/>'
        "</a:graphic></wp:inline></w:drawing></w:r>"
    )


def chart(name: str) -> str:
    return image(name).replace("2006/picture", "2006/chart")


def build(body: str, *, footnotes: dict[int, str] | None = None, numbering=NUMBERING) -> bytes:
    """A .docx from python-docx's default package with ``body`` as its body."""
    base = io.BytesIO()
    docx.Document().save(base)
    source = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = _document(body)
            elif item.filename == "word/numbering.xml" and numbering:
                data = numbering.encode()
            elif item.filename == "word/_rels/document.xml.rels" and footnotes:
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif item.filename == "[Content_Types].xml" and footnotes:
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(item, data)
        if footnotes:
            target.writestr("word/footnotes.xml", _footnotes(footnotes))
    return out.getvalue()


def _document(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    ).encode()


def _footnotes(notes: dict[int, str]) -> bytes:
    items = "".join(
        f'<w:footnote w:id="{n}">{para(text=text)}</w:footnote>' for n, text in notes.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        f"</w:r></w:p></w:footnote>{items}</w:footnotes>"
    ).encode()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` with one more (or a replaced) part: for the refusal tests."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


def bookmark(name: str, n: int) -> str:
    return f'<w:bookmarkStart w:id="{n}" w:name="{name}"/><w:bookmarkEnd w:id="{n}"/>'


def with_provenance(data: bytes, provenance: str) -> bytes:
    """The exporter's custom document property ``FeedbackProvenance`` (JSON)."""
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="FeedbackProvenance">'
        f"<vt:lpwstr>{escape(provenance)}</vt:lpwstr></property></Properties>"
    ).encode()
    return with_part(data, "docProps/custom.xml", custom)
