"""The request as the app reads it: forms decoded as strict UTF-8 and JSON bodies of a
sane shape, refused with a 400 before any view sees them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Request, current_app
from flask_babel import gettext as _
from werkzeug.formparser import FormDataParser, MultiPartParser

from .errors import MalformedInput
from .validation import parse_json


def _not_utf8() -> MalformedInput:
    return MalformedInput(_("The form contains text that is not valid UTF-8."))


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8() from None


class _StrictMultiPartParser(MultiPartParser):
    """werkzeug decodes text parts with ``errors="replace"``, so invalid UTF-8 became
    U+FFFD unnoticed. Parts are read as bytes (Latin-1 is lossless) and decoded here."""

    def get_part_charset(self, headers) -> str:
        return "latin-1"

    def parse(self, stream, boundary, content_length):
        form, files = super().parse(stream, boundary, content_length)
        fields = [(name, _utf8(value.encode("latin-1"))) for name, value in form.items(multi=True)]
        return self.cls(fields), files


class _StrictFormDataParser(FormDataParser):
    """A url-encoded or multipart body that is not UTF-8 is a MalformedInput (400):
    werkzeug kept ``%FF%FE`` as literal text. MalformedInput is not a ValueError, so the
    parser's silent mode does not swallow it into an empty form."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        raw = _utf8(stream.read())
        try:
            items = parse_qsl(raw, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise _not_utf8() from None
        return stream, self.cls(items), self.cls()

    def _parse_multipart(self, stream, mimetype, content_length, options):
        parser = _StrictMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


_NO_BODY = object()
# Room for the multipart framing and the small fields beside the file.
UPLOAD_OVERHEAD = 64 * 1024
# The marked-up copy's page posts the file back base64-encoded (4/3 of its size) to confirm.
_BASE64_UPLOADS = frozenset({"review.markup"})


def _upload_limit(endpoint: str | None) -> int | None:
    """Uploads of documents (the endpoints in FEEDBACK_UPLOAD_ENDPOINTS) have their own
    limit, FEEDBACK_UPLOAD_MAX_BYTES; None for every other request."""
    if not current_app or endpoint not in current_app.config["FEEDBACK_UPLOAD_ENDPOINTS"]:
        return None
    limit = current_app.config["FEEDBACK_UPLOAD_MAX_BYTES"]
    if endpoint in _BASE64_UPLOADS:
        limit = limit * 4 // 3
    return limit + UPLOAD_OVERHEAD


class StrictRequest(Request):
    form_data_parser_class = _StrictFormDataParser

    @property
    def max_content_length(self) -> int | None:
        """Uploads have their own limit (see _upload_limit); every other request keeps
        MAX_CONTENT_LENGTH."""
        if self._max_content_length is not None:
            return self._max_content_length
        limit = _upload_limit(self.endpoint)
        return limit if limit is not None else super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        limit = _upload_limit(self.endpoint)
        return limit if limit is not None else super().max_form_memory_size

    def json_body(self) -> Any:
        """The parsed JSON body (None when empty), read once: invalid UTF-8, invalid JSON
        or nesting deeper than ``validation.MAX_JSON_DEPTH`` are a MalformedInput."""
        cached = getattr(self, "_feedback_json", _NO_BODY)
        if cached is _NO_BODY:
            raw = self.get_data(cache=True)
            cached = parse_json(raw) if raw.strip() else None
            self._feedback_json = cached
        return cached
