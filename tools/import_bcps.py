"""Turn the workplace's researched BCP list into rmis's own reference file.

Usage: python tools/import_bcps.py ../shared/data/bcps.csv src/rmis/reference/data/bcps.csv

The shared file has one row per crossing (both sides, ISO alpha-2 codes). rmis records crossings
per state, so each side becomes its own BCP with an ICAO three-letter state code, a stable code,
a time zone (the BCP's local date decides how stay days are counted) and the source of the row.
Run once when the shared list changes; the output is committed as package data.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from pathlib import Path

import pycountry

# The state's civil time at its border posts (IANA names, so historical changes such as
# Kazakhstan's move to a single UTC+5 on 2024-03-01 are applied by the tz database).
STATE_ZONE = {
    "KAZ": "Asia/Almaty",
    "KGZ": "Asia/Bishkek",
    "TJK": "Asia/Dushanbe",
    "TKM": "Asia/Ashgabat",
    "UZB": "Asia/Tashkent",
    "AFG": "Asia/Kabul",
    "CHN": "Asia/Shanghai",
    "IRN": "Asia/Tehran",
    "AZE": "Asia/Baku",
    "RUS": "Europe/Moscow",
}
# Western Kazakhstan has kept UTC+5 throughout; the rest of the country was UTC+6 until 2024.
KAZ_WEST_POSTS = {
    "Kurmangazy",
    "Taskala",
    "Syrym",
    "Aksai",
    "Alimbet",
    "Zhaisan",
    "Temir Baba",
    "Bolashak",
    "Tazhen",
    "Beineu",
    "Aktau",
    "Kuryk",
}
KAZ_WEST_LONGITUDE = 60.0
# Russian airports by IATA code: Russia spans eleven zones.
RUS_AIRPORT_ZONE = {
    "SVO": "Europe/Moscow",
    "DME": "Europe/Moscow",
    "VKO": "Europe/Moscow",
    "LED": "Europe/Moscow",
    "KZN": "Europe/Moscow",
    "KRR": "Europe/Moscow",
    "ROV": "Europe/Moscow",
    "KUF": "Europe/Samara",
    "ASF": "Europe/Astrakhan",
    "SVX": "Asia/Yekaterinburg",
    "UFA": "Asia/Yekaterinburg",
    "CEK": "Asia/Yekaterinburg",
    "TJM": "Asia/Yekaterinburg",
    "REN": "Asia/Yekaterinburg",
    "OMS": "Asia/Omsk",
    "OVB": "Asia/Novosibirsk",
    "KJA": "Asia/Krasnoyarsk",
}
# Russian land posts facing western Kazakhstan (Samara/Saratov/Orenburg/Astrakhan oblasts).
RUS_FACING_WEST_KAZ_ZONE = "Asia/Yekaterinburg"
RUS_FACING_WEST_KAZ = {"Alimbet", "Zhaisan"}  # Orenburg oblast
RUS_FACING_NORTH_KAZ_ZONE = "Asia/Omsk"

UNKNOWN_NAME = re.compile(r"not found|not confirmed|not named|not in cited source", re.I)
IATA = re.compile(r"\(([A-Z]{3})/[A-Z]{4}\)")

FIELDS = [
    "code",
    "state",
    "name",
    "mode",
    "neighbour",
    "counterpart",
    "name_known",
    "lat",
    "lon",
    "coord_basis",
    "time_zone",
    "source",
    "notes",
]


def alpha3(alpha2: str) -> str:
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        raise SystemExit(f"unknown ISO alpha-2 code {alpha2!r} in the shared BCP list")
    return country.alpha_3


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"\(.*?\)", "", ascii_text)
    return re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")


def zone(state: str, post: str, lon: str, iata: str | None, facing: str | None) -> str:
    if state == "KAZ":
        west = post.split(" ")[0] in KAZ_WEST_POSTS or (lon and float(lon) < KAZ_WEST_LONGITUDE)
        return "Asia/Aqtobe" if west else "Asia/Almaty"
    if state == "RUS" and iata:
        return RUS_AIRPORT_ZONE[iata]
    if state == "RUS" and facing == "KAZ":
        west = post in RUS_FACING_WEST_KAZ or post.split(" ")[0] in KAZ_WEST_POSTS
        return RUS_FACING_WEST_KAZ_ZONE if west else RUS_FACING_NORTH_KAZ_ZONE
    return STATE_ZONE[state]


def convert(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    seen: set[str] = set()

    def unique(code: str) -> str:
        candidate, n = code, 2
        while candidate in seen:
            candidate, n = f"{code}-{n}", n + 1
        seen.add(candidate)
        return candidate

    for row in rows:
        mode = row["mode"]
        state_a = alpha3(row["country_a"])
        iata_match = IATA.search(row["name"])
        iata = iata_match.group(1) if iata_match else None
        side_a = row["name_side_a"].split(",")[-1].strip() or row["name"]
        if UNKNOWN_NAME.search(side_a):
            side_a = row["name_side_b"].strip()  # e.g. Lotfabad: only the far side is named
            side_a_known = False
        else:
            side_a_known = True
        code_a = unique(f"{state_a}-{iata}" if iata else f"{state_a}-{slug(side_a)}-{mode.upper()}")
        source = row["source"] + (f" ; {row['extra_sources']}" if row.get("extra_sources") else "")
        base = {
            "mode": mode,
            "lat": row["lat"],
            "lon": row["lon"],
            "coord_basis": row["coord_basis"],
            "source": source,
            "notes": row["notes"],
        }
        if not row["country_b"]:
            out.append(
                {
                    **base,
                    "code": code_a,
                    "state": state_a,
                    "name": side_a,
                    "neighbour": "",
                    "counterpart": "",
                    "name_known": str(side_a_known).lower(),
                    "time_zone": zone(state_a, side_a, row["lon"], iata, None),
                }
            )
            continue
        state_b = alpha3(row["country_b"])
        side_b = row["name_side_b"].strip()
        side_b_known = bool(side_b) and not UNKNOWN_NAME.search(side_b)
        if not side_b_known:
            side_b = f"{side_a} ({state_b} side)"
        else:
            side_b = re.sub(r"\s*\((?:CN|AF) .*\)$", "", side_b)
        code_b = unique(f"{state_b}-{slug(side_b)}-{mode.upper()}")
        # The shared file has one point per crossing: both sides keep it.
        out.append(
            {
                **base,
                "code": code_a,
                "state": state_a,
                "name": side_a,
                "neighbour": state_b,
                "counterpart": code_b,
                "name_known": str(side_a_known).lower(),
                "time_zone": zone(state_a, side_a, row["lon"], None, state_b),
            }
        )
        out.append(
            {
                **base,
                "code": code_b,
                "state": state_b,
                "name": side_b,
                "neighbour": state_a,
                "counterpart": code_a,
                "name_known": str(side_b_known).lower(),
                "time_zone": zone(state_b, side_a, row["lon"], None, state_a),
            }
        )
    return out


def main(source: str, target: str) -> None:
    with open(source, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    bcps = convert(rows)
    with Path(target).open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(bcps)
    print(f"{len(rows)} crossings -> {len(bcps)} BCPs in {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
