"""Protection at the border: indicators at first contact, group patterns from the record,
referrals and their lifecycle, the non-refoulement guard; need-to-know, every read audited.

This is the room's one door: other rooms use what is named here and nothing else of protection.
"""

from rmis.protection.at_check import AtCheck, Suggestion, at_check
from rmis.protection.counts import DIMENSIONS, referral_counts
from rmis.protection.guard import guard_return, has_pending_claim, pending_claims
from rmis.protection.indicators import (
    AGENCIES,
    AGENCY_BY_CODE,
    INDICATORS,
    NEED_NAMES,
    NEEDS,
    Agency,
    Indicator,
    agencies_for,
    needs_of,
)
from rmis.protection.model import (
    STATE_NAMES,
    STATES,
    NonRefoulement,
    ProtectionError,
    RecordedIndicator,
    Referral,
    ReferralSummary,
)
from rmis.protection.patterns import PATTERN_NAMES, GroupPattern, Party, Seen, find_patterns
from rmis.protection.reading import (
    PatternRun,
    find_group_patterns,
    patterns_about,
    seen_crossings,
    stored_patterns,
)
from rmis.protection.record import (
    FirstContact,
    ProtectionRecord,
    first_contact,
    protection_record,
    record_indicators,
)
from rmis.protection.referrals import (
    follow_ups_due,
    move_referral,
    refer,
    referral,
    referral_queue,
    referrals_of,
)
from rmis.protection.stays import asylum_permits, asylum_seekers_on, without_asylum_seekers

__all__ = [
    "AGENCIES",
    "AGENCY_BY_CODE",
    "DIMENSIONS",
    "INDICATORS",
    "NEEDS",
    "NEED_NAMES",
    "PATTERN_NAMES",
    "STATES",
    "STATE_NAMES",
    "Agency",
    "AtCheck",
    "FirstContact",
    "GroupPattern",
    "Indicator",
    "NonRefoulement",
    "Party",
    "PatternRun",
    "ProtectionError",
    "ProtectionRecord",
    "RecordedIndicator",
    "Referral",
    "ReferralSummary",
    "Seen",
    "Suggestion",
    "agencies_for",
    "asylum_permits",
    "asylum_seekers_on",
    "at_check",
    "find_group_patterns",
    "find_patterns",
    "first_contact",
    "follow_ups_due",
    "guard_return",
    "has_pending_claim",
    "move_referral",
    "needs_of",
    "patterns_about",
    "pending_claims",
    "protection_record",
    "record_indicators",
    "refer",
    "referral",
    "referral_counts",
    "referral_queue",
    "referrals_of",
    "seen_crossings",
    "stored_patterns",
    "without_asylum_seekers",
]
