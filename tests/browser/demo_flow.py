#!/usr/bin/env python3
"""Drives the demo bank at /demo in headless Chromium, as a person would, against a real server.

Usage: demo_flow.py BASE_URL PASSWORD TOTP_SECRET SCREENSHOT_DIR OTHER_ORIGIN_REDIRECT_URI

OTHER_ORIGIN_REDIRECT_URI is the redirect URI of the public client `rp`, on another origin than
BASE_URL (the same server as http://127.0.0.1:PORT is enough: the browser only has to get there).

Fields are found by their autocomplete attributes (username, current-password, one-time-code),
the way password managers and test tools find them. Prints one line per check and a final line
`browser: N passed, M failed`; exits 1 on any failure.
"""
import base64
import hashlib
import hmac
import os
import struct
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

UNIFORM_FAILURE = "The details you entered are not correct."
USERNAME = 'input[autocomplete="username"]'
PASSWORD = 'input[autocomplete="current-password"]'
ONE_TIME_CODE = 'input[autocomplete="one-time-code"]'
WAIT_SECONDS = 10


def totp(secret, at=None, step_offset=0):
    """RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(at if at is not None else time.time()) // 30 + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 15
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1_000_000)


def wrong_totp(secret):
    """A 6-digit code that matches no step the server accepts now (current one and one either side)."""
    now = time.time()
    accepted = {totp(secret, now, offset) for offset in range(-2, 3)}
    candidate = int(totp(secret, now))
    while "%06d" % candidate in accepted:
        candidate = (candidate + 1) % 1_000_000
    return "%06d" % candidate


class Run:
    """Counts checks; a check that raises fails, and so do the later ones that needed it."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.broken = None

    def check(self, name, function):
        if self.broken is not None:
            self.failed += 1
            print("FAIL %s: not run, an earlier step failed (%s)" % (name, self.broken), flush=True)
            return
        try:
            function()
        except Exception as error:  # noqa: BLE001: any failure of a step is a failed check
            self.failed += 1
            detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            print("FAIL %s: %s" % (name, detail), flush=True)
            self.broken = name
            return
        self.passed += 1
        print("ok   %s" % name, flush=True)

    def soft_check(self, name, function):
        """A check whose failure does not stop the later ones."""
        broken = self.broken
        self.check(name, function)
        if broken is None:
            self.broken = None


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def make_driver(tmp):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/lib/chromium/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=900,820",
                     "--user-data-dir=" + os.path.join(tmp, "profile"), "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
    driver.set_page_load_timeout(WAIT_SECONDS)
    return driver


