"""The Layout lab's applicants: their list, and one form that adds one or edits one.

The form calls the register's verbs (:func:`site_manager.register.add_applicant`,
:func:`~site_manager.register.edit_applicant`); the applicants' contract and rules decide, and
each problem is shown under the field it is about.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, state, ui
from site_manager.app.page_tenants import show_refusal
from site_manager.errors import SiteManagerError

NEW = "➕ new applicant"

#: The list's columns, in the order a planner reads them.
SHOWN = [
    "applicant_id",
    "name",
    "kind",
    "area_min_m2",
    "area_max_m2",
    "rent_eur_per_m2_month",
    "noise_db",
    "noise_sensitive",
    "hazard",
    "needs",
    "provides",
    "power_kw",
    "min_height_m",
    "min_load_kn_m2",
    "extraction",
    "access",
    "daylight",
    "headcount",
]


def _value(row: dict[str, Any], name: str, default: Any) -> Any:
    value = row.get(name, default)
    return default if value is None or (isinstance(value, float) and value != value) else value


def _kinds() -> list[str]:
    from site_manager.register import contracts

    col = next(c for c in contracts.APPLICANTS.columns if c.name == "kind")
    return ["", *col.choices]


def applicants_section(url: str, site: str, applicants: pd.DataFrame) -> None:
    """The applicants as a table (with downloads) and the add-or-edit form."""
    if applicants.empty:
        st.info(
            "The site has no applicants yet: add one below, or import a table with "
            "`site-manager applicant import FILE`."
        )
    else:
        shown = [c for c in SHOWN if c in applicants.columns]
        ui.table(applicants[shown], f"applicants_{site}", key="lab_applicants")
    ids = applicants["applicant_id"].astype(str).tolist() if len(applicants) else []
    which = st.selectbox("Add or edit", [NEW, *ids], key="lab_app_pick")
    row: dict[str, Any] = {}
    if which != NEW:
        picked = applicants[applicants["applicant_id"].astype(str) == which].iloc[0]
        row = {str(k): v for k, v in picked.items()}
    k = f"lab_app_{which}"  # fresh widgets per applicant: each opens with its stored values
    slots: dict[str, Any] = {}
    with st.form(f"{k}_form", border=True):
        c = st.columns(4)
        new_id = c[0].text_input(
            "Applicant id",
            value=which if which != NEW else "",
            disabled=which != NEW,
            key=f"{k}_id",
        )
        slots["applicant_id"] = c[0].container()
        name = c[1].text_input("Name", value=str(_value(row, "name", "")), key=f"{k}_name")
        kinds = _kinds()
        kind_now = str(_value(row, "kind", ""))
        kind = c[2].selectbox(
            "Kind", kinds, index=kinds.index(kind_now) if kind_now in kinds else 0, key=f"{k}_kind"
        )
        slots["kind"] = c[2].container()
        rent = c[3].number_input(
            "Rent offered [€/m²·month]",
            min_value=0.0,
            step=0.5,
            value=float(_value(row, "rent_eur_per_m2_month", 8.0)),
            key=f"{k}_rent",
        )
        slots["rent_eur_per_m2_month"] = c[3].container()
        c = st.columns(4)
        lo = c[0].number_input(
            "Smallest area [m²]",
            min_value=0.0,
            step=10.0,
            value=float(_value(row, "area_min_m2", 50.0)),
            key=f"{k}_lo",
        )
        slots["area_min_m2"] = c[0].container()
        hi = c[1].number_input(
            "Largest area [m²]",
            min_value=0.0,
            step=10.0,
            value=float(_value(row, "area_max_m2", 100.0)),
            key=f"{k}_hi",
        )
        slots["area_max_m2"] = c[1].container()
        noise = c[2].number_input(
            "Loudest work [dB(A)]",
            min_value=0.0,
            step=1.0,
            value=float(_value(row, "noise_db", 0.0)),
            key=f"{k}_noise",
        )
        hazard = c[3].number_input(
            "Hazard class (0: none)",
            min_value=0,
            step=1,
            value=int(_value(row, "hazard", 0)),
            key=f"{k}_hazard",
        )
        c = st.columns(4)
        power = c[0].number_input(
            "Power [kW]",
            min_value=0.0,
            step=5.0,
            value=float(_value(row, "power_kw", 0.0)),
            key=f"{k}_power",
        )
        height = c[1].number_input(
            "Clear height [m]",
            min_value=0.0,
            step=0.5,
            value=float(_value(row, "min_height_m", 0.0)),
            key=f"{k}_h",
        )
        load = c[2].number_input(
            "Floor load [kN/m²]",
            min_value=0.0,
            step=1.0,
            value=float(_value(row, "min_load_kn_m2", 0.0)),
            key=f"{k}_load",
        )
        needs = c[3].text_input(
            "Needs (;-separated types)", value=str(_value(row, "needs", "")), key=f"{k}_needs"
        )
        row5 = st.columns(5)
        flags = {
            f: row5[i].checkbox(label, value=bool(_value(row, f, False)), key=f"{k}_{f}")
            for i, (f, label) in enumerate(
                (
                    ("noise_sensitive", "Noise-sensitive"),
                    ("extraction", "Needs extraction"),
                    ("access", "Needs loading access"),
                    ("daylight", "Needs daylight"),
                )
            )
        }
        provides = row5[4].text_input(
            "Provides (;-separated)", key=f"{k}_provides", value=str(_value(row, "provides", ""))
        )
        slots["form"] = st.container()
        label = "Add applicant" if which == NEW else f"Save {which}"
        if not st.form_submit_button(label):
            return
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "rent_eur_per_m2_month": rent,
        "area_min_m2": lo,
        "area_max_m2": hi,
        "noise_db": noise,
        "hazard": int(hazard),
        "power_kw": power,
        "min_height_m": height,
        "min_load_kn_m2": load,
        "needs": needs,
        "provides": provides,
        **flags,
    }
    from site_manager import register

    engine = data.get_engine(url)
    try:
        if which == NEW:
            register.add_applicant(engine, new_id, site=site, **values)
            message = f"Applicant {new_id} added."
        else:
            changed = {f: v for f, v in values.items() if v != _value(row, f, None)}
            register.edit_applicant(engine, which, site=site, **changed)
            message = f"Applicant {which} saved."
    except SiteManagerError as error:
        show_refusal(error, slots, default="form")
        return
    state.flash("success", message)
    st.rerun()
