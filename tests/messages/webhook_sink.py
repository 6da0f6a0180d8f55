#!/usr/bin/python3
"""A real SMS webhook receiver on loopback for the message tests (issue 16), python3 stdlib only.

Every POST is written to DIR as NNNNNN.json ({"path", "headers" (lower-case names), "body" (the
raw body as text), "status" (what it answered)}), written to a temporary name and renamed, so a
reader never sees half a request; the port it listens on is written to DIR/port once it accepts
connections. --fail N answers the first N requests with 503 (recorded too). Runs until SIGTERM or
SIGINT.
"""
import argparse
import itertools
import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--fail", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)
    counter = itertools.count(1)
    state = {"fail": args.fail}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                status = 200
                if state["fail"] > 0:
                    state["fail"] -= 1
                    status = 503
                n = next(counter)
            record = {"path": self.path,
                      "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body.decode("utf-8", "replace"),
                      "status": status}
            path = os.path.join(args.directory, "%06d.json" % n)
            with open(path + ".tmp", "w") as f:
                json.dump(record, f)
            os.rename(path + ".tmp", path)
            answer = b'{"ok": true}' if status == 200 else b'{"error": "try later"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    with open(os.path.join(args.directory, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(args.directory, "port.tmp"), os.path.join(args.directory, "port"))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    signal.signal(signal.SIGINT, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever(poll_interval=0.05)


if __name__ == "__main__":
    main()
