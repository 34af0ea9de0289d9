#!/usr/bin/env python3
"""Print the current RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret."""
import base64, hmac, struct, sys, time

secret = sys.argv[1].replace(" ", "").upper()
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
offset = digest[-1] & 15
print("%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000))
