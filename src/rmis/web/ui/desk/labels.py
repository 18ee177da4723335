"""What the desk shows for the codes the services answer with, in the officer's language.

Codes are stable (documents, flags, stay statuses, purposes, refusal reasons); their words are
messages of the `desk` catalogue. A code the table does not know is shown with the service's
own English message, so a new code is never hidden.
"""

from __future__ import annotations

from rmis.locales import N_

FIELDS = {
    "document_number": N_("document number"),
    "birth_date": N_("birth date"),
    "expiry_date": N_("expiry date"),
    "optional_data": N_("optional data"),
    "composite": N_("whole MRZ (composite)"),
    "issuing_state": N_("issuing state"),
    "nationality": N_("nationality"),
    "names": N_("names"),
    "sex": N_("sex"),
    "document_code": N_("document type"),
    "mrz": N_("MRZ"),
}

# Findings about the document, by code: %(field)s is the field's label above.
FINDINGS = {
    "check_digit_mismatch": N_("The check digit of the %(field)s does not match."),
    "suggested_repair": N_(
        "The %(field)s may be misread by the scanner: see the suggested repair."
    ),
    "document_expired": N_("The document has expired."),
    "expired": N_("The document has expired."),
    "specimen": N_("This is a specimen document (issuing state UTO)."),
    "unknown_country": N_("The %(field)s is not an ICAO country code."),
    "invalid_date": N_("The %(field)s is not a valid date."),
    "invalid_character": N_("The %(field)s has characters an MRZ cannot have."),
    "names_truncated": N_("The names are cut short in the MRZ: compare with the data page."),
    "birth_date_incomplete": N_("The birth date is not complete (unknown day or month)."),
    "expiry_before_birth": N_("The expiry date is before the birth date."),
    "mrz_invalid": N_("The reader found the MRZ not valid."),
    "missing_field": N_("The %(field)s is missing."),
    "invalid_sex": N_("The sex is not M, F or <."),
    "invalid_document_number": N_("The document number is not valid."),
    "long_document_number": N_("The document number continues in the optional data."),
    "no_surname": N_("The MRZ has no surname."),
}

# What recording the crossing now would flag (data problems, never a reason to refuse).
FLAGS = {
    "exit_without_entry": N_("Exit without a recorded entry."),
    "entry_while_inside": N_("Entry while the record says the traveller is inside."),
    "document_invalid": N_("The document is not valid."),
    "document_expired": N_("The document has expired."),
    "implausible_birth_date": N_("The birth date is not plausible."),
    "implausible_expiry_date": N_("The expiry date is not plausible."),
}

STAY_STATUS = {
    "lawful": N_("Lawful stay"),
    "covered_by_permit": N_("Covered by a permit"),
    "registration_overdue": N_("Registration overdue"),
    "overstay": N_("Overstay"),
    "no_allowance": N_("No days left to enter"),
    "undetermined": N_("No rule to judge by"),
}
STAY_TONE = {
    "lawful": "ok", "covered_by_permit": "ok", "registration_overdue": "warn",
    "overstay": "bad", "no_allowance": "bad", "undetermined": "info",
}  # fmt: skip

LINKS = {
    "first": N_("first document of this person"),
    "certain": N_("linked for certain (previous document or personal number)"),
    "automatic": N_("linked by the model (high score)"),
    "confirmed": N_("linked by a person's review"),
    "pending": N_("possible link waiting for review"),
}

# The keys of the record form: one keystroke each.
PURPOSES = {
    "tourism": (N_("tourism"), "1"),
    "business": (N_("business"), "2"),
    "work": (N_("work"), "3"),
    "study": (N_("study"), "4"),
    "private": (N_("private visit"), "5"),
    "transit": (N_("transit"), "6"),
    "residence": (N_("residence"), "7"),
    "crew": (N_("transport crew"), "8"),
    "official": (N_("official"), "9"),
    "other": (N_("other"), "0"),
}

# The refusal reason codes of the reference list (reference/data/refusal_reasons.csv).
REFUSAL_REASONS = {
    "A": N_("has no valid travel document"),
    "B": N_("has a false, counterfeit or forged travel document"),
    "C": N_("has no valid visa or residence permit"),
    "D": N_("has a false, counterfeit or forged visa or residence permit"),
    "E": N_("has no documents justifying the purpose and conditions of stay"),
    "F": N_("has already stayed the maximum allowed period"),
    "G": N_("does not have sufficient means of subsistence"),
    "H": N_("is subject to an entry ban (alert list)"),
    "I": N_("is considered a threat to public policy or public security"),
}

LIST_KINDS = {
    "documents": N_("lost and stolen documents"),
    "wanted": N_("wanted persons"),
    "entry_ban": N_("entry bans"),
    "missing": N_("missing persons"),
    "sanctions": N_("sanctions"),
}

# Refusals of the services, by their stable code (the English message stays for the rest).
ERRORS = {
    "role_not_allowed": N_("Your role may not do this."),
    "outside_state_scope": N_("This is outside your state."),
    "outside_bcp_scope": N_("You are not posted at this BCP."),
    "already_decided": N_("Someone has already decided this hit."),
    "cannot_escalate": N_("This hit cannot be escalated now."),
    "not_found": N_("Not found in your state's record."),
    "reason_required": N_("Say why: a decision needs its reason."),
    "reason_too_long": N_("The reason is too long."),
    "mrz_empty": N_("The MRZ is empty."),
    "mrz_too_long": N_("The text is too long for an MRZ."),
    "mrz_line_count": N_("An MRZ has two or three lines."),
    "mrz_line_length": N_("The lines are not as long as an MRZ's (30, 36 or 44 characters)."),
    "crossing_voided": N_("This crossing is already void."),
}

HIT_STATUS = {
    "open": N_("open"),
    "escalated": N_("escalated"),
    "confirmed": N_("confirmed"),
    "dismissed": N_("dismissed"),
}
