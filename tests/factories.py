"""Factories for tests: a small real locality tree, editions, festivals, organizations, venues and users.

They go through the services, so that every record obeys the same rules as in the app.
"""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

from sqlalchemy import select

from festival.accounts import services as accounts
from festival.accounts.models import Role, User
from festival.agenda.models import (
    AgendaItem,
    AgendaParticipant,
    AgendaPerson,
    Commendation,
    ItemKind,
    Signing,
    SigningParty,
)
from festival.core.text import search_key
from festival.editions import services as editions
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.localities.importer import import_bytes
from festival.localities.models import Locality
from festival.localities.services import get_by_code
from festival.organizations import services as orgs
from festival.organizations.models import Organization, Venue
from festival.registration import quotas

TREE_CSV = """code,parent_code,level,unit_type,name,full_name,name_en,full_name_en
01,,province,Thành phố,Hà Nội,Thành phố Hà Nội,Hanoi,Hanoi City
38,,province,Tỉnh,Thanh Hoá,Tỉnh Thanh Hoá,Thanh Hoa,Thanh Hoa Province
66,,province,Tỉnh,Đắk Lắk,Tỉnh Đắk Lắk,Dak Lak,Dak Lak Province
00004,01,commune,Phường,Ba Đình,Phường Ba Đình,Ba Dinh,Ba Dinh Ward
00070,01,commune,Phường,Hoàn Kiếm,Phường Hoàn Kiếm,Hoan Kiem,Hoan Kiem Ward
00376,01,commune,Xã,Sóc Sơn,Xã Sóc Sơn,Soc Son,Soc Son Commune
14758,38,commune,Phường,Hàm Rồng,Phường Hàm Rồng,Ham Rong,Ham Rong Ward
22015,66,commune,Phường,Tuy Hoà,Phường Tuy Hoà,Tuy Hoa,Tuy Hoa Ward
00376001,00376,residential_area,Thôn,Đông,Thôn Đông,Dong,Dong Hamlet
00376002,00376,residential_area,Thôn,Tây,Thôn Tây,Tay,Tay Hamlet
"""


