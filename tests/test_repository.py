"""The repository stands on its own: the facts its comments cite are in it (docs/domain.md), not elsewhere."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A design file outside the repository, which a reader of the code cannot open.
OUTSIDE = "DESIGN" + ".md"


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    paths = [ROOT / name for name in names.splitlines()]
    return [p for p in paths if p.suffix in {".py", ".html", ".js", ".css", ".md", ".toml", ".cfg", ".txt"}]


def test_no_file_cites_a_document_outside_the_repository():
    citing = [str(p.relative_to(ROOT)) for p in tracked_text_files() if OUTSIDE in p.read_text(encoding="utf-8")]
    assert citing == []


def test_the_sections_comments_cite_exist_in_docs_domain():
    sections = set(re.findall(r"^## (.+)$", (ROOT / "docs" / "domain.md").read_text(encoding="utf-8"), re.M))
    cited = set()
    for path in tracked_text_files():
        cited.update(re.findall(r'docs/domain\.md, "([^"]+)"', path.read_text(encoding="utf-8")))
    assert cited, "no comment cites docs/domain.md"
    assert cited <= sections, cited - sections
