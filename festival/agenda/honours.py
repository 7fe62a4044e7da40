"""Commendations and signings announced at ceremony items."""

from __future__ import annotations

from dataclasses import dataclass, field

from festival.localities.models import Locality
from festival.organizations.models import Organization


@dataclass
class CommendationData:
    level: str
    recipient_kind: str
    organization: Organization | None = None
    locality: Locality | None = None
    person_name: str = ""
    person_position: str = ""
    reason: str = ""


@dataclass
class SigningData:
    kind: str
    title: str
    parties: list[Organization] = field(default_factory=list)
    notes: str = ""


def save_commendation(item, data: CommendationData, commendation=None, *, expected_version: int | None = None):
    raise NotImplementedError


def delete_commendation(commendation) -> None:
    raise NotImplementedError


def save_signing(item, data: SigningData, signing=None, *, expected_version: int | None = None):
    raise NotImplementedError


def delete_signing(signing) -> None:
    raise NotImplementedError
