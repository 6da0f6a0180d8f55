#!/usr/bin/python3
"""Checks the e-mails the SMTP sink received (issue 16) with Python's own e-mail parser and
icalendar: usage check_messages.py DIR EXPECTATIONS.json. EXPECTATIONS lists, per Message-ID, the
kind, the recipient and the appointment's UID; every received message must be one of them, every
expected one must have arrived, and copies must be the same message (same Message-ID).
Prints one line per problem and exits 1 if there is any.
"""
import email
import email.policy
import json
import os
import sys

import icalendar


def main():
    directory, expectations_path = sys.argv[1], sys.argv[2]
    with open(expectations_path) as f:
        expected = json.load(f)  # {message_id: {"kind", "to", "uid", "method", "sequence"}}
    problems = []
    seen = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        message_id = str(message["Message-ID"])
        if message_id not in expected:
            problems.append("%s: unexpected Message-ID %s" % (name, message_id))
            continue
        want = expected[message_id]
        body = message.as_bytes()
        if message_id in seen and seen[message_id][0] != want["kind"]:
            problems.append("%s: a copy of %s differs" % (name, message_id))
        seen.setdefault(message_id, (want["kind"], body))
        if message["To"].addresses[0].addr_spec != want["to"]:
            problems.append("%s: To is %s" % (name, message["To"]))
        if str(message["X-Envelope-To"]) != want["to"]:
            problems.append("%s: envelope recipient is %s" % (name, message["X-Envelope-To"]))
        for header in ("From", "Subject", "Date", "MIME-Version"):
            if message[header] is None:
                problems.append("%s: no %s header" % (name, header))
        if "\n" in str(message["Subject"]) or "\r" in str(message["Subject"]):
            problems.append("%s: Subject spans lines" % name)
        # Headers a patient's name could have injected.
        for header in ("Bcc", "Cc", "Reply-To"):
            if message[header] is not None:
                problems.append("%s: unexpected %s header" % (name, header))
        if want.get("name") and message["To"].addresses[0].display_name != want["name"]:
            problems.append("%s: To name is %r" % (name, message["To"].addresses[0].display_name))
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        if text is None or html is None:
            problems.append("%s: no plain-text or no HTML part" % name)
            continue
        text_content = text.get_content()
        html_content = html.get_content()
        for needle in want.get("text", []):
            if needle not in text_content:
                problems.append("%s: the text part lacks %r" % (name, needle))
        for needle in want.get("html", []):
            if needle not in html_content:
                problems.append("%s: the HTML part lacks %r" % (name, needle))
        for needle in want.get("not_html", []):
            if needle in html_content:
                problems.append("%s: the HTML part has %r" % (name, needle))
        calendars = [p for p in message.iter_attachments()
                     if p.get_content_type() == "text/calendar"]
        if len(calendars) != 1:
            problems.append("%s: %d calendar attachments" % (name, len(calendars)))
            continue
        part = calendars[0]
        if part.get_param("method") != want["method"]:
            problems.append("%s: Content-Type method is %s" % (name, part.get_param("method")))
        calendar = icalendar.Calendar.from_ical(part.get_content())
        if str(calendar["METHOD"]) != want["method"]:
            problems.append("%s: METHOD is %s" % (name, calendar["METHOD"]))
        events = [c for c in calendar.walk("VEVENT")]
        if len(events) != 1:
            problems.append("%s: %d events" % (name, len(events)))
            continue
        event = events[0]
        if str(event["UID"]) != want["uid"]:
            problems.append("%s: UID is %s" % (name, event["UID"]))
        if int(event["SEQUENCE"]) != want["sequence"]:
            problems.append("%s: SEQUENCE is %s, not %s" % (name, event["SEQUENCE"],
                                                             want["sequence"]))
        if want.get("start") and event.decoded("DTSTART").isoformat() != want["start"]:
            problems.append("%s: DTSTART is %s" % (name, event.decoded("DTSTART").isoformat()))
    for message_id in expected:
        if message_id not in seen:
            problems.append("never delivered: %s" % message_id)
    for p in problems:
        print(p)
    print("%d messages checked, %d distinct, %d problems"
          % (sum(1 for n in os.listdir(directory) if n.endswith(".eml")), len(seen),
             len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
