"""The tables of the system of record (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Migrations under store/migrations create and change these; this module is what the code
queries against and what Alembic compares with.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Sequence64 = BigInteger().with_variant(Integer(), "sqlite")

STATE = String(3)  # ICAO three-letter code

bcps = Table(
    "bcps",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("state", STATE, nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("mode", String(8), nullable=False),
    Column("neighbour", STATE),
    Column("counterpart", String(64)),
    Column("time_zone", String(64), nullable=False),
    Column("source", Text, nullable=False),
    CheckConstraint("mode IN ('air', 'road', 'rail', 'sea')", name="mode"),
)

refusal_reasons = Table(
    "refusal_reasons",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("description", Text, nullable=False),
    Column("source", Text, nullable=False),
)

# A traveller is one person as far as this state knows; their documents point at them.
# A merge keeps one id: the other gets `merged_into` and answers with the surviving one.
travellers = Table(
    "travellers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("merged_into", Uuid, ForeignKey("travellers.id")),
    Column("merged_at", DateTime(timezone=True)),
)

# How a document joined its person (persons/): the first of a person's documents; a renewal the
# document proves (certain); a probable match made by the linker (automatic) or by a supervisor
# from the review queue (confirmed); or waiting in that queue (pending, on a traveller of its own).
LINKS = ("first", "certain", "automatic", "confirmed", "pending")

documents = Table(
    "documents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("issuing_state", STATE, nullable=False),
    Column("number", String(32), nullable=False),
    Column("document_type", String(2), nullable=False),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False, index=True),
    Column("surname", Text, nullable=False),
    Column("given_names", Text, nullable=False),
    Column("nationality", STATE, nullable=False),
    Column("birth_date", Date),
    Column("sex", String(1), nullable=False),
    Column("expiry_date", Date),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    # What linking reads beyond the MRZ's names: the personal number of the optional data,
    # the names in the national script, and the number of the document this one replaced.
    Column("optional_data", String(32)),
    Column("national_surname", Text),
    Column("national_given_names", Text),
    Column("previous_document_number", String(32)),
    Column("link", String(10), nullable=False, server_default="first"),
    UniqueConstraint("issuing_state", "number", "document_type"),
    CheckConstraint(
        "link IN ('first', 'certain', 'automatic', 'confirmed', 'pending')", name="link"
    ),
    # Blocking: the linker's candidates for a new document share its birth date, or its
    # personal number, or carry its number as their previous one (and the other way round),
    # or its state and names with a birth date a digit off (a date mistyped: migration 0004).
    Index(None, "birth_date"),
    Index(None, "issuing_state", "optional_data"),
    Index(None, "issuing_state", "previous_document_number"),
    Index(None, "issuing_state", "surname", "given_names", "birth_date"),
)

# Every change of a document's person, with who made it and why: the record of how people were
# linked, read by audits and by the review of a wrong link. Never updated.
person_links = Table(
    "person_links",
    metadata,
    Column("seq", Sequence64, primary_key=True, autoincrement=True),
    Column("document_id", Uuid, ForeignKey("documents.id"), nullable=False, index=True),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False),
    Column("previous_traveller_id", Uuid, ForeignKey("travellers.id")),
    # first, certain, automatic, confirmed, pending (as documents.link), or split, rejected
    Column("kind", String(10), nullable=False),
    Column("rule", String(32), nullable=False),  # which rule or model decided it
    Column("probability", Float),
    Column("detail", JSON),  # the evidence: matched fields, comparison levels, the reason given
    Column("decided_by", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# The review queue: pairs whose match probability is in the middle band, for a supervisor to
# confirm or reject. `fingerprint` covers both sides' linking data, so a rejected pair is not
# proposed again unless either side changes.
link_proposals = Table(
    "link_proposals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("document_id", Uuid, ForeignKey("documents.id"), nullable=False, index=True),
    Column("candidate_id", Uuid, ForeignKey("documents.id"), nullable=False, index=True),
    Column("probability", Float, nullable=False),
    Column("detail", JSON),
    Column("fingerprint", String(64), nullable=False),
    Column("status", String(10), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(128)),
    Column("reason", Text),
    CheckConstraint("status IN ('open', 'confirmed', 'rejected', 'withdrawn')", name="status"),
    Index(None, "status", "proposed_at"),
)

# The linkage model in force: Splink's trained Fellegi-Sunter parameters and the two thresholds.
# The newest version is used; older ones stay, so every probable link can be traced to its model.
link_models = Table(
    "link_models",
    metadata,
    Column("version", Sequence64, primary_key=True, autoincrement=True),
    Column("trained_at", DateTime(timezone=True), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("automatic_threshold", Float, nullable=False),
    Column("review_threshold", Float, nullable=False),
    Column("metrics", JSON),
)

crossings = Table(
    "crossings",
    metadata,
    # seq orders crossings as they were recorded, for incremental export; id is made at capture.
    Column("seq", Sequence64, primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("direction", String(5), nullable=False),
    Column("bcp_code", String(64), ForeignKey("bcps.code"), nullable=False),
    Column("host_state", STATE, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("local_date", Date, nullable=False),
    Column("document_id", Uuid, ForeignKey("documents.id"), nullable=False),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False),
    Column("nationality", STATE, nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("mode", String(8), nullable=False),
    Column("outcome", String(8), nullable=False),
    Column("refusal_reason", String(8), ForeignKey("refusal_reasons.code")),
    Column("officer", String(128), nullable=False),
    Column("mrz_valid", Boolean, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("direction IN ('entry', 'exit')", name="direction"),
    CheckConstraint("outcome IN ('admitted', 'refused')", name="outcome"),
    CheckConstraint(
        "(outcome = 'refused') = (refusal_reason IS NOT NULL)", name="refusal_has_reason"
    ),
    # Histories and stay (also a document's, through its traveller), then overstays and flows.
    # No index on document_id: nothing looks crossings up by it (migration 0002).
    Index(None, "traveller_id", "host_state", "occurred_at"),
    Index(None, "host_state", "local_date"),
)

# Border checks (POST /api/v1/checks): what was looked up, by whom, where. A check records no
# crossing; a crossing recorded after it names it, so the audit log ties the two.
checks = Table(
    "checks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("principal", String(128), nullable=False),
    Column("bcp_code", String(64), ForeignKey("bcps.code"), nullable=False),
    Column("direction", String(5), nullable=False),
    Column("document_id", Uuid, ForeignKey("documents.id")),
    Column("traveller_id", Uuid, ForeignKey("travellers.id")),
    Column("document_valid", Boolean, nullable=False),
)

# Data problems are recorded, not rejected: one row per problem an analyst can count.
crossing_flags = Table(
    "crossing_flags",
    metadata,
    Column("crossing_seq", Sequence64, ForeignKey("crossings.seq"), primary_key=True),
    Column("flag", String(32), primary_key=True),
    Index(None, "flag"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("seq", Sequence64, primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("crossing_id", Uuid, ForeignKey("crossings.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("officer", String(128), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('amend', 'void')", name="kind"),
)

permits = Table(
    "permits",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False, index=True),
    Column("host_state", STATE, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("number", String(64)),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),
    Column("entries_allowed", Integer),  # visas: None for multiple entries
    Column("duration_days", Integer),  # visas: days of stay allowed per entry
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('visa', 'residence', 'work', 'patent')", name="kind"),
    CheckConstraint("valid_from <= valid_to", name="period"),
)

registrations = Table(
    "registrations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False, index=True),
    Column("host_state", STATE, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("valid_to", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

principals = Table(
    "principals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("state", STATE, nullable=False),
    Column("password_hash", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    # Role agency only: the receiving agency whose referrals it sees (migration 0014).
    Column("agency", String(64)),
)

principal_bcps = Table(
    "principal_bcps",
    metadata,
    Column("principal_id", Uuid, ForeignKey("principals.id"), primary_key=True),
    Column("bcp_code", String(64), ForeignKey("bcps.code"), primary_key=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("principal_id", Uuid, ForeignKey("principals.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),  # login sessions expire; machine tokens don't
    Column("revoked_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Sequence64, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("principal", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("detail", JSON),
    # The digest of this row's own content: written without a lock. The keyed chain that makes
    # a removed or altered row show is audit_links, sealed by one writer (security/audit.py).
    Column("hash", String(64), nullable=False),
    # Hash on PostgreSQL: a batch's subject names every crossing, beyond a btree entry's limit
    # (migration 0013); the audit search asks for a subject by equality.
    Index("ix_audit_log_subject", "subject", postgresql_using="hash"),
)

# The audit chain (migration 0007): link n = HMAC(key, link n-1, pos, seq, the row's digest),
# under a key outside the database. Both audit tables refuse UPDATE and DELETE (triggers).
audit_links = Table(
    "audit_links",
    metadata,
    Column("pos", Sequence64, primary_key=True, autoincrement=False),
    Column("seq", Sequence64, nullable=False, unique=True),
    Column("key_id", String(32), nullable=False),
    Column("link", String(64), nullable=False),
    Column("sealed_at", DateTime(timezone=True), nullable=False),
)

# Failed logins per name and per address (security/throttle.py): delays grow with failures,
# and a name locked after too many stays locked until an admin lifts it.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked", Boolean, nullable=False),
)

# Tries at the migrant's page's "check my record" (web/ui/stay/throttle.py, migration 0009):
# per hashed address or document, per minute and per day bucket, shared by every worker.
stay_check_tries = Table(
    "stay_check_tries",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("bucket", String(16), primary_key=True),
    Column("starts", DateTime(timezone=True), nullable=False, index=True),
    Column("tries", Integer, nullable=False),
)

# Alert lists (screening/, migration 0005): each list once, with its version in force. A
# re-import is the next version: its entries are written over in place and what it added,
# changed and withdrew is counted in alert_list_versions. `answer_hours` is how long the list's
# owner has to answer a confirmed hit (SIRENE: 12 hours); None when no answer is awaited.
LIST_KINDS = ("documents", "wanted", "entry_ban", "missing", "sanctions")

alert_lists = Table(
    "alert_lists",
    metadata,
    Column("name", String(128), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("owner", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("answer_hours", Float),
    CheckConstraint(
        "kind IN ('documents', 'wanted', 'entry_ban', 'missing', 'sanctions')", name="kind"
    ),
)

alert_list_versions = Table(
    "alert_list_versions",
    metadata,
    Column("list_name", String(128), ForeignKey("alert_lists.name"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    Column("loaded_by", String(128), nullable=False),
    Column("owner", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("added", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("withdrawn", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("malformed", JSON, nullable=False),  # [{"position": ..., "reason": ...}]
)

# One row per entry a list has ever had, as its newest version says it (`content`, the
# ListEntry's JSON, and its hash). `listed_in`: the version it was (last) put on the list in;
# `changed_in`: the version that last wrote its content; `withdrawn_in`: the version it was
# missing from (it no longer hits), None while it is on the list.
alert_entries = Table(
    "alert_entries",
    metadata,
    Column("id", Sequence64, primary_key=True, autoincrement=True),
    Column("list_name", String(128), ForeignKey("alert_lists.name"), nullable=False),
    Column("entry_id", String(256), nullable=False),
    Column("subject", String(8), nullable=False),
    Column("content", JSON, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("listed_in", Integer, nullable=False),
    Column("changed_in", Integer, nullable=False),
    Column("withdrawn_in", Integer),
    UniqueConstraint("list_name", "entry_id"),
    CheckConstraint("subject IN ('person', 'document')", name="subject"),
)

# A hit is a case for a person to decide (never a refusal by itself): who was screened (the
# record's traveller when known; `subject_key` either way), against which entry as it then was
# (`entry_hash`), where, and what the officers and the list's owner said. A dismissed hit is
# not raised again while `entry_hash` and `traveller_hash` stay the same.
HIT_STATUSES = ("open", "escalated", "confirmed", "dismissed")

hits = Table(
    "hits",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("raised_by", String(128), nullable=False),
    Column("host_state", STATE, nullable=False),
    Column("bcp_code", String(64), ForeignKey("bcps.code")),
    Column("check_id", Uuid, ForeignKey("checks.id")),
    Column("subject_key", String(200), nullable=False),
    Column("traveller_id", Uuid, ForeignKey("travellers.id")),
    Column("traveller", JSON, nullable=False),  # what was screened: names, birth date...
    Column("traveller_hash", String(64), nullable=False),
    Column("list_name", String(128), ForeignKey("alert_lists.name"), nullable=False),
    Column("list_version", Integer, nullable=False),
    Column("entry_id", String(256), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("status", String(10), nullable=False),
    # The latest decision (hit_decisions has them all).
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(128)),
    Column("reason", Text),
    # The list owner's answer to a confirmed hit, due by `answer_due`.
    Column("answer_due", DateTime(timezone=True)),
    Column("answered_at", DateTime(timezone=True)),
    Column("answered_by", String(128)),
    Column("answer", Text),
    CheckConstraint("status IN ('open', 'escalated', 'confirmed', 'dismissed')", name="status"),
    Index(None, "subject_key", "list_name", "entry_id"),
    Index(None, "host_state", "status", "raised_at"),
)

# Every decision on a hit, in order, never updated: confirm, dismiss, escalate (by officers and
# supervisors) and the list owner's answer as recorded.
hit_decisions = Table(
    "hit_decisions",
    metadata,
    Column("seq", Sequence64, primary_key=True, autoincrement=True),
    Column("hit_id", Uuid, ForeignKey("hits.id"), nullable=False, index=True),
    Column("decision", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_by", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    CheckConstraint("decision IN ('confirm', 'dismiss', 'escalate', 'answer')", name="decision"),
)

# Exchange between states (exchange/, migration 0006). On the regional hub: the national nodes
# it knows, with the Ed25519 public key (base64) their submissions are verified against, and
# every submission accepted, keyed by the SHA-256 of its signed envelope (a resend is the same
# row); every version is kept, the newest of a sender's dataflow and period is in force.
exchange_nodes = Table(
    "exchange_nodes",
    metadata,
    Column("state", String(3), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

exchange_submissions = Table(
    "exchange_submissions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("sender", String(3), ForeignKey("exchange_nodes.state"), nullable=False),
    Column("agreement", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("dataflow", String(64), nullable=False),
    Column("period", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("envelope", Text, nullable=False),
    Column("signature", String(128), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("sender", "dataflow", "period", "version"),
)

# On a national node: what it signed for the hub, kept until the hub has it (store and
# forward); `sent_at` is set only once the hub answered that it has the submission.
exchange_outbox = Table(
    "exchange_outbox",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("dataflow", String(64), nullable=False),
    Column("period", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("envelope", Text, nullable=False),
    Column("signature", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    UniqueConstraint("dataflow", "period", "version"),
)

# Protection (protection/, migration 0008): what an officer saw or heard at first contact
# (indicators), and referrals to the agencies that meet the needs they suggest. Need-to-know:
# read only through rmis.protection, which checks the role and audits every read.
REFERRAL_STATES = ("in_progress", "accepted", "rejected", "done", "revoked")
NEEDS = ("asylum", "child_protection", "trafficking", "medical", "statelessness", "violence")

protection_indicators = Table(
    "protection_indicators",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False, index=True),
    Column("host_state", STATE, nullable=False),
    Column("bcp_code", String(64), ForeignKey("bcps.code")),
    Column("check_id", Uuid, ForeignKey("checks.id")),
    Column("indicator", String(32), nullable=False),
    Column("note", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(128), nullable=False),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False, index=True),
    Column("host_state", STATE, nullable=False),
    Column("bcp_code", String(64), ForeignKey("bcps.code")),
    Column("nationality", STATE),
    Column("need", String(16), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("consent", Boolean, nullable=False),
    Column("basis", Text),
    Column("state", String(12), nullable=False),
    Column("reason", Text),  # why it was rejected or revoked
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("follow_up_on", Date),  # the next follow-up, None once it is closed
    CheckConstraint(
        "state IN ('in_progress', 'accepted', 'rejected', 'done', 'revoked')", name="state"
    ),
    CheckConstraint(
        "need IN ('asylum', 'child_protection', 'trafficking', 'medical', 'statelessness', "
        "'violence')",
        name="need",
    ),
    Index(None, "host_state", "state", "follow_up_on"),
)

# Every move of a referral, in order, never updated.
referral_events = Table(
    "referral_events",
    metadata,
    Column("seq", Sequence64, primary_key=True, autoincrement=True),
    Column("referral_id", Uuid, ForeignKey("referrals.id"), nullable=False, index=True),
    Column("state", String(12), nullable=False),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(128), nullable=False),
    Column("role", String(32), nullable=False),
)

# Group patterns found in a state's crossings (protection/patterns.py) by a job over the record
# (`rmis protection patterns`, migration 0012), so the border check looks a person's up by
# index instead of searching crossings. Replaced whole for the state at each run.
group_patterns = Table(
    "group_patterns",
    metadata,
    Column("id", Sequence64, primary_key=True, autoincrement=True),
    Column("traveller_id", Uuid, ForeignKey("travellers.id"), nullable=False),
    Column("host_state", STATE, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parties", JSON, nullable=False),  # [{"bcp", "at", "people"}], oldest first
    Column("found_at", DateTime(timezone=True), nullable=False),
    Index(None, "traveller_id", "host_state"),
)

# Retention (retention/, migration 0010): legal holds keep a traveller's record in a state past
# its retention; an erasure run leaves only its counts; the warehouse's share of an erasure
# waits in warehouse_erasures (ids only) until the warehouse has removed it too.
legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("traveller_id", Uuid, nullable=False, index=True),  # no FK: a hold outlives nothing
    Column("state", STATE, nullable=False),
    Column("reason", Text, nullable=False),
    Column("placed_by", String(128), nullable=False),
    Column("placed_at", DateTime(timezone=True), nullable=False),
    Column("lifted_by", String(128)),
    Column("lifted_at", DateTime(timezone=True)),
)

erasures = Table(
    "erasures",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("run_at", DateTime(timezone=True), nullable=False),
    Column("on_day", Date, nullable=False),
    Column("state", STATE, nullable=False),
    Column("travellers", Integer, nullable=False),
    Column("crossings", Integer, nullable=False),
    Column("other_rows", Integer, nullable=False),
    Column("held", Integer, nullable=False),  # due but kept by a legal hold
)

warehouse_erasures = Table(
    "warehouse_erasures",
    metadata,
    Column("kind", String(8), primary_key=True),  # crossing or document
    Column("erased_id", Uuid, primary_key=True),
    Column("erased_at", DateTime(timezone=True), nullable=False),
)

# Redress (rights/, migration 0011): a person contests an overstay or an entry-ban hit with
# evidence; someone other than who raised it decides; an upheld case names its correction.
redress_cases = Table(
    "redress_cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("traveller_id", Uuid, nullable=False, index=True),
    Column("host_state", STATE, nullable=False),
    Column("flag", String(16), nullable=False),  # overstay or entry_ban
    Column("claim", Text, nullable=False),
    Column("evidence", JSON, nullable=False),  # what the person brought: [{kind, note}...]
    Column("remedy", JSON, nullable=False),  # the correction asked for, applied if upheld
    Column("raised_by", String(128), nullable=False),
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),
    Column("decided_by", String(128)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision", Text),
    Column("correction", JSON),  # what the upheld case changed: the ids it made
    CheckConstraint("status IN ('open', 'upheld', 'rejected')", name="status"),
)
