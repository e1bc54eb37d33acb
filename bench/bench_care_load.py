"""Load test of the public intake: the real server (gunicorn on 127.0.0.1) with a fresh SQLite data
directory (or PostgreSQL with --database-url), at least 20,000 submissions from several concurrent
client processes with threads, each thread playing many phones (a device cookie each) behind one
address, as a workshop behind one factory network address would.

Each submission is what a phone does: GET the intake page (CSRF token and the form's nonce), then
POST the form. A submission is acknowledged when the POST answers 200 with a follow-up code; a POST
that fails on the network is sent again with the same form (same nonce), as a phone's browser
would, and must not create a second ticket.

Afterwards the database is read directly and the run proves that every acknowledged submission is
stored exactly once (each carries a unique marker in its text), that its follow-up code opens exactly
that ticket, and that nothing unacknowledged was stored twice.

Printed: submissions per second (acknowledged, over the wall time of the load), and the latency of
the POSTs (p50, p95, p99) and of whole submissions (GET + POST).

Run: .venv/bin/python bench/bench_care_load.py [--submissions 20000] [--processes 4] [--threads 4]
     (writes bench/results/bench_care_load.json)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
NONCE_RE = re.compile(r'name="nonce" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE_RE = re.compile(r'id="follow-code">([A-Z0-9-]+)<')
POINTS = 20
SUBMISSIONS_PER_DEVICE = 5  # a phone sends a few, then the next phone of the workshop


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_care_settings",
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT / "src")]),
            "QIXIN_DATA_DIR": str(data_dir),
            "LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _prepare(env: dict[str, str]) -> list[str]:
    """Migrate the fresh database and create an organization, a care team and intake points."""
    script = f"""
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from qixin.core.services import system_user
from qixin.orgs import services as org_services
from qixin.care import services
admin = system_user()
root = org_services.org_create(actor=admin, parent=None, code="B", name="压测公司党委", kind="committee")
team = services.team_create(actor=admin, organization=root, name="压测连心桥")
points = [services.point_create(actor=admin, team=team, name=f"车间{{n}}") for n in range({POINTS})]
print(json.dumps([p.token for p in points]))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def _client_process(args: tuple[str, list[str], int, int, int, str]) -> dict[str, Any]:
    """One client process: `threads` threads, each sending `per_thread` submissions."""
    import requests

    base, tokens, index, threads, per_thread, run_id = args
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        mine: list[dict[str, Any]] = []
        session: requests.Session | None = None
        for n in range(per_thread):
            if n % SUBMISSIONS_PER_DEVICE == 0:
                session = requests.Session()  # a new phone: no cookies yet
            assert session is not None
            token = tokens[(index * threads + t + n) % len(tokens)]
            url = f"{base}/care/i/{token}/"
            marker = f"{run_id}-{index}-{t}-{n}"
            record: dict[str, Any] = {"marker": marker, "code": "", "status": 0, "tries": 0}
            started = time.perf_counter()
            try:
                page = session.get(url, timeout=30)
                nonce = NONCE_RE.search(page.text)
                csrf = CSRF_RE.search(page.text)
                if page.status_code != 200 or nonce is None or csrf is None:
                    record["status"] = page.status_code
                    mine.append(record)
                    continue
                data = {
                    "kind": ("appeal", "problem", "suggestion", "wish")[n % 4],
                    "body": f"压测反映 {marker}：三号线工位风扇不转，请尽快维修。",
                    "nonce": nonce.group(1),
                    "csrfmiddlewaretoken": csrf.group(1),
                }
                for _attempt in range(4):
                    record["tries"] += 1
                    post_started = time.perf_counter()
                    try:
                        answer = session.post(url, data=data, timeout=30)
                    except requests.RequestException:
                        continue  # the phone sends the same form again
                    record["post_seconds"] = time.perf_counter() - post_started
                    record["status"] = answer.status_code
                    found = CODE_RE.search(answer.text) if answer.status_code == 200 else None
                    if found:
                        record["code"] = found.group(1)
                    break
            except requests.RequestException as exc:
                record["error"] = str(exc)[:200]
            record["total_seconds"] = time.perf_counter() - started
            mine.append(record)
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"results": results}


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _verify(env: dict[str, str], run_id: str, acked: dict[str, str]) -> dict[str, Any]:
    """Read the database: each acknowledged marker stored exactly once, its code opens it."""
    script = f"""
import django, json, re, sys
django.setup()
from qixin.care.models import Ticket
from qixin.care.services import code_digest
acked = json.load(sys.stdin)
pattern = re.compile(r"压测反映 ({run_id}-[0-9]+-[0-9]+-[0-9]+)：")
stored = {{}}
digests = {{}}
for pk, body, digest in Ticket.objects.values_list("pk", "body", "code_digest").iterator(chunk_size=5000):
    marker = pattern.search(body).group(1)
    stored[marker] = stored.get(marker, 0) + 1
    digests[marker] = digest
missing = [m for m in acked if stored.get(m, 0) == 0]
twice = [m for m, c in stored.items() if c > 1]
wrong_code = [m for m, code in acked.items() if stored.get(m) and digests[m] != code_digest(code)]
unacked_stored = [m for m in stored if m not in acked]
print(json.dumps({{"stored": sum(stored.values()), "missing": missing[:20], "missing_count": len(missing),
                  "twice": twice[:20], "twice_count": len(twice), "wrong_code_count": len(wrong_code),
                  "unacknowledged_stored": len(unacked_stored)}}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        input=json.dumps(acked),
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: fresh SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    options = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="qixin-bench-care-"))
    env = _environment(data_dir, options.database_url)
    tokens = _prepare(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "qixin.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(options.workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(data_dir / "gunicorn.log").open("w"),  # a file: an unread pipe would fill and block it
        start_new_session=True,
    )
    try:
        import requests

        for _ in range(100):
            try:
                if requests.get(f"{base}/care/i/{tokens[0]}/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        run_id = uuid.uuid4().hex[:8]
        clients = options.processes * options.threads
        per_thread = -(-options.submissions // clients)
        jobs = [(base, tokens, i, options.threads, per_thread, run_id) for i in range(options.processes)]
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(options.processes) as pool:
            outputs = pool.map(_client_process, jobs)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    results = [r for out in outputs for r in out["results"]]
    acked = {r["marker"]: r["code"] for r in results if r["code"]}
    post_latencies = [r["post_seconds"] for r in results if "post_seconds" in r]
    totals = [r["total_seconds"] for r in results if r["code"]]
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    check = _verify(env, run_id, acked)
    figures = {
        "database": "postgresql" if options.database_url else "sqlite",
        "gunicorn_workers": options.workers,
        "client_processes": options.processes,
        "client_threads": clients,
        "sent": len(results),
        "acknowledged": len(acked),
        "statuses": statuses,
        "resent_posts": sum(max(0, r.get("tries", 0) - 1) for r in results),
        "seconds": round(elapsed, 1),
        "submissions_per_second": round(len(acked) / elapsed, 1),
        "post_p50_ms": round(1000 * _percentile(post_latencies, 0.50), 1),
        "post_p95_ms": round(1000 * _percentile(post_latencies, 0.95), 1),
        "post_p99_ms": round(1000 * _percentile(post_latencies, 0.99), 1),
        "submission_p95_ms": round(1000 * _percentile(totals, 0.95), 1),
        "mean_post_ms": round(1000 * statistics.fmean(post_latencies), 1) if post_latencies else 0,
        **check,
    }
    exactly_once = (
        check["missing_count"] == 0
        and check["twice_count"] == 0
        and check["wrong_code_count"] == 0
        and check["stored"] == len(acked) + check["unacknowledged_stored"]
    )
    figures["every_acknowledged_stored_exactly_once"] = exactly_once
    for key, value in figures.items():
        print(f"{key}: {value}")
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "bench_care_load.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
    )
    if not options.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        print(f"data directory kept: {data_dir}")
    ok = exactly_once and len(acked) >= options.submissions * 0.99
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
