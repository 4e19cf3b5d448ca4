"""The layout engine: place applicants in a building's units, optimally, with the reasons.

Start here:

- :mod:`~site_manager.layout.problem` — ``read_problem`` (JSON) and ``read_applicants_table``
  (CSV/Excel), validated; ``write_problem``. The records are in
  :mod:`~site_manager.layout.records`, the field specs and checks in
  :mod:`~site_manager.layout.validation`.
- :mod:`~site_manager.layout.objective` — when a let fits, what it is worth, the neighbour
  rules and the synergy term; ``evaluate`` checks any layout.
- :mod:`~site_manager.layout.greedy` — the baseline (applicants by rent).
- :mod:`~site_manager.layout.solve` — ``solve``: CP-SAT, the hall-by-hall search, the bound.
- :mod:`~site_manager.layout.model` — the model as rows of 0/1 variables; CP-SAT (the race of
  two tree searches) and HiGHS (the LP bound).
- :mod:`~site_manager.layout.search` — the hall-by-hall search of large instances.
- :mod:`~site_manager.layout.reasons` — why each applicant is left out.
- :mod:`~site_manager.layout.from_site` — ``problem_from_register``: a problem from any site
  in the register (its units, space attributes, leases and applicants).
- :mod:`~site_manager.layout.synthetic` — seeded realistic problems for benchmarks.
"""

from site_manager.layout.from_site import problem_from_register
from site_manager.layout.objective import evaluate
from site_manager.layout.problem import (
    Applicant,
    ExistingTenant,
    Parameters,
    Problem,
    Unit,
    problem_from_dict,
    read_applicants_table,
    read_problem,
    write_problem,
)
from site_manager.layout.solve import Solution, solve

__all__ = [
    "Applicant",
    "ExistingTenant",
    "Parameters",
    "Problem",
    "Solution",
    "Unit",
    "evaluate",
    "problem_from_dict",
    "problem_from_register",
    "read_applicants_table",
    "read_problem",
    "solve",
    "write_problem",
]
