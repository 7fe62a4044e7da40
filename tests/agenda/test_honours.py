"""Commendations announced at a ceremony item, signings with their parties."""

from __future__ import annotations

import pytest

from festival.agenda import services
from festival.agenda.honours import (
    CommendationData,
    SigningData,
    delete_commendation,
    delete_signing,
    save_commendation,
    save_signing,
)
from festival.core.errors import DomainError
from tests.agenda.conftest import item_data


def _error(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_commendations_to_an_organization_a_residential_area_and_a_person(world):
    item, tree = world["item"], world["tree"]
    area = save_commendation(
        item, CommendationData("province_merit", "residential_area", locality=tree["00376001"], reason=" Xuất sắc ")
    )
    person = save_commendation(
        item,
        CommendationData(
            "medal",
            "person",
            person_name="Hoàng Văn Tư",
            person_position="Tổ trưởng tổ an ninh",
            organization=world["organization"],
        ),
    )
    assert (area.position, person.position) == (2, 3)
    assert area.reason == "Xuất sắc" and person.organization is None
    assert [c.id for c in services.program(world["festival"]).commendations][1:] == [area.id, person.id]
    version = person.version
    save_commendation(
        item, CommendationData("medal", "person", person_name="Hoàng Văn Tư"), person, expected_version=version
    )
    assert (
        _error(
            lambda: save_commendation(
                item, CommendationData("medal", "person", person_name="X"), person, expected_version=version
            )
        ).code
        == "stale_version"
    )
    delete_commendation(person)
    assert len(services.program(world["festival"]).commendations) == 2


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        (CommendationData("gold", "person", person_name="A"), "level_unknown", "level"),
        (CommendationData("medal", "team", person_name="A"), "recipient_kind_unknown", "recipient_kind"),
        (CommendationData("medal", "person", person_name="  "), "person_name_required", "person_name"),
        (CommendationData("medal", "organization"), "organization_required", "organization"),
        (CommendationData("medal", "residential_area"), "residential_area_invalid", "locality"),
    ],
)
def test_bad_commendations(world, data, code, field):
    error = _error(lambda: save_commendation(world["item"], data))
    assert (error.code, error.field) == (code, field)


def test_recipients_come_from_the_subtree_or_the_province(world, make):
    item, tree = world["item"], world["tree"]
    commune = CommendationData("medal", "residential_area", locality=tree["00376"])
    assert _error(lambda: save_commendation(item, commune)).code == "residential_area_invalid"
    far = make.organization(tree["14758"], name="Công an phường Hàm Rồng")
    error = _error(lambda: save_commendation(item, CommendationData("medal", "organization", organization=far)))
    assert (error.code, error.field) == ("organization_outside_province", "organization")


def test_commendations_belong_to_the_ceremony(world):
    arts = services.save_item(world["festival"], item_data("arts")).item
    error = _error(lambda: save_commendation(arts, CommendationData("medal", "person", person_name="A")))
    assert error.code == "not_ceremony_item"


def test_signings_need_two_parties_of_the_province_or_above(world, make):
    item, tree = world["item"], world["tree"]
    police = world["organization"]
    front = make.organization(tree["00376"], name="Mặt trận xã", kind="fatherland_front")
    ministry = make.organization(tree["VN"], name="Bộ Công an")
    far = make.organization(tree["14758"], name="Công an phường Hàm Rồng")
    arts = make.agenda_item(world["festival"], kind="arts", minutes=(60, 90))
    error = _error(lambda: save_signing(arts, SigningData("joint_plan", "Kế hoạch liên tịch", [police, front])))
    assert error.code == "not_ceremony_item"  # the signing form offers ceremony items only: the service agrees
    error = _error(lambda: save_signing(item, SigningData("joint_plan", "Kế hoạch liên tịch", [police, police])))
    assert (error.code, error.field) == ("parties_too_few", "parties")
    error = _error(lambda: save_signing(item, SigningData("joint_plan", "Kế hoạch", [police, far])))
    assert (error.code, error.field) == ("organization_outside_province", "parties")
    assert _error(lambda: save_signing(item, SigningData("treaty", "X", [police, front]))).code == "kind_unknown"
    assert _error(lambda: save_signing(item, SigningData("joint_plan", " ", [police, front]))).code == "title_required"
    signing = save_signing(item, SigningData("joint_plan", "Kế hoạch liên tịch", [police, front], notes="Năm 2027"))
    version = signing.version
    save_signing(item, SigningData("joint_plan", "Kế hoạch liên tịch", [front, ministry]), signing)
    assert sorted(p.organization.name for p in signing.parties) == ["Bộ Công an", "Mặt trận xã"]
    assert signing.version == version + 1
    error = _error(
        lambda: save_signing(item, SigningData("joint_plan", "X", [front, police]), signing, expected_version=version)
    )
    assert (error.code, error.status) == ("stale_version", 409)
    delete_signing(signing)
    assert len(services.program(world["festival"]).signings) == 1
