#!/usr/bin/env python3
"""Starts one aal2 sign-in per user up to its TOTP step, for make bench's TOTP-answer rounds.

Usage: bench_flows.py ISSUER CLIENT PREFIX COUNT FIRST < password
For users PREFIX{FIRST:04d} .. PREFIX{FIRST+COUNT-1:04d}: /authorize (acr_values=aal2, PKCE), then
the password through the JSON flow (POST /api/login). Prints one line per flow, "COOKIE<TAB>FLOW",
whose next step is the authenticator app's code. The cookies are session credentials: write
them to a private file, never to a terminal or a log. Exits 1 when a flow does not reach the
code step (and says why, without secrets).
"""
import base64, concurrent.futures, hashlib, json, secrets, sys, urllib.error, urllib.parse, urllib.request

issuer, client, prefix, count, first = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
password = sys.stdin.readline().rstrip("\n")
redirect = "http://localhost:9/cb"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(opener, url, data=None):
    request = urllib.request.Request(url)
    if data is not None:
        request.data = json.dumps(data).encode()
        request.add_header("Content-Type", "application/json")
    try:
        return opener.open(request)
    except urllib.error.HTTPError as error:
        return error


def start(number):
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar, NoRedirect())
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({"response_type": "code", "client_id": client, "redirect_uri": redirect,
                                    "scope": "openid", "state": "s", "code_challenge": challenge,
                                    "code_challenge_method": "S256", "acr_values": "aal2"})
    answer = call(opener, issuer + "/authorize?" + query)
    location = answer.headers.get("Location", "")
    flow = urllib.parse.parse_qs(urllib.parse.urlparse(location).query).get("flow", [""])[0]
    if not flow:
        raise SystemExit(f"bench_flows: /authorize answered {answer.status} without a flow")
    answer = call(opener, issuer + "/api/login",
                  {"flow": flow, "username": f"{prefix}{number:04d}", "password": password})
    state = json.load(answer)
    if state.get("next") != "otp":
        raise SystemExit(f"bench_flows: the password step answered {answer.status}, next {state.get('next')!r}"
                         f" (error {state.get('error')!r}), expected next 'otp'")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)
    return f"{cookie}\t{flow}"


with concurrent.futures.ThreadPoolExecutor(8) as pool:
    for line in pool.map(start, range(first, first + count)):
        print(line)
