#!/usr/bin/env python3
"""The demo bank's factors in headless Chromium, behind real nginx, as a person would use them.

Run by tests/factors.sh, which starts nginx (examples/nginx.conf) and `stepgate serve --demo` with
examples/policy.conf, file sinks for SMS and e-mail, and one user with a password and TOTP.

Security keys and passkeys are WebDriver virtual authenticators: a security key is CTAP2 over
`usb` without resident keys or user verification; a passkey is CTAP2 `internal` with resident
keys and user verification (the user counts as verified). Only one is attached at a time: when
a ceremony needs the other, the attached one's credentials are read (`get_credentials`, private
keys and sign counts included), it is removed, and the other is added back with its own
credentials (`add_credential`). Chromium picks among several attached authenticators by its own
rules, and a ceremony sent to the wrong one waits for its timeout; one at a time keeps every
ceremony deterministic, and the credentials (and counters) are the same as if both stayed.

The wrong origin: Chromium runs a ceremony for RP ID `localhost` only on a page whose host is
localhost (not on 127.0.0.1, and not on other.localhost), so the other origin is the same nginx
on a second port, http://localhost:OTHER_PORT. Cookies ignore ports, so the browser's session
reaches the flow page there; the browser signs, its client data names the other origin, and
Stepgate's origin check (WebAuthn §7.2 step 12, `webauthn.origins`) refuses it: the check reads
the refusal's reason in the audit log, then answers the same flow from Stepgate's own origin.

The cloned key: the security key's credential is read (private key and sign count), used once
more, then put back with the older count, as a copy made before that use would be. Its next
assertion carries a count the server has already seen.

Codes: TOTP from the user's seed (each time-step once), SMS codes from the file sink Stepgate
writes (`delivery.sms = file:PATH`), recovery codes from the page that shows them once.

Fields are found by their autocomplete attributes and ids, buttons by what they say. Prints one
line per check and a final line `factors: N passed, M failed`; exits 1 on any failure.
Usage (normally through tests/factors.sh): bank_factors.py --base URL --other-origin URL --user NAME
--password TEXT --totp-secret BASE32 --sms FILE --stepgate BIN --data DIR [--screenshots DIR]
[--width CSS_PIXELS]
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import time

from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException, TimeoutException,
                                        WebDriverException)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.virtual_authenticator import Credential, VirtualAuthenticatorOptions
from selenium.webdriver.support.ui import Select, WebDriverWait

from demo_flow import UNIFORM_FAILURE, Run, expect, make_driver, totp

USERNAME = 'input[autocomplete="username"]'
PASSWORD = 'input[autocomplete="current-password"]'
ONE_TIME_CODE = 'input[autocomplete="one-time-code"]'
WEBAUTHN_BUTTON = "#webauthn-start"
WAIT_SECONDS = 10
# What Chromium logs for a page answered with status 400: a refused answer is shown again that way.
STATUS_400 = "Failed to load resource: the server responded with a status of 400"
PHONE = "+447700900123"
# How Stepgate's pages name that phone.
PHONE_LABEL = "•••• " + PHONE[-4:]


def transient(error):
    """Whether `error` only says that a node went away: the page changed under a lookup."""
    return isinstance(error, StaleElementReferenceException) or any(
        text in str(error) for text in ("does not belong to the document", "not attached", "No node with given id"))


class Authenticators:
    """The virtual security key and passkey, one attached at a time (see the module comment)."""

    OPTIONS = {
        "security key": dict(protocol="ctap2", transport="usb", has_resident_key=False,
                             has_user_verification=False),
        "passkey": dict(protocol="ctap2", transport="internal", has_resident_key=True,
                        has_user_verification=True, is_user_verified=True),
    }

    def __init__(self, driver):
        self.driver = driver
        self.attached = None
        self.saved = {kind: [] for kind in self.OPTIONS}

    def use(self, kind):
        if self.attached == kind:
            return
        if self.attached is not None:
            self.saved[self.attached] = self.driver.get_credentials()
            self.driver.remove_virtual_authenticator()
        self.driver.add_virtual_authenticator(VirtualAuthenticatorOptions(**self.OPTIONS[kind]))
        for credential in self.saved[kind]:
            self.driver.add_credential(credential)
        self.attached = kind

    def credentials(self, kind):
        self.use(kind)
        return self.driver.get_credentials()


class TOTPClock:
    """Codes the server has not seen: each TOTP time-step is accepted once per factor."""

    def __init__(self, secret):
        self.secret = secret
        self.last_step = None

    def code(self):
        now = int(time.time()) // 30
        step = now if self.last_step is None else max(now, self.last_step + 1)
        if step > now + 1:
            # The server accepts one step either side of its clock; wait until this one is near.
            time.sleep(30 - time.time() % 30 + 0.2)
        self.last_step = step
        return totp(self.secret, at=step * 30)


class Bank:
    """The browser, with the waits and retries every page needs, and the pages' actions."""

    def __init__(self, options):
        self.options = options
        self.base = options.base
        self.driver = None
        self.console = []
        self.shots = options.screenshots or None
        if self.shots:
            os.makedirs(self.shots, exist_ok=True)

    def open(self):
        self.driver = make_driver(os.environ.get("TMPDIR", "/tmp"))
        self.driver.set_page_load_timeout(WAIT_SECONDS)
        width = self.options.width
        # The layout a phone or desktop of this width gets (mobile honours the viewport meta tag).
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 844 if width < 600 else 900, "deviceScaleFactor": 1,
            "mobile": width < 600,
        })
        self.keys = Authenticators(self.driver)

    def quit(self):
        if self.driver is not None:
            self.driver.quit()

    # Waiting and reading

    def wait_for(self, css, by=By.CSS_SELECTOR):
        """The visible element `css`, once the page shows it (nodes replaced meanwhile are looked up again)."""
        def visible(driver):
            try:
                element = driver.find_element(by, css)
                return element if element.is_displayed() else False
            except NoSuchElementException:
                return False
            except WebDriverException as error:
                if transient(error):
                    return False
                raise
        return WebDriverWait(self.driver, WAIT_SECONDS).until(visible)

    def wait_for_url(self, prefix, origin=None):
        expected = (origin or self.base) + prefix
        try:
            WebDriverWait(self.driver, WAIT_SECONDS).until(lambda d: d.current_url.startswith(expected))
        except Exception:
            raise AssertionError("expected %s, browser is at %s (%s)" % (expected, self.driver.current_url,
                                                                         self.heading()))

    def retrying(self, action):
        """Runs `action` again while Chromium replaces nodes under it (a page still settling)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                return action()
            except WebDriverException as error:
                if not transient(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def heading(self):
        try:
            return self.driver.find_element(By.TAG_NAME, "h1").text
        except WebDriverException:
            return "no heading"

    def text(self, css="main"):
        return self.retrying(lambda: self.wait_for(css).text)

    def has(self, css):
        return bool(self.driver.find_elements(By.CSS_SELECTOR, css))

    def collect_console(self, expected=()):
        """Keeps logged errors and warnings, but not the `expected` substrings (one entry each)."""
        allowed = list(expected)
        for entry in self.driver.get_log("browser"):
            message = entry.get("message", "")
            if entry.get("level") not in ("SEVERE", "WARNING"):
                continue
            match = next((text for text in allowed if text in message), None)
            if match is not None:
                allowed.remove(match)
                continue
            self.console.append("%s %s" % (entry.get("level"), message[:300]))

    # Acting

    def get(self, path, origin=None):
        self.driver.get((origin or self.base) + path)
        self.collect_console()

    def type_into(self, css, text):
        def act():
            field = self.wait_for(css)
            field.clear()
            field.send_keys(text)
        self.retrying(act)

    def press(self, element_of_page, expected_console=()):
        """Clicks what `element_of_page()` finds, then waits for the next page."""
        def act():
            element = element_of_page()
            element.click()
            return element
        element = self.retrying(act)

        def gone(_):
            try:
                element.is_enabled()
                return False
            except WebDriverException as error:
                if transient(error):
                    return True
                raise
        WebDriverWait(self.driver, WAIT_SECONDS).until(gone)
        self.collect_console(expected_console)

    def button(self, label, within=""):
        """The visible button that says `label` (whitespace trimmed), inside the XPath `within`."""
        xpath = "%s//button[normalize-space()=%s]" % (within, json.dumps(label, ensure_ascii=False))
        return self.wait_for(xpath, by=By.XPATH)

    def press_button(self, label, within="", expected_console=()):
        self.press(lambda: self.button(label, within), expected_console)

    def submit(self, css, expected_console=()):
        """Presses the submit button of the form that holds the field `css`."""
        self.press(lambda: self.wait_for(css).find_element(By.XPATH, "ancestor::form//button[@type='submit']"),
                   expected_console)

    def shot(self, name):
        """A PNG of the whole page (not just the viewport) when screenshots are asked for."""
        if not self.shots:
            return
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        image = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        })
        with open(os.path.join(self.shots, name + ".png"), "wb") as file:
            file.write(base64.b64decode(image["data"]))

    # The bank and Stepgate's pages

    def sign_in(self):
        self.wait_for_url("/login?flow=")
        if self.retrying(lambda: self.wait_for(USERNAME).get_attribute("readonly")) is None:
            self.type_into(USERNAME, self.options.user)
        self.type_into(PASSWORD, self.options.password)
        self.submit(PASSWORD)

    def method_rows(self, title):
        """How many rows of the account page's methods table start with `title`."""
        return len(self.driver.find_elements(
            By.XPATH, "//table[contains(@class,'methods')]//tr[starts-with(normalize-space(td[1]), %s)]"
            % json.dumps(title, ensure_ascii=False)))

    def history(self):
        self.get("/bank/")
        return [item.text for item in self.driver.find_elements(
            By.XPATH, "//h2[normalize-space()='History']/following-sibling::ul[1]/li")]

    def review(self, amount, payee="Alice Example"):
        self.get("/bank/")
        self.type_into("#amount", amount)
        self.retrying(lambda: Select(self.wait_for("#payee")).select_by_visible_text(payee))
        self.submit("#amount")
        self.wait_for_url("/bank/transfer/review")

    def send(self, amount):
        """Presses Send on the review page; nginx sends the browser to Stepgate's step-up."""
        self.press_button("Send %s EUR" % amount)
        self.wait_for_url("/login?flow=")

    def start_transfer(self, amount, payee="Alice Example"):
        self.review(amount, payee)
        self.send(amount)
        approval = self.text(".approval")
        expect("amount" in approval and amount in approval and payee in approval,
               "approval box does not show the transfer: %r" % approval)

    def finish_transfer(self, amount, payee="Alice Example"):
        """Back on the review page after the step-up: Send goes through this time."""
        self.wait_for_url("/bank/transfer/review")
        self.press_button("Send %s EUR" % amount)
        said = self.text("main")
        expect("Sent %s EUR to %s" % (amount, payee) in said, "transfer page says %r" % said)
        return said

    @staticmethod
    def amr(said):
        """The amr values the bank's transfer page shows (what the session had proved when it went)."""
        match = re.search(r"because you approved it \(([^)]*)\)", said)
        expect(match is not None, "transfer page names no amr: %r" % said)
        return set(match.group(1).split())

    def choose(self, label, expected_console=()):
        """Picks another way to confirm on a step-up page."""
        self.press_button(label, within="//section[contains(@class,'others')]", expected_console=expected_console)

    def use_webauthn(self, expected_console=()):
        self.press(lambda: self.wait_for(WEBAUTHN_BUTTON), expected_console)

    def refused(self):
        message = self.text(".error")
        expect(message.strip() == UNIFORM_FAILURE, "expected the uniform failure, page says %r" % message)

    def latest_sms(self, after_lines):
        """The code and text of the first one-time-code SMS written after line `after_lines` of the sink."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            for line in self.sms_lines()[after_lines:]:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # a line still being written
                if message.get("purpose") == "otp":
                    expect(message.get("to") == PHONE, "code sent to %r" % message.get("to"))
                    return message["text"].split(" ", 1)[0], message["text"]
            time.sleep(0.1)
        raise AssertionError("no code in %s" % self.options.sms)

    def sms_lines(self):
        try:
            with open(self.options.sms, encoding="utf-8") as file:
                return file.read().splitlines()
        except FileNotFoundError:
            return []

    def audit_tail(self):
        """The last ten audit records as `stepgate audit tail` prints them (JSON lines)."""
        output = subprocess.run([self.options.stepgate, "audit", "tail", "-n", "10", "--data", self.options.data],
                                check=True, capture_output=True, text=True, timeout=WAIT_SECONDS).stdout
        return output


def main():
    parser = argparse.ArgumentParser()
    for name in ("base", "other-origin", "user", "password", "totp-secret", "sms", "stepgate", "data"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("--screenshots", default="")
    parser.add_argument("--width", type=int, default=1024)
    options = parser.parse_args()

    run = Run()
    bank = Bank(options)
    app = TOTPClock(options.totp_secret)
    state = {}

    def no_console_errors():
        """Fails on errors and warnings logged since the last call (CSP violations are logged there)."""
        bank.collect_console()
        seen = list(bank.console)
        bank.console.clear()
        expect(not seen, "%d console message(s): %s" % (len(seen), " | ".join(seen)))

    # 1. Signing in, and the account page's gate

    def sign_in_with_password():
        bank.get("/bank/")
        bank.wait_for_url("/login?flow=")
        bank.wait_for(USERNAME)
        bank.shot("sign-in")
        bank.sign_in()
        bank.wait_for_url("/bank/")
        bank.shot("bank")
        said = bank.text("main")
        expect("Signed in as %s" % options.user in said and "aal1" in said, "bank says %r" % said[:200])

    def account_asks_fresh_totp():
        # The overview shows at the session's level; changing anything passes the gate first.
        bank.get("/account")
        expect("Authenticator app" in bank.text("table.methods"), "account page lists no authenticator app")
        bank.press_button("Add an authenticator app")
        bank.wait_for_url("/login?flow=")
        approval = bank.text(".approval")
        expect("manage_sign_in_methods" in approval, "approval box says %r" % approval)
        bank.wait_for(ONE_TIME_CODE)
        expect(not bank.has(PASSWORD), "the password was asked again")
        bank.shot("step-up-totp-account")
        bank.type_into(ONE_TIME_CODE, app.code())
        bank.submit(ONE_TIME_CODE)
        bank.wait_for_url("/account")
        expect("Authenticator app" in bank.text("table.methods"), "account page lists no authenticator app")

    def add_authenticator_app():
        bank.press_button("Add an authenticator app")
        bank.wait_for_url("/account/totp?factor=")
        factor = bank.driver.current_url.split("factor=", 1)[1]
        expect(bank.has(".qr svg"), "no QR code on the page")
        # The key under "Cannot scan?" is what the QR code holds; it sits in a closed <details>.
        key = bank.retrying(lambda: bank.wait_for("details summary") and bank.driver.find_element(
            By.CSS_SELECTOR, "code.secret").get_attribute("textContent")).strip()
        bank.shot("totp-enrolment")
        bank.type_into(ONE_TIME_CODE, totp(key))
        bank.submit(ONE_TIME_CODE)
        bank.wait_for_url("/account?done=totp")
        expect("Your authenticator app is set up." in bank.text(".notice"), "no notice")
        expect(bank.method_rows("Authenticator app") == 2, "account lists %r" % bank.text("table.methods"))
        # And remove it again: the form holding its ID.
        bank.press(lambda: bank.wait_for("//form[input[@name='id' and @value=%s]]//button" % json.dumps(factor),
                                         by=By.XPATH))
        bank.wait_for_url("/account?done=removed")
        expect(bank.method_rows("Authenticator app") == 1, "the new app was not removed")

    # 2, 3. Security key and passkey

    def add_security_key():
        bank.keys.use("security key")
        bank.press_button("Add a security key")
        bank.wait_for_url("/account/webauthn?kind=security_key")
        expect(bank.heading() == "Add a security key", "page is %r" % bank.heading())
        form = bank.wait_for("form[data-webauthn=create]")
        expect(form.get_attribute("data-attachment") == "cross-platform", "attachment %r"
               % form.get_attribute("data-attachment"))
        bank.type_into("#label", "Blue key")
        bank.shot("add-security-key")
        bank.use_webauthn()
        bank.wait_for_url("/account?done=security_key")
        expect("Your security key is added." in bank.text(".notice"), "no notice")
        methods = bank.text("table.methods")
        expect("Security key: Blue key" in methods and "kept on this device only" in methods,
               "account lists %r" % methods)
        credentials = bank.keys.credentials("security key")
        expect(len(credentials) == 1 and not credentials[0].is_resident_credential,
               "the virtual security key holds %r" % [(c.id, c.is_resident_credential) for c in credentials])

    def add_passkey():
        bank.keys.use("passkey")
        bank.get("/account")
        bank.press_button("Add a passkey (this device)")
        bank.wait_for_url("/account/webauthn?kind=passkey")
        form = bank.wait_for("form[data-webauthn=create]")
        expect(form.get_attribute("data-user-verification") == "required", "user verification not required")
        expect(form.get_attribute("data-resident-key") == "required", "resident key not required")
        bank.type_into("#label", "This laptop")
        bank.shot("add-passkey")
        bank.use_webauthn()
        bank.wait_for_url("/account?done=passkey")
        methods = bank.text("table.methods")
        expect("Passkey: This laptop" in methods and "unlocks with a PIN or biometric" in methods,
               "account lists %r" % methods)
        # Device-bound (no backup flags from the virtual authenticator): not "synced".
        expect("synced" not in methods, "a key is listed as synced: %r" % methods)
        credentials = bank.keys.credentials("passkey")
        expect(len(credentials) == 1 and credentials[0].is_resident_credential,
               "the virtual passkey holds %r" % [(c.id, c.is_resident_credential) for c in credentials])

    # 8 (first half), 9 (first half). Recovery codes and a phone, while the gate is fresh.

    def make_recovery_codes():
        bank.get("/account")
        bank.press_button("Make recovery codes")
        expect(bank.heading() == "Your recovery codes", "page is %r" % bank.heading())
        codes = [code.text for code in bank.driver.find_elements(By.CSS_SELECTOR, "ol.codes code")]
        expect(len(codes) == 10 and all(len(code) == 11 and code[5] == "-" for code in codes),
               "codes shown: %d" % len(codes))
        state["recovery"] = codes[0]
        bank.shot("recovery-codes")
        bank.get("/account")
        expect("You have 10 unused recovery codes of 10." in bank.text("main"), "account page does not count them")

    def add_phone():
        bank.get("/account")
        before = len(bank.sms_lines())
        bank.type_into("#phone", PHONE)
        bank.submit("#phone")
        bank.wait_for_url("/account/confirm?factor=")
        code, _ = bank.latest_sms(before)
        state["phone_code_sent"] = time.monotonic()
        bank.shot("confirm-phone")
        bank.type_into(ONE_TIME_CODE, code)
        bank.submit(ONE_TIME_CODE)
        bank.wait_for_url("/account?done=phone")
        expect("Text message to " + PHONE_LABEL in bank.text("table.methods"), "phone not listed")
        bank.shot("account")

    # 4, 5, 6, 9. Transfers

    def transfer_with_security_key():
        bank.keys.use("security key")
        bank.review("25.00")
        bank.shot("transfer-review")
        bank.send("25.00")
        expect("amount" in bank.text(".approval") and "25.00" in bank.text(".approval"), "approval box")
        button = bank.wait_for(WEBAUTHN_BUTTON)
        expect(button.text == "Use security key or passkey", "button says %r" % button.text)
        form = bank.wait_for("#webauthn-form")
        expect(form.get_attribute("data-user-verification") == "preferred", "aal2 asks for user verification")
        bank.shot("step-up-webauthn")
        bank.use_webauthn()
        said = bank.finish_transfer("25.00")
        bank.shot("transfer-sent")
        # A security key without user verification: hwk, and no pin yet (the passkey is not used).
        amr = bank.amr(said)
        expect("hwk" in amr and "pin" not in amr, "amr on the transfer page: %r" % amr)

    def transfer_goes_through_once():
        # The same transfer again: nginx sends the browser to a new step-up, nothing is sent.
        bank.get("/bank/transfer/review?amount=25.00&currency=EUR&payee=Alice%20Example")
        bank.send("25.00")
        lines = [line for line in bank.history() if line.startswith("Sent 25.00 EUR to Alice Example")]
        expect(len(lines) == 1, "history has %d such transfers: %r" % (len(lines), lines))

    def transfer_with_passkey():
        bank.keys.use("passkey")
        bank.start_transfer("40.00", "Bob Builder")
        bank.use_webauthn()
        said = bank.finish_transfer("40.00", "Bob Builder")
        amr = bank.amr(said)
        expect({"hwk", "pin"} <= amr, "amr on the transfer page: %r" % amr)
        expect(any(line.startswith("Sent 40.00 EUR to Bob Builder") for line in bank.history()), "not in history")

    def large_transfer_with_passkey():
        bank.keys.use("passkey")
        bank.start_transfer("1500.00")
        form = bank.wait_for("#webauthn-form")
        expect(form.get_attribute("data-user-verification") == "required", "aal3 does not require verification")
        # Only a key that verifies its user meets aal3: no code or recovery code is offered.
        others = bank.driver.find_elements(By.CSS_SELECTOR, "section.others button")
        expect(not others, "other ways offered for aal3: %r" % [button.text for button in others])
        bank.shot("step-up-webauthn-aal3")
        bank.use_webauthn()
        bank.finish_transfer("1500.00")
        expect(any(line.startswith("Sent 1500.00 EUR") for line in bank.history()), "not in history")

    def transfer_with_totp():
        bank.start_transfer("30.00")
        bank.choose("Enter a code from your authenticator app")
        bank.wait_for(ONE_TIME_CODE)
        expect("30.00" in bank.text(".approval"), "approval box lost on the code step")
        bank.shot("step-up-totp-transfer")
        bank.type_into(ONE_TIME_CODE, app.code())
        bank.submit(ONE_TIME_CODE)
        bank.finish_transfer("30.00")

    def transfer_with_sms():
        # One code per phone per session every otp.resend_interval (30 s): the phone's
        # confirmation code counts, so a code for the transfer can go out only after that.
        wait = state.get("phone_code_sent", 0) + 31 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        bank.start_transfer("35.00")
        before = len(bank.sms_lines())
        bank.choose("Text a code to " + PHONE_LABEL)
        bank.wait_for(ONE_TIME_CODE)
        code, text = bank.latest_sms(before)
        # The message says what the code approves, as the page does.
        expect("It approves transfer: amount 35.00, currency EUR, payee Alice Example." in text, "SMS says %r"
               % text.replace(code, "******"))
        bank.shot("step-up-sms")
        bank.type_into(ONE_TIME_CODE, code)
        bank.submit(ONE_TIME_CODE)
        bank.finish_transfer("35.00")

    # 7. Refusals

    def wrong_origin_refused():
        bank.keys.use("security key")
        bank.start_transfer("15.00")
        flow = bank.driver.current_url[len(options.base):]
        # The same flow page, served on another origin (another port of the same nginx): the
        # browser signs for RP ID localhost there too, and its client data names that origin.
        bank.get(flow, origin=options.other_origin)
        bank.wait_for(WEBAUTHN_BUTTON)
        bank.use_webauthn(expected_console=[STATUS_400])
        bank.wait_for_url("/login", origin=options.other_origin)
        bank.refused()
        audit = bank.audit_tail()
        expect('"reason":"webauthn_originMismatch"' in audit, "audit names no origin mismatch: %s" % audit[-600:])
        # The same flow and key on Stepgate's own origin are accepted.
        bank.get(flow)
        bank.use_webauthn()
        bank.finish_transfer("15.00")

    def cloned_key_refused():
        credential = bank.keys.credentials("security key")[0]
        before = credential.sign_count
        bank.start_transfer("10.00")
        bank.use_webauthn()
        bank.finish_transfer("10.00")
        after = bank.keys.credentials("security key")[0].sign_count
        expect(after > before, "sign count did not go up (%d, %d)" % (before, after))
        # A copy of the key that has not seen the last use: the same key pair, the old counter.
        bank.driver.remove_credential(credential.id)
        bank.driver.add_credential(Credential.create_non_resident_credential(
            base64.urlsafe_b64decode(credential.id), "localhost",
            base64.urlsafe_b64decode(credential.private_key), before))
        bank.start_transfer("11.00")
        bank.use_webauthn(expected_console=[STATUS_400])
        bank.refused()
        bank.shot("step-up-refused")
        expect('"reason":"webauthn_counterRegressed"' in bank.audit_tail(), "audit names no counter regression")
        bank.get("/account")
        methods = bank.text("table.methods")
        expect("Security key: Blue key" in methods and "switched off" in methods, "account lists %r" % methods)
        bank.shot("account-key-switched-off")
        told = [json.loads(line)["text"] for line in bank.sms_lines()]
        expect(any("switched off" in text for text in told), "the user was not told by SMS")

    # 8. Recovery codes after signing in again

    def recovery_code_after_sign_in():
        bank.get("/logout")
        bank.press(lambda: bank.wait_for("form[action='/logout'] button[type=submit]"))
        expect("You are signed out." in bank.text("main"), "not signed out")
        bank.get("/bank/")
        bank.sign_in()
        bank.wait_for_url("/bank/")
        bank.start_transfer("12.00")
        bank.choose("Use a recovery code")
        bank.wait_for("#recovery_code")
        bank.shot("step-up-recovery")
        bank.type_into("#recovery_code", state["recovery"])
        bank.submit("#recovery_code")
        bank.finish_transfer("12.00")

    def recovery_code_used_twice_refused():
        bank.start_transfer("13.00")
        bank.choose("Use a recovery code")
        bank.type_into("#recovery_code", state["recovery"])
        bank.submit("#recovery_code", expected_console=[STATUS_400])
        bank.refused()
        expect(not any(line.startswith("Sent 13.00") for line in bank.history()), "the transfer went through")

    def check(name, function, soft=True):
        """A named check; a timeout says where the browser was and what the page said."""
        def located():
            try:
                function()
            except TimeoutException:
                shown = bank.driver.find_elements(By.CSS_SELECTOR, "#webauthn-status, .error, button")
                said = " | ".join(element.text for element in shown if element.text)
                raise AssertionError("timed out at %s (%s)%s" % (bank.driver.current_url, bank.heading(),
                                                                 ": " + said if said else ""))
        (run.soft_check if soft else run.check)(name, located)

    try:
        run.check("chromium starts headless", bank.open)
        check("/bank/ asks for the password (autocomplete username, current-password) and signs in at aal1",
              sign_in_with_password, soft=False)
        check("/account shows the methods; a change asks for a fresh second factor, TOTP typed into the page "
              "(autocomplete one-time-code)", account_asks_fresh_totp, soft=False)
        check("add an authenticator app: QR code page, the key it shows gives the code that finishes it; "
              "remove it again", add_authenticator_app)
        check("add a security key (virtual usb, no UV) from /account: listed, device-bound",
              add_security_key, soft=False)
        check("add a passkey (virtual internal, UV) from /account: listed, verifies its user, not synced",
              add_passkey, soft=False)
        check("make recovery codes on /account: ten shown once, then counted", make_recovery_codes)
        check("add a phone on /account with the code from the SMS sink", add_phone)
        check("no console errors or CSP violations on the sign-in, step-up and account pages", no_console_errors)
        check("transfer 25 EUR: approval box, WebAuthn step, the security key approves it (amr hwk)",
              transfer_with_security_key)
        check("the approved 25 EUR transfer went through once: sending it again needs a new approval",
              transfer_goes_through_once)
        check("transfer 40 EUR approved with the passkey (amr hwk+pin)", transfer_with_passkey)
        check("transfer 1,500 EUR needs aal3 (user verification required): the device-bound passkey approves it",
              large_transfer_with_passkey)
        check("transfer 30 EUR approved with a TOTP code typed into the page (another way to confirm)",
              transfer_with_totp)
        check("no console errors or CSP violations on the bank and step-up pages", no_console_errors)
        check("an assertion made on another origin is refused (Stepgate's origin check, audited); the same "
              "flow on Stepgate's origin is accepted", wrong_origin_refused)
        check("a cloned security key (sign count set back) is refused, switched off, and the user told",
              cloned_key_refused)
        check("transfer 35 EUR approved with an SMS code (read from the SMS sink, naming the transfer)",
              transfer_with_sms)
        check("after signing out and in, a recovery code approves a transfer", recovery_code_after_sign_in)
        check("the same recovery code a second time is refused", recovery_code_used_twice_refused)
        check("no console errors or CSP violations on the later pages", no_console_errors)
    finally:
        bank.quit()
    print("factors: %d passed, %d failed" % (run.passed, run.failed), flush=True)
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
