"""Crossings reach their people through their documents (engine.with_people)."""

from __future__ import annotations

import ibis

from rmis.analytics import with_people


def test_each_crossing_takes_its_documents_person_and_a_lost_document_is_its_own():
    crossings = ibis.memtable({"seq": [1, 2, 3, 4], "document_id": ["d1", "d2", "d2", "d3"]})
    documents = ibis.memtable({"document_id": ["d1", "d2"], "person_key": ["p", "p"]})
    people = with_people(crossings, documents).order_by("seq").to_pandas()
    assert people.columns.tolist() == ["seq", "document_id", "person_key"]
    assert people.person_key.tolist() == ["p", "p", "p", "d3"]  # no row lost, none doubled
