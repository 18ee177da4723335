"""What a proposal to link two documents is judged on, as one digest (link_proposals.fingerprint).

A rejected pair is not proposed again unless either side's linking data changes: the digest
covers every fact linking reads of both documents (not their person), in an order that does not
depend on which of the two is the new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields

from rmis.persons.facts import DocumentFacts

_LINKING_FACTS = tuple(f.name for f in fields(DocumentFacts) if f.name != "traveller_id")


def _facts(doc: DocumentFacts) -> list[str | None]:
    return [None if (v := getattr(doc, name)) is None else str(v) for name in _LINKING_FACTS]


def fingerprint(a: DocumentFacts, b: DocumentFacts) -> str:
    """SHA-256 over both documents' linking facts, the same whichever comes first."""
    pair = sorted([_facts(a), _facts(b)], key=lambda facts: facts[0] or "")
    return hashlib.sha256(json.dumps(pair, separators=(",", ":")).encode()).hexdigest()
