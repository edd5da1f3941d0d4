#!/usr/bin/python3
"""scripts/import-corpus.py - builds the resume import corpus in
tests/integration/data/import/: each resume as people have it (PDFs from
three tools and four layouts, a Word file, text, Markdown, LinkedIn's
export), made from a JSON Resume of the same directory (maya.json,
daniel.json, priya.json), and corpus.json, which names the source of
each file.  The files are committed, so tests and scripts/bench import
read the same bytes every time; run this only to change the corpus.

  - own-modern.pdf, own-classic.pdf: jobtuned's own PDF export
    (GET /api/resumes/{id}/pdf through the real stack), templates
    "modern" and "classic" (priya.json's is two pages);
  - chromium-single.pdf, chromium-two-column.pdf, chromium-table.pdf:
    HTML printed by Chromium (`--print-to-pdf`): one column; a sidebar
    with the contacts, skills and education beside the experience; the
    dates in a table's first column;
  - word.docx (python3-docx: heading styles, list bullets, a table),
    text.txt, markdown.md, linkedin.zip (LinkedIn's CSVs).

Needs FERRETDB_BIN (as tests/integration/run.py), chromium and
python3-docx.
"""
import html
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DIR = os.path.join(ROOT, "tests", "integration", "data", "import")
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
COUNTRIES = {"SE": "Sweden", "GB": "United Kingdom", "US": "USA"}


def load(name):
    with open(os.path.join(DIR, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def date(d, numeric=False):
    if not d:
        return "Present"
    if len(d) == 4:
        return d
    y, m = d.split("-")
    return f"{m}/{y}" if numeric else f"{MONTHS[int(m) - 1]} {y}"


def dates(e, numeric=False):
    return f"{date(e.get('startDate'), numeric)} – {date(e.get('endDate'), numeric)}"


def place(b):
    loc = b["location"]
    return ", ".join(x for x in (loc.get("city"), loc.get("region"),
                                 COUNTRIES.get(loc.get("countryCode"))) if x)


def contacts(b):
    return [b["email"], b["phone"], place(b)] + [p["url"].replace("https://", "")
                                                 for p in b.get("profiles", [])]


def skills_lines(r):
    return [f"{s['name']}: {', '.join(s['keywords'])}" for s in r["skills"]]


def degree(s):
    return f"{s['studyType']} in {s['area']}"


# ---- HTML printed by Chromium ------------------------------------------------------

def chromium(page):
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, "r.html"), os.path.join(d, "r.pdf")
        with open(src, "w", encoding="utf-8") as f:
            f.write(page)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-pdf-header-footer", f"--print-to-pdf={out}", src],
                       check=True, capture_output=True, timeout=120)
        with open(out, "rb") as f:
            return f.read()


E = html.escape
STYLE = ("<!doctype html><meta charset=utf-8><style>body{font:10.5pt 'DejaVu Sans',sans-serif;"
         "margin:0}h1{font-size:22pt;margin:0}h2{font-size:13pt;margin:14px 0 4px}"
         "p{margin:2px 0}ul{margin:2px 0 6px 18px;padding:0}%s</style>")


def jobs_html(r, with_dates=True):
    out = []
    for w in r["work"]:
        out.append(f"<p><b>{E(w['position'])}</b>, {E(w['name'])}</p>")
        if with_dates:
            out.append(f"<p><i>{dates(w)}</i></p>")
        out.append("<ul>" + "".join(f"<li>{E(h)}</li>" for h in w["highlights"]) + "</ul>")
    return "".join(out)


def single_html(r):
    b = r["basics"]
    return (STYLE % "body{margin:40px}" + f"<h1>{E(b['name'])}</h1><p>{E(b['label'])}</p>"
            f"<p>{' | '.join(E(c) for c in contacts(b))}</p>"
            f"<h2>Profile</h2><p>{E(b['summary'])}</p><h2>Work Experience</h2>" + jobs_html(r) +
            "<h2>Education</h2>" + "".join(
                f"<p><b>{E(s['institution'])}</b></p><p>{E(degree(s))}, {dates(s)}</p>"
                for s in r["education"]) +
            "<h2>Skills</h2>" + "".join(f"<p>{E(x)}</p>" for x in skills_lines(r)))


