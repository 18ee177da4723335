"""Who is one person: linking a traveller's documents (certain rules, then a Splink model), the
review queue of uncertain links, merges and splits, and the export of the links.

This is the room's one door: other rooms use what is named here and nothing else of persons.
"""

from rmis.persons.changes import (
    Merged,
    PersonChangeError,
    Split,
    Touched,
    all_out_of_step,
    merge,
    out_of_step,
    resolve,
    split,
)
from rmis.persons.documents_table import read_documents
from rmis.persons.export import CONTRACT, EXPORT_FORMATS, export_documents
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
    rules_only,
    switched_off,
)
from rmis.persons.linking import decide as decide_links
from rmis.persons.linking import record as record_links
from rmis.persons.model import LinkModel, ModelError, load_link_model, save_link_model
from rmis.persons.queue import (
    Decided,
    ProposalView,
    confirm,
    count_open,
    open_proposals,
    proposal,
    reject,
)
from rmis.persons.relink import RELINKER, Applied, Plan
from rmis.persons.relink import apply as apply_relink
from rmis.persons.relink import plan as plan_relink
from rmis.persons.splink_model import train as train_model
from rmis.persons.staged import staged_linker, with_candidates
from rmis.persons.summary import LinkCounts, link_counts

__all__ = [
    "AUTOMATIC",
    "CERTAIN",
    "CONFIRMED",
    "CONTRACT",
    "EXPORT_FORMATS",
    "FIRST",
    "LINKER",
    "NO_MATCH",
    "PENDING",
    "RELINKER",
    "Applied",
    "Decided",
    "Decision",
    "DocumentFacts",
    "LinkCounts",
    "LinkModel",
    "Linker",
    "Merged",
    "ModelError",
    "PairScore",
    "PersonChangeError",
    "Plan",
    "ProposalView",
    "Split",
    "Touched",
    "all_out_of_step",
    "apply_relink",
    "confirm",
    "count_open",
    "current_linker",
    "decide_links",
    "export_documents",
    "link_counts",
    "load_link_model",
    "merge",
    "open_proposals",
    "out_of_step",
    "plan_relink",
    "proposal",
    "read_documents",
    "record_links",
    "reject",
    "resolve",
    "rules_only",
    "save_link_model",
    "split",
    "staged_linker",
    "switched_off",
    "train_model",
    "with_candidates",
]
