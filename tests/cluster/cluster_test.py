#!/usr/bin/env python3
"""Two Stepgate nodes (A and B) behind nginx, one PostgreSQL: the checks of tests/cluster.sh.

Usage: cluster_test.py --bin STEPGATE --work DIR --nginx URL --node-a HOST:PORT --node-b HOST:PORT
                       --pg-control SCRIPT
The password and the client secret come in CLUSTER_PASSWORD and CLUSTER_CLIENT_SECRET, the TOTP
seeds in DIR/users.json. Nodes are addressed directly where the check must be deterministic and
through nginx where a client would go. Prints `ok`/`FAIL` per check, never a secret; exits 1 on
any failure. Standard library only.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import secrets
import signal
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

REDIRECT = "http://localhost:9/cb"
failures = []
passes = 0
# Every code, token and cookie value the test handled, to prove none reached a node's log.
handled = set()


def check(name, condition, detail=""):
    global passes
    if condition:
        passes += 1
        print("ok   " + name)
    else:
        failures.append(name)
        print("FAIL " + name + (f": {detail}" if detail != "" else ""))
    return condition


def totp(secret, step=None):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 if step is None else step
    digest = hmac.new(key, struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def jwt_header(token):
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def jwt_claims(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[0] if values else None

    def cookies(self):
        return [value for key, value in self.headers if key.lower() == "set-cookie"]

    def json(self):
        try:
            return json.loads(self.body or "{}")
        except ValueError:
            return {}


class Target:
    """Where a request goes: a node (directly) or nginx."""

    def __init__(self, name, address):
        self.name = name
        host, _, port = address.rpartition(":")
        self.host, self.port = host, int(port)

    def connect(self, timeout=15):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        connection.connect()
        return connection


class Prepared:
    """A request ready to send on a connection opened beforehand (for races)."""

    def __init__(self, browser, target, method, path, form=None, body=None, headers=None):
        self.browser, self.target, self.method, self.path = browser, target, method, path
        sent = {"User-Agent": "cluster-test/1", "Accept": "application/json"}
        if browser is not None and browser.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif isinstance(body, (dict, list)):
            body = json.dumps(body)
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        self.body, self.headers = body, sent

    def send(self, connection=None):
        own = connection is None
        connection = connection or self.target.connect()
        try:
            connection.request(self.method, self.path, body=self.body, headers=self.headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read().decode("utf-8", "replace"))
        finally:
            if own:
                connection.close()
        if self.browser is not None:
            self.browser.remember(response)
        return response


class Browser:
    """A client with its own cookies (a browser, or a program with a cookie jar)."""

    def __init__(self):
        self.cookies = {}
        self.lock = threading.Lock()

    def remember(self, response):
        with self.lock:
            for value in response.cookies():
                name, _, rest = value.partition("=")
                cookie = rest.split(";")[0]
                if cookie and "Max-Age=0" not in value:
                    self.cookies[name] = cookie
                    handled.add(cookie)
                else:
                    self.cookies.pop(name, None)

    def send(self, target, method, path, **options):
        return Prepared(self, target, method, path, **options).send()

    def prepare(self, target, method, path, **options):
        return Prepared(self, target, method, path, **options)


def race(prepared):
    """Sends the prepared requests at once (each on a connection opened beforehand)."""
    connections = [p.target.connect() for p in prepared]
    barrier = threading.Barrier(len(prepared))
    results = [None] * len(prepared)

    def run(index):
        barrier.wait()
        try:
            results[index] = prepared[index].send(connections[index])
        except Exception as error:  # a dropped connection counts as a failed use
            results[index] = Response(0, [], type(error).__name__)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(prepared))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for connection in connections:
        connection.close()
    return results


def path_of(location):
    parts = urllib.parse.urlsplit(location)
    return parts.path + ("?" + parts.query if parts.query else "")


class Cluster:
    def __init__(self, options):
        self.options = options
        self.a = Target("A", options.node_a)
        self.b = Target("B", options.node_b)
        self.nginx = Target("nginx", urllib.parse.urlsplit(options.nginx).netloc)
        self.password = os.environ["CLUSTER_PASSWORD"]
        self.client_secret = os.environ["CLUSTER_CLIENT_SECRET"]
        self.seeds = json.load(open(os.path.join(options.work, "users.json")))
        self.env = dict(os.environ)

    # -- flows -------------------------------------------------------------------------------

    def start(self, browser, target, acr="aal1", client="app", details=None):
        """/authorize; returns (flow ID or None, the response, the PKCE verifier)."""
        verifier, challenge = pkce()
        query = {
            "response_type": "code", "client_id": client, "redirect_uri": REDIRECT, "scope": "openid profile",
            "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8), "code_challenge": challenge,
            "code_challenge_method": "S256", "acr_values": acr,
        }
        if details is not None:
            query["authorization_details"] = json.dumps(details)
        response = browser.send(target, "GET", "/authorize?" + urllib.parse.urlencode(query))
        location = response.header("Location") or ""
        match = re.search(r"[?&]flow=([^&]+)", location)
        return (match.group(1) if match else None), response, verifier

    def answer(self, browser, target, flow, **fields):
        return browser.send(target, "POST", "/api/login", body={"flow": flow, **fields})

    def password_step(self, browser, target, flow, user):
        return self.answer(browser, target, flow, username=user, password=self.password)

    def code_of(self, response):
        location = response.json().get("redirect_to") or response.header("Location") or ""
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [None])[0]
        if code:
            handled.add(code)
        return code

    def sign_in(self, target, user, acr="aal1", client="app", details=None, browser=None):
        """A whole sign-in on one target; returns (browser, code, verifier)."""
        browser = browser or Browser()
        flow, started, verifier = self.start(browser, target, acr, client, details)
        if flow is None:
            return browser, self.code_of(started), verifier
        response = self.password_step(browser, target, flow, user)
        if response.json().get("next") == "otp":
            response = self.answer(browser, target, flow, otp=totp(self.seeds[user][0]))
        return browser, self.code_of(response), verifier

    def redeem(self, target, code, verifier, client="app"):
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
        return Prepared(None, target, "POST", "/token", form=self.client_form(client, form))

    def refresh(self, target, token, client="rp"):
        form = {"grant_type": "refresh_token", "refresh_token": token}
        return Prepared(None, target, "POST", "/token", form=self.client_form(client, form))

    def client_form(self, client, form):
        form = dict(form, client_id=client)
        if client == "rp":
            form["client_secret"] = self.client_secret
        return form

    def tokens(self, response):
        body = response.json()
        for name in ("access_token", "id_token", "refresh_token"):
            if body.get(name):
                handled.add(body[name])
        return body

    def introspect(self, target, token):
        form = {"token": token, "client_id": "rp", "client_secret": self.client_secret}
        return Prepared(None, target, "POST", "/introspect", form=form).send().json()

    def decide(self, target, browser, method, uri, bearer=None, html=False):
        headers = {
            "X-Original-Method": method, "X-Original-URI": uri, "X-Forwarded-Host": self.nginx_host(),
            "X-Real-IP": "127.0.0.1", "Accept": "text/html" if html else "application/json",
        }
        if bearer:
            headers["Authorization"] = "Bearer " + bearer
        return Prepared(browser, target, "GET", "/decide", headers=headers)

    def nginx_host(self):
        return f"localhost:{self.nginx.port}"

    def stepup_flow(self, browser, ticket_target, location):
        """Opens a decision's step-up ticket; returns the flow ID."""
        opened = browser.send(ticket_target, "GET", path_of(location))
        match = re.search(r"[?&]flow=([^&]+)", opened.header("Location") or "")
        return match.group(1) if match else None

    # -- process control ---------------------------------------------------------------------

    def admin(self, *arguments, data="data-b"):
        """Runs a stepgate admin command against the shared database; output to admin-*.out."""
        out = os.path.join(self.options.work, "admin-%s.out" % arguments[0])
        with open(out, "a") as sink:
            status = subprocess.call([self.options.bin, *arguments, "--data", os.path.join(self.options.work, data)],
                                     stdout=sink, stderr=sink, env=self.env, timeout=60)
        return status, open(out).read()

    def pid(self, node):
        path = os.path.join(self.options.work, f"node-{node}.pid")
        return int(open(path).read().strip())

    def kill_node(self, node):
        pid = self.pid(node)
        os.kill(pid, signal.SIGKILL)
        os.remove(os.path.join(self.options.work, f"node-{node}.pid"))
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            # The node is not our child: it is gone once it stops answering the kill probe.
            try:
                if open(f"/proc/{pid}/stat").read().split()[2] == "Z":
                    return True
            except OSError:
                return True
            time.sleep(0.05)
        return False

    def start_node(self, node):
        subprocess.check_call([os.path.join(self.options.work, "node"), node])
        target = self.a if node == "a" else self.b
        return self.wait_status(target, "/readyz", 200, 15)

    def wait_status(self, target, path, status, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if Prepared(None, target, "GET", path).send().status == status:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def postgres(self, action):
        subprocess.check_call([self.options.pg_control, action], timeout=60)


# -- the checks ------------------------------------------------------------------------------


def code_checks(c):
    print("# authorization codes")
    _, code, verifier = c.sign_in(c.a, "cross")
    first = c.redeem(c.a, code, verifier).send()
    body = c.tokens(first)
    check("a code redeemed on A gives tokens", first.status == 200 and "access_token" in body, first.status)
    again = c.redeem(c.b, code, verifier).send()
    check("the same code is refused on B", again.status == 400 and again.json().get("error") == "invalid_grant",
          again.status)
    proxied = c.redeem(c.nginx, code, verifier).send()
    check("the same code is refused through nginx", proxied.status == 400, proxied.status)
    if body.get("refresh_token"):
        revoked = c.refresh(c.a, body["refresh_token"], client="app").send()
        check("the replay revoked the refresh token the code gave (on A)", revoked.status == 400, revoked.status)

    for round_ in range(4):
        _, code, verifier = c.sign_in(c.b if round_ % 2 else c.a, "cross")
        results = race([c.redeem(c.a, code, verifier), c.redeem(c.b, code, verifier)])
        statuses = sorted(r.status for r in results)
        check(f"a code raced on A and B: exactly one 200 (round {round_ + 1})", statuses == [200, 400], statuses)
        winner = [c.tokens(r).get("refresh_token") for r in results if r.status == 200]
        if winner and winner[0]:
            late = c.refresh(c.b if round_ % 2 else c.a, winner[0], client="app").send()
            check(f"the replay revoked the winner's refresh token too (round {round_ + 1})", late.status == 400,
                  late.status)


def totp_checks(c):
    print("# TOTP time-steps")
    user, seed = "cross", c.seeds["cross"][0]
    first = Browser()
    flow, _, _ = c.start(first, c.a, acr="aal2")
    c.password_step(first, c.a, flow, user)
    code = totp(seed)
    accepted = c.answer(first, c.a, flow, otp=code)
    check("a TOTP code is accepted on A", accepted.json().get("status") == "complete", accepted.status)
    c.code_of(accepted)
    second = Browser()
    flow2, _, _ = c.start(second, c.b, acr="aal2")
    c.password_step(second, c.b, flow2, user)
    replay = c.answer(second, c.b, flow2, otp=code)
    check("the same TOTP code is refused on B (another sign-in)",
          replay.status == 400 and replay.json().get("error") == "authentication_failed", replay.status)

    for round_, user in enumerate(["race1", "race2", "race3"]):
        browsers = [Browser(), Browser()]
        flows = []
        for browser, target in zip(browsers, [c.a, c.b]):
            flow, _, _ = c.start(browser, target, acr="aal2")
            c.password_step(browser, target, flow, user)
            flows.append(flow)
        code = totp(c.seeds[user][0])
        results = race([browsers[0].prepare(c.a, "POST", "/api/login", body={"flow": flows[0], "otp": code}),
                        browsers[1].prepare(c.b, "POST", "/api/login", body={"flow": flows[1], "otp": code})])
        complete = [r for r in results if r.json().get("status") == "complete"]
        refused = [r for r in results if r.status == 400 and r.json().get("error") == "authentication_failed"]
        check(f"a TOTP code raced on A and B: exactly one accepted (round {round_ + 1})",
              len(complete) == 1 and len(refused) == 1, [r.status for r in results])
        for result in complete:
            c.code_of(result)


TRANSFER = "/bank/transfer?amount=25.00&currency=EUR&payee=Alice+Example"


def challenge_checks(c):
    print("# step-up challenges and transaction grants (session)")
    user = "chal"
    browser = Browser()
    stopped = c.decide(c.a, browser, "POST", TRANSFER, html=True).send()
    location = stopped.header("Location") or ""
    check("a transfer without a grant is stopped with a step-up ticket (A)",
          stopped.status == 401 and "/stepup?ticket=" in location, stopped.status)
    flow = c.stepup_flow(browser, c.b, location)
    check("the ticket opens a challenge on B", flow is not None)
    pending = c.password_step(browser, c.a, flow, user)
    check("the challenge's password step is answered on A", pending.json().get("next") == "otp", pending.status)
    done = c.answer(browser, c.a, flow, otp=totp(c.seeds[user][0]))
    check("the challenge is answered on A", done.json().get("status") == "complete", done.status)
    # Another valid code (the user's second authenticator app) for the same challenge on B.
    again = c.answer(browser, c.b, flow, otp=totp(c.seeds[user][1]))
    check("the answered challenge cannot be answered again on B",
          again.status == 409 and again.json().get("error") == "completed_flow", again.status)
    state = browser.send(c.b, "GET", "/api/login?flow=" + flow)
    check("B sees the challenge completed", state.status == 409, state.status)

    used = c.decide(c.b, browser, "POST", TRANSFER).send()
    check("the grant lets the transfer through once (B)", used.status == 200, used.status)
    reused = c.decide(c.a, browser, "POST", TRANSFER).send()
    check("the used grant is refused on A", reused.status == 401, reused.status)

    for round_, user in enumerate(["twin1", "twin2"]):
        browser = Browser()
        stopped = c.decide(c.b, browser, "POST", TRANSFER, html=True).send()
        flow = c.stepup_flow(browser, c.a, stopped.header("Location") or "")
        c.password_step(browser, c.b, flow, user)
        # Two right answers (one per authenticator app, so neither is a TOTP replay) at once.
        answers = race([
            browser.prepare(c.a, "POST", "/api/login", body={"flow": flow, "otp": totp(c.seeds[user][0])}),
            browser.prepare(c.b, "POST", "/api/login", body={"flow": flow, "otp": totp(c.seeds[user][1])}),
        ])
        complete = [r for r in answers if r.json().get("status") == "complete"]
        check(f"a challenge answered on A and B at once completes once (round {round_ + 1})",
              len(complete) == 1 and all(r.status < 500 for r in answers), [r.status for r in answers])
        results = race([c.decide(c.a, browser, "POST", TRANSFER), c.decide(c.b, browser, "POST", TRANSFER)])
        statuses = sorted(r.status for r in results)
        # What a refusal asked for (level and risk reasons: no secret), to tell why it was refused.
        asked = [(r.json().get("acr_values"), [x.get("code") for x in r.json().get("reasons", [])])
                 for r in results if r.status != 200]
        check(f"a grant raced on A and B lets the transfer through once (round {round_ + 1})",
              statuses == [200, 401], (statuses, asked, [r.status for r in answers]))


def bank_checks(c):
    print("# the demo bank through nginx: the money moves once")
    browser = Browser()
    html = {"Accept": "text/html"}
    first = browser.send(c.nginx, "GET", "/bank/", headers=html)
    flow = c.stepup_flow(browser, c.nginx, first.header("Location") or "")
    c.password_step(browser, c.nginx, flow, "bank")
    home = browser.send(c.nginx, "GET", "/bank/", headers=html)
    balance = re.search(r"Balance</th><td><strong>([0-9,.]+) EUR", home.body)
    check("the bank shows the balance through nginx", home.status == 200 and balance is not None, home.status)
    order = "amount=25.00&currency=EUR&payee=Alice+Example"
    review = browser.send(c.nginx, "GET", "/bank/transfer/review?" + order, headers=html)
    csrf = re.search(r'name="csrf" value="([^"]*)"', review.body)
    csrf = csrf.group(1) if csrf else ""
    form = {"csrf": csrf}
    headers = dict(html, Referer=c.options.nginx + "/bank/transfer/review?" + order)
    stopped = browser.send(c.nginx, "POST", "/bank/transfer?" + order, form=form, headers=headers)
    flow = c.stepup_flow(browser, c.nginx, stopped.header("Location") or "")
    done = c.answer(browser, c.nginx, flow, otp=totp(c.seeds["bank"][0]))
    check("the transfer is approved through nginx", done.json().get("status") == "complete", done.status)
    results = race([browser.prepare(c.nginx, "POST", "/bank/transfer?" + order, form=form, headers=headers)
                    for _ in range(4)])
    sent = [r for r in results if r.status == 200 and "Transfer sent" in r.body]
    check("four transfers raced through nginx: the money moves once", len(sent) == 1,
          [r.status for r in results])
    after = browser.send(c.nginx, "GET", "/bank/", headers=html)
    moved = re.search(r"Balance</th><td><strong>([0-9,.]+) EUR", after.body)
    if balance and moved:
        before = float(balance.group(1).replace(",", ""))
        now = float(moved.group(1).replace(",", ""))
        check("the balance fell by exactly one transfer", abs(before - now - 25.0) < 0.001, (before, now))


def bound_token(c, user):
    """An access token approved for one transfer (RFC 9396), signed in on A."""
    details = [{"type": "transfer", "amount": "10.50", "currency": "EUR", "payee": "Bob Builder"}]
    _, code, verifier = c.sign_in(c.a, user, acr="aal2", details=details)
    return c.tokens(c.redeem(c.b, code, verifier).send()).get("access_token", "")


BOUND = "/bank/transfer?amount=10.50&currency=EUR&payee=Bob+Builder"


def bound_token_checks(c):
    print("# transaction grants (authorization_details tokens)")
    token = bound_token(c, "bound1")
    check("a token bound to one transfer is issued", token != "")
    first = c.decide(c.a, None, "POST", BOUND, bearer=token).send()
    check("the bound token moves the transfer on A", first.status == 200, first.status)
    second = c.decide(c.b, None, "POST", BOUND, bearer=token).send()
    check("the bound token is refused on B afterwards", second.status == 401, second.status)
    for round_, user in enumerate(["bound2", "bound3"]):
        token = bound_token(c, user)
        results = race([c.decide(c.a, None, "POST", BOUND, bearer=token),
                        c.decide(c.b, None, "POST", BOUND, bearer=token)])
        statuses = sorted(r.status for r in results)
        check(f"a bound token raced on A and B moves the transfer once (round {round_ + 1})",
              statuses == [200, 401], statuses)


def refresh_checks(c):
    print("# refresh tokens")
    _, code, verifier = c.sign_in(c.b, "cross", client="rp")
    tokens = c.tokens(c.redeem(c.a, code, verifier, client="rp").send())
    old = tokens.get("refresh_token", "")
    rotated = c.refresh(c.a, old).send()
    new = c.tokens(rotated).get("refresh_token", "")
    check("a refresh token is used on A", rotated.status == 200 and new != "", rotated.status)
    reused = c.refresh(c.b, old).send()
    check("the used refresh token is refused on B", reused.status == 400 and reused.json().get("error") == "invalid_grant",
          reused.status)
    after = c.refresh(c.a, new).send()
    check("the reuse on B revoked the family: its newest token is refused on A", after.status == 400, after.status)
    seen = [c.introspect(target, new).get("active") for target in (c.a, c.b)]
    check("A and B both report the newest token inactive", seen == [False, False], seen)

    for round_ in range(4):
        _, code, verifier = c.sign_in(c.a, "cross", client="rp")
        token = c.tokens(c.redeem(c.b, code, verifier, client="rp").send()).get("refresh_token", "")
        results = race([c.refresh(c.a, token), c.refresh(c.b, token)])
        statuses = sorted(r.status for r in results)
        check(f"a refresh token raced on A and B: one wins (round {round_ + 1})", statuses == [200, 400], statuses)
        winner = [c.tokens(r).get("refresh_token") for r in results if r.status == 200]
        if winner and winner[0]:
            late = c.refresh(c.b if round_ % 2 else c.a, winner[0]).send()
            check(f"the loser revoked the winner's family too (round {round_ + 1})", late.status == 400, late.status)


def outage_checks(c):
    print("# PostgreSQL restart")
    # Prepared before the outage: a code not yet redeemed, a refresh token, a flow at its TOTP
    # step, a signed-in session, an access token.
    _, code, verifier = c.sign_in(c.a, "cross")
    session, session_code, session_verifier = c.sign_in(c.b, "cross", client="rp")
    tokens = c.tokens(c.redeem(c.a, session_code, session_verifier, client="rp").send())
    refresh, access = tokens.get("refresh_token", ""), tokens.get("access_token", "")
    pending = Browser()
    flow, _, _ = c.start(pending, c.a, acr="aal2")
    c.password_step(pending, c.a, flow, "outage")
    view = "/bank/"

    c.postgres("stop")
    down = time.monotonic()
    samples = []
    for target in (c.a, c.b):
        name = target.name
        samples += [
            (f"{name} /healthz", Prepared(None, target, "GET", "/healthz").send(), 200),
            (f"{name} /readyz", Prepared(None, target, "GET", "/readyz").send(), 503),
            (f"{name} /token (code)", c.redeem(target, code, verifier).send(), 503),
            (f"{name} /token (refresh)", c.refresh(target, refresh).send(), 503),
            (f"{name} /authorize", c.start(Browser(), target)[1], 503),
            (f"{name} /api/login (TOTP answer)", c.answer(pending, target, flow, otp=totp(c.seeds["outage"][0])), 503),
            (f"{name} /decide (session)", c.decide(target, session, "GET", view).send(), 503),
            (f"{name} /decide (bearer)", c.decide(target, None, "GET", view, bearer=access).send(), 503),
            (f"{name} /userinfo", Prepared(None, target, "GET", "/userinfo",
                                            headers={"Authorization": "Bearer " + access}).send(), 503),
        ]
    samples.append(("nginx /bank/ (auth_request)", session.send(c.nginx, "GET", "/bank/"), 503))
    samples.append(("nginx /token", c.redeem(c.nginx, code, verifier).send(), 503))
    for name, response, expected in samples:
        check(f"database down: {name} answers {expected}", response.status == expected, response.status)
    never = [name for name, response, _ in samples if response.status == 403 or (response.status == 200
                                                                                      and "healthz" not in name)]
    check("database down: nothing answers 200 or 403 but /healthz", never == [], never)

    c.postgres("start")
    recovered = all(c.wait_status(target, "/readyz", 200, 30) for target in (c.a, c.b))
    check("after the restart both nodes are ready again within 30 s, unrestarted", recovered,
          f"{time.monotonic() - down:.1f} s")
    allowed = [c.decide(target, None, "GET", view, bearer=access).send().status for target in (c.a, c.b)]
    check("the access token works on both nodes again", allowed == [200, 200], allowed)
    first = c.redeem(c.b, code, verifier).send()
    c.tokens(first)
    check("the code whose redemption failed with 503 is redeemed once afterwards", first.status == 200, first.status)
    second = c.redeem(c.a, code, verifier).send()
    check("... and only once", second.status == 400, second.status)
    used = c.refresh(c.a, refresh).send()
    c.tokens(used)
    check("the refresh token whose use failed with 503 works once afterwards", used.status == 200, used.status)
    check("... and only once", c.refresh(c.b, refresh).send().status == 400)
    # The reuse revoked the family, and with it the access tokens issued with its refresh tokens.
    refused = [c.decide(target, None, "GET", view, bearer=access).send().status for target in (c.a, c.b)]
    check("the reuse revoked the family's access token on both nodes", refused == [401, 401], refused)
    finished = c.answer(pending, c.b, flow, otp=totp(c.seeds["outage"][0]))
    check("the flow interrupted by the outage finishes afterwards", finished.json().get("status") == "complete",
          finished.status)
    c.code_of(finished)


def kill_and_keys_checks(c):
    print("# SIGKILL mid-flow, and key rotation across nodes")
    _, code, verifier = c.sign_in(c.b, "cross")
    old = c.tokens(c.redeem(c.b, code, verifier).send()).get("access_token", "")
    old_kid = jwt_header(old).get("kid") if old else None
    status, output = c.admin("keys", "rotate")
    new_kid = re.search(r"new signing key[^A-Za-z0-9_-]*([A-Za-z0-9_-]{20,})", output)
    new_kid = new_kid.group(1) if new_kid else None
    check("stepgate keys rotate against the shared database", status == 0 and new_kid is not None, status)

    browser = Browser()
    flow, _, flow_verifier = c.start(browser, c.a, acr="aal2")
    pending = c.password_step(browser, c.a, flow, "kill")
    check("the password step is answered on A", pending.json().get("next") == "otp", pending.status)
    check("node A is killed (SIGKILL)", c.kill_node("a"))
    done = c.answer(browser, c.b, flow, otp=totp(c.seeds["kill"][0]))
    check("the flow finishes on B with the same cookie", done.json().get("status") == "complete", done.status)
    code = c.code_of(done)
    through = c.redeem(c.nginx, code or "", flow_verifier).send()
    tokens = c.tokens(through)
    claims = jwt_claims(tokens["id_token"]) if tokens.get("id_token") else {}
    check("its code is redeemed through nginx while A is down", through.status == 200, through.status)
    check("the tokens carry acr aal2 with a one-time code", claims.get("acr") == "aal2" and "otp" in claims.get("amr", []),
          (claims.get("acr"), claims.get("amr")))
    check("nginx answers /readyz while A is down", Prepared(None, c.nginx, "GET", "/readyz").send().status == 200)

    check("node A starts again", c.start_node("a"))
    _, code, verifier = c.sign_in(c.a, "cross")
    fresh = c.tokens(c.redeem(c.a, code, verifier).send()).get("access_token", "")
    kid = jwt_header(fresh).get("kid") if fresh else None
    check("A signs with the rotated key", new_kid is not None and kid == new_kid, kid == new_kid)
    info = Prepared(None, c.b, "GET", "/userinfo", headers={"Authorization": "Bearer " + fresh}).send()
    check("B accepts a token A signed with the new key", info.status == 200, info.status)
    jwks = json.loads(Prepared(None, c.b, "GET", "/jwks.json").send().body or "{}")
    kids = [key.get("kid") for key in jwks.get("keys", [])]
    check("B's JWKS lists the new key and the previous one", new_kid in kids and old_kid in kids, len(kids))
    previous = Prepared(None, c.a, "GET", "/userinfo", headers={"Authorization": "Bearer " + old}).send()
    check("A accepts a token signed before the rotation", previous.status == 200, previous.status)


def audit_checks(c):
    print("# the audit chain")
    status, output = c.admin("audit", "verify")
    check("stepgate audit verify: the chain both nodes wrote is intact", status == 0 and "chain intact" in output,
          output.strip().splitlines()[-1:] if output else status)


def log_checks(c):
    logs = ""
    for node in ("a", "b"):
        logs += open(os.path.join(c.options.work, f"node-{node}.log")).read()
    leaked = [value for value in handled if len(value) >= 8 and value in logs]
    check("no code, token or cookie the test handled reached a node's log", leaked == [], len(leaked))


def main():
    parser = argparse.ArgumentParser()
    for name in ("--bin", "--work", "--nginx", "--node-a", "--node-b", "--pg-control"):
        parser.add_argument(name, required=True)
    c = Cluster(parser.parse_args())
    started = time.monotonic()
    for group in (code_checks, totp_checks, challenge_checks, bank_checks, bound_token_checks, refresh_checks,
                  outage_checks, kill_and_keys_checks, audit_checks, log_checks):
        try:
            group(c)
        except Exception as error:  # one broken group must not hide the others' results
            # The type and the line only: an exception's text may quote a response.
            line = error.__traceback__.tb_next.tb_lineno if error.__traceback__.tb_next else "?"
            check(f"{group.__name__} ran to the end", False, f"{type(error).__name__} near line {line}")
    print(f"cluster: {passes} passed, {len(failures)} failed in {time.monotonic() - started:.0f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
