from __future__ import annotations

import pytest
from werkzeug.datastructures import LanguageAccept

from helpdesk_soap.domain.model import Stage
from helpdesk_soap.web.helpers import minutes_text, progress
from helpdesk_soap.web.i18n import choose_language


def states(stage):
    return [(step.stage.value, step.state) for step in progress(stage)]


def test_progress_marks_the_stages_before_the_current_one_done():
    assert states(Stage.ASSIGNED) == [("Draft", "done"), ("Open", "done"), ("Assigned", "current"),
                                      ("InProgress", "todo"), ("Done", "todo"), ("Closed", "todo")]


def test_progress_of_a_closed_call_is_complete():
    assert [s for _, s in states(Stage.CLOSED)] == ["done"] * 5 + ["current"]


def test_a_cancelled_call_ends_in_cancelled_without_claiming_the_steps_were_done():
    result = states(Stage.CANCELLED)
    assert result[-1] == ("Cancelled", "current")
    assert {s for _, s in result[:-1]} == {"skipped"}
    assert "Closed" not in [name for name, _ in result]


@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_has_exactly_one_current_step(stage):
    assert [s for _, s in states(stage)].count("current") == 1


@pytest.mark.parametrize("query, cookie, header, expected", [
    ("de", None, [("en", 1)], "de"),
    (None, "de", [("en", 1)], "de"),
    ("fr", "xx", [("de-DE", 1), ("en", 0.5)], "de"),
    (None, None, [("fr", 1), ("en-GB", 0.8)], "en"),
    (None, None, [], "en"),
    ("en", "de", [("de", 1)], "en"),
])
def test_language_choice_query_then_cookie_then_browser(query, cookie, header, expected):
    assert choose_language(query, cookie, LanguageAccept(header)) == expected


def test_minutes_show_as_hours_and_minutes():
    assert [minutes_text(m) for m in (0, 5, 60, 125)] == ["0:00", "0:05", "1:00", "2:05"]


def test_file_sizes_for_people():
    from helpdesk_soap.web.helpers import size_text
    assert [size_text(n) for n in (15, 2048, 5 * 1024 * 1024)] == ["15 B", "2.0 KB", "5.0 MB"]
