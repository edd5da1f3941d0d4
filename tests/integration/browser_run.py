"""One run of a tests/browser script against a started stack, shared by the
browser tests (test_browser.py: support.mjs, test_journey.py: journey.mjs
then rehearsal.mjs): the check that node and
tests/browser/node_modules are there, the run itself with its output saved
next to the screenshots, and the reading of the script's lines:

    ok   browser NAME [NOTE]
    FAIL browser NAME: REASON
    info browser LABEL=VALUE
    N passed, N failed

A test class runs the script once in setUpClass (run_script), keeps what it
printed in `output` and its exit code in `returncode`, and mixes in
ScriptOutput for the assertions on them; DevSignInScriptTest does all of
that for a stack whose website signs in through the development route.
"""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import tokens
from fake_openai import FakeOpenAI
from fake_sarvam import FakeSarvam
from stack import AuthStack, ROOT, fakes_env, stop_class_stack
from test_auth import DEV_ISSUER

BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def require_node(modules=("playwright-core",)):
    """Raises if node or one of tests/browser's npm modules is missing."""
    for module in modules:
        if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", module)):
            raise RuntimeError(f"tests/browser/node_modules/{module} is missing: run `npm ci` "
                               "in tests/browser (scripts/test does this)")
    if shutil.which("node") is None:
        raise RuntimeError("node is not installed (Debian package nodejs)")


def run_script(script, base, shots, timeout, env=None, log="output.txt"):
    """Runs `node tests/browser/SCRIPT BASE SHOTS` from the repository root;
    returns (output, returncode), returncode None after a timeout.  The
    output is saved as SHOTS/LOG too."""
    try:
        proc = subprocess.run(["node", os.path.join("tests", "browser", script), base,
                               os.path.relpath(shots, ROOT)],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        output, returncode = proc.stdout.decode("utf-8", "replace"), proc.returncode
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"").decode("utf-8", "replace") + \
            f"\n({script} timed out after {timeout} s)"
        returncode = None
    os.makedirs(shots, exist_ok=True)
    with open(os.path.join(shots, log), "w") as f:
        f.write(output)
    return output, returncode


class ScriptOutput:
    """Assertions on a script's output, for a unittest.TestCase whose class
    sets SCRIPT (the script's file name), `output` and `returncode`."""
    SCRIPT = "the script"
    output = ""
    returncode = None

    def case_ok(self, name):
        """Asserts the case passed; returns the rest of its ok line."""
        m = re.search(rf"^ok   browser {re.escape(name)}(?: (.*))?$", self.output, re.M)
        failed = re.search(rf"^FAIL browser {re.escape(name)}\b.*$", self.output, re.M)
        self.assertIsNotNone(m, (failed.group(0) + "\n" if failed else "") +
                             f"browser case {name} did not pass; {self.SCRIPT} said:\n"
                             f"{self.output}")
        return (m.group(1) or "").strip()

    def info_line(self, label):
        """The VALUE of the script's "info browser LABEL=VALUE" line, as printed."""
        m = re.search(rf"^info browser {re.escape(label)}=(.*)$", self.output, re.M)
        self.assertIsNotNone(m, f"{self.SCRIPT} printed no {label}:\n{self.output}")
        return m.group(1)

    def assert_summary(self, cases=None):
        """The last line is "N passed, 0 failed" (N == cases if given) and the
        script exited 0."""
        lines = self.output.strip().splitlines()
        last = lines[-1] if lines else ""
        if cases is None:
            self.assertRegex(last, r"^\d+ passed, 0 failed$", f"{self.SCRIPT} said:\n{self.output}")
        else:
            self.assertEqual(last, f"{cases} passed, 0 failed",
                             f"{self.SCRIPT} said:\n{self.output}")
        self.assertEqual(self.returncode, 0, f"{self.SCRIPT} said:\n{self.output}")

    def assert_pngs(self, paths):
        for path in paths:
            self.assertTrue(os.path.isfile(path), f"{path} was not written")
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), PNG_MAGIC, f"{path} is not a PNG")


class DevSignInScriptTest(ScriptOutput, unittest.TestCase):
    """SCRIPT run once (setUpClass) against a stack whose website signs in
    through the development route, POST /api/session, with a key of the
    class's own, as any user id the script chooses.  A using class sets
    SCRIPT, SHOTS (the screenshots' folder, emptied first), `workers`,
    `timeout` (the script's, in seconds), `fake_openai` and `fake_sarvam`
    (True: cls.ai, a FakeOpenAI, and cls.sv, a FakeSarvam, are the stack's,
    started before it and stopped after it), and may define prepare() (run
    before the stack starts: set the fakes up, write files into cls.tmp),
    stack_env(base) (more of the stack's environment), seed() (run once the
    stack is up) and script_env() (the script's JT_ variables).  No tests
    of its own."""
    SCRIPT = SHOTS = None
    workers = 2
    timeout = 180
    fake_openai = fake_sarvam = False
    stack = ai = sv = tmp = None

    @classmethod
    def prepare(cls):
        pass

    @classmethod
    def stack_env(cls, base):
        return {}

    @classmethod
    def seed(cls):
        pass

    @classmethod
    def script_env(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        require_node(("playwright-core", "axe-core"))
        shutil.rmtree(cls.SHOTS, ignore_errors=True)
        os.makedirs(cls.SHOTS)
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-browser-")
        try:
            key = tokens.Key(kid=f"ins_test_{cls.__name__}")
            signing_key = os.path.join(cls.tmp, "dev-signing-key.pem")
            with open(signing_key, "w") as f:
                f.write(key.private_pem())
            if cls.fake_openai:
                cls.ai = FakeOpenAI().start()
            if cls.fake_sarvam:
                cls.sv = FakeSarvam().start()
            cls.prepare()
            cls.stack = AuthStack(workers=cls.workers)
            base = f"http://127.0.0.1:{cls.stack.http_port}"
            env = {"CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": DEV_ISSUER,
                   "JOBTUNE_DEV_SIGNING_KEY": signing_key, "CLERK_AUTHORIZED_PARTIES": base}
            env.update(fakes_env(cls.ai, cls.sv))
            env.update(cls.stack_env(base))
            cls.stack.extra_env = env
            cls.stack.start()
            cls.seed()
            cls.output, cls.returncode = run_script(cls.SCRIPT, base, cls.SHOTS, cls.timeout,
                                                    env=dict(os.environ, **cls.script_env()))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_class_stack(cls)
