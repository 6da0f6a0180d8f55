#!/usr/bin/python3
"""Checks the requests the SMS webhook receiver got (issue 16): usage
check_webhook.py DIR SECRET EXPECTATIONS.json, where EXPECTATIONS maps each idempotency key to
{"to": E.164 number, "contains": [text...], "attempts": how many requests (failed ones included)}.
Every request must be JSON {"to", "text", "idempotency_key"} with the Idempotency-Key header equal
to the body's key, X-Unknot-Signature "sha256=<hex HMAC-SHA256 of the raw body with SECRET>",
and a text of at most 160 characters; every expected key must have been received as often as
expected, all copies the same. Prints one line per problem and exits 1 if there is any.
"""
import hashlib
import hmac
import json
import os
import sys


def main():
    directory, secret, expectations_path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(expectations_path) as f:
        expected = json.load(f)
    problems = []
    seen = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name)) as f:
            record = json.load(f)
        headers, raw = record["headers"], record["body"]
        try:
            body = json.loads(raw)
        except ValueError:
            problems.append("%s: the body is not JSON" % name)
            continue
        if sorted(body) != ["idempotency_key", "text", "to"]:
            problems.append("%s: body members %s" % (name, sorted(body)))
            continue
        key = body["idempotency_key"]
        if headers.get("idempotency-key") != key:
            problems.append("%s: Idempotency-Key header %r, body %r"
                            % (name, headers.get("idempotency-key"), key))
        if not headers.get("content-type", "").startswith("application/json"):
            problems.append("%s: Content-Type %r" % (name, headers.get("content-type")))
        want_signature = "sha256=" + hmac.new(secret.encode(), raw.encode(),
                                              hashlib.sha256).hexdigest()
        if headers.get("x-unknot-signature") != want_signature:
            problems.append("%s: signature %r, want %r"
                            % (name, headers.get("x-unknot-signature"), want_signature))
        if len(body["text"]) > 160:
            problems.append("%s: text of %d characters" % (name, len(body["text"])))
        if key not in expected:
            problems.append("%s: unexpected key %s" % (name, key))
            continue
        want = expected[key]
        if body["to"] != want["to"]:
            problems.append("%s: to %r" % (name, body["to"]))
        for needle in want.get("contains", []):
            if needle not in body["text"]:
                problems.append("%s: the text %r lacks %r" % (name, body["text"], needle))
        if key in seen and seen[key] != raw:
            problems.append("%s: a copy of %s differs" % (name, key))
        seen.setdefault(key, raw)
        want.setdefault("_count", 0)
        want["_count"] += 1
    for key, want in expected.items():
        if want.get("_count", 0) != want.get("attempts", 1):
            problems.append("%s: received %d times, want %d"
                            % (key, want.get("_count", 0), want.get("attempts", 1)))
    for p in problems:
        print(p)
    print("%d requests, %d keys, %d problems" % (
        sum(1 for n in os.listdir(directory) if n.endswith(".json")), len(seen), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
