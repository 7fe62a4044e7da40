"""Double bookings are warnings: the item is saved, the conflict returned and listed for the whole program."""

from __future__ import annotations

from datetime import date, time

from festival.agenda import conflicts, services
from festival.agenda.services import ParticipantData, PersonData
from tests.agenda.conftest import item_data
from tests.conftest import count_queries


def codes(found) -> list[tuple[str, int, int | None]]:
    return sorted((c.code, c.item_id, c.other_item_id) for c in found)


def test_the_same_venue_twice_at_once_is_saved_with_a_warning(festival, world):
    venue = world["venue"]
    first = services.save_item(festival, item_data("arts", start=(9, 0), end=(9, 30), venue=venue)).item
    result = services.save_item(
        festival, item_data("sports", start=(9, 15), end=(9, 45), title="Bóng chuyền", venue=venue)
    )
    assert result.item.id is not None
    assert codes(result.warnings) == [("venue_overlap", result.item.id, first.id)]
    message = str(result.warnings[0].message)
    assert "Văn nghệ chào mừng" in message and "Xã Sóc Sơn" in message and "09:00–09:30 10/08/2027" in message
    # Back to back is no overlap; moving it away resolves the warning.
    assert services.set_times(result.item, time(9, 30), time(10, 0)).warnings == []
    assert conflicts.for_program(festival) == []


def test_cancelled_items_never_conflict(festival, world):
    venue = world["venue"]
    first = services.save_item(festival, item_data(start=(9, 0), end=(9, 30), venue=venue)).item
    services.save_item(festival, item_data(start=(9, 0), end=(9, 30), venue=venue, cancelled=True), first)
    assert services.save_item(festival, item_data(start=(9, 0), end=(9, 30), venue=venue)).warnings == []


def test_a_person_at_two_festivals_at_once_is_found_whatever_the_accents(festival, world, make):
    tree = world["tree"]
    # Another commune's festival of the same edition, at the same hours the same day.
    other = make.festival(world["edition"], tree["00070"], day=date(2027, 8, 10))
    officer = PersonData("Nguyễn Văn Hùng", "Phó Trưởng Công an khu vực")
    there = services.save_item(other, item_data("forum", start=(9, 0), end=(10, 0), people=[officer])).item
    here = services.save_item(
        festival,
        item_data("results_report", start=(9, 30), end=(9, 50), people=[PersonData("NGUYEN VAN HUNG")]),
    )
    assert codes(here.warnings) == [("person_overlap", here.item.id, there.id)]
    assert here.warnings[0].other_festival_id == other.id
    assert "Phường Hoàn Kiếm" in str(here.warnings[0].message)
    assert codes(conflicts.for_program(festival)) == [("person_overlap", here.item.id, there.id)]
    assert codes(conflicts.for_program(other)) == [("person_overlap", there.id, here.item.id)]


def test_an_organization_in_two_places_at_once(festival, world, make):
    tree = world["tree"]
    police = make.organization(tree["01"], name="Công an Thành phố Hà Nội")
    other = make.festival(world["edition"], tree["00070"], day=date(2027, 8, 10))
    there = services.save_item(
        other, item_data("arts", start=(9, 0), end=(10, 0), participants=[ParticipantData(police, "performer")])
    ).item
    here = services.save_item(
        festival, item_data("sports", start=(9, 30), end=(10, 30), participants=[ParticipantData(police, "host")])
    )
    assert codes(here.warnings) == [("organization_overlap", here.item.id, there.id)]
    assert "Công an Thành phố Hà Nội" in str(here.warnings[0].message)
    # A sponsor is not on the spot.
    services.save_item(
        festival,
        item_data("sports", start=(9, 30), end=(10, 30), participants=[ParticipantData(police, "sponsor")]),
        here.item,
    )
    assert conflicts.for_item(here.item) == []


def test_an_organization_in_two_items_at_the_same_place_of_one_festival_is_no_conflict(festival, world, make):
    host = world["organization"]
    venue = make.venue(world["tree"]["00376"], name="Sân bóng")
    participants = [ParticipantData(host, "host")]
    first = services.save_item(festival, item_data("arts", venue=venue, participants=participants)).item
    second = services.save_item(festival, item_data("contest", title="Thi", venue=None, participants=participants))
    # The second item is at the festival's venue, another place than the first's.
    assert codes(second.warnings) == [("organization_overlap", second.item.id, first.id)]
    services.save_item(festival, item_data("contest", title="Thi", venue=venue, participants=participants), second.item)
    assert codes(conflicts.for_item(second.item)) == [("venue_overlap", second.item.id, first.id)]


def test_a_capacity_above_the_venues(festival, world, make):
    hall = make.venue(world["tree"]["00376"], name="Hội trường", capacity=80)
    result = services.save_item(festival, item_data(venue=hall, capacity=120, takes_registrations=True))
    assert [(w.code, w.other_item_id) for w in result.warnings] == [("capacity_above_venue", None)]
    assert "80" in str(result.warnings[0].message)
    assert [c.code for c in conflicts.for_program(festival)] == ["capacity_above_venue"]


def test_the_whole_program_lists_each_pair_once_in_a_few_queries(festival, world, make):
    venue = world["venue"]
    person = PersonData("Trần Văn Nam")
    items = [
        services.save_item(
            festival, item_data("arts", start=(9, 0), end=(10, 0), title=f"Tiết mục {n}", venue=venue, people=[person])
        ).item
        for n in range(3)
    ]
    with count_queries() as queries:
        found = conflicts.for_program(festival)
    # One per kind, the names in the messages, the festival reloaded after a commit, PostgreSQL's plan setting.
    assert len(queries) <= 8
    pairs = sorted((c.code, c.item_id, c.other_item_id) for c in found)
    a, b, c = (i.id for i in items)
    expected = [(code, x, y) for code in ("person_overlap", "venue_overlap") for x, y in ((a, b), (a, c), (b, c))]
    assert pairs == sorted(expected)