def main():
    base, password, secret, shots, other_redirect = sys.argv[1:6]
    os.makedirs(shots, exist_ok=True)
    run = Run()
    console = []
    driver = None

    def wait_for(css):
        return WebDriverWait(driver, WAIT_SECONDS).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def wait_for_path(prefix):
        WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.current_url.startswith(base + prefix))

    def collect_console(expected=()):
        """Keeps logged errors and warnings, but not the `expected` substrings (one entry each)."""
        allowed = list(expected)
        for entry in driver.get_log("browser"):
            message = entry.get("message", "")
            if entry.get("level") not in ("SEVERE", "WARNING"):
                continue
            match = next((text for text in allowed if text in message), None)
            if match is not None:
                allowed.remove(match)
                continue
            console.append("%s %s" % (entry.get("level"), message[:300]))

    def retrying(action):
        """Runs `action` again while Chromium replaces nodes under it (a page still settling)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                return action()
            except WebDriverException as error:
                transient = isinstance(error, StaleElementReferenceException) or any(
                    text in str(error) for text in ("does not belong to the document", "not attached"))
                if not transient or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def type_into(css, text):
        """Finds the field by `css` and types `text` into it (again from empty after a retry)."""
        def act():
            field = wait_for(css)
            field.clear()
            field.send_keys(text)
            return field
        return retrying(act)

    def text_of(css):
        return retrying(lambda: wait_for(css).text)

    def submit(css, expected_console=()):
        """Clicks the submit button of the form that holds the field `css`, then waits for the new page."""
        def act():
            field = wait_for(css)
            field.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
            return field
        field = retrying(act)
        WebDriverWait(driver, WAIT_SECONDS).until(EC.staleness_of(field))
        collect_console(expected_console)

    def click_link(text):
        def act():
            link = wait_for_link(text)
            link.click()
            return link
        link = retrying(act)
        WebDriverWait(driver, WAIT_SECONDS).until(EC.staleness_of(link))
        collect_console()

    def wait_for_link(text):
        return WebDriverWait(driver, WAIT_SECONDS).until(
            EC.element_to_be_clickable((By.PARTIAL_LINK_TEXT, text))
        )

    def shot(name):
        path = os.path.join(shots, name + ".png")
        expect(driver.save_screenshot(path), "screenshot %s not written" % name)

    def settled(read):
        """Runs `read` until the page stops changing under it (a node replaced mid-read is retried)."""
        def attempt(_):
            try:
                return read() or None
            except WebDriverException:
                return None
        return WebDriverWait(driver, WAIT_SECONDS).until(attempt)

    def claims():
        """The claims table of the demo's result page as {name: text}."""
        def read():
            rows = driver.find_elements(By.CSS_SELECTOR, "table tr")
            return {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
                    for row in rows}
        return settled(read)

    def open_browser():
        nonlocal driver
        driver = make_driver(os.environ.get("TMPDIR", "/tmp"))

    def headers_carry_csp():
        with urllib.request.urlopen(base + "/demo", timeout=WAIT_SECONDS) as response:
            policy = response.headers.get("Content-Security-Policy") or ""
        expect("default-src 'none'" in policy, "no strict Content-Security-Policy on /demo: %r" % policy)

    def pay_asks_for_password():
        driver.get(base + "/demo")
        collect_console()
        shot("0-demo")
        click_link("Pay")
        wait_for_path("/login?flow=")
        wait_for(USERNAME)
        wait_for(PASSWORD)
        shot("1-sign-in")

    def password_leads_to_totp():
        type_into(USERNAME, "demo")
        type_into(PASSWORD, password)
        submit(PASSWORD)
        wait_for(ONE_TIME_CODE)
        expect(not driver.find_elements(By.CSS_SELECTOR, PASSWORD), "password field still shown")
        shot("2-one-time-code")

    def wrong_code_is_refused():
        type_into(ONE_TIME_CODE, wrong_totp(secret))
        # The form comes back with status 400 by design; Chromium logs that as a failed load.
        submit(ONE_TIME_CODE,
               expected_console=["/login - Failed to load resource: the server responded with a status of 400"])
        message = text_of(".error")
        expect(message.strip() == UNIFORM_FAILURE, "message was %r" % message)
        expect(driver.find_elements(By.CSS_SELECTOR, ONE_TIME_CODE), "no one-time-code field after a wrong code")
        expect(not driver.find_elements(By.CSS_SELECTOR, PASSWORD), "sent back to the password step")
        shot("3-wrong-code")

    def right_code_completes_aal2():
        type_into(ONE_TIME_CODE, totp(secret))
        submit(ONE_TIME_CODE)
        wait_for_path("/demo/callback")
        wait_for("table")
        shown = claims()
        expect(shown.get("acr") == '"aal2"', "acr was %r (claims %r)" % (shown.get("acr"), shown))
        expect('"mfa"' in shown.get("amr", ""), "amr was %r" % shown.get("amr"))
        expect('"otp"' in shown.get("amr", "") and '"pwd"' in shown.get("amr", ""), "amr was %r" % shown.get("amr"))
        shot("4-result")

    def no_console_errors():
        """Fails on errors and warnings logged since the last call (CSP violations are logged there)."""
        collect_console()
        seen = list(console)
        console.clear()
        expect(not seen, "%d console message(s): %s" % (len(seen), " | ".join(seen)))

    def balance_reuses_session():
        driver.get(base + "/demo")
        collect_console()
        click_link("View balance")
        wait_for_path("/demo/callback")
        wait_for("table")
        shown = claims()
        expect(shown.get("acr") in ('"aal1"', '"aal2"'), "acr was %r" % shown.get("acr"))
        expect(not driver.find_elements(By.CSS_SELECTOR, "input"), "a form was shown")

    def logout_ends_session():
        driver.get(base + "/logout")
        collect_console()
        def act():
            button = wait_for("form[action='/logout'] button[type=submit]")
            button.click()
            return button
        button = retrying(act)
        WebDriverWait(driver, WAIT_SECONDS).until(EC.staleness_of(button))
        collect_console()
        said = text_of("main")
        expect("You are signed out." in said, "logout page says %r" % said)

    def balance_asks_password_again():
        driver.get(base + "/demo")
        collect_console()
        click_link("View balance")
        wait_for_path("/login?flow=")
        readonly = retrying(lambda: wait_for(USERNAME).get_attribute("readonly"))
        expect(readonly is None, "username is read-only: the old user is remembered")
        wait_for(PASSWORD)

    def password_alone_gives_aal1():
        type_into(USERNAME, "demo")
        type_into(PASSWORD, password)
        submit(PASSWORD)
        wait_for_path("/demo/callback")
        wait_for("table")
        shown = claims()
        expect(shown.get("acr") == '"aal1"', "acr was %r" % shown.get("acr"))
        expect(shown.get("amr") == '["pwd"]', "amr was %r" % shown.get("amr"))

    def other_origin_client_gets_code():
        verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": "rp", "redirect_uri": other_redirect, "scope": "openid",
            "state": "browser-state", "nonce": "browser-nonce", "code_challenge": challenge,
            "code_challenge_method": "S256", "acr_values": "aal1", "prompt": "login",
        })
        driver.get(base + "/authorize?" + query)
        wait_for_path("/login?flow=")
        if retrying(lambda: wait_for(USERNAME).get_attribute("readonly")) is None:
            type_into(USERNAME, "demo")
        type_into(PASSWORD, password)
        retrying(lambda: wait_for(PASSWORD).find_element(By.XPATH, "ancestor::form//button[@type='submit']").click())
        try:
            WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.current_url.startswith(other_redirect))
        except Exception:
            blocked = [e.get("message", "")[:200] for e in driver.get_log("browser") if "form-action" in e.get("message", "")]
            raise AssertionError("browser stayed on %s%s" % (driver.current_url, (": " + blocked[0]) if blocked else ""))
        collect_console()
        arrived = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
        expect(arrived.get("state") == ["browser-state"] and arrived.get("code"), "redirect carried %r" % arrived)

    try:
        run.check("chromium starts headless", open_browser)
        run.soft_check("pages carry a strict Content-Security-Policy", headers_carry_csp)
        run.check("Pay (aal2) shows the sign-in page with autocomplete=username/current-password",
                  pay_asks_for_password)
        run.check("password leads to the one-time-code step (autocomplete=one-time-code)", password_leads_to_totp)
        run.check("wrong code shows the uniform failure and stays on the code step", wrong_code_is_refused)
        run.check("right code completes: result shows acr aal2 and amr with mfa", right_code_completes_aal2)
        run.soft_check("no console errors or CSP violations on the demo, sign-in, code and result pages", no_console_errors)
        run.check("View balance (aal1) completes without a prompt (session reuse)", balance_reuses_session)
        run.check("logout with the confirm button ends the session", logout_ends_session)
        run.check("after logout View balance asks for the password again", balance_asks_password_again)
        run.check("password alone then completes at aal1 with amr [pwd]", password_alone_gives_aal1)
        run.soft_check("no console errors or CSP violations on the later pages (reuse, logout)", no_console_errors)
        run.soft_check("a client on another origin gets its code after the HTML sign-in form (CSP form-action)",
                       other_origin_client_gets_code)
    finally:
        if driver is not None:
            driver.quit()
    print("browser: %d passed, %d failed" % (run.passed, run.failed), flush=True)
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
