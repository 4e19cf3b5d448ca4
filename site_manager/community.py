"""Skills and complementarity: who provides what others need, frames in, frames out.

A *member* of a site's community is one of its tenants, one of its applicants, or the site
itself (for the shared machines nobody owns). What each provides and needs is a set of
*types*, written as the layout engine writes them (:func:`site_manager.layout.from_site`),
so the synergy values of :func:`synergy_defaults` are keyed as the engine looks them up:
machine types (``equipment.type``) and applicants' types as written (stripped), skills in
lower case with runs of other characters as ``_`` ("Graphic design" → ``graphic_design``,
:func:`type_name`, the one home of that spelling):

- a **tenant** provides the types of the shared machines it owns and its skills
  (``frames.skills``), as in :func:`site_manager.layout.from_site`; the register records no
  needs of tenants, so a tenant needs the types of the machines it holds a training for or
  has booked (``trainings``, ``bookings`` as :func:`site_manager.register.list_trainings` and
  ``list_bookings`` give them) that it does not provide itself;
- an **applicant** provides and needs what its application says (``frames.applicants``
  ``provides``/``needs``, ``;``-separated);
- **the site** (member id :data:`SITE`) provides the types of the shared machines no tenant
  owns, and needs nothing.

The relation is *provider → needer* for every type one provides and another needs
(:func:`links`); :func:`complementarity` reads it from one member's side, :func:`graph`
makes it a ``networkx.DiGraph``, and :func:`synergy_defaults` turns it into synergy values
per type for the layout engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pandas as pd

#: Member id of the site itself (the provider of the shared machines nobody owns).
SITE = "site"
#: Columns of :func:`profiles`.
PROFILE_COLUMNS = ["member_id", "name", "role", "kind", "provides", "needs"]
#: Columns of :func:`links`.
LINK_COLUMNS = ["provider_id", "needer_id", "type"]
#: Columns of :func:`complementarity`.
COMPLEMENT_COLUMNS = ["relation", "member_id", "name", "role", "types"]
#: :func:`complementarity`'s relations.
PROVIDES_WHAT_IT_NEEDS, NEEDS_WHAT_IT_BRINGS = "provides what it needs", "needs what it brings"
#: Default synergy of a type, per community member that needs it and has a provider. [EUR/month]
EUR_PER_MEMBER_SERVED = 10.0
#: Columns of :func:`synergy_defaults`.
SYNERGY_COLUMNS = ["type", "needed_by", "provided_by", "served", "eur_per_month"]


def type_name(text: Any) -> str:
    """A machine type or skill as the layout engine writes it (``Graphic design`` →
    ``graphic_design``); ``""`` for nothing.
    """
    if not isinstance(text, str):
        return ""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def _types(values: Iterable[Any]) -> list[str]:
    """Machine or applicants' types, stripped, without blanks and missing values."""
    return sorted({v.strip() for v in values if isinstance(v, str) and v.strip()})


def _split(text: Any) -> list[str]:
    return _types(text.split(";")) if isinstance(text, str) else []


def _flag(value: Any) -> bool:
    return bool(value) if value is not None and value == value else False


