"""The catalogue's DCAT-AP 3 output, validated by pyshacl with the official DCAT-AP 3.0.0 shapes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import ckanapi
import pytest
from pyshacl import validate
from rdflib import Graph

SHAPES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "dcat-ap-shacl" / "3.0.0" / "dcat-ap-SHACL.ttl"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as res:
        assert res.status == 200
        return res.read()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    if not SHAPES.exists():
        pytest.skip(f"the DCAT-AP shapes are not at {SHAPES}")
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def full_dataset(base_url, admin_token) -> str:
    """A dataset using every part of the mapping: bilingual text, contact, period, files, licence, restriction."""
    remote = ckanapi.RemoteCKAN(base_url, apikey=admin_token)
    remote.action.package_create(
        name="dcat-full-example",
        title_translated={"en": "Air quality stations", "fr": "Stations de qualité de l’air"},
        notes_translated={"en": "Hourly readings.", "fr": "Relevés horaires."},
        owner_org="ministry-of-the-environment-conservation-and-parks",
        license_id="OGL-ON-1.0",
        maintainer="Air Quality Branch",
        maintainer_email="air@example.org",
        temporal_start="2020-01-01",
        temporal_end="2024-12-31",
        keywords={"en": ["air"], "fr": ["air"]},
        resources=[{"name": "Stations", "url": "https://example.org/stations.csv", "format": "CSV", "size": 1200}],
    )
    remote.action.package_create(
        name="dcat-restricted-example",
        title="Inspection notes",
        owner_org="ministry-of-the-environment-conservation-and-parks",
        access_level="restricted",
        exemption="privacy",
        exemption_rationale={"en": "Names of private individuals.", "fr": "Noms de particuliers."},
    )
    return "dcat-full-example"


def conforms(shapes: Graph, data: bytes, fmt: str) -> None:
    graph = Graph().parse(data=data, format=fmt)
    ok, _, text = validate(graph, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True)
    violations = [line for line in text.splitlines() if "Severity: sh:Violation" in line]
    assert ok and not violations, text[:6000]


def test_catalogue_pages_conform(base_url, shapes, full_dataset):
    for page in (1, 2):
        conforms(shapes, fetch(f"{base_url}/catalog.ttl?page={page}"), "turtle")


def test_each_dataset_conforms_in_every_format(base_url, shapes, full_dataset):
    for name in (full_dataset, "dcat-restricted-example"):
        conforms(shapes, fetch(f"{base_url}/dataset/{name}.ttl"), "turtle")
        conforms(shapes, fetch(f"{base_url}/dataset/{name}.rdf"), "xml")
        conforms(shapes, fetch(f"{base_url}/dataset/{name}.jsonld"), "json-ld")
    ttl = fetch(f"{base_url}/dataset/{full_dataset}.ttl").decode()
    assert '"Stations de qualité de l’air"@fr' in ttl
    assert "dcat:accessURL" in ttl and "file-type/CSV" in ttl
    restricted = fetch(f"{base_url}/dataset/dcat-restricted-example.ttl").decode()
    assert "access-right/NON_PUBLIC" in restricted and "Names of private individuals." in restricted


def test_catalogue_is_paged_and_incremental(base_url):
    g = Graph().parse(data=fetch(f"{base_url}/catalog.ttl"), format="turtle")
    total = int([o for s, p, o in g if str(p).endswith("totalItems")][0])
    assert total >= 2735
    recent = Graph().parse(data=fetch(f"{base_url}/catalog.ttl?modified_since=2020-09-01"), format="turtle")
    datasets = {s for s, p, o in recent if str(o) == "http://www.w3.org/ns/dcat#Dataset"}
    assert 0 < len(datasets) < 2735


def test_data_json_is_dcat_us(base_url):
    doc = json.loads(fetch(f"{base_url}/data.json"))
    assert doc["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert len(doc["dataset"]) >= 2735
    required = {"title", "description", "keyword", "modified", "publisher", "contactPoint", "identifier", "accessLevel"}
    for d in doc["dataset"]:
        assert required <= d.keys(), d
    levels = {d["accessLevel"] for d in doc["dataset"]}
    assert levels == {"public", "non-public"}


def test_private_and_deleted_never_appear(base_url, admin_token):
    remote = ckanapi.RemoteCKAN(base_url, apikey=admin_token)
    remote.action.package_create(name="dcat-private-example", title="Private", owner_org="ministry-of-health", private=True)
    remote.action.package_create(name="dcat-deleted-example", title="Deleted", owner_org="ministry-of-health")
    remote.action.package_delete(id="dcat-deleted-example")
    everything = fetch(f"{base_url}/catalog.ttl?modified_since=2025-01-01").decode() + fetch(f"{base_url}/data.json").decode()
    assert "dcat-private-example" not in everything
    assert "dcat-deleted-example" not in everything
    for fmt in ("ttl", "rdf", "jsonld"):
        with pytest.raises(urllib.error.HTTPError) as err:
            fetch(f"{base_url}/dataset/dcat-private-example.{fmt}")
        assert err.value.code == 404
