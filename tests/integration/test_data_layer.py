"""The data layer under concurrency and crashes, through the real stack.

- Conditional writes: two processes race PUTs with the same If-Match,
  many times; exactly one wins, the other gets 412, nothing is lost.
- Crashes between the two writes of a create, a replacement and a delete:
  a worker is killed at a fault point (JOBTUNE_FAULT, honoured only in
  development), and the next list or read repairs the data so that the
  list and the object agree and no resume is lost or orphaned.
- Every signed-in read is an _id lookup: the routes answer the same with
  other users' data in the database (the scale itself is scripts/bench's).
"""
import multiprocessing
import os
import signal
import unittest

import tokens
from stack import wait_until
from test_auth import AuthStack
from test_resumes import RESUMES, WEBHOOK_SECRET, ResumeClient
from tokens import ISSUER, ORIGIN

RACES = 40


def racer(args):
    """One side of a race: PUT with If-Match "1", after the barrier."""
    port, token, rid, name, barrier = args
    import http.client
    import json
    barrier.wait()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("PUT", f"{RESUMES}/{rid}", body=json.dumps({"basics": {"name": name}}),
                     headers={"Authorization": f"Bearer {token}", "If-Match": '"1"',
                              "Content-Type": "application/json"})
        r = conn.getresponse()
        return r.status, r.read().decode()
    finally:
        conn.close()


