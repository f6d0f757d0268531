"""ckanapi, unchanged, against Agora's datastore: a table made with datastore_create (a new resource,
an alias), then searched with q, filters and sort as a CKAN client does, and compared with the
shape of a production CKAN's datastore_search answer (City of Toronto)."""

from __future__ import annotations

import json
from pathlib import Path

import ckanapi
import pytest

TORONTO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "ckan-responses" / "datastore.json"

LAKES = [
    {"lake": "Lake Erie", "notes": "The quick brown foxes jumped over the lazy dogs", "fish": 10, "stocked": "2021-04-30"},
    {"lake": "Lake Huron", "notes": "A dog and a fox", "fish": 3, "stocked": "2020-05-01"},
    {"lake": "Georgian Bay", "notes": "fishing boats", "fish": 7, "stocked": None},
]


@pytest.fixture(scope="module")
def table(base_url, admin_token):
    remote = ckanapi.RemoteCKAN(base_url, apikey=admin_token)
    org = remote.action.organization_list()[0]
    remote.action.package_create(name="conformance-lakes", title="Lakes", owner_org=org)
    created = remote.action.datastore_create(
        resource={"package_id": "conformance-lakes", "name": "Lakes"},
        fields=[
            {"id": "lake", "type": "text"},
            {"id": "notes", "type": "text"},
            {"id": "fish", "type": "int"},
            {"id": "stocked", "type": "date"},
        ],
        records=LAKES,
        aliases="conformance-lakes-table",
        primary_key=["lake"],
    )
    return created["resource_id"]


def test_created_tables_are_resources_written_through_the_api(base_url, table):
    remote = ckanapi.RemoteCKAN(base_url)
    resource = remote.action.resource_show(id=table)
    assert resource["url_type"] == "datastore"
    assert resource["datastore_active"] is True
    info = remote.action.datastore_info(id="conformance-lakes-table")
    assert info["meta"]["id"] == table
    assert info["meta"]["aliases"] == ["conformance-lakes-table"]
    assert info["meta"]["count"] == 3
    assert [f["schema"]["native_type"] for f in info["fields"]] == ["text", "text", "bigint", "date"]


def test_search_has_the_shape_of_a_production_ckan(base_url, table):
    remote = ckanapi.RemoteCKAN(base_url)
    result = remote.action.datastore_search(resource_id=table, limit=2)
    if TORONTO.exists():
        toronto = json.loads(TORONTO.read_text())["result"]
        assert set(toronto) <= set(result), set(toronto) - set(result)
        assert list(toronto["records"][0])[0] == "_id"
    assert [f["id"] for f in result["fields"]] == ["_id", "lake", "notes", "fish", "stocked"]
    # Each record's keys in field order, as CKAN returns them.
    assert [list(r) for r in result["records"]] == [["_id", "lake", "notes", "fish", "stocked"]] * 2
    assert result["total"] == 3 and result["total_was_estimated"] is False
    assert result["_links"]["next"].endswith("offset=2")


def test_q_filters_and_sort(base_url, table):
    remote = ckanapi.RemoteCKAN(base_url)
    found = remote.action.datastore_search(resource_id="conformance-lakes-table", q="Foxes DOGS")
    assert [r["lake"] for r in found["records"]] == ["Lake Huron", "Lake Erie"]
    assert found["fields"][-1] == {"id": "rank", "type": "float"}
    assert found["records"][0]["rank"] == pytest.approx(0.08872076)
    per_column = remote.action.datastore_search(resource_id=table, q={"lake": "lake"}, sort="fish desc")
    assert [r["fish"] for r in per_column["records"]] == [10, 3]
    assert "rank lake" in per_column["records"][0]
    prefix = remote.action.datastore_search(resource_id=table, q="fish:* & !lake", plain=False)
    assert [r["lake"] for r in prefix["records"]] == ["Georgian Bay"]
    filtered = remote.action.datastore_search(
        resource_id=table, filters={"lake": ["Lake Erie", "Georgian Bay"]}, sort="stocked desc nulls last", fields=["lake"]
    )
    assert filtered["records"] == [{"lake": "Lake Erie"}, {"lake": "Georgian Bay"}]
    with pytest.raises(ckanapi.errors.ValidationError) as refused:
        remote.action.datastore_search(resource_id=table, colour="red")
    assert refused.value.error_dict["__junk"] == ["The input field [('colour',)] was not expected."]


def test_sql_over_an_alias(base_url, table):
    remote = ckanapi.RemoteCKAN(base_url)
    result = remote.action.datastore_search_sql(sql='SELECT SUM(fish) AS fish FROM "conformance-lakes-table"')
    assert result["records"] == [{"fish": 20}]


def test_upsert_returns_records_and_aliases_are_checked(base_url, admin_token, table):
    remote = ckanapi.RemoteCKAN(base_url, apikey=admin_token)
    upserted = remote.action.datastore_upsert(
        resource_id=table, records=[{"lake": "Lake Erie", "fish": 12}], method="upsert", include_records=True
    )
    assert upserted["records"][0]["fish"] == 12
    with pytest.raises(ckanapi.errors.ValidationError):
        remote.action.datastore_create(resource_id=table, aliases="_bad")
