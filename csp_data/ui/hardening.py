"""Refuse the browser messages no visitor of a hosted site should be able to send.

Streamlit's WebSocket accepts, from any client and without sign-in, two messages meant for a developer
at their own machine:

- ``clear_cache`` empties every ``st.cache_data`` and ``st.cache_resource`` cache of the process, for
  every visitor at once (``AppSession._handle_clear_cache_request``), so one anonymous script can make
  every page recompute everything, over and over;
- ``load_git_info`` runs git in the app's folder and answers with the repository's name, branch and the
  names of its untracked and uncommitted files.

The app's own toolbar (``client.toolbarMode = "viewer"``) never offers either, so refusing both costs a
visitor nothing. Code that must clear a cache (a staff page after a load) calls ``st.cache_data.clear()``
itself, which this does not touch.

How: ``AppSession.handle_backmsg`` (the one method through which the runtime delivers every message
from a browser to its session) is wrapped once per process by a filter that drops these message types
and passes every other message on unchanged. Importing this module applies it (app.py imports it, so
it is in force from the first script run of the process, before anything is cached); ``apply`` is
idempotent. ``tests/deploy/test_hardening.py`` sends the messages over a real WebSocket and checks that
the caches survive, and that the same probe does empty them on a server without this module.
"""

from __future__ import annotations

import functools
import logging

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.app_session import AppSession

log = logging.getLogger("csp_dashboard")

# BackMsg field names (the ``type`` oneof) that a hosted site refuses.
REFUSED_MESSAGES: frozenset[str] = frozenset({"clear_cache", "load_git_info"})

_MARK = "_csp_dashboard_refuses"


def apply() -> None:
    """Make every session of this process drop the messages in ``REFUSED_MESSAGES`` (once per process)."""
    unknown = REFUSED_MESSAGES - {field.name for field in BackMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    if unknown:  # a Streamlit upgrade renamed a message: refuse to start rather than protect nothing
        raise RuntimeError(f"Streamlit's BackMsg has no {sorted(unknown)}: review csp_data/ui/hardening.py")
    original = AppSession.handle_backmsg
    if getattr(original, _MARK, None) == REFUSED_MESSAGES:
        return

    @functools.wraps(original)
    def handle_backmsg(self: AppSession, msg: BackMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind in REFUSED_MESSAGES:
            log.info("refused a %r message from a browser session", kind)
            return
        original(self, msg)

    setattr(handle_backmsg, _MARK, REFUSED_MESSAGES)
    AppSession.handle_backmsg = handle_backmsg


apply()