def profiles(
    frames: Any, trainings: pd.DataFrame | None = None, bookings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """What each member of the site's community provides and needs (see the module).

    Parameters
    ----------
    frames : RegisterFrames
        The site's frames (``tenants``, ``skills``, ``equipment``, ``applicants``).
    trainings, bookings : pandas.DataFrame, optional
        The site's trainings (``tenant_id``, ``equipment_type``) and bookings
        (``tenant_id``, ``equipment_id``): a tenant's needs.

    Returns
    -------
    pandas.DataFrame
        :data:`PROFILE_COLUMNS`; ``role`` is ``tenant``, ``applicant`` or ``site``;
        ``provides`` and ``needs`` are sorted lists of types. The site's row comes only
        when it provides something.
    """
    eq = frames.equipment
    shared = eq[eq["shared"].map(_flag)] if len(eq) else eq
    type_of = dict(zip(eq["equipment_id"], eq["type"], strict=True)) if len(eq) else {}
    wanted: dict[str, set[Any]] = {}
    if trainings is not None and len(trainings):
        for tid, kind in zip(trainings["tenant_id"], trainings["equipment_type"], strict=True):
            wanted.setdefault(str(tid), set()).add(kind)
    if bookings is not None and len(bookings):
        for tid, eid in zip(bookings["tenant_id"], bookings["equipment_id"], strict=True):
            wanted.setdefault(str(tid), set()).add(type_of.get(eid))
    rows = []
    skills = frames.skills
    for t in frames.tenants.to_dict("records"):
        tid = str(t["tenant_id"])
        own = shared[shared["owner_tenant_id"] == tid]["type"] if len(shared) else []
        mine = skills[skills["tenant_id"] == tid]["skill"] if len(skills) else []
        provides = sorted(set(_types(own)) | {t for t in map(type_name, mine) if t})
        needs = [x for x in _types(wanted.get(tid, ())) if x not in provides]
        rows.append([tid, t.get("name") or tid, "tenant", t.get("kind") or "", provides, needs])
    for a in frames.applicants.to_dict("records"):
        aid = str(a["applicant_id"])
        rows.append([aid, a.get("name") or aid, "applicant", a.get("kind") or "",
                     _split(a.get("provides")), _split(a.get("needs"))])  # fmt: skip
    if len(shared):
        nobody = shared[shared["owner_tenant_id"].isna()]["type"]
        if len(_types(nobody)):
            rows.append([SITE, "the site (shared machines)", "site", "", _types(nobody), []])
    return pd.DataFrame(rows, columns=PROFILE_COLUMNS)


def links(profiles: pd.DataFrame) -> pd.DataFrame:
    """Every ``(provider, needer, type)`` where one member provides a type another needs.

    Returns :data:`LINK_COLUMNS`, sorted; no member is linked to itself.
    """
    providers: dict[str, list[str]] = {}
    for mid, provides in zip(profiles["member_id"], profiles["provides"], strict=True):
        for t in provides:
            providers.setdefault(t, []).append(str(mid))
    rows = [(p, str(mid), t)
            for mid, needs in zip(profiles["member_id"], profiles["needs"], strict=True)
            for t in needs for p in providers.get(t, []) if p != str(mid)]  # fmt: skip
    return pd.DataFrame(sorted(rows), columns=LINK_COLUMNS)


def complementarity(profiles: pd.DataFrame, member_id: str) -> pd.DataFrame:
    """For one member: who provides what it needs, and who needs what it brings.

    Returns :data:`COMPLEMENT_COLUMNS`: one row per other member and relation
    (:data:`PROVIDES_WHAT_IT_NEEDS`, :data:`NEEDS_WHAT_IT_BRINGS`), ``types`` the sorted
    types it concerns; the members who provide the most come first.
    """
    name = dict(zip(profiles["member_id"], profiles["name"], strict=True))
    role = dict(zip(profiles["member_id"], profiles["role"], strict=True))
    found = links(profiles)
    rows = []
    for relation, mine, theirs in ((PROVIDES_WHAT_IT_NEEDS, "needer_id", "provider_id"),
                                   (NEEDS_WHAT_IT_BRINGS, "provider_id", "needer_id")):  # fmt: skip
        part = found[found[mine] == member_id]
        for other, group in part.groupby(theirs, sort=True):
            types = sorted(set(group["type"]))
            rows.append([relation, other, name[other], role[other], types])
    out = pd.DataFrame(rows, columns=COMPLEMENT_COLUMNS)
    out["_n"] = [-len(t) for t in out["types"]]
    out = out.sort_values(["relation", "_n", "member_id"], ascending=[False, True, True])
    return out.drop(columns="_n").reset_index(drop=True)


def graph(profiles: pd.DataFrame) -> nx.DiGraph:
    """The members as nodes (``name``, ``role``), an edge provider → needer with ``types``.

    Every member is a node, linked or not.
    """
    g = nx.DiGraph()
    for r in profiles.to_dict("records"):
        g.add_node(r["member_id"], name=r["name"], role=r["role"])
    for (p, n), group in links(profiles).groupby(["provider_id", "needer_id"], sort=True):
        g.add_edge(p, n, types=sorted(set(group["type"])))
    return g


def synergy_defaults(
    profiles: pd.DataFrame, *, eur_per_member_served: float = EUR_PER_MEMBER_SERVED
) -> pd.DataFrame:
    """Synergy values per type for the layout engine, from the community's relation.

    A type is worth ``eur_per_member_served`` × the number of members that need it and
    have another member providing it (``served``): a neighbour that provides a type many
    need is worth more; a type nobody else provides, or nobody needs, is worth nothing.

    Returns
    -------
    pandas.DataFrame
        :data:`SYNERGY_COLUMNS`, one row per type some member needs: ``needed_by`` and
        ``provided_by`` (members), ``served`` (needers with another provider),
        ``eur_per_month`` [EUR/month]; by value, then type.
    """
    found = links(profiles)
    needs = [t for ts in profiles["needs"] for t in ts]
    provides = [t for ts in profiles["provides"] for t in ts]
    rows = []
    for t in sorted(set(needs)):
        served = found[found["type"] == t]["needer_id"].nunique() if len(found) else 0
        rows.append([t, needs.count(t), provides.count(t), served,
                     served * eur_per_member_served])  # fmt: skip
    out = pd.DataFrame(rows, columns=SYNERGY_COLUMNS)
    return out.sort_values(["eur_per_month", "type"], ascending=[False, True], ignore_index=True)
