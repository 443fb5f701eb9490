"""CreateCall intake rules and the typed settings."""

import pytest

from helpdesk_soap.domain.errors import InvalidArgument
from helpdesk_soap.domain.model import Customer, Principal
from helpdesk_soap.domain.settings import Intake, Settings, decide_intake, parse_value

SETTINGS = Settings(new_call_status="OPEN_NEW", unknown_customer_number="U-0",
                    unknown_customer_status="CHECK_CUSTOMER")
PRINCIPAL = Principal(login_id=1, login_name="alice", customer_id=10)
OWN = Customer(id=10, number="C-10", name="Own Ltd")
FOREIGN = Customer(id=20, number="C-20", name="Other Ltd")


def codes(intake: Intake) -> list[str]:
    return [w.code for w in intake.warnings]


def test_known_customer():
    intake = decide_intake(SETTINGS, PRINCIPAL, OWN, None)
    assert intake == Intake("C-10", "OPEN_NEW", True, None, ())


def test_unknown_customer_goes_to_unknown_account():
    intake = decide_intake(SETTINGS, PRINCIPAL, None, None)
    assert (intake.customer_number, intake.status_code, intake.customer_known) == \
        ("U-0", "CHECK_CUSTOMER", False)
    assert codes(intake) == ["CustomerUnknown"]


def test_foreign_customer_is_treated_exactly_like_unknown():
    assert decide_intake(SETTINGS, PRINCIPAL, FOREIGN, None) == \
        decide_intake(SETTINGS, PRINCIPAL, None, None)


@pytest.mark.parametrize("principal, settings", [
    (Principal(1, "alice", 10, can_set_service_level=True), SETTINGS),
    (PRINCIPAL, Settings(with_service_level=True)),
])
def test_service_level_kept_when_allowed(principal, settings):
    intake = decide_intake(settings, principal, OWN, " GOLD ")
    assert intake.service_level == "GOLD"
    assert intake.warnings == ()


def test_service_level_dropped_with_warning_but_call_still_described():
    intake = decide_intake(SETTINGS, PRINCIPAL, OWN, "GOLD")
    assert isinstance(intake, Intake)
    assert intake.service_level is None
    assert intake.customer_known is True
    assert codes(intake) == ["ServiceLevelIgnored"]


def test_unknown_customer_and_ignored_service_level_both_warn():
    intake = decide_intake(SETTINGS, PRINCIPAL, None, "GOLD")
    assert codes(intake) == ["CustomerUnknown", "ServiceLevelIgnored"]


@pytest.mark.parametrize("raw, expected", [
    ("true", True), ("TRUE", True), ("yes", True), ("1", True), ("on", True), (" True ", True),
    ("false", False), ("no", False), ("0", False), ("off", False), ("", False),
])
def test_boolean_settings_parse(raw, expected):
    assert parse_value("with_service_level", raw) is expected
    assert Settings.from_mapping({"with_service_level": raw}).with_service_level is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "y"])
def test_invalid_boolean_raises(raw):
    with pytest.raises(InvalidArgument) as info:
        parse_value("with_service_level", raw)
    assert info.value.field == "with_service_level"


def test_unknown_key_raises():
    with pytest.raises(InvalidArgument) as info:
        parse_value("no_such_setting", "x")
    assert info.value.field == "no_such_setting"
    assert "with_service_level" in info.value.message  # lists the known keys


@pytest.mark.parametrize("url", ["http://web.example", "https://web.example/esweb", ""])
def test_web_base_url_accepted(url):
    assert Settings.from_mapping({"web_base_url": url}).web_base_url == url


@pytest.mark.parametrize("url", ["ftp://web.example", "web.example", "javascript:alert(1)"])
def test_web_base_url_must_be_http(url):
    with pytest.raises(InvalidArgument) as info:
        parse_value("web_base_url", url)
    assert info.value.field == "web_base_url"


def test_missing_keys_take_defaults():
    assert Settings.from_mapping({}) == Settings()


@pytest.mark.parametrize("settings", [
    Settings(),
    Settings(new_call_status="N", unknown_customer_number="U", unknown_customer_status="S",
             solution_proposed_status="P", solution_accepted_status="A",
             solution_rejected_status="R", with_service_level=True,
             web_base_url="https://web.example/esweb"),
])
def test_as_mapping_round_trips(settings):
    mapping = settings.as_mapping()
    assert set(mapping) == set(Settings.keys())
    assert all(isinstance(v, str) for v in mapping.values())
    assert Settings.from_mapping(mapping) == settings
