#!/usr/bin/env python3
"""A deliberately flawed OpenID Connect provider and protected resource for `stepgate probe`.

tests/probe_flawed.sh points the probe at it to prove that each probe case can fail: every
flaw below is one small deviation from correct behaviour, named after the probe case that must
catch it, and switched on with --flaws. With --flaws none the target behaves correctly for those
cases, as a control.

What it serves (Python 3 standard library and the `openssl` command; state in memory only):

- discovery at /.well-known/openid-configuration (acr_values_supported aal1, aal2; PKCE S256),
  and its signing key at /jwks;
- /authorize: the code flow with PKCE S256 (required), state, nonce, acr_values, max_age and
  prompt (none, login); the client `probe` with one exact redirect URI, issuer + /callback;
- /login: HTML forms found by their autocomplete tokens: username and current-password, then
  one-time-code (RFC 6238: SHA-1, 6 digits, 30 s) for aal2; a CSRF token bound to the session
  cookie on each form; each flow bound to the session that started it;
- /token: authorization_code with PKCE, refresh_token with rotation and reuse detection; ID and
  access tokens are ES256 JWTs carrying acr, amr and auth_time;
- /userinfo, and /revoke (RFC 7009);
- /api/transfer: a protected resource that needs aal2 authenticated within 300 s. It answers 401
  with an RFC 9470 challenge (Bearer error="insufficient_user_authentication", acr_values="aal2",
  max_age=300) without a token or when the token's acr or auth_time falls short, 401
  error="invalid_token" for a token that does not verify, and 200 otherwise.

Signing: a P-256 key made at start with `openssl ecparam -genkey` in a private temporary
directory (removed at exit). Tokens are signed and checked by calling `openssl dgst -sha256`;
the DER signature openssl works with is converted to and from the JOSE form r || s (RFC 7518
§3.4). The public key's x and y come from its DER SubjectPublicKeyInfo, whose last 65 bytes are
the uncompressed point 04 || x || y.

Users come from the environment, the same variables the probe's target file names, so no
secret is on a command line: PROBE_PASSWORD and PROBE_TOTP_SECRET (base32) for the user
--username (default alice), and optionally PROBE_SECOND_PASSWORD and PROBE_SECOND_TOTP_SECRET
for --second-username (default bob), and PROBE_LOCKOUT_PASSWORD and PROBE_LOCKOUT_TOTP_SECRET for
--lockout-username (default carol), the user the brute-force case locks out: every user may fail
10 answers in 15 minutes, then each answer is refused with 429 for the rest of the window. Nothing is logged but startup problems and the type of an
unexpected error: never a request line (query strings carry codes), a body, a cookie or a token.

Usage: flawed_target.py [--port PORT] [--ready-file FILE] [--flaws LIST]
  --port        loopback port to listen on; 0 (the default) lets the system pick one
  --ready-file  once listening, the port is written to this file (for the script that waits)
  --flaws       comma-separated flaw names, `all` (the default) or `none`; --list-flaws names them
"""

import argparse
import base64
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Each flaw, named after the probe case that must catch it. The comment marked `FLAW <name>:`
# at its one place in the code says what correct behaviour it breaks.
FLAWS = {
    "code.replay": "an authorization code can be redeemed twice",
    "stepup.stale_session": "/authorize ignores max_age: an old auth_time is accepted",
    "jwt.alg_none": "access tokens with alg none are accepted without a signature",
    "pkce.wrong_verifier": "the token endpoint does not check the PKCE verifier",
    "pkce.wrong_verifier:optional": "a token request without code_verifier skips the PKCE check",
    "redirect_uri.variants": "redirect_uri is matched by prefix, not exactly",
    "refresh.replay_family": "a used refresh token works again",
    "totp.replay": "a TOTP code is accepted twice",
    "acr.tampered": "the resource accepts any known level, aal1 included, where it needs aal2",
    "session.csrf_stepup_form": "the sign-in form does not check its CSRF token",
    "payload.oversized": "a body over the size limit ends in 500, not 413",
    "bruteforce.across_challenges": "wrong codes are limited per flow only, not per account",
    "network.drop_token_response": "a used code presented again within 10 s is redeemed again, as a retry",
    "jwt.alg_confusion": "HS256 tokens MACed with the public key's PEM are accepted",
    "jwt.unknown_kid": "a key embedded in the token's header (jwk) is trusted",
    "jwt.bad_signature": "a signature of the right length is not checked",
    "jwt.wrong_audience": "the resource takes any token the provider signed: typ and aud unchecked",
    "token.replay_after_revoke": "a revoked access token is still accepted by the resource",
    "payload.truncated": "a form cut inside a percent escape ends in 500, not 400",
    "payload.wrong_types": "a repeated form field is not refused: the first value wins",
    "payload.wrong_content_type": "a body is read as a form whatever its content type",
}
ACTIVE_FLAWS: frozenset = frozenset()

LEVELS = ["aal1", "aal2"]  # lowest first
CLIENT_ID = "probe"
RESOURCE_AUDIENCE = "flawed-target-api"
RESOURCE_LEVEL = "aal2"
RESOURCE_MAX_AGE = 300  # seconds
CODE_LIFETIME = 60
FLOW_LIFETIME = 300
TOKEN_LIFETIME = 300
REFRESH_LIFETIME = 3600
TOTP_PERIOD = 30
MAX_FAILED_ANSWERS = 5  # per flow
MAX_ACCOUNT_FAILURES = 10  # per account within ACCOUNT_FAILURE_WINDOW
ACCOUNT_FAILURE_WINDOW = 900  # seconds
MAX_BODY = 64 * 1024  # bytes; larger bodies are refused with 413
MAX_DISCARD = 64 * 1024 * 1024  # a refused body up to this size is read and dropped first
CLOCK_SKEW = 30  # seconds allowed for iat and nbf in the future


