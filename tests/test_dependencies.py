"""What a deployer installs is what was tested: every dependency pyproject.toml declares
(direct, with its extras) is in the lock files, at a version its range allows, with
hashes; the lock files are what `make install` uses."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# One locked line: "name==version[ ; marker] \" followed by its --hash lines.
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)(?:\s*;\s*([^\\]+?))?\s*\\$")

# Markers are evaluated for each Python the project supports, not only this one.
PYTHONS = ("3.11", "3.12", "3.13", "3.14")


def _locked(name: str) -> list[tuple[str, Version, Marker | None, int]]:
    """(name, version, marker, number of hashes) of every entry in a lock file."""
    lines = (ROOT / name).read_text().splitlines()
    out = []
    for k, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        hashes = 0
        for following in lines[k + 1 :]:
            if not following.strip().startswith("--hash=sha256:"):
                break
            hashes += 1
        marker = Marker(match.group(3)) if match.group(3) else None
        out.append((_canonical(match.group(1)), Version(match.group(2)), marker, hashes))
    return out


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _applies(marker: Marker | None, python: str) -> bool:
    environment = {"python_version": python, "python_full_version": f"{python}.5"}
    return marker is None or marker.evaluate(environment)


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PROJECT["dependencies"]),
        (
            "requirements-test.lock",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"],
        ),
    ],
)
def test_every_declared_dependency_is_locked_in_range_with_hashes(lock, requirements):
    entries = _locked(lock)
    assert entries and all(hashes >= 1 for *_, hashes in entries)
    for python in PYTHONS:
        pinned = {name: version for name, version, marker, _ in entries if _applies(marker, python)}
        for line in requirements:
            requirement = Requirement(line)
            if not _applies(requirement.marker, python):
                assert _canonical(requirement.name) not in pinned, (python, line)
                continue
            version = pinned.get(_canonical(requirement.name))
            assert version is not None, f"{requirement.name} is not in {lock} for {python}"
            assert requirement.specifier.contains(version, prereleases=True), (python, line)


def test_redis_comes_with_the_limiter_and_fits_it():
    """One Redis client, the one Flask-Limiter's storage accepts (issue 17)."""
    names = [Requirement(line).name for line in PROJECT["dependencies"]]
    assert "redis" not in names
    limiter = next(Requirement(r) for r in PROJECT["dependencies"] if r.startswith("flask-limiter"))
    assert limiter.extras == {"redis"}
    assert any(name == "redis" for name, *_ in _locked("requirements.lock"))


def test_the_c_plus_plus_kernel_is_optional_where_it_has_no_wheel():
    locked = {name: marker for name, _, marker, _ in _locked("requirements.lock")}
    assert _applies(locked["fast-diff-match-patch"], "3.12")
    assert not _applies(locked["fast-diff-match-patch"], "3.13")
    assert _applies(locked["diff-match-patch"], "3.14")


def test_make_install_uses_the_lock_files_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(LOCK)" in makefile
    assert "--require-hashes -r $(TEST_LOCK)" in makefile
    assert re.search(r"^upgrade:", makefile, re.MULTILINE)
