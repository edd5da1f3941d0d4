"""Session tokens for the sign-in tests, made by hand: RSA keys (Debian's
python3-cryptography), their PEM and JWK forms, and JWTs with any header and
claims -- valid RS256 ones and every kind of broken one (HS256 keyed with the
PEM text, `alg: none`, a tampered payload, bad base64, a header that is not
JSON).  The encoding is written out here on purpose, so a token can be wrong
in exactly one way."""
import base64
import hashlib
import hmac
import json
import secrets
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ISSUER = "https://clerk.test.invalid"
ORIGIN = "http://localhost:3000"

DROP = object()  # a claim or header value that means "leave this one out"


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_uint(n):
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def segment(value):
    """A header or payload segment: dicts are JSON-encoded, bytes and str taken as they are."""
    if isinstance(value, dict):
        value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return b64url(value)


def decode(token):
    """(header, claims) of a compact JWT, without checking anything."""
    h, p, _ = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p))


class Key:
    """An RSA signing key with a key id."""

    def __init__(self, kid=None, bits=2048, private_key=None):
        self.kid = kid or "ins_test_" + secrets.token_hex(6)
        self.private = private_key or rsa.generate_private_key(public_exponent=65537, key_size=bits)
        self.public = self.private.public_key()

    @classmethod
    def from_pem_file(cls, path, kid):
        with open(path, "rb") as f:
            return cls(kid=kid, private_key=serialization.load_pem_private_key(f.read(), None))

    def public_pem(self):
        return self.public.public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def private_pem(self):
        return self.private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode()

    def jwk(self):
        nums = self.public.public_numbers()
        return {"kid": self.kid, "kty": "RSA", "alg": "RS256", "use": "sig",
                "n": b64url_uint(nums.n), "e": b64url_uint(nums.e)}

    def sign(self, data):
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, token):
        """True when token is RS256-signed by this key (for checking scripts/dev-token)."""
        h, p, s = token.split(".")
        try:
            self.public.verify(b64url_decode(s), f"{h}.{p}".encode(), padding.PKCS1v15(),
                               hashes.SHA256())
            return True
        except Exception:  # noqa: BLE001 - cryptography raises InvalidSignature
            return False


def _apply(base, over):
    out = dict(base)
    for k, v in over.items():
        if v is DROP:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def claims(sub=None, now=None, lifetime=3600, **over):
    """Clerk v2 session claims for sub, valid now; keyword arguments replace
    claims (DROP removes one)."""
    now = int(time.time()) if now is None else now
    base = {
        "azp": ORIGIN,
        "exp": now + lifetime,
        "fva": [1, -1],
        "iat": now,
        "iss": ISSUER,
        "jti": secrets.token_hex(10),
        "nbf": now - 5,
        "sid": "sess_" + secrets.token_hex(12),
        "sub": sub if sub is not None else new_user_id(),
        "v": 2,
    }
    return _apply(base, over)


def new_user_id():
    return "user_" + secrets.token_hex(12)


def header(kid, alg="RS256", **over):
    """A JWT header; kid=DROP leaves the kid out."""
    return _apply({"alg": alg, "typ": "JWT"}, dict({"kid": kid}, **over))


def rs256(key, claim_set, kid=None, **header_over):
    """A token signed with key (RS256); kid defaults to the key's own."""
    h = header(key.kid if kid is None else kid, **header_over)
    return sign_segments(key, segment(h), segment(claim_set))


def sign_segments(key, h, p):
    """Sign already-encoded segments (for headers that are not JSON)."""
    return f"{h}.{p}.{b64url(key.sign(f'{h}.{p}'.encode()))}"


def rsa_sha(key, claim_set, alg, kid=None):
    """A token signed by key with PKCS#1 v1.5 and the hash alg names
    (RS256/RS384/RS512), the header naming alg."""
    h = segment(header(key.kid if kid is None else kid, alg=alg))
    p = segment(claim_set)
    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[alg]
    sig = key.private.sign(f"{h}.{p}".encode(), padding.PKCS1v15(), digest)
    return f"{h}.{p}.{b64url(sig)}"


def hs256(secret, claim_set, kid):
    """HS256 with secret (str or bytes) as the HMAC key: the classic
    algorithm-confusion attack when secret is the server's PEM public key."""
    if isinstance(secret, str):
        secret = secret.encode()
    h, p = segment(header(kid, alg="HS256")), segment(claim_set)
    mac = hmac.new(secret, f"{h}.{p}".encode(), hashlib.sha256).digest()
    return f"{h}.{p}.{b64url(mac)}"


def alg_none(claim_set, kid, alg="none"):
    """An unsigned token: `alg: none` and an empty signature."""
    return f"{segment(header(kid, alg=alg))}.{segment(claim_set)}."


def tamper(token, **over):
    """token with its payload replaced by changed claims, signature kept."""
    h, p, s = token.split(".")
    c = _apply(json.loads(b64url_decode(p)), over)
    return f"{h}.{segment(c)}.{s}"


def splice(token_a, token_b):
    """token_a's header and payload with token_b's signature."""
    h, p, _ = token_a.split(".")
    return f"{h}.{p}.{token_b.split('.')[2]}"


def malformed_base64(token):
    """Broken encodings of an otherwise valid token, by name."""
    h, p, s = token.split(".")
    return {
        "header_bad_chars": f"{h[:-2]}*!.{p}.{s}",
        "payload_bad_chars": f"{h}.{p[:10]}$%^{p[13:]}.{s}",
        "signature_bad_chars": f"{h}.{p}.{s[:-4]}@@@@",
        "payload_std_base64_padding": f"{h}.{base64.b64encode(b64url_decode(p)).decode()}.{s}",
        "payload_truncated": f"{h}.{p[:-3]}.{s}",
        "signature_truncated": f"{h}.{p}.{s[:-10]}",
        "signature_empty": f"{h}.{p}.",
        "two_segments": f"{h}.{p}",
        "four_segments": f"{h}.{p}.{s}.{s}",
        "one_segment": h,
        "only_dots": "..",
        "not_a_token": "not-a-token",
        "space_inside": f"{h}. {p}.{s}",
    }


def malformed_json(key, claim_set, kid):
    """Correctly signed tokens whose header or payload is not a JSON object."""
    good_h = segment(header(kid))
    good_p = segment(claim_set)
    return {
        "header_not_json": sign_segments(key, b64url('{"alg":"RS256","kid":'), good_p),
        "header_garbage": sign_segments(key, b64url(b"\xff\xfe\x00garbage"), good_p),
        "header_array": sign_segments(key, b64url(json.dumps(["RS256", kid])), good_p),
        "header_string": sign_segments(key, b64url('"RS256"'), good_p),
        "payload_not_json": sign_segments(key, good_h, b64url('{"sub":"user_x",')),
        "payload_array": sign_segments(key, good_h, b64url("[1,2,3]")),
    }
