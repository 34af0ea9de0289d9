"""Records real WebAuthn ceremonies from headless Chromium's virtual authenticator, as fixtures.

Serves a tiny static page on http://localhost:PORT (RP ID `localhost`: a secure context without
TLS), then, through Selenium and the WebDriver virtual authenticator API:

* webauthn-none.json: a platform passkey (CTAP2, transport internal, resident key, user
  verification) registered with attestation "none", then one assertion with UV required.
* webauthn-direct.json: a security key (CTAP2, transport usb, no UV) registered with attestation
  "direct" (Chromium answers with "packed" and an x5c certificate), then one assertion.

Each assertion's challenge is bound to a transaction the way WebAuthnChallenge binds it:
nonce (32 bytes) || SHA-256("stepgate-webauthn-transaction-v1\\n" + transactionHash), so the
tests can check dynamic linking against data a real browser signed.

Every binary field is base64url without padding. Run once through scripts/record-webauthn.sh;
never run by `make test`. Usage: record_webauthn.py OUTPUT_DIR
"""

import base64
import hashlib
import http.server
import json
import os
import socketserver
import sys
import threading

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.virtual_authenticator import (
    Protocol,
    Transport,
    VirtualAuthenticatorOptions,
)

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stepgate WebAuthn recording</title></head>
<body><p>Stepgate records WebAuthn fixtures from this page.</p></body></html>
"""

# The helpers every ceremony script starts with: base64url both ways.
HELPERS = """
const done = arguments[arguments.length - 1];
const options = arguments[0];
const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')),
                                        (c) => c.charCodeAt(0));
const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
    .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
"""

CREATE = HELPERS + """
navigator.credentials.create({publicKey: {
  challenge: bytes(options.challenge),
  rp: {id: 'localhost', name: 'Stepgate'},
  user: {id: bytes(options.userHandle), name: 'demo', displayName: 'Demo User'},
  pubKeyCredParams: [{type: 'public-key', alg: -7}, {type: 'public-key', alg: -8},
                     {type: 'public-key', alg: -257}],
  attestation: options.attestation,
  authenticatorSelection: {residentKey: options.residentKey,
                           userVerification: options.userVerification},
  timeout: 10000,
}}).then((credential) => done({
  credentialID: text(credential.rawId),
  clientDataJSON: text(credential.response.clientDataJSON),
  attestationObject: text(credential.response.attestationObject),
  transports: credential.response.getTransports(),
}), (error) => done({error: String(error)}));
"""

GET = HELPERS + """
navigator.credentials.get({publicKey: {
  challenge: bytes(options.challenge),
  rpId: 'localhost',
  allowCredentials: [{type: 'public-key', id: bytes(options.credentialID)}],
  userVerification: options.userVerification,
  timeout: 10000,
}}).then((credential) => done({
  credentialID: text(credential.rawId),
  clientDataJSON: text(credential.response.clientDataJSON),
  authenticatorData: text(credential.response.authenticatorData),
  signature: text(credential.response.signature),
  userHandle: credential.response.userHandle ? text(credential.response.userHandle) : null,
}), (error) => done({error: String(error)}));
"""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def bound_challenge(transaction_hash: str) -> bytes:
    """WebAuthnChallenge's construction: nonce || SHA-256(label || transaction hash text)."""
    label = b"stepgate-webauthn-transaction-v1\n"
    return os.urandom(32) + hashlib.sha256(label + transaction_hash.encode()).digest()


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


def run(driver, script, options):
    result = driver.execute_async_script(script, options)
    if "error" in result:
        raise SystemExit(f"ceremony failed: {result['error']}")
    return result


def record(driver, origin, name, authenticator, attestation, user_verification, resident_key):
    authenticator_id = driver.add_virtual_authenticator(authenticator)
    user_handle = b64url(os.urandom(16))
    registration_options = {
        "challenge": b64url(os.urandom(32)),
        "userHandle": user_handle,
        "attestation": attestation,
        "userVerification": user_verification,
        "residentKey": resident_key,
    }
    registration = run(driver, CREATE, registration_options)
    # A transaction hash as Transaction.hash makes it: base64url SHA-256 of the canonical fields.
    transaction_hash = b64url(hashlib.sha256(b"stepgate-transaction-v1\n" + name.encode()).digest())
    assertion_options = {
        "challenge": b64url(bound_challenge(transaction_hash)),
        "credentialID": registration["credentialID"],
        "userVerification": user_verification,
    }
    assertion = run(driver, GET, assertion_options)
    driver.remove_virtual_authenticator()
    del authenticator_id
    return {
        "description": f"Chromium virtual authenticator, {name}; recorded by scripts/record-webauthn.sh",
        "browser": driver.capabilities.get("browserVersion", "unknown"),
        "rpID": "localhost",
        "origin": origin,
        "userHandle": user_handle,
        "registration": {
            "challenge": registration_options["challenge"],
            "attestation": attestation,
            "userVerification": user_verification,
            **{key: registration[key] for key in
               ("credentialID", "clientDataJSON", "attestationObject", "transports")},
        },
        "assertion": {
            "challenge": assertion_options["challenge"],
            "transactionHash": transaction_hash,
            "userVerification": user_verification,
            **{key: assertion[key] for key in
               ("credentialID", "clientDataJSON", "authenticatorData", "signature", "userHandle")},
        },
    }


def main():
    output = sys.argv[1]
    server = socketserver.TCPServer(("127.0.0.1", 0), Page)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://localhost:{port}"

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/lib/chromium/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        driver.get(origin + "/")
        passkey = VirtualAuthenticatorOptions(
            protocol=Protocol.CTAP2, transport=Transport.INTERNAL, has_resident_key=True,
            has_user_verification=True, is_user_consenting=True, is_user_verified=True)
        security_key = VirtualAuthenticatorOptions(
            protocol=Protocol.CTAP2, transport=Transport.USB, has_resident_key=False,
            has_user_verification=False, is_user_consenting=True, is_user_verified=False)
        fixtures = {
            "webauthn-none.json": record(driver, origin, "platform passkey, attestation none",
                                         passkey, "none", "required", "required"),
            "webauthn-direct.json": record(driver, origin, "security key, attestation direct",
                                           security_key, "direct", "discouraged", "discouraged"),
        }
    finally:
        driver.quit()
        server.shutdown()
    for name, fixture in fixtures.items():
        with open(os.path.join(output, name), "w") as file:
            json.dump(fixture, file, indent=2)
            file.write("\n")
        print(f"wrote {os.path.join(output, name)}")


if __name__ == "__main__":
    main()
