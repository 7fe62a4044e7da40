"""The phone scanner in Chromium at 360 px: enrolled from an enrolment code, it keeps scanning with the network gone
and after a reload, decides offline as the server would, uploads when the network returns, and two phones that
admitted the same ticket offline make one check-in and one duplicate. The camera path reads a real ticket's QR code
from Chromium's fake camera."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin import devices
from festival.checkin.models import CheckIn, Device, Scan
from festival.extensions import db
from tests.browser.fixtures import CHROMIUM, CHROMIUM_ARGS
from tests.checkin.scanner_support import enrol, forged, phone, qr_video, wedge


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def waiting(page) -> int:
    return int(page.get_attribute("body", "data-pending") or 0)


def test_a_phone_scans_offline_after_a_reload_and_two_phones_make_one_check_in_per_ticket(
    chromium, live_server, served, gate, world
):
    codes = gate["codes"]
    first = phone(chromium)
    page = enrol(first, live_server, world["festival"], "Cổng 1")
    syncs = []
    page.on("request", lambda r: syncs.append(r) if r.url.endswith("/api/v1/checkin/sync") else None)

    first.set_offline(True)
    before = len(served)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert not [p for p in served[before:] if p.startswith("/checkin/")], "the scanner page came from the network"
    assert wedge(page, codes[0]) == "ok"
    assert page.text_content("#result-name") == "Phạm Thị Lan"
    assert wedge(page, codes[1]) == "ok"
    assert wedge(page, codes[2]) == "ok"
    assert wedge(page, forged(codes[3])) == "unknown"
    assert page.get_attribute("#result", "class") == "result red"
    assert waiting(page) == 4
    assert "4" in page.text_content("#network") and "3 / " in page.text_content("#count")
    assert count(CheckIn) == 0 and count(Scan) == 0

    # A second phone, enrolled the same way, admits one of those tickets offline, later.
    second = phone(chromium)
    other = enrol(second, live_server, world["festival"], "Cổng 2")
    second.set_offline(True)
    assert wedge(other, codes[0]) == "ok"

    first.set_offline(False)
    page.wait_for_function("() => document.body.dataset.pending === '0'")
    assert count(CheckIn) == 3
    assert count(Scan) == 4
    second.set_offline(False)
    other.wait_for_function("() => document.body.dataset.pending === '0'")
    assert count(CheckIn) == 3
    assert count(Scan, Scan.duplicate.is_(True)) == 1
    duplicate = db.session.scalar(select(Scan).where(Scan.duplicate.is_(True)))
    assert duplicate.device.name == "Cổng 2" and duplicate.registration_id == gate["registration"].id

    # The same batch uploaded again changes nothing.
    request = syncs[0]
    replay = first.request.post(
        request.url,
        data=request.post_data,
        headers={"Authorization": request.headers["authorization"], "Content-Type": "application/json"},
    )
    assert replay.status == 200
    assert all(row["replayed"] for row in replay.json()["results"])
    assert count(CheckIn) == 3 and count(Scan) == 5 and count(Scan, Scan.duplicate.is_(True)) == 1
    assert json.loads(request.post_data)["scans"][0]["nonce"]
    first.close()
    second.close()


def test_the_scanner_at_360_px_has_no_sideways_scroll_and_its_result_is_readable_in_sunlight(
    chromium, live_server, gate, world
):
    context = phone(chromium)
    page = enrol(context, live_server, world["festival"], "Cổng 1")
    assert wedge(page, gate["codes"][1]) == "ok"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for code, colour in [(gate["codes"][1], "amber"), (forged(gate["codes"][2]), "red"), (gate["codes"][2], "green")]:
        wedge(page, code)
        assert colour in page.get_attribute("#result", "class")
        assert contrast(page, "#result-reason") >= 7, colour
        assert contrast(page, "#result-name") >= 7, colour
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("#camera-button").bounding_box()
    assert box["height"] >= 48 and box["y"] > 740 / 2  # big, and within the thumb's reach
    context.close()


def contrast(page, selector: str) -> float:
    """WCAG contrast ratio of an element's text against the result panel's background."""
    colours = page.evaluate(
        """selector => [getComputedStyle(document.querySelector(selector)).color,
                        getComputedStyle(document.getElementById('result')).backgroundColor]""",
        selector,
    )

    def luminance(css: str) -> float:
        r, g, b = (int(float(v)) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(c) for c in colours), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def camera_browser(chromium, tmp_path, gate):
    """A second Chromium whose camera plays a video of a ticket's QR code."""
    video = qr_video(gate["codes"][2], tmp_path / "ticket.y4m")
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield browser
    browser.close()


def test_the_camera_reads_a_real_tickets_qr_code_and_admits_it_without_typing(camera_browser, live_server, gate, world):
    context = phone(camera_browser, permissions=["camera"])
    page = enrol(context, live_server, world["festival"], "Cổng camera")
    page.click("#camera-button")
    page.wait_for_function("() => document.getElementById('result').dataset.result === 'ok'")
    assert page.text_content("#result-name") == gate["more"][1].full_name
    assert page.input_value("#wedge") == ""
    assert count(CheckIn, CheckIn.registration_id == gate["more"][1].id) == 1
    context.close()


