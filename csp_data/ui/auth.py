"""The site's mode and staff sign-in: which pages exist, who is signed in, and what they may do.

In public mode (the default) the staff pages are not part of the site at all: they are never given to
``st.navigation``, so no address reaches them. In partnership mode they are added in a Staff section,
and each one first calls :func:`require`, which lets through only a user signed in with ``st.login``
(OpenID Connect, configured in ``[auth]`` of ``.streamlit/secrets.toml``) whom the ``[staff]``
allow-list there gives the page's permission; anyone else reads why not, with a sign-in or sign-out
button. See docs/modes.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from csp_data.access import STAFF_PERMISSIONS, StaffAccess, dashboard_mode, email_unverified, staff_access
from csp_data.audit import Actor
from csp_data.markdown import markdown_text
from csp_data.staff_sessions import (
    ISSUED_AHEAD,
    NO_ISSUE_TIME,
    RECORD_UNREADABLE,
    SIGNED_OUT,
    TOO_OLD,
    record_sign_out,
    why_sign_in_ended,
)
from csp_data.ui.context import current_area, current_store

log = logging.getLogger("csp_dashboard")

STAFF_SECTION = "Staff"
SECRETS_FILE = ".streamlit/secrets.toml"
#: The [auth] settings st.login needs for its one (default) provider.
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
PLACEHOLDER = "REPLACE-WITH"  # deploy/secrets.example.toml's values to fill in
#: The staff pages: script, title, icon and the permission each needs.
STAFF_PAGES = (
    ("views/staff_police_data.py", "Load or remove police data", ":material/upload_file:", "police_data"),
    ("views/staff_plans.py", "Update plans and KPIs", ":material/edit_note:", "plans"),
    ("views/staff_survey.py", "Load survey responses", ":material/how_to_vote:", "survey"),
    ("views/staff_changes.py", "Change log", ":material/history:", "audit"),
)
NOT_ON_THIS_SITE = "Staff pages are not part of this site."
NO_SIGN_IN = (
    "Sign-in is not set up on this site, so staff pages cannot be used. The site's maintainers need to add "
    "an [auth] table to " + SECRETS_FILE + " (see deploy/secrets.example.toml)."
)
SIGN_IN_NEEDED = (
    "This page is for the partnership's staff. Sign in with your work account to use it; everything else on "
    "the site stays open to all."
)
#: What a page says when the browser's sign-in has ended (:func:`ended_sign_in`).
ENDED = {
    SIGNED_OUT: "This account has signed out since this sign-in was made (in this browser or another). Sign in "
    "again to use the staff pages.",
    TOO_OLD: "This sign-in is older than the site allows (session_hours in [staff]). Sign in again to use the "
    "staff pages.",
    NO_ISSUE_TIME: "The sign-in provider did not say when this sign-in was made (the identity token has no iat), so "
    "the site cannot tell whether it has ended. The site's maintainers need a provider that sends it.",
    ISSUED_AHEAD: "The sign-in provider says this sign-in was made later than this server's time, so the site "
    "cannot tell how long it has lasted. The site's maintainers need to set the provider's or the server's clock "
    "right.",
    RECORD_UNREADABLE: "The site cannot read its record of sign-outs (audit/sign_outs.jsonl in the data store), so "
    "it cannot tell whether this sign-in has ended, and staff pages stay closed until its maintainers mend it (the "
    "server's log says what went wrong).",
}


def _secret_table(name: str):
    """A table of ``.streamlit/secrets.toml``, or None when there is no such table or no secrets at all."""
    try:
        return st.secrets.get(name)
    except StreamlitSecretNotFoundError:
        return None


def is_partnership() -> bool:
    """Whether this is the partnership site; an invalid CSP_MODE raises a SettingError."""
    return dashboard_mode() == "partnership"


def sign_in_configured() -> bool:
    """Whether ``[auth]`` has every setting st.login needs, none left as the example's placeholder."""
    table = _secret_table("auth")
    if table is None:
        return False
    values = [str(table.get(k, "")).strip() for k in AUTH_KEYS]
    return all(values) and not any(v.startswith(PLACEHOLDER) for v in values)


