"""The schema step on existing data: restarts, a changed sql/, `jobtuned migrate`.

A restart against a database that already has the indexes must complete the
schema step (FerretDB 1.24 used to drop the connection on a createIndexes
that repeated existing indexes, and jobtuned retried forever), and a changed
sql/ must leave exactly the declared indexes: new ones created, undeclared
ones dropped, one whose key changed recreated.
"""
import copy
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from stack import JOBTUNED, ROOT, Stack, wait_until

SQL = os.path.join(ROOT, "sql")
DONE = "schema is up to date"


def load_schema(directory):
    """{file name: document} of a schema directory."""
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json") and not name.startswith("."):
            with open(os.path.join(directory, name)) as f:
                out[name] = json.load(f)
    return out


def declared_indexes(directory):
    """{collection: {index name: ([(field, direction)], unique)}}, the union over all files."""
    out = {}
    for doc in load_schema(directory).values():
        for coll in doc["collections"]:
            indexes = out.setdefault(coll["name"], {})
            for index in coll.get("indexes", []):
                indexes[index["name"]] = (list(index["key"].items()), bool(index.get("unique")))
    return out


def migration_problems(text):
    """Log lines of a failed or retried schema step."""
    bad = []
    for line in text.splitlines():
        low = line.lower()
        about_schema = any(w in low for w in ("migrat", "schema", "index", "database"))
        if about_schema and any(w in low for w in ("error", "unreachable", "retrying")):
            bad.append(line)
    return bad


class MigrateTest(unittest.TestCase):
    def setUp(self):
        self.stack = Stack(workers=1)
        self.addCleanup(self.stack.stop)

    # ---- helpers -------------------------------------------------------------
    def schema_runs(self):
        return self.stack.log_text().count(DONE)

    def wait_schema_done(self, runs):
        wait_until(lambda: self.schema_runs() >= runs, what=f"schema step #{runs}")
        wait_until(lambda: self.stack.get("/api/health").status == 200, what="health 200")

    def restart_jobtuned(self, env=None):
        s = self.stack
        s.jobtuned.terminate()
        s.jobtuned.wait(10)
        s.jobtuned = None
        if env:
            s.extra_env.update(env)
        s.start_jobtuned()

    def assert_indexes(self, declared):
        db = self.stack.db()
        for coll, indexes in declared.items():
            info = db[coll].index_information()
            have = {name: ([(f, float(d)) for f, d in spec["key"]], bool(spec.get("unique")))
                    for name, spec in info.items() if name != "_id_"}
            want = {name: ([(f, float(d)) for f, d in key], unique)
                    for name, (key, unique) in indexes.items()}
            self.assertEqual(have, want, coll)
            self.assertIn("_id_", info, coll)

    # ---- tests ---------------------------------------------------------------
    def test_restart_and_changed_index_set(self):
        s = self.stack
        s.start()
        self.wait_schema_done(1)
        self.assert_indexes(declared_indexes(SQL))

        # Same data, same sql/: the step must complete, not retry.
        self.restart_jobtuned()
        self.wait_schema_done(2)
        self.assertEqual(migration_problems(s.log_text()), [])
        self.assert_indexes(declared_indexes(SQL))

        # A copy of sql/ with one index added and one removed.
        tmp = tempfile.mkdtemp(prefix="jobtune-sql-")
        self.addCleanup(shutil.rmtree, tmp, True)
        schema = load_schema(SQL)
        removed = None
        for doc in schema.values():
            for coll in doc["collections"]:
                if removed is None and coll.get("indexes"):
                    removed = (coll["name"], coll["indexes"].pop(0)["name"])
        self.assertIsNotNone(removed, "sql/ declares no index to remove")
        first = schema[sorted(schema)[0]]
        added_coll = first["collections"][0]
        added_coll.setdefault("indexes", []).append(
            {"name": "test_added", "key": {"testField": 1, "createdAt": -1}, "unique": True})

        def write(schema_docs):
            for name, doc in schema_docs.items():
                with open(os.path.join(tmp, name), "w") as f:
                    json.dump(doc, f)

        write(schema)
        self.restart_jobtuned({"JOBTUNE_SCHEMA_DIR": tmp})
        self.wait_schema_done(3)
        declared = declared_indexes(tmp)
        # A collection that sql/ declared before counts with what it declares now.
        for coll in declared_indexes(SQL):
            declared.setdefault(coll, {})
        self.assertNotIn(removed[1], declared[removed[0]], "removed, yet declared elsewhere")
        self.assertNotIn(removed[1], s.db()[removed[0]].index_information())
        self.assertIn(f"dropped index {removed[0]}.{removed[1]}", s.log_text())
        self.assert_indexes(declared)
        self.assertIn(f"created index {added_coll['name']}.test_added", s.log_text())

        # Unchanged again: nothing is dropped or created (unique reads back).
        before = len(s.log_text())
        self.restart_jobtuned()
        self.wait_schema_done(4)
        this_run = s.log_text()[before:]
        self.assertNotIn("created index", this_run)
        self.assertNotIn("dropped index", this_run)

        # The same name with another key: dropped and recreated.
        changed = copy.deepcopy(schema)
        changed[sorted(changed)[0]]["collections"][0]["indexes"][-1]["key"] = {"testField": -1}
        write(changed)
        self.restart_jobtuned()
        self.wait_schema_done(5)
        self.assertIn(f"dropped index {added_coll['name']}.test_added", s.log_text())
        self.assert_indexes(declared_indexes(tmp))
        self.assertEqual(migration_problems(s.log_text()), [])

    def test_migrate_subcommand_twice(self):
        s = self.stack
        s.start_db()
        runs = []
        for _ in range(2):
            p = subprocess.run([JOBTUNED, "migrate"], env=s.env(), capture_output=True,
                               timeout=60)
            runs.append(p)
            self.assertEqual(p.returncode, 0, p.stderr.decode("utf-8", "replace"))
        first, second = (p.stderr.decode("utf-8", "replace") for p in runs)
        self.assertIn("created index", first)
        # The second run finds everything in place: nothing created or dropped.
        self.assertNotIn("created index", second)
        self.assertNotIn("dropped index", second)
        self.assertEqual(migration_problems(first + second), [])
        self.assert_indexes(declared_indexes(SQL))


if __name__ == "__main__":
    unittest.main()
