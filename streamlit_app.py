"""site-manager dashboard: the router (page config, session state, login, navigation).

Run with ``make run`` (``streamlit run streamlit_app.py``; ``.streamlit/config.toml`` makes it
listen on 127.0.0.1:8501). The pages live in ``site_manager/app/``, and who may open each is
``site_manager/app/pages.py``; the register is ``$SITE_MANAGER_DB`` or ``site_manager.sqlite``.
Every run happens as the logged-in user: nobody is logged in, nothing but the login form.
"""

import streamlit as st

from site_manager.app import login, state
from site_manager.register import access

access.require_login()  # in this process a verb or read with nobody logged in is refused
st.set_page_config(page_title="site-manager", page_icon="🏭", layout="wide")
state.init()

user = login.logged_in_user()  # the login form, and the run stops, until someone logs in
with access.acting_as(user):
    login.sidebar(user)
    login.navigation(user).run()
