"""Reading and validating layout problems: JSON, CSV and Excel; every bad field is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_manager.errors import NotFoundError, ValidationError
from site_manager.layout import problem_from_dict, read_applicants_table, read_problem
from site_manager.layout.problem import problem_to_dict, write_problem

from .builders import applicant, problem, unit


def good() -> dict:
    return problem(
        [unit("U1", 50), unit("U2", 40)],
        [applicant("A1", 40, 60, 10, provides="kiln;cnc_router")],
        adjacency=[("U1", "U2")],
        existing=[{"id": "T1", "units": ["U2"]}],
        synergy={"kiln": 20},
    )


def test_a_good_problem_round_trips_through_json(tmp_path: Path) -> None:
    p = problem_from_dict(good())
    assert [u.id for u in p.units] == ["U1", "U2"]
    assert p.applicants[0].provides == ("kiln", "cnc_router")
    assert p.existing[0].units == ("U2",)
    path = tmp_path / "p.json"
    write_problem(p, path)
    assert read_problem(path) == p
    assert problem_to_dict(read_problem(path))["parameters"]["synergy"] == {"kiln": 20}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["adjacency"].append(["U1", "U9"]), "adjacency[1]: unknown unit 'U9'"),
        (lambda d: d["units"][0].update(area=-5), "units[0] ('U1'): field 'area'"),
        (
            lambda d: d["applicants"][0].update(area_min=70),
            "applicants[0] ('A1'): field 'area_min' 70 is greater than area_max 60",
        ),
        (lambda d: d["units"].append(unit("U1", 30)), "duplicate unit id 'U1'"),
        (lambda d: d["applicants"][0].update(id="T1"), "duplicate tenant/applicant id 'T1'"),
        (
            lambda d: d["units"][1].update(height="tall"),
            "field 'height' (clear height [m]): 'tall'",
        ),
        (lambda d: d["applicants"][0].update(extraction="yes"), "field 'extraction'"),
        (lambda d: d["applicants"][0].update(hazard=1.5), "field 'hazard'"),
        (lambda d: d["applicants"][0].pop("rent_per_m2"), "field 'rent_per_m2'"),
        (lambda d: d["existing"][0].update(units=["U7"]), "existing[0] ('T1'): field 'units'"),
        (lambda d: d["parameters"].update(w_fit=-1), "parameters: field 'w_fit'"),
        (lambda d: d["units"][0].update(colour="red"), "unknown field(s) 'colour'"),
        (lambda d: d.update(units={}), "units: expected a list"),
    ],
)
def test_bad_input_names_the_record_and_field(edit, expected: str) -> None:
    data = good()
    edit(data)
    with pytest.raises(ValidationError) as err:
        problem_from_dict(data, source="p.json")
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_every_problem_is_listed_in_one_error() -> None:
    data = good()
    data["units"][0]["area"] = -1
    data["units"][1]["load"] = "heavy"
    with pytest.raises(ValidationError, match=r"2 problem\(s\)"):
        problem_from_dict(data)


def test_missing_and_malformed_files_are_clear(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such problem file"):
        read_problem(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{units: 1}", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid JSON"):
        read_problem(bad)


HEADER = (
    "id,kind,area_min,area_max,min_height,min_load,power,extraction,access,daylight,"
    "noise_db,noise_sensitive,hazard,rent_per_m2,provides,needs\n"
)


def test_applicants_are_read_from_csv_with_yes_no_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER
        + "A1,artisan,40,60,3,5,10,yes,no,true,88,no,1,9.5,kiln;cnc_router,\n"
        + "A2,artist,20,30,2.5,2,3,no,no,no,50,yes,0,12,,laser_cutter\n",
        encoding="utf-8",
    )
    a1, a2 = read_applicants_table(path)
    assert (a1.extraction, a1.access, a1.daylight, a1.hazard) == (True, False, True, 1)
    assert a1.provides == ("kiln", "cnc_router") and a1.needs == ()
    assert a2.noise_sensitive and a2.needs == ("laser_cutter",)
    assert a2.rent_per_m2 == 12.0


def test_a_semicolon_csv_as_european_excel_saves_it_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER.replace(",", ";")
        + '\'-A1;artisan;40;60;3;5;10;yes;no;true;88;no;1;9.5;kiln;"cnc_router, laser"\n',
        encoding="utf-8",
    )
    (a1,) = read_applicants_table(path)
    # the ' an export puts before a formula-like text is removed; a quoted comma stays
    assert a1.id == "-A1" and a1.provides == ("kiln",) and a1.rent_per_m2 == 9.5
    assert a1.needs == ("cnc_router, laser",)


def test_a_bad_csv_row_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER + "A1,artisan,70,60,3,5,10,maybe,no,no,88,no,0,9.5,,\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        read_applicants_table(path)
    assert "row 2 ('A1'): field 'extraction'" in str(err.value)
    assert "field 'area_min' 70 is greater than area_max 60" in str(err.value)


def test_applicants_are_read_from_an_excel_sheet(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(
        ["A1", "sme", 40, 60, 3, 5, 10, "yes", "no", "no", 70, "no", 0, 8.25, "welding", None]
    )
    path = tmp_path / "a.xlsx"
    wb.save(path)
    (a,) = read_applicants_table(path)
    assert (a.id, a.area_min, a.extraction, a.rent_per_m2, a.provides) == (
        "A1",
        40.0,
        True,
        8.25,
        ("welding",),
    )


def test_problem_json_from_disk_matches_the_checker_format(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(good()), encoding="utf-8")
    assert read_problem(path).parameters.synergy == {"kiln": 20.0}


def test_applicant_tables_read_yes_and_no_in_the_words_of_the_whole_product(
    tmp_path: Path,
) -> None:
    # the words a spreadsheet from the sample cities or an IFC export may carry; before the
    # one vocabulary, oui/.T./F/non were refused here and accepted by the register's importer
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER
        + "A1,artisan,40,60,3,5,10, Oui ,.F.,.T.,88,non,0,9.5,,\n"
        + "A2,artist,20,30,2.5,2,3,T,Nein,ja,50,f,0,12,,\n",
        encoding="utf-8",
    )
    a1, a2 = read_applicants_table(path)
    assert (a1.extraction, a1.access, a1.daylight, a1.noise_sensitive) == (
        True,
        False,
        True,
        False,
    )
    assert (a2.extraction, a2.access, a2.daylight, a2.noise_sensitive) == (
        True,
        False,
        True,
        False,
    )


def test_a_word_that_is_not_yes_or_no_names_the_row_the_field_and_the_word(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER + "A1,artisan,40,60,3,5,10,yes,sometimes,no,88,no,0,9.5,,\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        read_applicants_table(path)
    assert str(err.value) == (
        f"{path}: row 2 ('A1'): field 'access' (loading access needed): 'sometimes' is not "
        "yes or no (fix the records named and try again)"
    )


def test_excel_booleans_and_zero_one_cells_are_read(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(["A1", "sme", 40, 60, 3, 5, 10, True, False, 1, 70, 0, 0, 8.25, None, None])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    (a,) = read_applicants_table(path)
    assert (a.extraction, a.access, a.daylight, a.noise_sensitive) == (True, False, True, False)


@pytest.mark.parametrize("value", ["yes", 1, 0, "true"])
def test_a_problem_file_takes_json_booleans_only(value: object) -> None:
    # a JSON file has true and false; "yes" or 1 there is a slip worth naming, not guessing
    data = good()
    data["units"][0]["daylight"] = value
    data["parameters"]["allow_pairs"] = value
    with pytest.raises(ValidationError) as err:
        problem_from_dict(data, source="p.json")
    message = str(err.value)
    assert (
        f"units[0] ('U1'): field 'daylight' (daylight offered): {value!r} is not true or false"
        in message
    )
    assert f"parameters: field 'allow_pairs': {value!r} is not true or false" in message
