import json

from typer.testing import CliRunner

from rmis.cli import app

runner = CliRunner()

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]  # fmt: skip
TD1 = ["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2",
       "STEVENSON<<PETER<JOHN<<<<<<<<<"]  # fmt: skip
BAD_DIGIT = [TD3[0], TD3[1][:19] + "3" + TD3[1][20:]]
REQUIRED = {"valid", "format", "document_code", "issuing_state", "surname", "given_names",
            "document_number", "nationality", "birth_date", "sex", "expiry_date",
            "optional_data", "errors"}  # fmt: skip


def mrz(*args, stdin=None):
    return runner.invoke(app, ["mrz", "parse", *args], input=stdin)


def test_json_output_has_the_contract_fields():
    result = mrz(*TD3, "--json", "--today", "2025-06-01")
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d.keys() >= REQUIRED
    assert d["valid"] is True
    assert (d["format"], d["surname"], d["given_names"]) == ("TD3", "ERIKSSON", "ANNA MARIA")
    assert (d["birth_date"], d["expiry_date"]) == ("1974-08-12", "2012-04-15")
    assert d["errors"] == []
    assert {w["code"] for w in d["warnings"]} == {"document_expired", "specimen"}
    assert d["specimen"] is True


def test_td1_json_has_optional_data_2_and_the_long_number():
    d = json.loads(mrz(*TD1, "--json").stdout)
    assert d["document_number"] == "D23145890734"
    assert d["optional_data_2"] == ""


def test_invalid_mrz_still_exits_0_with_errors():
    result = mrz(*BAD_DIGIT, "--json")
    assert result.exit_code == 0
    d = json.loads(result.stdout)
    assert d["valid"] is False
    assert {k: d["errors"][0][k] for k in ("field", "code")} == {
        "field": "birth_date",
        "code": "check_digit_mismatch",
    }
    assert d["errors"][0]["message"]


def test_today_is_taken_at_the_edge_and_can_be_given():
    early = json.loads(mrz(*TD3, "--json", "--today", "2010-01-01").stdout)
    assert {w["code"] for w in early["warnings"]} == {"specimen"}  # not yet expired in 2010
    bad = mrz(*TD3, "--today", "yesterday")
    assert bad.exit_code == 2


def test_table_output():
    result = mrz(*BAD_DIGIT)
    assert result.exit_code == 0
    assert "ERIKSSON" in result.stdout
    assert "INVALID" in result.stdout
    assert "check_digit_mismatch" in result.stdout


def test_not_an_mrz_exits_2_with_a_message_on_stderr():
    result = mrz("P<UTOERIKSSON", "L898902C3")
    assert result.exit_code == 2
    assert "not an MRZ" in result.stderr
    assert result.stdout == ""
    assert mrz(TD3[0]).exit_code == 2  # one line only


def test_bulk_mode_reads_blocks_from_stdin_as_json_lines():
    stdin = "\n".join(TD3) + "\n\n\n" + "\n".join(TD1) + "\n\n" + "\n".join(BAD_DIGIT) + "\n"
    result = mrz("-", stdin=stdin)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["block"] for r in records] == [1, 2, 3]
    assert [r["format"] for r in records] == ["TD3", "TD1", "TD3"]
    assert [r["valid"] for r in records] == [True, True, False]


def test_bulk_mode_reports_blocks_that_are_not_mrzs_and_exits_2_at_the_end():
    stdin = "\n".join(TD3) + "\n\nhello world\n\n" + "\n".join(TD1) + "\n"
    result = mrz("-", stdin=stdin)
    assert result.exit_code == 2
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    assert records[1]["block"] == 2
    assert records[1]["valid"] is False
    assert records[1]["errors"][0]["code"] == "not_an_mrz"
    assert records[2]["valid"] is True
    assert "1 of 3" in result.stderr


def test_help_documents_bulk_mode_and_exit_codes():
    text = runner.invoke(app, ["mrz", "parse", "--help"]).stdout
    assert "not_an_mrz" in text
    assert "standard input" in text


# A Belgian card whose 12-digit number continues in the optional data (datacheckerbv/MRZParser
# testTD1_ID_BEL_2_Valid), and an Indian passport with no surname (cheminfo/mrz td3.test.ts).
BEL = ["IDBEL592211692<1741<<<<<<<<<<<", "9003107F2509301BEL900310244094",
       "SPECIMEN<<SPECIMEN<<<<<<<<<<<<"]  # fmt: skip
IND = ["P<IND<<FIRST<NAME<<<<<<<<<<<<<<<<<<<<<<<<<<<",
       "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0"]  # fmt: skip


def test_json_adds_notes_and_the_no_surname_warning():
    d = json.loads(mrz(*BEL, "--json", "--today", "2025-06-01").stdout)
    assert d.keys() >= REQUIRED | {"warnings", "suggestions", "notes"}
    assert d["valid"] is True and d["document_number"] == "592211692174"
    assert [(n["field"], n["code"]) for n in d["notes"]] == [
        ("document_number", "long_document_number")
    ]
    d = json.loads(mrz(*IND, "--json", "--today", "2025-06-01").stdout)
    assert d["valid"] is True and (d["surname"], d["given_names"]) == ("", "FIRST NAME")
    assert "no_surname" in {w["code"] for w in d["warnings"]}
    assert d["notes"] == []


def test_table_shows_notes_and_warnings():
    result = mrz(*BEL, "--today", "2025-06-01")
    assert result.exit_code == 0
    assert "valid" in result.stdout and "INVALID" not in result.stdout
    assert "note" in result.stdout and "long_document_number" in result.stdout
    assert "no_surname" in mrz(*IND, "--today", "2025-06-01").stdout
