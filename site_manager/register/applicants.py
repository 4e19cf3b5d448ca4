"""Verbs for one applicant at a time: add one, change some of its values.

Applicants (people asking for space, the layout engine's input) are otherwise imported in
bulk (:func:`~site_manager.register.io.import_table`); these verbs serve the dashboard's
Layout lab and ``site-manager applicant add|edit``. Like the members' verbs
(:mod:`site_manager.register.members`), each is one transaction, typed by the applicants'
contract (:data:`~site_manager.register.contracts.APPLICANTS`), checked by the rules
(:func:`~site_manager.register.rules.check_applicant`), written to the audit trail, and
refused whole with every problem named by its field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from site_manager.register import contracts, core, rules
from site_manager.register.audit import Audit
from site_manager.register.engine import get_actor, transaction
from site_manager.register.members import _editable
from site_manager.register.schema import Applicant

Bind = Engine | Session

#: The applicants' contract columns stored as they are (all but the id).
_STORED = [c.name for c in contracts.APPLICANTS.columns
           if c.stored == f"applicants.{c.name}" and c.name != "applicant_id"]  # fmt: skip


def _record(app: Applicant) -> dict[str, Any]:
    """A stored applicant as the applicants' contract names its values."""
    return {"applicant_id": app.applicant_id} | {n: getattr(app, n) for n in _STORED}


def _checked(given: dict[str, Any]) -> dict[str, Any]:
    values, problems = rules.values_from_contract(contracts.APPLICANTS, given)
    problems += rules.check_applicant(values)
    rules.refuse(problems)
    return values


def _get(s: Session, site_pk: int, applicant_id: str) -> Applicant | None:
    return s.scalars(
        select(Applicant).where(
            Applicant.site_pk == site_pk, Applicant.applicant_id == applicant_id
        )
    ).one_or_none()


def add_applicant(
    bind: Bind, applicant_id: str, *, site: str | None = None, actor: str | None = None,
    **fields: Any,
) -> str:  # fmt: skip
    """Add an applicant (refused if the id exists: use :func:`edit_applicant`).

    Parameters
    ----------
    bind : Engine or Session
        The register.
    applicant_id : str
        A new applicant id of the site.
    site : str, optional
        Site id (default: the only site).
    actor : str, optional
        Who is making the change, for the audit trail.
    **fields
        Columns of the applicants' contract: ``area_min_m2``, ``area_max_m2`` [m²] and
        ``rent_eur_per_m2_month`` [EUR/m²·month] are required; ``name``, ``kind``,
        ``min_height_m`` [m], ``min_load_kn_m2`` [kN/m²], ``power_kw`` [kW], ``extraction``,
        ``access``, ``daylight``, ``noise_db`` [dB(A)], ``noise_sensitive``, ``hazard``,
        ``provides``, ``needs`` (``;``-separated), ``headcount``, contacts, ``applied``.

    Returns
    -------
    str
        The applicant id as stored.
    """
    _editable(contracts.APPLICANTS, fields)
    who = get_actor(actor)
    values = _checked({"applicant_id": applicant_id} | fields)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        if _get(s, st.id, values["applicant_id"]) is not None:
            rules.refuse([rules.Problem("applicant_id", f"applicant {applicant_id} already "
                                        f"exists in site {st.site_id}; edit it instead",
                                        "conflict")])  # fmt: skip
        app = Applicant(site_pk=st.id, applicant_id=values["applicant_id"],
                        **{n: values[n] for n in _STORED})  # fmt: skip
        Audit(s, st, who, "add_applicant").added(app, record=str(values["applicant_id"]))
    return str(values["applicant_id"])


def edit_applicant(
    bind: Bind, applicant_id: str, *, site: str | None = None, actor: str | None = None,
    **fields: Any,
) -> dict[str, Any]:  # fmt: skip
    """Change some values of an applicant (those given; ``None`` clears an optional one).

    The fields are those of :func:`add_applicant`; the record after the change is checked
    whole (a new minimum area above the stored maximum is refused). Returns the applicant's
    values after the change.
    """
    _editable(contracts.APPLICANTS, fields)
    who = get_actor(actor)
    with transaction(bind) as s:
        st = core.get_site(s, site)
        app = _get(s, st.id, applicant_id)
        if app is None:
            rules.refuse([rules.Problem("applicant_id", f"applicant {applicant_id!r} does not "
                                        f"exist in site {st.site_id}; see `site-manager "
                                        "applicant list`", "unknown")])  # fmt: skip
            raise AssertionError  # pragma: no cover - refuse raised
        values = _checked(_record(app) | fields)
        with Audit(s, st, who, "edit_applicant").changing(app, record=applicant_id):
            for name in fields:
                setattr(app, name, values[name])
        return values


__all__ = ["add_applicant", "edit_applicant"]
