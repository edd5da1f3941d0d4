"""Sign-in through nginx: Clerk session tokens on GET/PATCH /api/me.

The token matrix (every way a token can be wrong, by header and by cookie),
keys from CLERK_JWT_KEY (PEM) and from a JWKS endpoint (a fake Clerk, with
refetch on an unknown kid and key rotation), the cookie + Origin rule for
state-changing requests, PATCH /api/me validation, the consent history and
Global Privacy Control, what lands in `users`, the log, sign-in that is not
configured, scripts/dev-token, and production's refusal of the development
issuer."""
import datetime
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import tokens
from fake_clerk import FakeClerk
from stack import ROOT, AuthStack, run_refusing_jobtuned
from tokens import DROP, ISSUER, ORIGIN

ME = "/api/me"
DEV_ISSUER = "https://dev.jobtune.invalid"
ME_KEYS = {"id", "email", "name", "residence", "consent", "createdAt"}
PASSWORD_LIKE = re.compile(r"pass(word|wd|phrase|_?hash)?$|pwd|passw|secret|credential", re.I)


def parse_time(text):
    """An ISO-8601 timestamp (with Z or an offset) as an aware datetime."""
    t = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text}")
    return t


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class MeClient:
    """Requests to /api/me and the checks every sign-in test shares.  The
    using class has self.stack and self.users (the `users` collection)."""

    def get_me(self, token=None, cookie=None, headers=None):
        return self.stack.get(ME, headers=self.auth_headers(token, cookie, headers))

    def patch_me(self, body, token=None, cookie=None, origin=None, headers=None):
        h = dict(headers or {})
        if origin is not None:
            h["Origin"] = origin
        return self.stack.request("PATCH", ME, body=body,
                                  headers=self.auth_headers(token, cookie, h))

    @staticmethod
    def auth_headers(token, cookie, headers):
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            h["Cookie"] = f"theme=dark; __session={cookie}; _ga=GA1.1.5"
        return h

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        self.assertTrue((r.header("content-type") or "").startswith("application/json"), r.headers)
        err = r.json()["error"]
        self.assertEqual(err["code"], code, r.text)
        self.assertIsInstance(err["message"], str)
        self.assertTrue(err["message"])
        return err

    def assert_me(self, r, sub):
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.header("content-type").startswith("application/json"), r.headers)
        body = r.json()
        self.assertLessEqual(ME_KEYS, set(body), body)
        self.assertEqual(body["id"], sub)
        self.assertIn(body["consent"]["analytics"], ("granted", "denied", "unset"))
        self.assertIsInstance(body["consent"]["history"], list)
        created = parse_time(body["createdAt"])
        self.assertLess(abs((utcnow() - created).total_seconds()), 24 * 3600, body)
        return body

    def assert_no_user(self, sub):
        self.assertIsNone(self.users.find_one({"_id": sub}), f"users document made for {sub}")


