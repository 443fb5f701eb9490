"""What templates need that is not a rule: the progress bar's stages, page links."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.model import Stage

#: The way a call goes (source document 003); it ends closed or cancelled.
MAIN_LINE = (Stage.DRAFT, Stage.OPEN, Stage.ASSIGNED, Stage.IN_PROGRESS, Stage.DONE)


@dataclass(frozen=True)
class Step:
    stage: Stage
    #: "done", "current" or "todo".
    state: str


def progress(stage: Stage) -> list[Step]:
    """The progress bar for a call in ``stage``: draft, open, assigned, in progress, done,
    then closed, or cancelled instead where the call was cancelled."""
    last = Stage.CANCELLED if stage is Stage.CANCELLED else Stage.CLOSED
    line = [*MAIN_LINE, last]
    if stage is Stage.CANCELLED:
        # A cancelled call may stop anywhere: the earlier steps are not "done".
        return [Step(s, "current" if s is stage else "skipped") for s in line]
    at = line.index(stage)
    return [Step(s, "done" if i < at else "current" if i == at else "todo")
            for i, s in enumerate(line)]


def minutes_text(minutes: int) -> str:
    """Time spent as h:mm."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def size_text(size: int) -> str:
    """A file size for people: B, KB or MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def value_names() -> dict:
    """Stages, priorities and categories by their wire value, translated when shown (a
    template looks one up instead of translating every name on every use)."""
    from flask_babel import lazy_gettext as _
    return {
        "Draft": _("Draft"), "Open": _("Open"), "Assigned": _("Assigned"),
        "InProgress": _("In progress"), "Done": _("Done"), "Closed": _("Closed"),
        "Cancelled": _("Cancelled"),
        "Low": _("Low"), "Medium": _("Medium"), "High": _("High"), "Critical": _("Critical"),
        "Blocker": _("Blocker"),
        "Question": _("Question"), "TechnicalSupport": _("Technical support"),
        "Improvement": _("Improvement suggestion"),
    }
