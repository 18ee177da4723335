"""Agreements are data: the documented example reads, every mistake is a clear AgreementError,
and an agreement covers exactly its senders, dataflows and periods."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmis.exchange import AgreementError, BadSubmission, make_submission, parse_agreements
from rmis.exchange.signing import load_key, new_key
from rmis.exchange.submission import read_envelope

DOC = Path(__file__).parents[2] / "docs" / "exchange.md"


def _example() -> str:
    text = DOC.read_text(encoding="utf-8")
    return "\n".join(re.findall(r"```toml\n(.*?)```", text, re.S))


def test_the_documented_example_reads_and_covers_what_it_says():
    agreements = parse_agreements(_example())
    aggregates = agreements.by_id("CA-AGGREGATES-2026")
    assert aggregates.suppress_below == 5 and aggregates.granularity == "month"
    assert agreements.covering("KAZ", "aggregates", "RMIS_FLOWS", "2026-03") is aggregates
    assert agreements.covering("KAZ", "aggregates", "RMIS_FLOWS", "2025-12") is None
    assert agreements.covering("AFG", "aggregates", "RMIS_FLOWS", "2026-03") is None
    assert agreements.covering("KAZ", "aggregates", "RMIS_FLOWS", "2026-3") is None
    assert agreements.covering("KAZ", "journey_keys", "RMIS_FLOWS", "2026-03") is None
    journeys = agreements.covering("UZB", "journey_keys", "RMIS_JOURNEY_KEYS", "2026-03")
    assert journeys.partners == {"TJK", "UZB", "KAZ", "RUS"}
    assert agreements.covering("KGZ", "journey_keys", "RMIS_JOURNEY_KEYS", "2026-03") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "aggregates"', 'kind = "names"'), "kind must be"),
        (('"KAZ", ', '"QQQ", '), "unknown state codes"),
        (('granularity = "month"', 'granularity = "day"'), "granularity"),
        (("suppress_below = 5", "suppress_below = 0"), "suppress_below"),
        (("from = 2026-01-01", 'from = "soon"'), "from must be"),
        (("RMIS_FLOWS", "RMIS_NAMES"), "dataflows"),
        (('id = "CA-AGGREGATES-2026"', 'id = "CA-AGGREGATES-2026"\nshare = 1'), "unknown keys"),
        (('partners = ["TJK", "UZB", "KAZ", "RUS"]', 'partners = ["TJK"]'), "two or more"),
        (('partners = ["TJK", "UZB", "KAZ", "RUS"]', 'partners = ["TJK", "AFG"]'), "all senders"),
    ],
)
def test_each_mistake_is_named(change, message):
    text = _example().replace(*change, 1)
    assert text != _example()
    with pytest.raises(AgreementError, match=message):
        parse_agreements(text)


@given(st.text(max_size=300))
def test_any_text_is_agreements_or_a_clear_error(text):
    with contextlib.suppress(AgreementError):
        parse_agreements(text)


def test_submissions_are_canonical_and_complete(tmp_path):
    new_key(tmp_path / "k")
    key = load_key(tmp_path / "k")
    fields = dict(sender="KAZ", agreement="A", kind="aggregates", dataflow="RMIS_FLOWS",
                  period="2026-03", version=1, created="2026-07-01", payload="x")  # fmt: skip
    submission = make_submission(key, **fields)
    assert read_envelope(submission.envelope) == fields
    with pytest.raises(BadSubmission, match="canonical"):
        read_envelope(submission.envelope.replace(",", ", ", 1))
    with pytest.raises(BadSubmission, match="version"):
        make_submission(key, **{**fields, "version": 0})
    with pytest.raises(BadSubmission, match="missing"):
        make_submission(key, sender="KAZ")
