"""Every change of an audited record leaves a row saying who changed what, in the same transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.editions import services as editions
from festival.extensions import db
from festival.organizations import services as orgs


def _entries(entity: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)))


def test_create_and_update_are_recorded_with_the_fields_that_changed(make, tree):
    venue = make.venue(tree["00376"], name="Sân vận động xã", capacity=300)
    orgs.save_venue(orgs.VenueData(locality=tree["00376"], name="Sân vận động xã", capacity=500), venue)
    created, updated = _entries("venue")
    assert (created.action, created.entity_id, created.label) == ("create", venue.id, "Sân vận động xã")
    assert created.changes["capacity"] == [None, 300]
    assert created.locality_path == tree["00376"].path
    assert updated.action == "update"
    assert updated.changes == {"capacity": [300, 500]}
    assert updated.username == ""  # a change made outside a request: no account


def test_an_unchanged_save_writes_no_row(make, tree):
    venue = make.venue(tree["00376"], name="Nhà văn hoá", capacity=100)
    orgs.save_venue(orgs.VenueData(locality=tree["00376"], name="Nhà văn hoá", capacity=100), venue)
    assert [e.action for e in _entries("venue")] == ["create"]


def test_a_festival_hosts_change_is_recorded_as_ids(make, tree):
    edition = make.edition(2027)
    host = make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    festival = make.festival(edition, tree["00376"], day=date(2027, 8, 10))
    data = editions.FestivalData(
        locality=tree["00376"], day=date(2027, 8, 10), start=festival.local_start.time(), end=festival.local_end.time()
    )
    data.hosts = [host]
    editions.save_festival(edition, data, festival)
    update = _entries("festival")[-1]
    assert update.changes["hosts"] == [[], [host.id]]
    assert update.label == "Xã Sóc Sơn"


def test_a_rolled_back_change_leaves_no_row(make, tree):
    venue = make.venue(tree["00376"], name="Sân", capacity=100)
    venue.capacity = 200
    db.session.flush()
    db.session.rollback()
    assert [e.action for e in _entries("venue")] == ["create"]
