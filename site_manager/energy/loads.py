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


def board_loads_for_site(name: str) -> pd.DataFrame:
    """:func:`board_loads` of a sample site's ``equipment.csv`` and ``boards.csv``."""
    from site_manager.sites import read_site

    site = read_site(name)
    return board_loads(site.equipment, site.boards)
