"""API fuzzing with schemathesis against a live Agora: the native API's /api/v1/openapi.json and
the CKAN Action API as ckan-actions.openapi.yaml describes it.

Used by test_api_fuzz.py (a small run in CI) and bench/fuzz-api/run.sh (10,000 cases or more).
Runs the `st` command of the venv this Python belongs to, reads its JSON report for the cases run
and its HAR report for the status of every response, and counts the responses of 500 or above.
"""

from __future__ import annotations

import collections
import glob
import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
CKAN_SPEC = HERE / "ckan-actions.openapi.yaml"
# No response of 500 or above, and every response as the description says (status, body shape).
CHECKS = os.environ.get("AGORA_FUZZ_CHECKS", "not_a_server_error,response_schema_conformance")


@dataclass
class FuzzResult:
    name: str
    cases: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    server_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0
    output: str = ""

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        five = sum(n for code, n in self.statuses.items() if code >= 500)
        return (
            f"{self.name}: {self.cases} cases, {self.requests} requests, 5xx: {five}, "
            f"check failures: {len(self.failures)}, errors: {len(self.errors)}\n  statuses: {statuses}"
        )


def st_command() -> str:
    beside = Path(sys.executable).parent / "st"
    return str(beside) if beside.exists() else "st"


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as res:
        return json.load(res)


def ckan_spec_for(base_url: str, out_dir: Path) -> Path:
    """A copy of the CKAN description whose examples name things the live site holds (a dataset,
    a resource with a datastore table, an organization), so the examples phase reaches past 404."""
    spec = yaml.safe_load(CKAN_SPEC.read_text())
    api = f"{base_url}/api/3/action"
    dataset, resource, table, org = "no-such-dataset", "no-such-resource", None, "no-such-org"
    try:
        found = _get_json(f"{api}/package_search?rows=50")["result"]["results"]
        if found:
            dataset = found[0]["name"]
            resource = next((r["id"] for p in found for r in p["resources"]), resource)
            table = next((r["id"] for p in found for r in p["resources"] if r.get("datastore_active")), None)
        orgs = _get_json(f"{api}/organization_list?limit=1")["result"]
        if orgs:
            org = orgs[0]
    except (OSError, KeyError, ValueError):
        pass
    paths = spec["paths"]
    for path, value in (("/package_show", dataset), ("/resource_show", resource), ("/organization_show", org)):
        paths[path]["get"]["parameters"][0] = {**spec["components"]["parameters"]["id"], "example": value}
    if table:
        spec["components"]["parameters"]["resource_id"]["example"] = table
        paths["/datastore_info"]["get"]["parameters"][0]["example"] = table
        paths["/datastore_search_sql"]["get"]["parameters"][0]["example"] = f'SELECT * FROM "{table}" LIMIT 5'
    out = out_dir / "ckan-actions.openapi.yaml"
    out.write_text(yaml.safe_dump(spec, sort_keys=False))
    return out


def run(
    name: str,
    location: str,
    base_url: str | None,
    report_dir: Path,
    *,
    max_examples: int,
    seed: int = 1,
    token: str | None = None,
    phases: str = "examples,coverage,fuzzing,stateful",
    max_time: float | None = None,
    checks: str = CHECKS,
    timeout: float = 1800,
) -> FuzzResult:
    """One schemathesis run; every response's status is read back from the HAR report."""
    report_dir = report_dir.resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        st_command(), "run", location,
        "--checks", checks,
        "--max-examples", str(max_examples),
        "--seed", str(seed),
        "--phases", phases,
        "--generation-database", "none",
        "--request-timeout", "60",
        "--workers", "1",
        "--no-color",
        "--report", "json,har",
        "--report-dir", str(report_dir),
    ]  # fmt: skip
    if base_url:
        cmd += ["--url", base_url]
    if token:
        cmd += ["--header", f"Authorization: {token}"]
    if max_time:
        cmd += ["--max-time", str(int(max_time))]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"}
    # In the report folder, so that schemathesis' own cache (.schemathesis/) stays out of the tree.
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=report_dir)
    result = FuzzResult(name=name, exit_code=proc.returncode, output=proc.stdout + proc.stderr)

    reports = sorted(glob.glob(str(report_dir / "json-*.json")))
    if reports:
        report = json.loads(Path(reports[-1]).read_text())
        result.cases = report["test_cases"]["generated"]
        result.failures = [json.dumps(f)[:2000] for f in report.get("failures", [])]
        result.errors = [f"{e['title']} × {e['count']}" for e in report.get("errors", [])]
    else:
        result.errors.append(f"schemathesis wrote no JSON report (exit {proc.returncode})")
    for har in sorted(glob.glob(str(report_dir / "har-*.json"))):
        for entry in json.loads(Path(har).read_text())["log"]["entries"]:
            status = entry["response"]["status"]
            result.statuses[status] += 1
            if status >= 500 or status == 0:
                req = entry["request"]
                body = (req.get("postData") or {}).get("text", "")
                result.server_errors.append(f"{status} {req['method']} {req['url']} {body[:500]}")
    return result


def run_both(base_url: str, report_dir: Path, *, max_examples: int, seed: int = 1, token: str | None = None,
             phases: str = "examples,coverage,fuzzing,stateful", max_time: float | None = None) -> list[FuzzResult]:  # fmt: skip
    """The native API, then the CKAN actions; `max_time` is each run's budget."""
    report_dir.mkdir(parents=True, exist_ok=True)
    native = run(
        "native API (/api/v1/openapi.json)",
        f"{base_url}/api/v1/openapi.json",
        None,
        report_dir / "native",
        max_examples=max_examples, seed=seed, token=token, phases=phases, max_time=max_time,
    )  # fmt: skip
    spec = ckan_spec_for(base_url, report_dir)
    ckan = run(
        "CKAN Action API (ckan-actions.openapi.yaml)",
        str(spec),
        f"{base_url}/api/3/action",
        report_dir / "ckan",
        max_examples=max_examples, seed=seed, token=token, phases=phases, max_time=max_time,
    )  # fmt: skip
    return [native, ckan]