def test_an_used_enrolment_code_is_explained_an_unchanged_ticket_list_is_not_downloaded_again_and_a_revoked_phone_stops(
    chromium, live_server, gate, world
):
    context = phone(chromium)
    page = enrol(context, live_server, world["festival"], "Cổng 1")
    with page.expect_response(lambda r: "/bundle" in r.url) as refreshed:
        page.reload()
    assert refreshed.value.status == 304
    page.wait_for_selector("body[data-ready='1']")

    device = db.session.scalar(select(Device).where(Device.name == "Cổng 1"))
    devices.revoke(device)
    page.locator("#wedge").press_sequentially(gate["codes"][1])
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-revoked='1']")
    assert page.is_visible("#notice") and page.is_disabled("#wedge")
    assert count(CheckIn) == 0

    used = devices.start_enrolment(world["festival"])
    devices.enrol(used.code, "Đã dùng")
    other = context.new_page()
    other.goto(f"{live_server}/checkin/enrol#{used.code}")
    other.click("#enrol-button")
    other.wait_for_selector("#enrol-error:visible")
    assert "hãy xin mã mới" in other.text_content("#enrol-error")  # the server's words (410), in the page language
    other.goto(f"{live_server}/checkin/enrol")
    assert other.is_visible("#enrol-error") and other.is_disabled("#enrol-button")
    context.close()


def test_the_fallback_verifier_accepts_our_tickets_and_refuses_forged_ones_as_webcrypto_does(
    chromium, live_server, gate
):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from festival.registration.tickets import KeyRing, TicketClaims, key_ring

    ring = key_ring()
    stranger = KeyRing(Ed25519PrivateKey.generate(), [])
    claims = TicketClaims(ring.current_id, 2027, gate["registration"].id, None, gate["item"].id, False)
    codes = [gate["codes"][0], gate["codes"][3], forged(gate["codes"][0]), stranger.sign(claims), "EABT" * 30, "x"]
    context = phone(chromium)
    page = context.new_page()
    page.goto(f"{live_server}/checkin/scanner")
    verdicts = page.evaluate(
        """async ({keys, codes}) => {
          const ticket = await import("/static/js/scanner/ticket.js");
          const out = {};
          for (const engine of ["webcrypto", "noble"]) {
            const verifier = await ticket.makeVerifier(keys, engine);
            out[verifier.engine] = [];
            for (const code of codes) out[verifier.engine].push(Boolean(await verifier.verify(code)));
          }
          return out;
        }""",
        {"keys": ring.published(), "codes": codes},
    )
    assert verdicts == {
        "webcrypto": [True, True, False, False, False, False],
        "noble": [True, True, False, False, False, False],
    }
    context.close()


def signed(registration) -> str:
    from festival.registration.tickets import TicketClaims, key_ring

    ring, quota = key_ring(), registration.quota
    claims = TicketClaims(ring.current_id, quota.festival.edition.year, registration.id, None, quota.item_id, False)
    return ring.sign(claims)


def test_the_phone_decides_offline_what_the_server_decides(chromium, live_server, gate, world):
    """The same tickets judged by the page's offline rules (judge.js, from each list's bundle) and by the scan
    service: admitted, already in, cancelled, on the waiting list, another item's or kind's list, not open yet,
    forged."""
    from festival.checkin import bundle, lists, scanning
    from festival.core.time import utcnow
    from festival.registration import services

    festival = world["festival"]
    services.cancel(gate["more"][2])
    scanning.scan(gate["device"], gate["list"], gate["codes"][1])  # already checked in at the entrance
    checked = [
        gate["list"],
        lists.save(festival, lists.ListData(name="Chỉ đăng ký", admits="registrations", opens_at=utcnow())),
        lists.save(festival, lists.ListData(name="Khen thưởng", item_id=world["item"].id, opens_at=utcnow())),
        lists.save(festival, lists.ListData(name="Chưa mở", opens_at=utcnow() + timedelta(hours=1))),
    ]
    codes = [
        *gate["codes"],
        signed(gate["waiting"]),  # a ticket text, had one been issued (the ticket page shows none while waiting)
        services.ticket_text(gate["invitation"]),
        forged(gate["codes"][0]),
        "not a ticket",
    ]
    bundles = [json.loads(json.dumps(bundle.build(cl))) for cl in checked]
    context = phone(chromium)
    page = context.new_page()
    page.goto(f"{live_server}/checkin/scanner")
    offline = page.evaluate(
        """async ({bundles, codes}) => {
          const {makeVerifier} = await import("/static/js/scanner/ticket.js");
          const {indexBundle, judge} = await import("/static/js/scanner/judge.js");
          const out = [];
          for (const bundle of bundles) {
            const index = indexBundle(bundle);
            const verifier = await makeVerifier(index.keys);
            const row = [];
            for (const code of codes) row.push(judge(index, await verifier.verify(code), new Date(), new Map()).result);
            out.push(row);
          }
          return out;
        }""",
        {"bundles": bundles, "codes": codes},
    )
    server = [[scanning.scan(gate["device"], cl, code).result.value for code in codes] for cl in checked]
    assert offline == server
    assert {"ok", "already_checked_in", "revoked", "waiting_list", "wrong_list", "not_open", "unknown"} <= {
        result for row in server for result in row
    }
    context.close()