class DataLayerTest(ResumeClient, unittest.TestCase):
    fault = None

    @classmethod
    def env(cls, fault=None):
        e = {"CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
             "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
             "JOBTUNE_REQUEST_TIMEOUT": "2"}
        if fault:
            e["JOBTUNE_FAULT"] = fault
        return e

    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_data_layer")
        cls.stack = AuthStack(workers=2, request_timeout=2, env=cls.env())
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            raise
        db = cls.stack.db()
        cls.resumes, cls.tailorings, cls.directories = (db["resumes"], db["tailorings"],
                                                         db["directories"])
        cls.resumes_log = db["resumes_log"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def setUp(self):
        self.alice, self.bob = tokens.new_user_id(), tokens.new_user_id()

    def restart_jobtuned(self, fault=None):
        """The same database, jobtuned started again with (or without) a fault."""
        self.stack.jobtuned.send_signal(signal.SIGTERM)
        self.stack.jobtuned.wait(10)
        os.unlink(self.stack.sock)
        self.stack.extra_env = self.env(fault)
        self.stack.start_jobtuned()
        wait_until(lambda: self.stack.get("/api/health").status == 200, what="health")

    def listed(self, user):
        r = self.call("GET", f"{RESUMES}?limit=100", user)
        self.assertEqual(r.status, 200, r.text)
        return {item["id"]: item for item in r.json()["items"]}

    def entry(self, user, rid):
        head = self.directories.find_one({"_id": user}) or {}
        return head.get("body", {}).get("resumes", {}).get(rid)

    # ---- conditional writes ------------------------------------------------------
    def test_racing_puts_with_one_if_match_one_wins(self):
        token = self.token(self.alice)
        ctx = multiprocessing.get_context("fork")
        with ctx.Manager() as manager, ctx.Pool(2) as pool:
            for i in range(RACES):
                rid = self.create(self.alice, {"basics": {"name": "start"}})["id"]
                barrier = manager.Barrier(2)
                names = [f"left {i}", f"right {i}"]
                results = pool.map(racer, [(self.stack.http_port, token, rid, n, barrier)
                                           for n in names])
                statuses = sorted(s for s, _ in results)
                self.assertEqual(statuses, [200, 412], results)
                winner = names[[s for s, _ in results].index(200)]
                r = self.call("GET", f"{RESUMES}/{rid}", self.alice)
                self.assertEqual(r.status, 200)
                self.assertEqual(r.json()["version"], 2)
                self.assertEqual(r.json()["resume"]["basics"]["name"], winner)
                self.assertEqual(self.listed(self.alice)[rid]["version"], 2)
                self.assertEqual(self.listed(self.alice)[rid]["title"], winner)

    def test_another_version_is_412_and_the_next_one_wins(self):
        rid = self.create(self.alice, {})["id"]
        self.assertEqual(self.put(self.alice, rid, {"basics": {"name": "v2"}}, '"1"').status, 200)
        self.assertEqual(self.put(self.alice, rid, {"basics": {"name": "x"}}, '"1"').status, 412)
        self.assertEqual(self.put(self.alice, rid, {"basics": {"name": "x"}}, '"3"').status, 412)
        self.assertEqual(self.put(self.alice, rid, {"basics": {"name": "v3"}}, '"2"').status, 200)
        got = self.call("GET", f"{RESUMES}/{rid}", self.alice).json()
        self.assertEqual((got["version"], got["resume"]["basics"]["name"]), (3, "v3"))
        # the log keeps a generation until it is older than the prune age (the
        # lease plus a margin: tests/unit/test_chain.c proves the pruning)
        logs = list(self.resumes_log.find({"_id": {"$in": [f"{rid}:2", f"{rid}:3"]}}))
        self.assertEqual({d["_id"]: "body" in d for d in logs}, {f"{rid}:2": True,
                                                                  f"{rid}:3": True})
        self.assertEqual(self.resumes.find_one({"_id": rid})["floor"], 2)

    def newest_directory(self, user):
        """The directory as a read sees it: the head, then the log past it."""
        head = self.directories.find_one({"_id": user})
        body, gen = head["body"], head["gen"]
        log = self.stack.db()["directories_log"]
        while (e := log.find_one({"_id": f"{user}:{gen + 1}"})) is not None:
            body, gen = e["body"], gen + 1
        return body

    # ---- crashes between two writes ------------------------------------------------
    def killed(self, method, path, user, body=None, headers=None):
        """A request whose worker dies at the fault point: nginx answers 502."""
        before = set(self.stack.worker_pids())
        r = self.call(method, path, user, body=body, headers=headers)
        self.assertEqual(r.status, 502, r.text)
        wait_until(lambda: len(set(self.stack.worker_pids()) - before) >= 1,
                   what="a replacement worker")

    def test_a_lost_acknowledgement_keeps_the_trail(self):
        """An insert that was applied but whose answer never came (a socket
        timeout after the write): the request fails, yet the entry that lets
        the list's repair and the erasure find the object stays."""
        user = tokens.new_user_id()
        kept = self.create(user, {"basics": {"name": "kept"}})["id"]
        self.restart_jobtuned("lost_ack:resumes")
        try:
            r = self.call("POST", RESUMES, user, body={"basics": {"name": "unacknowledged"}})
            self.assertEqual(r.status, 503, r.text)
        finally:
            self.restart_jobtuned()
        stored = [d["_id"] for d in self.resumes.find({"body.userId": user})]
        self.assertEqual(len(stored), 2)  # it was stored all the same
        rid = (set(stored) - {kept}).pop()
        self.assertEqual(self.newest_directory(user)["resumes"][rid]["state"], "new")
        # the next list settles it: the object exists, so it is listed ...
        self.assertEqual(set(self.listed(user)), {kept, rid})
        self.assertEqual(self.newest_directory(user)["resumes"][rid]["state"], "ok")
        # ... and an erasure finds it and counts it
        r = self.call("DELETE", "/api/me", user)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["counts"]["resumes"], 2)
        self.assertEqual(self.resumes.count_documents({"body.userId": user}), 0)

    def test_crash_between_the_writes_of_a_create(self):
        kept = self.create(self.alice, {"basics": {"name": "kept"}})["id"]
        self.restart_jobtuned("resume_listed")
        try:
            self.killed("POST", RESUMES, self.alice, body={"basics": {"name": "lost"}})
            # the commit point (the log) lists it "new"; the head, written
            # after the insert that never came, lags behind
            pending = [rid for rid, e in self.newest_directory(self.alice)["resumes"].items()
                       if e["state"] == "new" and rid != kept]
            self.assertEqual(len(pending), 1)
            rid = pending[0]
            self.assertIsNone(self.resumes.find_one({"_id": rid}))
            # the list never shows it, the object is a 404, and once its request
            # can no longer be running the list drops the entry
            self.assertEqual(set(self.listed(self.alice)), {kept})
            self.assertEqual(self.call("GET", f"{RESUMES}/{rid}", self.alice).status, 404)
            wait_until(lambda: set(self.listed(self.alice)) == {kept} and
                       self.entry(self.alice, rid) is None, timeout=30,
                       what="the dead create's entry dropped")
        finally:
            self.restart_jobtuned()
        self.assertEqual(self.call("GET", f"{RESUMES}/{kept}", self.alice).status, 200)

    def test_crash_after_the_commit_of_a_replacement(self):
        rid = self.create(self.alice, {"basics": {"name": "v1"}})["id"]
        self.restart_jobtuned("chain_committed")
        try:
            self.killed("PUT", f"{RESUMES}/{rid}", self.alice, body={"basics": {"name": "v2"}},
                        headers={"If-Match": '"1"'})
            self.assertEqual(self.resumes.find_one({"_id": rid})["gen"], 1)  # head lags
            # the commit point was written: the read rolls it forward
            got = self.call("GET", f"{RESUMES}/{rid}", self.alice).json()
            self.assertEqual((got["version"], got["resume"]["basics"]["name"]), (2, "v2"))
            self.assertEqual(self.resumes.find_one({"_id": rid})["gen"], 2)  # repaired
            # and a writer that still holds version 1 loses
            self.assertEqual(self.put(self.alice, rid, {}, '"1"').status, 412)
        finally:
            self.restart_jobtuned()

    def test_crash_between_the_writes_of_a_delete(self):
        rid = self.create(self.alice, {"basics": {"name": "doomed"}})["id"]
        kept = self.create(self.alice, {"basics": {"name": "kept"}})["id"]
        self.assertEqual(self.put(self.alice, rid, {"basics": {"name": "v2"}}, '"1"').status, 200)
        self.store_tailoring(self.alice, rid, "ab" * 12)
        self.restart_jobtuned("resume_delete_marked")
        try:
            self.killed("DELETE", f"{RESUMES}/{rid}", self.alice)
            self.assertEqual(self.entry(self.alice, rid)["state"], "deleting")
            self.assertIsNotNone(self.resumes.find_one({"_id": rid}))
            # the next list finishes the deletion
            self.assertEqual(set(self.listed(self.alice)), {kept})
            self.assertEqual(self.call("GET", f"{RESUMES}/{rid}", self.alice).status, 404)
            self.assertIsNone(self.resumes.find_one({"_id": rid}))
            self.assertEqual(self.resumes_log.count_documents({"_id": f"{rid}:2"}), 0)
            self.assertIsNone(self.tailorings.find_one({"_id": "ab" * 12}))
            self.assertIsNone(self.entry(self.alice, rid))
        finally:
            self.restart_jobtuned()
        self.assertEqual(self.call("GET", f"{RESUMES}/{kept}", self.alice).status, 200)

    # ---- the embedded database's _id index ----------------------------------------
    def test_every_collection_has_an_id_index_ferretdb_queries_use(self):
        """FerretDB answers {_id: value} with WHERE _ferretdb_sjson->'$._id' = ?; the
        schema step gives every table an index on that very expression, so SQLite
        searches instead of scanning (its own _id index is on another expression)."""
        import sqlite3
        self.create(self.alice, {})
        con = sqlite3.connect(os.path.join(self.stack.data, f"{self.stack.db_name}.sqlite"))
        try:
            tables = [t for (t,) in con.execute("SELECT table_name FROM _ferretdb_collections")]
            self.assertIn("resumes", {n for (n,) in con.execute(
                "SELECT name FROM _ferretdb_collections")})
            for table in tables:
                plan = " ".join(str(r) for r in con.execute(
                    f"EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM \"{table}\" "
                    "WHERE _ferretdb_sjson->'$._id' = ?", ('"x"',)))
                self.assertIn(f"USING INDEX {table}_jt_id", plan, table)
        finally:
            con.close()

    # ---- ownership ---------------------------------------------------------------------
    def test_another_users_id_is_404_on_every_object_route(self):
        rid = self.create(self.alice, {"basics": {"name": "mine"}})["id"]
        for method, path, body, headers in (
                ("GET", f"{RESUMES}/{rid}", None, None),
                ("GET", f"{RESUMES}/{rid}?format=jsonresume", None, None),
                ("PUT", f"{RESUMES}/{rid}", {}, {"If-Match": '"1"'}),
                ("DELETE", f"{RESUMES}/{rid}", None, None),
                ("GET", f"{RESUMES}/{rid}/pdf", None, None),
                ("GET", f"{RESUMES}/{rid}/tailorings", None, None),
                ("POST", f"{RESUMES}/{rid}/ats", {"jobDescription": "Go"}, None),
                ("POST", f"{RESUMES}/{rid}/tailor", {"jobDescription": "Go"}, None)):
            with self.subTest(route=f"{method} {path}"):
                self.assert_error(self.call(method, path, self.bob, body=body, headers=headers),
                                  404, "not_found")
        got = self.call("GET", f"{RESUMES}/{rid}", self.alice).json()
        self.assertEqual((got["version"], got["resume"]["basics"]["name"]), (1, "mine"))
        self.assertNotIn(rid, self.listed(self.bob))


if __name__ == "__main__":
    unittest.main()
