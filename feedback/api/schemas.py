"""Request bodies of the API, validated with pydantic (and published in the OpenAPI description)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt


class Body(BaseModel):
    # Unknown fields (status, author_id, department_id...) are ignored, never applied.
    model_config = ConfigDict(extra="ignore")


class TokenRequest(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class DepartmentCreate(Body):
    code: str
    name: str


class UserCreate(Body):
    username: str
    password: str
    name: str
    role: str
    department_code: str | None = None


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
