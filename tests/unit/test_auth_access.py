"""The mode setting and the staff allow-list: parsing, refusals that name the setting, and who gets what."""

from __future__ import annotations

import tomllib

import pytest

from csp_data.access import STAFF_PERMISSIONS, SettingError, dashboard_mode, staff_access
from helpers import ROOT


@pytest.mark.parametrize(
    "value, mode",
    [
        (None, "public"),
        ("", "public"),
        ("public", "public"),
        ("partnership", "partnership"),
        (" Partnership ", "partnership"),
    ],
)
def test_the_mode_is_public_unless_partnership_is_asked_for(value, mode):
    environ = {} if value is None else {"CSP_MODE": value}
    assert dashboard_mode(environ) == mode


@pytest.mark.parametrize("value", ["partnrship", "admin", "public;partnership", "staff"])
def test_any_other_mode_is_refused_naming_the_variable(value):
    with pytest.raises(SettingError, match=r"CSP_MODE is .*should be one of public, partnership"):
        dashboard_mode({"CSP_MODE": value})


ACCESS = {
    "group_claim": "roles",
    "police_data": ["Ann@Example.org", "group:csp-analysts"],
    "plans": ["group:csp-managers"],
    "audit": ["ann@example.org", "group:csp-managers"],
}


@pytest.mark.parametrize(
    "claims, expected",
    [
        ({"email": "ann@example.org"}, {"police_data", "audit"}),
        ({"email": "ANN@EXAMPLE.ORG", "email_verified": True}, {"police_data", "audit"}),
        ({"email": "ann@example.org", "email_verified": False}, set()),
        # Some providers send the flag as a string or a number: "false" and 0 are unverified too.
        ({"email": "ann@example.org", "email_verified": "false"}, set()),
        ({"email": "ann@example.org", "email_verified": "False "}, set()),
        ({"email": "ann@example.org", "email_verified": 0}, set()),
        ({"email": "ann@example.org", "email_verified": "no"}, set()),
        ({"email": "ann@example.org", "email_verified": ""}, set()),
        ({"email": "ann@example.org", "email_verified": "true"}, {"police_data", "audit"}),
        ({"email": "ann@example.org", "email_verified": 1}, {"police_data", "audit"}),
        ({"email": "ann@example.org", "email_verified": None}, {"police_data", "audit"}),
        ({"email": "bob@example.org", "roles": ["csp-analysts"]}, {"police_data"}),
        ({"email": "bob@example.org", "roles": "csp-managers"}, {"plans", "audit"}),
        ({"email": "bob@example.org", "roles": ["CSP-MANAGERS", "other"]}, set()),  # group names are exact
        ({"email": "bob@example.org", "groups": ["csp-managers"]}, set()),  # not the configured claim
        ({"email": "bob@example.org"}, set()),
        ({"email": "", "roles": []}, set()),
        ({"email": None, "roles": [None, 3, ""]}, set()),
        ({"email": "group:csp-analysts"}, set()),  # an email claim never stands for a group
        ({}, set()),
    ],
)
def test_permissions_follow_email_and_group_claims(claims, expected):
    assert staff_access(ACCESS).permissions_for(claims) == frozenset(expected)


def test_no_staff_table_allows_no_one():
    access = staff_access(None)
    assert set(access.grants) == set(STAFF_PERMISSIONS)
    assert access.permissions_for({"email": "anyone@example.org", "groups": ["admins"]}) == frozenset()


@pytest.mark.parametrize(
    "table, message",
    [
        ({"admin": ["a@example.org"]}, "unknown key 'admin'"),
        ({"police_data": "a@example.org"}, "police_data should be a list"),
        ({"police_data": ["not an email"]}, "holds 'not an email', which is neither"),
        ({"police_data": ["group:"]}, "holds 'group:'"),
        ({"police_data": ["@example.org"]}, "holds '@example.org'"),
        ({"police_data": [3]}, "holds 3"),
        ({"group_claim": "groups; drop"}, "group_claim should be the name of a claim"),
        (["a@example.org"], "should be a table"),
    ],
)
def test_a_mistake_in_the_allow_list_is_refused_naming_it(table, message):
    with pytest.raises(SettingError, match=message) as caught:
        staff_access(table, "[staff] in secrets")
    assert str(caught.value).startswith("[staff] in secrets")


def test_the_example_secrets_file_parses_and_grants_as_it_says():
    example = tomllib.loads((ROOT / "deploy" / "secrets.example.toml").read_text(encoding="utf-8"))
    access = staff_access(example["staff"])
    assert access.group_claim == "groups"
    assert access.permissions_for({"email": "analyst@example.gov.uk"}) == {"police_data"}
    assert access.permissions_for({"email": "x@example.gov.uk", "groups": ["csp-managers"]}) == {"plans", "audit"}
    assert access.permissions_for({"email": "research@example.gov.uk"}) == {"survey"}
    assert set(example["auth"]) == {
        "redirect_uri",
        "cookie_secret",
        "client_id",
        "client_secret",
        "server_metadata_url",
    }
