"""Which codes the record takes as a state, and what it says of the others."""

import pytest

from rmis.reference.countries import all_codes, code_problem, recordable_codes


def test_the_record_takes_every_icao_code_but_the_specimen():
    assert recordable_codes() == all_codes() - {"UTO"}
    assert all(code_problem("nationality", code) is None for code in recordable_codes())


@pytest.mark.parametrize(
    ("code", "kind", "hint"),
    [
        ("ABC", "unknown_country", None),
        ("QQ1", "unknown_country", None),
        ("uzb", "unknown_country", "write 'UZB'"),
        ("D<<", "unknown_country", "write 'D'"),
        (" KAZ", "unknown_country", "write 'KAZ'"),
        ("UTO", "specimen_country", "specimen state (Utopia)"),
        ("uto", "specimen_country", "specimen state (Utopia)"),
        ("", "unknown_country", None),
    ],
)
def test_a_code_the_record_does_not_take_is_named_with_its_field(code, kind, hint):
    found, reason = code_problem("issuing_state", code)
    assert found == kind
    assert reason.startswith(f"issuing_state {code!r} ")
    if hint is None:
        assert "write" not in reason
    else:
        assert hint in reason
