#!/usr/bin/python3
"""Prints the manage link of the e-mail with a given Message-ID that the SMTP sink received
(issue 16): usage manage_link.py DIR MESSAGE_ID. The link is read from the plain-text part, the
line holding "/manage/"; exits 1 (printing nothing) when there is no such message or link.
"""
import email
import email.policy
import os
import sys


def main():
    directory, message_id = sys.argv[1], sys.argv[2]
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        if str(message["Message-ID"]) != message_id:
            continue
        text = message.get_body(preferencelist=("plain",)).get_content()
        for word in text.split():
            if "/manage/" in word:
                print(word)
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
