"""The system of record: the services that record and read crossings, permits, registrations.

This is the room's one door: other rooms use what is named here and nothing else of registry.
"""

from rmis.registry.bounds import (
    FIRST_CROSSING,
    FIRST_DAY,
    FIRST_DOCUMENT_DAY,
    INT32_MAX,
    LAST_CROSSING,
    LAST_DAY,
    LAST_DOCUMENT_DAY,
    MAX_NAME_LENGTH,
    has_control,
)
from rmis.registry.checks import Check, CheckedDocument, CheckFlag, run_check
from rmis.registry.corrected import (
    Correction,
    CorrectionKind,
    apply_corrections,
    corrected_history,
    crossings_as_corrected,
    load_corrections,
)
from rmis.registry.corrections import MAX_REASON_LENGTH, CorrectionConflict, correct_crossing
from rmis.registry.crossings import record_crossings
from rmis.registry.document_reading import (
    DocumentRead,
    DocumentUnreadable,
    Finding,
    Repair,
    Severity,
    read_document,
)
from rmis.registry.importing import ImportFileError, ImportSummary, count_rows, import_crossings
from rmis.registry.model import (
    Direction,
    DocumentSeen,
    Flag,
    InvalidRecord,
    NewCrossing,
    Outcome,
    Purpose,
    Recorded,
)
from rmis.registry.people import (
    LinkedDocument,
    RelinkSummary,
    confirm_proposal,
    export_links,
    list_proposals,
    person_documents,
    reject_proposal,
    relink_record,
    split_document,
)
from rmis.registry.permit_import import PermitImportSummary, import_permits
from rmis.registry.permits import add_permit, add_registration
from rmis.registry.reads import (
    NotFound,
    StayAnswer,
    document_history,
    overstays,
    person_history,
    stay_status,
    traveller_history,
)
from rmis.registry.recording import ReferenceFacts, load_reference_facts
from rmis.registry.resends import ConflictingResend
from rmis.registry.timelines import load_timelines

__all__ = [
    "FIRST_CROSSING",
    "FIRST_DAY",
    "FIRST_DOCUMENT_DAY",
    "INT32_MAX",
    "LAST_CROSSING",
    "LAST_DAY",
    "LAST_DOCUMENT_DAY",
    "MAX_NAME_LENGTH",
    "MAX_REASON_LENGTH",
    "Check",
    "CheckFlag",
    "CheckedDocument",
    "ConflictingResend",
    "Correction",
    "CorrectionConflict",
    "CorrectionKind",
    "Direction",
    "DocumentRead",
    "DocumentSeen",
    "DocumentUnreadable",
    "Finding",
    "Flag",
    "ImportFileError",
    "ImportSummary",
    "InvalidRecord",
    "LinkedDocument",
    "NewCrossing",
    "NotFound",
    "Outcome",
    "PermitImportSummary",
    "Purpose",
    "Recorded",
    "ReferenceFacts",
    "RelinkSummary",
    "Repair",
    "Severity",
    "StayAnswer",
    "add_permit",
    "add_registration",
    "apply_corrections",
    "confirm_proposal",
    "correct_crossing",
    "corrected_history",
    "count_rows",
    "crossings_as_corrected",
    "document_history",
    "export_links",
    "has_control",
    "import_crossings",
    "import_permits",
    "list_proposals",
    "load_corrections",
    "load_reference_facts",
    "load_timelines",
    "overstays",
    "person_documents",
    "person_history",
    "read_document",
    "record_crossings",
    "reject_proposal",
    "relink_record",
    "run_check",
    "split_document",
    "stay_status",
    "traveller_history",
]
