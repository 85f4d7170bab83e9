"""Sanitised HTML of rendered Markdown as a small element tree the Word writer walks."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from feedback.markup import render

from .model import clean


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


_VOID = {"br", "hr", "img", "wbr"}
# Deeper nesting (">>>>>>..." quotes) is flattened so the recursive walk cannot overflow.
_MAX_DEPTH = 40


class _TreeBuilder(HTMLParser):
    """A forgiving element tree of the (already sanitised, well-formed) HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID and len(self._stack) < _MAX_DEPTH:
            self._stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def html_tree(markdown_text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(render(clean(markdown_text)))
    builder.close()
    return builder.root
