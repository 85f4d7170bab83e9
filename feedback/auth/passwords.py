"""Passwords: the strength policy (zxcvbn) and hashing (argon2id, older hashes still read)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from ..errors import InvalidInput

MIN_PASSWORD = 10
MAX_PASSWORD = 256
MIN_SCORE = 3
# zxcvbn's matching grows quickly with length; the first 72 characters of a password
# decide its strength (a weak start makes a weak password, a strong one is enough).
JUDGED_CHARS = 72


def check_policy(password, *, user_inputs: tuple[str, ...] = ()) -> None:
    """Refuse a password that is too short, too long, or that zxcvbn scores below 3,
    knowing the person's username and name (so neither makes a password)."""
    if not isinstance(password, str) or len(password.strip()) < MIN_PASSWORD:
        raise InvalidInput(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD),
            details={"field": "password"},
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(
            _("The password must have at most %(n)d characters.", n=MAX_PASSWORD),
            details={"field": "password"},
        )
    if strength(password, tuple(i for i in user_inputs if i)) < MIN_SCORE:
        raise InvalidInput(
            _(
                "This password is too easy to guess (it resembles common passwords, keyboard "
                "patterns, repeats or your own name). A phrase of several words is best."
            ),
            details={"field": "password"},
        )


def strength(password: str, user_inputs: tuple[str, ...]) -> int:
    """zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess). The username and
    the name count as known words: whole, word by word, run together, and without
    Vietnamese diacritics, as people type them in passwords."""
    inputs = set()
    for value in user_inputs:
        for form in (value, _without_diacritics(value)):
            words = re.split(r"[\s._-]+", form)
            inputs.update({form, "".join(words), *words})
    return zxcvbn(password[:JUDGED_CHARS], user_inputs=sorted(w for w in inputs if w))["score"]


def _without_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Hashing -----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """argon2id with this app's parameters (cheap ones in the test configuration)."""
    config = current_app.config
    return _hasher(
        config["FEEDBACK_ARGON2_TIME_COST"],
        config["FEEDBACK_ARGON2_MEMORY_KIB"],
        config["FEEDBACK_ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Check ``password`` against an argon2id hash, or an older werkzeug (scrypt) one."""
    if stored.startswith("$argon2"):
        try:
            return hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str) -> bool:
    """True for a hash made another way or with other parameters than today's."""
    return not stored.startswith("$argon2id$") or hasher().check_needs_rehash(stored)


@lru_cache(maxsize=8)
def _dummy_hash(_parameters: tuple[int, int, int]) -> str:
    return hasher().hash("not-a-real-password")


def waste_a_verification(password: str) -> None:
    """Take as long as checking a real password: a failed login then costs the same
    whether or not the username exists."""
    config = current_app.config
    parameters = (
        config["FEEDBACK_ARGON2_TIME_COST"],
        config["FEEDBACK_ARGON2_MEMORY_KIB"],
        config["FEEDBACK_ARGON2_PARALLELISM"],
    )
    verify_password(_dummy_hash(parameters), password)
