"""Principals for the screening room's store tests: of Kazakhstan an officer posted at Almaty
airport, a supervisor and an analyst; of Uzbekistan an officer at Tashkent airport."""

from __future__ import annotations

import pytest

from rmis.security import Principal, Role


@pytest.fixture
def officer() -> Principal:
    return Principal("officer.a", Role.BORDER_OFFICER, "KAZ", frozenset({"KAZ-ALA"}))


@pytest.fixture
def supervisor() -> Principal:
    return Principal("supervisor.b", Role.SUPERVISOR, "KAZ")


@pytest.fixture
def analyst() -> Principal:
    return Principal("analyst.c", Role.ANALYST, "KAZ")


@pytest.fixture
def uzbek_officer() -> Principal:
    return Principal("officer.u", Role.BORDER_OFFICER, "UZB", frozenset({"UZB-TAS"}))
