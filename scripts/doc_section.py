"""doc_section.write_section(PATH, NAME, SECTION): put a generated section
into a Markdown document in place of its earlier version.

A section is delimited by an opening marker `<!-- NAME -->` (or
`<!-- NAME: a note -->`) and a closing `<!-- /NAME -->`; SECTION carries
both.  Where the document has the markers, everything from the opening to
the closing marker is replaced; where it has only the opening marker (a
placeholder), the marker is; otherwise SECTION is appended.  The file is
replaced whole by a rename, so a reader never sees half of it.  Used by the
scripts that write docs/BENCHMARKS.md and docs/RELIABILITY.md."""
import os
import re


def write_section(path, name, section):
    text = open(path).read() if os.path.exists(path) else ""
    opening = re.search(r"<!-- %s(?::[^>]*)? -->" % re.escape(name), text)
    closing = "<!-- /%s -->" % name
    body = section.rstrip("\n")
    end = text.find(closing, opening.end()) if opening else -1
    if opening and end >= 0:
        text = text[:opening.start()] + body + text[end + len(closing):]
    elif opening:
        text = text[:opening.start()] + body + text[opening.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
