"""A small schemathesis run against the live server: the native API (/api/v1/openapi.json) and the
CKAN Action API (ckan-actions.openapi.yaml), as the demo administrator so that writes reach their
validation. No response may be a 500 or above, and no connection may break.

The long run (10,000 cases or more) is bench/fuzz-api/run.sh. AGORA_FUZZ_EXAMPLES sets the cases
per operation here (default 4: a few hundred cases in all, well under two minutes).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import api_fuzz

EXAMPLES = int(os.environ.get("AGORA_FUZZ_EXAMPLES", "4"))


@pytest.fixture(scope="module")
def fuzz_results(base_url: str, admin_token: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, api_fuzz.FuzzResult]:
    report_dir: Path = tmp_path_factory.mktemp("api-fuzz")
    results = api_fuzz.run_both(base_url, report_dir, max_examples=EXAMPLES, token=admin_token, phases="examples,fuzzing")
    return {"native": results[0], "ckan": results[1]}


def _check(result: api_fuzz.FuzzResult) -> None:
    print(result.summary())
    assert result.cases > 0, f"schemathesis ran no case:\n{result.output[-4000:]}"
    assert not result.server_errors, "responses of 500 or above:\n" + "\n".join(result.server_errors[:20])
    assert not result.failures, "schemathesis check failures:\n" + "\n".join(result.failures[:5])
    assert not result.errors, f"schemathesis errors {result.errors} (a broken connection is one):\n{result.output[-4000:]}"


def test_native_api_has_no_server_error(fuzz_results: dict[str, api_fuzz.FuzzResult]) -> None:
    _check(fuzz_results["native"])


def test_ckan_actions_have_no_server_error(fuzz_results: dict[str, api_fuzz.FuzzResult]) -> None:
    _check(fuzz_results["ckan"])
    # The description reached the actions: some answered with success, some with CKAN's errors.
    assert fuzz_results["ckan"].statuses[200] > 0
    assert any(400 <= code < 500 for code in fuzz_results["ckan"].statuses)


def test_server_did_not_panic(fuzz_results: dict[str, api_fuzz.FuzzResult], agora_server) -> None:
    log = (agora_server.data_dir / "server.log").read_text(errors="replace")
    assert "panicked" not in log, log[log.index("panicked") - 200 :][:3000]
