"""Deterministic Vietnamese corpus for the diff and rebase benchmark.

Documents are generated from a seeded bigram chain over sentences of a provincial
socio-economic report, with headings, bullet lists and Markdown tables mixed in. A
document is kept as paragraphs of lines of items (words and fixed Markdown markers), so
edits are made slot by slot and the exact three-way merge of two edit sets is known:
apply both to the structure and render it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

SIZES = {"2K": 2_000, "20K": 20_000, "200K": 200_000}  # UTF-8 bytes
KINDS = ("small", "heavy", "move")

_SENTENCES = """
Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm, cao hơn mức bình quân chung của cả nước.
Cơ cấu kinh tế chuyển dịch tích cực theo hướng tăng tỷ trọng công nghiệp, xây dựng và dịch vụ.
Thu ngân sách nhà nước trên địa bàn tỉnh năm 2025 ước đạt 18.500 tỷ đồng, vượt dự toán được giao.
Công tác cải cách hành chính được đẩy mạnh, chỉ số năng lực cạnh tranh cấp tỉnh tiếp tục được cải thiện.
Kết cấu hạ tầng giao thông, đô thị và nông thôn mới được đầu tư đồng bộ, từng bước hiện đại.
Đời sống vật chất và tinh thần của nhân dân không ngừng được nâng lên, tỷ lệ hộ nghèo giảm còn 1,2%.
Sản xuất nông nghiệp phát triển ổn định, giá trị sản xuất trên một héc-ta đất trồng trọt tăng khá.
Tổng vốn đầu tư toàn xã hội giai đoạn 2021-2025 ước đạt 245 nghìn tỷ đồng, tăng 1,8 lần so với giai đoạn trước.
Công tác quốc phòng, an ninh được bảo đảm, trật tự an toàn xã hội được giữ vững.
Tuy nhiên, quy mô kinh tế còn nhỏ, năng suất lao động chưa cao, chất lượng nguồn nhân lực còn hạn chế.
Hoạt động thương mại, du lịch phục hồi mạnh mẽ sau đại dịch, tổng lượt khách du lịch tăng bình quân 12%/năm.
Chuyển đổi số được triển khai quyết liệt, tỷ lệ hồ sơ trực tuyến toàn trình đạt trên 80%.
Môi trường đầu tư kinh doanh tiếp tục được cải thiện, thu hút nhiều dự án có quy mô lớn.
Giáo dục và đào tạo có nhiều chuyển biến, tỷ lệ trường đạt chuẩn quốc gia tăng nhanh.
Công tác bảo vệ môi trường, ứng phó với biến đổi khí hậu được quan tâm thực hiện.
Trong giai đoạn tới, tỉnh tập trung huy động mọi nguồn lực để phát triển kinh tế - xã hội nhanh và bền vững.
Các khu công nghiệp thu hút được nhiều nhà đầu tư lớn, giải quyết việc làm cho hàng chục nghìn lao động.
Mạng lưới y tế cơ sở được củng cố, chất lượng khám chữa bệnh cho người dân ngày càng nâng cao.
""".strip().splitlines()

_HEADINGS = [
    "Đánh giá kết quả thực hiện nhiệm vụ",
    "Những hạn chế, yếu kém và nguyên nhân",
    "Phương hướng, nhiệm vụ giai đoạn tới",
    "Kết quả phát triển kinh tế - xã hội",
    "Giải pháp trọng tâm",
]
_INDICATORS = [
    "GRDP bình quân đầu người",
    "Thu ngân sách nhà nước",
    "Tỷ lệ hộ nghèo",
    "Vốn đầu tư toàn xã hội",
    "Kim ngạch xuất khẩu",
    "Tỷ lệ đô thị hóa",
    "Số xã đạt chuẩn nông thôn mới",
]
_UNITS = ["triệu đồng", "tỷ đồng", "%", "xã", "triệu USD"]
# More words for replacements and insertions, beyond those of the sentences.
_EXTRA_WORDS = (
    "đáng kể hiệu quả trọng điểm vùng miền núi ven biển doanh nghiệp hợp tác xã "
    "lao động việc làm thu nhập chính sách an sinh khoa học công nghệ đổi mới sáng tạo"
)

Item = tuple[str, bool]  # (text, editable)
Line = list[Item]
Paragraph = list[Line]
Slot = tuple[int, int, int]  # (paragraph, line, item) in the base document
Edit = tuple[str, str]  # ("replace", word) | ("delete", "") | ("insert", word after the slot)


def _bigrams() -> tuple[list[str], dict[str, list[str]], list[str]]:
    starts, following = [], defaultdict(list)
    vocabulary = set(_EXTRA_WORDS.split())
    for sentence in _SENTENCES:
        words = sentence.split()
        starts.append(words[0])
        vocabulary.update(words)
        for a, b in zip(words, words[1:], strict=False):
            following[a].append(b)
    return starts, dict(following), sorted(vocabulary)


_STARTS, _FOLLOWING, VOCABULARY = _bigrams()


def _sentence(rng: random.Random, limit: int = 32) -> list[str]:
    words = [rng.choice(_STARTS)]
    while not words[-1].endswith(".") and len(words) < limit:
        nxt = _FOLLOWING.get(words[-1])
        if not nxt:
            break
        words.append(rng.choice(nxt))
    if not words[-1].endswith("."):
        words[-1] = words[-1].rstrip(",") + "."
    return words


def _words(words: list[str]) -> Line:
    return [(w, True) for w in words]


def _paragraph(rng: random.Random, index: int) -> Paragraph:
    roll = rng.random()
    if index % 12 == 0:
        return [[("##", False), *_words(rng.choice(_HEADINGS).split())]]
    if roll < 0.08:
        header = "| Chỉ tiêu | Đơn vị | Năm 2020 | Năm 2025 |"
        rows: Paragraph = [[(w, False) for w in header.split()]]
        rows.append([("|---|---|---|---|", False)])
        for _ in range(rng.randint(3, 5)):
            cells = [
                rng.choice(_INDICATORS).split(),
                rng.choice(_UNITS).split(),
                [f"{rng.randint(1, 999)},{rng.randint(0, 9)}"],
                [f"{rng.randint(1, 999)},{rng.randint(0, 9)}"],
            ]
            row: Line = [("|", False)]
            for cell in cells:
                row += [*_words(cell), ("|", False)]
            rows.append(row)
        return rows
    if roll < 0.18:
        return [[("-", False), *_words(_sentence(rng, 14))] for _ in range(rng.randint(3, 5))]
    words: list[str] = []
    for _ in range(rng.randint(2, 5)):
        words += _sentence(rng)
    return [_words(words)]


def render(doc: list[Paragraph]) -> str:
    return "\n\n".join("\n".join(" ".join(t for t, _ in line) for line in p) for p in doc)


def make_document(size: int, rng: random.Random) -> list[Paragraph]:
    doc: list[Paragraph] = []
    length = 0
    while length < size:
        paragraph = _paragraph(rng, len(doc))
        doc.append(paragraph)
        length += len(render([paragraph]).encode()) + 2
    return doc


def slots(doc: list[Paragraph]) -> list[Slot]:
    """Editable slots in document order (their position is their distance measure)."""
    return [
        (p, li, k)
        for p, paragraph in enumerate(doc)
        for li, line in enumerate(paragraph)
        for k, (_, editable) in enumerate(line)
        if editable
    ]


def apply(doc: list[Paragraph], edits: dict[Slot, Edit], order: list[int] | None = None) -> str:
    """Render the document with slot edits applied and paragraphs in ``order``."""
    out: list[Paragraph] = []
    for p, paragraph in enumerate(doc):
        lines: Paragraph = []
        for li, line in enumerate(paragraph):
            new: Line = []
            for k, item in enumerate(line):
                kind, word = edits.get((p, li, k), ("keep", ""))
                if kind == "replace":
                    new.append((word, True))
                elif kind == "insert":
                    new += [item, (word, True)]
                elif kind == "keep":
                    new.append(item)
            lines.append(new)
        out.append(lines)
    return render([out[p] for p in (order if order is not None else range(len(doc)))])


def _edit(rng: random.Random, doc: list[Paragraph], slot: Slot) -> Edit:
    p, li, k = slot
    old = doc[p][li][k][0]
    word = rng.choice([w for w in rng.sample(VOCABULARY, 3) if w != old] or ["mới"])
    return (rng.choice(("replace", "delete", "insert")), word)


def small_edits(
    rng: random.Random, doc: list[Paragraph], count: int = 5, avoid: set[int] = frozenset()
) -> dict[Slot, Edit]:
    """``count`` word edits at slots at least 4 slots from each other and from ``avoid``."""
    all_slots = slots(doc)
    taken = set(avoid)
    edits: dict[Slot, Edit] = {}
    for index in rng.sample(range(len(all_slots)), len(all_slots)):
        if len(edits) == count:
            break
        if any(index + d in taken for d in range(-4, 5)):
            continue
        taken.add(index)
        edits[all_slots[index]] = _edit(rng, doc, all_slots[index])
    return edits


def heavy_edits(rng: random.Random, doc: list[Paragraph], share: float = 0.3) -> dict[Slot, Edit]:
    return {slot: _edit(rng, doc, slot) for slot in slots(doc) if rng.random() < share}


def moved_order(rng: random.Random, doc: list[Paragraph], share: float = 0.1) -> list[int]:
    """A paragraph order with ``share`` of the paragraphs cut and pasted elsewhere."""
    order = list(range(len(doc)))
    for _ in range(max(1, round(len(doc) * share)) if len(doc) > 1 else 0):
        source = rng.randrange(len(order))
        paragraph = order.pop(source)
        order.insert(rng.choice([i for i in range(len(order) + 1) if i != source]), paragraph)
    return order


@dataclass(frozen=True)
class Case:
    size: str
    kind: str
    seed: int
    base: str
    proposed: str  # the suggestion: base with the edits of ``kind``
    current: str  # base with 5 other small edits, in slots away from the suggestion's
    expected: str  # both edit sets applied: the only right merge


def make_case(size: str, kind: str, seed: int) -> Case:
    rng = random.Random(f"{size}/{kind}/{seed}")
    doc = make_document(SIZES[size], rng)
    order = None
    if kind == "small":
        mine = small_edits(rng, doc)
    elif kind == "heavy":
        mine = heavy_edits(rng, doc)
    else:
        mine, order = {}, moved_order(rng, doc)
    index = {slot: i for i, slot in enumerate(slots(doc))}
    # An insert also touches the slot after it, so keep clear of both.
    busy = {index[s] for s in mine} | {index[s] + 1 for s, (k, _) in mine.items() if k == "insert"}
    theirs = small_edits(rng, doc, avoid=busy)
    return Case(
        size=size,
        kind=kind,
        seed=seed,
        base=render(doc),
        proposed=apply(doc, mine, order),
        current=apply(doc, theirs),
        expected=apply(doc, {**mine, **theirs}, order),
    )


# Worst cases for the diff budget: long texts of words from a small vocabulary ------------

# Characters per side, at most: 400K is FEEDBACK_MAX_SECTION_CHARS.
WORST_SIZES = {"20K": 20_000, "200K": 200_000, "400K": 400_000}
WORST_KINDS = ("rewrite", "heavy")  # the other side written anew / 30% of its words edited
WORST_LAYOUTS = ("paragraphs", "one-line")
SMALL_VOCABULARY = ["và", "các", "được", "phát", "triển"]


def _repeated_words(rng: random.Random, size: int, layout: str) -> list[str]:
    """Words of SMALL_VOCABULARY and the spaces after them, alternately, about ``size``
    characters in all: paragraphs of 40 to 120 words, or one single line."""
    parts: list[str] = []
    length = 0
    next_break = rng.randint(40, 120)
    while True:
        word = rng.choice(SMALL_VOCABULARY)
        if length + len(word) > size:
            break
        sep = " "
        if layout == "paragraphs" and len(parts) // 2 + 1 == next_break:
            sep, next_break = "\n\n", next_break + rng.randint(40, 120)
        parts += [word, sep]
        length += len(word) + len(sep)
    parts[-1] = ""
    return parts


def _render_words(parts: list[str], edits: dict[int, str]) -> str:
    """``parts`` (word, space, word, ...) with word number k replaced by ``edits[k]``."""
    out = list(parts)
    for k, new in edits.items():
        out[2 * k] = new
    return "".join(out)


@dataclass(frozen=True)
class WorstCase:
    size: str
    kind: str
    layout: str
    base: str
    proposed: str  # a rewrite of base, or base with 30% of its words edited (replaced,
    # deleted or followed by another word of the vocabulary)
    current: str  # base with 5 words edited (new words), away from the proposal's edits


def make_worst_case(size: str, kind: str, layout: str, seed: int = 0) -> WorstCase:
    rng = random.Random(f"worst/{size}/{kind}/{layout}/{seed}")
    limit = WORST_SIZES[size]
    # Room for the words the edits add, so that no side is longer than the limit.
    parts = _repeated_words(rng, limit - limit // 25, layout)
    words = len(parts) // 2
    mine: dict[int, str] = {}
    if kind == "rewrite":
        proposed = "".join(_repeated_words(rng, limit, layout))
    else:
        for k in range(words):
            roll = rng.random()
            if roll < 0.15:
                mine[k] = rng.choice(SMALL_VOCABULARY)
            elif roll < 0.225:
                mine[k] = ""
            elif roll < 0.3:
                mine[k] = f"{parts[2 * k]} {rng.choice(SMALL_VOCABULARY)}"
        proposed = _render_words(parts, mine)
    theirs: dict[int, str] = {}
    for k in rng.sample(range(words), words):
        if len(theirs) == 5:
            break
        if all(k + d not in mine and k + d not in theirs for d in range(-4, 5)):
            theirs[k] = f"MỚI{k}"
    return WorstCase(
        size=size,
        kind=kind,
        layout=layout,
        base="".join(parts),
        proposed=proposed,
        current=_render_words(parts, theirs),
    )
