"""Single sign-on: OpenID Connect through Streamlit's own login, where a site configures it.

A site that has an identity provider (Keycloak, Entra ID, Google Workspace, ...) puts its
client in the dashboard's secrets (``.streamlit/secrets.toml``, never committed)::

    [auth]
    redirect_uri = "https://factory.example.org/oauth2callback"
    cookie_secret = "a long random string"

    [auth.sso]                      # the provider's name: any word
    client_id = "site-manager"
    client_secret = "..."
    server_metadata_url = "https://id.example.org/realms/x/.well-known/openid-configuration"
    client_kwargs = { scope = "openid email profile" }
    label = "the factory's account"  # optional: the button reads "Log in with <label>"

The login form then has a *Log in with ...* button (:func:`sign_in_button`): Streamlit
sends the browser to the provider and back, and :func:`oidc_user` maps the provider's user
to a user of the register **by e-mail** (``site-manager user add NAME --role ROLE --email
E``; :func:`site_manager.register.users.principal_for_email`): the register's user gives
the role, the provider only proves the e-mail. An e-mail the provider says is not verified,
or one no enabled user has, is refused, audited, and shown with a button to sign out of the
provider. Without an ``[auth]`` section nothing changes: the password form alone.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from site_manager.app import data, state, ui
from site_manager.register.access import AccessDenied, Principal


def _auth() -> dict[str, Any]:
    """The ``[auth]`` section of the dashboard's secrets (empty: none configured)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all, or one that does not parse
        return {}
    return dict(section) if section else {}


def provider() -> tuple[str | None, str] | None:
    """The configured provider: (its name for ``st.login``, its label), or ``None``.

    A client given directly under ``[auth]`` is Streamlit's default provider (name
    ``None``); else the first ``[auth.NAME]`` table with a ``client_id``.
    """
    auth = _auth()
    if not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        return None
    if auth.get("client_id"):
        return None, str(auth.get("label") or "single sign-on")
    for name, value in auth.items():
        if hasattr(value, "get") and value.get("client_id"):
            return str(name), str(value.get("label") or name)
    return None


def sign_in_button() -> None:
    """*Log in with ...*: off to the provider (nothing when no provider is configured)."""
    found = provider()
    if found is None:
        return
    name, label = found
    st.divider()
    if st.button(ui.text(f"Log in with {label}"), key="oidc_login", icon=":material/key:"):
        if name is None:
            st.login()
        else:
            st.login(name)


def oidc_user() -> Principal | None:
    """The register's user for the provider's logged-in user, once per session; ``None``
    when nobody is logged in at the provider. A refused user sees why (and can sign out of
    the provider), and the run stops."""
    if provider() is None or not st.user.is_logged_in:
        return None
    from site_manager.register.audit import record_refusal
    from site_manager.register.users import principal_for_email

    email = str(st.user.get("email") or "")
    engine = data.get_engine(st.session_state[state.DB_URL])
    try:
        if st.user.get("email_verified") is False:
            refusal = AccessDenied(
                f"the provider has not verified the e-mail {email!r}; verify it there first",
                actor=email,
                action="login",
            )
            record_refusal(engine, refusal)
            raise refusal
        return principal_for_email(engine, email)  # audited either way
    except AccessDenied as exc:
        _left, middle, _right = st.columns([1, 2, 1])
        with middle:
            st.title("site-manager")
            st.error(ui.text(str(exc)))
            if st.button("Sign out of the provider", key="oidc_logout"):
                st.logout()
        st.stop()
        raise AssertionError("unreachable: st.stop() ends the run") from None  # pragma: no cover


def sign_out(user: Principal) -> None:
    """End the provider's login too, for a user who came by OpenID Connect."""
    if user.via == "oidc" and provider() is not None and st.user.is_logged_in:
        st.logout()
