"""Movement types: what kind of traveller each person is, from their stays
(docs/movement-types.md).

A person is counted once, whatever the number of their documents: their stays are read across
all of them (stays.py). Every person gets exactly one type; the rules are tried in this order
and the first that holds wins:
- transit: a stay recorded with purpose `transit`, or a stay of at most roles.TRANSIT_DAYS days
  entered over one land border and left over another (through the country);
- long_term: a stay recorded with purpose `study` or `residence`;
- seasonal: a stay recorded with purpose `work`, or one of SEASON_MIN_DAYS days or more
  that begins in spring (February to June);
- long_term again: a stay of at least LONG_DAYS days (that did not begin in spring);
- local_border: at least LOCAL_PER_YEAR stays a year, at least half (LOCAL_SHORT_SHARE)
  back the same day or the next, through at most two crossing points;
- circular: at least CIRCULAR_PER_YEAR stays a year (over the person's span, a year at
  least) and at least CIRCULAR_MIN_STAYS in all;
- short_visit: everything else.
Stays are those in a foreign state (nationality != host state). A person with none (a
national seen only at home) is a short_visit.
"""

from __future__ import annotations

import ibis
from ibis import _

from rmis.analytics.state_roles import passes_through
from rmis.analytics.stays import (
    PARTNER_UNKNOWN_AIR,
    PARTNER_UNKNOWN_SEA,
    days_between,
    foreign,
    stays,
)

MOVEMENT_TYPES = ("transit", "long_term", "seasonal", "local_border", "circular", "short_visit")
LONG_DAYS = 300
SEASON_MIN_DAYS = 40
SPRING_MONTHS = (2, 3, 4, 5, 6)
LOCAL_PER_YEAR = 10
LOCAL_SHORT_SHARE = 0.5
CIRCULAR_PER_YEAR = 4
CIRCULAR_MIN_STAYS = 4
AIR_OR_SEA = (PARTNER_UNKNOWN_AIR, PARTNER_UNKNOWN_SEA)


def movement_features(crossings: ibis.Table) -> ibis.Table:
    """Per person: counts and lengths of their foreign stays, as the rules read them."""
    last_day = crossings.local_date.max().as_scalar()
    s = stays(crossings)
    s = s.filter(foreign(s))
    length = days_between(s.entry_date, s.exit_date.fill_null(last_day)) + 1
    land = ~s.entry_partner.isin(AIR_OR_SEA) & ~s.exit_partner.isin(AIR_OR_SEA)
    s = s.mutate(length=length, through=passes_through(s) & land.fill_null(False))
    return s.group_by("person_key").aggregate(
        stays=_.count(),
        transit_signs=(_.through | (_.purpose == "transit")).sum(),
        long_purpose=((_.purpose == "study") | (_.purpose == "residence")).sum(),
        long_stays=(_.length >= LONG_DAYS).sum(),
        season_signs=(
            (_.purpose == "work")
            | ((_.length >= SEASON_MIN_DAYS) & _.entry_date.month().isin(SPRING_MONTHS))
        ).sum(),
        short_stays=(_.length <= 2).sum(),
        crossing_points=_.entry_bcp.nunique(),
        span_days=days_between(_.entry_date.min(), _.exit_date.fill_null(last_day).max()) + 1,
    )


def movement_type(f: ibis.Table) -> ibis.StringValue:
    """The rules of the module doc, tried in order, over a table of the features
    (movement_features, or the summaries' people: summaries.typed_people)."""
    per_year = f.stays * 365.0 / ibis.greatest(f.span_days, 365)
    return ibis.cases(
        (f.transit_signs > 0, "transit"),
        (f.long_purpose > 0, "long_term"),
        (f.season_signs > 0, "seasonal"),
        (f.long_stays > 0, "long_term"),
        (
            (per_year >= LOCAL_PER_YEAR)
            & (f.short_stays >= f.stays * LOCAL_SHORT_SHARE)
            & (f.crossing_points <= 2),
            "local_border",
        ),
        ((per_year >= CIRCULAR_PER_YEAR) & (f.stays >= CIRCULAR_MIN_STAYS), "circular"),
        else_="short_visit",
    )


def movement_types(crossings: ibis.Table) -> ibis.Table:
    """One row per person: person_key, movement_type and the features behind it."""
    f = movement_features(crossings)
    kind = movement_type(f)
    people = crossings.select("person_key").distinct()
    typed = people.left_join(f.mutate(movement_type=kind), "person_key").drop("person_key_right")
    return typed.mutate(movement_type=_.movement_type.fill_null("short_visit")).order_by(
        "person_key"
    )


def typology_with_documents(crossings: ibis.Table, documents: ibis.Table) -> ibis.Table:
    """One row per person and document: person_key, issuing_state, document_number,
    document_type, movement_type (the person's, on each of their documents)."""
    types = movement_types(crossings).select("person_key", "movement_type")
    keys = ["person_key", "issuing_state", "document_number", "document_type"]
    joined = types.inner_join(documents.select(*keys).distinct(), "person_key")
    return joined.select(*keys, "movement_type").order_by(keys)
