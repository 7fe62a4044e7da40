"""Fill the English catalog: the msgids are English, so each empty msgstr becomes its msgid.

Run by `make messages` after `pybabel update`; the Vietnamese catalog is translated by people.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PATH = Path(__file__).resolve().parent.parent / "festival" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    with PATH.open("rb") as f:
        catalog = read_po(f, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if message.pluralizable:
            if not all(message.string):
                message.string = (message.id[0], *[message.id[1]] * (len(message.string) - 1))
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with PATH.open("wb") as f:
        write_po(f, catalog, width=120, omit_header=False, sort_output=True, no_location=True)
    print(f"English catalog: {filled} entries filled", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
