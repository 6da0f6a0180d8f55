#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/ and the dictionaries fuzz/*.dict.

The seeds are the requests and bodies of the route tests (src/api/v1/*_test.cpp) and the e2e
tests, one file each; run it again after changing them: `python3 fuzz/make_corpus.py`. The
scenario target is seeded with tests/scenarios/*.scn and the JSON targets also with
tests/golden/*.json by fuzz/run.sh, so those are not copied here.

Ids: the demo clinic's services and practitioners get ids in the order demo_clinic.cpp lists
them (service 2 is the ART session, practitioner 1 its first practitioner).
"""
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CLINIC = "/api/v1/clinics/mission-sports-chiro"


def knot(region, side, pain, duration="weeks", **extra):
    k = {"region": region, "pain": pain, "duration": duration}
    if side is not None:
        k["side"] = side
    k.update(extra)
    return k


DESK = {"knots": [knot("upper_trapezius_ridge", "left", 6), knot("temple", "left", 4)],
        "causes": ["desk_hours", "posture"],
        "answers": {"visited_before": "yes", "assessed_before": "yes"},
        "age_band": "18_44"}


def variant(**changes):
    v = json.loads(json.dumps(DESK))
    for key, value in changes.items():
        v[key] = value
    return v


ASSESSMENTS = [
    DESK,
    variant(answers={"visited_before": "yes", "assessed_before": "yes", "saddle_numbness": "yes"}),
    variant(answers={"visited_before": "yes", "assessed_before": "yes", "fever_or_chills": "yes"}),
    variant(causes=["car_accident"]),
    variant(medications=["blood_thinner"]),
    variant(knots=[knot("upper_trapezius_ridge", "left", 11)]),
    variant(knots=[knot("lumbar_paraspinal_lower", "right", 7, "months_1_3", size="large",
                        sleep="severe", limits_movement=True, movements=["bend_forward"])]),
    {"knots": [knot("lumbar_paraspinal_lower", "left", 8, "days")],
     "answers": {"saddle_numbness": "yes", "new_bladder_problem": "yes"}, "age_band": "50_64"},
    {"knots": [knot("vertex", None, 3, "over_3_months")], "causes": [], "answers": {}},
]

BOOKING = {"service": 2, "practitioner": 1, "start": "2026-12-08T17:00:00Z",
           "patient": {"given_name": "Ana", "family_name": "Ruiz", "email": "ana@example.org",
                       "phone": "+14155550142"}}

# (selector byte, body) for json_body_fuzz: 0 book, 1 cancel, 2 reschedule, 3 assessment;
# 0x04 sends the manage token, 0x08 an Idempotency-Key.
JSON_BODIES = [
    (0x00, BOOKING),
    (0x08, BOOKING),
    (0x00, dict(BOOKING, start="2026-12-08T17:05:00Z")),
    (0x00, dict(BOOKING, start="2026-12-08 17:00")),
    (0x00, dict(BOOKING, practitioner=None, assessment=1)),
    (0x00, dict(BOOKING, patient=dict(BOOKING["patient"], email="ana-at-example"))),
    (0x01, {}),
    (0x05, {}),
    (0x01, {"token": "not-the-token"}),
    (0x02, {"start": "2026-12-09T18:00:00Z"}),
    (0x06, {"start": "2026-12-09T18:00:00Z"}),
    (0x06, {"start": "2026-12-09T18:00:00Z", "practitioner": 1}),
    (0x06, {"start": "2026-12-09T18:00:00.5Z"}),
] + [(0x03, a) for a in ASSESSMENTS]


def request(method, target, body=None, headers=()):
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost"] + list(headers)
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body.encode())}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + (body or "")).encode()


HTTP = [
    request("GET", "/api/v1/clinics"),
    request("GET", CLINIC),
    request("GET", CLINIC + "/services"),
    request("GET", CLINIC + "/practitioners"),
    request("GET", CLINIC + "/rooms"),
    request("GET", CLINIC + "/availability?service=2&from=2026-12-07&to=2026-12-08"),
    request("GET", CLINIC + "/availability?service=2&from=2026-12-07&to=2026-12-08&practitioner=1",
            headers=["Accept-Encoding: gzip"]),
    request("GET", CLINIC + "/availability?service=%32&from=2026-12-07&to=2026-13-01"),
    request("POST", CLINIC + "/appointments", json.dumps(BOOKING),
            headers=["Idempotency-Key: abc"]),
    request("GET", CLINIC + "/appointments/1?token=abc"),
    request("GET", CLINIC + "/appointments/1", headers=["Authorization: Bearer abc"]),
    request("POST", CLINIC + "/appointments/1/cancel", "{}"),
    request("POST", CLINIC + "/appointments/1/reschedule",
            json.dumps({"start": "2026-12-09T18:00:00Z", "token": "abc"})),
    request("GET", CLINIC + "/assessment-form"),
    request("GET", CLINIC + "/body-map.svg"),
    request("POST", CLINIC + "/assessments", json.dumps(DESK)),
    request("GET", CLINIC + "/assessments/1?token=abc"),
    request("GET", "/healthz"),
    request("GET", "/readyz"),
    request("GET", "/metrics"),
    request("GET", "/"),
    request("GET", "/c/mission-sports-chiro"),
    request("GET", "/c/mission-sports-chiro/"),
    request("GET", "/c/mission-sports-chiro/staff/calendar"),
    request("GET", "/c/mission-sports-chiro/assets/app.js", headers=["Accept-Encoding: gzip"]),
    request("GET", "/api/v1/clinics/mission%2Dsports%2Dchiro/services"),
    request("HEAD", CLINIC + "/services"),
    request("DELETE", CLINIC + "/services"),
    request("OPTIONS", "/api/v1/clinics"),
    request("GET", "/nowhere"),
    request("GET", "http://localhost/api/v1/clinics"),
    request("GET", "/api/v1/clinics/%zz"),
    (b"POST " + CLINIC.encode() + b"/assessments HTTP/1.1\r\nHost: x\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"kno\r\n0\r\n\r\n"),
    (b"POST " + CLINIC.encode() + b"/appointments HTTP/1.1\r\nHost: x\r\n"
     b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}"),
    request("GET", "/healthz") + request("GET", CLINIC + "/rooms", headers=["Connection: close"]),
    b"GET /healthz HTTP/1.0\r\n\r\n",
]

DICT_HTTP = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", " HTTP/1.1\r\n",
             " HTTP/1.0\r\n", "\r\n", "\r\n\r\n", "Host: ", "Content-Length: ",
             "Transfer-Encoding: chunked", "Connection: close", "Connection: keep-alive",
             "Expect: 100-continue", "Accept-Encoding: gzip", "Authorization: Bearer ",
             "Idempotency-Key: ", "/api/v1/clinics/", "mission-sports-chiro", "/services",
             "/practitioners", "/rooms", "/availability", "/appointments/", "/cancel",
             "/reschedule", "/assessments", "/assessment-form", "/body-map.svg", "/healthz",
             "/readyz", "/metrics", "/c/", "?", "&", "=", "%", "%2F", "%00", "%0D%0A", "+",
             "service=", "from=", "to=", "practitioner=", "token=", "2026-12-07", "..", "//"]

DICT_JSON = ["{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "\\u0000", "\\ud800",
             "1e999", "-0", "9223372036854775807", "18446744073709551615", "\"service\"",
             "\"practitioner\"", "\"start\"", "\"assessment\"", "\"patient\"", "\"given_name\"",
             "\"family_name\"", "\"email\"", "\"phone\"", "\"token\"", "\"knots\"", "\"region\"",
             "\"side\"", "\"size\"", "\"pain\"", "\"duration\"", "\"sleep\"",
             "\"limits_movement\"", "\"movements\"", "\"causes\"", "\"answers\"",
             "\"medications\"", "\"age_band\"", "\"left\"", "\"right\"", "\"none\"", "\"small\"",
             "\"large\"", "\"days\"", "\"weeks\"", "\"months_1_3\"", "\"over_3_months\"",
             "\"some\"", "\"severe\"", "\"yes\"", "\"no\"", "\"2026-12-08T17:00:00Z\"",
             "\"2026-12-08T17:00:00.123-08:00\"", "T", "Z", "+00:00"]


def write_dir(name, items):
    path = os.path.join(HERE, "corpus", name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for data in items:
        with open(os.path.join(path, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
            f.write(data)


def dict_entry(token):
    """libFuzzer's dictionary syntax: printable ASCII, \\, \" and \xAB."""
    out = ""
    for byte in token.encode():
        c = chr(byte)
        if c in '"\\':
            out += "\\" + c
        elif 32 <= byte < 127:
            out += c
        else:
            out += "\\x%02X" % byte
    return '"' + out + '"'


def write_dict(name, tokens):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# libFuzzer dictionary, written by make_corpus.py\n")
        for t in tokens:
            f.write(dict_entry(t) + "\n")


write_dir("http_request", HTTP)
write_dir("json_body", [bytes([s]) + json.dumps(b).encode() for s, b in JSON_BODIES])
write_dir("assessment", [json.dumps(a).encode() for a in ASSESSMENTS])
write_dict("http.dict", DICT_HTTP)
write_dict("json.dict", DICT_JSON)
