"""Between states: sharing agreements, signed submissions from national nodes to the regional
hub, aggregates under the one disclosure control, journey keys (CLKs, document keys) linked
and traced on the hub, the hub's record and API.

This is the room's one door: other rooms (the CLI) use what is named here.
"""

from rmis.exchange.agreements import (
    Agreement,
    AgreementError,
    Agreements,
    load_agreements,
    parse_agreements,
)
from rmis.exchange.hub import (
    Receipt,
    Refused,
    corridors,
    figures,
    history,
    journeys,
    mirror,
    receive,
    regional_totals,
    register_node,
    transit,
    warnings,
)
from rmis.exchange.journeys import Secret, load_secret, read_keys, write_keys
from rmis.exchange.journeys import encode as encode_crossings
from rmis.exchange.node import Sent, http_post, pending, prepare, queue, send
from rmis.exchange.signing import KeyProblem, load_key, new_key, public_key_of
from rmis.exchange.submission import BadSubmission, Submission, make_submission

__all__ = [
    "Agreement",
    "AgreementError",
    "Agreements",
    "BadSubmission",
    "KeyProblem",
    "Receipt",
    "Refused",
    "Secret",
    "Sent",
    "Submission",
    "corridors",
    "encode_crossings",
    "figures",
    "history",
    "http_post",
    "journeys",
    "load_agreements",
    "load_key",
    "load_secret",
    "make_submission",
    "mirror",
    "new_key",
    "parse_agreements",
    "pending",
    "prepare",
    "public_key_of",
    "queue",
    "read_keys",
    "receive",
    "regional_totals",
    "register_node",
    "send",
    "transit",
    "warnings",
    "write_keys",
]
