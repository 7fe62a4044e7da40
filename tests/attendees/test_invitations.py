"""Invitations (giấy mời): one by one with its ticket link, from a CSV file all or nothing (every bad line told
with its number and reason), and the card a person prints."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from festival.extensions import db
from festival.mail.models import OutgoingMail
from festival.registration import quotas
from festival.registration.models import Registration, RegistrationQuota
from tests.conftest import post_form


def invitations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.kind == "invitation").order_by("id")))


def invitation_form(**values) -> dict:
    data = {"full_name": "Nguyễn Văn An", "position_title": "Chủ tịch UBND xã", "affiliation": "UBND xã Sóc Sơn",
            "seat": "Hàng A, ghế 3", "phone": "", "email": "", "item": "", "counts": "default"}  # fmt: skip
    data.update(values)
    return data


def test_an_invitation_to_the_day_shows_its_card_and_ticket_link(orga, world, base):
    response = post_form(orga, f"{base}/invitations/new", invitation_form())
    assert response.status_code == 302
    [entry] = invitations()
    assert (entry.status, entry.position_title, entry.seat) == ("confirmed", "Chủ tịch UBND xã", "Hàng A, ghế 3")
    day = quotas.quota_for(world["festival"])
    assert entry.quota_id == day.id
    assert not day.accepting, "inviting delegates must not open the day to the public"
    page = orga.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/t/{entry.token}" in page and "data-copy" in page
    assert "Nguyễn Văn An" in page and 'src="data:image/png;base64,' in page


def test_an_invitation_to_an_item_that_counts_takes_a_place(orga, tickets, base):
    item = tickets["item"]
    quota = tickets["quota"]
    quota.capacity = 5
    db.session.commit()
    taken = quota.taken
    data = invitation_form(item=str(item.id), counts="yes", email="an@example.vn")
    assert post_form(orga, f"{base}/invitations/new", data).status_code == 302
    db.session.expire_all()
    assert db.session.get(RegistrationQuota, quota.id).taken == taken + 1
    entry = invitations()[-1]
    assert entry.takes_place and entry.quota_id == quota.id
    assert db.session.scalar(select(OutgoingMail).where(OutgoingMail.registration_id == entry.id)) is not None


def test_the_form_offers_the_day_and_each_registrable_item_at_its_local_time(orga, tickets, base):
    page = orga.get(f"{base}/invitations/new").get_data(as_text=True)
    assert "The festival day as a whole" in page
    assert f'<option value="{tickets["item"].id}">09:00 · Khám sức khoẻ miễn phí</option>' in page


def test_a_bad_invitation_keeps_what_was_typed(orga, base):
    response = post_form(orga, f"{base}/invitations/new", invitation_form(full_name="  ", phone="12"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page and "Hàng A, ghế 3" in page
    response = post_form(orga, f"{base}/invitations/new", invitation_form(phone="12"))
    assert "is not a valid phone number" in response.get_data(as_text=True)
    assert invitations() == []


def upload(client, base, text: str | bytes, name: str = "delegates.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    data = {"file": (io.BytesIO(content), name)}
    return post_form(client, f"{base}/invitations/import", data, content_type="multipart/form-data")


def test_a_csv_with_bom_and_semicolons_imports_every_row(orga, tickets, base):
    before = len(invitations())
    text = ("\ufeffHọ và tên;Chức vụ;Đơn vị;Ghế;Điện thoại;Email;Mục\r\n"
            "Trần Thị Bích;Bí thư Đảng uỷ;Đảng uỷ xã;A1;0914 555 666;;\r\n"
            f"Lê Văn Cường;Trưởng Công an xã;Công an xã;;;;{tickets['item'].id}\r\n"
            "\r\n"
            f"Vũ Thị Dung;Hiệu trưởng;Trường THCS;;;;{tickets['item'].title.upper()}\r\n")  # fmt: skip
    response = upload(orga, base, text)
    assert response.status_code == 302
    found = {e.full_name: e for e in invitations()[before:]}
    assert set(found) == {"Trần Thị Bích", "Lê Văn Cường", "Vũ Thị Dung"}
    assert found["Trần Thị Bích"].phone == "+84914555666" and found["Trần Thị Bích"].seat == "A1"
    assert found["Lê Văn Cường"].quota_id == tickets["quota"].id == found["Vũ Thị Dung"].quota_id


def test_a_csv_with_bad_lines_imports_nothing_and_lists_each_line(orga, tickets, base):
    before = len(invitations())
    mails = db.session.scalar(select(func.count(OutgoingMail.id)))
    text = ("full_name,position,organization,seat,phone,email,item\n"
            "Trần Thị Bích,Bí thư,Đảng uỷ,,,bich@example.vn,\n"
            ",Chủ tịch,UBND,,,,\n"
            "Lê Văn Cường,,,,12345,,\n"
            "Vũ Thị Dung,,,,,,Không có mục này\n"
            "Đặng Văn Em,,,,0914 555 666,,\n"
            "Đặng Thị Em,,,,0914 555 666,,\n")  # fmt: skip
    response = upload(orga, base, text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Line 3: Enter the full name." in page
    assert "Line 4: “12345” is not a valid phone number." in page
    assert "Line 5: “Không có mục này” is not an item that takes registrations." in page
    assert "Line 7: This phone number is already registered" in page
    assert "Line 2:" not in page and "Line 6:" not in page
    assert len(invitations()) == before
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == mails


def test_files_that_are_not_csv_are_refused_with_a_reason(orga, base):
    assert "not UTF-8" in upload(orga, base, "Nguyễn".encode("utf-16")).get_data(as_text=True)
    assert "with a “full_name” column" in upload(orga, base, "ten,chuc\nAn,x\n").get_data(as_text=True)
    assert "no invitation rows" in upload(orga, base, "full_name\n\n").get_data(as_text=True)
    too_many = "full_name\n" + "".join(f"Người {n}\n" for n in range(1001))
    assert "too many rows" in upload(orga, base, too_many).get_data(as_text=True)
    assert "too large" in upload(orga, base, "full_name\n" + "Nguyễn Văn An\n" * 40_000).get_data(as_text=True)
    assert "Choose a file." in post_form(orga, f"{base}/invitations/import", {}).get_data(as_text=True)
    assert invitations() == []


def test_the_print_page_has_one_card_per_confirmed_invitation(orga, make, tickets, base):
    make.invitation(tickets["quota"], "Trần Thị Bích", position_title="Bí thư")
    page = orga.get(f"{base}/invitations/print").get_data(as_text=True)
    assert page.count('class="invitation-card"') == 2
    assert "Hoàng Văn Đức" in page and "Trần Thị Bích" in page and "Phạm Thị Lan" not in page


def test_the_print_page_without_invitations_says_so(orga, base):
    assert "No invitation has been issued yet." in orga.get(f"{base}/invitations/print").get_data(as_text=True)


def test_a_hamlet_s_card_is_issued_by_its_commune(make, world):
    from datetime import date

    from festival.attendees.invitations import card

    hamlet = make.festival(world["edition"], world["tree"]["00376001"], day=date(2027, 8, 11))
    entry = make.invitation(quotas.ensure_quota(hamlet), "Lê Văn Hải", position_title="Trưởng thôn")
    shown = card(entry)
    assert (shown.locality, shown.town) == ("Xã Sóc Sơn", "Sóc Sơn")
