#!/usr/bin/python3
"""bench-seed.py URI DB RESUME_FILE - fill a database for `scripts/bench scale`.

Other people's data, stored the way jobtuned stores it (the chain heads of
src/store/chain.c: {_id, gen, body}), so that the bench user's requests run
against a full database:

  users        SEED_USERS users "user_seed00001"...
  directories  one per seeded user, listing that user's resumes and tailorings
  resumes      SEED_RESUMES resumes (the JSON Resume in RESUME_FILE, about
               3 KB, with the name and title varied), spread round-robin
               over the users
  tailorings   SEED_TAILORINGS tailorings, one per resume in the same order
               (so they belong to the same users)
  tickets      SEED_TICKETS support tickets JT-XXXX-XXXX, with their place in
               the staff's lists (ticket_index; seed_tickets(), which
               scripts/bench-tickets.py uses too)

Counts come from the environment (defaults 30000 / 100000 / 100000 / 100000).
Inserts go in batches of SEED_BATCH (1000) with insert_many, unordered.
Deterministic: the same counts give the same ids.  Prints one line
"seeded users=... resumes=... tailorings=... tickets=... seconds=..." at the end.
"""
import datetime
import json
import os
import random
import sys
import time

import pymongo

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def env_int(name, default):
    v = int(os.environ.get(name, default))
    if v < 0:
        raise SystemExit(f"{name} must not be negative")
    return v


