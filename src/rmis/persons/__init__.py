"""Who is one person: linking a traveller's documents (certain rules, then a Splink model), the
review queue of uncertain links, merges and splits, and the export of the links.

This is the room's one door: other rooms use what is named here and nothing else of persons.
"""

from rmis.persons.changes import (
    Merged,
    PersonChangeError,
    Split,
    Touched,
    merge,
    out_of_step,
    resolve,
    split,
)
from rmis.persons.facts import DocumentFacts, PairScore
from rmis.persons.linking import (
    AUTOMATIC,
    CERTAIN,
    CONFIRMED,
    FIRST,
    LINKER,
    NO_MATCH,
    PENDING,
    Decision,
    Linker,
    current_linker,
)
from rmis.persons.linking import decide as decide_links
from rmis.persons.linking import record as record_links
from rmis.persons.queue import (
    Decided,
    ProposalView,
    confirm,
    count_open,
    open_proposals,
    proposal,
    reject,
)

__all__ = [
    "AUTOMATIC",
    "CERTAIN",
    "CONFIRMED",
    "FIRST",
    "LINKER",
    "NO_MATCH",
    "PENDING",
    "Decided",
    "Decision",
    "DocumentFacts",
    "Linker",
    "Merged",
    "PairScore",
    "PersonChangeError",
    "ProposalView",
    "Split",
    "Touched",
    "confirm",
    "count_open",
    "current_linker",
    "decide_links",
    "merge",
    "open_proposals",
    "out_of_step",
    "proposal",
    "record_links",
    "reject",
    "resolve",
    "split",
]
