"""Static files: fingerprinted URLs, cached for a year, text compressed once (brotli, gzip) and kept in memory.

`url_for('static', filename='css/app.css')` gives `/static/css/app.css?v=<hash of the content>`. A request whose
`v` is the file's current hash is answered with `Cache-Control: public, max-age=31536000, immutable`: browsers
keep the file and ask for it again only when a page links to a new hash, i.e. when the file changed. Without `v`
(or with an old one) the answer is `no-cache`, revalidated with the ETag. Text assets (CSS, JavaScript, SVG,
JSON…) are compressed with brotli and gzip the first time they are asked for, and kept in memory per file content
(a changed file, seen by its modification time and size, is read again).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import stat
import threading
from dataclasses import dataclass, field

from flask import Flask, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

try:  # brotli is a dependency; without it gzip alone is offered.
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
VERSION_ARG = "v"
COMPRESSIBLE = {
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
    "text/css",
    "text/javascript",
    "text/plain",
}
MAX_IN_MEMORY = 4 * 1024 * 1024  # larger files are sent from the disk, uncompressed

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("image/svg+xml", ".svg")


@dataclass
class Asset:
    """One static file's content, its hash and its compressed forms."""

    stamp: tuple[int, int]  # (modification time in ns, size): when it changes, the file is read again
    body: bytes
    version: str
    mimetype: str
    encoded: dict[str, bytes] = field(default_factory=dict)  # content-coding -> body, when smaller
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def compressible(self) -> bool:
        return self.mimetype in COMPRESSIBLE

    def encodings(self) -> dict[str, bytes]:
        """The compressed bodies, made on first use (once per content)."""
        if self.compressible and not self.encoded:
            with self._lock:
                if not self.encoded:
                    made = {"gzip": gzip.compress(self.body, 9, mtime=0)}
                    if brotli is not None:
                        made["br"] = brotli.compress(self.body, quality=11)
                    smaller = {name: data for name, data in made.items() if len(data) < len(self.body)}
                    self.encoded = smaller or {"identity": self.body}
        return {k: v for k, v in self.encoded.items() if k != "identity"}


class AssetStore:
    """The static folder's files, read and hashed on first use and kept while they do not change."""

    def __init__(self, folder: str):
        self.folder = folder
        self._assets: dict[str, Asset] = {}
        self._large: dict[str, tuple[tuple[int, int], str]] = {}  # path -> (stamp, version) of files not kept

    def resolve(self, filename: str) -> tuple[str, tuple[int, int]] | None:
        """The file's path in the folder and its stamp, or None when it is not a file there."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return path, (info.st_mtime_ns, info.st_size)

    def get(self, filename: str) -> Asset | None:
        """The file's asset, or None when it does not exist or is too large to keep in memory."""
        found = self.resolve(filename)
        if found is None:
            return None
        path, stamp = found
        asset = self._assets.get(path)
        if asset is not None and asset.stamp == stamp:
            return asset
        if stamp[1] > MAX_IN_MEMORY:
            return None
        with open(path, "rb") as f:
            body = f.read()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        asset = Asset(stamp=stamp, body=body, version=hashlib.sha256(body).hexdigest()[:16], mimetype=mimetype)
        self._assets[path] = asset
        return asset

    def version(self, filename: str) -> str | None:
        """The hash of the file's content (its first 16 hex digits), or None when there is no such file."""
        asset = self.get(filename)
        if asset is not None:
            return asset.version
        found = self.resolve(filename)
        if found is None:
            return None
        path, stamp = found
        known = self._large.get(path)
        if known is None or known[0] != stamp:
            with open(path, "rb") as f:  # a large file: hashed, not kept
                known = (stamp, hashlib.file_digest(f, "sha256").hexdigest()[:16])
            self._large[path] = known
        return known[1]


def _store() -> AssetStore:
    return current_app.extensions["festival_assets"]


def _best_encoding(available: dict[str, bytes]) -> str | None:
    """The client's preferred content-coding among `available` (brotli first on a tie), or None for identity."""
    accept = request.accept_encodings
    best, best_q = None, 0.0
    for name in ("br", "gzip"):
        if name in available:
            q = accept[name]
            if q > best_q:
                best, best_q = name, q
    return best


def serve_static(filename: str):
    """The `static` endpoint: the file, compressed when the client accepts it, cached for a year when fingerprinted."""
    store = _store()
    asset = store.get(filename)
    if asset is None:
        if store.resolve(filename) is None:
            abort(404)
        # Too large to keep in memory: sent from the disk as it is, still cached for a year when fingerprinted.
        response = send_from_directory(store.folder, filename, max_age=None)
        fingerprinted = request.args.get(VERSION_ARG) == store.version(filename)
        response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else REVALIDATE
        return response

    encodings = asset.encodings()
    encoding = _best_encoding(encodings)
    body = encodings[encoding] if encoding else asset.body
    response = current_app.response_class(body, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if asset.compressible:
        response.vary.add("Accept-Encoding")
    response.set_etag(asset.version + (f"-{encoding}" if encoding else ""))
    fingerprinted = request.args.get(VERSION_ARG) == asset.version
    response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else REVALIDATE
    return response.make_conditional(request)


def init_assets(app: Flask) -> None:
    """Fingerprint `url_for('static', …)` and serve the static folder through `serve_static`."""
    if not app.static_folder or "static" not in app.view_functions:
        return
    app.extensions["festival_assets"] = AssetStore(app.static_folder)
    app.view_functions["static"] = serve_static

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and VERSION_ARG not in values:
            version = _store().version(values["filename"])
            if version:
                values[VERSION_ARG] = version