def seed_tickets(db, n, base_dt, rnd, batch, kind=lambda k: ("open", None)):
    """n support tickets JT-XXXX-XXXX filed a second apart from base_dt,
    stored as POST /api/support stores them: with their place in the
    staff's lists (src/store/ticket_index.h: ticket_index "all:<k>" and,
    for a deletion request, "privacy:<j>"; the ticket's seq names both).
    kind(k) -> (status, privacyRequest status or None).  Returns the
    numbers."""
    docs, entries, numbers = [], [], []
    lists = {"privacy": 0, "open": 0, "pending": 0, "closed": 0}

    def flush(coll, items):
        if items:
            db[coll].insert_many(items, ordered=False)
            items.clear()

    for k in range(n):
        m, head = k, ""
        for _ in range(4):
            head = CROCKFORD[m % 32] + head
            m //= 32
        number = "JT-%s-%s" % (head, "".join(rnd.choice(CROCKFORD) for _ in range(4)))
        created = base_dt + datetime.timedelta(seconds=k)
        at = int(created.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
        status, request = kind(k)
        doc = {"_id": number, "number": number, "email": "seed%d@example.com" % (k + 1),
               "subject": "Question about my application %d" % (k + 1),
               "message": "Hello, I applied for the backend position last week and have "
                          "not heard back yet. Could you tell me whether my application "
                          "was received? Ticket %d." % (k + 1),
               "status": status, "createdAt": created, "channel": "api", "refs": True,
               "seq": {"all": k + 1}}
        entries.append({"_id": "all:%d" % (k + 1), "ticket": number, "at": at})
        if request is not None:
            doc["subject"] = "Data Deletion Request"
            doc["privacyRequest"] = {"type": "deletion", "status": request, "openedAt": created,
                                     "dueAt": created + datetime.timedelta(days=30)}
        # the list of its status, and of deletion requests
        for key in [status] + \
                (["privacy"] if request is not None else []):
            lists[key] += 1
            doc["seq"][key] = lists[key]
            entries.append({"_id": "%s:%d" % (key, lists[key]), "ticket": number, "at": at})
        docs.append(doc)
        numbers.append(number)
        if len(docs) >= batch:
            flush("tickets", docs)
            flush("ticket_index", entries)
    flush("tickets", docs)
    flush("ticket_index", entries)
    # slot 1's hint: where each list ends (src/store/slots.c)
    for key, last in [("all", n)] + list(lists.items()):
        if last > 1:
            db["ticket_index"].update_one({"_id": "%s:1" % key}, {"$set": {"last": last}})
    return numbers


def main():
    if len(sys.argv) != 4:
        raise SystemExit("usage: bench-seed.py URI DB RESUME_FILE")
    uri, dbname, resume_file = sys.argv[1:]
    n_users = env_int("SEED_USERS", 30000)
    n_resumes = env_int("SEED_RESUMES", 100000)
    n_tailorings = env_int("SEED_TAILORINGS", 100000)
    n_tickets = env_int("SEED_TICKETS", 100000)
    batch = max(1, env_int("SEED_BATCH", 1000))
    if n_users == 0 and (n_resumes or n_tailorings):
        raise SystemExit("resumes and tailorings need users")
    if n_tailorings > n_resumes:
        raise SystemExit("SEED_TAILORINGS must not exceed SEED_RESUMES (one per resume)")
    with open(resume_file) as f:
        template = json.load(f)

    rnd = random.Random(20261201)
    hexid = lambda: "%024x" % rnd.getrandbits(96)
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=30000)
    db = client[dbname]
    t0 = time.time()
    base_ms = 1735689600000  # 2025-01-01T00:00:00Z
    base_dt = datetime.datetime(2025, 1, 1)

    def flush(coll, docs):
        if docs:
            db[coll].insert_many(docs, ordered=False)
            docs.clear()

    def uid(i):
        return "user_seed%05d" % (i + 1)

    # resumes (and what the directories need about them)
    resume_ids = []
    owner = []
    titles = []
    docs = []
    for i in range(n_resumes):
        rid = hexid()
        u = i % n_users
        resume = json.loads(json.dumps(template))
        resume["basics"]["name"] = "Seed Person %d" % (i + 1)
        resume["basics"]["email"] = "seed%d@example.com" % (i + 1)
        title = "%s %d" % (resume["basics"].get("label", "Resume"), i + 1)
        ms = base_ms + i * 1000
        docs.append({"_id": rid, "gen": 1, "body": {
            "userId": uid(u), "title": title, "resume": resume,
            "createdAt": ms, "updatedAt": ms}})
        resume_ids.append(rid)
        owner.append(u)
        titles.append(title)
        if len(docs) >= batch:
            flush("resumes", docs)
    flush("resumes", docs)
    log("resumes", n_resumes, t0)

    # tailorings: tailoring j belongs to resume j and its owner
    tailorings = {}  # resume index -> [(id, ms)]
    for j in range(n_tailorings):
        tid = hexid()
        ms = base_ms + j * 1000 + 500
        tailorings.setdefault(j, []).append((tid, ms))
        docs.append({
            "_id": tid, "resumeId": resume_ids[j], "userId": uid(owner[j]), "resumeVersion": 1,
            "jobDescription": "Backend engineer for a logistics platform: C, Go, PostgreSQL, "
                              "on-call, mentoring. Hybrid in Berlin. Posting %d." % (j + 1),
            "model": "gpt-4o",
            "result": {"summary": "Backend engineer with eight years in C and Go, fitted to posting %d." % (j + 1),
                       "work": [], "skills": [],
                       "keywords": {"found": ["C", "Go", "PostgreSQL"], "missing": ["Kubernetes"]},
                       "atsScore": {"score": 70, "reasons": []}},
            "ats": {"local": {"score": 68, "found": 3, "missing": 1},
                    "model": {"score": 70, "reasons": []}},
            "flags": [], "flagged": False,
            "createdAt": base_dt + datetime.timedelta(milliseconds=j * 1000 + 500)})
        if len(docs) >= batch:
            flush("tailorings", docs)
    flush("tailorings", docs)
    log("tailorings", n_tailorings, t0)

    # users and their directories
    per_user = {}
    for i in range(n_resumes):
        per_user.setdefault(owner[i], []).append(i)
    udocs = []
    for u in range(n_users):
        now = base_dt + datetime.timedelta(seconds=u)
        udocs.append({"_id": uid(u), "createdAt": now, "updatedAt": now,
                      "consent": {"analytics": "unset", "history": []}})
        res, tai = {}, {}
        for i in per_user.get(u, []):
            ms = base_ms + i * 1000
            res[resume_ids[i]] = {"title": titles[i], "version": 1, "createdAt": ms,
                                  "updatedAt": ms, "state": "ok", "at": ms}
            if i in tailorings:
                tai[resume_ids[i]] = [{"id": tid, "createdAt": tms, "state": "ok", "at": tms}
                                      for tid, tms in tailorings[i]]
        docs.append({"_id": uid(u), "gen": 1, "body": {"resumes": res, "tailorings": tai}})
        if len(docs) >= batch:
            flush("directories", docs)
            flush("users", udocs)
    flush("directories", docs)
    flush("users", udocs)
    log("users and directories", n_users, t0)

    seed_tickets(db, n_tickets, base_dt, rnd, batch)
    log("tickets", n_tickets, t0)

    counts = {c: db.command("collStats", c)["count"]  # count scans in FerretDB
              for c in ("users", "directories", "resumes", "tailorings", "tickets")}
    print("seeded users=%d directories=%d resumes=%d tailorings=%d tickets=%d seconds=%.1f" % (
        counts["users"], counts["directories"], counts["resumes"], counts["tailorings"],
        counts["tickets"], time.time() - t0))


def log(what, n, t0):
    print("==> seeded %d %s (%.1f s)" % (n, what, time.time() - t0), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