def flawed(name: str) -> bool:
    """Whether the flaw `name` is planted in this run."""
    return name in ACTIVE_FLAWS


# ---------------------------------------------------------------------------------------------
# Encoding, ES256 through openssl, JWTs, TOTP


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2); ValueError for anything else."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    if len(text) % 4 == 1 or any(c not in alphabet for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def der_signature_to_jose(der: bytes) -> bytes:
    """ECDSA-Sig-Value (SEQUENCE of INTEGER r, s) to r || s, 32 bytes each (RFC 7518 §3.4)."""
    if len(der) < 8 or der[0] != 0x30 or der[1] != len(der) - 2:
        raise ValueError("not a DER ECDSA signature")
    out, index = b"", 2
    for _ in range(2):
        if der[index] != 0x02:
            raise ValueError("not a DER INTEGER")
        length = der[index + 1]
        value = int.from_bytes(der[index + 2 : index + 2 + length], "big")
        out += value.to_bytes(32, "big")
        index += 2 + length
    return out


def jose_signature_to_der(raw: bytes) -> bytes:
    """r || s to the DER form `openssl dgst -verify` reads."""

    def integer(part: bytes) -> bytes:
        part = part.lstrip(b"\0") or b"\0"
        if part[0] & 0x80:
            part = b"\0" + part
        return b"\x02" + bytes([len(part)]) + part

    body = integer(raw[:32]) + integer(raw[32:])
    return b"\x30" + bytes([len(body)]) + body


