"""The website's sign-in routes through nginx: GET /api/auth/config, the
development session (POST /api/session mints a __session cookie that
GET /api/me accepts; DELETE /api/session expires it), the Origin rule on
both, user id validation, and the places the development route does not
exist: a server that trusts Clerk's issuer answers 404, and production
refuses to start with JOBTUNE_DEV_SIGNING_KEY set."""
import http.client
import os
import shutil
import ssl
import tempfile
import time
import unittest

import tokens
from stack import AuthStack, SignedInStackTest, run_refusing_jobtuned
from test_hardening import production_nginx

DEV_ISSUER = "https://dev.jobtune.invalid"
ORIGIN = tokens.ORIGIN
# pk_test_ + base64("clerk.jobtune.test$"), as Clerk makes them
PUBLISHABLE = "pk_test_Y2xlcmsuam9idHVuZS50ZXN0JA"


def cookie_parts(set_cookie):
    """{'__session': value, 'path': '/', 'httponly': True, ...} of one Set-Cookie."""
    parts = [p.strip() for p in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    out = {name: value}
    for p in parts[1:]:
        k, eq, v = p.partition("=")
        out[k.lower()] = v if eq else True
    return out


class DevSessionTest(SignedInStackTest):
    key_id = "jobtune-dev"
    issuer = DEV_ISSUER
    dev_signing_key = True
    stack_class = AuthStack

    def sign_in(self, body, origin=ORIGIN):
        headers = {"Origin": origin} if origin else {}
        return self.stack.request("POST", "/api/session", body=body, headers=headers)

    def test_config_says_development(self):
        r = self.stack.get("/api/auth/config")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"mode": "development"})

    def test_minted_session_works_on_me(self):
        user = tokens.new_user_id()
        before = int(time.time())
        r = self.sign_in({"userId": user})
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json(), {"userId": user, "expiresIn": 3600})
        c = cookie_parts(r.header("set-cookie"))
        self.assertEqual(c["path"], "/")
        self.assertIs(c["httponly"], True)
        self.assertEqual(c["samesite"], "Lax")
        self.assertEqual(c["max-age"], "3600")
        self.assertNotIn("secure", c)  # plain http here; https adds Secure
        header, claims = tokens.decode(c["__session"])
        self.assertEqual((header["alg"], header["kid"]), ("RS256", "jobtune-dev"))
        self.assertEqual(claims["iss"], DEV_ISSUER)
        self.assertEqual(claims["sub"], user)
        self.assertEqual(claims["azp"], ORIGIN)
        self.assertEqual(claims["exp"] - claims["iat"], 3600)
        self.assertTrue(before - 1 <= claims["iat"] <= int(time.time()) + 1)
        self.assertRegex(claims["sid"], r"^sess_dev_[0-9a-f]{24}$")
        self.assertTrue(self.key.verify(c["__session"]))

        me = self.stack.get("/api/me", headers={"Cookie": f"__session={c['__session']}"})
        self.assertEqual(me.status, 200, me.text)
        self.assertEqual(me.json()["id"], user)
        self.assertIs(me.json()["staff"], False)
        # and a change with that cookie from the page's origin
        patch = self.stack.request("PATCH", "/api/me", body={"name": "Dev User"}, headers={
            "Cookie": f"__session={c['__session']}", "Origin": ORIGIN})
        self.assertEqual(patch.status, 200, patch.text)

    def test_bad_user_ids_are_422(self):
        for bad in ("", "dev", "user_", "user_" + "a" * 65, "user_a-b", "user_a b",
                    "user_ä", "admin", 42, None):
            with self.subTest(user=bad):
                r = self.sign_in({"userId": bad})
                self.assertEqual(r.status, 422, r.text)
                err = r.json()["error"]
                self.assertEqual(err["code"], "validation_failed")
                self.assertIn("userId", err["fields"])
                self.assertIsNone(r.header("set-cookie"))
        r = self.sign_in({"userId": "user_ok", "role": "admin"})
        self.assertEqual(r.status, 422, r.text)
        self.assertIn("role", r.json()["error"]["fields"])
        self.assertIsNone(r.header("set-cookie"))

    def test_origin_is_required(self):
        for origin in (None, "https://evil.example", "null"):
            with self.subTest(origin=origin):
                r = self.sign_in({"userId": "user_dev"}, origin=origin)
                self.assertEqual(r.status, 403, r.text)
                self.assertEqual(r.json()["error"]["code"], "forbidden")
                self.assertIsNone(r.header("set-cookie"))
                r = self.stack.request("DELETE", "/api/session",
                                       headers={"Origin": origin} if origin else {})
                self.assertEqual(r.status, 403, r.text)
                self.assertIsNone(r.header("set-cookie"))

    def test_sign_out_clears_the_cookie(self):
        r = self.stack.request("DELETE", "/api/session", headers={"Origin": ORIGIN})
        self.assertEqual(r.status, 204, r.text)
        c = cookie_parts(r.header("set-cookie"))
        self.assertEqual(c["__session"], "")
        self.assertEqual(c["max-age"], "0")
        self.assertEqual(c["path"], "/")
        self.assertIs(c["httponly"], True)

    def test_malformed_bodies_are_refused(self):
        for body, status in (("{not json", 400), ("[1]", 400), ('{"$where": 1}', 422)):
            with self.subTest(body=body):
                r = self.stack.request("POST", "/api/session", body=body, headers={
                    "Origin": ORIGIN, "Content-Type": "application/json"})
                self.assertEqual(r.status, status, r.text)
                self.assertIsNone(r.header("set-cookie"))

    def test_wrong_content_type_is_refused(self):
        r = self.stack.request("POST", "/api/session", body="userId=user_dev",
                               headers={"Origin": ORIGIN,
                                        "Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 415, r.text)
        self.assertIsNone(r.header("set-cookie"))

    def test_no_user_id_or_token_in_the_log(self):
        user = tokens.new_user_id()
        r = self.sign_in({"userId": user})
        self.assertEqual(r.status, 201, r.text)
        token = cookie_parts(r.header("set-cookie"))["__session"]
        log = self.stack.log_text()
        self.assertNotIn(user, log)
        self.assertNotIn(token[-40:], log)


class ClerkModeTest(SignedInStackTest):
    """A server that trusts Clerk's issuer: ClerkJS settings, and no
    development route even with a key given."""
    workers = 1
    dev_signing_key = True
    stack_class = AuthStack

    @classmethod
    def env_extra(cls):
        return {"CLERK_PUBLISHABLE_KEY": PUBLISHABLE}

    def test_config_names_clerk(self):
        r = self.stack.get("/api/auth/config")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"mode": "clerk", "publishable_key": PUBLISHABLE,
                                    "frontend_api": "clerk.jobtune.test"})

    def test_session_route_is_absent(self):
        unknown = self.stack.request("POST", "/api/no-such-route", body={"userId": "user_dev"})
        for body, ctype in (({"userId": "user_dev"}, None), ("{not json", "application/json"),
                            ("userId=user_dev", "application/x-www-form-urlencoded"), ("", None)):
            with self.subTest(body=body):
                headers = {"Origin": ORIGIN}
                if ctype:
                    headers["Content-Type"] = ctype
                r = self.stack.request("POST", "/api/session", body=body, headers=headers)
                self.assertEqual(r.status, 404, r.text)
                self.assertEqual(r.json(), unknown.json())  # as if there were no route
                self.assertIsNone(r.header("set-cookie"))


