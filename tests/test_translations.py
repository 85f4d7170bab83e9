"""The Vietnamese catalog is complete and well-formed (no database needed).

Every user-facing string found in the code and templates must have a Vietnamese
translation. The strings are found the way `make messages` finds them: Babel's
extractor with the method map of babel.cfg, the keywords `_l` and `lazy_gettext`
besides Babel's defaults, and the Makefile's --ignore-dirs if it gives any.
"""

from __future__ import annotations

import fnmatch
import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parents[1]
BABEL_CFG = ROOT / "babel.cfg"
MAKEFILE = ROOT / "Makefile"
CATALOG = ROOT / "feedback" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"

# The Makefile's `-k _l -k lazy_gettext`, on top of gettext, ngettext, _ ... .
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# A python-format placeholder: %(name)s, %(n)d, %(code)04X, %(x).2f ...
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]")

HOW_TO_FIX = (
    "Run `make messages`, then translate the new entries in "
    "feedback/translations/vi/LC_MESSAGES/messages.po (and remove their `#, fuzzy` flags)."
)


def _parse_mapping(path: Path):
    from babel.messages import frontend

    with path.open(encoding="utf-8") as fileobj:
        if hasattr(frontend, "parse_mapping_cfg"):  # Babel >= 2.14
            return frontend.parse_mapping_cfg(fileobj, filename=str(path))
        return frontend.parse_mapping(fileobj, filename=str(path))


@pytest.fixture(scope="module")
def mapping():
    return _parse_mapping(BABEL_CFG)


def _makefile_ignore_dirs() -> list[str]:
    """The --ignore-dirs patterns that the Makefile gives `pybabel extract`, if any."""
    patterns: list[str] = []
    text = MAKEFILE.read_text(encoding="utf-8") if MAKEFILE.exists() else ""
    for line in text.splitlines():
        if "pybabel" in line and re.search(r"\bextract\b", line):
            for match in re.finditer(r"--ignore-dirs(?:=|\s+)(\"[^\"]*\"|'[^']*'|\S+)", line):
                patterns += match.group(1).strip("'\"").split()
    return patterns


def _keeps_folder(method_map):
    """Whether the extractor walks into a folder, as `pybabel extract` decides it."""
    patterns = _makefile_ignore_dirs()

    def keeps(relative_dir: str) -> bool:
        name = relative_dir.rsplit("/", 1)[-1]
        if patterns:  # --ignore-dirs replaces Babel's default rule
            return not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
        # Babel's default: skip folders starting with '.' or '_', and 'ignore' patterns.
        if name.startswith((".", "_")):
            return False
        return not any(m == "ignore" and pathmatch(p, relative_dir) for p, m in method_map)

    return keeps


@pytest.fixture(scope="module")
def extracted(mapping) -> dict[tuple[object, str | None], list[str]]:
    """(msgid, context) -> where it occurs; the msgid is a tuple for plural forms."""
    method_map, options_map = mapping
    keeps = _keeps_folder(method_map)
    found: dict[tuple[object, str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: keeps(Path(path).relative_to(ROOT).as_posix()),
    ):
        found.setdefault((message, context), []).append(f"{filename}:{lineno}")
    assert found, "No message was extracted at all: is babel.cfg right?"
    return found


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as fileobj:
        return read_po(fileobj, locale="vi")


def _singular(msgid):
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def test_every_extracted_string_has_a_vietnamese_translation(extracted, catalog):
    missing = []
    for (msgid, context), places in extracted.items():
        message = catalog.get(_singular(msgid), context)
        problem = None
        if message is None:
            problem = "not in the catalog"
        elif message.fuzzy:
            problem = "fuzzy"
        elif not all(s.strip() for s in _strings(message)):
            problem = "not translated"
        if problem:
            missing.append(f"  {_singular(msgid)!r} ({problem}; {places[0]})")
    assert not missing, (
        f"{len(missing)} user-facing string(s) have no Vietnamese translation:\n"
        + "\n".join(sorted(missing))
        + "\n"
        + HOW_TO_FIX
    )


def test_no_fuzzy_or_empty_entries_are_left(catalog):
    left = [
        repr(_singular(m.id))
        for m in catalog
        if m.id and (m.fuzzy or not all(s.strip() for s in _strings(m)))
    ]
    assert not left, (
        "Untranslated or fuzzy entries in the vi catalog:\n  "
        + "\n  ".join(left)
        + "\n"
        + HOW_TO_FIX
    )


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def _stray_percent(text: str) -> list[str]:
    """What is left of '%' once the placeholders and '%%' are taken out."""
    rest = PLACEHOLDER.sub("", text).replace("%%", "")
    return [rest[i : i + 6] for i in range(len(rest)) if rest[i] == "%"]


def test_translations_keep_the_placeholders_of_their_msgid(catalog):
    wrong = []
    for message in catalog:
        if not message.id or not any(_strings(message)):
            continue
        ids = list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]
        # Vietnamese has one plural form: it must serve every count, so it takes the
        # placeholders of the plural msgid (which also holds those of the singular).
        expected = _placeholders(ids[-1])
        for translation in _strings(message):
            if not translation:
                continue
            got = _placeholders(translation)
            if got != expected:
                wrong.append(
                    f"  {ids[0]!r}: expected {sorted(expected)}, found {sorted(got)} in {translation!r}"
                )
            if message.python_format and _stray_percent(translation):
                wrong.append(f"  {ids[0]!r}: a lone '%' in {translation!r} (write '%%')")
    assert not wrong, "Translations whose placeholders differ from the msgid:\n" + "\n".join(wrong)


