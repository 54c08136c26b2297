"""Lazy lifecycle advance at a high speed factor, and restarting on the same port."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from outpost_tui.demo import DemoConfig, DemoServer, DemoState

from .conftest import api_client


def wait_for(http: httpx.Client, path: str, field: str, expected: object, seconds: float = 5.0) -> dict:
    """Poll ``path`` until ``field`` equals ``expected``; a bounded loop of short sleeps."""
    deadline = time.monotonic() + seconds
    while True:
        body = http.get(path).json()
        if body.get(field) == expected or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_machine_provisions_to_running(fast_server: DemoServer) -> None:
    fast_server.state.add_machine("acme", name="fresh-box", gpu="T4", gpu_count=1)
    with api_client(fast_server) as http:
        assert http.get("/acme/machine/fresh-box").json()["status"] == "provisioning"
        machine = wait_for(http, "/acme/machine/fresh-box", "status", "running")
    assert machine["status"] == "running"
    assert machine["ssh_host"] == "127.0.0.1"
    assert isinstance(machine["ssh_port"], int)
    assert machine["started_at"] is not None


def test_job_runs_to_success(fast_server: DemoServer) -> None:
    fast_server.state.add_job("acme", name="quick-job", gpu="L4", gpu_count=1)
    with api_client(fast_server) as http:
        assert http.get("/acme/job/quick-job").json()["status"] == "queued"
        running = wait_for(http, "/acme/job/quick-job", "status", "running")
        assert running["started_at"] is not None
        done = wait_for(http, "/acme/job/quick-job", "status", "succeeded")
    assert done["exit_code"] == 0
    assert done["completed_at"] is not None
    assert done["runtime_seconds"] >= 1
    assert done["progress"]


def test_job_progress_grows(fast_server: DemoServer) -> None:
    fast_server.state.add_job("acme", name="watched-job", _start_at=fast_server.state.now())
    with api_client(fast_server) as http:
        time.sleep(0.3)
        first = http.get("/acme/job/watched-job").json()
        time.sleep(0.4)
        second = http.get("/acme/job/watched-job").json()
    assert first["status"] == second["status"] == "running"
    assert second["progress"] != first["progress"]


def test_service_deploys_then_runs(fast_server: DemoServer) -> None:
    fast_server.state.add_service("acme", name="fresh-api", replicas=3, min_replicas=3, max_replicas=3)
    with api_client(fast_server) as http:
        deploying = http.get("/acme/service/fresh-api").json()
        assert deploying["status"] == "deploying"
        assert deploying["ready_replicas"] < 3
        service = wait_for(http, "/acme/service/fresh-api", "status", "running")
    assert service["ready_replicas"] == service["current_replicas"] == 3


def test_restart_keeps_state_and_port() -> None:
    server = DemoServer(DemoConfig(rate_limits=False))
    server.start()
    try:
        url = server.url
        server.state.add_machine("mara", name="survivor", status="stopped")
        server.stop()
        assert not server.running
        try:
            httpx.get(f"{url}/auth/v1/health", timeout=1)
            reachable = True
        except httpx.TransportError:
            reachable = False
        assert not reachable
        server.start()
        assert server.url == url
        with api_client(server) as http:
            assert http.get("/mara/machine/survivor").json()["status"] == "stopped"
    finally:
        server.stop()


def test_context_manager_stops() -> None:
    with DemoServer(DemoConfig()) as server:
        assert httpx.get(f"{server.url}/auth/v1/health").status_code == 200
    assert not server.running


def test_non_loopback_host_rejected() -> None:
    for host in ("0.0.0.0", "localhost", "192.168.1.10", "::"):
        try:
            DemoConfig(host=host)
        except ValueError as error:
            assert "127.0.0.1" in str(error)
        else:
            raise AssertionError(f"host {host} was accepted")


def test_same_seed_same_data() -> None:
    frozen = DemoServer(DemoConfig(seed=3)).state
    again = DemoServer(DemoConfig(seed=3)).state
    first = sorted((job["id"], job["name"], job["status"]) for job in frozen.jobs["acme"].values())
    second = sorted((job["id"], job["name"], job["status"]) for job in again.jobs["acme"].values())
    assert first == second


def test_demo_package_imports_alone() -> None:
    code = (
        "import sys, outpost_tui.demo; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith(('outpost_tui.api', 'outpost_tui.models'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_state_usable_without_server() -> None:
    state = DemoState(DemoConfig(seed=5))
    assert state.demo_api_key.startswith("demo-key$sk_live_")
    assert state.authenticate(f"Bearer {state.demo_token}") is not None
    assert state.get_job("acme", "finetune-llama-3-r1")["status"] == "running"