class ES256Key:
    """A P-256 signing key held in a private temporary directory and used through `openssl`."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="flawed-target-")  # mode 0700
        self.private_path = os.path.join(self.directory, "key.pem")
        self.public_path = os.path.join(self.directory, "public.pem")
        self._openssl(
            "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", self.private_path
        )
        os.chmod(self.private_path, 0o600)
        self._openssl("ec", "-in", self.private_path, "-pubout", "-out", self.public_path)
        spki = self._openssl("ec", "-in", self.private_path, "-pubout", "-outform", "DER")
        point = spki[-65:]
        if point[0] != 0x04:
            raise RuntimeError("openssl gave no uncompressed P-256 point")
        self.x, self.y = point[1:33], point[33:]
        # RFC 7638 thumbprint as the key ID.
        canonical = json.dumps(
            {"crv": "P-256", "kty": "EC", "x": b64url(self.x), "y": b64url(self.y)},
            separators=(",", ":"),
            sort_keys=True,
        )
        self.kid = b64url(hashlib.sha256(canonical.encode()).digest())

    def jwk(self) -> dict:
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(self.x),
            "y": b64url(self.y),
            "kid": self.kid,
            "use": "sig",
            "alg": "ES256",
        }

    def sign(self, data: bytes) -> bytes:
        der = self._openssl("dgst", "-sha256", "-sign", self.private_path, stdin=data)
        return der_signature_to_jose(der)

    def verify(self, data: bytes, signature: bytes) -> bool:
        return self.verify_with(self.public_path, "PEM", data, signature)

    def verify_with(self, public_path: str, form: str, data: bytes, signature: bytes) -> bool:
        """Whether `signature` (JOSE r || s) over `data` verifies under the key in the file."""
        if len(signature) != 64:
            return False
        with tempfile.NamedTemporaryFile(dir=self.directory, suffix=".sig") as file:
            file.write(jose_signature_to_der(signature))
            file.flush()
            command = ["openssl", "dgst", "-sha256", "-verify", public_path, "-keyform", form]
            result = subprocess.run(
                command + ["-signature", file.name],
                input=data,
                capture_output=True,
                check=False,
            )
        return result.returncode == 0

    def verify_with_jwk(self, jwk: dict, data: bytes, signature: bytes) -> bool:
        """Whether `signature` verifies under the P-256 JWK `jwk` (its SubjectPublicKeyInfo
        is written to a file for openssl); False for anything that is not such a key."""
        try:
            point = b"\x04" + b64url_decode(jwk.get("x", "")) + b64url_decode(jwk.get("y", ""))
        except (ValueError, AttributeError):
            return False
        if len(point) != 65:
            return False
        prefix = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
        with tempfile.NamedTemporaryFile(dir=self.directory, suffix=".der") as file:
            file.write(prefix + point)
            file.flush()
            return self.verify_with(file.name, "DER", data, signature)

    def public_pem(self) -> bytes:
        with open(self.public_path, "rb") as file:
            return file.read()

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    @staticmethod
    def _openssl(*arguments: str, stdin: bytes = b"") -> bytes:
        command = ["openssl", *arguments]
        result = subprocess.run(command, input=stdin, capture_output=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"openssl {arguments[0]} failed with status {result.returncode}")
        return result.stdout


KEY: ES256Key  # made in main()


def encode_jwt(claims: dict, typ: str) -> str:
    header = {"alg": "ES256", "kid": KEY.kid, "typ": typ}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return signing_input + "." + b64url(KEY.sign(signing_input.encode("ascii")))


def decode_jwt(token: str, typ: str) -> dict | None:
    """The claims of an ES256 JWT of ours with header `typ`; None when it does not verify."""
    parts = token.split(".")
    if len(parts) != 3 or len(token) > 16 * 1024:
        return None
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    # FLAW jwt.alg_none: RFC 8725 §3.1 and §2.1: the algorithm is the verifier's choice, never
    # the token's; "none" must be refused. With the flaw, a token whose header says alg "none"
    # skips the signature check and its claims are believed (every other check still applies).
    if flawed("jwt.alg_none") and header.get("alg") == "none":
        return claims
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    # FLAW jwt.alg_confusion: RFC 8725 §2.1 and §3.1: the key decides the algorithm. With the
    # flaw, alg HS256 is honoured with the public key's PEM bytes as the HMAC secret, which
    # anyone can read from /jwks.
    if flawed("jwt.alg_confusion") and header.get("alg") == "HS256":
        mac = hmac.new(KEY.public_pem(), signing_input, hashlib.sha256).digest()
        return claims if hmac.compare_digest(mac, signature) else None
    # FLAW jwt.unknown_kid: RFC 8725 §3.10, RFC 7515 §4.1.3: keys come from the issuer's JWKS,
    # never from the token. With the flaw, a key embedded in the header (jwk) is trusted.
    if flawed("jwt.unknown_kid") and isinstance(header.get("jwk"), dict):
        embedded = header["jwk"]
        valid = header.get("alg") == "ES256"
        return claims if valid and KEY.verify_with_jwk(embedded, signing_input, signature) else None
    if header.get("alg") != "ES256" or header.get("kid") != KEY.kid or header.get("typ") != typ:
        return None
    # FLAW jwt.bad_signature: RFC 7515 §5.2 step 8: the signature must verify. With the flaw,
    # a signature of the right length (64 bytes) is taken without checking its value.
    if flawed("jwt.bad_signature") and len(signature) == 64 and "crit" not in header:
        return claims
    if "crit" in header or not KEY.verify(signing_input, signature):
        return None
    return claims


def totp_code(seed: bytes, step: int) -> str:
    """RFC 6238 (RFC 4226 §5.3 truncation): SHA-1, 6 digits."""
    mac = hmac.new(seed, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def base32_seed(text: str) -> bytes:
    cleaned = text.strip().replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


# ---------------------------------------------------------------------------------------------
# State: users, sessions, flows, codes, grants


@dataclass
class User:
    username: str
    password_digest: bytes  # SHA-256: compared in constant time, the password never kept
    totp_seed: bytes
    subject: str
    last_totp_step: int = -1  # the last time-step accepted (RFC 6238 §5.2: each step once)
    failures: list = field(default_factory=list)  # times of failed answers, for the budget


@dataclass(frozen=True)
class Proof:
    """What a sign-in proved: who, at which level (acr), by which methods (amr), and when."""

    user: User
    acr: str
    amr: tuple
    auth_time: float


@dataclass
class Session:
    """A browser session, found by its cookie; `sid` changes at each completed sign-in."""

    sid: str
    csrf: str
    proof: Proof | None = None


@dataclass
class AuthorizationRequest:
    redirect_uri: str
    state: str | None
    nonce: str | None
    code_challenge: str
    level: str  # the level the request needs
    max_age: int | None
    prompt: set


@dataclass
class Flow:
    """A sign-in in progress, answerable only from the session that started it."""

    session: Session
    request: AuthorizationRequest
    created: float
    user: User | None = None  # set once the password step is answered
    failures: int = 0


@dataclass
class Code:
    request: AuthorizationRequest
    proof: Proof
    issued: float
    used: bool = False
    used_at: float = 0.0
    grant: str | None = None  # the grant its first redemption made, revoked on a replay


@dataclass
class RefreshToken:
    grant: str
    proof: Proof
    expires: float
    used: bool = False


class Store:
    """Everything the target remembers, behind one lock (the raced cases need it atomic)."""

    def __init__(self, users: list) -> None:
        self.lock = threading.Lock()
        self.users = {user.username: user for user in users}
        self.sessions: dict = {}
        self.flows: dict = {}
        self.codes: dict = {}
        self.refresh_tokens: dict = {}
        self.revoked_grants: set = set()
        self.revoked_token_ids: set = set()
        # Access token jti -> its grant, so that revoking the grant stops the access token too.
        self.access_grants: dict = {}


STORE: Store  # made in main()
ISSUER = ""  # set in main() once the port is known
REDIRECT_URIS: list = []


def level_rank(acr: str | None) -> int:
    return LEVELS.index(acr) if acr in LEVELS else -1


def new_token() -> str:
    return secrets.token_urlsafe(32)


def subject_for(username: str) -> str:
    return "sub-" + hashlib.sha256(b"flawed-target subject " + username.encode()).hexdigest()[:24]


# ---------------------------------------------------------------------------------------------
# Errors that become responses


class Problem(Exception):
    """A refusal the handler turns into a response: JSON for APIs, a page for browsers."""

    def __init__(
        self, status: int, error: str, description: str, headers: list | None = None
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or []


def invalid_token() -> Problem:
    """RFC 6750 §3.1: the token is malformed, expired, revoked or does not verify."""
    description = "the access token is not valid"
    return Problem(401, "invalid_token", description, bearer_challenge("invalid_token"))


def bearer_challenge(error: str) -> list:
    if error == "insufficient_user_authentication":
        value = (
            'Bearer error="insufficient_user_authentication", '
            'error_description="a stronger or more recent authentication is required", '
            f'acr_values="{RESOURCE_LEVEL}", max_age={RESOURCE_MAX_AGE}'
        )
    else:
        value = f'Bearer error="{error}"'
    return [("WWW-Authenticate", value)]


# ---------------------------------------------------------------------------------------------
# The HTTP side


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "flawed-target"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        """Nothing: the default writes the request line, whose query carries codes and state."""

    # Routing ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_HEAD(self) -> None:
        self.dispatch("HEAD")

    def dispatch(self, method: str) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        self.query = parsed.query
        self.response_cookies: list = []
        # Until read_body() runs: a body nobody reads would be taken for the next request.
        self.body_pending = bool(self.headers.get("Transfer-Encoding")) or self.headers.get(
            "Content-Length", "0"
        ).strip() not in ("", "0")
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/authorize"): self.authorize,
            ("GET", "/login"): self.login_page,
            ("POST", "/login"): self.login_answer,
            ("POST", "/token"): self.token,
            ("GET", "/userinfo"): self.userinfo,
            ("POST", "/revoke"): self.revoke,
            ("POST", "/api/transfer"): self.transfer,
            ("GET", "/healthz"): lambda: self.send_json(200, {"status": "ok"}),
        }
        route = routes.get((method, parsed.path))
        page = parsed.path in ("/authorize", "/login")
        try:
            if route is None:
                known = any(path == parsed.path for _, path in routes)
                raise Problem(405 if known else 404, "not_found", "no such endpoint")
            route()
        except Problem as problem:
            if page:
                message = f"<p>{html.escape(problem.description)}</p>"
                self.send_page(problem.status, "Sign-in refused", message)
            else:
                body = {"error": problem.error, "error_description": problem.description}
                self.send_json(problem.status, body, problem.headers)
        except Exception as error:  # the one funnel for the unexpected: a bare 500, type logged
            kind = type(error).__name__
            print(f"flawed_target: internal error ({kind})", file=sys.stderr, flush=True)
            self.close_connection = True
            self.send_json(500, {"error": "server_error"})

    # Requests --------------------------------------------------------------------------------

    def read_body(self) -> bytes:
        """The request body, at most MAX_BODY bytes; Problem 411 or 413 otherwise."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise Problem(411, "invalid_request", "a Content-Length is required")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            self.close_connection = True
            raise Problem(400, "invalid_request", "bad Content-Length") from None
        if length < 0:
            self.close_connection = True
            raise Problem(400, "invalid_request", "bad Content-Length")
        if length > MAX_BODY:
            self.discard(length)
            # FLAW payload.oversized: a body over the limit must be refused as the client's fault
            # (413) and the server must stay up. With the flaw the reader raises an error that no
            # handler maps, so the request ends in the generic 500: on every endpoint with a body,
            # the token endpoint among them.
            if flawed("payload.oversized"):
                raise RuntimeError("request body over the limit")
            raise Problem(413, "invalid_request", "the request body is too large")
        self.body_pending = False
        return self.rfile.read(length)

    def discard(self, length: int) -> None:
        """Reads and drops a refused body (up to MAX_DISCARD), so the client reads the answer."""
        self.close_connection = True
        self.body_pending = False
        remaining = length if length <= MAX_DISCARD else 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 16))
            if not chunk:
                break
            remaining -= len(chunk)

    def form(self) -> dict:
        """The urlencoded body as single values; repeated or undecodable parameters are refused."""
        body = self.read_body()
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        # FLAW payload.wrong_content_type: RFC 6749 §3.2: the token request is a form. With the
        # flaw, any body is read as a form whatever its content type (or none).
        if content_type != "application/x-www-form-urlencoded" and not flawed(
            "payload.wrong_content_type"
        ):
            expected = "expected an application/x-www-form-urlencoded body"
            raise Problem(400, "invalid_request", expected)
        try:
            text = body.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise Problem(400, "invalid_request", "the body is not UTF-8") from None
        return single_values(text, "body")

    def query_values(self) -> dict:
        return single_values(self.query, "query")

    def session(self, create: bool) -> Session | None:
        """The session of the `sid` cookie; with `create`, a new one (cookie set) when none."""
        sid = None
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "sid":
                sid = value
        with STORE.lock:
            found = STORE.sessions.get(sid) if sid else None
            if found or not create:
                return found
            created = Session(sid=new_token(), csrf=new_token())
            STORE.sessions[created.sid] = created
        self.set_session_cookie(created)
        return created

    def set_session_cookie(self, session: Session) -> None:
        self.response_cookies.append(f"sid={session.sid}; Path=/; HttpOnly; SameSite=Lax")

    def bearer(self) -> str | None:
        value = self.headers.get("Authorization")
        if value is None:
            return None
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise invalid_token()
        return token.strip()

    # Responses -------------------------------------------------------------------------------

    def send(
        self, status: int, body: bytes, content_type: str, headers: list | None = None
    ) -> None:
        if self.body_pending:  # the unread body must not be taken for the next request
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for cookie in self.response_cookies:
            self.send_header("Set-Cookie", cookie)
        for name, value in headers or []:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, value: dict, headers: list | None = None) -> None:
        self.send(status, json.dumps(value).encode(), "application/json", headers)

    def send_page(self, status: int, title: str, content: str) -> None:
        page = (
            "<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"{content}</body></html>"
        )
        csp = "default-src 'none'; form-action 'self'; frame-ancestors 'none'"
        headers = [("Content-Security-Policy", csp)]
        self.send(status, page.encode(), "text/html; charset=utf-8", headers)

    def redirect(self, location: str) -> None:
        self.send(302, b"", "text/plain", [("Location", location)])

    # Discovery and keys ----------------------------------------------------------------------

    def discovery(self) -> None:
        self.send_json(
            200,
            {
                "issuer": ISSUER,
                "authorization_endpoint": ISSUER + "/authorize",
                "token_endpoint": ISSUER + "/token",
                "userinfo_endpoint": ISSUER + "/userinfo",
                "jwks_uri": ISSUER + "/jwks",
                "revocation_endpoint": ISSUER + "/revoke",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["ES256"],
                "token_endpoint_auth_methods_supported": ["none"],
                "code_challenge_methods_supported": ["S256"],
                "acr_values_supported": LEVELS,
                "prompt_values_supported": ["none", "login"],
                "scopes_supported": ["openid"],
                "claims_supported": [
                    "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr"
                ],
                "authorization_response_iss_parameter_supported": True,
            },
        )

    def jwks(self) -> None:
        self.send_json(200, {"keys": [KEY.jwk()]})

    # Authorization endpoint (OIDC Core §3.1.2) -----------------------------------------------

    def authorize(self) -> None:
        values = self.query_values()
        if values.get("client_id") != CLIENT_ID:
            raise Problem(400, "invalid_request", "unknown client")
        redirect_uri = values.get("redirect_uri", "")
        if not redirect_uri_registered(redirect_uri):
            raise Problem(400, "invalid_request", "redirect_uri is not registered for this client")
        state = values.get("state")

        def refuse(error: str) -> None:
            self.redirect(callback_url(redirect_uri, [("error", error)], state))

        if values.get("response_type") != "code":
            return refuse("unsupported_response_type")
        # RFC 7636 §4.4.1, RFC 9700 §2.1.1: PKCE with S256 only.
        challenge = values.get("code_challenge", "")
        if values.get("code_challenge_method") != "S256" or not (43 <= len(challenge) <= 128):
            return refuse("invalid_request")
        if "openid" not in values.get("scope", "").split():
            return refuse("invalid_scope")
        prompt = set(values.get("prompt", "").split())
        if not prompt <= {"none", "login"} or prompt == {"none", "login"}:
            return refuse("invalid_request")
        max_age = None
        if "max_age" in values:
            if not (values["max_age"].isascii() and values["max_age"].isdigit()):
                return refuse("invalid_request")
            max_age = int(values["max_age"])
        request = AuthorizationRequest(
            redirect_uri=redirect_uri,
            state=state,
            nonce=values.get("nonce"),
            code_challenge=challenge,
            level=requested_level(values.get("acr_values", "")),
            max_age=max_age,
            prompt=prompt,
        )

        session = self.session(create=True)
        code = flow_id = None
        with STORE.lock:
            if session_satisfies(session, request):
                code = issue_code(request, session.proof)
            elif "none" not in prompt:
                flow_id = new_token()
                STORE.flows[flow_id] = Flow(session=session, request=request, created=time.time())
        if code:
            return self.redirect(callback_url(redirect_uri, [("code", code)], state))
        if flow_id is None:  # prompt=none, and the session cannot answer without asking
            return refuse("login_required")
        self.redirect(ISSUER + "/login?" + urllib.parse.urlencode({"tx": flow_id}))

    # Sign-in pages ---------------------------------------------------------------------------

    def login_page(self) -> None:
        session = self.session(create=False)
        flow_id, flow = self.current_flow(session, self.query_values().get("tx"))
        if flow.user is None:
            self.password_form(200, session, flow_id, "")
        else:
            self.code_form(200, session, flow_id, "")

    def login_answer(self) -> None:
        session = self.session(create=False)
        values = self.form()
        flow_id, flow = self.current_flow(session, values.get("tx"))
        # FLAW session.csrf_stepup_form: every post must carry the CSRF token of the session it
        # answers in (OWASP CSRF; RFC 6749 §10.12), or a page on another site can answer the
        # step-up in the victim's browser. With the flaw, the token is not checked at all.
        if not flawed("session.csrf_stepup_form"):
            given = values.get("csrf_token", "").encode()
            if not hmac.compare_digest(given, session.csrf.encode()):
                expired = "This form has expired. Go back and try again."
                raise Problem(403, "invalid_request", expired)
        if flow.user is None:
            self.answer_password(session, flow_id, flow, values)
        else:
            self.answer_code(session, flow_id, flow, values)

    def current_flow(self, session: Session | None, flow_id: str | None) -> tuple:
        with STORE.lock:
            flow = STORE.flows.get(flow_id) if flow_id else None
            if flow is None or session is None or flow.session is not session:
                unknown = "This sign-in is unknown or belongs to another browser."
                raise Problem(400, "invalid_request", unknown)
            if time.time() - flow.created > FLOW_LIFETIME or flow.failures >= MAX_FAILED_ANSWERS:
                del STORE.flows[flow_id]
                raise Problem(400, "invalid_request", "This sign-in has expired. Start again.")
        return flow_id, flow

    def answer_password(self, session: Session, flow_id: str, flow: Flow, values: dict) -> None:
        user = STORE.users.get(values.get("username", ""))
        if user is not None:
            check_budget(user)
        given = hashlib.sha256(values.get("password", "").encode()).digest()
        expected = user.password_digest if user else hashlib.sha256(b"\0no such user").digest()
        if not hmac.compare_digest(given, expected) or user is None:
            with STORE.lock:
                flow.failures += 1
                if user is not None:
                    user.failures.append(time.time())
            return self.password_form(401, session, flow_id, "Wrong username or password.")
        with STORE.lock:
            flow.user = user
        if level_rank(flow.request.level) >= level_rank("aal2"):
            return self.code_form(200, session, flow_id, "")
        self.complete(session, flow_id, flow, "aal1", ["pwd"])

    def answer_code(self, session: Session, flow_id: str, flow: Flow, values: dict) -> None:
        code = values.get("otp", "")
        user = flow.user
        check_budget(user)
        now_step = int(time.time()) // TOTP_PERIOD
        with STORE.lock:
            accepted = None
            for step in (now_step, now_step - 1):  # the current step and the one before
                # FLAW totp.replay: RFC 6238 §5.2: the verifier MUST NOT accept the second attempt
                # of the same OTP; each time-step is accepted once per user. With the flaw, a step
                # already accepted is accepted again.
                if step <= user.last_totp_step and not flawed("totp.replay"):
                    continue
                if hmac.compare_digest(code.encode(), totp_code(user.totp_seed, step).encode()):
                    accepted = step
                    break
            if accepted is None:
                flow.failures += 1
                user.failures.append(time.time())
            else:
                user.last_totp_step = max(user.last_totp_step, accepted)
        if accepted is None:
            wrong = "That code is not right. Wait for the next one and try again."
            return self.code_form(401, session, flow_id, wrong)
        self.complete(session, flow_id, flow, "aal2", ["pwd", "otp"])

    def complete(self, session: Session, flow_id: str, flow: Flow, acr: str, amr: list) -> None:
        """Ends the flow: the session holds this sign-in (under a new ID), the client a code."""
        with STORE.lock:
            if STORE.flows.pop(flow_id, None) is None:
                raise Problem(400, "invalid_request", "This sign-in is already finished.")
            STORE.sessions.pop(session.sid, None)
            session.sid = new_token()  # a new session ID at each sign-in (session fixation)
            STORE.sessions[session.sid] = session
            session.proof = Proof(user=flow.user, acr=acr, amr=tuple(amr), auth_time=time.time())
            code = issue_code(flow.request, session.proof)
        self.set_session_cookie(session)
        self.redirect(callback_url(flow.request.redirect_uri, [("code", code)], flow.request.state))

    def password_form(self, status: int, session: Session, flow_id: str, message: str) -> None:
        fields = (
            '<label>Username <input name="username" autocomplete="username" required></label>'
            '<label>Password <input type="password" name="password" autocomplete="current-password"'
            " required></label>"
        )
        self.send_form(status, session, flow_id, ("Sign in", message, fields))

    def code_form(self, status: int, session: Session, flow_id: str, message: str) -> None:
        fields = (
            '<label>Code from your authenticator app <input name="otp" autocomplete="one-time-code"'
            ' inputmode="numeric" pattern="[0-9]{6}" required></label>'
        )
        self.send_form(status, session, flow_id, ("Confirm it is you", message, fields))

    def send_form(self, status: int, session: Session, flow_id: str, page: tuple) -> None:
        """A sign-in step's form; `page` is (title, message, the step's own fields)."""
        title, message, fields = page
        notice = f'<p role="alert">{html.escape(message)}</p>' if message else ""
        content = (
            f'{notice}<form method="post" action="/login">'
            f'<input type="hidden" name="tx" value="{html.escape(flow_id)}">'
            f'<input type="hidden" name="csrf_token" value="{html.escape(session.csrf)}">'
            f"{fields}<button type=submit>Continue</button></form>"
        )
        self.send_page(status, title, content)

    # Token endpoint (RFC 6749 §3.2, §4.1.3, §6) ----------------------------------------------

    def token(self) -> None:
        values = self.form()
        if values.get("client_id") != CLIENT_ID:
            raise Problem(401, "invalid_client", "unknown client")
        grant_type = values.get("grant_type")
        if grant_type == "authorization_code":
            response = redeem_code(values)
        elif grant_type == "refresh_token":
            response = use_refresh_token(values)
        else:
            raise Problem(400, "unsupported_grant_type", "grant_type not supported")
        self.send_json(200, response, [("Pragma", "no-cache")])

    def revoke(self) -> None:
        """RFC 7009 §2: a refresh token's whole grant, or one access token; 200 either way."""
        values = self.form()
        if values.get("client_id") != CLIENT_ID:
            raise Problem(401, "invalid_client", "unknown client")
        token = values.get("token", "")
        with STORE.lock:
            record = STORE.refresh_tokens.get(token)
            if record:
                STORE.revoked_grants.add(record.grant)
        if not record:
            claims = decode_jwt(token, "at+jwt")
            if claims and isinstance(claims.get("jti"), str):
                with STORE.lock:
                    STORE.revoked_token_ids.add(claims["jti"])
        self.send_json(200, {})

    # Userinfo and the protected resource -----------------------------------------------------

    def userinfo(self) -> None:
        token = self.bearer()
        claims = verify_access_token(token) if token else None
        if claims is None:
            raise invalid_token()
        user = next((u for u in STORE.users.values() if u.subject == claims.get("sub")), None)
        if user is None:
            raise invalid_token()
        self.send_json(200, {"sub": user.subject, "preferred_username": user.username})

    def transfer(self) -> None:
        """The protected resource: aal2 within RESOURCE_MAX_AGE, else an RFC 9470 challenge."""
        self.read_body()
        token = self.bearer()
        step_up = bearer_challenge("insufficient_user_authentication")
        if token is None:
            needed = "authentication required"
            raise Problem(401, "insufficient_user_authentication", needed, step_up)
        claims = verify_access_token(token)
        if claims is None:
            raise invalid_token()
        # FLAW acr.tampered: RFC 9470 §4-§5: the resource must compare the token's acr with the
        # level it needs. With the flaw it only checks that acr is a level it knows, so an aal1
        # token (a password alone) is let through where aal2 is required.
        if flawed("acr.tampered"):
            strong_enough = claims.get("acr") in LEVELS
        else:
            strong_enough = level_rank(claims.get("acr")) >= level_rank(RESOURCE_LEVEL)
        auth_time = claims.get("auth_time")
        fresh = isinstance(auth_time, int) and time.time() - auth_time <= RESOURCE_MAX_AGE
        if not strong_enough or not fresh:
            raise Problem(401, "insufficient_user_authentication", "step up to transfer", step_up)
        query = self.query_values()
        amount, payee = query.get("amount"), query.get("payee")
        self.send_json(200, {"status": "accepted", "amount": amount, "payee": payee})


