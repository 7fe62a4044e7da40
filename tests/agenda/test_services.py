"""Saving agenda items: rules as coded field errors, nothing saved on error, order, publishing, revisions."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select, update

from festival.agenda import services
from festival.agenda.models import AgendaChange, AgendaItem
from festival.agenda.services import ParticipantData, PersonData
from festival.core.errors import DomainError
from festival.extensions import db
from tests.agenda.conftest import count_items, item_data
from tests.conftest import count_queries


def test_a_new_item_is_a_draft_on_the_festival_day_at_the_end_of_its_part(festival, world):
    first = services.save_item(festival, item_data("arts", title="  Văn nghệ  ")).item
    second = services.save_item(festival, item_data("sports", start=(9, 30), end=(10, 0), title="Kéo co")).item
    assert first.title == "Văn nghệ" and first.status == "draft" and first.revision == 1
    assert first.local_start.strftime("%d/%m/%Y %H:%M") == "10/08/2027 09:00"
    assert first.local_start.utcoffset().total_seconds() == 7 * 3600
    assert (first.part, first.position, second.position) == ("festivities", 1, 2)
    ceremony = services.save_item(festival, item_data("flag_salute", start=(8, 30), end=(8, 35))).item
    assert ceremony.position == 2  # after the world's commendation item


def test_people_and_participants_are_saved_and_replaced(festival, world, make):
    police = world["organization"]
    front = make.organization(world["tree"]["00376"], name="Mặt trận xã", kind="fatherland_front")
    data = item_data(
        people=[PersonData("Nguyễn Thị Hoà", "Chủ tịch"), PersonData("Lê Văn An")],
        participants=[ParticipantData(police, "host"), ParticipantData(front, "co_organizer")],
    )
    item = services.save_item(festival, data).item
    assert [(p.full_name, p.name_key) for p in item.people] == [
        ("Nguyễn Thị Hoà", "nguyenthihoa"),
        ("Lê Văn An", "levanan"),
    ]
    data.people = [PersonData("Lê Văn An")]
    data.participants = [ParticipantData(front, "co_organizer"), ParticipantData(police, "sponsor")]
    item = services.save_item(festival, data, item).item
    db.session.expire_all()
    assert [p.full_name for p in item.people] == ["Lê Văn An"]
    assert sorted((p.organization.name, p.role) for p in item.participants) == [
        ("Công an xã Sóc Sơn", "sponsor"),
        ("Mặt trận xã", "co_organizer"),
    ]


def _error(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": "   "}, "title_required", "title"),
        ({"title": "x" * 301}, "title_too_long", "title"),
        ({"part": "party"}, "part_unknown", "part"),
        ({"kind": "fireworks"}, "kind_unknown", "kind"),
        ({"kind": "flag_salute", "part": "festivities"}, "kind_unknown", "kind"),
        ({"start": time(10, 0), "end": time(10, 0)}, "time_order", "end"),
        ({"start": None}, "time_required", "start"),
        ({"end": None}, "time_required", "end"),
        ({"start": time(10, 0), "end": time(9, 0)}, "time_order", "end"),
        ({"start": time(7, 30), "end": time(8, 30)}, "outside_festival_day", "start"),
        ({"start": time(10, 30), "end": time(11, 30)}, "outside_festival_day", "start"),
        ({"day": date(2027, 8, 11)}, "outside_festival_day", "start"),
        ({"capacity": 0}, "capacity_invalid", "capacity"),
        ({"capacity": -5}, "capacity_invalid", "capacity"),
        ({"capacity": 10**12}, "capacity_invalid", "capacity"),
        ({"people": [PersonData("  ", "Trưởng thôn")]}, "person_name_required", "people"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(festival, changes, code, field):
    data = item_data(**{k: v for k, v in changes.items() if k not in ("start", "end")})
    for name in ("start", "end"):
        if name in changes:
            setattr(data, name, changes[name])
    before = count_items()
    error = _error(lambda: services.save_item(festival, data))
    assert (error.code, error.field) == (code, field)
    assert str(error.message)
    db.session.rollback()
    assert count_items() == before


def test_other_belongs_to_both_parts(festival):
    assert services.save_item(festival, item_data("other", part="ceremony")).item.part == "ceremony"
    assert services.save_item(festival, item_data("other", part="festivities")).item.part == "festivities"


def test_venues_and_organizations_of_another_province_are_refused(festival, world, make):
    tree = world["tree"]
    far_venue = make.venue(tree["14758"], name="Quảng trường Hàm Rồng")
    error = _error(lambda: services.save_item(festival, item_data(venue=far_venue)))
    assert (error.code, error.field) == ("venue_outside_province", "venue")
    # A venue of another commune of the same province is fine.
    near_venue = make.venue(tree["00004"], name="Sân Ba Đình")
    assert services.save_item(festival, item_data(venue=near_venue)).item.venue_id == near_venue.id

    far = make.organization(tree["14758"], name="Công an phường Hàm Rồng")
    error = _error(lambda: services.save_item(festival, item_data(participants=[ParticipantData(far, "performer")])))
    assert (error.code, error.field) == ("organization_outside_province", "participants")
    # Organizations of the province and of the nation take part anywhere below them.
    province = make.organization(tree["01"], name="Công an Thành phố Hà Nội")
    ministry = make.organization(tree["VN"], name="Bộ Công an")
    item = services.save_item(
        festival,
        item_data(participants=[ParticipantData(province, "co_organizer"), ParticipantData(ministry, "sponsor")]),
    ).item
    assert len(item.participants) == 2
    error = _error(lambda: services.save_item(festival, item_data(participants=[ParticipantData(province, "caterer")])))
    assert (error.code, error.field) == ("role_unknown", "participants")


def test_a_stale_version_is_refused(festival):
    item = services.save_item(festival, item_data()).item
    shown = item.version
    services.save_item(festival, item_data(title="Văn nghệ quần chúng"), item, expected_version=shown)
    error = _error(lambda: services.save_item(festival, item_data(title="Đổi"), item, expected_version=shown))
    assert (error.code, error.status) == ("stale_version", 409)
    assert item.title == "Văn nghệ quần chúng"


def test_a_concurrent_save_between_read_and_commit_is_stale_too(festival):
    item = services.save_item(festival, item_data()).item
    version = item.version
    # Another request saves the row after this one has read it.
    db.session.execute(update(AgendaItem).where(AgendaItem.id == item.id).values(version=version + 1))
    error = _error(lambda: services.save_item(festival, item_data(title="Mới"), item, expected_version=version))
    assert (error.code, error.status) == ("stale_version", 409)
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Văn nghệ chào mừng"


def test_saving_people_only_still_moves_the_version(festival):
    item = services.save_item(festival, item_data()).item
    version = item.version
    services.save_item(festival, item_data(people=[PersonData("Phạm Văn Đức")]), item)
    assert item.version == version + 1


def test_deleting_drafts_and_cancelling_published_items(festival, world):
    draft = services.save_item(festival, item_data()).item
    services.delete_item(draft)
    assert db.session.get(AgendaItem, draft.id) is None

    services.publish_program(festival)
    item = world["item"]
    error = _error(lambda: services.delete_item(item))
    assert error.code == "published_item_delete"
    data = item_data("commendations", start=(8, 0), end=(8, 30), title=item.title, venue=world["venue"])
    services.save_item(festival, data, item)
    assert item.revision == 1  # nothing that counts changed
    data.cancelled = True
    services.save_item(festival, data, item)
    assert (item.status, item.revision) == ("cancelled", 2) and item.cancelled_at is not None
    data.cancelled = False
    services.save_item(festival, data, item)
    assert (item.status, item.revision, item.cancelled_at) == ("published", 3, None)


def test_published_changes_raise_the_revision_and_are_logged(festival, world, make):
    item = services.save_item(festival, item_data(title="Văn nghệ")).item
    services.save_item(festival, item_data(title="Văn nghệ mới"), item)
    assert item.revision == 1  # drafts have no change log
    services.publish_program(festival, world["admin"])
    other_venue = make.venue(world["tree"]["00376"], name="Sân bóng thôn Đông")
    services.save_item(
        festival,
        item_data(title="Văn nghệ mới", start=(9, 15), end=(9, 45), venue=other_venue, description="Khác"),
        item,
        user=world["organizer"],
    )
    assert item.revision == 2
    change = db.session.scalar(select(AgendaChange).where(AgendaChange.item_id == item.id))
    assert change.revision == 2 and change.user_id == world["organizer"].id
    assert change.changes == {
        "starts_at": ["2027-08-10T09:00:00+07:00", "2027-08-10T09:15:00+07:00"],
        "ends_at": ["2027-08-10T09:30:00+07:00", "2027-08-10T09:45:00+07:00"],
        "venue": [None, "Sân bóng thôn Đông"],
    }
    result = services.set_times(item, time(10, 0), time(10, 30), expected_version=item.version)
    assert result.item.revision == 3
    error = _error(lambda: services.set_times(item, time(10, 30), time(10, 0)))
    assert error.code == "time_order"

    changed = services.changes_since_publishing(festival)
    assert [(c.item.id, c.revision, [r.revision for r in c.changes]) for c in changed] == [(item.id, 3, [3, 2])]


def test_a_new_item_in_a_published_program_waits_for_the_next_publish(festival):
    assert services.publish_program(festival) == 1
    published_at = festival.program_published_at
    assert published_at is not None
    item = services.save_item(festival, item_data()).item
    assert item.status == "draft"
    assert services.publish_program(festival) == 1
    assert item.status == "published" and item.published_at is not None
    assert festival.program_published_at == published_at
    assert services.publish_program(festival) == 0


def test_an_empty_program_cannot_be_published(make, world):
    empty = make.festival(world["edition"], world["tree"]["00070"], day=date(2027, 8, 11))
    error = _error(lambda: services.publish_program(empty))
    assert error.code == "program_empty"
    assert empty.program_published_at is None


def test_reorder_and_move(festival):
    a, b, c = (services.save_item(festival, item_data(kind, title=kind)).item for kind in ("arts", "sports", "contest"))
    services.reorder(festival, "festivities", [c.id, a.id, b.id])
    assert [(i.title, i.position) for i in services.program(festival).festivities] == [
        ("contest", 1),
        ("arts", 2),
        ("sports", 3),
    ]
    services.move(a, -1)
    assert [i.title for i in services.program(festival).festivities] == ["arts", "contest", "sports"]
    services.move(a, -1)  # already first
    services.move(b, +1)  # already last
    assert [i.title for i in services.program(festival).festivities] == ["arts", "contest", "sports"]
    for wrong in ([a.id, b.id], [a.id, b.id, c.id, c.id], [a.id, b.id, 999999]):
        assert _error(lambda wrong=wrong: services.reorder(festival, "festivities", wrong)).code == "order_mismatch"


def test_a_deleted_item_closes_the_gap(festival):
    a, b, c = (services.save_item(festival, item_data(kind, title=kind)).item for kind in ("arts", "sports", "contest"))
    services.delete_item(b)
    assert [(i.title, i.position) for i in services.program(festival).festivities] == [("arts", 1), ("contest", 2)]


def test_the_program_loads_in_a_bounded_number_of_queries(festival, world, make):
    police = world["organization"]
    for n in range(300):
        item = AgendaItem(
            festival=festival,
            part="festivities",
            kind="arts",
            title=f"Tiết mục {n}",
            starts_at=festival.starts_at,
            ends_at=festival.ends_at,
            venue=world["venue"],
            position=n + 2,
        )
        from festival.agenda.models import AgendaParticipant, AgendaPerson

        item.people = [AgendaPerson(full_name=f"Người {n}", name_key=f"nguoi{n}")]
        item.participants = [AgendaParticipant(organization=police, role="performer")]
        db.session.add(item)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as queries:
        shown = services.program(festival)
        for item in shown.items:
            _ = (item.venue and item.venue.name, [p.full_name for p in item.people])
            _ = [p.organization.name for p in item.participants]
        _ = [c.organization and c.organization.name for c in shown.commendations]
        _ = [[p.organization.name for p in s.parties] for s in shown.signings]
    assert len(shown.items) == 301 and len(shown.commendations) == 1 and len(shown.signings) == 1
    assert len(queries) <= 15, queries
