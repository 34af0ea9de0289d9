#!/usr/bin/env python3
"""A real SMTP server for tests/delivery.sh: aiosmtpd on 127.0.0.1.

With --cert and --key it offers STARTTLS (never requires it); with --user it requires
AUTH (PLAIN or LOGIN) after TLS, the password coming from the SMTP_TEST_PASSWORD
environment variable. Each message received is written to OUTDIR as NNN.eml (the bytes as
received) and NNN.json (envelope, whether the session was TLS, whether it authenticated).
Runs until SIGTERM or SIGINT; writes OUTDIR/../NAME.ready once it accepts connections.
"""
import argparse
import json
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(self.outdir, "%03d" % self.count)
        with open(name + ".eml", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        with open(name + ".json", "w") as out:
            json.dump(
                {
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                },
                out,
            )
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    args = parser.parse_args()

    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    password = os.environ.get("SMTP_TEST_PASSWORD", "")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == args.user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False: aiosmtpd then answers 535 itself (with the default it answers nothing).
        return AuthResult(success=ok, handled=False)

    controller = Controller(
        Recorder(args.outdir),
        hostname="127.0.0.1",
        port=args.port,
        tls_context=tls,
        require_starttls=False,
        authenticator=authenticate if args.user else None,
        auth_required=bool(args.user),
        auth_require_tls=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller.start()
    open(args.ready, "w").close()
    try:
        stop.wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
