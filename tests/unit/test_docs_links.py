"""Every relative link and image in README.md and docs/ leads to a file that exists."""

from __future__ import annotations

import re

import pytest

from tests.support.docs import ROOT, documents

LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(document):
    broken = [target for target in LINK.findall(document.read_text())
              if "://" not in target and not target.startswith("mailto:")
              and not (document.parent / target).exists()]
    assert broken == [], f"{document.relative_to(ROOT)} links to missing files: {broken}"
