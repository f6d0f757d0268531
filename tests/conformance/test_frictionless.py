"""The datastore's validation against Frictionless: on every real CSV in ../shared/data, and on
files with known problems, `frictionless validate` and `agora validate` agree on whether the rows
are well formed and on where they are not; the demo's fish-stocking table serves the types
Frictionless infers."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from frictionless import Resource, system

from conftest import agora_bin

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
ROW_STRUCTURE = {"extra-cell", "missing-cell"}
# Frictionless infers from a sample; Agora reads the whole file. Both call these the same thing.
TYPES = {"integer": "integer", "number": "decimal", "boolean": "boolean", "date": "date", "datetime": "timestamp", "string": "text"}


def real_csvs() -> list[Path]:
    return sorted(DATA.rglob("*.csv")) if DATA.is_dir() else []


def agora_report(path: Path) -> dict:
    out = subprocess.run([str(agora_bin()), "validate", str(path), "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def frictionless_report(path: Path):
    with system.use_context(trusted=True):
        return Resource(str(path)).validate(limit_errors=100000)


def row_structure_errors(report) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for task in report.tasks:
        for err in task.errors:
            if err.type in ROW_STRUCTURE:
                found.setdefault(err.type, set()).add(err.row_number)
    return found


@pytest.mark.parametrize("path", real_csvs(), ids=lambda p: p.name)
def test_real_csv_agrees_with_frictionless(path: Path):
    ours = agora_report(path)
    theirs = frictionless_report(path)
    structure = row_structure_errors(theirs)
    assert ours["ok"] == (not structure), f"agora ok={ours['ok']}, frictionless row errors={structure}"
    assert ours["ok"], ours["problems"]
    # Same header: Frictionless' labels are Agora's column names (trimmed).
    labels = [label.strip() for label in theirs.tasks[0].labels]
    assert [c["name"] for c in ours["columns"]] == labels


def test_ragged_rows_are_found_at_the_same_rows(tmp_path: Path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n13\n")
    ours = agora_report(path)
    theirs = row_structure_errors(frictionless_report(path))
    assert not ours["ok"]
    rows = {p["code"]: p["row"] for p in ours["problems"]}
    assert rows["missing-cells"] == min(theirs["missing-cell"])
    assert rows["extra-cells"] == min(theirs["extra-cell"])
    counts = {p["code"]: p["count"] for p in ours["problems"]}
    assert counts["missing-cells"] == len(theirs["missing-cell"])
    assert counts["extra-cells"] == len(theirs["extra-cell"])


def test_fish_stocking_types_agree(base_url):
    path = DATA / "ontario-fish-stocking" / "fish-stocking.csv"
    if not path.exists():
        pytest.skip("the fish-stocking CSV is not in ../shared/data")
    with system.use_context(trusted=True):
        resource = Resource(str(path))
        resource.infer(stats=False)
        expected = {f.name: TYPES[f.type] for f in resource.schema.fields}
    ours = {c["name"]: c["type"] for c in agora_report(path)["columns"]}
    assert ours == expected
    # The demo serves the same table through the CKAN API.
    with urllib.request.urlopen(f"{base_url}/api/3/action/package_show?id=fish-stocking", timeout=30) as res:
        resource_id = json.load(res)["result"]["resources"][0]["id"]
    with urllib.request.urlopen(f"{base_url}/api/3/action/datastore_search?resource_id={resource_id}&limit=1", timeout=30) as res:
        body = json.load(res)["result"]
    assert body["total"] == 13956
    assert [f["id"] for f in body["fields"]][1:] == list(expected)
