"""The phone scanner in the browser: the size of its offline shell, and ticket signature verification in Chromium
with the CPU throttled ×4 (a phone-class CPU).

1. The shell: every file the service worker caches (festival/checkin/scanner_views.py `shell_urls`: the scanner and
   enrolment pages, the manifest, the scripts, the style sheet, the icons and the vendor libraries it loads) plus
   the worker itself, as the app serves them, raw and gzip-compressed (level 6, each file alone, as sent), against
   the issue's 300 KB target.
2. Verification: `--tickets` (2,000) tickets signed in this process with a fresh Ed25519 key ring, verified in
   Chromium by the scanner's own module (static/js/scanner/ticket.js) with WebCrypto's Ed25519 and with the
   @noble/ed25519 fallback, after CDP `Emulation.setCPUThrottlingRate {rate: 4}`; tickets per second against the
   target of 200/s, and beside them the same texts only decoded (base32 and claims, no signature) as a trivial
   baseline measured in the same run.

Usage: .venv/bin/python bench/scanner.py [--tickets 2000] [--rate 4]
It prints tables and never fails on a timing (a report, not a test).
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import sys
import threading

from util import OUT, ROOT, bench_env, log, sqlite_url, table, use_env_here

sys.path.insert(0, str(ROOT))

SHELL_TARGET_KB = 300
VERIFY_TARGET = 200
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

VERIFY_JS = """async ({keys, codes, engine}) => {
  const ticket = await import("/static/js/scanner/ticket.js");
  const verifier = await ticket.makeVerifier(keys, engine);
  await verifier.verify(codes[0]);  // warm up: the first call loads the library
  let start = performance.now();
  let valid = 0;
  for (const code of codes) if (await verifier.verify(code)) valid += 1;
  const verifyMs = performance.now() - start;
  start = performance.now();
  let decoded = 0;
  for (const code of codes) if (ticket.decode(code)) decoded += 1;
  const decodeMs = performance.now() - start;
  let forged = 0;  // one character of the signature changed: none may verify
  for (const code of codes.slice(0, 200)) {
    const changed = code.slice(0, 100) + (code[100] === "A" ? "B" : "A") + code.slice(101);
    if (await verifier.verify(changed)) forged += 1;
  }
  return {engine: verifier.engine, valid, verifyMs, decoded, decodeMs, forged};
}"""


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tickets", type=int, default=2000, help="tickets to verify per engine")
    p.add_argument("--rate", type=float, default=4, help="Chromium's CPU throttling rate")
    return p.parse_args(argv)


def make_app():
    OUT.mkdir(parents=True, exist_ok=True)
    use_env_here(bench_env(sqlite_url(OUT / "scanner.db")))  # the scanner's pages and files query no database
    from festival.app import create_app

    return create_app()


def shell_sizes(app) -> list[tuple[str, int, int]]:
    from festival.checkin.scanner_views import shell_urls

    with app.test_request_context():
        urls = [*shell_urls(), "/checkin/sw.js"]
    client = app.test_client()
    sizes = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"bench: {url} answered {response.status_code} (run `make setup` to build static/vendor)")
        body = response.get_data()
        sizes.append((url.split("?")[0], len(body), len(gzip.compress(body, 6, mtime=0))))
    return sizes


def signed_tickets(count: int) -> tuple[list[dict], list[str]]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from festival.registration.tickets import KeyRing, TicketClaims

    ring = KeyRing(Ed25519PrivateKey.generate(), [])
    codes = [ring.sign(TicketClaims(ring.current_id, 2027, 1000 + n, 7, None, bool(n % 5 == 0))) for n in range(count)]
    return ring.published(), codes


def verify_speed(app, args) -> list[dict]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    keys, codes = signed_tickets(args.tickets)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request between the figures
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            for engine in ("webcrypto", "noble"):
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{server.server_port}/checkin/scanner")
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.rate})
                log(f"verifying {len(codes)} tickets with {engine}, CPU ×{args.rate}")
                results.append(page.evaluate(VERIFY_JS, {"keys": keys, "codes": codes, "engine": engine}))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    return results


def main(argv=None) -> int:
    args = parse_args(argv)
    app = make_app()
    sizes = shell_sizes(app)
    raw, packed = sum(s[1] for s in sizes), sum(s[2] for s in sizes)
    rows = [(url, f"{r / 1024:.1f}", f"{g / 1024:.1f}") for url, r, g in sizes]
    rows.append(("total", f"{raw / 1024:.1f}", f"{packed / 1024:.1f}"))
    title = "\nScanner shell (what the service worker caches, and the worker)"
    print(table(title, ["file", "raw KB", "gzip KB"], rows))
    verdict = "meets" if packed <= SHELL_TARGET_KB * 1024 else "MISSES"
    print(
        f"shell: {raw / 1024:.1f} KB raw, {packed / 1024:.1f} KB gzip; target ≤ {SHELL_TARGET_KB} KB "
        f"({verdict} it compressed; raw {'within' if raw <= SHELL_TARGET_KB * 1024 else 'over'})"
    )

    if not os.path.exists(CHROMIUM):
        print(f"verification: skipped, no Chromium at {CHROMIUM}")
        return 0
    results = verify_speed(app, args)
    rows = []
    for r in results:
        rate = r["valid"] / (r["verifyMs"] / 1000) if r["verifyMs"] else float("inf")
        decode_rate = r["decoded"] / (r["decodeMs"] / 1000) if r["decodeMs"] else float("inf")
        rows.append(
            (
                r["engine"],
                f"{r['valid']}/{args.tickets}",
                f"{r['forged']}/200",
                f"{r['verifyMs']:.0f}",
                f"{rate:,.0f}",
                f"{decode_rate:,.0f}",
                f"{rate / decode_rate:.3f}" if decode_rate else "-",
                "yes" if rate >= VERIFY_TARGET else "NO",
            )
        )
    title = f"\nTicket verification in Chromium, CPU throttled ×{args.rate:g} (target ≥ {VERIFY_TARGET}/s)"
    headers = ["engine", "valid", "forged passed", "ms", "tickets/s", "decode only/s", "ratio", "≥ 200/s"]
    print(table(title, headers, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
