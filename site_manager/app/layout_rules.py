"""Layout lab: the site's community rules, shown, edited as TOML and loaded; the rules a
layout breaks.

The rules file is the one ``site-manager layout rules load FILE.toml`` reads
(``docs/layout.md``, *Community rules*): :func:`rules_section` shows the stored rules as a
table and their source text in a text area (an empty site gets a template with one
commented example per rule kind); "Load rules" hands the text to
:func:`site_manager.layout.community.load_rules`, which checks it and stores it (audited) or
refuses it whole with one line, shown under the text area. Loading bumps the register's
revision, so the page's cached frames and layout problem are rebuilt with the new rules.
:func:`violations_section` lists the community rules a layout breaks
(:func:`site_manager.layout.community.check_rules`), hard and soft, each with the rule, the
units and the tenants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, state, ui
from site_manager.errors import SiteManagerError

#: Columns of the stored rules' table.
RULES_COLUMNS = ["id", "rule", "kind", "strength", "value"]
#: Columns of the table of rules a layout breaks.
VIOLATION_COLUMNS = ["strength", "rule", "units", "tenants", "what to do"]

#: The text area's start on a site without rules: one commented example per rule kind
#: (loading it as is stores no rule).
TEMPLATE = """\
# Community rules of this site: one [[rule]] table a rule (docs/layout.md).
# strength = "hard": the engine never breaks it; "soft": reported with the layout.
# Remove the '# ' in front of a rule's lines to use it.

# [[rule]]
# id = "shared-space"
# kind = "min_shared_share"
# min_pct = 20
# strength = "soft"
# text = "shared space at least 20 % of the space in use"

# [[rule]]
# id = "room-for-all"
# kind = "max_tenant_area"
# max_m2 = 400
# strength = "hard"

# [[rule]]
# id = "quiet-studios"
# kind = "noise_distance"
# steps = 3
# noisy_db = 85
# strength = "hard"

# [[rule]]
# id = "hazards-apart"
# kind = "hazard_distance"
# steps = 3
# strength = "hard"

# [[rule]]
# id = "mixed-community"
# kind = "max_kind_share"
# tenant_kind = "artisan"
# max_pct = 25
# strength = "soft"
"""

TEXT_KEY = "lab_rules_text"


def rules_table(rules: Any) -> pd.DataFrame:
    """The rules as a table: id, the rule in words, kind, strength, the kind's value."""
    from site_manager.layout.community import label
    from site_manager.layout.records import RULE_KINDS

    rows = [{"id": r.id, "rule": label(r), "kind": r.kind,
             "strength": "hard" if r.hard else "soft",
             "value": f"{RULE_KINDS[r.kind]} = {r.value:g}"} for r in rules.rules]  # fmt: skip
    return pd.DataFrame(rows, columns=RULES_COLUMNS)


def _stored(url: str, site: str) -> tuple[Any, str]:
    """The site's stored rules and their source text (``""``: none loaded)."""
    from site_manager.layout.community import rules_from_data
    from site_manager.layout.records import CommunityRules
    from site_manager.register.community_rules import rules_record

    record = rules_record(data.get_engine(url), site)  # one read: the rules and their text
    if record is None:
        return CommunityRules(), ""
    rules = rules_from_data({"rules": record["rules"]}, source=f"site {site} stored rules")
    return rules, str(record["source_text"])


def rules_section(url: str, site: str) -> None:
    """The stored rules, their TOML text to edit, and "Load rules"."""
    rules, source = _stored(url, site)
    if rules.rules:
        ui.table(rules_table(rules), f"community_rules_{site}", key="lab_rules_table")
    else:
        st.info("No community rules loaded for this site: every layout that fits is allowed.")
    start = source if source.strip() else TEMPLATE
    seen = f"{TEXT_KEY}_source"
    if st.session_state.get(seen) != (site, start):  # another site, or rules loaded elsewhere
        st.session_state[seen] = (site, start)
        st.session_state[TEXT_KEY] = start
    text = st.text_area(
        "Rules file (TOML)",
        key=TEXT_KEY,
        height=300,
        help="One [[rule]] table a rule: id, kind, strength and the kind's value. Loading "
        "replaces the site's rules; an empty text clears them.",
    )
    refusal = st.container()
    if not st.button("Load rules", key="lab_rules_load"):
        return
    from site_manager.layout.community import load_rules

    # load_rules reads a one-line text that names an existing file as a path: the text typed
    # here is always the rules themselves (a file on the server is never read), so it ends
    # with a line break, as a text file does.
    body = text if text.endswith("\n") else text + "\n"
    try:
        loaded = load_rules(data.get_engine(url), site, body)
    except SiteManagerError as error:
        refusal.error(ui.text(error), icon=":material/block:")
        return
    hard = sum(1 for r in loaded.rules if r.hard)
    state.flash(
        "success",
        f"Loaded {len(loaded.rules)} community rules ({hard} hard, {len(loaded.rules) - hard} "
        "soft): the layout below is checked against them; optimise again to apply them.",
    )
    st.rerun()


def violations_table(problem: Any, assignment: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """The community rules the layout breaks: strength, the rule in words, the units, the
    tenants (names, ids in brackets) and the message that says what to do.
    """
    from site_manager.layout.community import check_rules, label

    by_id = {r.id: r for r in (problem.rules.rules if problem.rules else ())}
    names = {t.id: t.name for t in (*problem.applicants, *problem.existing)}

    def named(tid: str) -> str:
        return f"{names[tid]} ({tid})" if names.get(tid) and names[tid] != tid else tid

    rows = [{"strength": "hard" if v.hard else "soft", "rule": label(by_id[v.rule_id]),
             "units": ", ".join(v.units), "tenants": ", ".join(named(t) for t in v.tenants),
             "what to do": v.message}
            for v in check_rules(problem, assignment)]  # fmt: skip
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def violations_section(site: str, problem: Any, assignment: Mapping[str, Sequence[str]]) -> None:
    """The community rules the layout breaks, or that it keeps them all."""
    st.subheader("Community rules")
    if problem.rules is None or not problem.rules.rules:
        st.caption("No community rules loaded for this site (see *Community rules* above).")
        return
    table = violations_table(problem, assignment)
    if table.empty:
        st.success(f"The layout keeps all {len(problem.rules.rules)} community rules.")
        return
    hard = int((table["strength"] == "hard").sum())
    message = f"The layout breaks {len(table)} community rule(s)"
    if hard:
        st.error(f"{message}, {hard} of them hard (the engine never breaks those: move or "
                 "remove the lets named, or optimise again).", icon=":material/block:")  # fmt: skip
    else:
        st.warning(f"{message}, all soft (reported, not enforced).")
    ui.table(table, f"rule_violations_{site}", key="lab_rule_violations")
