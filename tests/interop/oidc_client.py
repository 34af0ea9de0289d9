#!/usr/bin/env python3
"""An OpenID Connect relying party built on Authlib (not ours) against a running Stepgate.

It reads discovery, runs the code flow with PKCE S256 asking for acr_values=aal2, answers the
password and TOTP pages as a browser would, redeems the code with Authlib, verifies the ID token
against the published JWKS with Authlib's JOSE, refreshes, and calls userinfo; then refreshes
again with a DPoP proof (RFC 9449, made with `cryptography`: Authlib has no DPoP client) through
the nonce challenge, and calls userinfo with the DPoP-bound token.

Usage: oidc_client.py ISSUER CLIENT_ID REDIRECT_URI USER PASSWORD TOTP_SECRET_BASE32
"""
import base64
import hashlib
import hmac
import html.parser
import json
import secrets
import struct
import sys
import time
import urllib.parse
import warnings

warnings.filterwarnings("ignore", message=".*authlib.jose module is deprecated.*")

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken

issuer, client_id, redirect_uri, user, password, totp_secret = sys.argv[1:7]


def totp(secret_b32):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}
        self.autocomplete = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")
        if tag == "input" and "autocomplete" in attrs:
            self.autocomplete.add(attrs["autocomplete"])


def form_of(response):
    parser = Form()
    parser.feed(response.text)
    return parser


checks = 0


def expect(condition, what):
    global checks
    checks += 1
    if not condition:
        print("FAIL", what)
        sys.exit(1)
    print("ok  ", what)


discovery = requests.get(issuer + "/.well-known/openid-configuration", timeout=10).json()
expect(discovery["issuer"] == issuer, "discovery names the issuer")
expect("aal2" in discovery["acr_values_supported"], "discovery lists aal2")

client = OAuth2Session(client_id, redirect_uri=redirect_uri, scope="openid profile",
                       code_challenge_method="S256", token_endpoint_auth_method="none")
verifier = secrets.token_urlsafe(48)
nonce = secrets.token_urlsafe(16)
url, state = client.create_authorization_url(discovery["authorization_endpoint"], code_verifier=verifier,
                                             nonce=nonce, acr_values="aal2")

browser = requests.Session()
response = browser.get(url, allow_redirects=False, timeout=10)
expect(response.status_code == 303, "authorize redirects to the login page")
page = browser.get(urllib.parse.urljoin(issuer, response.headers["Location"]), timeout=10)
form = form_of(page)
expect({"username", "current-password"} <= form.autocomplete, "password page uses standard autocomplete tokens")
page = browser.post(issuer + "/login", data={**form.fields, "username": user, "password": password},
                    allow_redirects=False, timeout=10)
form = form_of(page)
expect("one-time-code" in form.autocomplete, "second page asks for a one-time code")
done = browser.post(issuer + "/login", data={**form.fields, "otp": totp(totp_secret)}, allow_redirects=False,
                    timeout=10)
expect(done.status_code == 303 and done.headers["Location"].startswith(redirect_uri), "flow returns to the client")

token = client.fetch_token(discovery["token_endpoint"], authorization_response=done.headers["Location"],
                           code_verifier=verifier, state=state)
jwks = JsonWebKey.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
claims = jwt.decode(token["id_token"], jwks, claims_cls=CodeIDToken,
                    claims_options={"iss": {"values": [issuer]}, "aud": {"values": [client_id]}},
                    claims_params={"nonce": nonce})
claims.validate()
expect(True, "Authlib verifies the ID token (signature, iss, aud, exp, nonce)")
expect(claims["acr"] == "aal2", "ID token says acr=aal2")
expect("otp" in claims["amr"] and "pwd" in claims["amr"], "ID token amr has pwd and otp")
expect(abs(claims["auth_time"] - time.time()) < 120, "auth_time is fresh")

refreshed = client.refresh_token(discovery["token_endpoint"], refresh_token=token["refresh_token"])
expect(refreshed["refresh_token"] != token["refresh_token"], "refresh rotates the refresh token")
info = requests.get(discovery["userinfo_endpoint"], timeout=10,
                    headers={"Authorization": "Bearer " + refreshed["access_token"]}).json()
expect(info["sub"] == claims["sub"], "userinfo answers for the same subject")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


dpop_key = ec.generate_private_key(ec.SECP256R1())
point = dpop_key.public_key().public_numbers()
dpop_jwk = {"kty": "EC", "crv": "P-256", "x": b64url(point.x.to_bytes(32, "big")),
            "y": b64url(point.y.to_bytes(32, "big"))}


def dpop_proof(method, url, nonce=None, access_token=None):
    """An RFC 9449 proof JWT for METHOD URL, signed with dpop_key."""
    proof_claims = {"jti": secrets.token_urlsafe(16), "htm": method, "htu": url, "iat": int(time.time())}
    if nonce:
        proof_claims["nonce"] = nonce
    if access_token:
        proof_claims["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": dpop_jwk}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(proof_claims).encode())
    r, s = decode_dss_signature(dpop_key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


token_endpoint = discovery["token_endpoint"]
userinfo_endpoint = discovery["userinfo_endpoint"]
expect("ES256" in discovery.get("dpop_signing_alg_values_supported", []), "discovery lists DPoP ES256")
form = {"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"], "client_id": client_id}
challenge = requests.post(token_endpoint, data=form, timeout=10,
                          headers={"DPoP": dpop_proof("POST", token_endpoint)})
expect(challenge.status_code == 400 and challenge.json().get("error") == "use_dpop_nonce"
       and "DPoP-Nonce" in challenge.headers, "the token endpoint asks for a DPoP nonce")
bound = requests.post(token_endpoint, data=form, timeout=10, headers={
    "DPoP": dpop_proof("POST", token_endpoint, nonce=challenge.headers["DPoP-Nonce"])}).json()
expect(bound.get("token_type") == "DPoP", "a refresh with a DPoP proof gets a DPoP-bound token")
access = bound["access_token"]
as_bearer = requests.get(userinfo_endpoint, timeout=10, headers={"Authorization": "Bearer " + access})
expect(as_bearer.status_code == 401 and as_bearer.headers.get("WWW-Authenticate", "").startswith("DPoP "),
       "a DPoP-bound token sent as Bearer is refused")
with_proof = requests.get(userinfo_endpoint, timeout=10, headers={
    "Authorization": "DPoP " + access, "DPoP": dpop_proof("GET", userinfo_endpoint, access_token=access)})
expect(with_proof.status_code == 200 and with_proof.json()["sub"] == claims["sub"],
       "userinfo accepts the DPoP-bound token with its proof")
print("interop: %d passed, 0 failed" % checks)
