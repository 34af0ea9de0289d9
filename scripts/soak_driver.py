#!/usr/bin/env python3
"""Complete step-ups against a Stepgate issuer, at the highest rate it can or at a fixed rate.

Usage: soak_driver.py ISSUER CLIENT PREFIX USERS SECONDS RATE THREADS REPORT < password

One step-up is a new browser asking for aal2: GET /authorize (PKCE), the password
(POST /api/login), the authenticator app's code (POST /api/login), and the code exchanged at
POST /token; it succeeded when the token response carries an access token. Users PREFIX0000 ..
share the TOTP seed of scripts/bench.sh (RFC 6238's "12345678901234567890"); step-up number i
uses user i % USERS, so a user comes back after USERS / RATE seconds, which must exceed 30 s
(one code per user and time step: a second use is a replay). The caller chooses USERS.

RATE 0 runs THREADS step-ups at a time, each starting when the last one ended (the most it can
do); a RATE above 0 starts step-up i at i / RATE seconds (late when every thread is busy, and
the lateness is reported). REPORT gets a JSON summary: counts, rate, latency percentiles, and
each failure with the failing request's step, status (0 when the connection failed) and its
start and end on the wall clock (time.time()), so a caller can match failures with the times it
killed a node. Nothing secret is printed or written: no password, code, cookie or token.
"""
import base64, hashlib, hmac, http.client, json, secrets, struct, sys, threading, time, urllib.parse

issuer, client, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
users, seconds, rate, threads = int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
report_path = sys.argv[8]
password = sys.stdin.readline().rstrip("\n")
seed = b"12345678901234567890"
redirect = "http://localhost:9/cb"
host = urllib.parse.urlparse(issuer)


def totp():
    digest = hmac.new(seed, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


class Failed(Exception):
    def __init__(self, step, status, start, end, reason):
        super().__init__(step)
        self.record = {"step": step, "status": status, "start": start, "end": end, "reason": reason}


class Browser:
    """One user agent: its cookies, and one keep-alive connection."""

    def __init__(self):
        self.cookies = {}
        self.connection = None

    def call(self, step, method, path, body=None, form=False):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
            body = urllib.parse.urlencode(body) if form else json.dumps(body)
        start = time.time()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Failed(step, 0, start, time.time(), type(error).__name__)
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response.getheader("Location", ""), data, start

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def step_up(number):
    browser = Browser()
    try:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({"response_type": "code", "client_id": client, "redirect_uri": redirect,
                                        "scope": "openid", "state": "s", "code_challenge": challenge,
                                        "code_challenge_method": "S256", "acr_values": "aal2"})

        def expect(step, answer, ok):
            status, location, data, start = answer
            if not ok(status, location, data):
                raise Failed(step, status, start, time.time(), "unexpected answer")
            return status, location, data

        _, location, _ = expect("authorize", browser.call("authorize", "GET", "/authorize?" + query),
                                lambda s, l, d: s in (302, 303) and "flow=" in l)
        flow = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["flow"][0]
        expect("password", browser.call("password", "POST", "/api/login",
                                        {"flow": flow, "username": f"{prefix}{number % users:04d}",
                                         "password": password}),
               lambda s, l, d: s == 200 and json.loads(d).get("next") == "otp")
        _, _, data = expect("otp", browser.call("otp", "POST", "/api/login", {"flow": flow, "otp": totp()}),
                            lambda s, l, d: s == 200 and json.loads(d).get("status") == "complete")
        target = urllib.parse.urlparse(json.loads(data)["redirect_to"])
        code = urllib.parse.parse_qs(target.query)["code"][0]
        expect("token", browser.call("token", "POST", "/token",
                                     {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                                      "client_id": client, "code_verifier": verifier}, form=True),
               lambda s, l, d: s == 200 and "access_token" in json.loads(d))
        return None
    except Failed as failure:
        return failure.record
    finally:
        browser.close()


lock = threading.Lock()
state = {"next": 0, "ok": 0, "failures": [], "latencies": [], "late": 0.0}
began = time.time()
deadline = began + seconds


def worker():
    while True:
        with lock:
            number = state["next"]
            state["next"] += 1
        scheduled = began + number / rate if rate > 0 else time.time()
        if scheduled >= deadline:
            return
        wait = scheduled - time.time()
        if wait > 0:
            time.sleep(wait)
        start = time.time()
        failure = step_up(number)
        end = time.time()
        with lock:
            state["late"] = max(state["late"], start - scheduled)
            state["latencies"].append(end - start)
            if failure is None:
                state["ok"] += 1
            else:
                failure["user"] = number % users
                state["failures"].append(failure)


workers = [threading.Thread(target=worker) for _ in range(threads)]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join()
elapsed = time.time() - began
latencies = sorted(state["latencies"]) or [0.0]
report = {
    "seconds": round(elapsed, 2), "target_rate": rate, "completed": state["ok"],
    "failed": len(state["failures"]), "rate": round(state["ok"] / elapsed, 1),
    "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
    "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
    "max_late_s": round(state["late"], 2), "failures": state["failures"],
}
with open(report_path, "w") as out:
    json.dump(report, out, indent=1)
print(f"step-ups: {report['completed']} completed, {report['failed']} failed in {report['seconds']} s "
      f"({report['rate']}/s), p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms")