def test_catalog_passes_babels_checks(catalog):
    errors = [
        f"  {_singular(message.id)!r}: {'; '.join(str(e) for e in errs)}"
        for message, errs in catalog.check()
        if errs
    ]
    assert not errors, "Babel's catalog checks failed:\n" + "\n".join(errors)


def test_plural_entries_have_exactly_one_form(catalog):
    assert catalog.num_plurals == 1, (
        "Vietnamese has one plural form: the header must say nplurals=1"
    )
    wrong = [
        repr(m.id[0])
        for m in catalog
        if m.id and m.pluralizable and len(_strings(m)) != catalog.num_plurals
    ]
    assert not wrong, "Plural entries must fill msgstr[0] only:\n  " + "\n  ".join(wrong)


def test_catalog_compiles(catalog):
    buffer = BytesIO()
    write_mo(buffer, catalog)
    assert len(buffer.getvalue()) > 1000

    import gettext

    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    assert translations.gettext("Reports") == "Báo cáo"


def _mapped_files(method_map):
    """(path, method, skipping folder or None) of every file that babel.cfg maps to an extractor."""
    keeps = _keeps_folder(method_map)
    for folder, subfolders, filenames in os.walk(ROOT):
        # Only what can never hold sources: the virtualenv, git, caches.
        subfolders[:] = sorted(
            d for d in subfolders if not d.startswith(".") and d != "__pycache__"
        )
        for filename in sorted(filenames):
            relative = (Path(folder) / filename).relative_to(ROOT).as_posix()
            method = next((m for p, m in method_map if pathmatch(p, relative)), None)
            if method in (None, "ignore"):
                continue
            parts = relative.split("/")[:-1]
            skipped_by = next(
                (
                    "/".join(parts[: i + 1])
                    for i in range(len(parts))
                    if not keeps("/".join(parts[: i + 1]))
                ),
                None,
            )
            yield relative, method, skipped_by


def test_the_extractor_reads_every_mapped_file(mapping):
    """Babel skips some files without a word: those in a folder whose name starts with
    '_' (templates/_macros), and templates that Jinja cannot parse without an extension
    the app uses (`{% do %}`) but babel.cfg does not declare. Their strings would never
    reach the catalog, and the tests above could not notice."""
    jinja2 = pytest.importorskip("jinja2")
    method_map, options_map = mapping
    problems = []
    for relative, method, skipped_by in _mapped_files(method_map):
        if skipped_by:
            problems.append(
                f"  {relative}: never read, Babel skips the folder {skipped_by}/ "
                "(give `pybabel extract` in the Makefile --ignore-dirs '.* __pycache__', "
                "or move the file)"
            )
            continue
        if "jinja2" not in method:
            continue
        pattern = next(p for p, m in method_map if pathmatch(p, relative))
        options = options_map.get(pattern, {})
        extensions = ["jinja2.ext.i18n"] + [
            name.strip() for name in options.get("extensions", "").split(",") if name.strip()
        ]
        try:
            jinja2.Environment(extensions=extensions).parse(
                (ROOT / relative).read_text(encoding="utf-8"), name=relative
            )
        except jinja2.TemplateSyntaxError as error:
            problems.append(
                f"  {relative}:{error.lineno}: {error.message} "
                f"(declare the extension in babel.cfg under [{method}: {pattern}], "
                "e.g. `extensions = jinja2.ext.do`)"
            )
    assert not problems, (
        "`make messages` silently misses the strings of these files:\n"
        + "\n".join(problems)
        + "\nFix that, then run `make messages` and translate the new entries."
    )
