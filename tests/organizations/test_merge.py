"""Merging duplicates: every reference moves to the record kept, in one transaction, then the duplicate goes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.agenda.models import AgendaItem, AgendaParticipant, Commendation, Signing, SigningParty
from festival.audit.models import AuditEntry
from festival.editions.models import LocalityFestival, festival_hosts
from festival.extensions import db
from festival.organizations import merge, services
from festival.organizations.models import Contact, Organization, Venue
from tests.conftest import post_form


@pytest.fixture
def duplicates(orgs_world, make):
    """`keep` (the world's host) and `dup`, a second record of the same police station, both referred to by
    every kind of reference; some references are held by both (they must not be doubled)."""
    tree, edition = orgs_world["tree"], orgs_world["edition"]
    keep = orgs_world["organization"]
    dup = make.organization(
        tree["00376001"],
        "CA xã Sóc Sơn",
        kind="police",
        contacts=[services.ContactData(full_name="Đỗ Văn Trực", phone="0912000111")],
    )
    festival = orgs_world["festival"]  # hosted by keep
    item = orgs_world["item"]  # keep: host, commendation and a signing party
    # Shared: dup is a host of the same item and a party to the same signing, and hosts the same festival.
    item.participants.append(AgendaParticipant(organization=dup, role="host"))
    signing = db.session.scalar(select(Signing).where(Signing.item_id == item.id))
    signing.parties.append(SigningParty(organization=dup))
    festival.hosts.append(dup)
    db.session.commit()
    # Dup's own: a performer role, a commendation and a signing in another festival, hosting it; a user.
    other_festival = make.festival(edition, tree["00376001"], day=date(2027, 8, 3), hosts=[dup])
    make.agenda_item(other_festival, kind="commendations", organization=dup)  # host + commendation + signing
    db.session.add(AgendaParticipant(item=item, organization=dup, role="performer"))
    db.session.commit()
    make.user("org_rep", organization=dup, username="dup_rep")
    return {"keep": keep, "dup": dup, "festival": festival, "other_festival": other_festival, "item": item}


def count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def references(org_id: int) -> dict[str, int]:
    return {
        "participants": count(select(AgendaParticipant.id).where(AgendaParticipant.organization_id == org_id)),
        "signing_parties": count(select(SigningParty.id).where(SigningParty.organization_id == org_id)),
        "commendations": count(select(Commendation.id).where(Commendation.organization_id == org_id)),
        "festival_hosts": count(select(festival_hosts.c.festival_id).where(festival_hosts.c.organization_id == org_id)),
        "users": count(select(User.id).where(User.organization_id == org_id)),
        "contacts": count(select(Contact.id).where(Contact.organization_id == org_id)),
    }


def test_the_preview_counts_what_moves_and_what_is_already_there(duplicates, orgs_world):
    counts = merge.organization_merge_preview(orgs_world["admin"], duplicates["dup"], duplicates["keep"])
    assert {c.key: (c.moved, c.dropped) for c in counts} == {
        "participants": (2, 1),  # host of the other festival's item and performer move; the shared host drops
        "signing_parties": (1, 1),
        "commendations": (1, 0),
        "festival_hosts": (1, 1),
        "users": (1, 0),
        "contacts": (1, 0),
    }


def test_merging_moves_every_reference_in_one_go(duplicates, orgs_world, as_user):
    keep, dup = duplicates["keep"], duplicates["dup"]
    keep_id, dup_id = keep.id, dup.id
    before = references(keep.id)
    client = as_user("orga")
    url = f"/dashboard/organizations/{dup.id}/merge"
    # Choose, see the preview, confirm.
    page = client.get(url, query_string={"q": "cong an xa"}).get_data(as_text=True)
    assert f"keep={keep.id}" in page
    preview = client.get(url, query_string={"keep": keep.id})
    html = preview.get_data(as_text=True)
    assert (
        preview.status_code == 200 and "Participations in agenda items" in html and "Representatives’ accounts" in html
    )
    response = post_form(
        client, url, {"keep": str(keep.id), "duplicate_version": str(dup.version), "keep_version": str(keep.version)},
        page=f"{url}?keep={keep.id}",
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert response.headers["Location"].endswith(f"/dashboard/organizations/{keep.id}")
    db.session.expire_all()
    assert db.session.get(Organization, dup_id) is None
    after = references(keep_id)
    assert after == {
        "participants": before["participants"] + 2,
        "signing_parties": before["signing_parties"] + 1,
        "commendations": before["commendations"] + 1,
        "festival_hosts": before["festival_hosts"] + 1,
        "users": before["users"] + 1,
        "contacts": before["contacts"] + 1,
    }
    assert references(dup_id) == dict.fromkeys(after, 0)
    assert db.session.scalar(select(User).where(User.username == "dup_rep")).organization_id == keep_id
    assert [c.full_name for c in db.session.get(Organization, keep_id).contacts] == ["Đỗ Văn Trực"]
    hosts = db.session.get(LocalityFestival, duplicates["festival"].id).hosts
    assert [h.id for h in hosts] == [keep_id]
    # The change log says who merged what into what, and how many references moved.
    merge = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    assert (merge.entity, merge.entity_id, merge.username) == ("organization", keep_id, "orga")
    assert merge.changes["merged_from"][0].endswith(f"(#{dup_id})")
    assert merge.changes["contacts"] == [None, 1]


def test_a_duplicate_cannot_be_merged_into_a_record_outside_the_scope(duplicates, orgs_world, as_user):
    dup = duplicates["dup"]
    foreign = orgs_world["foreign_org"]
    client = as_user("orga")
    url = f"/dashboard/organizations/{dup.id}/merge"
    assert client.get(url, query_string={"keep": foreign.id}).status_code == 400
    response = post_form(client, url, {"keep": str(foreign.id), "duplicate_version": "1", "keep_version": "1"})
    assert response.status_code == 400
    for keep in (str(dup.id), "", "abc"):
        data = {"keep": keep, "duplicate_version": str(dup.version), "keep_version": str(dup.version)}
        assert post_form(client, url, data).status_code == 400, keep
    db.session.expire_all()
    assert db.session.get(Organization, dup.id) is not None
    assert references(dup.id)["participants"] == 3


def test_a_merge_over_a_changed_record_is_stale(duplicates, orgs_world, as_user):
    keep, dup = duplicates["keep"], duplicates["dup"]
    client = as_user("orga")
    url = f"/dashboard/organizations/{dup.id}/merge"
    data = {"keep": str(keep.id), "duplicate_version": str(dup.version), "keep_version": str(keep.version)}
    services.save_organization(
        services.OrganizationData(locality=keep.locality, name="Công an xã Sóc Sơn", kind="police", phone="0912345678"),
        keep,
    )
    response = post_form(client, url, data)
    assert response.status_code == 409
    assert "Someone else saved this record" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organization, dup.id) is not None


def test_merging_venues_moves_items_festivals_and_contacts(orgs_world, make, as_user):
    keep = orgs_world["venue"]
    dup = make.venue(
        orgs_world["tree"]["00376002"],
        "Nhà văn hóa xã Sóc Sơn",
        capacity=300,
        contacts=[services.ContactData(full_name="Phạm Thị Lan")],
    )
    festival = make.festival(orgs_world["edition"], orgs_world["tree"]["00376002"], day=date(2027, 8, 5), venue=dup)
    item = make.agenda_item(festival, venue=dup)
    item_version = item.version
    client = as_user("orga")
    url = f"/dashboard/venues/{dup.id}/merge"
    html = client.get(url, query_string={"keep": keep.id}).get_data(as_text=True)
    assert "Agenda items" in html and "Festival days" in html
    data = {"keep": str(keep.id), "duplicate_version": str(dup.version), "keep_version": str(keep.version)}
    assert post_form(client, url, data, page=f"{url}?keep={keep.id}").status_code == 302
    dup_id = dup.id
    db.session.expire_all()
    assert db.session.get(Venue, dup_id) is None
    moved_item = db.session.get(AgendaItem, item.id)
    assert moved_item.venue_id == keep.id and moved_item.version == item_version + 1
    assert db.session.get(LocalityFestival, festival.id).venue_id == keep.id
    assert [c.full_name for c in db.session.get(Venue, keep.id).contacts] == ["Phạm Thị Lan"]


def test_an_organizer_of_another_province_cannot_merge(duplicates, as_user):
    client = as_user("orga_thanh_hoa")
    url = f"/dashboard/organizations/{duplicates['dup'].id}/merge"
    data = {"keep": str(duplicates["keep"].id), "duplicate_version": "1", "keep_version": "1"}
    assert post_form(client, url, data, page="/dashboard/organizations").status_code == 404
    db.session.expire_all()
    assert db.session.get(Organization, duplicates["dup"].id) is not None
