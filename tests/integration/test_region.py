"""GET /api/privacy/region through nginx: the client address (nginx's
real-IP result of X-Forwarded-For from loopback) looked up in GeoIP
databases built from tests/geoip/*.json, with City, Country and no
database; the answer's regime, rights and defaults; no address in the log."""
import os
import shutil
import subprocess
import tempfile
import unittest

from stack import ROOT, Stack

GEOIP = os.path.join(ROOT, "tests", "geoip")
PATH = "/api/privacy/region"

RIGHTS = {
    "gdpr": ["access", "rectification", "erasure", "restriction", "portability",
             "objection", "withdraw_consent", "complaint"],
    "ccpa": ["know", "delete", "correct", "opt_out_of_sale_or_sharing", "limit_sensitive",
             "non_discrimination"],
    "baseline": ["access", "deletion", "portability"],
}
ANALYTICS = {"gdpr": "opt-in", "ccpa": "opt-out", "baseline": "opt-out"}

# Addresses no database may place: private, loopback, unique-local, and
# public ones absent from the test data.
UNKNOWN = ["10.1.2.3", "192.168.1.1", "172.16.5.4", "127.0.0.1", "fd00::1",
           "2001:db8:ffff::1", "8.8.8.8", "2600:1f18::1"]

# client address -> (country, subdivision, regime), from tests/geoip/city.json
CITY = {
    "192.0.2.10": ("DE", "DE-BY", "gdpr"),          # Munich
    "198.51.100.7": ("US", "US-CA", "ccpa"),        # San Francisco
    "198.51.100.200": ("US", "US-TX", "baseline"),  # Austin
    "216.160.83.57": ("US", "US-WA", "baseline"),   # Milton, WA
    "203.0.113.200": ("US", None, "ccpa"),          # somewhere in the US
    "203.0.113.9": ("IN", "IN-KA", "baseline"),     # Bengaluru
    "81.2.69.142": ("GB", "GB-ENG", "gdpr"),        # London
    "203.0.113.130": ("CH", "CH-ZH", "gdpr"),       # Zurich
    "2001:db8:de::1": ("DE", "DE-BY", "gdpr"),
    "2001:db8:ca::5": ("US", "US-CA", "ccpa"),
    "2001:db8:1::42": ("IN", "IN-KA", "baseline"),
    "2a01:4f8:c0c:1::1": ("DE", None, "gdpr"),
}

# The same networks in tests/geoip/country.json: no subdivisions, so every
# US address is "state not known" (CCPA).
COUNTRY = {
    "192.0.2.10": ("DE", None, "gdpr"),
    "198.51.100.7": ("US", None, "ccpa"),
    "198.51.100.200": ("US", None, "ccpa"),
    "203.0.113.9": ("IN", None, "baseline"),
    "81.2.69.142": ("GB", None, "gdpr"),
    "203.0.113.130": ("CH", None, "gdpr"),
    "2001:db8:ca::5": ("US", None, "ccpa"),
}


def build_mmdb(source, out):
    subprocess.run(["perl", os.path.join(GEOIP, "build-mmdb.pl"),
                    os.path.join(GEOIP, source), out], check=True)