def two_column_html(r):
    b = r["basics"]
    side = (f"<h1>{E(b['name'])}</h1><p>{E(b['label'])}</p><h2>Contact</h2>" +
            "".join(f"<p>{E(c)}</p>" for c in contacts(b)) + "<h2>Skills</h2>" +
            "".join(f"<p>{E(k)}</p>" for s in r["skills"] for k in s["keywords"]) +
            "<h2>Education</h2>" + "".join(
                f"<p>{E(s['studyType'])}, {E(s['area'])}</p><p>{E(s['institution'])}</p>"
                f"<p>{dates(s)}</p>" for s in r["education"]))
    main = (f"<h2>About Me</h2><p>{E(b['summary'])}</p><h2>Experience</h2>" +
            "".join(f"<p><b>{E(w['position'])}</b> at {E(w['name'])}</p><p>{dates(w)}</p>"
                    "<ul>" + "".join(f"<li>{E(h)}</li>" for h in w["highlights"]) + "</ul>"
                    for w in r["work"]))
    return (STYLE % "body{display:flex;gap:28px;margin:36px}.side{width:32%}.main{width:68%}" +
            f"<div class=side>{side}</div><div class=main>{main}</div>")


def table_html(r):
    b = r["basics"]

    def row(left, right):
        return f"<tr><td class=l>{left}</td><td>{right}</td></tr>"

    rows = [row("", f"<h1>{E(b['name'])}</h1><p>{E(b['label'])}</p>")]
    rows += [row("Email", E(b["email"])), row("Phone", E(b["phone"])),
             row("Location", E(place(b)))]
    rows.append(row("<h2>Employment History</h2>", ""))
    for w in r["work"]:
        rows.append(row(dates(w, numeric=True),
                        f"<b>{E(w['position'])}</b> | {E(w['name'])}<ul>" +
                        "".join(f"<li>{E(h)}</li>" for h in w["highlights"]) + "</ul>"))
    rows.append(row("<h2>Education</h2>", ""))
    for s in r["education"]:
        rows.append(row(dates(s), f"{E(degree(s))} | {E(s['institution'])}"))
    rows.append(row("<h2>Technical Skills</h2>", ""))
    for s in r["skills"]:
        rows.append(row(E(s["name"]), E(", ".join(s["keywords"]))))
    return (STYLE % "body{margin:36px}table{border-collapse:collapse;width:100%}"
            "td{vertical-align:top;padding:3px 10px}td.l{width:24%}" +
            "<table>" + "".join(rows) + "</table>")


# ---- Word, text, LinkedIn ------------------------------------------------------------

def word(r):
    import docx  # python3-docx

    b = r["basics"]
    d = docx.Document()
    d.add_heading(b["name"], 0)
    d.add_paragraph(b["label"])
    d.add_paragraph(" | ".join(contacts(b)))
    d.add_heading("Summary", 1)
    d.add_paragraph(b["summary"])
    d.add_heading("Professional Experience", 1)
    for w in r["work"]:
        d.add_paragraph(f"{w['position']} — {w['name']}\t{dates(w)}")
        for h in w["highlights"]:
            d.add_paragraph(h, style="List Bullet")
    d.add_heading("Education", 1)
    t = d.add_table(rows=0, cols=3)
    for s in r["education"]:
        cells = t.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = s["institution"], degree(s), dates(s)
    d.add_heading("Skills", 1)
    for line in skills_lines(r):
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def text(r, markdown=False):
    b = r["basics"]
    h = (lambda s: f"\n## {s}") if markdown else (lambda s: f"\n{s.upper()}")
    out = [("# " if markdown else "") + b["name"], b["label"], " | ".join(contacts(b)),
           h("Summary"), b["summary"], h("Experience")]
    for w in r["work"]:
        out.append(f"{w['position']}, {w['name']} ({dates(w, numeric=not markdown)})")
        out += [f"- {x}" for x in w["highlights"]]
    out.append(h("Education"))
    for s in r["education"]:
        out.append(f"{degree(s)}, {s['institution']}, {dates(s)}")
    out.append(h("Skills"))
    out += skills_lines(r)
    return ("\n".join(out) + "\n").encode()


