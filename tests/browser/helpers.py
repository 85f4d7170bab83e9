"""Set-up through the real API of the live server (bearer tokens from the CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from functools import cache

from .conftest import ROOT


class LiveApi:
    def __init__(self, live_server):
        self.url = live_server["url"] + "/api/v1"
        self.env = live_server["env"]

    @cache  # noqa: B019 - one token per user for the session is the point
    def token(self, username: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "users", "token", username],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout.strip().splitlines()[-1]

    def call(self, username: str, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token(username)}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def section(self, heading: str) -> dict:
        _status, report = self.call("tosoanthao", "GET", "/reports/1")
        return next(s for s in report["sections"] if s["heading"] == heading)