def current_access() -> StaffAccess:
    return staff_access(_secret_table("staff"), f"[staff] in {SECRETS_FILE}")


def _cookie_signed_in() -> bool:
    """Whether the browser holds Streamlit's sign-in cookie (which may have ended since: :func:`ended_sign_in`)."""
    return bool(st.user.get("is_logged_in", False))


def _store_root() -> Path:
    return current_store(current_area()).root


def ended_sign_in() -> str | None:
    """Why the browser's sign-in no longer counts (signed out elsewhere, too old, no issue time), or None."""
    if not _cookie_signed_in():
        return None
    return why_sign_in_ended(dict(st.user), _store_root(), current_access().session_hours)


def signed_in() -> bool:
    """Whether a sign-in that still counts is held: the cookie, not ended by a sign-out or by its age."""
    return _cookie_signed_in() and ended_sign_in() is None


def current_actor() -> Actor | None:
    """Who is signed in (None when no one is)."""
    if not signed_in():
        return None
    return Actor(email=st.user.get("email"), name=st.user.get("name"), subject=st.user.get("sub"))


def current_permissions() -> frozenset[str]:
    return current_access().permissions_for(dict(st.user)) if signed_in() else frozenset()


def sign_in_button(key: str) -> None:
    if st.button("Sign in", key=key, type="primary", icon=":material/login:"):
        st.login()


def sign_out_button(key: str) -> None:
    """Sign out: recorded for the account first (so that no copy of this browser's cookie counts after), then
    Streamlit's own sign-out, which clears the cookie and ends the session at the provider."""
    if st.button("Sign out", key=key, icon=":material/logout:"):
        if _cookie_signed_in():
            try:
                record_sign_out(_store_root(), dict(st.user))
            except OSError:
                log.exception("the sign-out could not be recorded; the sign-in still ends after session_hours")
        st.logout()


def require(permission: str) -> Actor:
    """The signed-in user, when they hold ``permission``; otherwise the page says why not and stops."""
    if permission not in STAFF_PERMISSIONS:
        raise KeyError(f"unknown staff permission {permission!r}")
    if not is_partnership():
        st.error(NOT_ON_THIS_SITE)
        st.stop()
    if not sign_in_configured():
        st.error(NO_SIGN_IN)
        st.stop()
    actor = current_actor()
    if actor is None:
        st.info(ENDED.get(ended_sign_in(), SIGN_IN_NEEDED))
        sign_in_button("page_sign_in")
        st.stop()
    if permission not in current_permissions():
        why = (
            " The sign-in provider says this account's email address is not verified, so the address gives no "
            "permission here: verify it with the provider, then sign in again."
            if email_unverified(dict(st.user))
            else ""
        )
        st.error(
            f"You are signed in as {markdown_text(actor.label)}, but this account may not {STAFF_PERMISSIONS[permission]}.{why} "
            "If you need to, ask the site's maintainers to give your account this permission; "
            "or sign out and sign in with another account."
        )
        sign_out_button("page_sign_out")
        st.stop()
    return actor


def account_sidebar() -> None:
    """Who is signed in, with a sign-out button; or a sign-in button (partnership site only)."""
    with st.sidebar:
        actor = current_actor()
        if actor is None:
            if sign_in_configured():
                st.caption("Partnership staff can sign in to load data and update plans.")
                sign_in_button("sidebar_sign_in")
            return
        st.caption(f"Signed in as {markdown_text(actor.label)}.")
        sign_out_button("sidebar_sign_out")


def staff_pages() -> list:
    return [
        st.Page(script, title=title, icon=icon, url_path=script.removeprefix("views/").removesuffix(".py"))
        for script, title, icon, _ in STAFF_PAGES
    ]


def navigation_pages(pages: Sequence) -> list | dict:
    """The pages to give ``st.navigation``: the public ones as they are in public mode; in partnership
    mode, with the staff pages in a section of their own and who is signed in in the sidebar."""
    if not is_partnership():
        return list(pages)
    account_sidebar()
    return {"": list(pages), STAFF_SECTION: staff_pages()}
