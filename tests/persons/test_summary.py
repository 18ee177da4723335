"""The counts of how documents were linked into people (what the demo shows)."""

from people_fixtures import FixedModel, linker, passport, record

from rmis.persons import link_counts


def test_counts_say_how_each_document_joined_its_person(engine):
    model = FixedModel({("ABDULLAEV", "KARIMOV"): 0.9})  # the review band: 0.8 to 0.99
    record(
        engine,
        passport("FA1"),
        passport("FA2", previous_document_number="FA1"),  # certain: names its predecessor
        passport("FA3"),  # automatic: the same surname and birth date
        passport("FA4", surname="KARIMOV"),  # pending: in the review band
        link=linker(model),
    )
    with engine.connect() as connection:
        counts = link_counts(connection)
    assert counts.documents == 4
    assert counts.people == 2
    assert counts.by_link == {
        "first": 1, "certain": 1, "automatic": 1, "confirmed": 0, "pending": 1
    }  # fmt: skip
    assert counts.open_proposals == 1