class RegionCase(unittest.TestCase):
    """A stack whose GEOIP_DB is built from `source` (None: geoip_db as is,
    "" for not configured).  Has no tests of its own."""
    source = None
    geoip_db = ""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-geoip-")
        env = {"GEOIP_DB": cls.geoip_db}
        if cls.source:
            env["GEOIP_DB"] = os.path.join(cls.tmp, cls.source.replace(".json", ".mmdb"))
            build_mmdb(cls.source, env["GEOIP_DB"])
        env.update(cls.extra_env())
        cls.stack = Stack(workers=2, env=env)
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def extra_env(cls):
        return {}

    @classmethod
    def tearDownClass(cls):
        try:
            cls.stack.stop()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def region(self, ip):
        r = self.stack.get(PATH, client_ip=ip)
        self.assertEqual(r.status, 200, f"{ip}: {r.text}")
        self.assertTrue(r.header("content-type").startswith("application/json"), ip)
        self.assertEqual(r.header("cache-control"), "no-store", ip)
        return r.json()

    def assert_answer(self, ip, country, subdivision, regime, source):
        a = self.region(ip)
        self.assertEqual(set(a), {"country", "subdivision", "regime", "source", "analytics",
                                  "responseDays", "rights", "gpc"}, ip)
        self.assertIs(a["gpc"], False, ip)
        self.assertEqual(a["country"], country, ip)
        self.assertEqual(a["subdivision"], subdivision, ip)
        self.assertEqual(a["regime"], regime, ip)
        self.assertEqual(a["source"], source, ip)
        self.assertEqual(a["analytics"], ANALYTICS[regime], ip)
        self.assertEqual(a["responseDays"], 30, ip)
        self.assertEqual([r["id"] for r in a["rights"]], RIGHTS[regime], ip)
        for right in a["rights"]:
            self.assertEqual(set(right), {"id", "name", "description"}, ip)
            self.assertTrue(right["name"] and right["description"], ip)

    def assert_matrix(self, table):
        for ip, (country, subdivision, regime) in table.items():
            with self.subTest(ip=ip):
                self.assert_answer(ip, country, subdivision, regime, "ip")

    def assert_unknown(self, addresses):
        for ip in addresses:
            with self.subTest(ip=ip):
                self.assert_answer(ip, None, None, "gdpr", "default")

    def assert_log_holds_no_address(self, addresses):
        log = self.stack.log_text()
        for ip in addresses:
            if ip != "127.0.0.1":  # also the test database's address
                self.assertNotIn(ip, log)
        access = [l for l in self.stack.log_lines() if l.get("route") == PATH]
        self.assertGreaterEqual(len(access), len(addresses))
        for line in access:
            self.assertEqual(set(line), {"time", "level", "pid", "request_id", "method",
                                         "route", "status", "duration_ms", "db_ops", "db_ms"}, line)


class CityDatabaseTest(RegionCase):
    source = "city.json"

    def test_region_matrix(self):
        self.assert_matrix(CITY)

    def test_private_reserved_and_unknown_addresses_get_the_default(self):
        self.assert_unknown(UNKNOWN)

    def test_ipv4_mapped_ipv6_address_is_the_ipv4_address(self):
        self.assert_answer("::ffff:192.0.2.10", "DE", "DE-BY", "gdpr", "ip")

    def test_only_get_and_head(self):
        r = self.stack.request("POST", PATH, body={}, client_ip="192.0.2.10")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD")
        self.assertEqual(self.stack.request("HEAD", PATH, client_ip="192.0.2.10").status, 200)

    def test_client_addresses_never_reach_the_log(self):
        addresses = list(CITY) + UNKNOWN
        for ip in addresses:
            self.region(ip)
        self.assert_log_holds_no_address(addresses)


class CountryDatabaseTest(RegionCase):
    source = "country.json"

    def test_region_matrix_without_subdivisions(self):
        self.assert_matrix(COUNTRY)

    def test_private_and_unknown_addresses_get_the_default(self):
        self.assert_unknown(["10.1.2.3", "192.168.1.1", "2001:db8:ffff::1"])

    def test_client_addresses_never_reach_the_log(self):
        addresses = list(COUNTRY) + UNKNOWN
        for ip in addresses:
            self.region(ip)
        self.assert_log_holds_no_address(addresses)


class NoDatabaseTest(RegionCase):
    def test_every_address_gets_the_default(self):
        self.assert_unknown(list(CITY) + UNKNOWN)

    def test_nothing_is_logged_about_geoip(self):
        self.assertNotIn("GeoIP", self.stack.log_text())


