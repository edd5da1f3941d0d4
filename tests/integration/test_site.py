"""The static site nginx serves itself, and the headers every response gets."""
import html
import os
import re
import unittest
from html.parser import HTMLParser

from stack import ROOT, Stack, nginx_t_production_site

POLICY = os.path.join(ROOT, "docs", "privacy-policy.txt")
SEED = os.path.join(ROOT, "..", "shared", "seed", "privacy-policy.txt")


class TextOf(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def normalize(s):
    return re.sub(r"\s+", " ", s).strip()


def page_text(body):
    p = TextOf()
    p.feed(body)
    return normalize(html.unescape("".join(p.parts)))


class SiteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(workers=1).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def test_pages_are_served(self):
        for path, marker in (("/", "Jobtune"), ("/privacy", "Privacy Policy"),
                             ("/support", 'name="email"'), ("/support/thanks", "ticket")):
            r = self.stack.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertTrue(r.header("content-type").startswith("text/html"), path)
            self.assertIn(marker, r.text, path)

    def test_privacy_page_holds_the_whole_policy(self):
        with open(POLICY, encoding="utf-8") as f:
            policy = f.read()
        if os.path.exists(SEED):  # the product's policy is the shared seed
            with open(SEED, encoding="utf-8") as f:
                self.assertEqual(policy, f.read())
        text = page_text(self.stack.get("/privacy").text)
        checked = 0
        for para in re.split(r"\n\s*\n", policy):
            para = normalize(para.replace("•", ""))
            if para:
                self.assertIn(para, text)
                checked += 1
        self.assertGreater(checked, 20)
        self.assertIn("Last Updated: March 13, 2026", text)

    def test_privacy_page_has_an_anchor_per_section(self):
        body = self.stack.get("/privacy").text
        for anchor in ("tldr", "data-we-collect", "how-we-use-your-data", "sub-processors", "your-rights"):
            self.assertRegex(body, rf'id="{anchor}"')
            self.assertIn(f'href="#{anchor}"', body)

    def test_security_headers_on_static_and_api_responses(self):
        for path in ("/", "/privacy", "/assets/site.css", "/api/health", "/api/nope", "/nope"):
            r = self.stack.get(path)
            csp = r.header("content-security-policy") or ""
            self.assertIn("default-src 'self'", csp, path)
            self.assertIn("frame-ancestors 'none'", csp, path)
            self.assertEqual(r.header("x-content-type-options"), "nosniff", path)
            self.assertEqual(r.header("referrer-policy"), "strict-origin-when-cross-origin", path)
            self.assertRegex(r.header("x-request-id") or "", r"^[0-9a-f]{32}$", path)
        self.assertEqual(self.stack.get("/api/health").header("cache-control"), "no-store")

    def test_request_id_reaches_the_log(self):
        r = self.stack.get("/api/health")
        rid = r.header("x-request-id")
        lines = [l for l in self.stack.log_lines() if l.get("request_id") == rid]
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["route"], "/api/health")
        self.assertEqual(lines[0]["status"], 200)

    def test_nginx_access_log_keeps_no_address_or_query(self):
        canary = "canary-5521"
        r = self.stack.get(f"/api/health?who={canary}", client_ip="192.0.2.199",
                           headers={"Referer": f"https://example.com/{canary}", "User-Agent": canary})
        self.stack.get(f"/privacy?{canary}=1", client_ip="192.0.2.199")
        path = os.path.join(self.stack.nginx_state, "nginx-access.log")
        wait_until_text = lambda: r.header("x-request-id") in open(path).read()
        import stack as st
        st.wait_until(wait_until_text, what="access log line")
        text = open(path).read()
        self.assertNotIn("192.0.2.199", text)
        self.assertNotIn(canary, text)
        self.assertIn('"GET /api/health" 200', text)

    def test_raw_html_files_and_unknown_pages_are_404(self):
        self.assertEqual(self.stack.get("/privacy.html").status, 404)
        self.assertEqual(self.stack.get("/errors/429.json").status, 404)
        r = self.stack.get("/no-such-page")
        self.assertEqual(r.status, 404)
        self.assertIn("text/html", r.header("content-type"))

    def test_pages_share_the_header_and_footer_partials(self):
        for path, current in (("/", "/"), ("/privacy", "/privacy"), ("/support", "/support"),
                              ("/support/thanks", None), ("/no-such-page", None)):
            body = self.stack.get(path).text
            self.assertNotIn("<!--#", body, path)  # SSI ran
            self.assertEqual(body.count('<header class="site-header">'), 1, path)
            self.assertEqual(body.count('<footer class="site-footer">'), 1, path)
            marked = re.findall(r'<a href="([^"]+)" aria-current="page"', body)
            self.assertEqual(marked, [current] if current else [], path)

    def test_app_pages_have_clean_urls(self):
        for path, script in (("/app/", "resumes.js"), ("/app/signin", "signin.js"),
                             ("/app/resumes/65f1c0a4e3b2d19a7c5e8f01", "editor.js"),
                             ("/app/resumes/65f1c0a4e3b2d19a7c5e8f01/tailor", "tailor.js"),
                             ("/app/interviews", "interviews.js"),
                             ("/app/interviews/65f1c0a4e3b2d19a7c5e8f02", "interview.js"),
                             ("/app/privacy", "privacy-centre.js"), ("/app/admin", "admin.js")):
            r = self.stack.get(path)
            self.assertEqual(r.status, 200, path)
            self.assertIn(f'<script type="module" src="/app/js/{script}"></script>', r.text, path)
            self.assertNotIn("<!--#", r.text, path)
            self.assertIn('id="announcer" aria-live="polite"', r.text, path)
            self.assertIn('<footer class="site-footer">', r.text, path)
            # the shared <head> basics, from partials/app-head.html, first
            self.assertRegex(r.text, r'^<!doctype html>\s*<html lang="en">\s*<head>\s*'
                             r'<meta charset="utf-8">', path)
            self.assertEqual(r.text.count('href="/app/app.css"'), 1, path)
            csp = r.header("content-security-policy")
            self.assertRegex(csp, r"script-src 'self' ?;", path)  # no third party in development
            self.assertNotIn("unsafe-inline", csp, path)
        r = self.stack.get("/app")
        self.assertEqual(r.status, 301)
        self.assertTrue(r.header("location").endswith("/app/"))
        for path in ("/app/resumes.html", "/app/editor.html", "/partials/header.html",
                     "/partials/app-header.html", "/partials/footer.html",
                     "/partials/app-head.html", "/app/nope",
                     "/app/resumes/a/b/c"):
            self.assertEqual(self.stack.get(path).status, 404, path)
        js = self.stack.get("/app/js/api.js")
        self.assertEqual(js.status, 200)
        self.assertIn("javascript", js.header("content-type"))

    def test_no_inline_script_or_handler_in_any_page(self):
        www = os.path.join(ROOT, "nginx", "www")
        for folder, _, files in os.walk(www):
            for name in files:
                if not name.endswith(".html"):
                    continue
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    text = f.read()
                for tag in re.findall(r"<script\b[^>]*>", text):
                    self.assertIn("src=", tag, f"{name}: inline script {tag}")
                self.assertIsNone(re.search(r"<[^>]*\son[a-z]+\s*=", text), f"{name}: inline handler")

    def test_head_on_api(self):
        r = self.stack.request("HEAD", "/api/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")


