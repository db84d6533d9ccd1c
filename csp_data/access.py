"""How the dashboard is hosted and who may change it: the mode (public or partnership) and, on the
partnership site, which signed-in members of staff hold which permission.

Both are the host's settings (``$CSP_MODE`` and the ``[staff]`` table of ``.streamlit/secrets.toml``),
not the partnership's: the area file is read by :mod:`csp_data.config`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from csp_data.errors import CspDataError

#: The two ways the dashboard runs, chosen with the ``CSP_MODE`` environment variable.
MODES = ("public", "partnership")
DEFAULT_MODE = "public"

#: What a signed-in member of staff may be allowed to do, each granted separately.
STAFF_PERMISSIONS = {
    "police_data": "load new police.uk months and remove a mistaken load",
    "plans": "update KPI values, targets and plan text",
    "survey": "load a respondent-level survey file",
    "audit": "read the change log",
}
#: How long a sign-in lasts, unless ``session_hours`` in ``[staff]`` says otherwise (see
#: :mod:`csp_data.staff_sessions`); at most :data:`MAX_SESSION_HOURS`.
DEFAULT_SESSION_HOURS = 12.0
MAX_SESSION_HOURS = 24.0 * 30
_GROUP_PREFIX = "group:"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CLAIM_NAME = re.compile(r"^[A-Za-z0-9_:/.-]{1,100}$")


class SettingError(CspDataError):
    """A setting of the dashboard's own (the mode, the staff allow-list) that cannot be used."""


def dashboard_mode(environ=None) -> str:
    """``public`` (the default) or ``partnership``, from ``$CSP_MODE``.

    Raises
    ------
    SettingError
        For any other value, so that a misspelt mode never starts a site other than the one meant.
    """
    value = (os.environ if environ is None else environ).get("CSP_MODE", "").strip().lower() or DEFAULT_MODE
    if value not in MODES:
        raise SettingError(
            f"CSP_MODE is {value!r}; it should be one of {', '.join(MODES)} (public when not set). "
            "Correct it and start the dashboard again."
        )
    return value


@dataclass(frozen=True)
class StaffAccess:
    """Who may do what on the staff pages: for each permission, email addresses and group names.

    Attributes
    ----------
    grants : dict
        Permission (a key of :data:`STAFF_PERMISSIONS`) to the lower-case email addresses and the
        ``group:<name>`` entries that hold it.
    group_claim : str
        The identity token's claim that lists a user's groups.
    session_hours : float
        How long a sign-in lasts before the user must sign in again.
    """

    grants: dict[str, frozenset[str]]
    group_claim: str = "groups"
    session_hours: float = DEFAULT_SESSION_HOURS

    def permissions_for(self, claims) -> frozenset[str]:
        """The permissions a signed-in user's identity claims give (empty: not allowed at all).

        The email counts only when the provider has not said it is unverified (``email_verified``
        false); group names are compared exactly, emails without regard to case.
        """
        held: set[str] = set()
        email = claims.get("email")
        if (
            isinstance(email, str)
            and _EMAIL.match(email.strip())
            and not _marked_unverified(claims.get("email_verified"))
        ):
            held.add(email.strip().lower())
        groups = claims.get(self.group_claim)
        if isinstance(groups, str):
            groups = [groups]
        if isinstance(groups, list | tuple):
            held.update(_GROUP_PREFIX + g for g in groups if isinstance(g, str) and g)
        return frozenset(p for p, who in self.grants.items() if who & held)


def email_unverified(claims) -> bool:
    """Whether the identity token gives an email that its provider marks unverified (so it gives no permission)."""
    return isinstance(claims.get("email"), str) and _marked_unverified(claims.get("email_verified"))


def _marked_unverified(flag) -> bool:
    """Whether a token's ``email_verified`` says the address is not verified: false as JSON, or as some
    providers send it, a string ("false") or a number (0); only true, 1 or "true" say it is (absent: not said)."""
    if flag is None or flag is True:
        return False
    if isinstance(flag, str):
        return flag.strip().lower() not in ("true", "1")
    return not (isinstance(flag, int | float) and flag == 1)


def staff_access(table, where: str = "[staff]") -> StaffAccess:
    """Read the ``[staff]`` setting (from ``.streamlit/secrets.toml``); nothing there allows no one.

    The table holds one list per permission, of email addresses and ``"group:<name>"`` entries,
    and optionally ``group_claim`` (default ``"groups"``) and ``session_hours`` (how long a sign-in lasts,
    default 12)::

        [staff]
        group_claim = "groups"
        session_hours = 12
        police_data = ["analyst@example.gov.uk", "group:csp-analysts"]
        plans = ["group:csp-managers"]
        survey = ["research@example.gov.uk"]
        audit = ["group:csp-analysts", "group:csp-managers"]

    Raises
    ------
    SettingError
        Naming the setting, for an unknown key, a list that is not of strings, an entry that is
        neither an email address nor ``group:<name>``, or a ``session_hours`` that is not a number of hours
        above 0 and at most 720.
    """
    if table is None:
        return StaffAccess(grants={p: frozenset() for p in STAFF_PERMISSIONS})
    if not hasattr(table, "items"):
        raise SettingError(f"{where} should be a table, got {type(table).__name__}")
    group_claim = table.get("group_claim", "groups")
    if not isinstance(group_claim, str) or not _CLAIM_NAME.match(group_claim):
        raise SettingError(f'{where} group_claim should be the name of a claim such as "groups", got {group_claim!r}')
    hours = table.get("session_hours", DEFAULT_SESSION_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_SESSION_HOURS:
        raise SettingError(
            f"{where} session_hours should be how many hours a sign-in lasts, above 0 and at most "
            f"{MAX_SESSION_HOURS:.0f}, got {hours!r}"
        )
    grants: dict[str, frozenset[str]] = {}
    for key, value in table.items():
        if key in ("group_claim", "session_hours"):
            continue
        if key not in STAFF_PERMISSIONS:
            raise SettingError(
                f"{where} has an unknown key {key!r}; it takes group_claim, session_hours and "
                f"{', '.join(STAFF_PERMISSIONS)}"
            )
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise SettingError(f'{where} {key} should be a list of email addresses and "group:<name>" entries')
        entries = set()
        for entry in value:
            entry = entry.strip() if isinstance(entry, str) else entry
            if isinstance(entry, str) and entry.startswith(_GROUP_PREFIX) and len(entry) > len(_GROUP_PREFIX):
                entries.add(entry)
            elif isinstance(entry, str) and _EMAIL.match(entry):
                entries.add(entry.lower())
            else:
                raise SettingError(
                    f'{where} {key} holds {entry!r}, which is neither an email address nor "group:<name>"'
                )
        grants[key] = frozenset(entries)
    return StaffAccess(
        grants={p: grants.get(p, frozenset()) for p in STAFF_PERMISSIONS},
        group_claim=group_claim,
        session_hours=float(hours),
    )
