"""The fenced code blocks of README.md and docs/, for the tests that run or check them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNABLE = {"sh": "bash", "bash": "bash", "python": "python"}
#: The README's two commands: they install (and start) the service, so the suite runs
#: them in a test of their own instead of in the documentation's runner.
COMMAND_MARKERS = ("<!-- start-command -->", "<!-- test-command -->")
_EXAMPLE = re.compile(r"^<!-- example: (examples/\S+) -->$")
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int        # of the opening fence, 1-based
    language: str    # "" when the fence names none
    marker: str      # the last non-blank line before the fence
    text: str

    @property
    def where(self) -> str:
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.line}"

    @property
    def example(self) -> Path | None:
        """The examples/ file the marker says this block shows, if any."""
        match = _EXAMPLE.match(self.marker)
        return ROOT / match.group(1) if match else None


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(path: Path) -> list[Block]:
    found, lines = [], path.read_text(encoding="utf-8").split("\n")
    marker, i = "", 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            if lines[i].strip():
                marker = lines[i].strip()
            i += 1
            continue
        fence, start, body = opening.group(1), i, []
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise AssertionError(f"{path}:{start + 1}: code block never closed")
        found.append(Block(path, start + 1, opening.group(2).lower(), marker,
                           "\n".join(body) + "\n"))
        marker, i = "", i + 1
    return found


def all_blocks() -> list[Block]:
    return [block for path in documents() for block in blocks(path)]


def command(marker: str) -> str:
    """The README's command after ``marker`` (one line)."""
    [block] = [b for b in blocks(ROOT / "README.md") if b.marker == marker]
    return block.text.strip()


def problem(block: Block) -> str | None:
    """Why a block that the runner does not run is not checked either (None: it is)."""
    if block.marker in COMMAND_MARKERS:
        if block.path != ROOT / "README.md" or block.language != "sh" \
                or len(block.text.strip().splitlines()) != 1:
            return f"{block.where}: a README command is one line in a ```sh block of README.md"
        return None
    if block.example is not None:
        if not block.example.is_file():
            return f"{block.where}: {block.example.relative_to(ROOT)} does not exist"
        if block.text != block.example.read_text(encoding="utf-8"):
            return f"{block.where} differs from {block.example.relative_to(ROOT)}"
        return None
    if block.language not in RUNNABLE:
        return (f"{block.where}: a ```{block.language or '(no language)'} block that nothing "
                "runs; use sh, bash or python, or show a file with <!-- example: examples/PATH -->")
    return None
