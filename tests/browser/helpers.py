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


# Selecting text as a mouse drag would: a DOM selection over `phrase`, found in the
# textContent of the element `root` (it may run across elements, e.g. table cells).
SELECT_PHRASE = """([root, phrase, occurrence]) => {
  const element = document.querySelector(root);
  const nodes = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const text = nodes.map((n) => n.data).join("");
  let at = -1;
  for (let k = 0; k <= occurrence; k++) at = text.indexOf(phrase, at + 1);
  if (at < 0) throw new Error(`not in ${root}: ${phrase}`);
  const point = (offset, isEnd) => {
    let seen = 0;
    for (const node of nodes) {
      const inside = isEnd ? offset <= seen + node.data.length : offset < seen + node.data.length;
      if (inside) return [node, offset - seen];
      seen += node.data.length;
    }
    const last = nodes[nodes.length - 1];
    return [last, last.data.length];
  };
  const range = document.createRange();
  range.setStart(...point(at, false));
  range.setEnd(...point(at + phrase.length, true));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def select_phrase(page, root: str, phrase: str, occurrence: int = 0) -> None:
    page.evaluate(SELECT_PHRASE, [root, phrase, occurrence])


def type_over(page, editor: str, phrase: str, replacement: str, occurrence: int = 0) -> None:
    """In the editor `editor`, select `phrase` and type `replacement` over it."""
    page.locator(f"{editor} .ProseMirror").focus()
    select_phrase(page, f"{editor} .ProseMirror", phrase, occurrence)
    page.wait_for_timeout(50)  # the editor takes the selection from the page's
    page.keyboard.type(replacement)


def type_at_end(page, element, words: str) -> None:
    """Type `words` at the end of `element` (a cell or item of an editor), wherever its
    text wraps."""
    element.click()
    element.evaluate("""(element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      range.collapse(false);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }""")
    page.wait_for_timeout(50)
    page.keyboard.type(words)
