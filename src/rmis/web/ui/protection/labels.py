"""The protection pages' words for the codes the protection room answers with: indicators,
needs, agencies, referral states, patterns, errors. A code without words here is shown with the
room's own English, so a new code is never hidden."""

from __future__ import annotations

from rmis.locales import N_

INDICATORS = {
    "asks_asylum": N_("Asks for asylum or says they fear going back"),
    "child_alone": N_("A child alone or separated: no parent or carer travels with them"),
    "documents_held": N_("Someone else holds their passport or documents"),
    "debt_to_recruiter": N_("Owes money to a recruiter or to whoever organised the journey"),
    "not_free": N_("Not free to move or to speak for themselves"),
    "controlling_companion": N_(
        "Travels in a group with one companion who speaks and decides for all"
    ),
    "stateless": N_("Stateless, or without any travel document"),
    "medical_need": N_("Needs medical care now"),
    "survivor_of_violence": N_("Has survived violence, or says so"),
}
NEEDS = {
    "asylum": N_("Asylum"),
    "child_protection": N_("Child protection"),
    "trafficking": N_("Trafficking"),
    "medical": N_("Medical care"),
    "statelessness": N_("Statelessness"),
    "violence": N_("Survivor of violence"),
}
AGENCIES = {
    "asylum_authority": N_("Asylum authority"),
    "child_protection_service": N_("Child-protection service"),
    "anti_trafficking_unit": N_("Anti-trafficking unit"),
    "medical_service": N_("Medical service"),
    "unhcr_partner": N_("UNHCR partner"),
    "iom_partner": N_("IOM partner"),
}
STATES = {
    "in_progress": N_("In progress"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "done": N_("Done"),
    "revoked": N_("Revoked"),
}
STATE_TONES = {"in_progress": "info", "accepted": "ok", "rejected": "bad", "done": "ok",
               "revoked": "warn"}  # fmt: skip
PATTERNS = {
    "companion": N_("Crossed in with different groups and left without them"),
    "unrelated_minors": N_("Crossed in with children of other families and left without them"),
}
ERRORS = {
    "reason_required": N_("Give the reason."),
    "invalid_transition": N_("The referral cannot move to that state now."),
    "consent_required": N_(
        "An adult is referred only with their consent. Without it, only a child, with the "
        "best-interests basis."
    ),
    "basis_required": N_("A child referred without consent needs the best-interests basis."),
    "agency_not_for_need": N_("That agency does not meet this need."),
    "unknown_agency": N_("Choose an agency from the list."),
    "unknown_need": N_("Choose a need from the list."),
    "unknown_indicator": N_("Tick at least one of the indicators."),
    "not_found": N_("Not found in this state's records."),
    "too_long": N_("The text is too long."),
    "non_refoulement": N_(
        "Not recorded: this person's asylum claim is pending. Nobody may be returned while it "
        "is. Admit the person or ask a protection officer."
    ),
}
