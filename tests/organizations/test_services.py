"""The services' own guarantees: a save racing another one is refused as stale, nothing half-saved."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from festival.core.errors import DomainError
from festival.extensions import db
from festival.organizations import services
from festival.organizations.models import Contact, Organization


def test_a_save_that_loses_the_race_is_stale_and_saves_nothing(orgs_world):
    org = orgs_world["organization"]
    shown = org.version
    # Another request saves between this one's check and its write.
    db.session.execute(update(Organization).where(Organization.id == org.id).values(version=shown + 1, name="Khác"))
    data = services.OrganizationData(
        locality=org.locality,
        name="Công an xã Sóc Sơn mới",
        kind="police",
        contacts=[services.ContactData(full_name="Trần Văn Hùng")],
        version=shown,
    )
    with pytest.raises(DomainError) as caught:
        services.save_organization(data, org)
    assert (caught.value.code, caught.value.status) == ("stale_version", 409)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Khác"
    assert db.session.query(Contact).count() == 0


def test_changing_only_the_contacts_moves_the_version(orgs_world):
    org = orgs_world["organization"]
    before = org.version
    data = services.OrganizationData(
        locality=org.locality,
        name=org.name,
        kind=org.kind,
        contacts=[services.ContactData(full_name="Trần Văn Hùng", phone="0912345678")],
        version=before,
    )
    services.save_organization(data, org)
    assert org.version == before + 1
    # A form opened before that change is now stale.
    data.version = before
    with pytest.raises(DomainError) as caught:
        services.save_organization(data, org)
    assert caught.value.code == "stale_version"


def test_a_representative_without_an_organization_has_no_page(orgs_world, make):
    organizer = orgs_world["organizer"]
    with pytest.raises(DomainError) as caught:
        services.own_organization(organizer)
    assert caught.value.status == 403
