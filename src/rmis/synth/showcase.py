"""A small, fixed scenario for the demo: one login per role and a few travellers' crossings.

Everything has a fixed id, so loading it again records nothing twice. The synthetic region
(a later, much larger generator in this room) will stand beside it, not replace its purpose:
a handful of people a newcomer can follow by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from sqlalchemy import Engine, select

from rmis.documents import compose_td3
from rmis.names import transliterate
from rmis.registry import Direction, NewCrossing, Purpose, read_document, record_crossings
from rmis.security import Principal, Role, create_principal
from rmis.store.schema import principals

DEMO_STATE = "KAZ"
DEMO_BCP = "KAZ-ALA"
LAND_BCP = "KAZ-KORDAI-ROAD"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    name: str
    role: Role
    password: str
    bcps: tuple[str, ...] = ()
    agency: str | None = None  # role agency: the receiving agency it answers for


LOGINS = tuple(
    # "-2026": the password policy wants 12 characters (security/passwords.py).
    DemoLogin(f"demo.{role.value}", role, f"demo-{role.value}-2026",
              (DEMO_BCP, LAND_BCP) if role is Role.BORDER_OFFICER else (),
              "unhcr_partner" if role is Role.AGENCY else None)
    for role in Role
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoTraveller:
    national_name: tuple[str, str]  # (surname, given names) in the national script
    system: str  # the issuing state's transliteration system for the MRZ
    state: str
    number: str
    birth: date
    sex: str
    purpose: Purpose
    # Days before "today" of each admitted crossing, alternating entry and exit.
    crossings_days_ago: tuple[int, ...]
    bcp: str = DEMO_BCP


TRAVELLERS = (
    # Entered 40 days ago; Uzbek citizens may stay 30 days per entry in Kazakhstan.
    DemoTraveller(("Тошев", "Бобур"), "uz_latin_mrz", "UZB", "FA1234567", date(1994, 3, 8), "M",
                  Purpose.WORK, (40,)),
    # A Kyrgyz trader: short stays across the land border.
    DemoTraveller(("Асанова", "Айпери"), "kg_passport", "KGZ", "AC2345678", date(1988, 11, 2), "F",
                  Purpose.BUSINESS, (60, 55, 20, 18, 3), LAND_BCP),
    # A Russian visitor who left on time.
    DemoTraveller(("Соколова", "Юлия"), "icao_9303", "RUS", "751234567", date(1979, 6, 21), "F",
                  Purpose.TOURISM, (30, 21)),
    # A Tajik student, entered a week ago.
    DemoTraveller(("Раҳимов", "Фирӯз"), "tj_national_mrz", "TJK", "400765432", date(2004, 9, 1),
                  "M", Purpose.STUDY, (7,)),
)  # fmt: skip


def traveller_mrz(traveller: DemoTraveller, today: date) -> tuple[str, str]:
    surname, given = (transliterate(part, traveller.system) for part in traveller.national_name)
    return compose_td3(
        issuing_state=traveller.state, surname=surname, given_names=given,
        document_number=traveller.number, nationality=traveller.state,
        birth_date=traveller.birth, sex=traveller.sex,
        expiry_date=date(today.year + 6, 1, 15),
    )  # fmt: skip


def ensure_logins(engine: Engine, now: datetime) -> None:
    with engine.connect() as connection:
        existing = set(connection.execute(select(principals.c.name)).scalars())
    for login in LOGINS:
        if login.name not in existing:
            create_principal(
                engine, name=login.name, role=login.role, state=DEMO_STATE,
                bcp_codes=login.bcps, password=login.password, now=now, created_by="rmis demo",
                agency=login.agency,
            )  # fmt: skip


def load_showcase(engine: Engine, today: date, now: datetime) -> list[tuple[DemoTraveller, int]]:
    """Record the scenario's crossings (again: nothing twice). Traveller -> crossings recorded."""
    ensure_logins(engine, now)
    officer = Principal("demo.border_officer", Role.BORDER_OFFICER, DEMO_STATE,
                        frozenset({DEMO_BCP, LAND_BCP}))  # fmt: skip
    recorded = []
    for traveller in TRAVELLERS:
        # As a desk reads it: the MRZ lines as the scanner types them, read by the border
        # check's own service.
        document = read_document("\n".join(traveller_mrz(traveller, today)), today=today).document
        batch = []
        for i, days_ago in enumerate(traveller.crossings_days_ago):
            at = datetime(today.year, today.month, today.day, 7, 30, tzinfo=UTC) - timedelta(
                days=days_ago
            )
            batch.append(
                NewCrossing(
                    id=_fixed_id(traveller, i),
                    direction=Direction.EXIT if i % 2 else Direction.ENTRY,
                    bcp_code=traveller.bcp, occurred_at=at, document=document,
                    purpose=traveller.purpose,
                )
            )  # fmt: skip
        results = record_crossings(engine, officer, batch, now=now, purpose="demo scenario")
        recorded.append((traveller, sum(not r.duplicate for r in results)))
    return recorded


def _fixed_id(traveller: DemoTraveller, index: int) -> UUID:
    # Fixed per traveller and crossing: the demo run again adds nothing (and its stays age).
    return uuid5(NAMESPACE_URL, f"rmis-demo/{traveller.state}/{traveller.number}/{index}")
