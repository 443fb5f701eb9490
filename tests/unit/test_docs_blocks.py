"""Every fenced code block in README.md and docs/ is run or checked: nothing can rot.

This file checks the blocks that do not run: a block of a language the suite cannot run
must show a file under examples/ byte for byte (the file has a test of its own).
tests/e2e/test_docs.py runs the others against a live server.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.support.docs import ROOT, RUNNABLE, all_blocks, blocks, command, problem

BLOCKS = all_blocks()


def test_the_documentation_has_blocks_to_check():
    assert len([b for b in BLOCKS if b.language in RUNNABLE]) >= 4


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.where)
def test_every_block_is_runnable_or_shows_an_example_file(block):
    assert problem(block) is None


def test_ci_runs_the_readme_test_command():
    out = subprocess.run(["bash", str(ROOT / ".ci/run"), "--print-test-command"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == command("<!-- test-command -->")


def test_the_test_command_installs_the_system_packages_first():
    assert command("<!-- test-command -->").startswith("scripts/install-test-deps && ")


def test_a_block_nothing_runs_or_that_differs_from_its_example_fails(tmp_path):
    example = ROOT / "examples" / "curl_create_call.sh"
    page = tmp_path / "page.md"
    page.write_text("Intro\n\n```\nplain\n```\n\n<!-- example: examples/curl_create_call.sh -->\n"
                    "```xml\n<changed/>\n```\n\n<!-- example: examples/none.conf -->\n```nginx\n"
                    "server {}\n```\n\n<!-- example: examples/curl_create_call.sh -->\n```bash\n"
                    + example.read_text(encoding="utf-8") + "```\n", encoding="utf-8")
    plain, changed, missing, same = blocks(page)
    assert "nothing runs" in problem(plain)
    assert "differs from examples/curl_create_call.sh" in problem(changed)
    assert "does not exist" in problem(missing)
    assert problem(same) is None
