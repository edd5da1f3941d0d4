#!/usr/bin/python3
"""scripts/bench-preview.py - POST /api/preview as the editor uses it: one
person typing, each pause sending the unsaved resume for a page of PNG.

Through the real stack (FerretDB, jobtuned, nginx) with one worker
(JOBTUNE_WORKERS=1, never recycled): a two-page resume (every section, A4,
96 dpi), one keep-alive connection, one request at a time, each a slightly
different document (one more character typed in the summary, as the page
sends it), pages 1 and 2 in turn.  BENCH_PREVIEW_WARMUP (20) requests first,
then BENCH_PREVIEW_REQUESTS (400) measured from the request's first byte to
the last byte of the PNG.  Also the same for GET /api/resumes/{id}/pdf of
the same resume, for comparison.

Target (issue 20): p50 <= 30 ms and p99 <= 80 ms.  Writes a Markdown section
between <!-- preview --> and <!-- /preview --> of BENCH_OUT
(docs/BENCHMARKS.md), replacing an earlier one, and prints it; exits 1 when
a target is missed.  Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/bench and
scripts/lib.sh set them).
"""
import http.client
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import tokens  # noqa: E402
from doc_section import write_section  # noqa: E402
from test_auth import AuthStack  # noqa: E402
from test_pdf import three_pages  # noqa: E402
from tokens import ISSUER, ORIGIN  # noqa: E402

WARMUP = int(os.environ.get("BENCH_PREVIEW_WARMUP", "20"))
REQUESTS = int(os.environ.get("BENCH_PREVIEW_REQUESTS", "400"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))
P50_MAX, P99_MAX = 30.0, 80.0


def two_pages():
    """test_pdf's every-section resume cut to two A4 pages."""
    doc = three_pages()
    doc["work"] = doc["work"][:5]
    return doc


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def cpu_ms(pid):
    """User + system CPU time of process pid so far, in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def timed(conn, method, path, headers, body=None):
    t = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t) * 1000
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data, ms


def main():
    key = tokens.Key()
    st = AuthStack(workers=1, max_requests=0, env={
        "CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": ISSUER,
        "CLERK_AUTHORIZED_PARTIES": ORIGIN})
    st.start()
    try:
        user = tokens.new_user_id()
        auth = {"Authorization": f"Bearer {tokens.rs256(key, tokens.claims(user))}",
                "X-Forwarded-For": "203.0.113.7"}
        doc = two_pages()
        r = st.request("POST", "/api/resumes", body=doc, headers=auth)
        assert r.status == 201, r.text
        rid = r.json()["id"]
        conn = http.client.HTTPConnection("127.0.0.1", st.http_port, timeout=30)
        headers = dict(auth, **{"Content-Type": "application/json"})
        base = doc["basics"]["summary"]
        preview, sizes, pages = [], [], set()
        (worker,) = st.worker_pids()
        for i in range(WARMUP + REQUESTS):
            if i == WARMUP:
                cpu0 = cpu_ms(worker)
            doc["basics"]["summary"] = base + " typed"[: 1 + i % 6]
            page = 1 + i % 2
            status, h, data, ms = timed(conn, "POST", f"/api/preview?page={page}", headers,
                                        json.dumps(doc).encode())
            assert status == 200 and data[:4] == b"\x89PNG", (status, data[:200])
            pages.add(h["x-page-count"])
            if i >= WARMUP:
                preview.append(ms)
                sizes.append(len(data))
        cpu = (cpu_ms(worker) - cpu0) / REQUESTS
        assert pages == {"2"}, pages
        pdf = []
        for i in range(WARMUP + REQUESTS // 4):
            status, _, data, ms = timed(conn, "GET", f"/api/resumes/{rid}/pdf", auth)
            assert status == 200, status
            if i >= WARMUP:
                pdf.append(ms)
        conn.close()
        # the worker's own time of each measured preview (its access log)
        inside = [x["duration_ms"] for x in st.log_lines()
                  if x.get("route") == "/api/preview" and x.get("status") == 200][WARMUP:]
    finally:
        st.stop()

    p50, p99 = percentile(preview, 50), percentile(preview, 99)
    ok = p50 <= P50_MAX and p99 <= P99_MAX
    load = open("/proc/loadavg").read().split()[:3]
    section = f"""<!-- preview -->
## The editor's preview (`scripts/bench preview`)

`POST /api/preview` as one person typing: through nginx to one worker, one
keep-alive connection, one request at a time, each a different document
(the summary one character longer), pages 1 and 2 of a two-page A4 resume
(every section) in turn, 96 dpi (794 x 1123 px). {REQUESTS} requests after
{WARMUP} of warm-up, timed from the first byte sent to the PNG's last byte
received. The PDF of the same resume (`GET /api/resumes/{{id}}/pdf`,
{len(pdf)} requests) for comparison. {os.environ.get("BENCH_COMMIT", "")}; load
average {" ".join(load)} after the run (other work on the machine skews it).

| request | p50 | p90 | p99 | max | size |
|---|---:|---:|---:|---:|---:|
| `POST /api/preview` | {p50:.1f} ms | {percentile(preview, 90):.1f} ms | {p99:.1f} ms | {max(preview):.1f} ms | {statistics.median(sizes) / 1024:.0f} KiB |
| the same, inside the worker (its log's `duration_ms`) | {percentile(inside, 50):.1f} ms | {percentile(inside, 90):.1f} ms | {percentile(inside, 99):.1f} ms | {max(inside):.1f} ms | |
| `GET /api/resumes/{{id}}/pdf` | {percentile(pdf, 50):.1f} ms | {percentile(pdf, 90):.1f} ms | {percentile(pdf, 99):.1f} ms | {max(pdf):.1f} ms | – |

The worker's CPU time (user and system, /proc) per preview: {cpu:.1f} ms,
which depends far less than the latencies on what else the machine runs.

Target: p50 ≤ {P50_MAX:.0f} ms and p99 ≤ {P99_MAX:.0f} ms: **{"PASS" if ok else "MISS"}**.

What a page costs inside the worker (measured once with a loop around
`pdf_render_page()`, a full A4 page of text): laying out and drawing about
5 ms, the PNG about 9 ms with libpng at zlib level 1 and rows unfiltered,
where cairo's own `cairo_surface_write_to_png_stream()` (zlib level 6,
adaptive filters) takes 31 ms for the same page.
<!-- /preview -->
"""
    print(section)
    write_section(OUT, "preview", section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
