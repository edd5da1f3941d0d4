#!/usr/bin/python3
"""scripts/bench-tickets.py - the staff's ticket list and deletion-request
queue with BENCH_TICKETS (100,000) tickets stored, through the real stack
(FerretDB, jobtuned, nginx), as `scripts/bench tickets`.

The tickets are seeded straight into the database (scripts/bench-seed.py's
seed_tickets(): each ticket with its place in the staff's lists, as POST
/api/support stores it; the route would take hours for 100,000): filed a
second apart, the newest 1% open, the next 2% pending, the rest closed;
every 50th a "Data Deletion Request", open or verified among the newest
60, completed or closed before them.  Then, one client after another for
BENCH_TICKETS_SECONDS (5) each, through one worker:

  list, any status       GET /api/admin/tickets?limit=50 (the newest page)
  list, deep page        the same from a cursor half way down (~50,000)
  list, open             ?status=open&limit=50 (the console's default)
  list, one day          ?from=D&to=D&limit=50, D a day in the middle
  list, pending          ?status=pending&limit=50
  list, closed           ?status=closed&limit=50
  queue                  GET /api/admin/privacy-requests

each with pages/s, p50 and p99 of the time per page as the client sees it,
FerretDB's CPU per page (/proc/<pid>/stat), and the median of the access
log's db_ops (the database operations of a page).  Then the same with 1,000
tickets (BENCH_TICKETS_SMALL), to show the cost does not follow the count.

Writes a Markdown section between <!-- tickets --> and <!-- /tickets --> of
BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier one, and prints it.
Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/bench sets them).
"""
import datetime
import importlib.util
import os
import random
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
SMALL = int(os.environ.get("BENCH_TICKETS_SMALL", "1000"))
SECONDS = float(os.environ.get("BENCH_TICKETS_SECONDS", "5"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))
TICKS = os.sysconf("SC_CLK_TCK")


def seed_module():
    spec = importlib.util.spec_from_file_location("bench_seed", os.path.join(HERE, "bench-seed.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def kind(n):
    """Status and deletion-request state of ticket k of n (0 = oldest)."""
    def of(k):
        age = n - 1 - k  # 0 = newest
        status = "open" if age < n // 100 else "pending" if age < 3 * n // 100 else "closed"
        request = None
        if k % 50 == 0:
            request = ("open" if age % 2 else "verified") if age < 60 * 50 else \
                ("completed" if age % 3 else "closed")
        return status, request
    return of


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def db_ops(log, offset):
    """The median db_ops of the access log's lines past offset."""
    import json
    with open(log) as f:
        f.seek(offset)
        ops = [json.loads(line)["db_ops"] for line in f if '"db_ops"' in line]
    return pct(ops, 0.5) if ops else 0


def measure(stack, auth, path, ferret_pid):
    stack.request("GET", path, headers=auth)  # warm
    offset = os.path.getsize(stack.jobtuned_log)
    times, t_end = [], time.monotonic() + SECONDS
    c0 = cpu_ticks(ferret_pid)
    start = time.monotonic()
    items = 0
    while time.monotonic() < t_end or not times:
        t0 = time.monotonic()
        r = stack.request("GET", path, headers=auth)
        times.append((time.monotonic() - t0) * 1000)
        assert r.status == 200, f"{path}: {r.status} {r.text}"
        items = len(r.json()["items"])
    wall = time.monotonic() - start
    cpu_ms = (cpu_ticks(ferret_pid) - c0) * 1000 / TICKS
    return {"pages_s": len(times) / wall, "p50": pct(times, 0.5), "p99": pct(times, 0.99),
            "db_cpu_ms": cpu_ms / len(times), "items": items,
            "ops": db_ops(stack.jobtuned_log, offset)}


def cursor_at(n):
    import base64
    return base64.urlsafe_b64encode(f"n{n}".encode()).decode().rstrip("=")


def run(count, seed):
    import tokens
    from stack import AuthStack

    key, staff = tokens.Key(), tokens.new_user_id()
    stack = AuthStack(workers=1, max_requests=0, env={
        "CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": tokens.ISSUER,
        "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN, "JOBTUNE_ADMIN_USER_IDS": staff})
    stack.start()
    try:
        t0 = time.time()
        base = datetime.datetime(2025, 1, 1)
        seed.seed_tickets(stack.db(), count, base, random.Random(20261207), 1000, kind(count))
        seeded_s = time.time() - t0
        auth = {"Authorization": "Bearer " + tokens.rs256(key, tokens.claims(staff))}
        ferret = stack.ferret.pid
        mid = (base + datetime.timedelta(seconds=count // 2)).strftime("%Y-%m-%d")
        paths = [("list, any status", "/api/admin/tickets?limit=50"),
                 ("list, deep page", f"/api/admin/tickets?limit=50&cursor={cursor_at(count // 2)}"),
                 ("list, open", "/api/admin/tickets?status=open&limit=50"),
                 ("list, pending", "/api/admin/tickets?status=pending&limit=50"),
                 ("list, closed", "/api/admin/tickets?status=closed&limit=50"),
                 ("list, one day", f"/api/admin/tickets?from={mid}&to={mid}&limit=50"),
                 ("queue", "/api/admin/privacy-requests")]
        results = [(name, path, measure(stack, auth, path, ferret)) for name, path in paths]
    finally:
        stack.stop()
    return seeded_s, results


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    seed = seed_module()
    load_start = load()
    big_seed_s, big = run(TICKETS, seed)
    _, small = run(SMALL, seed)
    rows = []
    for (name, _, b), (_, _, s) in zip(big, small):
        rows.append(f"| {name} | {b['items']} | {b['ops']} | {b['pages_s']:.0f} | {b['p50']:.1f} | "
                    f"{b['p99']:.1f} | {b['db_cpu_ms']:.1f} | {s['ops']} | {s['pages_s']:.0f} | "
                    f"{s['p50']:.1f} |")
    section = f"""<!-- tickets -->
## Staff lists at 100,000 tickets (`scripts/bench tickets`)

{time.strftime('%Y-%m-%d', time.gmtime())}, {os.environ.get('BENCH_COMMIT', 'working tree')}; one
worker, one client after another for {SECONDS:g} s per row, through nginx. {TICKETS:,} tickets
seeded straight into FerretDB with their index entries ({big_seed_s:.0f} s), as
`scripts/bench-tickets.py` describes (1% open, 2% pending, the rest closed; every 50th a
deletion request, the newest 60 of them still open or verified); the right-hand columns are
the same run with {SMALL:,} tickets. "DB ops" is the median of the access log's `db_ops`
(the database operations a page made), "DB CPU" FerretDB's CPU time per page. Load
average {load_start} at the start, {load()} at the end, on {os.cpu_count()} CPUs shared with
other work: the times move with it, the operations per page do not.

| page | items | DB ops | pages/s | p50 ms | p99 ms | DB CPU ms/page | DB ops at {SMALL:,} | pages/s at {SMALL:,} | p50 ms at {SMALL:,} |
|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Before this index (the list and the queue were queries on `createdAt` and
`privacyRequest.status`, which FerretDB answers by reading every ticket): 13
pages/s with 1,258 tickets stored, 77 ms of FerretDB CPU per page. Each page is
now a walk of `_id` lookups (`src/store/ticket_index.h`), an index entry and
the ticket for each item: its cost follows the page (and the entries it
passes over, at most 1,000 a page), not the number of tickets.
<!-- /tickets -->"""
    from doc_section import write_section
    write_section(OUT, "tickets", section)
    print(section)


if __name__ == "__main__":
    main()
