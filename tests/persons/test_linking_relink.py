"""A full re-link with the shipped model (Splink on DuckDB): it merges what the model links,
splits off what it no longer links, keeps what rules and supervisors decided, and changes
nothing when run again."""

from datetime import date

from people_fixtures import (
    NOW,
    SUPERVISOR,
    FixedModel,
    document,
    linker,
    links_of,
    passport,
    proposals,
    record,
)

from rmis.registry import reject_proposal, relink_record, split_document

APART = FixedModel(same=0.01)  # a model that links nothing
SAME = FixedModel(other=0.999)  # a model that links everything born the same day


def person(engine, number):
    return document(engine, number)["traveller_id"]


def test_it_merges_what_the_model_links_and_is_idempotent(engine):
    record(engine, passport("FA0000001"), passport("FA0000002"), link=linker(APART))
    first = relink_record(engine, now=NOW)
    assert (first.documents, first.merged, first.split) == (2, 1, 0)
    assert person(engine, "FA0000001") == person(engine, "FA0000002")
    row = links_of(engine, document(engine, "FA0000002")["id"])[-1]
    assert (row["kind"], row["rule"], row["decided_by"]) == ("automatic", "model default",
                                                             "rmis persons relink")  # fmt: skip
    again = relink_record(engine, now=NOW)
    assert (again.merged, again.split, again.proposed, again.pending) == (0, 0, 0, 0)


def test_it_splits_off_an_automatic_link_the_model_no_longer_supports(engine):
    record(engine, passport("FA0000001"), link=linker(SAME))
    stranger = passport("ZX9100555", surname="PETROVA", given_names="OLGA", sex="F",
                        nationality="UZB", expiry_date=date(2033, 7, 9))  # fmt: skip
    record(engine, stranger, link=linker(SAME))
    assert person(engine, "ZX9100555") == person(engine, "FA0000001")
    done = relink_record(engine, now=NOW)
    assert (done.split, done.merged) == (1, 0)
    assert person(engine, "ZX9100555") != person(engine, "FA0000001")
    row = links_of(engine, document(engine, "ZX9100555")["id"])[-1]
    assert (row["kind"], row["rule"]) == ("split", "model default")
    assert document(engine, "ZX9100555")["link"] == "first"
    assert relink_record(engine, now=NOW).split == 0


def test_certain_links_hold_whatever_the_model_says(engine):
    record(engine, passport("FA0000001"), link=linker(APART))
    renewal = passport("FB7000001", surname="PETROVA", given_names="OLGA", sex="F",
                       previous_document_number="FA0000001")  # fmt: skip
    record(engine, renewal, link=linker(APART))
    assert document(engine, "FB7000001")["link"] == "certain"
    done = relink_record(engine, now=NOW)
    assert done.split == 0
    assert person(engine, "FB7000001") == person(engine, "FA0000001")


def test_a_rejected_pair_is_kept_apart_and_not_proposed_again(engine):
    band = FixedModel({("ABDULLAEV", "ABDULAEV"): 0.9}, same=0.9)
    record(engine, passport("FA0000001"), passport("FA0000002"), link=linker(band))
    [proposal] = proposals(engine)
    reject_proposal(engine, SUPERVISOR, proposal["id"], "twins", now=NOW)
    done = relink_record(engine, now=NOW)
    assert (done.merged, done.proposed, done.kept_apart) == (0, 0, 1)
    assert person(engine, "FA0000001") != person(engine, "FA0000002")
    assert proposals(engine) == []


def test_a_supervisors_split_is_not_undone(engine):
    record(engine, passport("FA0000001"), passport("FA0000002"), link=linker(SAME))
    split_document(engine, SUPERVISOR, document(engine, "FA0000002")["id"], "twins", now=NOW)
    done = relink_record(engine, now=NOW)
    assert done.merged == 0
    assert person(engine, "FA0000001") != person(engine, "FA0000002")
