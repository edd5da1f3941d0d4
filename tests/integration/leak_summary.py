"""The LeakSanitizer check of an integration run (scripts/test counts it as
one test): reads the tally every stopped Stack appends (stack.LEAK_TALLY),
prints how many process exits LeakSanitizer checked, by kind, and every
report in full, and fails when any process reported a leak, or when no
worker exit was checked at all (the check did not run: not an ASan build,
or detect_leaks=0).

    python3 tests/integration/leak_summary.py [TALLY]
"""
import json
import sys

from stack import LEAK_TALLY


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else LEAK_TALLY
    checked, reports, stacks, masters = {}, [], 0, 0
    try:
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                stacks += 1
                # the master's own check runs at exit(): a clean stop with
                # no report is an exit it passed
                if entry["master_status"] == 0 and not entry["reports"]:
                    masters += 1
                for what, n in entry["checked"].items():
                    checked[what] = checked.get(what, 0) + n
                reports += [(entry["dir"], r) for r in entry["reports"]]
    except FileNotFoundError:
        pass
    kinds = ", ".join(f"{n} {what}" for what, n in sorted(checked.items())) or "none"
    print(f"LeakSanitizer: {stacks} stacks; exits checked without a leak: {kinds}; "
          f"{masters} masters stopped cleanly")
    for d, r in reports:
        print(f"--- LeakSanitizer report in {d}/jobtuned.log\n{r}")
    print(f"{len(reports)} LeakSanitizer reports")
    if reports:
        return 1
    if checked.get("worker", 0) == 0:
        print("no worker exit was checked: is this the ASan build with detect_leaks=1?")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
