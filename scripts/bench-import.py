#!/usr/bin/python3
"""scripts/bench-import.py - POST /api/resumes/import on the corpus of
tests/integration/data/import/ (scripts/import-corpus.py) through the real
stack (FerretDB, jobtuned, nginx), without OpenAI: the local parser alone.

Accuracy, per file and per format: the share of the source JSON Resume's
fields that the draft has right.  The fields: the name, email and phone
(the contacts: a phone is compared by its digits); each job's company,
title, start and end (an ongoing job's end is right when the draft has
none), the job found by its company, else by its place in the list; each
school's institution; each skill keyword (or a skill's name when it has no
keywords), found among the draft's skills' names and keywords.  Text is
compared without case and surrounding spaces.

Time: each file imported BENCH_IMPORT_RUNS times (20) through one worker
(JOBTUNE_WORKERS=1, never recycled): p50 and p99 of the request's time as
the client sees it.  Memory: the worker's peak RSS (VmHWM, reset by
/proc/<pid>/clear_refs "5" before each format), and its RSS after a
warm-up pass over the corpus against its RSS after 200 more imports (the
corpus in turn).

Targets: mean accuracy >= 0.85 and contacts >= 0.95; the two-page PDF's
p99 <= 300 ms; RSS after the 200 imports within 2 MiB of the baseline.

Writes a Markdown section between <!-- import --> and <!-- /import --> of
BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier one, and prints it;
exits 1 when a target is missed.  Needs FERRETDB_BIN and JOBTUNED_BIN
(scripts/bench sets them).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "tests", "integration", "data", "import")
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "20"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))
LEAK_IMPORTS = 200
TARGET_ACCURACY, TARGET_CONTACTS, TARGET_MS, TARGET_RSS_KIB = 0.85, 0.95, 300, 2048
TYPES = {".pdf": "application/pdf", ".txt": "text/plain", ".md": "text/markdown",
         ".zip": "application/zip",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
FORMATS = {".pdf": "PDF", ".docx": "Word", ".txt": "text", ".md": "text", ".zip": "LinkedIn"}


# ---- accuracy ---------------------------------------------------------------------------

def norm(s):
    return re.sub(r"\s+", " ", str(s or "")).strip().casefold()


def digits(s):
    return re.sub(r"\D", "", str(s or ""))


def pick(entries, key, want, i):
    """The draft's entry whose key is want, else the i-th."""
    for e in entries:
        if norm(e.get(key)) == norm(want):
            return e
    return entries[i] if i < len(entries) else {}


def score(source, draft):
    """[(field, right)] for every field of source the draft should have."""
    sb, db = source.get("basics", {}), draft.get("basics", {})
    out = [("name", norm(sb["name"]) == norm(db.get("name"))),
           ("email", norm(sb["email"]) == norm(db.get("email"))),
           ("phone", digits(sb["phone"]) == digits(db.get("phone")))]
    jobs = draft.get("work", [])
    for i, w in enumerate(source.get("work", [])):
        d = pick(jobs, "name", w["name"], i)
        out += [(f"work[{i}].name", norm(w["name"]) == norm(d.get("name"))),
                (f"work[{i}].position", norm(w["position"]) == norm(d.get("position"))),
                (f"work[{i}].startDate", w.get("startDate") == d.get("startDate")),
                (f"work[{i}].endDate", w.get("endDate") == d.get("endDate"))]
    schools = draft.get("education", [])
    for i, s in enumerate(source.get("education", [])):
        d = pick(schools, "institution", s["institution"], i)
        out.append((f"education[{i}].institution", norm(s["institution"]) ==
                    norm(d.get("institution"))))
    have = {norm(s.get("name")) for s in draft.get("skills", [])} | \
        {norm(k) for s in draft.get("skills", []) for k in s.get("keywords", [])}
    for s in source.get("skills", []):
        for k in s.get("keywords") or [s["name"]]:
            out.append((f"skills:{k}", norm(k) in have))
    return out


def corpus():
    with open(os.path.join(CORPUS, "corpus.json")) as f:
        entries = json.load(f)
    for e in entries:
        with open(os.path.join(CORPUS, e["file"]), "rb") as f:
            e["data"] = f.read()
        with open(os.path.join(CORPUS, e["source"])) as f:
            e["resume"] = json.load(f)
        ext = os.path.splitext(e["file"])[1]
        e["type"], e["format"] = TYPES[ext], FORMATS[ext]
        e["pages"] = None
    return entries


# ---- the stack -------------------------------------------------------------------------------

