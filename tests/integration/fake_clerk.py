"""A stand-in for Clerk's servers, for the sign-in tests: the Backend API's
JWKS and user endpoints and the Frontend API's /.well-known/jwks.json, on a
free loopback port, served from a background thread.

    clerk = FakeClerk(keys=[key]).start()
    env = {"CLERK_JWKS_URL": clerk.url("/v1/jwks"), "CLERK_SECRET_KEY": clerk.secret_key}
    ...
    clerk.count("/v1/jwks")       # how many times jobtuned fetched the key set
    clerk.add_key(new_key)        # rotation: a new kid appears
    clerk.stop()

Routes (shapes from Clerk's Backend API, docs/external-apis.md section 4):
  GET    /v1/jwks               the key set; needs `Authorization: Bearer <secret key>`
  GET    /.well-known/jwks.json the key set; no authorization (Frontend API)
  GET    /v1/users?email_address=e  the Users whose email_addresses include e
                                (case-insensitively; the parameter may repeat),
                                as Clerk's bare JSON array
  GET    /v1/users/{id}         a User, or 404
  DELETE /v1/users/{id}         {"object":"user","id":...,"deleted":true}, or 404
                                (the ids asked to be deleted are in clerk.deleted)
Failures on demand: `clerk.fail_next = 500` makes the next /v1/ request
answer that status (Clerk's error shape) without doing anything;
`clerk.fail_next = (503, 2)` fails the next two; `(500, 1, "DELETE")` the next
DELETE only (requests with other methods pass).
Anything else answers 404; every /v1/ route answers 401 without the secret
key.  Errors use Clerk's shape:
  {"errors":[{"message","long_message","code","meta":{}}],"meta":{},"clerk_trace_id"}
"""
import collections
import secrets
import threading
import time
import urllib.parse

from fake_server import FakeServer, JsonHandler

SECRET_KEY = "sk_test_x"


class FakeClerk(FakeServer):
    handler_attr = "clerk"
    thread_name = "fake-clerk"

    def __init__(self, keys=(), secret_key=SECRET_KEY):
        self.secret_key = secret_key
        self.lock = threading.Lock()
        self._keys = [k.jwk() for k in keys]
        self.users = {}
        self.deleted = []                     # user ids DELETE was asked for, in order
        self.fail_next = None                 # status, or (status, times)
        self.counts = collections.Counter()   # "METHOD /path" and "/path" -> requests
        self.requests = []                    # (method, path, headers dict), in order

    @property
    def api_url(self):
        """A CLERK_API_URL for jobtuned (the Backend API base, without /v1)."""
        return self.url()

    # ---- keys -------------------------------------------------------------------
    def jwks(self):
        with self.lock:
            return {"keys": [dict(k) for k in self._keys]}

    def add_key(self, key):
        with self.lock:
            self._keys = [k for k in self._keys if k["kid"] != key.kid] + [key.jwk()]

    def remove_key(self, kid):
        with self.lock:
            self._keys = [k for k in self._keys if k["kid"] != kid]

    def rotate(self, new_key, keep_old=True):
        """Publish new_key; drop every other key unless keep_old."""
        with self.lock:
            old = [k for k in self._keys if k["kid"] != new_key.kid] if keep_old else []
            self._keys = old + [new_key.jwk()]

    def kids(self):
        with self.lock:
            return [k["kid"] for k in self._keys]

    # ---- users ------------------------------------------------------------------
    def add_user(self, user_id, email=None, first_name=None, last_name=None, **extra):
        now_ms = int(time.time() * 1000)
        email_id = "idn_" + secrets.token_hex(12)
        user = {
            "id": user_id,
            "object": "user",
            "username": None,
            "first_name": first_name,
            "last_name": last_name,
            "image_url": "",
            "has_image": False,
            "primary_email_address_id": email_id if email else None,
            "primary_phone_number_id": None,
            "email_addresses": [{
                "id": email_id,
                "object": "email_address",
                "email_address": email,
                "verification": {"status": "verified", "strategy": "email_code"},
                "linked_to": [],
            }] if email else [],
            "phone_numbers": [],
            "public_metadata": {},
            "private_metadata": {},
            "unsafe_metadata": {},
            "external_id": None,
            "banned": False,
            "locked": False,
            "created_at": now_ms,
            "updated_at": now_ms,
            "last_sign_in_at": now_ms,
        }
        user.update(extra)
        with self.lock:
            self.users[user_id] = user
        return user

    # ---- what was asked ---------------------------------------------------------
    def count(self, path, method=None):
        with self.lock:
            return self.counts[f"{method} {path}" if method else path]

    def reset_counts(self):
        with self.lock:
            self.counts.clear()
            self.requests.clear()

    def last_request(self, path):
        with self.lock:
            for method, p, headers in reversed(self.requests):
                if p == path:
                    return method, p, headers
        return None

    def take_failure(self, method):
        """The status to fail this request with, or None (and count it down)."""
        with self.lock:
            f = self.fail_next
            if f is None:
                return None
            status, times, only = (f, 1, None) if isinstance(f, int) else (tuple(f) + (None,))[:3]
            if only is not None and only != method:
                return None
            self.fail_next = (status, times - 1, only) if times > 1 else None
            return status

    def find_by_email(self, emails):
        wanted = {e.lower() for e in emails}
        with self.lock:
            return [dict(u) for u in self.users.values()
                    if any((a.get("email_address") or "").lower() in wanted
                           for a in u.get("email_addresses", []))]

    def _record(self, method, path, headers):
        with self.lock:
            self.counts[path] += 1
            self.counts[f"{method} {path}"] += 1
            self.requests.append((method, path, headers))


