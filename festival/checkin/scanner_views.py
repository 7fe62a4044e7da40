"""The phone scanner, a page staff open in a plain browser (nothing to install), and what makes it work offline.

- `/checkin/enrol#<code>`: the page an enrolment QR code opens. The one-time code stays in the URL fragment (never
  sent to the server, so never in a log); the page's script exchanges it for a device token through
  `POST /api/v1/checkin/devices` and keeps the token in the phone's IndexedDB.
- `/checkin/scanner`: the scanner. Everything it does goes through /api/v1/checkin with the device token, or,
  offline, through the same rules in its own script (static/js/scanner/). No login: the device token is the key.
- `/checkin/manifest.webmanifest` and `/checkin/sw.js`: what makes it an installable app that loads and scans
  with the network gone. The worker's text names every file of the shell with its content hash, so a new
  version of any of them installs a new worker, which caches the new shell.

These pages change nothing on the server by themselves (GET only); the API they call refuses strangers.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import gettext as _

from festival.checkin.models import RESULT_LABELS, Result

bp = Blueprint("scanner", __name__, url_prefix="/checkin")

THEME = "#0b3d2e"
# The files of the offline shell, besides the two pages' HTML and the manifest (static/ paths).
SCRIPTS = (
    "js/scanner/scanner.js",
    "js/scanner/enrol.js",
    "js/scanner/store.js",
    "js/scanner/api.js",
    "js/scanner/ticket.js",
    "js/scanner/judge.js",
    "js/scanner/camera.js",
    "js/scanner/feedback.js",
    "js/scanner/sync.js",
    "js/scanner/texts.js",
)
STYLES = ("css/scanner.css",)
VENDOR = ("vendor/jsqr.min.js", "vendor/noble-ed25519.min.js")
ICONS = ("img/scanner-192.png", "img/scanner-512.png")
SHELL_STATIC = SCRIPTS + STYLES + VENDOR + ICONS


def texts() -> dict:
    """What the scanner's script shows, in the page's language (offline too: it is part of the cached page)."""
    return {
        "results": {r.value: str(RESULT_LABELS[r]) for r in Result},
        "colours": {r.value: r.colour for r in Result},
        "count": _("Checked in %(present)s / expected %(expected)s"),
        "offline": _("Offline · %(count)s scans waiting"),
        "waiting": _("%(count)s scans waiting to upload"),
        "online": _("Online"),
        "revoked": _("This device was revoked: it can no longer scan. Ask the organizer to enrol it again."),
        "notEnrolled": _("This phone is not enrolled yet: scan the enrolment QR code shown by the organizer."),
        "already": _("Checked in at %(time)s on %(device)s"),
        "alreadyHere": _("Checked in at %(time)s"),
        "offlineDecision": _("Decided offline: uploads when the network returns"),
        "noBundle": _("The ticket list of this check-in has not been downloaded yet: connect once to the network."),
        "cameraUnavailable": _("The camera cannot be used here: use a hardware scanner or type the code."),
        "cameraStart": _("Camera"),
        "cameraStop": _("Stop camera"),
        "serverError": _("The server did not answer as expected. Try again."),
        "enrolNoCode": _("This address has no enrolment code: scan the enrolment QR code again."),
        "enrolFailed": _("Enrolment failed: check the network and try again."),
        "enrolPending": _(
            "This phone still has %(count)s scans of its previous enrolment waiting: connect to the network so "
            "they upload before enrolling again."
        ),
        "defaultName": _("Scanner"),
        "updated": _("Ticket list updated %(time)s"),
    }


@bp.get("/enrol")
def enrol():
    return render_template("checkin/enrol.html", texts=texts(), theme=THEME)


@bp.get("/scanner")
def scanner():
    return render_template("checkin/scanner.html", texts=texts(), theme=THEME)


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "name": _("Ngày Hội check-in scanner"),
        "short_name": _("Check-in"),
        "start_url": url_for("scanner.scanner"),
        "scope": url_for("scanner.scanner").rsplit("/", 1)[0] + "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": THEME,
        "theme_color": THEME,
        "icons": [
            {"src": url_for("static", filename=icon), "sizes": f"{size}x{size}", "type": "image/png"}
            for icon, size in zip(ICONS, (192, 512), strict=True)
        ],
    }
    response = current_app.response_class(
        current_app.json.dumps(body), mimetype="application/manifest+json"
    )  # fmt: skip
    response.headers["Cache-Control"] = "no-cache"
    return response


def shell_urls() -> list[str]:
    """The addresses the worker caches on install: the pages, the manifest, and each static file by its hash."""
    pages = [url_for("scanner.scanner"), url_for("scanner.enrol"), url_for("scanner.manifest")]
    return pages + [url_for("static", filename=name) for name in SHELL_STATIC]


@lru_cache(maxsize=64)
def _version(urls: tuple[str, ...], language_texts: str) -> str:
    return hashlib.sha256("\n".join((*urls, language_texts)).encode("utf-8")).hexdigest()[:16]


@bp.get("/sw.js")
def service_worker():
    urls = shell_urls()
    version = _version(tuple(urls), repr(sorted(texts().items())))
    body = render_template("checkin/sw.js", urls=urls, version=version, scanner=url_for("scanner.scanner"))
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("scanner.scanner").rsplit("/", 1)[0] + "/"
    return response
