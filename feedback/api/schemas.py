"""Request bodies of the API, validated with pydantic (and published in the OpenAPI description)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..validation import INT_MAX

# Error types the blueprint answers with 422 (well-formed, but a value no column holds).
OUT_OF_RANGE = "out_of_range"
UNSTORABLE_MOMENT = "unstorable_moment"


def _aware(value: datetime) -> datetime:
    """A time without an offset is read in Vietnam's time zone (UTC+7); the result is in
    UTC. Year 9999 at -05:00 or year 1 at +07:00 has no UTC moment (OverflowError)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError(UNSTORABLE_MOMENT, "this moment cannot be stored") from None


AwareOrLocalDatetime = Annotated[datetime, AfterValidator(_aware)]


def _whole_number(minimum: int):
    """A whole number an INTEGER column holds (PostgreSQL's is 32-bit): anything outside
    [minimum, 2^31-1] is refused at the boundary with the field's name (422), never
    passed on to overflow in the database driver. The bounds are published in the
    OpenAPI description."""

    def check(value: int) -> int:
        if not minimum <= value <= INT_MAX:
            raise PydanticCustomError(
                OUT_OF_RANGE,
                "must be from {minimum} to {maximum}",
                {"minimum": minimum, "maximum": INT_MAX},
            )
        return value

    schema = {"type": "integer", "minimum": minimum, "maximum": INT_MAX}
    return Annotated[StrictInt, AfterValidator(check), WithJsonSchema(schema)]


Id = _whole_number(1)  # a row id
VersionNumber = _whole_number(1)  # a section version, numbered from 1
Offset = _whole_number(0)  # a position in a text


class Body(BaseModel):
    # Unknown fields (status, author_id, department_id...) are ignored, never applied.
    model_config = ConfigDict(extra="ignore")


class TokenRequest(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class DepartmentCreate(Body):
    code: str
    name: str
    mailbox: str | None = Field(default=None, description="The official mailbox (văn thư)")


class UserCreate(Body):
    username: str
    password: str
    name: str
    role: str
    department_code: str | None = None
    email: str | None = Field(default=None, description="Where notifications are mailed")
    mail_frequency: str | None = Field(
        default=None, description="immediate (default), daily (a morning digest) or none"
    )


class ReportCreate(Body):
    title: str | None = None
    markdown: str


class SectionCreate(Body):
    heading: str
    text: str = ""
    parent_id: Id | None = None
    after_id: Id | None = None


class SectionUpdate(Body):
    text: str
    base_version: VersionNumber
    heading: str | None = None
    reason: str | None = None


class SectionRestore(Body):
    version: VersionNumber
    base_version: VersionNumber


def _setting(max_chars: int, description: str):
    """A text setting: its bound is published here and enforced by the service (422)."""
    return Field(default=None, description=description, json_schema_extra={"maxLength": max_chars})


class ReportUpdate(Body):
    title: str | None = None
    departments_see_each_other: StrictBool | None = None
    # The administrative format of exported documents (Decree 30/2020/NĐ-CP).
    superior_body: str | None = _setting(
        200, "Superior body, top left in capitals; '' when none (up to 3 lines)"
    )
    issuing_body: str | None = _setting(
        200, "Issuing body, e.g. 'ỦY BAN NHÂN DÂN\\nTỈNH QUẢNG NINH' (up to 4 lines)"
    )
    document_number: str | None = _setting(60, "Number and symbol after 'Số: ', e.g. '…/BC-UBND'")
    place: str | None = _setting(100, "Place of the place and date line, e.g. 'Quảng Ninh'")
    document_type: str | None = _setting(100, "Document type, e.g. 'BÁO CÁO'; not empty")
    signature_block: str | None = _setting(
        500, "Signer's block, one line each; a blank line is the space to sign (up to 12 lines)"
    )
    recipients: str | None = _setting(2000, "'Nơi nhận:' list, one recipient a line (up to 40)")
    numbering_scheme: list[str] | None = None  # [] prints paths again


class RoundCreate(Body):
    deadline: AwareOrLocalDatetime
    departments: list[str] = Field(min_length=1)
    title: str | None = None
    note: str | None = None
    deemed_agree: StrictBool = True


class CommentCreate(Body):
    body: str
    kind: str | None = None
    quote: str | None = None
    quote_start: Offset | None = None
    base_version: VersionNumber | None = None


class ReportCommentCreate(Body):
    body: str
    kind: str | None = None


class CommentUpdate(Body):
    body: str | None = None
    kind: str | None = None


class SuggestionCreate(Body):
    base_version: VersionNumber
    text: str
    rationale: str = ""


class SuggestionUpdate(Body):
    text: str | None = None
    rationale: str | None = None


class ReplyCreate(Body):
    body: str


class ResponseSubmit(Body):
    no_comments: StrictBool = False
    dispatch_number: str | None = None
    dispatch_date: date | None = None


class AcceptRequest(Body):
    note: str | None = None
    text: str | None = None
    expected_version: VersionNumber | None = None


class RejectRequest(Body):
    reason: str | None = None


class ResolveRequest(Body):
    disposition: str
    response: str | None = None
    absorbed_version: VersionNumber | None = None
    also: list[Id] = Field(default_factory=list, max_length=200)


class ReopenRequest(Body):
    note: str | None = None


class BulkAccept(Body):
    ids: list[Id] = Field(min_length=1, max_length=200)


class EditionCreate(Body):
    note: str | None = None


# Figures (issue 15) ---------------------------------------------------------------------


class IndicatorUpdate(Body):
    department_code: str | None = Field(
        default=None, description="the department responsible for the figure; null: nobody"
    )
    direction: str | None = Field(
        default=None, description="higher or lower is better; null: from the target's wording"
    )


class IndicatorConfirm(Body):
    source: str = Field(description="where the figure comes from")


class IndicatorCorrect(Body):
    actual: str
    source: str
    note: str | None = None


class IndicatorProposal(Body):
    target: str
    rationale: str


class NewIndicatorProposal(Body):
    section_id: Id
    name: str
    unit: str = ""
    target: str
    rationale: str


class ColumnRoles(Body):
    name: Offset
    unit: Offset | None = None
    target: Offset | None = None
    actual: Offset | None = None
    assessment: Offset | None = None
    number: Offset | None = None


class TableMapping(Body):
    columns: ColumnRoles | None = Field(
        default=None,
        description="0-based column of each role; omitted: recognised from the header",
    )
    kind: str | None = Field(
        default=None, description="results (this period) or targets (the next period's)"
    )


class KeywordEntry(Body):
    keyword: str
    department_code: str


class KeywordMap(Body):
    keywords: list[KeywordEntry]
