"""The password policy: long enough, not absurdly long, and not one of the commonest.

The list of the 20,000 commonest passwords is package data (data/SOURCES.md): read once, on
the first password set, never fetched at run time.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

MIN_LENGTH = 12
# argon2 hashes any length, so an unbounded password is a way to make the server work.
MAX_LENGTH = 256


class PasswordRefused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@cache
def common_passwords() -> frozenset[str]:
    data = files("rmis.security").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def check_password(password: str, name: str = "") -> None:
    """Raise PasswordRefused (password_too_short, password_too_long, password_common,
    password_is_name, password_control_characters) when the policy refuses it."""
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(
            "password_too_short", f"a password needs at least {MIN_LENGTH} characters"
        )
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(
            "password_too_long", f"a password has at most {MAX_LENGTH} characters"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise PasswordRefused(
            "password_control_characters", "a password may not hold control characters"
        )
    lowered = password.lower()
    if name and name.lower() in lowered:
        raise PasswordRefused("password_is_name", "a password may not contain the login name")
    # "Password123!" is as guessable as "password": the list's words with digits and marks
    # stripped from the ends are refused too.
    core = lowered.strip("0123456789!@#$%^&*?.-_ ")
    if lowered in common_passwords() or core in common_passwords():
        raise PasswordRefused(
            "password_common", "this password is among the 20,000 most common: choose another"
        )
