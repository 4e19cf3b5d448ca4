"""A site's community rules in the register: stored once loaded, read back.

The rules file (TOML) is read and checked by :mod:`site_manager.layout.community`; this
module stores what it read (the rule tables as JSON and the file's text) in the table
``layout_rules``, one row a site, replacing the site's earlier rules in one audited write
(``load_rules``; the entry's before and after are the rule tables).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.register import contracts, core, rules
from site_manager.register.audit import Audit, now
from site_manager.register.engine import get_actor, transaction
from site_manager.register.schema import LayoutRules

Bind = Engine | Session


def store_rules(
    bind: Bind,
    site: str | None,
    rule_tables: list[dict[str, Any]],
    source_text: str,
    *,
    actor: str | None = None,
) -> None:
    """Store a site's checked rules (replacing any it had), audited.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    site : str or None
        Site id (``None``: the only site).
    rule_tables : list of dict
        The rules as checked plain data (``site_manager.layout.community.rules_to_data``).
    source_text : str
        The rules file's text, kept as loaded.
    actor : str, optional
        Who loads them (default: :func:`~site_manager.register.engine.get_actor`).
    """
    values, problems = rules.values_from_contract(
        contracts.LAYOUT_RULES, {"loaded_by": get_actor(actor)}
    )
    rules.refuse([p for p in problems if p.field == "loaded_by"])
    with transaction(bind) as s:
        st = core.get_site(s, site)
        row = s.get(LayoutRules, st.id)
        before = None if row is None else {"rules": json.loads(row.rules_json)}
        if row is None:
            row = LayoutRules(site_pk=st.id)
            s.add(row)
        row.rules_json = json.dumps(rule_tables)
        row.source_text = source_text
        row.loaded_at = now()
        row.loaded_by = values["loaded_by"]
        Audit(s, st, row.loaded_by, "load_rules").note(
            "layout_rules", st.site_id, "insert" if before is None else "update",
            before=before, after={"rules": rule_tables},
        )  # fmt: skip


def rules_record(bind: Bind, site: str | None = None) -> dict[str, Any] | None:
    """The site's stored rules: ``rules`` (rule tables), ``source_text``, ``loaded_at``,
    ``loaded_by``; ``None`` when none were loaded.
    """
    with transaction(bind, readonly=True) as s:
        st = core.get_site(s, site)
        row = s.scalars(select(LayoutRules).where(LayoutRules.site_pk == st.id)).one_or_none()
        if row is None:
            return None
        return {"rules": json.loads(row.rules_json), "source_text": row.source_text,
                "loaded_at": row.loaded_at, "loaded_by": row.loaded_by}  # fmt: skip
