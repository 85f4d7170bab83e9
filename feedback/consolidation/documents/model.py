"""What the callers give the document writers: plain dataclasses, translated words, and
the text and date helpers every document shares (NFC, no XML-forbidden characters,
dd/mm/yyyy in Vietnam time)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Op = tuple[str, str]  # ("equal" | "insert" | "delete", text): a word-level diff

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


# Data the callers build -----------------------------------------------------------------


@dataclass(frozen=True)
class DocFormat:
    """The administrative format of Decree 30/2020/NĐ-CP: who issues, under which number,
    where, and who signs for whom. Multi-line values use ``\\n``."""

    superior_body: str = ""  # "" when the issuing body has none
    issuing_body: str = ""  # "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH"
    document_number: str = ""  # "…/BC-UBND", printed after "Số: "
    place: str = ""  # "Quảng Ninh", first words of the place and date line
    document_type: str = "BÁO CÁO"
    signature_block: str = ""  # "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\n…\n\nNguyễn Văn A"
    recipients: str = ""  # one recipient per line, under "Nơi nhận:"


@dataclass(frozen=True)
class DocSection:
    number: str  # display number, "I", "I.2", "" for an unnumbered preamble
    heading: str
    level: int  # 1..3
    text: str  # Markdown of the section
    change: str = "same"  # "same" | "changed" | "added" | "removed" (only with changes)
    ops: list[Op] | None = None  # word diff old->new of the text when change == "changed"
    old_heading: str | None = None  # when the heading was renamed
    moved: bool = False  # the section moved position since the compared edition
    old_text: str | None = None  # the compared edition's text, when there is one
    section_id: int | None = None  # with ``version``: the provenance bookmark
    version: int | None = None  # the section version this text is
    label: str | None = None  # what the heading prints before its text: "1.", "a)"; None: "I.1."


@dataclass(frozen=True)
class DocEdition:
    report_title: str
    edition_number: int
    issued_at: datetime  # aware; shown in Asia/Ho_Chi_Minh as dd/mm/yyyy
    note: str
    sections: list[DocSection]
    changes_since: int | None = None  # edition compared with, when changes are shown
    status_label: str = ""  # e.g. "Đã phê duyệt" (translated by the caller)
    author: str = "Tổ soạn thảo"  # author of the Word revision marks
    labels: dict[str, str] = field(default_factory=dict)  # translated words, see EDITION_LABELS
    report_id: int | None = None  # with it, the document carries its provenance
    format: DocFormat = field(default_factory=DocFormat)
    draft: bool = True  # "DỰ THẢO lần N" at the top until the chair approves the edition


@dataclass(frozen=True)
class DispositionRow:
    group: str  # "Ý kiến chung (kết cấu, bố cục)" or "I.2. Kinh tế"; rows come pre-sorted
    who: str  # department name (or person)
    dispatch: str  # "Công văn số 123/STC-KH ngày 10/12/2019" or ""
    content: str  # what they said; plain text/Markdown
    quote: str  # the quoted passage or ""
    kind: str  # "comment" | "suggestion"
    decision: str  # translated label: "Tiếp thu", "Giải trình", ...
    response: str  # the drafting team's response/explanation, or ""
    link: str = ""  # absolute URL of the diff it caused, or "" (a path is never a link)
    quote_source: str = ""  # the quoted passage as stored (Markdown), when there is one


@dataclass(frozen=True)
class DispositionTable:
    title: str
    report_title: str
    scope: str  # e.g. "Đợt lấy ý kiến 1 (hạn 12/12/2019)"
    generated_at: datetime  # aware
    preamble: list[str]  # already-written, translated sentences
    columns: tuple[str, str, str, str]  # the four translated headings of the standard form
    rows: list[DispositionRow]
    # Optional addition: translated words for the STT column, the CSV-only columns and the
    # "generated on" line; Vietnamese defaults in TABLE_LABELS.
    labels: dict[str, str] = field(default_factory=dict)
    format: DocFormat | None = None  # with it, the Decree 30 header block on top
    report_id: int | None = None  # with it, the document carries its provenance
    edition_number: int | None = None  # the edition the round consulted on, if any


EDITION_LABELS = {
    "edition": "Dự thảo lần",
    "date": "Ngày",
    "changes_since": "Thay đổi so với dự thảo lần",
    "removed_section": "(Mục đã bị xoá)",
    "added_section": "(Mục mới)",
    "moved_section": "(Mục đã chuyển vị trí)",
    "renamed_from": "Đổi tên từ",
    "note": "Ghi chú",
    "no": "STT",
    "draft": "DỰ THẢO lần",
    "number": "Số",
    "recipients": "Nơi nhận",
}

TABLE_LABELS = {
    "no": "STT",
    "dispatch": "Văn bản góp ý",
    "kind": "Loại",
    "quote": "Đoạn trích dẫn",
    "decision": "Kết quả xử lý",
    "link": "Liên kết",
    "generated": "Ngày lập",
    "kind_comment": "Góp ý",
    "kind_suggestion": "Đề xuất sửa văn bản",
    "view_change": "xem thay đổi",
}


def label_for(labels: dict[str, str], defaults: dict[str, str], key: str) -> str:
    return clean(labels.get(key) or defaults.get(key, key))


# Text and dates -------------------------------------------------------------------------

# Everything XML 1.0 forbids (tab, LF and CR are allowed), plus lone surrogates, which
# cannot be encoded as UTF-8 at all.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None) -> str:
    """NFC, ``\\n`` line endings and no character that lxml would refuse."""
    if not text:
        return ""
    text = _XML_INVALID.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML 1.0 forbids (lxml refuses them): the last
    guard of every run and property the Word writer sets."""
    return _XML_INVALID.sub("", text) if text else ""


