"""When a staff sign-in stops counting (csp_data.staff_sessions): a sign-out of its account after it was made,
recorded by any replica; an age over session_hours; a token that does not say when it was issued."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from csp_data.access import SettingError, staff_access
from csp_data.staff_sessions import (
    CLOCK_ALLOWANCE,
    ISSUED_AHEAD,
    NO_ISSUE_TIME,
    RECORD_UNREADABLE,
    SIGNED_OUT,
    TOO_OLD,
    account_key,
    last_sign_outs,
    record_sign_out,
    sign_outs_path,
    why_sign_in_ended,
)

NOW = 1_800_000_000.0
ANN = {"iss": "https://id.example.org", "sub": "ann-1", "email": "Ann@Example.org", "iat": NOW - 600}


def test_the_account_is_the_provider_and_subject_or_else_the_email():
    assert account_key(ANN) == "https://id.example.org ann-1"
    assert account_key({"sub": "ann-1"}) == " ann-1"
    assert account_key({"email": " Ann@Example.org "}) == "email ann@example.org"
    assert account_key({"sub": "", "email": ""}) is None


def test_a_sign_in_counts_until_its_account_signs_out(tmp_path):
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) is None
    record_sign_out(tmp_path, {**ANN, "iat": NOW - 9000}, now=NOW - 7000)  # an earlier sign-out: no matter
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) is None
    record_sign_out(tmp_path, {"iss": "https://id.example.org", "sub": "bob"}, now=NOW - 1)  # another account
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) is None
    record_sign_out(tmp_path, ANN, now=NOW - 1)
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) == SIGNED_OUT
    assert why_sign_in_ended({**ANN, "iat": NOW}, tmp_path, 12, now=NOW + 5) is None  # signed in again after


def test_the_same_subject_at_another_provider_is_another_account(tmp_path):
    record_sign_out(tmp_path, ANN, now=NOW - 1)
    assert why_sign_in_ended({**ANN, "iss": "https://other.example"}, tmp_path, 12, now=NOW) is None


@pytest.mark.parametrize(
    ("issued", "hours", "ended"),
    [
        (NOW - 12 * 3600 + 1, 12, None),
        (NOW - 12 * 3600 - 1, 12, TOO_OLD),
        (NOW - 1800, 0.25, TOO_OLD),
        (NOW + 30, 12, None),  # the provider's clock a little ahead
        (NOW + 300, 12, None),  # up to the clock allowance
        (NOW + 301, 12, ISSUED_AHEAD),  # beyond it: 10 days ahead had opened a staff page 10 days longer
        (NOW + 10 * 86400, 12, ISSUED_AHEAD),
        (None, 12, NO_ISSUE_TIME),
        ("1800000000", 12, NO_ISSUE_TIME),
        (True, 12, NO_ISSUE_TIME),
        (float("nan"), 12, NO_ISSUE_TIME),
    ],
)
def test_age_and_issue_time(tmp_path, issued, hours, ended):
    claims = {**ANN, "iat": issued} if issued is not None else {k: v for k, v in ANN.items() if k != "iat"}
    assert why_sign_in_ended(claims, tmp_path, hours, now=NOW) == ended


def test_a_record_that_cannot_be_read_ends_every_sign_in(tmp_path):
    """Fails closed: no sign-in can be judged, so none counts (and nothing raises into the pages)."""
    sign_outs_path(tmp_path).mkdir(parents=True)  # unreadable as a file, even to root
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) == RECORD_UNREADABLE
    with pytest.raises(OSError):
        last_sign_outs(tmp_path)


def test_a_damaged_line_is_skipped_and_the_others_still_count(tmp_path):
    record_sign_out(tmp_path, ANN, now=NOW - 1)
    with sign_outs_path(tmp_path).open("a", encoding="utf-8") as f:
        f.write('{"account": "x", "at": \n')
        f.write("not json\n")
        f.write("[1, 2]\n")
        f.write(json.dumps({"account": "y", "at": "nan"}) + "\n")
    assert last_sign_outs(tmp_path) == {"https://id.example.org ann-1": NOW - 1 - CLOCK_ALLOWANCE}
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) == SIGNED_OUT


def test_a_line_left_unfinished_does_not_swallow_the_next_sign_out(tmp_path):
    """A write cut short (a full disk, a crash) leaves a line without its end; the next sign-out still counts."""
    path = sign_outs_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"account": "https://id.example.org alice", "at": 17500', encoding="utf-8")
    record_sign_out(tmp_path, ANN, now=NOW - 1)
    assert last_sign_outs(tmp_path) == {"https://id.example.org ann-1": NOW - 1 - CLOCK_ALLOWANCE}
    assert why_sign_in_ended(ANN, tmp_path, 12, now=NOW) == SIGNED_OUT


def test_the_file_is_read_again_when_it_changes(tmp_path):
    assert last_sign_outs(tmp_path) == {}
    record_sign_out(tmp_path, ANN, now=NOW - 1)
    assert last_sign_outs(tmp_path) == {"https://id.example.org ann-1": NOW - 1 - CLOCK_ALLOWANCE}
    record_sign_out(tmp_path, {**ANN, "iat": NOW - 2}, now=NOW)  # its own iat, later than the allowance gives
    record_sign_out(tmp_path, {"sub": "bob"}, now=NOW)  # no iat: the sign-out's time less the allowance
    assert last_sign_outs(tmp_path) == {"https://id.example.org ann-1": NOW - 2, " bob": NOW - CLOCK_ALLOWANCE}


def test_a_provider_clock_behind_this_servers_still_lets_the_next_sign_in_count(tmp_path):
    """The provider's clock 60 s behind: a sign-out at 10 s past the server's T ends the sign-in issued at its
    T - 60 (and a copy of it); signing in again 10 s later (issued at T - 40 by its clock) counts at once."""
    session = {**ANN, "iat": NOW - 60}
    record_sign_out(tmp_path, session, now=NOW + 10)
    assert why_sign_in_ended(session, tmp_path, 12, now=NOW + 11) == SIGNED_OUT
    assert why_sign_in_ended({**ANN, "iat": NOW - 40}, tmp_path, 12, now=NOW + 20) is None


def test_a_sign_out_ends_the_accounts_older_sign_ins_in_other_browsers(tmp_path):
    record_sign_out(tmp_path, {**ANN, "iat": NOW - 100}, now=NOW)
    assert why_sign_in_ended({**ANN, "iat": NOW - 3600}, tmp_path, 12, now=NOW + 1) == SIGNED_OUT
    assert why_sign_in_ended({**ANN, "iat": NOW - CLOCK_ALLOWANCE - 1}, tmp_path, 12, now=NOW + 1) == SIGNED_OUT


def _sign_outs(folder: str, who: str) -> None:
    for n in range(200):
        record_sign_out(folder, {"sub": f"{who}-{n}"}, now=NOW + n)


def test_sign_outs_on_two_replicas_at_once_all_stay(tmp_path):
    workers = [multiprocessing.Process(target=_sign_outs, args=(str(tmp_path), w)) for w in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    lines = [line for line in sign_outs_path(tmp_path).read_text(encoding="utf-8").splitlines() if line]
    assert len(lines) == 400 and all(json.loads(line) for line in lines)
    assert len(last_sign_outs(tmp_path)) == 400


@pytest.mark.parametrize("hours", [0, -1, 721, "12", True, float("nan"), float("inf")])
def test_a_wrong_session_hours_is_refused_naming_it(hours):
    with pytest.raises(SettingError, match=r"\[staff\] session_hours should be how many hours"):
        staff_access({"session_hours": hours})


def test_session_hours_defaults_to_12_and_can_be_set():
    assert staff_access(None).session_hours == 12
    assert staff_access({}).session_hours == 12
    assert staff_access({"session_hours": 8}).session_hours == 8
    assert staff_access({"session_hours": 0.5}).session_hours == 0.5
