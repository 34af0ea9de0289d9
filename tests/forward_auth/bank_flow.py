#!/usr/bin/env python3
"""The demo bank behind real nginx, every request decided by Stepgate's /decide (auth_request).

Usage: bank_flow.py BASE_URL SECRET_ALICE SECRET_BOB PASSWORD
BASE_URL is nginx (http://localhost:PORT). Prints one line per check and exits 1 on a failure.
Standard library only: a cookie jar, no redirects followed, forms read by their field names.
"""
import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import struct
import sys
import time
import urllib.parse
import http.client

BASE, SECRET_ALICE, SECRET_BOB, PASSWORD = sys.argv[1:5]
failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))
    if not condition:
        failures.append(name)


def totp(secret, step=None):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 if step is None else step
    digest = hmac.new(key, struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Response:
    def __init__(self, raw):
        self.status = raw.status
        self.headers = raw.getheaders()
        self.body = raw.read().decode("utf-8", "replace")

    def header(self, name):
        values = self.all(name)
        return values[0] if values else None

    def all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def field(self, name):
        match = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), self.body)
        return html.unescape(match.group(1)) if match else None


class Client:
    """A browser (Accept: text/html) or an API client, with its own cookies."""

    def __init__(self, browser=True):
        self.cookies = {}
        self.browser = browser
        parts = urllib.parse.urlsplit(BASE)
        self.host, self.port = parts.hostname, parts.port

    def send(self, method, target, form=None, headers=None, body=None):
        if target.startswith("http"):
            parts = urllib.parse.urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        sent = {"Accept": "text/html" if self.browser else "application/json", "User-Agent": "bank-flow/1"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        connection.request(method, target, body=body, headers=sent)
        response = Response(connection.getresponse())
        connection.close()
        for value in response.all("Set-Cookie"):
            name, _, rest = value.partition("=")
            cookie = rest.split(";")[0]
            if cookie and "Max-Age=0" not in value:
                self.cookies[name] = cookie
            else:
                self.cookies.pop(name, None)
        return response

    def answer_flow(self, location, secret, user="alice"):
        """Follows a redirect into Stepgate's pages and answers password and TOTP as asked."""
        response = self.send("GET", location)
        for _ in range(6):
            if response.status in (302, 303) and "/login" in (response.header("Location") or ""):
                response = self.send("GET", response.header("Location"))
                continue
            step = response.field("step")
            if step is None:
                return response
            fields = {"flow": response.field("flow"), "csrf": response.field("csrf"), "step": step}
            if step == "password":
                fields.update(username=user, password=PASSWORD)
            else:
                fields.update(otp=totp(secret))
            response = self.send("POST", "/login", form=fields)
        return response


def main():
    api = Client(browser=False)
    challenge = api.send("GET", "/bank/")
    check("API client without a session gets 401", challenge.status == 401, challenge.status)
    header = challenge.all("WWW-Authenticate")
    check(
        "401 carries one RFC 9470 challenge",
        len(header) == 1 and 'error="insufficient_user_authentication"' in header[0] and 'acr_values="aal1"' in header[0],
        header,
    )
    check("/decide is not reachable through the proxy", api.send("GET", "/decide").status == 404)

    alice = Client()
    first = alice.send("GET", "/bank/")
    location = first.header("Location") or ""
    check("browser without a session is sent to the step-up page", first.status == 303 and "/stepup?ticket=" in location, first.status)
    back = alice.answer_flow(location, SECRET_ALICE)
    check("sign-in returns to the bank", back.status == 303 and back.header("Location") == "/bank/", (back.status, back.header("Location")))
    home = alice.send("GET", "/bank/")
    check("the bank sees who signed in, and how", home.status == 200 and "Signed in as <strong>alice" in home.body and "<code>aal1" in home.body, home.status)
    forged = alice.send("GET", "/bank/", headers={"X-Stepgate-User": "bob-id", "X-Stepgate-Acr": "aal3"})
    check("identity headers from the client are overwritten", "<code>aal1" in forged.body and "aal3" not in forged.body.split("Send money")[0])

    order = "amount=25.00&currency=EUR&payee=Alice+Example"
    review = alice.send("GET", "/bank/transfer/review?" + order)
    csrf = review.field("csrf")
    check("review page offers the transfer", review.status == 200 and csrf is not None, review.status)
    referer = {"Referer": BASE + "/bank/transfer/review?" + order}
    stopped = alice.send("POST", "/bank/transfer?" + order, form={"csrf": csrf}, headers=referer)
    location = stopped.header("Location") or ""
    check("transfer without step-up is stopped", stopped.status == 303 and "/stepup?ticket=" in location, stopped.status)
    approval = alice.send("GET", location)
    page = alice.send("GET", approval.header("Location") or "/")
    check(
        "step-up page shows exactly what is approved",
        "You are approving" in page.body and "<td>25.00</td>" in page.body and "<td>Alice Example</td>" in page.body,
        page.body[:200],
    )
    done = alice.answer_flow(approval.header("Location"), SECRET_ALICE)
    check("approval returns to the review page", done.status == 303 and done.header("Location") == "/bank/transfer/review?" + order, done.header("Location"))
    sent = alice.send("POST", "/bank/transfer?" + order, form={"csrf": csrf}, headers=referer)
    check("approved transfer goes through once", sent.status == 200 and "Transfer sent" in sent.body, sent.status)
    again = alice.send("POST", "/bank/transfer?" + order, form={"csrf": csrf}, headers=referer)
    check("the same grant again is refused", again.status == 303 and "/stepup?ticket=" in (again.header("Location") or ""), again.status)
    more = alice.send("POST", "/bank/transfer?amount=2500&currency=EUR&payee=Alice+Example", form={"csrf": csrf})
    check("a larger amount needs a new step-up", more.status == 303 and "/stepup?ticket=" in (more.header("Location") or ""), more.status)
    payee = alice.send("POST", "/bank/payees", form={"csrf": csrf, "name": "Carol"})
    check("a payee within 5 minutes of the code is added", payee.status == 303 and payee.header("Location") == "/bank/", payee.status)
    odd = alice.send("POST", "/bank//transfer?" + order, form={"csrf": csrf})
    check("an unsafe path is refused with its reason", odd.status == 303 and (odd.header("Location") or "").endswith("/denied?reason=unsafe_path"), (odd.status, odd.header("Location")))
    denied = alice.send("GET", odd.header("Location") or "/denied")
    check("the refusal page explains", denied.status == 403 and "not accepted" in denied.body, denied.status)

    # An API client with a token approved for one transaction (RFC 9396), user bob.
    token = bound_token()
    bearer = Client(browser=False)
    auth = {"Authorization": "Bearer " + token}
    target = "/bank/transfer?amount=10.50&currency=EUR&payee=Bob+Builder"
    first = bearer.send("POST", target, headers=auth)
    check("bound token moves the approved transfer once", first.status == 200 and "Transfer sent" in first.body, first.status)
    second = bearer.send("POST", target, headers=auth)
    check("bound token is refused the second time", second.status == 401 and "insufficient_user_authentication" in (second.header("WWW-Authenticate") or ""), second.status)
    other = bearer.send("POST", target.replace("10.50", "10000"), headers=auth)
    check("bound token is refused for another amount", other.status == 401, other.status)
    bad = bearer.send("GET", "/bank/", headers={"Authorization": "Bearer not.a.token"})
    check("a forged token is invalid_token", bad.status == 401 and 'invalid_token' in (bad.header("WWW-Authenticate") or ""), (bad.status, bad.all("WWW-Authenticate")))

    if failures:
        print(f"forward-auth: {len(failures)} failed")
        sys.exit(1)
    print("forward-auth: all passed")


def bound_token():
    """bob signs in and approves 10.50 EUR to Bob Builder for the public client `bank-api`."""
    bob = Client()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    details = json.dumps([{"type": "transfer", "amount": "10.50", "currency": "EUR", "payee": "Bob Builder"}])
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": "bank-api", "redirect_uri": "http://localhost:9/cb",
        "scope": "openid", "state": "s1", "code_challenge": challenge, "code_challenge_method": "S256",
        "acr_values": "aal2", "authorization_details": details,
    })
    start = bob.send("GET", "/authorize?" + query)
    done = bob.answer_flow(start.header("Location"), SECRET_BOB, user="bob")
    location = done.header("Location") or ""
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [""])[0]
    check("bob approves the transaction and gets a code", done.status == 303 and code != "", (done.status, location[:80]))
    response = bob.send("POST", "/token", form={
        "grant_type": "authorization_code", "code": code, "redirect_uri": "http://localhost:9/cb",
        "client_id": "bank-api", "code_verifier": verifier,
    })
    body = json.loads(response.body or "{}")
    check("the token response carries the authorization details", body.get("authorization_details", [{}])[0].get("type") == "transfer", response.status)
    return body.get("access_token", "")


main()