class AuthCase(MeClient, unittest.TestCase):
    """One stack for the class, configured by stack_env().  No tests of its own.
    The server's clock reads JOBTUNE_CLOCK_FILE (development only), which a
    test moves with move_clock(); absent, as between tests, it is not moved."""
    workers = 2

    @classmethod
    def stack_env(cls):
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        cls.stack = AuthStack(workers=cls.workers, env=cls.stack_env())
        cls.clock = os.path.join(cls.stack.dir, "clock-offset")
        cls.stack.extra_env["JOBTUNE_CLOCK_FILE"] = cls.clock
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            raise
        cls.users = cls.stack.db()["users"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def move_clock(self, ms):
        """The server's clock ms milliseconds from the real one, until the
        test ends."""
        if not os.path.exists(self.clock):
            self.addCleanup(os.remove, self.clock)
        with open(self.clock, "w") as f:
            f.write(str(ms))


# ==== networkless verification with CLERK_JWT_KEY =================================

class PemKeyTest(AuthCase):
    """CLERK_JWT_KEY: the key verifies tokens of any kid."""

    @classmethod
    def stack_env(cls):
        cls.key = tokens.Key(kid="ins_test_pem")
        cls.other_key = tokens.Key(kid="ins_test_pem")  # same kid, different key
        return {"CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
                "CLERK_AUTHORIZED_PARTIES": ORIGIN}

    def token(self, sub=None, **over):
        return tokens.rs256(self.key, tokens.claims(sub, **over))

    def assert_accepted(self, token, sub, via="header"):
        r = self.get_me(**{"token" if via == "header" else "cookie": token})
        return self.assert_me(r, sub)

    def assert_rejected(self, token, sub=None, via="header"):
        r = self.get_me(**{"token" if via == "header" else "cookie": token})
        self.assert_error(r, 401, "unauthenticated")
        if sub:
            self.assert_no_user(sub)
        return r

    # ---- valid tokens -----------------------------------------------------------
    def test_valid_token_by_header_creates_the_user(self):
        sub = tokens.new_user_id()
        self.assert_no_user(sub)
        body = self.assert_accepted(self.token(sub), sub)
        self.assertIsNone(body["email"])
        self.assertIsNone(body["name"])
        self.assertIsNone(body["residence"])
        self.assertEqual(body["consent"], {"analytics": "unset", "history": []})
        self.assertLess(abs((utcnow() - parse_time(body["createdAt"])).total_seconds()), 60)
        doc = self.users.find_one({"_id": sub})
        self.assertIsNotNone(doc, "no users document after the first authenticated request")
        # the same user again: the same document, the same createdAt
        again = self.assert_accepted(self.token(sub), sub)
        self.assertEqual(again["createdAt"], body["createdAt"])
        self.assertEqual(self.users.count_documents({"_id": sub}), 1)

    def test_valid_token_by_cookie(self):
        sub = tokens.new_user_id()
        self.assert_accepted(self.token(sub), sub, via="cookie")
        self.assertIsNotNone(self.users.find_one({"_id": sub}))

    def test_no_token_is_401(self):
        self.assert_error(self.stack.get(ME), 401, "unauthenticated")
        for headers in ({"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
                        {"Authorization": "Bearer "},
                        {"Authorization": "Bearer"},
                        {"Cookie": "__session="},
                        {"Cookie": "__session_other=" + self.token()},
                        {"Cookie": "theme=dark"}):
            with self.subTest(headers=headers):
                self.assert_error(self.stack.get(ME, headers=headers), 401, "unauthenticated")

    def test_token_without_iat_and_nbf_is_accepted(self):
        sub = tokens.new_user_id()
        self.assert_accepted(self.token(sub, iat=DROP, nbf=DROP), sub)

    # ---- time claims, 5 s leeway -------------------------------------------------
    def test_expired_token_is_401(self):
        now = int(time.time())
        sub = tokens.new_user_id()
        self.assert_rejected(self.token(sub, now=now - 3660), sub)  # exp = now - 60
        self.assert_rejected(self.token(sub, now=now - 3660), sub, via="cookie")

    def test_expired_within_leeway_is_accepted(self):
        now = int(time.time())
        sub = tokens.new_user_id()
        self.assert_accepted(self.token(sub, now=now - 3602), sub)  # exp = now - 2

    def test_missing_or_non_numeric_exp_is_401(self):
        sub = tokens.new_user_id()
        for exp in (DROP, str(int(time.time()) + 3600), None):
            with self.subTest(exp=exp):
                self.assert_rejected(self.token(sub, exp=exp), sub)

    def test_nbf_in_the_future_is_401(self):
        now = int(time.time())
        sub = tokens.new_user_id()
        self.assert_rejected(self.token(sub, nbf=now + 60), sub)

    def test_nbf_within_leeway_is_accepted(self):
        now = int(time.time())
        sub = tokens.new_user_id()
        self.assert_accepted(self.token(sub, nbf=now + 2, iat=now + 2), sub)

    def test_iat_in_the_future_is_401(self):
        now = int(time.time())
        sub = tokens.new_user_id()
        self.assert_rejected(self.token(sub, iat=now + 60, nbf=DROP), sub)

    # ---- issuer and authorized party ---------------------------------------------
    def test_wrong_issuer_is_401(self):
        sub = tokens.new_user_id()
        for iss in ("https://evil.clerk.accounts.dev", ISSUER + "/", ISSUER.upper(),
                    "http://clerk.test.invalid", DROP, None):
            with self.subTest(iss=iss):
                self.assert_rejected(self.token(sub, iss=iss), sub)

    def test_azp_not_allowed_is_401(self):
        sub = tokens.new_user_id()
        for azp in ("http://evil.example", "http://localhost:3001", "http://localhost:300",
                    "http://localhost:30000", "https://localhost:3000", "", 3000):
            with self.subTest(azp=azp):
                self.assert_rejected(self.token(sub, azp=azp), sub)

    def test_azp_absent_is_accepted(self):
        sub = tokens.new_user_id()
        self.assert_accepted(self.token(sub, azp=DROP), sub)

    # ---- algorithms and signatures -----------------------------------------------
    def test_alg_none_is_401(self):
        sub = tokens.new_user_id()
        c = tokens.claims(sub)
        for alg in ("none", "None", "NONE"):
            with self.subTest(alg=alg):
                self.assert_rejected(tokens.alg_none(c, self.key.kid, alg=alg), sub)
        # a none header in front of a genuine RS256 signature
        good = tokens.rs256(self.key, c)
        h = tokens.segment(tokens.header(self.key.kid, alg="none"))
        self.assert_rejected(f"{h}.{good.split('.')[1]}.{good.split('.')[2]}", sub)

    def test_hs256_signed_with_the_pem_text_is_401(self):
        sub = tokens.new_user_id()
        pem = self.key.public_pem()
        for secret in (pem, pem.strip(), pem.encode()):
            with self.subTest(secret=type(secret).__name__ + str(len(secret))):
                self.assert_rejected(tokens.hs256(secret, tokens.claims(sub), self.key.kid), sub)

    def test_other_rsa_algorithms_are_401(self):
        sub = tokens.new_user_id()
        for alg in ("RS384", "RS512"):
            with self.subTest(alg=alg):
                self.assert_rejected(tokens.rsa_sha(self.key, tokens.claims(sub), alg), sub)

    def test_rs256_signed_by_another_key_is_401(self):
        sub = tokens.new_user_id()
        self.assert_rejected(tokens.rs256(self.other_key, tokens.claims(sub)), sub)
        self.assert_rejected(tokens.rs256(self.other_key, tokens.claims(sub)), sub, via="cookie")

    def test_tampered_payload_is_401(self):
        victim = tokens.new_user_id()
        attacker = tokens.new_user_id()
        good = self.token(attacker)
        self.assert_rejected(tokens.tamper(good, sub=victim), victim)
        self.assert_rejected(tokens.tamper(good, exp=int(time.time()) + 86400 * 365), attacker)
        self.assert_rejected(tokens.tamper(good, azp=DROP), attacker)
        # another valid token's signature
        self.assert_rejected(tokens.splice(self.token(victim), good), victim)
        # the genuine token still works
        self.assert_accepted(good, attacker)

    def test_malformed_base64_is_401(self):
        sub = tokens.new_user_id()
        for name, bad in tokens.malformed_base64(self.token(sub)).items():
            with self.subTest(case=name):
                self.assert_rejected(bad, sub)
            with self.subTest(case=name, via="cookie"):
                if " " not in bad:
                    self.assert_rejected(bad, sub, via="cookie")

    def test_malformed_json_is_401(self):
        sub = tokens.new_user_id()
        for name, bad in tokens.malformed_json(self.key, tokens.claims(sub), self.key.kid).items():
            with self.subTest(case=name):
                self.assert_rejected(bad, sub)

    def test_missing_or_invalid_kid_is_401(self):
        sub = tokens.new_user_id()
        c = tokens.claims(sub)
        for kid in (DROP, 42, None, ["ins_test_pem"]):
            with self.subTest(kid=kid):
                h = tokens.segment(tokens.header(kid))
                self.assert_rejected(tokens.sign_segments(self.key, h, tokens.segment(c)), sub)

    def test_missing_or_invalid_sub_is_401(self):
        for sub in (DROP, 12345, None, "", ["user_a"], {"id": "user_a"}):
            with self.subTest(sub=sub):
                c = tokens.claims("user_x")
                if sub is DROP:
                    del c["sub"]
                else:
                    c["sub"] = sub
                self.assert_rejected(tokens.rs256(self.key, c))
        self.assert_no_user("")
        self.assert_no_user("user_x")
        self.assert_no_user(12345)

    def test_huge_token_is_401_not_a_crash(self):
        sub = tokens.new_user_id()
        big = self.token(sub, pad="x" * 6000)
        r = self.get_me(token=big)
        self.assertIn(r.status, (200, 400, 401, 431), r.text)
        self.assert_rejected("a" * 3000 + "." + "b" * 3000 + "." + "c" * 300)

    # ---- cookie authentication and Origin -----------------------------------------
    def test_cookie_patch_needs_an_allowed_origin(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        self.assert_accepted(t, sub, via="cookie")
        for origin in (None, "http://evil.example", "null", "http://localhost:3000.evil.example",
                       "http://localhost:3001"):
            with self.subTest(origin=origin):
                r = self.patch_me({"name": "Mallory"}, cookie=t, origin=origin)
                self.assert_error(r, 403, "forbidden")
        self.assertIsNone(self.assert_accepted(t, sub)["name"], "a refused PATCH changed the name")
        r = self.patch_me({"name": "Ana"}, cookie=t, origin=ORIGIN)
        self.assertEqual(self.assert_me(r, sub)["name"], "Ana")
        self.assertEqual(self.assert_accepted(t, sub)["name"], "Ana")

    def test_bearer_patch_without_origin_is_accepted(self):
        sub = tokens.new_user_id()
        r = self.patch_me({"name": "Ravi"}, token=self.token(sub))
        self.assertEqual(self.assert_me(r, sub)["name"], "Ravi")

    def test_invalid_token_patch_is_401_and_changes_nothing(self):
        sub = tokens.new_user_id()
        self.assert_accepted(self.token(sub), sub)
        bad = tokens.rs256(self.other_key, tokens.claims(sub))
        self.assert_error(self.patch_me({"name": "Eve"}, token=bad), 401, "unauthenticated")
        self.assert_error(self.patch_me({"name": "Eve"}), 401, "unauthenticated")
        self.assertIsNone(self.assert_accepted(self.token(sub), sub)["name"])

    # ---- PATCH /api/me -----------------------------------------------------------------
    def test_patch_returns_the_same_body_as_get(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        r = self.patch_me({"name": "  Ana Müller  ",
                           "residence": {"country": "US", "subdivision": "US-CA"}}, token=t)
        patched = self.assert_me(r, sub)
        self.assertEqual(patched, self.assert_accepted(t, sub))
        self.assertEqual(patched["residence"], {"country": "US", "subdivision": "US-CA"})
        self.assertEqual(patched["name"].strip(), "Ana Müller")

    def test_patch_name_limits_and_clearing(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        name = "न" * 200  # 200 characters, 600 bytes
        self.assertEqual(self.assert_me(self.patch_me({"name": name}, token=t), sub)["name"], name)
        self.assertIsNone(self.assert_me(self.patch_me({"name": None}, token=t), sub)["name"])
        self.assertIsNone(self.assert_accepted(t, sub)["name"])

    def test_patch_residence_forms(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        for residence, expected in (
                ({"country": "DE"}, {"country": "DE", "subdivision": None}),
                ({"country": "DE", "subdivision": None}, {"country": "DE", "subdivision": None}),
                ({"country": "IN", "subdivision": "IN-KA"}, {"country": "IN", "subdivision": "IN-KA"}),
                ({"country": "GB", "subdivision": "GB-ENG"},
                 {"country": "GB", "subdivision": "GB-ENG"}),
                (None, None)):
            with self.subTest(residence=residence):
                r = self.patch_me({"residence": residence}, token=t)
                self.assertEqual(self.assert_me(r, sub)["residence"], expected)
                self.assertEqual(self.assert_accepted(t, sub)["residence"], expected)

    def test_patch_validation_matrix(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        self.patch_me({"name": "Before", "residence": {"country": "FR"}}, token=t)
        before = self.assert_accepted(t, sub)
        self.assertEqual(before["name"], "Before")
        cases = [
            ({"name": "x" * 201}, "name"),
            ({"name": "   "}, "name"),
            ({"name": ""}, "name"),
            ({"name": 42}, "name"),
            ({"residence": {"country": "XX"}}, "residence.country"),
            ({"residence": {"country": "Germany"}}, "residence.country"),
            ({"residence": {"country": 49}}, "residence.country"),
            ({"residence": {"subdivision": "US-CA"}}, "residence.country"),
            ({"residence": {"country": "DE", "subdivision": "US-CA"}}, "residence.subdivision"),
            ({"residence": {"country": "US", "subdivision": "CA"}}, "residence.subdivision"),
            ({"residence": "DE"}, "residence"),
            ({"favouriteColour": "blue"}, "favouriteColour"),
            ({"email": "someone@example.com"}, "email"),
            ({"id": "user_someone_else"}, "id"),
            ({"consent": {"analytics": "maybe"}}, "consent.analytics"),
            ({"consent": {"analytics": "unset"}}, "consent.analytics"),
            ({"consent": {"analytics": True}}, "consent.analytics"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                err = self.assert_error(self.patch_me(body, token=t), 422, "validation_failed")
                self.assertIn(field, err.get("fields", {}), err)
        # a valid field next to an invalid one changes nothing either
        err = self.assert_error(self.patch_me({"name": "Changed", "residence": {"country": "XX"}},
                                              token=t), 422, "validation_failed")
        self.assertIn("residence.country", err["fields"])
        self.assertEqual(self.assert_accepted(t, sub), before)

    def test_patch_rejects_operator_keys_and_bad_bodies(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        self.assert_accepted(t, sub)
        r = self.patch_me({"$set": {"name": "x"}}, token=t)
        self.assertEqual(r.status, 422, r.text)
        r = self.patch_me({"residence": {"country": "DE", "$where": "1"}}, token=t)
        self.assertEqual(r.status, 422, r.text)
        r = self.stack.request("PATCH", ME, body=b'{"name": "x",',
                               headers={"Authorization": f"Bearer {t}",
                                        "Content-Type": "application/json"})
        self.assert_error(r, 400, "malformed_body")
        r = self.stack.request("PATCH", ME, body=b'name=x',
                               headers={"Authorization": f"Bearer {t}",
                                        "Content-Type": "text/plain"})
        self.assert_error(r, 415, "unsupported_media_type")
        self.assertIsNone(self.assert_accepted(t, sub)["name"])

    # ---- consent ----------------------------------------------------------------------
    def test_consent_history_grows_with_timestamps(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        slack = datetime.timedelta(seconds=2)
        t0 = utcnow() - slack
        body = self.assert_me(self.patch_me({"consent": {"analytics": "granted"}}, token=t), sub)
        t1 = utcnow() + slack
        self.assertEqual(body["consent"]["analytics"], "granted")
        self.assertEqual(len(body["consent"]["history"]), 1)
        # the server's clock a minute on (the token is good for an hour):
        # the second entry is stamped with the server's time, a minute later
        minute = datetime.timedelta(minutes=1)
        self.move_clock(60 * 1000)
        body = self.assert_me(self.patch_me({"consent": {"analytics": "denied"}}, token=t), sub)
        t2 = utcnow() + slack
        consent = body["consent"]
        self.assertEqual(consent["analytics"], "denied")
        history = consent["history"]
        self.assertEqual([(h["value"], h["source"]) for h in history],
                         [("granted", "user"), ("denied", "user")])
        times = [parse_time(h["at"]) for h in history]
        self.assertTrue(t0 <= times[0] <= t1, (t0, times[0], t1))
        self.assertTrue(t0 + minute <= times[1] <= t2 + minute, (t0, times[1], t2))
        self.assertGreaterEqual(times[1] - times[0], minute)
        self.assertEqual(self.assert_accepted(t, sub)["consent"], consent)
        # granting again appends, never rewrites
        body = self.assert_me(self.patch_me({"consent": {"analytics": "granted"}}, token=t), sub)
        self.assertEqual([h["value"] for h in body["consent"]["history"]],
                         ["granted", "denied", "granted"])
        self.assertEqual(body["consent"]["history"][:2], history)

    def test_sec_gpc_records_one_denial(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        body = self.assert_me(self.get_me(token=t, headers={"Sec-GPC": "0"}), sub)
        self.assertEqual(body["consent"], {"analytics": "unset", "history": []})
        t0 = utcnow() - datetime.timedelta(seconds=2)
        body = self.assert_me(self.get_me(token=t, headers={"Sec-GPC": "1"}), sub)
        self.assertEqual(body["consent"]["analytics"], "denied")
        history = body["consent"]["history"]
        self.assertEqual([(h["value"], h["source"]) for h in history], [("denied", "gpc")])
        self.assertTrue(t0 <= parse_time(history[0]["at"]) <= utcnow() + datetime.timedelta(seconds=2))
        for _ in range(3):
            body = self.assert_me(self.get_me(token=t, headers={"Sec-GPC": "1"}), sub)
        self.assertEqual(body["consent"]["history"], history)
        body = self.assert_accepted(t, sub)
        self.assertEqual(body["consent"], {"analytics": "denied", "history": history})

    def test_sec_gpc_overrides_an_earlier_grant(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        self.assert_me(self.patch_me({"consent": {"analytics": "granted"}}, token=t), sub)
        body = self.assert_me(self.get_me(token=t, headers={"Sec-GPC": "1"}), sub)
        self.assertEqual(body["consent"]["analytics"], "denied")
        self.assertEqual([(h["value"], h["source"]) for h in body["consent"]["history"]],
                         [("granted", "user"), ("denied", "gpc")])
        body = self.assert_me(self.get_me(token=t, headers={"Sec-GPC": "1"}), sub)
        self.assertEqual(len(body["consent"]["history"]), 2)

    # ---- what is stored and logged ---------------------------------------------------
    def test_no_password_like_key_in_users_documents(self):
        sub = tokens.new_user_id()
        t = self.token(sub)
        self.patch_me({"name": "Full Profile", "residence": {"country": "US", "subdivision": "US-CA"},
                       "consent": {"analytics": "granted"}}, token=t)
        self.assert_me(self.get_me(token=t, headers={"Sec-GPC": "1"}), sub)
        docs = list(self.users.find({}))
        self.assertTrue(any(d["_id"] == sub for d in docs))

        def keys(value, path=""):
            if isinstance(value, dict):
                for k, v in value.items():
                    yield f"{path}{k}", k
                    yield from keys(v, f"{path}{k}.")
            elif isinstance(value, list):
                for v in value:
                    yield from keys(v, path)

        for doc in docs:
            for path, key in keys(doc):
                self.assertIsNone(PASSWORD_LIKE.search(key), f"users {doc['_id']}: {path}")
            # and no token or signature stored as a value
            self.assertNotIn(t.split(".")[2], repr(doc))

    def test_each_refusal_logs_its_reason_and_nothing_of_the_token(self):
        """One log line per refused token, naming why; no token, claim value
        or subject in it.  (unknown_kid needs a JWKS: JwksTest.)"""
        now = int(time.time())
        sub = tokens.new_user_id()
        c = tokens.claims(sub)
        cases = {
            "expired": self.token(sub, now=now - 3660),
            "not_yet_valid": self.token(sub, nbf=now + 600),
            "bad_issuer": self.token(sub, iss="https://issuer-canary.invalid"),
            "azp_not_allowed": self.token(sub, azp="http://azp-canary.invalid"),
            "bad_signature": tokens.rs256(self.other_key, c),
            "bad_header": tokens.hs256(self.key.public_pem(), c, self.key.kid),
            "malformed": "malformed-canary-8812",
        }
        for reason, token in cases.items():
            with self.subTest(reason=reason):
                before = self.stack.log_text()
                self.assert_rejected(token, sub)
                new = self.stack.log_text()[len(before):]
                self.assertEqual(re.findall(r"session token refused \((\w+)\)", new), [reason],
                                 new)
        self.assert_rejected(tokens.alg_none(c, self.key.kid))
        self.assertRegex(self.stack.log_text(), r"session token refused \(bad_header\)")
        log = self.stack.log_text()
        for value in [sub, "issuer-canary", "azp-canary", "malformed-canary-8812"] + [
                part for t in cases.values() for part in t.split(".") if len(part) > 8]:
            self.assertNotIn(value, log)

    def test_log_holds_no_token_text(self):
        sub = tokens.new_user_id()
        good = self.token(sub)
        expired = self.token(sub, now=int(time.time()) - 4000)
        forged = tokens.rs256(self.other_key, tokens.claims(sub))
        hs = tokens.hs256(self.key.public_pem(), tokens.claims(sub), self.key.kid)
        self.assert_accepted(good, sub)
        self.assert_accepted(good, sub, via="cookie")
        self.patch_me({"name": "Logged Not"}, token=good)
        self.patch_me({"name": "Logged Not"}, cookie=good)  # 403
        for bad in (expired, forged, hs, "garbage-token-canary-5521"):
            self.get_me(token=bad)
            self.get_me(cookie=bad)
        log = self.stack.log_text()
        for t in (good, expired, forged, hs):
            with self.subTest(token=t[:20]):
                self.assertNotIn(t, log)
                self.assertNotIn(t.split(".")[1], log)   # the claims
                self.assertNotIn(t.split(".")[2], log)   # the signature
        self.assertNotIn("garbage-token-canary-5521", log)
        self.assertNotIn("Logged Not", log)
        self.assertNotIn("BEGIN PUBLIC KEY", log)
        self.assertNotIn(self.key.public_pem().splitlines()[1], log)


# ==== keys from a JWKS endpoint (a fake Clerk) =====================================

class JwksTest(MeClient, unittest.TestCase):
    """CLERK_JWKS_URL on the fake Clerk.  One worker, so "per worker" counts
    are exact; a fresh stack per test, so every test starts with an empty
    JWKS cache and no recent refetch."""

    @classmethod
    def setUpClass(cls):
        cls.key1 = tokens.Key(kid="ins_test_jwks_1")
        cls.key2 = tokens.Key(kid="ins_test_jwks_2")
        cls.pem_key = tokens.Key(kid="ins_test_pem_only")
        cls.stranger = tokens.Key(kid="ins_test_unknown")

    def start(self, path="/v1/jwks", secret=True, **extra):
        self.clerk = FakeClerk(keys=[self.key1]).start()
        self.addCleanup(self.clerk.stop)
        env = {"CLERK_JWKS_URL": self.clerk.url(path), "CLERK_ISSUER": ISSUER,
               "CLERK_AUTHORIZED_PARTIES": ORIGIN}
        if secret:
            env["CLERK_SECRET_KEY"] = self.clerk.secret_key
        env.update(extra)
        # one worker's JWKS cache is what these tests count: no recycling
        self.stack = AuthStack(workers=1, env=env, max_requests=0)
        self.addCleanup(self.stack.stop)
        self.stack.start()
        self.users = self.stack.db()["users"]

    def fetches(self):
        return self.clerk.count(self.jwks_path)

    def accepted(self, key, kid=None):
        sub = tokens.new_user_id()
        r = self.get_me(token=tokens.rs256(key, tokens.claims(sub), kid=kid))
        return self.assert_me(r, sub)

    def rejected(self, key, kid=None):
        sub = tokens.new_user_id()
        r = self.get_me(token=tokens.rs256(key, tokens.claims(sub), kid=kid))
        self.assert_error(r, 401, "unauthenticated")
        self.assert_no_user(sub)

    jwks_path = "/v1/jwks"

    def test_jwks_key_is_fetched_with_the_secret_key_and_cached(self):
        self.start()
        self.accepted(self.key1)
        self.assertGreaterEqual(self.fetches(), 1)
        method, _, headers = self.clerk.last_request("/v1/jwks")
        self.assertEqual(method, "GET")
        self.assertEqual(headers.get("authorization"), "Bearer sk_test_x")
        n = self.fetches()
        for _ in range(3):
            self.accepted(self.key1)
        self.assertEqual(self.fetches(), n, "a known kid refetched the JWKS")

    def test_unknown_kid_refetches_once_then_401(self):
        self.start()
        self.accepted(self.key1)
        n = self.fetches()
        self.rejected(self.stranger)
        self.assertEqual(self.fetches(), n + 1, "an unknown kid must refetch the JWKS once")
        self.assertIn("session token refused (unknown_kid)", self.stack.log_text())
        self.assertNotIn(self.stranger.kid, self.stack.log_text())
        # within the minute: no more refetches, for this or any other unknown kid
        self.rejected(self.stranger)
        self.rejected(self.stranger, kid="ins_test_unknown_2")
        self.assertEqual(self.fetches(), n + 1)
        # the known key is still good, without a fetch
        self.accepted(self.key1)
        self.assertEqual(self.fetches(), n + 1)

    def test_kid_known_but_signed_by_another_key_is_401(self):
        self.start()
        self.accepted(self.key1)
        self.rejected(self.stranger, kid=self.key1.kid)

    def test_key_rotation_new_kid_is_accepted(self):
        self.start()
        self.accepted(self.key1)
        n = self.fetches()
        self.clerk.rotate(self.key2)
        self.accepted(self.key2)
        self.assertEqual(self.fetches(), n + 1)
        self.accepted(self.key1)  # the old key is still published
        self.assertEqual(self.fetches(), n + 1)

    def test_frontend_api_jwks_without_a_secret_key(self):
        self.jwks_path = "/.well-known/jwks.json"
        self.start(path="/.well-known/jwks.json", secret=False)
        self.accepted(self.key1)
        self.assertGreaterEqual(self.fetches(), 1)
        self.assertEqual(self.clerk.count("/v1/jwks"), 0)

    def test_pem_key_is_used_for_kids_not_in_the_jwks(self):
        self.start(CLERK_JWT_KEY=self.pem_key.public_pem())
        self.accepted(self.key1)
        self.accepted(self.pem_key)
        self.accepted(self.pem_key, kid="ins_test_whatever")
        # a kid that is in the JWKS is verified with that key, not the PEM key
        self.rejected(self.pem_key, kid=self.key1.kid)
        self.rejected(self.stranger, kid="ins_test_whatever")


# ==== sign-in not configured ========================================================

class NotConfiguredTest(MeClient, unittest.TestCase):
    def start(self, env):
        self.stack = AuthStack(workers=1, env=env)
        self.addCleanup(self.stack.stop)
        self.stack.start()
        self.users = self.stack.db()["users"]
        self.key = tokens.Key()
        return self.stack

    def token(self):
        return tokens.rs256(self.key, tokens.claims())

    def test_no_key_is_503_naming_clerk_jwt_key(self):
        self.start({"CLERK_ISSUER": ISSUER, "CLERK_AUTHORIZED_PARTIES": ORIGIN})
        err = self.assert_error(self.get_me(token=self.token()), 503, "not_configured")
        self.assertEqual(err["operator"], {"missing": "CLERK_JWT_KEY"})
        err = self.assert_error(self.patch_me({"name": "x"}, token=self.token()), 503,
                                "not_configured")
        self.assertEqual(err["operator"], {"missing": "CLERK_JWT_KEY"})
        self.assertEqual(self.stack.get("/api/health").status, 200)
        self.assertEqual(self.users.count_documents({}), 0)

    def test_nothing_configured_is_503(self):
        self.start({})
        err = self.assert_error(self.get_me(token=self.token()), 503, "not_configured")
        self.assertEqual(err["operator"], {"missing": "CLERK_JWT_KEY"})
        self.assertEqual(self.stack.get("/api/health").status, 200)

    def test_no_issuer_is_503_naming_clerk_issuer(self):
        key = tokens.Key()
        self.start({"CLERK_JWT_KEY": key.public_pem(), "CLERK_AUTHORIZED_PARTIES": ORIGIN})
        token = tokens.rs256(key, tokens.claims())
        err = self.assert_error(self.get_me(token=token), 503, "not_configured")
        self.assertEqual(err["operator"], {"missing": "CLERK_ISSUER"})


# ==== scripts/dev-token and the development issuer ===================================

def make_dev_key(directory):
    key = os.path.join(directory, "dev-key.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", key], check=True, capture_output=True)
    public = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"], check=True,
                            capture_output=True, text=True).stdout
    return key, public


def dev_token(*args, key, port=None, state=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "JOBTUNE_DEV_KEY")}
    # no running development server unless the test says so
    env["JOBTUNE_RUN_STATE"] = state or "/nonexistent/jobtune-run-state"
    if key is not None:
        env["JOBTUNE_DEV_KEY"] = key
    if port is not None:
        env["PORT"] = str(port)
    return subprocess.run([os.path.join(ROOT, "scripts", "dev-token"), *args], env=env,
                          capture_output=True, text=True, timeout=30)


class DevTokenTest(MeClient, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-devkey-")
        cls.key_path, cls.public_pem = make_dev_key(cls.tmp)
        cls.stack = AuthStack(workers=1)
        port = cls.stack.http_port
        cls.origin = f"http://127.0.0.1:{port}"
        cls.stack.extra_env = {
            "CLERK_JWT_KEY": cls.public_pem, "CLERK_ISSUER": DEV_ISSUER,
            "CLERK_AUTHORIZED_PARTIES": f"{cls.origin},http://localhost:{port}"}
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise
        cls.users = cls.stack.db()["users"]

    @classmethod
    def tearDownClass(cls):
        try:
            cls.stack.stop()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def mint(self, *args):
        p = dev_token(*args, key=self.key_path, port=self.stack.http_port)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 1, p.stdout)
        return lines[0]

    def test_dev_token_is_a_clerk_shaped_rs256_token(self):
        before = int(time.time())
        t = self.mint("user_dev", "dev@example.test")
        after = int(time.time())
        self.assertRegex(t, r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
        h, c = tokens.decode(t)
        self.assertEqual(h, {"alg": "RS256", "kid": "jobtune-dev", "typ": "JWT"})
        self.assertEqual(c["sub"], "user_dev")
        self.assertEqual(c["iss"], DEV_ISSUER)
        self.assertEqual(c["azp"], self.origin)
        self.assertEqual(c["v"], 2)
        self.assertEqual(c["email"], "dev@example.test")
        self.assertTrue(c["sid"].startswith("sess_"), c)
        self.assertTrue(before <= c["iat"] <= after, c)
        self.assertLessEqual(c["nbf"], c["iat"])
        self.assertTrue(before + 3600 <= c["exp"] <= after + 3600, c)
        key = tokens.Key.from_pem_file(self.key_path, "jobtune-dev")
        self.assertTrue(key.verify(t), "the signature does not verify with the development key")
        self.assertNotIn("email", tokens.decode(self.mint("user_dev"))[1])

    def test_dev_token_is_accepted(self):
        t = self.mint("user_dev", "dev@example.test")
        body = self.assert_me(self.get_me(token=t), "user_dev")
        self.assertIsNone(body["email"], "the email claim is to be ignored")
        self.assertIsNotNone(self.users.find_one({"_id": "user_dev"}))
        r = self.patch_me({"name": "Dev User"}, cookie=t, origin=self.origin)
        self.assertEqual(self.assert_me(r, "user_dev")["name"], "Dev User")

    def test_default_port_azp(self):
        p = dev_token("user_dev", key=self.key_path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(tokens.decode(p.stdout.strip())[1]["azp"], "http://127.0.0.1:8080")

    def test_azp_follows_the_running_server_then_port(self):
        """scripts/run writes its port to its state directory; dev-token
        reads it there, and PORT, when set, wins."""
        state = tempfile.mkdtemp(prefix="jobtune-state-", dir=self.tmp)
        with open(os.path.join(state, "port"), "w") as f:
            f.write("8123\n")
        p = dev_token("user_dev", key=self.key_path, state=state)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(tokens.decode(p.stdout.strip())[1]["azp"], "http://127.0.0.1:8123")
        p = dev_token("user_dev", key=self.key_path, state=state, port=9001)
        self.assertEqual(tokens.decode(p.stdout.strip())[1]["azp"], "http://127.0.0.1:9001")
        with open(os.path.join(ROOT, "scripts", "run")) as f:
            self.assertRegex(f.read(), r'> *"\$STATE/port"')

    def test_missing_key_or_bad_arguments_fail_clearly(self):
        missing = os.path.join(self.tmp, "no-such-key.pem")
        p = dev_token("user_dev", key=missing)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "")
        self.assertIn(missing, p.stderr)
        for args in ((), ('user"x',), ("user_dev", "not an email")):
            with self.subTest(args=args):
                p = dev_token(*args, key=self.key_path)
                self.assertNotEqual(p.returncode, 0)
                self.assertEqual(p.stdout, "")
                self.assertTrue(p.stderr.strip())

    def test_scripts_run_creates_the_key_and_exports_the_dev_configuration(self):
        """The sign-in block of scripts/run, run on its own."""
        with open(os.path.join(ROOT, "scripts", "run")) as f:
            text = f.read()
        m = re.search(r"^# Sign-in: unless.*?^fi$", text, re.S | re.M)
        self.assertIsNotNone(m, "scripts/run has no development sign-in block")
        state = tempfile.mkdtemp(prefix="jobtune-run-", dir=self.tmp)
        script = (f'set -euo pipefail; . "{ROOT}/scripts/lib.sh"; STATE="$1"; PORT=8123\n'
                  f'{m.group(0)}\n'
                  'printf "%s\\n@@\\n%s\\n@@\\n%s\\n" "${CLERK_JWT_KEY:-}" '
                  '"${CLERK_ISSUER:-}" "${CLERK_AUTHORIZED_PARTIES:-}"')
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("CLERK_") and k != "JOBTUNE_DEV_KEY"}
        p = subprocess.run(["bash", "-c", script, "_", state], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        pem, issuer, parties = [s.strip() for s in p.stdout.split("@@")]
        key_path = os.path.join(state, "dev-key.pem")
        self.assertTrue(os.path.exists(key_path))
        self.assertEqual(os.stat(key_path).st_mode & 0o077, 0, "the key is readable by others")
        derived = subprocess.run(["openssl", "pkey", "-in", key_path, "-pubout"],
                                 capture_output=True, text=True, check=True).stdout
        self.assertEqual(pem, derived.strip())
        self.assertEqual(issuer, DEV_ISSUER)
        self.assertEqual(parties, "http://127.0.0.1:8123,http://localhost:8123")
        # a configured Clerk key is left alone
        env["CLERK_JWKS_URL"] = "https://example.invalid/v1/jwks"
        p = subprocess.run(["bash", "-c", script, "_", state + "/other"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([s.strip() for s in p.stdout.split("@@")], ["", "", ""])
        self.assertFalse(os.path.exists(state + "/other/dev-key.pem"))


class ProductionRefusesDevIssuerTest(unittest.TestCase):
    def run_jobtuned(self, env_over):
        return run_refusing_jobtuned(self, {"JOBTUNE_ENV": "production", **env_over})

    def test_production_refuses_the_development_issuer(self):
        key = tokens.Key()
        for extra in ({"CLERK_JWT_KEY": key.public_pem()},
                      {"CLERK_JWKS_URL": "http://127.0.0.1:9/v1/jwks"}):
            with self.subTest(keys=list(extra)):
                env = {"CLERK_ISSUER": DEV_ISSUER,
                       "CLERK_AUTHORIZED_PARTIES": "http://127.0.0.1:8080"}
                env.update(extra)
                status, out, sock = self.run_jobtuned(env)
                self.assertEqual(status, 1, out)
                self.assertTrue("CLERK_ISSUER" in out or DEV_ISSUER in out, out)
                self.assertFalse(os.path.exists(sock), "it listened before refusing")
                self.assertNotIn("BEGIN PUBLIC KEY", out)


if __name__ == "__main__":
    unittest.main()
