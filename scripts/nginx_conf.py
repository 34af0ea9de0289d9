"""Writes examples/nginx.conf with its three addresses replaced, in one pass.

Usage: nginx_conf.py FILE NGINX STEPGATE APPLICATION   (each HOST:PORT)
The example uses 127.0.0.1:8000 (nginx), 127.0.0.1:8090 (Stepgate), 127.0.0.1:8091 (application).
One regular expression replaces all three at once, so a new address that equals an old one is
never replaced twice.
"""
import re
import sys

path, nginx, stepgate, application = sys.argv[1:5]
mapping = {"127.0.0.1:8000": nginx, "127.0.0.1:8090": stepgate, "127.0.0.1:8091": application}
text = open(path, encoding="utf-8").read()
for address in mapping:
    if address not in text:
        sys.exit(f"nginx_conf.py: {address} not found in {path}")
pattern = re.compile("|".join(re.escape(address) for address in mapping))
sys.stdout.write(pattern.sub(lambda match: mapping[match.group(0)], text))
