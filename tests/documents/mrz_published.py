"""Real documents from other MRZ readers' test suites that rmis once refused.

Each case names where it was published; the expected fields are what that suite asserts.
Dates are written out in full here (the suites give YYMMDD or a formatted date).
"""

from datetime import date

# TD1 identity cards whose document number is longer than nine characters: the number
# continues in optional data 1 after a '<' where the check digit would be (Doc 9303 Part 5).
#
# datacheckerbv/MRZParser, Tests/MRZParserTests/MRZParserTests.swift, testTD1_ID_BEL_1_Valid,
# testTD1_ID_BEL_2_Valid, testTD1_ID_BEL_3_Valid, testTD1_ID_PRT_2_Valid (Belgian specimen
# cards and a Portuguese card). BEL_1 and BEL_3 compute the check digit over the 12 characters
# of the number; BEL_2 and PRT_2 count the '<' after the ninth character as well.
LONG_NUMBERS = [
    (
        ("IDBEL000001115<7027<<<<<<<<<<<",
         "9502286F3001064BEL950228998747",
         "SPECIMEN<<SPECIMEN<<<<<<<<<<<<"),
        {"issuing_state": "BEL", "document_code": "ID", "document_number": "000001115702",
         "nationality": "BEL", "birth_date": date(1995, 2, 28), "sex": "F",
         "expiry_date": date(2030, 1, 6), "surname": "SPECIMEN", "given_names": "SPECIMEN",
         "optional_data": "", "optional_data_2": "95022899874"},
    ),
    (
        ("IDBEL592211692<1741<<<<<<<<<<<",
         "9003107F2509301BEL900310244094",
         "SPECIMEN<<SPECIMEN<<<<<<<<<<<<"),
        {"issuing_state": "BEL", "document_number": "592211692174",
         "birth_date": date(1990, 3, 10), "sex": "F", "expiry_date": date(2025, 9, 30),
         "surname": "SPECIMEN", "given_names": "SPECIMEN", "optional_data": ""},
    ),
    (
        ("IDBEL615057409<9390<<<<<<<<<<<",
         "1202177F2506160BEL120217144293",
         "SPECIMEN<<SPECIMEN<<<<<<<<<<<<"),
        {"issuing_state": "BEL", "document_number": "615057409939",
         "birth_date": date(2012, 2, 17), "sex": "F", "expiry_date": date(2025, 6, 16),
         "surname": "SPECIMEN", "given_names": "SPECIMEN", "optional_data": ""},
    ),
    (
        ("I<PRT000024759<ZZ72<<<<<<<<<<<",
         "8010100F2006017PRT<<<<<<<<<<<8",
         "CARLOS<MONTEIRO<<AMELIA<VANESS"),
        {"issuing_state": "PRT", "document_code": "I", "document_number": "000024759ZZ7",
         "birth_date": date(1980, 10, 10), "sex": "F", "expiry_date": date(2020, 6, 1),
         "surname": "CARLOS MONTEIRO", "given_names": "AMELIA VANESS", "optional_data": ""},
    ),
    # cheminfo/mrz (the JS `mrz` package), src/parse/__tests__/td1.test.ts, "parse document
    # number": D23145890124 with its check digit 0, then optional data XYZ.
    (
        ("I<UTOD23145890<1240<XYZ<<<<<<<",
         "7408122F1204159UTO<<<<<<<<<<<8",
         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
        {"issuing_state": "UTO", "document_number": "D23145890124", "optional_data": "XYZ",
         "birth_date": date(1974, 8, 12), "expiry_date": date(2012, 4, 15),
         "surname": "ERIKSSON", "given_names": "ANNA MARIA"},
    ),
]  # fmt: skip

# Names with no surname: the name field opens with '<<'.
NO_SURNAME = [
    # cheminfo/mrz, src/parse/__tests__/td1.test.ts, "No last name" (a Swiss identity card).
    (
        ("I<CHED231458907ABC<<<<<<<<<<<<",
         "7408122F1204159CHE<<<<<<<<<<<1",
         "<<ANNA<MARIA<<<<<<<<<<<<<<<<<<"),
        {"issuing_state": "CHE", "document_number": "D23145890", "optional_data": "ABC",
         "surname": "", "given_names": "ANNA MARIA", "birth_date": date(1974, 8, 12)},
    ),
    # cheminfo/mrz, src/parse/__tests__/td3.test.ts, "No last name" (an Indian passport).
    (
        ("P<IND<<FIRST<NAME<<<<<<<<<<<<<<<<<<<<<<<<<<<",
         "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0"),
        {"issuing_state": "IND", "nationality": "D", "document_number": "C01X0006H",
         "surname": "", "given_names": "FIRST NAME", "birth_date": date(1964, 8, 12),
         "expiry_date": date(2017, 10, 31), "sex": "F"},
    ),
]  # fmt: skip

# Documents other suites publish that rmis read before as well: kept so that they stay read.
ORDINARY = [
    # JMRTD, MRZInfoTest.testBelgianMRZ: a Belgian card with a nine-character number and the
    # national register number in optional data 1.
    (
        ("IDBEL590330101085020100200<<<<",
         "8502016F0901015BEL<<<<<<<<<<<8",
         "VAN<DER<VELDEN<<GREET<HILDE<<<"),
        {"document_number": "590330101", "optional_data": "85020100200",
         "surname": "VAN DER VELDEN", "given_names": "GREET HILDE"},
    ),
    # Arg0s1080/mrz (the Python `mrz` package), tests/td1_chk_03.py: a Spanish card.
    (
        ("IDESPBAA000589599999999R<<<<<<",
         "8001014F2501017ESP<<<<<<<<<<<7",
         "ESPANOLA<ESPANOLA<<CARMEN<<<<<"),
        {"document_number": "BAA000589", "optional_data": "99999999R",
         "surname": "ESPANOLA ESPANOLA", "given_names": "CARMEN"},
    ),
]  # fmt: skip
