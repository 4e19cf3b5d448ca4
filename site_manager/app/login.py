"""The dashboard's login form, the logged-in user's box in the sidebar, and its navigation.

The router (``streamlit_app.py``) calls :func:`logged_in_user` first: with nobody logged in
it shows the form (user name and password; Enter submits) and stops the run; the register
checks the password (:func:`site_manager.register.users.check_login`: argon2id, slowed after
5 failures in a row, every attempt audited). The user is kept in the session
(:data:`~site_manager.app.state.USER`) until *Log out*, which forgets the whole session's
state. A reload of the browser tab is a new session: log in again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from site_manager.app import data, oidc, pages, state, ui
from site_manager.register.access import Principal


def logged_in_user() -> Principal:
    """The session's user; with nobody logged in, the login form (and the run stops)."""
    user = st.session_state.get(state.USER)
    if isinstance(user, Principal):
        return user
    user = oidc.oidc_user()  # back from the site's identity provider (if one is configured)
    if user is not None:
        st.session_state[state.USER] = user
        return user
    # every page's address shows the form (no menu), so after the login the address asked
    # for opens its page, if the user's role may open it (else the user's default page)
    st.navigation(
        [st.Page(_form, title=spec.title, url_path=spec.url_path, default=i == 0)
         for i, spec in enumerate(pages.PAGES)],
        position="hidden",
    ).run()  # fmt: skip
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")  # pragma: no cover


def _form() -> None:
    from site_manager.register.users import LoginFailed, check_login

    _left, middle, _right = st.columns([1, 2, 1])
    with middle:
        st.title("site-manager")
        st.subheader("Log in")
        with st.form("login", clear_on_submit=True, enter_to_submit=True):
            name = st.text_input("User name", autocomplete="username")
            password = st.text_input("Password", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Log in", type="primary")
        user = None
        if submitted:
            try:
                user = check_login(data.get_engine(st.session_state[state.DB_URL]), name, password)
            except LoginFailed as exc:
                st.error(ui.text(str(exc)))
        else:
            st.caption("Ask an administrator for an account (`site-manager user add`).")
        if user is None:
            oidc.sign_in_button()  # single sign-on, where the site has configured a provider
            return
    st.session_state[state.USER] = user
    st.rerun()


def sidebar(user: Principal) -> None:
    """Who is logged in, with which role, and the *Log out* button."""
    with st.sidebar:
        st.caption(ui.text(f"Logged in as {user.name} ({user.role.value})"))
        if st.button("Log out", key="logout", icon=":material/logout:"):
            logout(user)


def logout(user: Principal) -> None:
    """Forget the session's user and everything the session holds; show the login form."""
    from site_manager.register.audit import record_event

    url = st.session_state.get(state.DB_URL)
    if url:
        record_event(data.get_engine(url), actor=user.name, verb="login", action="logout",
                     record=user.name, after={"via": user.via})  # fmt: skip
    st.session_state.clear()
    oidc.sign_out(user)  # a user who came by single sign-on leaves the provider's login too
    st.rerun()


def navigation(user: Principal) -> Any:
    """The navigation of the pages ``user``'s role may open (:mod:`~site_manager.app.pages`);
    the first is the default page (at ``/``)."""
    built: list[Any] = []
    for spec in pages.pages_for(user.role):
        render = spec.renderer()
        if render is None:  # a page not in this build
            continue
        built.append(
            st.Page(render, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                    default=not built, visibility="hidden" if spec.hidden else "visible")
        )  # fmt: skip
    if not built:
        st.info(ui.text(f"The role {user.role.value} opens no page of this dashboard."))
        st.stop()
    return st.navigation(built, expanded=True)  # every page listed: no "View more"
