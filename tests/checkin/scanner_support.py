"""Helpers of the scanner's browser tests: a phone's browser context, enrolling it as a scanner, typing into the
keyboard-wedge field, a forged ticket text, and a camera video (Y4M) of a ticket's QR code for Chromium's fake
camera."""

from __future__ import annotations

from pathlib import Path

from festival.checkin import devices

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
WAIT_MS = 15_000
READY_MS = 30_000  # the service worker caches the whole shell first


def phone(browser, **options):
    context = browser.new_context(locale="vi-VN", **PHONE, **options)
    context.set_default_timeout(WAIT_MS)
    return context


def enrol(context, live_server: str, festival, name: str):
    """Open an enrolment code's page on this phone, name it and enrol: lands on the scanner, ready offline (its
    service worker controls the page and the list's bundle is stored)."""
    new = devices.start_enrolment(festival)
    page = context.new_page()
    page.on("pageerror", lambda error: print("page error:", error))
    page.goto(f"{live_server}/checkin/enrol#{new.code}")
    page.fill("#device-name", name)
    page.click("#enrol-button")
    page.wait_for_url(f"{live_server}/checkin/scanner")
    try:
        page.wait_for_selector("body[data-ready='1']", timeout=READY_MS)
    except Exception as error:
        state = page.evaluate(
            """async () => {
              const registration = await navigator.serviceWorker.getRegistration();
              const states = registration && ["installing", "waiting", "active"].map(
                (k) => `${k}: ${registration[k] ? registration[k].state : "-"}`);
              return {body: {...document.body.dataset}, worker: states,
                      notice: document.getElementById('notice').textContent};
            }"""
        )
        raise AssertionError(f"the scanner did not get ready offline: {state}") from error
    return page


def wedge(page, code: str) -> str:
    """A hardware scanner types the code and Enter; answers the result the panel shows (its reason code)."""
    previous = page.get_attribute("#result", "data-count") or "0"
    page.locator("#wedge").press_sequentially(code)
    page.keyboard.press("Enter")
    shown = "previous => (document.getElementById('result').dataset.count || '0') !== previous"
    page.wait_for_function(shown, arg=previous)
    return page.get_attribute("#result", "data-result")


def forged(code: str) -> str:
    """A valid-looking text with one character of the signature changed."""
    index = 100
    replacement = "A" if code[index] != "A" else "B"
    return code[:index] + replacement + code[index + 1 :]


def qr_video(text: str, path: Path, frames: int = 20) -> Path:
    """A Y4M video (640×480, grey) of the ticket's QR code on light grey, for --use-file-for-fake-video-capture."""
    from PIL import Image

    from festival.registration.tickets import _qr

    code = _qr(text, box_size=8).make_image().get_image().convert("L")
    side = 440
    code = code.resize((side, side), Image.NEAREST)
    canvas = Image.new("L", (640, 480), 225)
    canvas.paste(code, ((640 - side) // 2, (480 - side) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path
