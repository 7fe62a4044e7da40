"""Starting a program from the customary template or from another festival day's program."""

from __future__ import annotations

from datetime import date, time

import pytest

from festival.agenda import cloning, services
from festival.agenda.models import ItemKind
from festival.agenda.services import ParticipantData, PersonData
from festival.agenda.template import CUSTOMARY_CEREMONY, apply_template
from festival.core.errors import DomainError
from tests.agenda.conftest import item_data


def test_the_customary_ceremony_order():
    kinds = [kind for kind, _minutes, _title in CUSTOMARY_CEREMONY]
    assert kinds == [
        ItemKind.WELCOME_PERFORMANCE,
        ItemKind.FLAG_SALUTE,
        ItemKind.OPENING,
        ItemKind.RESULTS_REPORT,
        ItemKind.DISCUSSION,
        ItemKind.COMMENDATIONS,
        ItemKind.DELEGATE_GIFTS,
        ItemKind.HOST_REPLY,
        ItemKind.SIGNING,
    ]
    assert [minutes for _kind, minutes, _title in CUSTOMARY_CEREMONY] == [10, 5, 10, 20, 20, 15, 15, 5, 10]


def test_the_template_lays_items_back_to_back_clipped_to_the_day(make, world):
    festival = make.festival(world["edition"], world["tree"]["00070"], day=date(2027, 8, 11), end=time(10, 30))
    items = apply_template(festival)
    times = [(i.kind, i.local_start.strftime("%H:%M"), i.local_end.strftime("%H:%M")) for i in items]
    assert times[:3] == [
        ("welcome_performance", "08:00", "08:10"),
        ("flag_salute", "08:10", "08:15"),
        ("opening", "08:15", "08:25"),
    ]
    assert times[8] == ("signing", "09:40", "09:50")
    # The festivities follow; the forum would start at 10:50, after the day's end: left out; the contest is clipped.
    assert times[9:] == [("arts", "09:50", "10:20"), ("contest", "10:20", "10:30")]
    assert all(i.status == "draft" and i.revision == 1 for i in items)
    assert [i.position for i in items if i.part == "ceremony"] == list(range(1, 10))
    with pytest.raises(DomainError) as caught:
        apply_template(festival)
    assert caught.value.code == "program_not_empty"


def test_cloning_from_last_year_shifts_times_and_copies_no_honours_nor_registrations(make, world):
    tree = world["tree"]
    source = world["festival"]  # 10/08/2027 08:00–11:00, with an item, a commendation and a signing
    far_venue = make.venue(tree["14758"], name="Nhà thi đấu")
    far_org = make.organization(tree["14758"], name="Đoàn văn công Thanh Hoá")
    hall = make.venue(tree["00376"], name="Hội trường xã", capacity=100)
    services.save_item(
        source,
        item_data(
            "contest",
            start=(9, 30),
            end=(10, 30),
            venue=hall,
            capacity=50,
            takes_registrations=True,
            people=[PersonData("Đỗ Thị Lan", "Bí thư Đoàn")],
            participants=[ParticipantData(world["organization"], "host")],
        ),
    )
    cancelled = services.save_item(source, item_data("sports", start=(9, 0), end=(9, 30), title="Kéo co")).item
    services.save_item(
        source, item_data("sports", start=(9, 0), end=(9, 30), title="Kéo co", cancelled=True), cancelled
    )
    services.publish_program(source)
    # A foreign venue and organization got in by the back door (a program from before the rule): not copied.
    source_item = world["item"]
    source_item.venue = far_venue
    from festival.agenda.models import AgendaParticipant
    from festival.extensions import db

    source_item.participants.append(AgendaParticipant(organization=far_org, role="performer"))
    db.session.commit()

    edition = make.edition(2028)
    target = make.festival(edition, tree["00376"], day=date(2028, 8, 3), start=time(14, 0), end=time(17, 0))
    assert [f.id for f in cloning.clone_sources(target, world["organizer"])] == [source.id]
    copies = cloning.clone_program(target, source, world["organizer"])
    shown = [(c.kind, c.local_start.strftime("%d/%m/%Y %H:%M"), c.status, c.revision) for c in copies]
    assert shown == [
        ("commendations", "03/08/2028 14:00", "draft", 1),
        ("contest", "03/08/2028 15:30", "draft", 1),
    ]
    commendation, contest = copies
    assert commendation.venue is None and [p.organization.name for p in commendation.participants] == [
        "Công an xã Sóc Sơn"
    ]
    assert (contest.venue, contest.capacity, contest.takes_registrations) == (hall, 50, True)
    assert [(p.full_name, p.position_title) for p in contest.people] == [("Đỗ Thị Lan", "Bí thư Đoàn")]
    program = services.program(target)
    assert program.commendations == [] and program.signings == []
    with pytest.raises(DomainError) as caught:
        cloning.clone_program(target, source)
    assert caught.value.code == "program_not_empty"


def test_clone_sources_put_the_same_locality_first_and_stay_in_scope(make, world):
    tree = world["tree"]
    edition = make.edition(2028)
    target = make.festival(edition, tree["00376"], day=date(2028, 8, 3))
    neighbour = make.festival(edition, tree["00004"], day=date(2028, 8, 4))
    far = make.festival(edition, tree["14758"], day=date(2028, 8, 4))
    for festival in (neighbour, far):
        services.save_item(festival, item_data())
    province_organizer = make.user("organizer", scope=tree["01"])
    assert [f.id for f in cloning.clone_sources(target, province_organizer)] == [world["festival"].id, neighbour.id]
    assert [f.id for f in cloning.clone_sources(target, world["admin"])] == [world["festival"].id, neighbour.id, far.id]
    with pytest.raises(DomainError) as caught:
        cloning.clone_program(target, far, province_organizer)
    assert caught.value.status == 404