class ProductionConfigTest(unittest.TestCase):
    def test_production_site_passes_nginx_t(self):
        """nginx/jobtune.conf with its snippets, as installed, is valid."""
        import tempfile
        snippets = {}
        for f in ("jobtune-common.conf", "jobtune-headers.conf", "jobtune-api.conf"):
            with open(os.path.join(ROOT, "nginx", f)) as src:
                snippets[f] = src.read()
        with open(os.path.join(ROOT, "nginx", "jobtune.conf")) as f:
            site = f.read()
        with tempfile.TemporaryDirectory() as d:
            p = nginx_t_production_site(d, site, snippets)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("test is successful", p.stderr)


if __name__ == "__main__":
    unittest.main()


class OpenApiTest(unittest.TestCase):
    def test_openapi_describes_exactly_the_route_table(self):
        """docs/openapi.yaml and the route table in src/routes/table.c list the same routes."""
        import yaml  # Debian's python3-yaml
        with open(os.path.join(ROOT, "src", "routes", "table.c")) as f:
            table = set(re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)",\s*"(/[^"]*)"', f.read()))
        with open(os.path.join(ROOT, "docs", "openapi.yaml")) as f:
            spec = yaml.safe_load(f)
        documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops
                      if m in ("get", "post", "put", "patch", "delete")}
        self.assertTrue(table)
        self.assertEqual(table, documented)