def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def main():
    import tokens
    from test_tailor import TailorStack, stack_env

    key = tokens.Key()
    stack = TailorStack(workers=1, max_requests=0, env=stack_env(key, {
        "JOBTUNE_QUOTA_IMPORTS": "100000"}))
    stack.start()
    auth = {"Authorization": "Bearer " + tokens.rs256(key, tokens.claims(tokens.new_user_id()))}

    def post(e):
        t0 = time.monotonic()
        r = stack.request("POST", "/api/resumes/import", body=e["data"],
                          headers=dict(auth, **{"Content-Type": e["type"]}))
        ms = (time.monotonic() - t0) * 1000
        assert r.status == 200, f"{e['file']}: {r.status} {r.text}"
        return r.json(), ms

    entries = corpus()
    try:
        pid = stack.worker_pids()[0]
        for e in entries:                      # the warm-up pass
            body, _ = post(e)
            e["pages"] = body["source"].get("pages")
            e["fields"] = score(e["resume"], body["resume"])
        baseline = status_kb(pid, "VmRSS")
        peaks = {}
        for fmt in sorted({e["format"] for e in entries}):
            reset_peak(pid)
            for e in (x for x in entries if x["format"] == fmt):
                e["ms"] = [post(e)[1] for _ in range(RUNS)]
            peaks[fmt] = status_kb(pid, "VmHWM")
        for i in range(LEAK_IMPORTS):
            post(entries[i % len(entries)])
        after = status_kb(pid, "VmRSS")
        assert stack.worker_pids() == [pid], "the worker was replaced during the run"
    finally:
        stack.stop()
    return report(entries, peaks, baseline, after)


def share(fields):
    return sum(ok for _, ok in fields) / len(fields) if fields else 0.0


def report(entries, peaks, baseline, after):
    commit = os.environ.get("BENCH_COMMIT") or "commit " + subprocess.run(
        ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
        text=True).stdout.strip()
    rows, missed = [], []
    for e in entries:
        contacts = [f for f in e["fields"] if f[0] in ("name", "email", "phone")]
        wrong = ", ".join(f for f, ok in e["fields"] if not ok) or "—"
        rows.append(f"| {e['file']} | {e['source']} | {e['pages'] or '—'} | "
                    f"{share(e['fields']):.2f} | {share(contacts):.2f} | "
                    f"{statistics.median(e['ms']):.0f} | {pct(e['ms'], 0.99):.0f} | {wrong} |")
    fmt_rows = []
    for fmt in sorted(peaks):
        es = [e for e in entries if e["format"] == fmt]
        fields = [f for e in es for f in e["fields"]]
        ms = [m for e in es for m in e["ms"]]
        fmt_rows.append(f"| {fmt} | {len(es)} | {share(fields):.2f} | "
                        f"{share([f for f in fields if f[0] in ('name', 'email', 'phone')]):.2f} | "
                        f"{pct(ms, 0.5):.0f} | {pct(ms, 0.99):.0f} | {peaks[fmt] / 1024:.1f} |")
    every = [f for e in entries for f in e["fields"]]
    accuracy = statistics.mean(share(e["fields"]) for e in entries)
    contacts = share([f for f in every if f[0] in ("name", "email", "phone")])
    two_page = [e for e in entries if (e["pages"] or 0) >= 2]
    two_ms = max((pct(e["ms"], 0.99) for e in two_page), default=None)
    growth = after - baseline
    checks = [(f"mean accuracy {accuracy:.2f} ≥ {TARGET_ACCURACY}", accuracy >= TARGET_ACCURACY),
              (f"contacts {contacts:.2f} ≥ {TARGET_CONTACTS}", contacts >= TARGET_CONTACTS),
              (f"two-page PDF p99 {two_ms:.0f} ms ≤ {TARGET_MS} ms" if two_ms is not None else
               "two-page PDF: none in the corpus", two_ms is not None and two_ms <= TARGET_MS),
              (f"RSS after {LEAK_IMPORTS} imports {after / 1024:.1f} MiB, baseline "
               f"{baseline / 1024:.1f} MiB (+{growth} KiB ≤ {TARGET_RSS_KIB} KiB)",
               growth <= TARGET_RSS_KIB)]
    missed = [c for c, ok in checks if not ok]
    section = f"""<!-- import -->
## Resume import (`scripts/bench import`)

POST /api/resumes/import on the corpus of `tests/integration/data/import/`
(`scripts/import-corpus.py`: each file made from the JSON Resume named
beside it) through nginx and one worker, without OpenAI: the local parser
alone. {commit[0].upper() + commit[1:]}. Accuracy is the share of the source's fields the
draft has right (name, email, phone; each job's company, title, start and
end; each school; each skill keyword); contacts are the first three. Time
is the request's, as the client sees it, over {RUNS} imports of each file.
Peak RSS is the worker's VmHWM over a format's imports.

| Format | Files | Accuracy | Contacts | p50 ms | p99 ms | Worker peak RSS MiB |
|---|---|---|---|---|---|---|
{chr(10).join(fmt_rows)}

| File | Source | Pages | Accuracy | Contacts | p50 ms | p99 ms | Fields missed |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Targets:
{chr(10).join(f"- {'PASS' if ok else 'MISS'}: {c}" for c, ok in checks)}
<!-- /import -->
"""
    from doc_section import write_section
    write_section(OUT, "import", section)
    print(section)
    return 1 if missed else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--score":   # --score SOURCE.json DRAFT.json
        with open(sys.argv[2]) as f, open(sys.argv[3]) as g:
            fields = score(json.load(f), json.load(g)["resume"])
        print(f"{share(fields):.2f}", " ".join(k for k, ok in fields if not ok))
        sys.exit(0)
    sys.exit(main())
