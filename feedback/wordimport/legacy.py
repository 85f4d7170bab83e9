"""Vietnamese text in the legacy 8-bit encodings, recognised by the font it is set in.

Before Unicode (TCVN 6909:2001), provincial documents were typed in TCVN3 (ABC) with the
".Vn" fonts (".VnTime", ".VnArial"; ".VnTimeH" for capitals) or in VNI with the "VNI-"
fonts. Word stores such text as the Latin-1 characters of the bytes: "Ch­¬ng" for
"Chương". TCVN3 is converted by its table; VNI (two bytes a letter) is only reported.
"""

from __future__ import annotations

import unicodedata

# TCVN 5712:1993 (VN3): the byte of each letter, as Word keeps it (U+00A1..U+00FE).
_TCVN3_PAIRS = (
    "a1Ă a2Â a3Ê a4Ô a5Ơ a6Ư a7Đ a8ă a9â aaê abô acơ adư aeđ "
    "b5à b6ả b7ã b8á b9ạ bbằ bcẳ bdẵ beắ c6ặ c7ầ c8ẩ c9ẫ caấ cbậ "
    "ccè ceẻ cfẽ d0é d1ẹ d2ề d3ể d4ễ d5ế d6ệ d7ì d8ỉ dcĩ ddí deị "
    "dfò e1ỏ e2õ e3ó e4ọ e5ồ e6ổ e7ỗ e8ố e9ộ eaờ ebở ecỡ edớ eeợ "
    "efù f1ủ f2ũ f3ú f4ụ f5ừ f6ử f7ữ f8ứ f9ự faỳ fbỷ fcỹ fdý feỵ"
)
TCVN3 = {chr(int(pair[:2], 16)): pair[2:] for pair in _TCVN3_PAIRS.split()}
_TABLE = str.maketrans(TCVN3)


def font_encoding(font: str | None) -> str | None:
    """``"tcvn3"`` for a .Vn font, ``"vni"`` for a VNI- font, else None (Unicode)."""
    name = (font or "").strip()
    if name.startswith(".Vn") or name.startswith(".vn"):
        return "tcvn3"
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni"
    return None


def is_capitals_font(font: str | None) -> bool:
    """The ".VnTimeH" family draws the lowercase codes as capitals."""
    name = (font or "").strip()
    return name.startswith(".Vn") and name.endswith("H")


def tcvn3_to_unicode(text: str, *, capitals: bool = False) -> str:
    """TCVN3 text as Word stores it, in Unicode NFC."""
    converted = text.translate(_TABLE)
    if capitals:
        converted = converted.upper()
    return unicodedata.normalize("NFC", converted)


def unicode_to_tcvn3(text: str) -> str:
    """The inverse, for tests and fixtures: NFC Unicode as a .Vn font would store it."""
    inverse = {letter: byte for byte, letter in TCVN3.items()}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