# ---------------------------------------------------------------------------------------------
# Provider logic


def check_budget(user: User) -> None:
    """Refuses any answer for `user`, the right one included, once its failure budget is spent."""
    now = time.time()
    with STORE.lock:
        user.failures = [t for t in user.failures if now - t < ACCOUNT_FAILURE_WINDOW]
        spent = len(user.failures) >= MAX_ACCOUNT_FAILURES
    # FLAW bruteforce.across_challenges: NIST SP 800-63B §5.2.2: failed attempts are limited per
    # account, or an attacker opens a new flow for every few guesses and tries every code. With
    # the flaw, only the per-flow limit (MAX_FAILED_ANSWERS) applies.
    if spent and not flawed("bruteforce.across_challenges"):
        retry = [("Retry-After", str(ACCOUNT_FAILURE_WINDOW))]
        raise Problem(429, "too_many_attempts", "Too many failed attempts. Try again later.", retry)


def single_values(text: str, where: str) -> dict:
    # A "%" not followed by two hex digits is malformed (RFC 3986 §2.1); Python would keep it.
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        # FLAW payload.truncated: a malformed request is the client's fault: 400, not 500. With
        # the flaw, a body cut inside a percent escape raises an error no handler maps.
        if flawed("payload.truncated") and where == "body":
            raise ValueError("incomplete percent escape")
        raise Problem(400, "invalid_request", f"the {where} is not valid")
    try:
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Problem(400, "invalid_request", f"the {where} is not valid") from None
    values: dict = {}
    for name, value in pairs:
        if name in values:  # RFC 6749 §3.1, §3.2: parameters MUST NOT be repeated
            # FLAW payload.wrong_types: with the flaw, a repeated body field is not refused and
            # its first value wins.
            if flawed("payload.wrong_types") and where == "body":
                continue
            raise Problem(400, "invalid_request", f"{name} is repeated")
        values[name] = value
    return values


