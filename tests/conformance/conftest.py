"""Fixtures for the conformance tests: a live `agora demo` server.

The server is the binary in $AGORA_BIN (default: $CARGO_TARGET_DIR/debug/agora), started once per
test session on a free port with a fresh data directory, and stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

READY_TIMEOUT_S = float(os.environ.get("AGORA_READY_TIMEOUT_S", "120"))


@dataclass(frozen=True)
class AgoraServer:
    base_url: str
    data_dir: Path

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"


def agora_bin() -> Path:
    if os.environ.get("AGORA_BIN"):
        return Path(os.environ["AGORA_BIN"])
    target = os.environ.get("CARGO_TARGET_DIR", "/root/.cache/agora/target")
    return Path(target) / "debug" / "agora"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def agora_server():
    """Starts `agora demo`, waits for GET /readyz to answer 200, yields an AgoraServer."""
    binary = agora_bin()
    if not binary.exists():
        pytest.fail(f"agora binary not found at {binary}: build it with `cargo build -p agora` or set AGORA_BIN")
    data_dir = Path(tempfile.mkdtemp(prefix="agora-conformance-"))
    port = free_port()
    listen = f"127.0.0.1:{port}"
    base_url = f"http://{listen}"
    log_path = data_dir / "server.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [str(binary), "demo", "--data-dir", str(data_dir), "--listen", listen],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        last = "no answer yet"
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"agora demo exited with code {proc.returncode} before it was ready; its output:\n{_tail(log_path)}"
                )
            try:
                with urllib.request.urlopen(f"{base_url}/readyz", timeout=2) as res:
                    if res.status == 200:
                        break
                    last = f"GET /readyz answered {res.status}"
            except urllib.error.HTTPError as err:
                last = f"GET /readyz answered {err.code}"
            except (urllib.error.URLError, OSError) as err:
                last = str(getattr(err, "reason", err))
            if time.monotonic() > deadline:
                pytest.fail(f"agora demo was not ready within {READY_TIMEOUT_S:.0f} s ({last}); its output:\n{_tail(log_path)}")
            time.sleep(0.25)

        yield AgoraServer(base_url=base_url, data_dir=data_dir)
    finally:
        _stop(proc)
        if os.environ.get("AGORA_KEEP_DATA"):
            print(f"agora data dir kept at {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(agora_server: AgoraServer) -> str:
    """The live server's base URL, e.g. http://127.0.0.1:41234 (no trailing slash)."""
    return agora_server.base_url


@pytest.fixture(scope="session")
def admin_token(agora_server: AgoraServer) -> str:
    """A fresh API token of the demo administrator, made with the CLI beside the running server."""
    out = subprocess.run(
        [str(agora_bin()), "token", "create", "admin@agora.example", "--name", "conformance", "--data-dir", str(agora_server.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "AGORA_LOG": "warn"},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]
