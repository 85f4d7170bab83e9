"""An uploaded draft kept between its preview and the drafter's confirmation.

The page shows what a .docx holds before anything is stored; without JavaScript the
file cannot be sent twice, so it waits here (a file per upload, named by a random
token, readable only by the person who uploaded it) for at most ``KEPT_FOR``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors import NotFound

KEPT_FOR = 2 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
EXPIRED = _l("That upload is no longer waiting (it is kept for two hours); upload the file again.")


def _folder() -> Path:
    folder = Path(
        current_app.config.get("FEEDBACK_UPLOAD_STASH")
        or os.path.join(current_app.instance_path, "import-stash")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _purge(folder: Path) -> None:
    cutoff = time.time() - KEPT_FOR
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def save(user_id: int, filename: str, data: bytes) -> str:
    folder = _folder()
    _purge(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"user": user_id, "filename": filename}))
    return token


def load(token: str, user_id: int) -> tuple[str, bytes]:
    """(file name, content) of a waiting upload of ``user_id``; NotFound otherwise."""
    folder = _folder()
    if not _TOKEN.match(token or ""):
        raise NotFound(str(EXPIRED))
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except (FileNotFoundError, ValueError):
        raise NotFound(str(EXPIRED)) from None
    if meta.get("user") != user_id:
        raise NotFound(str(EXPIRED))
    return meta.get("filename", "upload.docx"), data


def drop(token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
