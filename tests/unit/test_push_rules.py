"""Push rules that need no server: the retry schedule, URL checks, which events a change brings."""

from __future__ import annotations

import ipaddress
import random

import pytest

from helpdesk_soap.domain.events import EventType, parse_events, status_events
from helpdesk_soap.domain.model import Stage, Status
from helpdesk_soap.push import urls
from helpdesk_soap.push.settings import PushSettings
from helpdesk_soap.services.delivery import backoff


def test_the_default_schedule_is_60s_doubling_capped_at_an_hour():
    settings = PushSettings(retry_jitter=0)
    assert [backoff(n, settings) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    jittered = PushSettings()
    waits = {backoff(1, jittered, random.Random(seed)) for seed in range(20)}
    assert len(waits) > 1 and all(48 <= w <= 72 for w in waits)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "192.168.1.1", "172.16.0.1",
                                     "169.254.169.254", "::1", "fe80::1", "0.0.0.0", "::ffff:127.0.0.1"])
def test_private_loopback_and_link_local_addresses_are_refused(address):
    assert not urls.allowed(address, ())


def test_the_allow_list_lets_a_network_in():
    net = (ipaddress.ip_network("127.0.0.0/8"),)
    assert urls.allowed("127.0.0.5", net) and not urls.allowed("10.0.0.1", net)
    assert urls.allowed("93.184.216.34", ())


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "http://", "",
                                 "http://u:p@example.com/", "javascript:alert(1)",
                                 "http://example.com:99999/"])
def test_only_plain_http_and_https_urls_are_taken(url):
    with pytest.raises(urls.RefusedUrl):
        urls.parse(url)


def test_a_name_that_resolves_to_loopback_is_refused():
    with pytest.raises(urls.RefusedUrl):
        urls.resolve("http://localhost:8080/hook", ())


def test_which_events_a_status_change_brings():
    open_, done = Status("NEW", "New", Stage.OPEN), Status("DONE", "Done", Stage.DONE, True, False)
    closed = Status("CLOSED", "Closed", Stage.CLOSED, True, True)
    assert status_events(open_, done, None) == [EventType.STATUS_CHANGED]
    assert status_events(open_, done, "fixed") == [EventType.STATUS_CHANGED, EventType.RESULT_VISIBLE]
    assert status_events(done, closed, "fixed") == [EventType.STATUS_CHANGED, EventType.CALL_CLOSED]


def test_event_names_are_checked():
    assert parse_events(["CallClosed", "CallCreated"]) == (EventType.CALL_CREATED, EventType.CALL_CLOSED)
    with pytest.raises(ValueError):
        parse_events(["CallDeleted"])


def test_settings_come_from_the_environment():
    settings = PushSettings.from_env({"HELPDESK_PUSH_WORKER": "off", "HELPDESK_PUSH_RETRY_FIRST": "0.5",
                                      "HELPDESK_PUSH_ALLOW_NETWORKS": "127.0.0.0/8, 10.1.0.0/16"})
    assert settings.worker is False and settings.retry_first == 0.5
    assert len(settings.allow_networks) == 2
    with pytest.raises(ValueError):
        PushSettings.from_env({"HELPDESK_PUSH_MAX_ATTEMPTS": "many"})
