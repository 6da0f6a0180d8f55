#!/usr/bin/python3
"""A real SMTP server on loopback for the message tests (issue 16), Debian's python3-aiosmtpd.

Each accepted message is written to DIR as NNNNNN.eml (written to a temporary name, then renamed,
so a reader never sees half a message); the port it listens on is written to DIR/port once it
accepts connections. --delay-ms makes each DATA take that long, so a test can kill a deliverer in
the middle of a batch. --fail N answers "451 try again" to the first N messages. --reject ADDRESS
answers "550 no such user" to RCPT TO of that address (a bounce) and appends the address to
DIR/rejected.log, one line per refusal. Runs until SIGTERM or SIGINT.
"""
import argparse
import asyncio
import itertools
import os
import signal
import socket
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, delay_ms, fail, reject):
        self.directory = directory
        self.delay = delay_ms / 1000.0
        self.fail = fail
        self.reject = set(reject)
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            with open(os.path.join(self.directory, "rejected.log"), "a") as f:
                f.write(address + "\n")
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail > 0:
            self.fail -= 1
            return "451 4.3.0 try again later"
        n = next(self.counter)
        path = os.path.join(self.directory, "%06d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--fail", type=int, default=0)
    parser.add_argument("--reject", action="append", default=[])
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    port = free_port()
    controller = Controller(Sink(args.directory, args.delay_ms, args.fail, args.reject),
                            hostname="127.0.0.1", port=port)
    controller.start()
    with open(os.path.join(args.directory, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(args.directory, "port.tmp"), os.path.join(args.directory, "port"))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        time.sleep(0.05)
    controller.stop()


if __name__ == "__main__":
    main()