class Factory:
    PASSWORD = "mat-khau-thu-nghiem"

    def __init__(self, app):
        self.app = app
        self._seq = itertools.count(1)

    def tree(self) -> dict[str, Locality]:
        """Three provinces, five communes and two hamlets of the real list, keyed by code."""
        import_bytes(TREE_CSV.encode("utf-8"))
        codes = [line.split(",")[0] for line in TREE_CSV.splitlines()[1:]]
        return {code: get_by_code(code) for code in ["VN", *codes]}

    def edition(self, year: int = 2027, status: str = "published", **kw) -> Edition:
        data = editions.EditionData(
            year=year,
            season_start=kw.pop("season_start", date(year, 7, 1)),
            season_end=kw.pop("season_end", date(year, 8, 19)),
            status=status,
            theme=kw.pop("theme", f"Chủ đề {year}"),
            **kw,
        )
        return editions.save_edition(data)

    def organization(self, locality: Locality, name: str | None = None, kind: str = "police", **kw) -> Organization:
        name = name or f"Tổ chức {next(self._seq)}"
        return orgs.save_organization(orgs.OrganizationData(locality=locality, name=name, kind=kind, **kw))

    def venue(self, locality: Locality, name: str | None = None, **kw) -> Venue:
        name = name or f"Địa điểm {next(self._seq)}"
        return orgs.save_venue(orgs.VenueData(locality=locality, name=name, **kw))

    def festival(
        self,
        edition: Edition,
        locality: Locality,
        day: date | None = None,
        start: time = time(8, 0),
        end: time = time(11, 0),
        **kw,
    ) -> LocalityFestival:
        data = editions.FestivalData(
            locality=locality, day=day or date(edition.year, 8, 10), start=start, end=end, **kw
        )
        return editions.save_festival(edition, data)

    def agenda_item(
        self,
        festival: LocalityFestival,
        kind: str = "commendations",
        minutes: tuple[int, int] = (0, 30),
        venue: Venue | None = None,
        person: str | None = None,
        organization: Organization | None = None,
        **kw,
    ) -> AgendaItem:
        """An item written straight to the table (the agenda services have their own tests), with a commendation
        and a signing when it is of those kinds."""
        kind_enum = ItemKind(kind)
        item = AgendaItem(
            festival=festival,
            part=kind_enum.part.value,
            kind=kind,
            title=kw.pop("title", str(kind_enum.label)),
            starts_at=festival.starts_at + timedelta(minutes=minutes[0]),
            ends_at=festival.starts_at + timedelta(minutes=minutes[1]),
            venue=venue,
            **kw,
        )
        if person:
            item.people = [
                AgendaPerson(full_name=person, position_title="Trưởng Công an xã", name_key=search_key(person))
            ]
        if organization is not None:
            item.participants = [AgendaParticipant(organization=organization, role="host")]
            item_commendation = Commendation(
                item=item,
                level="commune_certificate",
                recipient_kind="organization",
                organization=organization,
                reason="Thành tích xuất sắc trong phong trào",
            )
            signing = Signing(item=item, kind="coordination_regulation", title="Quy chế phối hợp")
            signing.parties = [SigningParty(organization=organization)]
            db.session.add_all([item_commendation, signing])
        db.session.add(item)
        db.session.commit()
        return item

    def registrable_item(self, festival: LocalityFestival, capacity: int | None = 20, **kw) -> AgendaItem:
        """A published item that takes registrations, in the festival's published program."""
        item = self.agenda_item(
            festival,
            kind=kw.pop("kind", "health_checkup"),
            minutes=kw.pop("minutes", (60, 120)),
            status=kw.pop("status", "published"),
            takes_registrations=True,
            capacity=capacity,
            title=kw.pop("title", "Khám sức khoẻ miễn phí"),
            published_at=kw.pop("published_at", festival.starts_at - timedelta(days=30)),
            **kw,
        )
        if festival.program_published_at is None:
            festival.program_published_at = festival.starts_at - timedelta(days=30)
            db.session.commit()
        return item

    def registration(self, quota, full_name: str | None = None, phone: str | None = None, **kw):
        """A public registration through the service (confirmed, or waiting when the quota is full)."""
        from festival.registration import services as registration

        number = next(self._seq)
        data = registration.RegistrationData(
            full_name=full_name or f"Người đăng ký {number}",
            phone=phone or f"09{12000000 + number:08d}",
            consent=True,
            **kw,
        )
        return registration.register(quota, data)

    def invitation(self, quota, full_name: str | None = None, **kw):
        from festival.registration import services as registration

        data = registration.InvitationData(full_name=full_name or f"Đại biểu {next(self._seq)}", **kw)
        return registration.invite(quota, data)

    def tickets(self, world: dict) -> dict:
        """Registration records on the world's festival: a published item with 3 places, a confirmed registration
        (with an e-mail, so one confirmation is queued), one on the waiting list and an invitation. Route tests
        take their path samples from it: token, registration_id, quota_id, mail_id."""
        from festival.mail.models import OutgoingMail

        item = self.registrable_item(world["festival"], capacity=1, venue=world["venue"])
        quota = quotas.ensure_quota(world["festival"], item)
        confirmed = self.registration(quota, "Phạm Thị Lan", "0912 000 111", email="lan@example.vn")
        waiting = self.registration(quota, "Đỗ Văn Nam", "0912 000 222")
        invitation = self.invitation(quota, "Hoàng Văn Đức", position_title="Chủ tịch UBND xã")
        mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.registration_id == confirmed.id)).first()
        return {
            "item": item,
            "quota": quota,
            "registration": confirmed,
            "waiting": waiting,
            "invitation": invitation,
            "mail": mail,
            "samples": {
                "token": confirmed.token,
                "registration_id": str(confirmed.id),
                "quota_id": str(quota.id),
                "mail_id": str(mail.id),
                "change": "start",  # the ticket page's calendar feed step (start, replace, stop)
            },
        }

    def checkin(self, world: dict, tickets: dict) -> dict:
        """The world's festival day's entrance list with one scan on it (so the sweeps cannot delete it) and a
        device. Route tests take their path samples from it: list_id, device_id."""
        from festival.checkin import devices, lists
        from festival.checkin.scanning import scan
        from festival.registration import services as registration

        entrance = lists.save(world["festival"], lists.ListData(name="Cổng chính"))
        device = devices.create_device(world["festival"], "Máy soát vé").device
        db.session.commit()
        scan(device, entrance, registration.ticket_text(tickets["registration"]))
        return {
            "list": entrance,
            "device": device,
            "samples": {"list_id": str(entrance.id), "device_id": str(device.id)},
        }

    def user(
        self,
        role: Role | str = Role.ORGANIZER,
        scope: Locality | None = None,
        username: str | None = None,
        organization: Organization | None = None,
        **kw,
    ) -> User:
        role = Role(role)
        return accounts.create_user(
            accounts.UserData(
                username=username or f"user{next(self._seq)}",
                full_name=kw.pop("full_name", "Nguyễn Văn An"),
                role=role.value,
                scope_code=scope.code if scope else "",
                organization_id=organization.id if organization else None,
                password=kw.pop("password", self.PASSWORD),
                **kw,
            )
        )
