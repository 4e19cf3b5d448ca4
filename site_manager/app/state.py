"""Every session-state key of the dashboard, and their initial values.

A Streamlit server runs many sessions in one process, so nothing here is a module global
except the names: values live in ``st.session_state``, initialised with ``setdefault``.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

#: SQLAlchemy URL of the register this session works on.
DB_URL = "db_url"
#: The logged-in user (:class:`site_manager.register.access.Principal`) or absent.
USER = "user"
#: Id of the site shown (``None``: the first site of the register).
SITE = "site"
#: Storey shown on the Site and Zoning plans.
STOREY = "storey"
#: Attribute the Site plan is coloured by.
COLOR_BY = "color_by"
#: GlobalId of the selected space (the Site page's space picker).
SPACE = "space"
#: The last click on a plan that was applied (so a stale chart selection is not re-applied).
LAST_CLICK = "last_click"
#: Key of the Site page's plotly chart (its selection state).
PLAN_CHART = "plan_chart"
#: Key of the Zoning page's plotly chart.
ZONING_CHART = "zoning_chart"
#: Spaces picked on the Zoning plan (GlobalIds) awaiting a use.
ZONING_PICK = "zoning_pick"
#: The model read on the Import page: ``{"name", "digest", "model"}`` or ``None``.
IMPORTED = "imported"
#: A message to show once after a change (kind, text), e.g. ("success", "Lease L7 signed").
FLASH = "flash"
#: Date the landlord figures are computed on (``None``: today).
AS_OF = "as_of"

#: The Layout lab's background run (:class:`site_manager.layout.lab.LabRun`) or ``None``.
LAB_RUN = "lab_run"
#: The Layout lab's result: ``{"problem", "assignment", "solution", "greedy", "key",
#: "edited"}`` (the layout shown, possibly edited by hand) or ``None``.
LAB_RESULT = "lab_result"
#: The last manual edit's applicant (its breaches are shown under the edit form).
LAB_EDITED = "lab_edited"
#: A scenario commit awaiting the planner's confirmation: ``{"name", "start", "years"}``.
LAB_COMMIT = "lab_commit_pending"
#: The last scenario committed on the page: ``{"name", "leases"}`` (the leases signed).
LAB_COMMITTED = "lab_commit_done"
#: The database used when ``SITE_MANAGER_DB`` is not set (same file as the CLI's).
DEFAULT_DB_FILE = "site_manager.sqlite"


def default_db_url() -> str:
    """``$SITE_MANAGER_DB``, else an SQLite file in the working folder."""
    return os.environ.get("SITE_MANAGER_DB") or f"sqlite:///{os.path.abspath(DEFAULT_DB_FILE)}"


DEFAULTS: dict[str, Any] = {
    SITE: None,
    STOREY: None,
    COLOR_BY: "use",
    SPACE: None,
    LAST_CLICK: None,
    ZONING_PICK: [],
    IMPORTED: None,
    FLASH: None,
    AS_OF: None,
    LAB_RUN: None,
    LAB_RESULT: None,
    LAB_EDITED: None,
    LAB_COMMIT: None,
    LAB_COMMITTED: None,
}


#: Widget keys whose value holds across pages (Streamlit forgets a widget's state when the
#: next page does not draw the widget in its first run, so each run takes it over).
KEPT_ACROSS_PAGES = (SITE, STOREY, COLOR_BY)


def init() -> None:
    """Give every key its initial value where the session has none yet.

    Called by the router at the top of every run, before any widget: the choices in
    :data:`KEPT_ACROSS_PAGES` are re-written so they outlive a page change, and a ``?site=``
    in the URL chooses the site of a new session.
    """
    st.session_state.setdefault(DB_URL, default_db_url())
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, list(value) if isinstance(value, list) else value)
    if st.session_state[SITE] is None and st.query_params.get("site"):
        st.session_state[SITE] = st.query_params["site"]
    for key in KEPT_ACROSS_PAGES:
        st.session_state[key] = st.session_state[key]


def flash(kind: str, text: str) -> None:
    """Keep a message to show at the top of the next run (after a change and a rerun)."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    """Show and forget the message kept by :func:`flash` (as text: names in it are escaped)."""
    from site_manager.app import ui

    message = st.session_state.get(FLASH)
    if message:
        kind, text = message
        getattr(st, kind, st.info)(ui.text(text))
        # a toast too: the message on top is out of sight when the form was far down the page
        st.toast(ui.text(text), icon="✅" if kind == "success" else "ℹ️")
        st.session_state[FLASH] = None
