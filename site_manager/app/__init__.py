"""The Streamlit dashboard: pages, session state and caching (the only code importing streamlit).

``streamlit_app.py`` at the repository root is the router; each page is a module here with a
``render()`` function: :mod:`.page_site`, :mod:`.page_import`, :mod:`.page_zoning`,
:mod:`.page_units`, :mod:`.page_tenants`, :mod:`.page_landlord`, :mod:`.page_layout` (the
Layout lab, with :mod:`.layout_applicants`), :mod:`.page_network` (the Invisible Factory).
:mod:`.login` the login form and the navigation of the user's pages, :mod:`.pages` every
page and the roles that may open it; :mod:`.state` names every session-state key,
:mod:`.data` opens the register and caches its frames, :mod:`.ui` holds the shared widgets
(downloads, figure export, error display).
"""
