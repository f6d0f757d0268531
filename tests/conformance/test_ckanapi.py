"""ckanapi, unchanged, against a live Agora: the CLI's search, dump and load, and the Python API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

ONTARIO_HOLDINGS = 2735


def ckanapi_cli(*args: str, cwd: Path | None = None) -> str:
    bin_dir = Path(sys.executable).parent
    # ckanapi's parallel workers start `ckanapi` again from PATH.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = subprocess.run([str(bin_dir / "ckanapi"), *args], capture_output=True, text=True, timeout=600, cwd=cwd, env=env)
    assert out.returncode == 0, f"ckanapi {' '.join(args)} failed ({out.returncode}):\n{out.stderr[-3000:]}"
    return out.stdout


def test_status_show_identifies_ckan(base_url):
    remote = ckanapi.RemoteCKAN(base_url)
    status = remote.action.status_show()
    assert status["ckan_version"].startswith("2.")


def test_search_pages_through_the_whole_inventory(base_url):
    # `ckanapi search datasets` pages package_search 1,000 rows at a time until an empty page.
    out = ckanapi_cli("search", "datasets", "-r", base_url, "q=*:*")
    names = [json.loads(line)["name"] for line in out.splitlines() if line.strip()]
    assert len(names) == ONTARIO_HOLDINGS
    assert len(set(names)) == ONTARIO_HOLDINGS


def test_faceted_search_matches_the_inventory(base_url):
    remote = ckanapi.RemoteCKAN(base_url)
    result = remote.action.package_search(rows=0, **{"facet.field": json.dumps(["access_level", "organization"]), "facet.limit": -1})
    assert result["count"] == ONTARIO_HOLDINGS
    assert result["facets"]["access_level"] == {"open": 831, "restricted": 813, "under_review": 1091}
    assert len(result["facets"]["organization"]) == 28
    restricted = remote.action.package_search(fq="access_level:restricted", rows=1)
    assert restricted["count"] == 813


def test_bad_queries_are_search_query_errors(base_url):
    remote = ckanapi.RemoteCKAN(base_url)
    with pytest.raises(ckanapi.errors.SearchQueryError) as err:
        remote.action.package_search(fq="colour:blue")
    assert "colour" in str(err.value)
    with pytest.raises(ckanapi.errors.SearchQueryError):
        remote.action.package_search(sort="popularity desc")


def test_dump_then_load_round_trips(base_url, admin_token, tmp_path):
    dump = tmp_path / "datasets.jsonl"
    ckanapi_cli("dump", "datasets", "--all", "-p", "4", "-r", base_url, "-O", str(dump))
    lines = [json.loads(line) for line in dump.read_text().splitlines() if line.strip()]
    assert len(lines) == ONTARIO_HOLDINGS
    assert all(d["organization"]["name"] for d in lines)

    # Change three titles and add one new dataset, then load them back with the token.
    changed = lines[:3]
    for d in changed:
        d["title"] = d["title"] + " (revised)"
        d.pop("title_translated", None)
    new = dict(lines[3])
    new.pop("id")
    new["name"] = "conformance-new-dataset"
    new["title"] = "A dataset loaded by ckanapi"
    new.pop("title_translated", None)
    new["resources"] = [{"name": "Data", "url": "https://example.org/data.csv", "format": "CSV"}]
    to_load = tmp_path / "load.jsonl"
    to_load.write_text("\n".join(json.dumps(d) for d in [*changed, new]) + "\n")
    ckanapi_cli("load", "datasets", "-I", str(to_load), "-r", base_url, "-a", admin_token)

    remote = ckanapi.RemoteCKAN(base_url)
    for d in changed:
        shown = remote.action.package_show(id=d["name"])
        assert shown["title"].endswith("(revised)")
        assert shown["access_level"] == d["access_level"]
    created = remote.action.package_show(id="conformance-new-dataset")
    assert created["title"] == "A dataset loaded by ckanapi"
    assert created["num_resources"] == 1


def test_writes_need_a_valid_token(base_url):
    remote = ckanapi.RemoteCKAN(base_url, apikey="agora_not-a-real-token")
    with pytest.raises(ckanapi.errors.NotAuthorized):
        remote.action.package_create(name="x-y-z", title="X", owner_org="ministry-of-health")