def redirect_uri_registered(uri: str) -> bool:
    # FLAW redirect_uri.variants: RFC 9700 §4.1.3 and RFC 6749 §3.1.2.3: the redirect URI is
    # compared with the registered one as a simple string, exactly. With the flaw, any URI that
    # starts with a registered one passes: a trailing slash, an extra query, "/../" segments.
    if flawed("redirect_uri.variants"):
        return any(uri.startswith(registered) for registered in REDIRECT_URIS)
    return uri in REDIRECT_URIS


def callback_url(redirect_uri: str, parameters: list, state: str | None) -> str:
    """The redirect URI with the response parameters, state and iss (RFC 9207) in its query."""
    items = parameters + ([("state", state)] if state is not None else []) + [("iss", ISSUER)]
    separator = "&" if "?" in redirect_uri else "?"
    return redirect_uri + separator + urllib.parse.urlencode(items)


def requested_level(acr_values: str) -> str:
    """The client's preferred level: the first known value of acr_values (OIDC Core §3.1.2.1
    lists them in order of preference); unknown values are ignored; aal1 when none is known."""
    for value in acr_values.split():
        if value in LEVELS:
            return value
    return LEVELS[0]


def session_satisfies(session: Session, request: AuthorizationRequest) -> bool:
    """Whether the session's sign-in answers `request` without asking anything (lock held)."""
    if session.proof is None or "login" in request.prompt:
        return False
    if level_rank(session.proof.acr) < level_rank(request.level):
        return False
    # FLAW stepup.stale_session: OIDC Core §3.1.2.1: with max_age, a sign-in older than max_age
    # seconds MUST be done again. With the flaw max_age is ignored: an old auth_time is accepted.
    if request.max_age is not None and not flawed("stepup.stale_session"):
        if time.time() - session.proof.auth_time > request.max_age:
            return False
    return True


