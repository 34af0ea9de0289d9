#!/usr/bin/env python3
"""Checks the one message tests/delivery.sh expects in OUTDIR; prints one line per problem.

Usage: check_message.py OUTDIR MESSAGE_ID FROM TO
Exit 0 when exactly one message arrived, over TLS and authenticated, with the envelope and
the headers Stepgate promises and the test text in its body.
"""
import email
import email.policy
import email.utils
import glob
import json
import sys

outdir, message_id, sender, recipient = sys.argv[1:5]
problems = []
messages = sorted(glob.glob(outdir + "/*.eml"))
if len(messages) != 1:
    print("expected exactly one message, found %d" % len(messages))
    sys.exit(1)
with open(messages[0].replace(".eml", ".json")) as f:
    session = json.load(f)
if not session["tls"]:
    problems.append("the session was not TLS")
if not session["authenticated"]:
    problems.append("the session did not authenticate")
if session["mail_from"] != sender:
    problems.append("MAIL FROM was %r" % session["mail_from"])
if session["rcpt_tos"] != [recipient]:
    problems.append("RCPT TO was %r" % session["rcpt_tos"])

with open(messages[0], "rb") as f:
    raw = f.read()
message = email.message_from_bytes(raw, policy=email.policy.SMTP)
expected = {
    "From": sender,
    "To": recipient,
    "Subject": "Stepgate delivery test",
    "Message-ID": "<%s@%s>" % (message_id, sender.split("@")[1]),
    "MIME-Version": "1.0",
    "Content-Transfer-Encoding": "quoted-printable",
    "Auto-Submitted": "auto-generated",
}
for name, value in expected.items():
    if message[name] != value:
        problems.append("header %s was %r, expected %r" % (name, message[name], value))
if message.get_content_type() != "text/plain" or message.get_content_charset() != "utf-8":
    problems.append("content type was %r" % message["Content-Type"])
if email.utils.parsedate_to_datetime(message["Date"]) is None:
    problems.append("Date does not parse")
for name in expected:
    if len(message.get_all(name) or []) != 1:
        problems.append("header %s appears more than once" % name)
if "This is a test message from stepgate notify test." not in message.get_content():
    problems.append("the body is not the test text")
if b"\r\n" not in raw or b"\n" in raw.replace(b"\r\n", b""):
    problems.append("lines do not end in CRLF")

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
