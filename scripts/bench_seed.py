#!/usr/bin/env python3
"""Signs in N times (aal1, password only) and prints one refresh token per line, for make bench.

With a fifth argument `session`, prints the session cookies (`name=value`) instead, one per sign-in.
"""
import base64, hashlib, html.parser, json, secrets, sys, urllib.error, urllib.parse, urllib.request

issuer, user, password, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sessions = len(sys.argv) > 5 and sys.argv[5] == "session"
redirect = "http://localhost:9/cb"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Hidden(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")


def call(opener, url, data=None):
    try:
        return opener.open(url, data=urllib.parse.urlencode(data).encode() if data else None)
    except urllib.error.HTTPError as error:
        return error


for _ in range(count):
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar, NoRedirect())
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode({"response_type": "code", "client_id": "bench", "redirect_uri": redirect,
                                    "scope": "openid", "state": "s", "code_challenge": challenge,
                                    "code_challenge_method": "S256", "acr_values": "aal1"})
    start = call(opener, issuer + "/authorize?" + query)
    page = call(opener, issuer + start.headers["Location"])
    form = Hidden()
    form.feed(page.read().decode())
    done = call(opener, issuer + "/login", {**form.fields, "username": user, "password": password})
    if sessions:
        print("; ".join(f"{cookie.name}={cookie.value}" for cookie in jar.cookiejar))
        continue
    code = urllib.parse.parse_qs(urllib.parse.urlparse(done.headers["Location"]).query)["code"][0]
    tokens = json.load(call(opener, issuer + "/token", {"grant_type": "authorization_code", "code": code,
                                                         "redirect_uri": redirect, "client_id": "bench",
                                                         "code_verifier": verifier}))
    print(tokens["refresh_token"])
