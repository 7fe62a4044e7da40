"""QR codes of addresses (a phone's camera opens them): the enrolment page, the self check-in poster. Tickets have
their own, in alphanumeric mode and of a bounded version (festival/registration/tickets.py)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg


def address_svg(text: str) -> str:
    """`text` as an SVG QR code: level M, 4 modules of quiet zone, on white (phones read it on any page colour and
    it prints at any size)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).to_string(encoding="unicode")