def issue_code(request: AuthorizationRequest, proof: Proof) -> str:
    """A single-use code for what the sign-in proved (lock held)."""
    code = new_token()
    STORE.codes[code] = Code(request=request, proof=proof, issued=time.time())
    return code


def redeem_code(values: dict) -> dict:
    """RFC 6749 §4.1.3 with RFC 7636 §4.6: one use, the same redirect URI, the PKCE verifier."""
    with STORE.lock:
        code = STORE.codes.get(values.get("code", ""))
        if code is None or time.time() - code.issued > CODE_LIFETIME:
            raise Problem(400, "invalid_grant", "the code is not valid")
        # FLAW code.replay: RFC 6749 §4.1.2: a code MUST NOT be used more than once, and a
        # second use SHOULD revoke the tokens the first issued. With the flaw, a used code is
        # redeemed again (and nothing is revoked).
        # FLAW network.drop_token_response: a client whose token response was lost retries with
        # the same code; the retry must be refused like any replay (RFC 6749 §4.1.2). With the
        # flaw, a retry within 10 s of the first use is served again, as a well-meant cache for
        # lost responses, which also serves whoever else presents the code.
        retry = flawed("network.drop_token_response") and time.time() - code.used_at < 10
        if code.used and not flawed("code.replay") and not retry:
            if code.grant:
                STORE.revoked_grants.add(code.grant)
            raise Problem(400, "invalid_grant", "the code is not valid")
        if not code.used:
            code.used_at = time.time()
        code.used = True  # any presentation spends it, a refused one too
        code.grant = code.grant or new_token()
        grant = code.grant
    if values.get("redirect_uri") != code.request.redirect_uri:
        raise Problem(400, "invalid_grant", "redirect_uri differs from the authorization request's")
    verifier = values.get("code_verifier")
    # FLAW pkce.wrong_verifier: RFC 7636 §4.6: the server MUST check that the verifier hashes to
    # the challenge of the authorization request. With the flaw any verifier, or none, is taken.
    checked = not flawed("pkce.wrong_verifier")
    # FLAW pkce.wrong_verifier:optional: a code issued for a challenge needs its verifier (RFC
    # 7636 §4.6; RFC 9700 §2.1.1 against downgrade). With the flaw, a token request without
    # code_verifier skips the check, as if PKCE were optional for the code; a wrong one is still
    # refused.
    checked = checked and not (verifier is None and flawed("pkce.wrong_verifier:optional"))
    if checked:
        if verifier is None or not (43 <= len(verifier) <= 128):
            raise Problem(400, "invalid_grant", "code_verifier missing or malformed")
        computed = b64url(hashlib.sha256(verifier.encode("ascii", errors="replace")).digest())
        if not hmac.compare_digest(computed.encode(), code.request.code_challenge.encode()):
            raise Problem(400, "invalid_grant", "code_verifier does not match the challenge")
    return issue_tokens(grant, code.proof, code.request.nonce)


