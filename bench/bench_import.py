"""Import a 35,000-row roster xlsx into the vw demo database.

Targets on a 2-core machine: under 10 s and under 500 MB peak memory for the import process.

    .venv/bin/python bench/bench_import.py [--rows 35000] [--keep DIR]

The database is seeded first (the vw organization tree, in a separate process so that its memory
is not counted), then the roster is written with XlsxWriter and imported with `qixin import people`
in a fresh process whose peak resident memory is read from the kernel.

While it runs, a probe tries to take the database's write lock every 5 ms (BEGIN IMMEDIATE with no
wait, then ROLLBACK) and reports the longest stretch it could not: how long the import kept every
other writer (pages, the QR submissions, the audit log) waiting. The rows are read and checked
before the write transaction, so the lock covers the writing only.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from _support import qixin

CATEGORIES = ["正式党员"] * 6 + ["预备党员"] + ["群众"] * 3


def id_number(born: date, sequence: int) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first = f"650102{born:%Y%m%d}{sequence % 1000:03d}"
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, weights, strict=True)) % 11]


def write_roster(path: Path, rows: int, branches: list[str]) -> None:
    from qixin.people.importers import HEADERS

    rng = random.Random(7)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    sheet.write_row(0, 0, HEADERS)
    used: set[str] = set()
    for n in range(rows):
        while True:
            born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
            number = id_number(born, rng.randrange(1000))
            if number not in used:
                used.add(number)
                break
        category = rng.choice(CATEGORIES)
        joined = min(born + timedelta(days=365 * 19 + rng.randrange(7000)), date(2024, 6, 1))
        values = {
            "工号": f"BX{n:06d}",
            "姓名": rng.choice("张王李赵刘陈杨黄周吴")
            + rng.choice(["伟", "芳", "敏", "静", "磊", "洋", "艳", "勇"]),
            "公民身份号码": number,
            "学历": rng.choice(["大学本科", "大学专科", "硕士研究生"]),
            "人员类别": category,
            "所在党支部": rng.choice(branches) if category != "群众" else "",
            "加入党组织日期": joined.isoformat() if category != "群众" else "",
            "转为正式党员日期": (joined + timedelta(days=366)).isoformat() if category == "正式党员" else "",
            "工作岗位": "装配工",
            "联系电话": f"139{rng.randrange(10**8):08d}",
            "部门": "",
            "入职日期": "2015-03-01",
            "所在组织": rng.choice(branches) if category == "群众" else "",
        }
        if category == "预备党员":
            values["加入党组织日期"] = (date(2026, 3, 1) + timedelta(days=rng.randrange(200))).isoformat()
        sheet.write_row(n + 1, 0, [values.get(h, "") for h in HEADERS])
    book.close()


class LockProbe(threading.Thread):
    """Tries the write lock every 5 ms; `longest` is the longest time it found it taken."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database, self.stop, self.longest = database, threading.Event(), 0.0

    def run(self) -> None:
        db = sqlite3.connect(self.database, timeout=0, isolation_level=None)
        taken_since: float | None = None
        while not self.stop.is_set():
            now = time.perf_counter()
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                if taken_since is not None:
                    self.longest = max(self.longest, now - taken_since)
                taken_since = None
            except sqlite3.OperationalError:
                taken_since = now if taken_since is None else taken_since
            time.sleep(0.005)
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=35_000)
    parser.add_argument("--keep", type=Path, help="keep the data directory here")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="qixin-bench-import-"))
    data_dir.mkdir(parents=True, exist_ok=True)

    database = data_dir / "qixin.sqlite3"
    seeded_copy = data_dir / "seeded.sqlite3"
    if seeded_copy.exists():  # --keep: reuse the seeded database of an earlier run
        shutil.copy(seeded_copy, database)
    else:
        qixin(data_dir, "manage", "migrate", "--verbosity", "0")
        seeded, _, _ = qixin(data_dir, "seed-demo", "--scale", "vw")
        print(f"seed-demo --scale vw (the organization tree to import into): {seeded:.1f} s")
        shutil.copy(database, seeded_copy)
    with sqlite3.connect(data_dir / "qixin.sqlite3") as db:
        branches = [
            code for (code,) in db.execute("select code from orgs_organization where kind = 'branch'")
        ]

    import os
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qixin.settings.dev")
    import django

    django.setup()
    roster = data_dir / "roster.xlsx"
    write_roster(roster, args.rows, branches)
    size = roster.stat().st_size / 1024 / 1024

    probe = LockProbe(database)
    probe.start()
    seconds, peak_mb, output = qixin(data_dir, "import", "people", str(roster))
    probe.stop.set()
    probe.join()
    print(output.strip().splitlines()[-2] if output.strip() else "")
    print(f"the database's write lock was held for {probe.longest:.2f} s at most (the apply step)")
    print(f"import of {args.rows} rows ({size:.1f} MB xlsx): {seconds:.1f} s, peak memory {peak_mb} MB")
    print(
        f"targets: < 10 s ({'met' if seconds < 10 else 'MISSED'}), < 500 MB ({'met' if peak_mb < 500 else 'MISSED'})"
    )
    seconds, peak_mb, _ = qixin(data_dir, "import", "people", str(roster))
    print(f"re-import of the same file (nothing changes): {seconds:.1f} s, peak memory {peak_mb} MB")


if __name__ == "__main__":
    main()
