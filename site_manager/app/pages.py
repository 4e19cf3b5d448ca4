"""Every page of the dashboard and who may open it: the one table the router builds from.

A page declares the read actions of :data:`site_manager.register.access.PERMISSIONS` it needs
(any one suffices): the landlord's and planner's pages ``read_register`` (every record:
tenants' names, contacts, rents), the tenant's own page ``read_own``, the neighbourhood
impact report ``read_aggregates``. The roles that may open a page are those the permissions
table gives one of its reads (:func:`~site_manager.register.access.roles_for`) and every
action it ``needs`` (the Tenants and leases page is the letting roles': ``sign_lease``),
narrowed where the page says so (``only``): the impact report is for the municipality and
the site's staff (a tenant's pages are its own), "My tenancy" for tenants. The router
(``streamlit_app.py``) puts in the navigation only the pages the logged-in user's role may
open, so another page's address opens the user's default page instead.

Examples
--------
>>> [p.url_path for p in pages_for(Role.MUNICIPALITY)]
['impact']
>>> [p.url_path for p in pages_for(Role.TENANT)]
['tenancy']
>>> "tenants" in [p.url_path for p in pages_for(Role.PLANNER)]
False
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from site_manager.register.access import Role, roles_for

_STAFF_ONLY = frozenset({Role.ADMIN, Role.PLANNER, Role.LANDLORD, Role.MUNICIPALITY})


@dataclass(frozen=True)
class PageSpec:
    """One page: its module under ``site_manager.app``, title, icon, address and reads."""

    module: str
    title: str
    icon: str
    url_path: str
    reads: tuple[str, ...]
    function: str = "render"
    hidden: bool = False
    needs: tuple[str, ...] = ()
    only: frozenset[Role] | None = None

    def roles(self) -> frozenset[Role]:
        """The roles that may open the page: those that may do one of its ``reads`` and every
        action it ``needs`` (the permissions table), narrowed by ``only``."""
        allowed: frozenset[Role] = frozenset().union(*(roles_for(a) for a in self.reads))
        for action in self.needs:
            allowed &= roles_for(action)
        return allowed if self.only is None else allowed & self.only

    def renderer(self) -> Callable[[], None] | None:
        """The page's render function (``None``: its module is not in this build)."""
        name = f"site_manager.app.{self.module}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            return None
        fn: Callable[[], None] = getattr(module, self.function)
        return fn


_R = ("read_register",)

#: Every page, in the navigation's order; a role's default page is the first it may open.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("page_site", "Site", ":material/factory:", "home", _R),
    # the default page lives at "/", and "/site" opens it too (a path people type)
    PageSpec("page_site", "Site", ":material/factory:", "site", _R,
             function="render_at_its_own_path", hidden=True),
    PageSpec("page_tenancy", "My tenancy", ":material/badge:", "tenancy", ("read_own",),
             only=frozenset({Role.TENANT})),
    PageSpec("page_import", "Import", ":material/upload_file:", "import", _R),
    PageSpec("page_zoning", "Zoning", ":material/map:", "zoning", _R),
    PageSpec("page_units", "Units and members", ":material/meeting_room:", "units", _R),
    PageSpec("page_tenants", "Tenants and leases", ":material/handshake:", "tenants", _R,
             needs=("sign_lease",)),
    PageSpec("page_landlord", "Landlord", ":material/monitoring:", "landlord", _R),
    PageSpec("page_energy", "Energy", ":material/bolt:", "energy", _R),
    PageSpec("page_layout", "Layout lab", ":material/dashboard_customize:", "layout", _R),
    PageSpec("page_bookings", "Bookings", ":material/event_available:", "bookings", _R),
    # staff see My tenancy as a tenant of their choice sees it
    PageSpec("page_tenancy", "Tenant view", ":material/badge:", "tenant-view", _R),
    PageSpec("page_community", "Community", ":material/diversity_3:", "community", _R),
    PageSpec("page_impact", "Neighbourhood impact", ":material/location_city:", "impact",
             ("read_aggregates",), only=_STAFF_ONLY),
    PageSpec("page_network", "Invisible Factory", ":material/hub:", "network", _R),
)  # fmt: skip


def pages_for(role: Role | str) -> list[PageSpec]:
    """The pages ``role`` may open, in the navigation's order."""
    return [p for p in PAGES if Role(role) in p.roles()]
