"""Request bodies of the API, validated with pydantic (and published in the OpenAPI description)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt


def _aware(value: datetime) -> datetime:
    """A time without an offset is read in Vietnam's time zone (UTC+7)."""
    from zoneinfo import ZoneInfo

    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


AwareOrLocalDatetime = Annotated[datetime, AfterValidator(_aware)]


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
    parent_id: StrictInt | None = None
    after_id: StrictInt | None = None


class SectionUpdate(Body):
    text: str
    base_version: StrictInt
    heading: str | None = None
    reason: str | None = None


class SectionRestore(Body):
    version: StrictInt
    base_version: StrictInt


class ReportUpdate(Body):
    title: str | None = None
    departments_see_each_other: StrictBool | None = None


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
    quote_start: StrictInt | None = None
    base_version: StrictInt | None = None


class ReportCommentCreate(Body):
    body: str
    kind: str | None = None


class CommentUpdate(Body):
    body: str | None = None
    kind: str | None = None


class SuggestionCreate(Body):
    base_version: StrictInt
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
    expected_version: StrictInt | None = None


class RejectRequest(Body):
    reason: str | None = None


class ResolveRequest(Body):
    disposition: str
    response: str | None = None
    absorbed_version: StrictInt | None = None
    also: list[StrictInt] = Field(default_factory=list, max_length=200)


class ReopenRequest(Body):
    note: str | None = None


class BulkAccept(Body):
    ids: list[StrictInt] = Field(min_length=1, max_length=200)


class EditionCreate(Body):
    note: str | None = None
