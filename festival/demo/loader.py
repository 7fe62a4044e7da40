"""Load the demo data. Idempotent: every record is found by its natural key and only changed when it differs,
so a second run on the same day changes nothing. The practice festival follows the day the demo is loaded (its
program moves with it). Every festival day gets a full, published program (festival/demo/program.py) unless it
already has one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from sqlalchemy import select

from festival.accounts import services as accounts
from festival.accounts.models import Role, User
from festival.demo.program import ensure_program
from festival.demo.registrations import add_checkin_lists, add_registrations
from festival.editions import services as editions
from festival.editions.models import Edition, EditionStatus, FestivalStatus, LocalityFestival
from festival.extensions import db
from festival.localities import generator
from festival.localities.importer import Row, apply, decode, parse
from festival.localities.models import Locality
from festival.localities.services import get_by_code
from festival.organizations import services as orgs
from festival.organizations.models import Organization, OrganizationKind, Venue

PASSWORD_FILE = "demo-password.txt"
RESIDENTIAL_PARENT = "00376"  # Xã Sóc Sơn, Hà Nội: its hamlets are generated
# Demo hamlets are numbered from 901, so that a generated set (numbered from 1) imported later leaves them be.
RESIDENTIAL_CODE_START = 901
RESIDENTIAL_COUNT = 6

# (code, month, day, start, end, model-site level, venue name)
FESTIVALS = [
    ("01", 8, 15, time(8, 0), time(11, 0), "nation", "Trung tâm Văn hóa Thành phố"),
    ("00004", 8, 10, time(7, 30), time(11, 0), None, "Sân Nhà văn hóa phường"),
    ("00070", 8, 8, time(19, 30), time(22, 0), None, "Phố đi bộ Hồ Gươm"),
    ("00376", 8, 5, time(8, 0), time(11, 30), None, "Sân vận động xã"),
    ("09700", 7, 28, time(14, 0), time(17, 0), "province", "Sân Trung tâm Văn hóa xã"),
    ("14758", 8, 12, time(8, 0), time(11, 0), None, "Quảng trường phường"),
    (f"{RESIDENTIAL_PARENT}901", 7, 20, time(19, 30), time(21, 30), None, "Nhà văn hóa"),
    (f"{RESIDENTIAL_PARENT}902", 7, 22, time(19, 30), time(21, 30), None, "Nhà văn hóa"),
    (f"{RESIDENTIAL_PARENT}903", 7, 25, time(19, 30), time(21, 30), None, "Sân bóng"),
]
PRACTICE = ("00082", time(7, 30), time(21, 30), "Sân Nhà văn hóa phường")
ACCOUNTS = [
    ("admin", "Quản trị viên", Role.ADMIN, ""),
    ("hanoi", "Nguyễn Văn An", Role.ORGANIZER, "01"),
    ("socson", "Trần Thị Bình", Role.ORGANIZER, RESIDENTIAL_PARENT),
    ("soatve", "Lê Văn Cường", Role.CHECKIN_STAFF, RESIDENTIAL_PARENT),
]


@dataclass
class DemoResult:
    password: str
    # (username, role, scope's full name or None for the whole country)
    accounts: list[tuple[str, Role, str | None]] = field(default_factory=list)

    @property
    def usernames(self) -> list[str]:
        return [username for username, _role, _scope in self.accounts]

    years: tuple[int, int] = (0, 0)
    practice_day: date | None = None


def next_main_year(today: date) -> int:
    """The year of the next 19 August on or after today."""
    return today.year if today <= editions.default_main_day(today.year) else today.year + 1


def demo_password(instance_path: str) -> str:
    """A random password made at the first run and kept in the instance folder (mode 600)."""
    path = Path(instance_path) / PASSWORD_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


def unit_rows(units_csv: bytes) -> list[Row]:
    """The shipped units plus a few generated hamlets under one commune."""
    rows = parse(decode(units_csv))
    communes = generator.communes_from_csv(units_csv.decode("utf-8"))
    parent = next(c for c in communes if c.code == RESIDENTIAL_PARENT)
    hamlets = generator.generate([parent], RESIDENTIAL_COUNT, seed=7, code_start=RESIDENTIAL_CODE_START)
    return rows + parse(generator.to_csv(hamlets))


def _edition(year: int, status: EditionStatus) -> Edition:
    existing = db.session.scalar(select(Edition).where(Edition.year == year))
    if existing is not None:
        return existing  # an edition someone already has is theirs to change; the demo leaves it alone
    data = editions.EditionData(
        year=year,
        season_start=date(year, 7, 1),
        season_end=date(year, 8, 19),
        theme=f"Toàn dân chung sức bảo vệ an ninh Tổ quốc, xây dựng cơ sở vững mạnh năm {year}",
        status=status.value,
    )
    return editions.save_edition(data)


def _organization(locality: Locality, name: str, kind: OrganizationKind, phone: str = "") -> Organization:
    existing = db.session.scalar(
        select(Organization).where(Organization.locality_id == locality.id, Organization.name == name)
    )
    if existing is not None:
        return existing
    return orgs.save_organization(orgs.OrganizationData(locality=locality, name=name, kind=kind.value, phone=phone))


def _venue(locality: Locality, name: str) -> Venue:
    existing = db.session.scalar(select(Venue).where(Venue.locality_id == locality.id, Venue.name == name))
    if existing is not None:
        return existing
    return orgs.save_venue(orgs.VenueData(locality=locality, name=name, address=locality.full_name, capacity=500))


def _hosts(locality: Locality) -> list[Organization]:
    if locality.level == "residential_area":
        return [
            _organization(locality, f"Ban công tác Mặt trận {locality.full_name}", OrganizationKind.RESIDENTIAL_BOARD)
        ]
    return [
        _organization(
            locality,
            f"Công an {locality.full_name[0].lower()}{locality.full_name[1:]}",
            OrganizationKind.POLICE,
            "0243 942 4242",
        ),
        _organization(
            locality,
            f"Ủy ban Mặt trận Tổ quốc Việt Nam {locality.full_name[0].lower()}{locality.full_name[1:]}",
            OrganizationKind.FATHERLAND_FRONT,
        ),
    ]


def _festival(edition: Edition, data: editions.FestivalData) -> LocalityFestival:
    existing = db.session.scalar(
        select(LocalityFestival).where(
            LocalityFestival.edition_id == edition.id, LocalityFestival.locality_id == data.locality.id
        )
    )
    if existing is None or existing.local_start.date() != data.day:
        existing = editions.save_festival(edition, data, existing)
    # else: already there for this day: keep whatever organizers changed since
    _program(existing)
    return existing


def _program(festival: LocalityFestival) -> None:
    """The festival's program (festival/demo/program.py), hosted by its first host with a partner: its second host,
    or for a residential area the police of the commune above it."""
    locality = festival.locality
    hosts = _hosts(locality)
    partner = hosts[1] if len(hosts) > 1 else _hosts(locality.parent)[0]
    unit = f"{locality.full_name[0].lower()}{locality.full_name[1:]}"
    ensure_program(
        festival,
        hosts[0],
        partner,
        _venue(locality, "Sân thể thao"),
        _organization(locality, f"Câu lạc bộ văn nghệ {unit}", OrganizationKind.MASS_ORGANIZATION),
        _organization(locality, f"Trạm Y tế {unit}", OrganizationKind.AGENCY),
    )


def _festivals(edition: Edition, held: bool) -> None:
    for code, month, day, start, end, model_level, venue_name in FESTIVALS:
        locality = get_by_code(code)
        if model_level:
            status = FestivalStatus.HELD if held else FestivalStatus.CONFIRMED
        else:
            status = FestivalStatus.HELD if held else FestivalStatus.PLANNED
        _festival(
            edition,
            editions.FestivalData(
                locality=locality,
                day=date(edition.year, month, day),
                start=start,
                end=end,
                venue=_venue(locality, venue_name),
                hosts=_hosts(locality),
                is_model_site=model_level is not None,
                model_site_level=model_level,
                status=status.value,
            ),
        )


def load_demo(today: date, rows: list[Row], instance_path: str, progress=None) -> DemoResult:
    apply(rows, progress)
    year = next_main_year(today)
    last = _edition(year - 1, EditionStatus.ARCHIVED)
    upcoming = _edition(year, EditionStatus.PUBLISHED)
    _festivals(last, held=True)
    _festivals(upcoming, held=False)

    code, start, end, venue_name = PRACTICE
    locality = get_by_code(code)
    _festival(
        upcoming,
        editions.FestivalData(
            locality=locality,
            day=today,
            start=start,
            end=end,
            venue=_venue(locality, venue_name),
            hosts=_hosts(locality),
            is_practice=True,
            status=FestivalStatus.CONFIRMED.value,
            notes="Buổi diễn tập để thử đăng ký và soát vé / A practice run to try registration and check-in.",
        ),
    )

    add_registrations(upcoming)
    add_checkin_lists(upcoming)

    password = demo_password(instance_path)
    result = DemoResult(password=password, years=(last.year, upcoming.year), practice_day=today)
    for username, full_name, role, scope in ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            accounts.create_user(
                accounts.UserData(
                    username=username,
                    full_name=full_name,
                    role=role.value,
                    scope_code=scope,
                    password=password,
                )
            )
        result.accounts.append((username, role, get_by_code(scope).full_name if scope else None))
    return result