class UnusableDatabaseTest(RegionCase):
    """A GEOIP_DB that is not a MaxMind DB: one warning, then the default."""

    @classmethod
    def setUpClass(cls):
        fd, cls.geoip_db = tempfile.mkstemp(prefix="jobtune-geoip-", suffix=".mmdb")
        with os.fdopen(fd, "w") as f:
            f.write("not a MaxMind DB\n")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            os.unlink(cls.geoip_db)

    def test_route_answers_the_default(self):
        self.assert_unknown(["192.0.2.10", "198.51.100.7", "10.1.2.3"])

    def test_failure_is_logged_once(self):
        lines = [l for l in self.stack.log_lines() if "GeoIP" in l.get("msg", "")]
        self.assertEqual(len(lines), 1, lines)
        self.assertEqual(lines[0]["level"], "warn")
        self.assertIn(self.geoip_db, lines[0]["msg"])


if __name__ == "__main__":
    unittest.main()


class SignedInRegionTest(RegionCase):
    """Declared residence, Global Privacy Control, and tickets recording the
    regime in force when they were opened."""
    source = "city.json"

    @classmethod
    def setUpClass(cls):
        import tokens
        cls.key = tokens.Key()
        cls.tokens = tokens
        cls.geoip_env = None
        super().setUpClass()

    @classmethod
    def extra_env(cls):
        return {"CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": cls.tokens.ISSUER,
                "CLERK_AUTHORIZED_PARTIES": cls.tokens.ORIGIN}

    def bearer(self, user):
        return {"Authorization": "Bearer " + self.tokens.rs256(self.key, self.tokens.claims(user))}

    def texan(self):
        return next(ip for ip, v in CITY.items() if v[1] == "US-TX")

    def german(self):
        return next(ip for ip, v in CITY.items() if v[0] == "DE")

    def test_declared_residence_wins_over_the_address(self):
        user = self.tokens.new_user_id()
        auth = self.bearer(user)
        r = self.stack.request("PATCH", "/api/me", body={"residence": {"country": "US", "subdivision": "US-CA"}},
                               headers=auth, client_ip=self.german())
        self.assertEqual(r.status, 200, r.text)
        a = self.stack.get(PATH, headers=auth, client_ip=self.german()).json()
        self.assertEqual((a["country"], a["subdivision"], a["regime"], a["source"]),
                         ("US", "US-CA", "ccpa", "profile"))
        # without the session, the same address is German again
        a = self.stack.get(PATH, client_ip=self.german()).json()
        self.assertEqual((a["country"], a["regime"], a["source"]), ("DE", "gdpr", "ip"))
        # a residence cleared falls back to the address
        self.stack.request("PATCH", "/api/me", body={"residence": None}, headers=auth)
        a = self.stack.get(PATH, headers=auth, client_ip=self.texan()).json()
        self.assertEqual((a["regime"], a["source"]), ("baseline", "ip"))

    def test_gpc_is_reported(self):
        a = self.stack.get(PATH, headers={"Sec-GPC": "1"}, client_ip=self.german()).json()
        self.assertIs(a["gpc"], True)
        self.assertEqual(a["regime"], "gdpr")

    def test_tickets_record_the_regime_and_the_signed_in_user(self):
        body = {"email": "regime@example.in", "subject": "Data Deletion Request", "message": "m"}
        r = self.stack.request("POST", "/api/support", body=body, client_ip=self.texan())
        doc = self.stack.db()["tickets"].find_one({"_id": r.json()["ticket"]})
        self.assertEqual(doc["regime"], "baseline")
        self.assertEqual(doc["privacyRequest"]["regime"], "baseline")
        self.assertNotIn("userId", doc)
        user = self.tokens.new_user_id()
        r = self.stack.request("POST", "/api/support", body=body, client_ip=self.texan(),
                               headers=self.bearer(user))
        doc = self.stack.db()["tickets"].find_one({"_id": r.json()["ticket"]})
        self.assertEqual(doc["userId"], user)
        r = self.stack.request("POST", "/api/support", body=body, client_ip=self.german())
        self.assertEqual(self.stack.db()["tickets"].find_one({"_id": r.json()["ticket"]})["regime"], "gdpr")
