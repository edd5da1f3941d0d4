"""`./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var &&
make install DESTDIR=...`, as a Debian packager or an operator following
the README runs it, gives a service that starts.

A copy of the built tree is configured with those paths and installed into
a temporary DESTDIR (the copy keeps the objects: only src/base/config.c,
the one file that compiles the paths in, is rebuilt).  Then: the unit, the
nginx site and the env example name the configured paths; the compiled
defaults are /run/jobtune/jobtune.sock and /usr/share/jobtune/sql; the
installed binary, started with the installed env example (JOBTUNE_LISTEN
and MONGODB_URI pointed at a test FerretDB, paths rebased onto DESTDIR)
answers /api/health through nginx, with W^X memory enforced as the unit's
MemoryDenyWriteExecute does; the installed site passes `nginx -t` with a
throwaway certificate; and `make dist` leaves out node_modules and test
artifacts."""
import ctypes
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import unittest

from stack import ROOT, Stack, nginx_t_production_site, wait_until

CONFIGURE = ["--prefix=/usr", "--sysconfdir=/etc", "--localstatedir=/var"]
PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1


def refuse_wx():
    """What MemoryDenyWriteExecute= does, for this process and its children
    (Linux 6.3+): no mapping may become writable and executable."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_MDWE)")


def read_env_file(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                env[k] = v
    return env


class InstalledStack(Stack):
    """The installed jobtuned with the installed env example."""

    def __init__(self, destdir, **kw):
        super().__init__(workers=2, **kw)
        self.destdir = destdir
        self.binary = os.path.join(destdir, "usr/sbin/jobtuned")

    def env(self):
        e = {k: v for k, v in os.environ.items()
             if not k.startswith(("JOBTUNE_", "MONGODB_", "CLERK_", "OPENAI_", "SARVAM_",
                                  "POSTHOG_", "GEOIP_"))}
        e.update(read_env_file(os.path.join(self.destdir, "usr/share/doc/jobtune/examples/"
                                            "jobtune.env.example")))
        # only the database and the socket change; installed paths move into DESTDIR
        e["JOBTUNE_LISTEN"] = f"unix:{self.sock}"
        e["MONGODB_URI"] = f"mongodb://127.0.0.1:{self.db_port}/"
        e["JOBTUNE_SCHEMA_DIR"] = self.destdir + e["JOBTUNE_SCHEMA_DIR"]
        e["GEOIP_DB"] = ""  # no GeoIP database on the test machine
        e["JOBTUNE_LISTEN_MODE"] = "0666"  # nginx's workers run as nobody here
        e["JOBTUNE_SECRET"] = "x" * 40
        return e

    def start_jobtuned(self):
        log = open(self.jobtuned_log, "ab")
        # ExecStartPre, then ExecStart
        subprocess.run([self.binary, "migrate"], env=self.env(), stdout=log, stderr=log,
                       check=True, timeout=60, preexec_fn=refuse_wx)
        self.jobtuned = subprocess.Popen([self.binary], env=self.env(), stdout=log, stderr=log,
                                         preexec_fn=refuse_wx)
        wait_until(lambda: os.path.exists(self.sock), what="jobtuned socket")


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-install-")
        cls.tree = os.path.join(cls.tmp, "tree")
        cls.destdir = os.path.join(cls.tmp, "dest")
        skip = {".git", ".local", "node_modules", "artifacts", "__pycache__", "state.json"}
        shutil.copytree(ROOT, cls.tree, symlinks=True,
                        ignore=lambda d, names: [n for n in names if n in skip])
        cls.log = os.path.join(cls.tmp, "build.log")
        with open(cls.log, "w") as log:
            subprocess.run(["./configure", "-q", *CONFIGURE], cwd=cls.tree, check=True,
                           stdout=log, stderr=log, timeout=300)
            # the configured paths reach the binary through config.c alone
            os.utime(os.path.join(cls.tree, "src/base/config.c"))
            subprocess.run(["make", "-s", f"-j{os.cpu_count()}", "install",
                            f"DESTDIR={cls.destdir}"], cwd=cls.tree, check=True,
                           stdout=log, stderr=log, timeout=600)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def installed(self, path):
        full = os.path.join(self.destdir, path.lstrip("/"))
        self.assertTrue(os.path.exists(full), f"{path} is not installed")
        return full

    def read(self, path):
        with open(self.installed(path)) as f:
            return f.read()

    def test_only_config_c_compiles_paths_in(self):
        hits = subprocess.run(["grep", "-rlE", "JT_(SCHEMA|RUN)_DIR", "src"], cwd=ROOT,
                              capture_output=True, text=True).stdout.split()
        self.assertEqual(sorted(h for h in hits if h.endswith((".c", ".h"))),
                         ["src/base/config.c"])

    def test_files_name_the_configured_paths(self):
        unit = self.read("/usr/lib/systemd/system/jobtune.service")
        self.assertIn("\nExecStart=/usr/sbin/jobtuned\n", unit)
        self.assertIn("\nExecStartPre=/usr/sbin/jobtuned migrate\n", unit)
        self.assertIn("\nEnvironmentFile=/etc/jobtune/jobtune.env\n", unit)
        self.assertIn("\nType=notify\n", unit)
        self.assertIn("\nExecReload=/bin/kill -HUP $MAINPID\n", unit)
        self.installed("/usr/sbin/jobtuned")

        site = self.read("/etc/nginx/sites-available/jobtune.conf")
        self.assertRegex(site, r"\n\s*root /usr/share/jobtune/www;")
        self.assertIn("server unix:/run/jobtune/jobtune.sock;", site)
        self.installed("/usr/share/jobtune/www/index.html")
        # every file of the site, the /app/ pages and their partials included
        www = os.path.join(ROOT, "nginx", "www")
        for folder, _, files in os.walk(www):
            for name in files:
                rel = os.path.relpath(os.path.join(folder, name), www)
                self.installed(f"/usr/share/jobtune/www/{rel}")
        self.installed("/etc/nginx/snippets/jobtune-common.conf")

        env = read_env_file(self.installed("/usr/share/doc/jobtune/examples/jobtune.env.example"))
        self.assertEqual(env["JOBTUNE_SCHEMA_DIR"], "/usr/share/jobtune/sql")
        self.assertEqual(env["JOBTUNE_LISTEN"], "unix:/run/jobtune/jobtune.sock")
        self.installed("/usr/share/jobtune/sql/001-support.json")

        for text in (unit, site, "\n".join(env.values())):
            self.assertNotIn("/usr/local", text)
            self.assertNotRegex(text, r"@[a-z]+@")  # every template variable replaced

    def test_compiled_defaults_are_the_configured_paths(self):
        with open(self.installed("/usr/sbin/jobtuned"), "rb") as f:
            binary = f.read()
        self.assertIn(b"unix:/run/jobtune/jobtune.sock\0", binary)
        self.assertIn(b"/usr/share/jobtune/sql\0", binary)
        self.assertNotIn(b"/usr/local/share/jobtune", binary)
        self.assertNotIn(b"/var/run/jobtune", binary)

    def test_installed_binary_serves_with_the_installed_env_example(self):
        stack = InstalledStack(self.destdir)
        try:
            stack.start()  # FerretDB, migrate + jobtuned under W^X refusal, nginx, health 200
            r = stack.get("/api/health")
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(r.json()["db"], "ok")
            self.assertIn("production", stack.log_text())
            self.assertNotIn("schema", re.sub(r"schema is up to date", "", stack.log_text())
                             .lower().replace("jobtune_schema_dir", ""), stack.log_text())
        finally:
            stack.stop()

    def test_pdf_rendering_needs_no_writable_executable_memory(self):
        """The unit tests typeset PDFs with cairo and Pango: under W^X
        refusal they pass, so MemoryDenyWriteExecute=yes is safe."""
        subprocess.run(["make", "-s", f"-j{os.cpu_count()}", "tests/unit/unit_tests"],
                       cwd=self.tree, check=True, capture_output=True, timeout=600)
        p = subprocess.run([os.path.join(self.tree, "tests/unit/unit_tests")], cwd=self.tree,
                           capture_output=True, text=True, timeout=300, preexec_fn=refuse_wx)
        self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr[-2000:])

    def test_installed_site_passes_nginx_t(self):
        snippets = {}
        for f in ("jobtune-common.conf", "jobtune-headers.conf", "jobtune-api.conf"):
            with open(self.installed(f"/etc/nginx/snippets/{f}")) as src:
                snippets[f] = src.read()
        p = nginx_t_production_site(os.path.join(self.tmp, "nginx-t"),
                                    self.read("/etc/nginx/sites-available/jobtune.conf"), snippets)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("test is successful", p.stderr)

    def test_dist_leaves_out_node_modules_and_artifacts(self):
        for junk in ("tests/browser/node_modules/left-pad/index.js",
                     "tests/artifacts/page.png"):
            os.makedirs(os.path.dirname(os.path.join(self.tree, junk)), exist_ok=True)
            with open(os.path.join(self.tree, junk), "w") as f:
                f.write("x")
        subprocess.run(["make", "-s", "dist-gzip"], cwd=self.tree, check=True,
                       capture_output=True, timeout=300)
        tarballs = [f for f in os.listdir(self.tree) if f.endswith(".tar.gz")]
        self.assertEqual(len(tarballs), 1, tarballs)
        with tarfile.open(os.path.join(self.tree, tarballs[0])) as t:
            names = t.getnames()
        top = names[0].split("/")[0]
        rel = {n[len(top) + 1:] for n in names}
        self.assertFalse([n for n in rel if "node_modules" in n or n.startswith("tests/artifacts")])
        self.assertFalse([n for n in rel if n.endswith((".o", "__pycache__"))])
        for wanted in ("scripts/jobtune.service.in", "nginx/jobtune.conf.in",
                       "scripts/jobtune.env.example.in", "tests/browser/package.json",
                       "configure", "Makefile.in", "src/svc/systemd.c"):
            self.assertIn(wanted, rel)
        for generated in ("scripts/jobtune.service", "nginx/jobtune.conf",
                          "scripts/jobtune.env.example", "jobtuned"):
            self.assertNotIn(generated, rel)


if __name__ == "__main__":
    unittest.main()