def one_line(text: str | None) -> str:
    return " ".join(clean(text).split())


def _vietnam_zone() -> timezone | ZoneInfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:  # no tz database (slim containers): Vietnam has no DST
        return timezone(timedelta(hours=7), "ICT")


_VIETNAM = _vietnam_zone()


def aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as UTC, the way the database stores them.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_date(moment: datetime) -> str:
    """dd/mm/yyyy in Vietnam time, the date format of Vietnamese official documents."""
    return aware(moment).astimezone(_VIETNAM).strftime("%d/%m/%Y")


def official_date(moment: datetime, place: str = "") -> str:
    """The place and date line of Decree 30: "Quảng Ninh, ngày 05 tháng 12 năm 2019" in
    Vietnam time; a leading zero for days 1-9 and for months 1 and 2 only."""
    day = aware(moment).astimezone(_VIETNAM)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    when = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    place = one_line(place)
    return f"{place}, {when}" if place else when[0].upper() + when[1:]


def iso_utc(moment: datetime) -> str:
    # w:date is an xsd:dateTime; Word chokes on microseconds, so whole seconds in UTC.
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def heading_label(section: DocSection) -> str:
    """What the heading shows before its text: the number as the document prints it
    ("1." under "I.", "a)"), or the path with a dot ("I.1."); "" when unnumbered."""
    if section.label is not None:
        return one_line(section.label)
    number = one_line(section.number).rstrip(".")  # "I." and "I" both display as "I. "
    return f"{number}." if number else ""


def heading_text(section: DocSection) -> str:
    label = heading_label(section)
    heading = one_line(section.heading)
    return f"{label} {heading}" if label else heading


def heading_level(section: DocSection) -> int:
    return min(max(section.level, 1), 3)


def changed_ops(section: DocSection) -> list[Op] | None:
    """The section's diff, cleaned; None when there is nothing to show as changed."""
    if not section.ops:
        return None
    ops = [(kind, clean(text)) for kind, text in section.ops]
    if all(kind == EQUAL for kind, _ in ops):
        return None
    return ops
