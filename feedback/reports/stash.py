"""An uploaded draft kept between its preview and the drafter's confirmation.

The page shows what a .docx holds before anything is stored; without JavaScript the
file cannot be sent twice, so it waits here (named by a random token, readable only by
the person who uploaded it) for at most ``KEPT_FOR``: in the shared Redis when
FEEDBACK_REDIS_URL is set and no FEEDBACK_UPLOAD_STASH folder is chosen, so the
"create" click may reach another application server than the preview did; otherwise as
files in the stash folder (instance/import-stash).
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


_REDIS_KEY = "feedback:upload:{}"


def _redis():
    """The shared Redis, when uploads wait there (see the module's docstring); else None."""
    config = current_app.config
    if config.get("FEEDBACK_UPLOAD_STASH") or not config.get("FEEDBACK_REDIS_URL"):
        return None
    import redis

    return redis.Redis.from_url(config["FEEDBACK_REDIS_URL"], socket_timeout=10)


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
    token = secrets.token_urlsafe(24)
    shared = _redis()
    if shared is not None:
        key = _REDIS_KEY.format(token)
        meta = json.dumps({"user": user_id, "filename": filename})
        with shared.pipeline() as pipe:  # one MULTI: never a key without its expiry
            pipe.hset(key, mapping={"meta": meta, "data": data})
            pipe.expire(key, KEPT_FOR)
            pipe.execute()
        return token
    folder = _folder()
    _purge(folder)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"user": user_id, "filename": filename}))
    return token


def load(token: str, user_id: int) -> tuple[str, bytes]:
    """(file name, content) of a waiting upload of ``user_id``; NotFound otherwise."""
    if not _TOKEN.match(token or ""):
        raise NotFound(str(EXPIRED))
    try:
        meta, data = _read(token)
    except (FileNotFoundError, ValueError, KeyError):
        raise NotFound(str(EXPIRED)) from None
    if meta.get("user") != user_id:
        raise NotFound(str(EXPIRED))
    return meta.get("filename", "upload.docx"), data


def _read(token: str) -> tuple[dict, bytes]:
    shared = _redis()
    if shared is not None:
        found = shared.hgetall(_REDIS_KEY.format(token))
        return json.loads(found[b"meta"]), found[b"data"]
    folder = _folder()
    meta = json.loads((folder / f"{token}.json").read_text())
    return meta, (folder / f"{token}.bin").read_bytes()


def drop(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    shared = _redis()
    if shared is not None:
        shared.delete(_REDIS_KEY.format(token))
    else:
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
