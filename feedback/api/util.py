"""Request parsing and response helpers shared by the API modules."""

from __future__ import annotations

from typing import TypeVar

from flask import g, request
from flask_babel import gettext as _
from pydantic import BaseModel

from ..errors import MalformedInput
from ..validation import INT_MAX

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M]) -> M:
    """Validate the JSON body against ``model``; fields nobody may set are ignored."""
    data = request.json_body()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MalformedInput(_("The request body must be a JSON object."))
    return model.model_validate(data)


def actor():
    return g.actor


def query_int(
    name: str, default: int | None = None, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise MalformedInput(_("Parameter %(name)s must be a whole number.", name=name)) from None
    if number < minimum or number > (INT_MAX if maximum is None else maximum):
        raise MalformedInput(_("Parameter %(name)s is out of range.", name=name))
    return number
