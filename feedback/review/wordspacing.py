"""The spaces around a tracked change that was left out, on pandoc's JSON tree.

Pandoc moves the space at the edge of a changed run outside it: Word's or LibreOffice's
``lực<w:ins> và hội nhập</w:ins>.`` reads as "lực", Space, the insertion, ".". Where a
change leaves nothing (an insertion rejected, a deletion accepted), that space would
stay before the punctuation ("lực .") or double the next one.
"""

from __future__ import annotations

_PUNCTUATION = tuple(".,;:!?)]…")


def is_space(node) -> bool:
    return isinstance(node, dict) and node.get("t") in ("Space", "SoftBreak")


def close_gaps(out: list, gaps: list[int]) -> list:
    """``out``, a list of inlines, without the space each gap (the index where a change
    left nothing) leaves before a space, a punctuation mark or the end, or at the start."""
    for gap in reversed(gaps):
        after = out[gap] if gap < len(out) else None
        if gap == 0 and is_space(after):
            del out[0]
        elif gap and is_space(out[gap - 1]):
            closing = after is None or is_space(after)
            closing = closing or (after.get("t") == "Str" and after["c"].startswith(_PUNCTUATION))
            if closing:
                del out[gap - 1]
    return out