class NotConfiguredTest(unittest.TestCase):
    def test_config_is_503_without_a_publishable_key(self):
        key = tokens.Key()
        stack = AuthStack(workers=1, env={
            "CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": tokens.ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN})
        try:
            stack.start()
            r = stack.get("/api/auth/config")
            self.assertEqual(r.status, 503, r.text)
            self.assertEqual(r.json()["error"]["code"], "not_configured")
            self.assertEqual(r.json()["error"]["operator"], {"missing": "CLERK_PUBLISHABLE_KEY"})
        finally:
            stack.stop()


class StartRefusalTest(unittest.TestCase):
    def run_jobtuned(self, env_over):
        return run_refusing_jobtuned(self, env_over)

    def test_production_refuses_a_development_signing_key(self):
        tmp = tempfile.mkdtemp(prefix="jobtune-devkey-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "dev-key.pem")
        key = tokens.Key()
        with open(path, "w") as f:
            f.write(key.private_pem())
        status, out, sock = self.run_jobtuned({
            "JOBTUNE_ENV": "production", "JOBTUNE_DEV_SIGNING_KEY": path,
            "CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": tokens.ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN})
        self.assertEqual(status, 1, out)
        self.assertIn("JOBTUNE_DEV_SIGNING_KEY", out)
        self.assertFalse(os.path.exists(sock), "it listened before refusing")
        self.assertNotIn("PRIVATE KEY", out)

    def test_bad_keys_refuse_to_start(self):
        cases = (
            ({"JOBTUNE_ENV": "development", "JOBTUNE_DEV_SIGNING_KEY": "/nonexistent/key.pem"},
             "JOBTUNE_DEV_SIGNING_KEY"),
            ({"JOBTUNE_ENV": "development", "CLERK_PUBLISHABLE_KEY": "pk_test_bm90IGEgaG9zdA"},
             "CLERK_PUBLISHABLE_KEY"),  # "not a host", no '$'
            ({"JOBTUNE_ENV": "development", "CLERK_PUBLISHABLE_KEY": "sk_test_abc"},
             "CLERK_PUBLISHABLE_KEY"),
        )
        for env, name in cases:
            with self.subTest(env=env):
                status, out, sock = self.run_jobtuned(env)
                self.assertEqual(status, 1, out)
                self.assertIn(name, out)
                self.assertFalse(os.path.exists(sock))


class ProductionCspTest(unittest.TestCase):
    """The production site's CSP (nginx/jobtune.conf as built): the /app/
    pages may load ClerkJS from the configured Clerk host, nothing else may,
    and no page may run inline script."""

    def test_clerk_host_only_on_app_pages(self):
        with production_nginx(self) as (site, _, https_port):
            self.assertIn("https://clerk.jobtune.example", site)  # the placeholder to replace
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE

            def csp(path):
                c = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10,
                                                context=ctx)
                c.request("GET", path, headers={"Host": "jobtune.example"})
                r = c.getresponse()
                r.read()
                self.assertEqual(r.status, 200, path)
                # every page keeps HSTS, also where a location adds headers of its own
                self.assertEqual(r.getheader("Strict-Transport-Security"), "max-age=63072000",
                                 path)
                return {d.split()[0]: d.split()[1:] for d in
                        (x.strip() for x in r.getheader("Content-Security-Policy").split(";"))
                        if d}

            for path in ("/app/signin", "/app/", "/app/resumes/65f1c0a4e3b2d19a7c5e8f01"):
                policy = csp(path)
                for directive in ("script-src", "connect-src", "frame-src", "img-src"):
                    self.assertIn("https://clerk.jobtune.example", policy[directive], path)
                self.assertNotIn("'unsafe-inline'", policy["script-src"], path)
                self.assertNotIn("'unsafe-eval'", policy["script-src"], path)
                self.assertIn("'unsafe-inline'", policy["style-src"], path)  # ClerkJS's widget
            for path in ("/", "/privacy", "/support"):
                policy = csp(path)
                self.assertEqual(policy["script-src"], ["'self'"], path)
                self.assertEqual(policy["style-src"], ["'self'"], path)
                self.assertEqual(policy["connect-src"], ["'self'"], path)


if __name__ == "__main__":
    unittest.main()
