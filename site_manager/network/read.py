"""The network as the register holds it: every site, with what routing reads of it."""

from __future__ import annotations

from typing import Any

from site_manager.network.model import Network


def read_network(bind: Any) -> Network:
    """Every site of the register (``bind``: an Engine or Session) as one :class:`Network`
    (one read: :func:`site_manager.register.network_tables.network_tables`).
    """
    # imported here: the register's reader takes its columns from network.model
    from site_manager.register.network_tables import network_tables

    return Network(**network_tables(bind))
