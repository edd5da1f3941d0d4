"""`jobtuned backup DIR` and `jobtuned restore DIR` on the real stack.

A backup is taken while users keep creating resumes through nginx; the
copy is then opened by a second FerretDB of its own, where every resume
acknowledged (201) before the backup started must be, and the manifest's
sizes and SHA-256s must be the files'.  A restore is refused while the
stack's FerretDB runs on the target, and refused for a backup whose file
no longer matches its manifest; with FerretDB stopped it puts the backup
back, and once FerretDB is started again the API serves the resumes of the
backup and not those created after it."""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import tokens
from stack import FERRETDB, JOBTUNED, SignedInStackTest, free_port, wait_until

DB_FILE = "jobtune_test.sqlite"


def resume(n):
    return {"basics": {"name": f"Load Writer {n}", "label": "Engineer"},
            "skills": [{"name": "C"}]}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


class SecondFerret:
    """A FerretDB of its own on a copy of a backup's files."""

    def __init__(self, files_dir):
        self.dir = tempfile.mkdtemp(prefix="jobtune-restored-")
        for name in os.listdir(files_dir):
            if name.endswith(".sqlite"):
                shutil.copy(os.path.join(files_dir, name), self.dir)
        self.port = free_port()
        self.log = open(os.path.join(self.dir, "ferretdb.log"), "ab")
        self.proc = subprocess.Popen(
            [FERRETDB, "--handler=sqlite", f"--sqlite-url=file:{self.dir}/",
             "--telemetry=disable", "--debug-addr=-", "--log-level=warn",
             f"--state-dir={self.dir}", f"--listen-addr=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=self.log)
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                   or True, what="the second FerretDB")

    def db(self, name):
        import pymongo
        return pymongo.MongoClient(f"mongodb://127.0.0.1:{self.port}/",
                                   serverSelectionTimeoutMS=3000)[name]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class BackupTest(SignedInStackTest):
    workers = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backups = tempfile.mkdtemp(prefix="jobtune-backups-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.backups, ignore_errors=True)
        super().tearDownClass()

    def jobtuned(self, *args):
        return subprocess.run([JOBTUNED, *args], env=self.stack.env(), capture_output=True,
                              text=True, timeout=120)

    def create(self, user, n):
        r = self.stack.request("POST", "/api/resumes", body=resume(n), headers=self.auth(user))
        self.assertEqual(r.status, 201, r.text)
        return r.json()["id"]

    def backup_under_load(self, where):
        """Writers create resumes while `jobtuned backup` runs; returns
        (the backup's process result, [(ack time, user, id, sent time)],
        start, end)."""
        acks, failures, stop = [], [], threading.Event()
        lock = threading.Lock()

        def writer(k):
            user, n = tokens.new_user_id(), 0
            while not stop.is_set():
                sent = time.monotonic()
                r = self.stack.request("POST", "/api/resumes", body=resume(n),
                                       headers=self.auth(user))
                t = time.monotonic()
                with lock:
                    if r.status == 201:
                        acks.append((t, user, r.json()["id"], sent))
                    else:
                        failures.append((r.status, r.text))
                n += 1

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        try:
            wait_until(lambda: len(acks) >= 40, what="40 resumes written")
            start = time.monotonic()
            done = self.jobtuned("backup", where)
            end = time.monotonic()
            count = len(acks)
            wait_until(lambda: len(acks) >= count + 20, what="writes after the backup")
        finally:
            stop.set()
            for t in threads:
                t.join(30)
        self.assertEqual(failures, [], "writes failed while the backup ran")
        return done, acks, start, end

    def test_backup_under_load_has_every_acknowledged_write(self):
        where = os.path.join(self.backups, "live")
        done, acks, start, end = self.backup_under_load(where)
        self.assertEqual(done.returncode, 0, done.stderr)
        before = [(u, rid) for t, u, rid, _ in acks if t < start]
        during = [rid for t, _, rid, _ in acks if start <= t <= end]
        self.assertGreaterEqual(len(before), 40)

        with open(os.path.join(where, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["format"], "jobtune-backup/1")
        self.assertTrue(manifest["startedAt"].endswith("Z"))
        self.assertIn("jobtuned", manifest["versions"])
        self.assertIn("sqlite", manifest["versions"])
        names = {f["name"] for f in manifest["files"]}
        self.assertIn(DB_FILE, names)
        self.assertEqual(sorted(names | {"manifest.json"}), sorted(os.listdir(where)))
        for f in manifest["files"]:
            path = os.path.join(where, f["name"])
            self.assertEqual(os.path.getsize(path), f["bytes"])
            self.assertEqual(sha256(path), f["sha256"])

        second = SecondFerret(where)
        try:
            resumes = second.db(self.stack.db_name)["resumes"]
            found = {d["_id"] for d in resumes.find({"_id": {"$in": [r for _, r in before]}},
                                                   {"_id": 1})}
            missing = [rid for _, rid in before if rid not in found]
            self.assertEqual(missing, [], f"{len(missing)} acknowledged resumes not in the copy")
            # the copy is one moment, over before the backup ended: no
            # write sent after that is in it
            later = [rid for _, _, rid, sent in acks if sent > end]
            self.assertTrue(later)
            self.assertEqual(resumes.count_documents({"_id": {"$in": later}}), 0)
        finally:
            second.stop()
        print(f"  backup: {len(before)} resumes acknowledged before it, {len(during)} while "
              f"it ran ({(end - start) * 1000:.0f} ms), all before it in the copy", flush=True)

    def test_backup_fails_loudly(self):
        where = os.path.join(self.backups, "used")
        os.makedirs(where)
        with open(os.path.join(where, "something"), "w") as f:
            f.write("x")
        done = self.jobtuned("backup", where)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("not empty", done.stderr)
        # without the embedded database's directory there is nothing to copy
        env = {k: v for k, v in self.stack.env().items() if k != "FERRETDB_SQLITE_DIR"}
        done = subprocess.run([JOBTUNED, "backup", os.path.join(self.backups, "none")],
                              env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("FERRETDB_SQLITE_DIR is not set", done.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.backups, "none")))
        done = self.jobtuned("backup")
        self.assertEqual(done.returncode, 2)
        self.assertIn("backup DIR", done.stderr)

    def test_restore(self):
        user = tokens.new_user_id()
        kept = self.create(user, 1)
        where = os.path.join(self.backups, "to-restore")
        done = self.jobtuned("backup", where)
        self.assertEqual(done.returncode, 0, done.stderr)
        lost = self.create(user, 2)
        target = os.path.join(self.stack.data, DB_FILE)

        # refused while FerretDB runs on the target, which it leaves alone
        done = self.jobtuned("restore", where)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("stop FerretDB first", done.stderr)
        self.assertEqual(self.stack.request("GET", f"/api/resumes/{lost}",
                                            headers=self.auth(user)).status, 200)

        self.stack.stop_db()
        try:
            # a file that no longer matches its manifest: refused, nothing replaced
            tampered = os.path.join(self.backups, "tampered")
            shutil.copytree(where, tampered)
            with open(os.path.join(tampered, DB_FILE), "r+b") as f:
                f.seek(os.path.getsize(f.name) // 2)
                byte = f.read(1)
                f.seek(-1, os.SEEK_CUR)
                f.write(bytes([byte[0] ^ 0xFF]))
            before = sha256(target)
            done = self.jobtuned("restore", tampered)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("does not match the manifest", done.stderr)
            self.assertEqual(sha256(target), before)
            # no manifest: not a backup
            done = self.jobtuned("restore", self.backups)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("not a complete backup", done.stderr)

            done = self.jobtuned("restore", where)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(sha256(target), sha256(os.path.join(where, DB_FILE)))
            self.assertFalse([n for n in os.listdir(self.stack.data) if n.endswith(".restoring")])
        finally:
            self.stack.start_db()
        wait_until(lambda: self.stack.get("/api/health").status == 200, what="health")
        r = wait_until(lambda: (lambda r: r if r.status == 200 else None)(
            self.stack.request("GET", f"/api/resumes/{kept}", headers=self.auth(user))),
            what="the backed-up resume served")
        self.assertEqual(r.json()["resume"]["basics"]["name"], "Load Writer 1")
        self.assertEqual(self.stack.request("GET", f"/api/resumes/{lost}",
                                            headers=self.auth(user)).status, 404)
        r = self.stack.request("GET", "/api/resumes", headers=self.auth(user))
        self.assertEqual([x["id"] for x in r.json()["items"]], [kept], r.text)
        # and it takes writes again
        self.create(user, 3)


if __name__ == "__main__":
    unittest.main()