def csv_row(*cells):
    return ",".join('"' + c.replace('"', '""') + '"' if "," in c or '"' in c else c
                    for c in cells) + "\n"


def linkedin(r):
    b = r["basics"]
    first, last = b["name"].split(" ", 1)
    files = {
        "Profile.csv": csv_row("First Name", "Last Name", "Headline", "Summary", "Geo Location") +
        csv_row(first, last, b["label"], b["summary"], place(b)),
        "Positions.csv": csv_row("Company Name", "Title", "Description", "Location",
                                 "Started On", "Finished On") +
        "".join(csv_row(w["name"], w["position"], " ".join(w["highlights"]), "",
                        date(w["startDate"]), date(w.get("endDate")) if w.get("endDate") else "")
                for w in r["work"]),
        "Education.csv": csv_row("School Name", "Start Date", "End Date", "Notes", "Degree Name",
                                 "Activities") +
        "".join(csv_row(s["institution"], s["startDate"], s["endDate"], "", s["studyType"], "")
                for s in r["education"]),
        "Skills.csv": "Name\n" + "".join(csv_row(k) for s in r["skills"] for k in s["keywords"]),
        "Email Addresses.csv": csv_row("Email Address", "Confirmed", "Primary", "Updated On") +
        csv_row(b["email"], "Yes", "Yes", ""),
        "PhoneNumbers.csv": csv_row("Extension", "Number", "Type") + csv_row("", b["phone"],
                                                                            "Mobile"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            info = zipfile.ZipInfo(f"Basic_LinkedInDataExport_01-01-2025/{name}", (2025, 1, 1, 0, 0, 0))
            z.writestr(info, "\ufeff" + body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ---- jobtuned's own export --------------------------------------------------------------

def own_pdfs(wanted):
    import tokens
    from test_tailor import TailorStack, stack_env

    key = tokens.Key()
    stack = TailorStack(workers=1, env=stack_env(key, {}))
    stack.start()
    out = {}
    try:
        for name, (resume, template) in wanted.items():
            auth = {"Authorization": "Bearer " + tokens.rs256(key, tokens.claims(
                tokens.new_user_id()))}
            r = stack.request("POST", "/api/resumes", body=resume, headers=auth)
            assert r.status == 201, r.text
            pdf = stack.request("GET", f"/api/resumes/{r.json()['id']}/pdf?template={template}",
                                headers=auth)
            assert pdf.status == 200, pdf.text
            out[name] = pdf.body
    finally:
        stack.stop()
    return out


def main():
    maya, daniel, priya = load("maya"), load("daniel"), load("priya")
    files = {
        "chromium-single.pdf": ("daniel", chromium(single_html(daniel))),
        "chromium-two-column.pdf": ("maya", chromium(two_column_html(maya))),
        "chromium-table.pdf": ("priya", chromium(table_html(priya))),
        "word.docx": ("daniel", word(daniel)),
        "text.txt": ("priya", text(priya)),
        "markdown.md": ("maya", text(maya, markdown=True)),
        "linkedin.zip": ("daniel", linkedin(daniel)),
    }
    for name, body in own_pdfs({"own-modern.pdf": (maya, "modern"),
                                "own-classic.pdf": (priya, "classic")}).items():
        files[name] = ({"own-modern.pdf": "maya", "own-classic.pdf": "priya"}[name], body)
    corpus = []
    for name in sorted(files):
        source, body = files[name]
        with open(os.path.join(DIR, name), "wb") as f:
            f.write(body)
        corpus.append({"file": name, "source": source + ".json"})
    with open(os.path.join(DIR, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(corpus, f, indent=1)
        f.write("\n")
    print(f"wrote {len(corpus)} files to {DIR}")


if __name__ == "__main__":
    main()
