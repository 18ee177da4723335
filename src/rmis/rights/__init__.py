"""The data subject's rights: subject access (everything a state holds about a person, in
their language) and redress of a contested overstay or entry-ban flag.

This is the room's one door: other rooms use what is named here and nothing else of rights.
"""

from rmis.rights.access import ACCESS_ROLES, LANGUAGES, access_document, subject_access
from rmis.rights.rectify import RECTIFIABLE, rectify_document
from rmis.rights.redress import (
    FLAGS,
    REDRESS_ROLES,
    REMEDIES,
    RedressCase,
    RedressError,
    decide_case,
    raise_case,
)

__all__ = [
    "ACCESS_ROLES",
    "FLAGS",
    "LANGUAGES",
    "RECTIFIABLE",
    "REDRESS_ROLES",
    "REMEDIES",
    "RedressCase",
    "RedressError",
    "access_document",
    "decide_case",
    "raise_case",
    "rectify_document",
    "subject_access",
]
