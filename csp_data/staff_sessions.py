"""When a staff sign-in stops counting: its account signed out (in any browser, on any replica), or it is older
than the site allows.

Streamlit keeps a sign-in in a signed cookie for 30 days, and signing out clears that cookie in the browser that
signed out, nowhere else: a copy of the cookie taken before (from a shared computer, a proxy log, a stolen laptop)
would still open the staff pages. So each sign-out is recorded in ``STORE/audit/sign_outs.jsonl`` (one JSON line,
appended: the account, when, and when the sign-in that signed out was issued), shared by every replica, and a
sign-in counts only when its identity token was issued (the OpenID ``iat`` claim) after the account's last
sign-out (:data:`CLOCK_ALLOWANCE` says how that is judged) and less than ``session_hours`` ago (the ``[staff]``
setting, :data:`csp_data.access.DEFAULT_SESSION_HOURS` by default).
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from pathlib import Path

from csp_data.audit import AUDIT_FOLDER

log = logging.getLogger("csp_dashboard")

SIGN_OUTS_FILE = "sign_outs.jsonl"
SIGNED_OUT = "signed_out"
TOO_OLD = "too_old"
NO_ISSUE_TIME = "no_issue_time"
RECORD_UNREADABLE = "record_unreadable"
ISSUED_AHEAD = "issued_ahead"

_read: dict[str, tuple[tuple[int, int], dict[str, float]]] = {}  # path -> (file stamp, last sign-out by account)


def sign_outs_path(store_root: str | Path) -> Path:
    return Path(store_root) / AUDIT_FOLDER / SIGN_OUTS_FILE


def account_key(claims) -> str | None:
    """The account a sign-in is for: the provider and its subject id (``iss`` and ``sub``), or the email address
    when the token has no subject; None when it has neither."""
    subject = claims.get("sub")
    if isinstance(subject, str) and subject:
        issuer = claims.get("iss")
        return f"{issuer if isinstance(issuer, str) else ''} {subject}"
    email = claims.get("email")
    if isinstance(email, str) and email.strip():
        return "email " + email.strip().lower()
    return None


#: A sign-out ends every sign-in of the account issued by the time of the sign-in that signed out (by the
#: provider's clock, so this holds whatever the difference between its clock and this server's), and every one
#: issued more than this many seconds before the sign-out by this server's clock. A sign-in made after it counts.
CLOCK_ALLOWANCE = 300.0


def record_sign_out(store_root: str | Path, claims, now: float | None = None) -> None:
    """Record that the account of ``claims`` signed out at ``now``, from the sign-in ``claims`` describe: that
    sign-in and every earlier one stop counting (see :data:`CLOCK_ALLOWANCE`). One line appended with one
    ``write`` and synced, so that sign-outs on two replicas at once both stay. Raises OSError when the line
    cannot be written."""
    key = account_key(claims)
    if key is None:
        return
    path = sign_outs_path(store_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"account": key, "at": time.time() if now is None else now}
    issued = claims.get("iat")
    if isinstance(issued, int | float) and not isinstance(issued, bool) and math.isfinite(issued):
        entry["iat"] = issued
    # A line break first as well as last: a line left unfinished by a failed write (a full disk, a crash) is
    # then never joined to this one, which would make both unreadable. Blank lines are skipped on reading.
    line = ("\n" + json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.write(descriptor, line) != len(line):
            raise OSError(f"{path.name}: the sign-out was only partly written")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def last_sign_outs(store_root: str | Path) -> dict[str, float]:
    """For each account, the time (seconds since 1970) up to which its sign-ins have been ended by a sign-out:
    the latest, over its sign-outs, of the issue time of the sign-in that signed out and of the sign-out's own
    time less :data:`CLOCK_ALLOWANCE`. A line that cannot be read is skipped (and logged): a damaged line must
    not let a signed-out cookie back in, nor stop everyone's sign-in. Raises OSError when the file exists but
    cannot be read at all."""
    path = sign_outs_path(store_root)
    try:
        status = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (status.st_mtime_ns, status.st_size)
    kept = _read.get(str(path))
    if kept is not None and kept[0] == stamp:
        return kept[1]
    last: dict[str, float] = {}
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                account, at = entry["account"], float(entry["at"]) - CLOCK_ALLOWANCE
                ended = max(at, float(entry.get("iat", at)))
            except (ValueError, KeyError, TypeError, AttributeError):
                log.error("%s line %d cannot be read; it is skipped", path.name, number)
                continue
            if isinstance(account, str) and math.isfinite(ended):
                last[account] = max(ended, last.get(account, ended))
    _read[str(path)] = (stamp, last)
    return last


def why_sign_in_ended(claims, store_root: str | Path, session_hours: float, now: float | None = None) -> str | None:
    """None while the sign-in of ``claims`` counts; otherwise why not: :data:`SIGNED_OUT` (its account signed out
    after it was made), :data:`TOO_OLD` (made more than ``session_hours`` ago), :data:`NO_ISSUE_TIME` (its token
    does not say when it was issued, so neither can be judged), :data:`ISSUED_AHEAD` (issued more than
    :data:`CLOCK_ALLOWANCE` after ``now``: its age cannot be judged) or :data:`RECORD_UNREADABLE` (the record of
    sign-outs exists but cannot be read, so no sign-in can be trusted: it fails closed, and is logged)."""
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float) or not math.isfinite(issued):
        return NO_ISSUE_TIME
    now = time.time() if now is None else now
    if issued - now > CLOCK_ALLOWANCE:  # the provider's clock ahead: the session would last that much longer
        return ISSUED_AHEAD
    if now - issued > session_hours * 3600:
        return TOO_OLD
    key = account_key(claims)
    try:
        signed_out = last_sign_outs(store_root).get(key) if key is not None else None
    except OSError:
        log.exception("the record of sign-outs cannot be read; no staff sign-in counts until it can")
        return RECORD_UNREADABLE
    if signed_out is not None and issued <= signed_out:
        return SIGNED_OUT
    return None