def use_refresh_token(values: dict) -> dict:
    """RFC 6749 §6 with rotation; a reuse revokes the whole grant (RFC 9700 §4.14.2)."""
    with STORE.lock:
        record = STORE.refresh_tokens.get(values.get("refresh_token", ""))
        if record is None or record.grant in STORE.revoked_grants or time.time() > record.expires:
            raise Problem(400, "invalid_grant", "the refresh token is not valid")
        # FLAW refresh.replay_family: RFC 9700 §4.14.2: a rotated refresh token is used once; a
        # second use means theft and revokes its whole family. With the flaw, a used refresh
        # token works again and nothing is revoked.
        if record.used and not flawed("refresh.replay_family"):
            STORE.revoked_grants.add(record.grant)
            raise Problem(400, "invalid_grant", "the refresh token is not valid")
        record.used = True
    # OIDC Core §12.2: a refresh keeps the original acr, amr and auth_time.
    return issue_tokens(record.grant, record.proof, None)


def issue_tokens(grant: str, proof: Proof, nonce: str | None) -> dict:
    """A token response of `grant` for `proof`: ES256 access (RFC 9068) and ID tokens, and a new
    refresh token of the same grant."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": proof.user.subject,
        "iat": now,
        "exp": now + TOKEN_LIFETIME,
        "acr": proof.acr,
        "amr": list(proof.amr),
        "auth_time": int(proof.auth_time),
    }
    access_id = new_token()
    access = {**claims, "aud": RESOURCE_AUDIENCE, "client_id": CLIENT_ID, "scope": "openid"}
    access["jti"] = access_id
    identity = {**claims, "aud": CLIENT_ID, "azp": CLIENT_ID}
    if nonce is not None:
        identity["nonce"] = nonce
    refresh = new_token()
    with STORE.lock:
        expires = now + REFRESH_LIFETIME
        STORE.refresh_tokens[refresh] = RefreshToken(grant=grant, proof=proof, expires=expires)
        STORE.access_grants[access_id] = grant
    return {
        "access_token": encode_jwt(access, "at+jwt"),
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME,
        "id_token": encode_jwt(identity, "JWT"),
        "refresh_token": refresh,
        "scope": "openid",
    }


def verify_access_token(token: str) -> dict | None:
    """The claims of a valid access token (RFC 9068 §4): signature, typ, iss, aud, exp, iat,
    and neither it nor its grant revoked; None otherwise."""
    claims = decode_jwt(token, "at+jwt")
    # FLAW jwt.wrong_audience: RFC 9068 §4 and OIDC Core §3.1.3.7: an access token has typ
    # at+jwt and the resource's audience; an ID token is for the client. With the flaw, any token
    # the provider signed is taken (the ID token included), whatever its typ and aud.
    any_audience = flawed("jwt.wrong_audience")
    if claims is None and any_audience:
        claims = decode_jwt(token, "JWT")
    if claims is None:
        return None
    now = time.time()
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    expiry, issued = claims.get("exp"), claims.get("iat")
    if claims.get("iss") != ISSUER or (RESOURCE_AUDIENCE not in audiences and not any_audience):
        return None
    if not isinstance(expiry, int) or expiry <= now:
        return None
    if isinstance(issued, int) and issued > now + CLOCK_SKEW:
        return None
    if isinstance(claims.get("nbf"), int) and claims["nbf"] > now + CLOCK_SKEW:
        return None
    with STORE.lock:
        token_id = claims.get("jti")
        grant = STORE.access_grants.get(token_id)
        # FLAW token.replay_after_revoke: RFC 7009 §2.2: a revoked token must not be usable. With
        # the flaw, the resource checks the grant but not the revoked access token IDs.
        revoked = token_id in STORE.revoked_token_ids and not flawed("token.replay_after_revoke")
        if revoked or grant in STORE.revoked_grants:
            return None
    return claims


# ---------------------------------------------------------------------------------------------
# Start and stop


def parse_flaws(text: str) -> frozenset:
    if text == "all":
        return frozenset(FLAWS)
    if text == "none":
        return frozenset()
    names = {name.strip() for name in text.split(",") if name.strip()}
    unknown = sorted(names - FLAWS.keys())
    if unknown:
        raise SystemExit(f"flawed_target: unknown flaw {', '.join(unknown)} (see --list-flaws)")
    return frozenset(names)


def load_users(first: str, second: str, lockout: str) -> list:
    users = []
    for username, prefix, required in (
        (first, "PROBE_", True),
        (second, "PROBE_SECOND_", False),
        (lockout, "PROBE_LOCKOUT_", False),
    ):
        password, seed = os.environ.get(prefix + "PASSWORD"), os.environ.get(prefix + "TOTP_SECRET")
        if not password or not seed:
            if required:
                raise SystemExit(f"flawed_target: set {prefix}PASSWORD and {prefix}TOTP_SECRET")
            continue
        try:
            seed_bytes = base32_seed(seed)
        except ValueError:
            raise SystemExit(f"flawed_target: {prefix}TOTP_SECRET is not base32") from None
        digest = hashlib.sha256(password.encode()).digest()
        users.append(User(username, digest, seed_bytes, subject_for(username)))
    return users


def main() -> None:
    global ACTIVE_FLAWS, KEY, STORE, ISSUER, REDIRECT_URIS
    parser = argparse.ArgumentParser(description="A deliberately flawed OpenID Connect provider.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file")
    parser.add_argument("--flaws", default="all")
    parser.add_argument("--list-flaws", action="store_true")
    parser.add_argument("--username", default="alice")
    parser.add_argument("--second-username", default="bob")
    parser.add_argument("--lockout-username", default="carol")
    arguments = parser.parse_args()
    if arguments.list_flaws:
        for name, description in FLAWS.items():
            print(f"{name}  {description}")
        return
    ACTIVE_FLAWS = parse_flaws(arguments.flaws)
    STORE = Store(load_users(arguments.username, arguments.second_username, arguments.lockout_username))

    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    ISSUER = f"http://127.0.0.1:{port}"
    REDIRECT_URIS = [ISSUER + "/callback"]
    KEY = ES256Key()

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if arguments.ready_file:
            temporary = arguments.ready_file + ".tmp"
            with open(temporary, "w") as file:
                file.write(f"{port}\n")
            os.replace(temporary, arguments.ready_file)
        server.serve_forever()
    finally:
        server.server_close()
        KEY.remove()


if __name__ == "__main__":
    main()