def clerk_error(code, message, long_message=None):
    return {"errors": [{"message": message, "long_message": long_message or message,
                        "code": code, "meta": {}}],
            "meta": {},
            "clerk_trace_id": secrets.token_hex(16)}


class _Handler(JsonHandler):
    clerk = None  # set by FakeClerk.start
    server_version = "FakeClerk/1.0"

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        if auth == f"Bearer {self.clerk.secret_key}":
            return True
        if not auth:
            self.send_json(401, clerk_error(
                "authorization_header_missing", "Authorization header missing",
                "The Authorization header is missing from the request."))
        else:
            self.send_json(401, clerk_error(
                "authorization_invalid", "Unauthorized request",
                "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret "
                "Key is correct."))
        return False

    def handle_any(self):
        split = urllib.parse.urlsplit(self.path)
        path = split.path
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.clerk._record(self.command, path, {k.lower(): v for k, v in self.headers.items()})
        method = "GET" if self.command == "HEAD" else self.command

        if path == "/.well-known/jwks.json" and method == "GET":
            return self.send_json(200, self.clerk.jwks())
        if path.startswith("/v1/"):
            if not self.authorized():
                return None
            if path == "/v1/jwks" and method == "GET":
                return self.send_json(200, self.clerk.jwks())
            fail = self.clerk.take_failure(method)
            if fail is not None:
                return self.send_json(fail, clerk_error(
                    "internal_clerk_error", "Oops, something went wrong",
                    "There was an internal error on our servers."))
            if path == "/v1/users" and method == "GET":
                query = urllib.parse.parse_qs(split.query)
                emails = query.get("email_address", [])
                users = self.clerk.find_by_email(emails) if emails else \
                    [dict(u) for u in self.clerk.users.values()]
                return self.send_json(200, users)
            parts = path.split("/")
            if len(parts) == 4 and parts[2] == "users" and parts[3]:
                user_id = urllib.parse.unquote(parts[3])
                with self.clerk.lock:
                    user = self.clerk.users.get(user_id)
                    if method == "DELETE":
                        self.clerk.deleted.append(user_id)
                if user is None:
                    return self.send_json(404, clerk_error(
                        "resource_not_found", "not found",
                        f"No user was found with id {user_id}"))
                if method == "GET":
                    return self.send_json(200, user)
                if method == "DELETE":
                    with self.clerk.lock:
                        self.clerk.users.pop(user_id, None)
                    return self.send_json(200, {"object": "user", "id": user_id, "deleted": True})
                return self.send_json(405, clerk_error("method_not_allowed",
                                                       "method not allowed"))
        return self.send_json(404, clerk_error("resource_not_found", "not found",
                                               f"No route {self.command} {path}"))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


FakeClerk.handler = _Handler
