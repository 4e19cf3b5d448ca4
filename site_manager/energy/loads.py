"""Coincident electrical load of each distribution board against its capacity.

The machines on a board do not all run at full power at once. The coincident (maximum
simultaneous) load of a board is its connected load times the *rated diversity factor* for
distribution boards of IEC 61439-2 (Table 101, as reproduced in Schneider Electric's
*Electrical Installation Guide*, chapter A, "Rated diversity factor for distribution
boards"): 1.0 for one circuit, 0.9 for 2–3, 0.8 for 4–5, 0.7 for 6–9 and 0.6 for ten or more.
Each machine counts as one circuit.

Examples
--------
>>> import pandas as pd
>>> eq = pd.DataFrame({"board_id": ["A", "A", "A", "A"], "power_kw": [10.0, 5.0, 5.0, 4.0]})
>>> boards = pd.DataFrame({"board_id": ["A"], "storey": ["0"], "capacity_kw": [20.0]})
>>> row = board_loads(eq, boards).iloc[0]
>>> float(row["coincident_kw"]), row["status"]
(19.2, 'near capacity')
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

#: IEC 61439-2 rated diversity factor: (smallest number of circuits, factor), descending.
DIVERSITY_FACTORS: tuple[tuple[int, float], ...] = (
    (10, 0.6),
    (6, 0.7),
    (4, 0.8),
    (2, 0.9),
    (1, 1.0),
)
#: Utilisation of capacity from which a board is reported as near capacity.
NEAR_CAPACITY = 0.8
#: The board id used for machines that name no board.
UNASSIGNED = "(unassigned)"

#: Columns of the board loads frame, with their unit.
BOARD_LOAD_COLUMNS: dict[str, str] = {
    "board_id": "distribution board",
    "storey": "storey of the board",
    "capacity_kw": "rated capacity of the board [kW]",
    "machines": "number of machines connected",
    "connected_kw": "sum of the machines' rated power [kW]",
    "diversity_factor": "IEC 61439-2 rated diversity factor for that many circuits [–]",
    "coincident_kw": "connected load × diversity factor [kW]",
    "utilisation": "coincident load / capacity [–]",
    "headroom_kw": "capacity − coincident load [kW]",
    "status": "'ok', 'near capacity' (≥ 80 %), 'over capacity', or 'unknown board'",
}


def diversity_factor(circuits: int) -> float:
    """The IEC 61439-2 rated diversity factor of a board with ``circuits`` circuits. [–]"""
    for smallest, factor in DIVERSITY_FACTORS:
        if circuits >= smallest:
            return factor
    return 1.0


def board_loads(equipment: pd.DataFrame, boards: pd.DataFrame) -> pd.DataFrame:
    """Coincident load of each board from an equipment list.

    Parameters
    ----------
    equipment : pandas.DataFrame
        ``board_id`` and ``power_kw`` [kW] per machine (empty board: unassigned; empty
        power: not counted).
    boards : pandas.DataFrame
        ``board_id``, ``storey``, ``capacity_kw`` [kW].

    Returns
    -------
    pandas.DataFrame
        One row per board (and one for machines on unknown or no boards), columns
        :data:`BOARD_LOAD_COLUMNS`.
    """
    eq = equipment.copy()
    eq["board_id"] = eq["board_id"].fillna("").astype(str).str.strip().replace("", UNASSIGNED)
    eq["power_kw"] = pd.to_numeric(eq["power_kw"], errors="coerce")
    eq = eq[eq["power_kw"].notna()]
    counts = {str(k): int(v) for k, v in eq.groupby("board_id")["power_kw"].size().items()}
    sums = {str(k): float(v) for k, v in eq.groupby("board_id")["power_kw"].sum().items()}
    known = {str(r.board_id): r for r in boards.itertuples(index=False)}
    rows = []
    order = [str(b) for b in boards["board_id"]] + sorted(set(counts) - set(known))
    for bid in order:
        n = int(counts.get(bid, 0))
        connected = float(sums.get(bid, 0.0))
        factor = diversity_factor(n) if n else 1.0
        coincident = connected * factor
        board = known.get(bid)
        capacity = float(board.capacity_kw) if board is not None else math.nan  # type: ignore[arg-type]
        if board is None:
            status = "unknown board"
        elif coincident > capacity:
            status = "over capacity"
        elif capacity > 0 and coincident >= NEAR_CAPACITY * capacity:
            status = "near capacity"
        else:
            status = "ok"
        rows.append(
            {
                "board_id": bid,
                "storey": str(board.storey) if board is not None else "",
                "capacity_kw": capacity,
                "machines": n,
                "connected_kw": connected,
                "diversity_factor": factor,
                "coincident_kw": round(coincident, 6),
                "utilisation": coincident / capacity if capacity and capacity > 0 else math.nan,
                "headroom_kw": capacity - coincident,
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=list(BOARD_LOAD_COLUMNS))


def boards_from_spaces(spaces: pd.DataFrame) -> pd.DataFrame:
    """The distribution boards named by the spaces' attributes, for a site without a board list.

    A site created from an IFC file has no board list, but its spaces may name their board
    and its capacity (``Pset_MultifactorySpace.DistributionBoard`` and
    ``ElectricalCapacity``, the *board's* capacity, stored as the space attributes
    ``board_id`` and ``board_capacity_kw``). Each distinct ``board_id`` with a capacity is
    one board; where its spaces disagree, the largest capacity stated is taken. Its storey
    is the lowest storey its spaces are on (by ``storey_elevation_m``): a riser's board
    stands at its foot, as in the sample sites' board lists. Removed spaces are left out.

    Parameters
    ----------
    spaces : pandas.DataFrame
        The register's spaces: ``board_id``, ``board_capacity_kw`` [kW], ``storey``,
        ``storey_elevation_m`` [m] and ``removed`` (the last two optional).

    Returns
    -------
    pandas.DataFrame
        ``board_id``, ``storey``, ``capacity_kw`` [kW], sorted by ``board_id``.

    Examples
    --------
    >>> sp = pd.DataFrame({"board_id": ["A", "A", "B", None],
    ...                    "board_capacity_kw": [40.0, 40.0, None, 10.0],
    ...                    "storey": ["1", "0", "1", "1"], "storey_elevation_m": [4, 0, 4, 4]})
    >>> boards_from_spaces(sp).values.tolist()
    [['A', '0', 40.0]]
    """
    columns = ["board_id", "storey", "capacity_kw"]
    sp = spaces
    if len(sp) and "removed" in sp:
        sp = sp[~sp["removed"].fillna(False).astype(bool)]
    if not len(sp):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    board = sp["board_id"].astype("string").str.strip()
    capacity = pd.to_numeric(sp["board_capacity_kw"], errors="coerce")
    named = sp.assign(_board=board, _capacity=capacity)
    named = named[named["_board"].notna() & (named["_board"] != "")]
    rated = named[named["_capacity"].notna()]
    rows = []
    for bid in sorted(set(rated["_board"])):
        mine = named[named["_board"] == bid]
        elevation = (
            pd.to_numeric(mine["storey_elevation_m"], errors="coerce").fillna(math.inf)
            if "storey_elevation_m" in mine
            else pd.Series(0.0, index=mine.index)
        )
        lowest = mine["storey"].iloc[int(elevation.to_numpy().argmin())]
        rows.append({
            "board_id": str(bid),
            "storey": "" if lowest is None else str(lowest),
            "capacity_kw": float(rated.loc[rated["_board"] == bid, "_capacity"].max()),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def board_loads_for_site(frames: Any) -> pd.DataFrame:
    """:func:`board_loads` of a site in the register.

    The machines are the site's equipment list (``frames.equipment``) and the boards its
    board list (``frames.boards``). A site with no board list (one created from an IFC
    file) gets the boards its spaces name, :func:`boards_from_spaces`, so a model that
    carries ``Pset_MultifactorySpace`` still gets a report.

    Parameters
    ----------
    frames : RegisterFrames
        The site's register (:func:`site_manager.register.frames`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BOARD_LOAD_COLUMNS`.
    """
    boards = frames.boards
    if not len(boards):
        boards = boards_from_spaces(frames.spaces)
    return board_loads(frames.equipment, boards)
