"""Which format a command writes: --format, or else the suffix of --out, or else a table.

A file's suffix names its format (`flows.parquet`); a --format that contradicts the suffix is
refused rather than obeyed, since a file whose name lies about its contents misleads whoever
opens it next. An SDMX-CSV file is a CSV file: it may end in .sdmx.csv (which says which) or
in .csv with --format sdmx.
"""

from __future__ import annotations

from pathlib import Path

# The formats of rmis.analytics.export.write (and "table", the terminal), spelled out so that
# building the commands does not import the analytics room (pandas); tests/cli checks that the
# two agree.
FORMATS = ("table", "csv", "json", "parquet", "excel", "sdmx")

# Longest first: .sdmx.csv is looked for before .csv.
SUFFIXES = {
    ".sdmx.csv": "sdmx",
    ".csv": "csv",
    ".json": "json",
    ".parquet": "parquet",
    ".xlsx": "excel",
}
# Suffixes a format may also be written under, besides its own.
ALSO = {"sdmx": (".csv",)}
FILE_FORMATS = tuple(f for f in FORMATS if f != "table")

FORMAT_HELP = (
    f"One of: {', '.join(FORMATS)}. Default: the format --out's suffix names "
    "(.csv, .json, .parquet, .xlsx, .sdmx.csv for SDMX-CSV); a table without --out"
)
OUT_HELP = "File to write (stdout if omitted); its suffix gives the format when --format does not"

REPORT_SUFFIXES = (".html", ".htm")


class OutputFormatError(ValueError):
    """--format and --out do not name one format that can be written."""


def suffix_of(path: Path) -> str:
    """The suffix that names the file's format (lower case; '' when it has none we know)."""
    name = path.name.lower()
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return path.suffix.lower()


def output_format(fmt: str | None, out: Path | None) -> str:
    """The format to write, from --format and --out; OutputFormatError when they do not say
    one, or say two."""
    if fmt is not None and fmt not in FORMATS:
        raise OutputFormatError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if out is None:
        return fmt or "table"
    suffix = suffix_of(out)
    implied = SUFFIXES.get(suffix)
    if fmt is None:
        if implied is None:
            raise OutputFormatError(
                f"cannot tell the format of --out {out.name} from its suffix: give --format "
                f"({', '.join(FILE_FORMATS)}) or a file ending in {_listed(list(SUFFIXES))}"
            )
        return implied
    if fmt == "table":
        raise OutputFormatError(
            f"--format table prints to the terminal; to write --out {out.name} give --format "
            f"{' or '.join(FILE_FORMATS)} (or leave --format out)"
        )
    if implied is not None and implied != fmt and suffix not in ALSO.get(fmt, ()):
        raise OutputFormatError(
            f"--format {fmt} contradicts --out {out.name}, whose suffix {suffix} says {implied}: "
            "change one of them (or leave --format out)"
        )
    return fmt


def check_report_file(out: Path) -> None:
    """The report is one HTML page: its file must say so."""
    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise OutputFormatError(
            f"rmis report writes an HTML page: --out must end in .html, not {out.name!r}"
        )


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " or " + items[-1]
