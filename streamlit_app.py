"""site-manager dashboard: the router (page config, session state, navigation).

Run with ``make run`` (``streamlit run streamlit_app.py`` on 127.0.0.1:8501). The pages live
in ``site_manager/app/``; the register is ``$SITE_MANAGER_DB`` or ``site_manager.sqlite``.
"""

import streamlit as st

from site_manager.app import (
    page_bookings,
    page_community,
    page_energy,
    page_impact,
    page_import,
    page_landlord,
    page_layout,
    page_network,
    page_site,
    page_tenants,
    page_units,
    page_zoning,
    state,
)

st.set_page_config(page_title="site-manager", page_icon="🏭", layout="wide")
state.init()

navigation = st.navigation(
    [
        st.Page(
            page_site.render, title="Site", icon=":material/factory:", url_path="home", default=True
        ),
        # the default page lives at "/", and "/site" opens it too (a path people type)
        st.Page(
            page_site.render_at_its_own_path,
            title="Site",
            icon=":material/factory:",
            url_path="site",
            visibility="hidden",
        ),
        st.Page(
            page_import.render, title="Import", icon=":material/upload_file:", url_path="import"
        ),
        st.Page(page_zoning.render, title="Zoning", icon=":material/map:", url_path="zoning"),
        st.Page(
            page_units.render,
            title="Units and members",
            icon=":material/meeting_room:",
            url_path="units",
        ),
        st.Page(
            page_tenants.render,
            title="Tenants and leases",
            icon=":material/handshake:",
            url_path="tenants",
        ),
        st.Page(
            page_landlord.render,
            title="Landlord",
            icon=":material/monitoring:",
            url_path="landlord",
        ),
        st.Page(page_energy.render, title="Energy", icon=":material/bolt:", url_path="energy"),
        st.Page(
            page_layout.render,
            title="Layout lab",
            icon=":material/dashboard_customize:",
            url_path="layout",
        ),
        st.Page(
            page_bookings.render,
            title="Bookings",
            icon=":material/event_available:",
            url_path="bookings",
        ),
        st.Page(
            page_community.render,
            title="Community",
            icon=":material/diversity_3:",
            url_path="community",
        ),
        st.Page(
            page_impact.render,
            title="Neighbourhood impact",
            icon=":material/location_city:",
            url_path="impact",
        ),
        st.Page(
            page_network.render,
            title="Invisible Factory",
            icon=":material/hub:",
            url_path="network",
        ),
    ]
)
navigation.run()
