#!/usr/bin/python3
"""Reads the golden .ics files with Python's `icalendar` (an independent RFC 5545 reader) and
checks the local times and UTC offsets on both DST days of 2027 in America/Los_Angeles, using the
file's own VTIMEZONE (not the reader's zone database), plus SEQUENCE and STATUS per shape.

Usage: check_ics.py <tests/golden directory>"""

import datetime
import pathlib
import sys

import icalendar


def read(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    zones = calendar.walk("VTIMEZONE")
    assert len(zones) == 1, f"{path.name}: one VTIMEZONE expected, got {len(zones)}"
    assert str(zones[0]["TZID"]) == "America/Los_Angeles", path.name
    events = calendar.walk("VEVENT")
    assert len(events) == 1, f"{path.name}: one VEVENT expected"
    return zones[0].to_tz(), events[0]


def check(path, local_start, utc_start, sequence, status):
    tz, event = read(path)
    start = event.decoded("DTSTART")
    wall = start.replace(tzinfo=None)
    assert wall == local_start, f"{path.name}: local start {wall}, expected {local_start}"
    # The offset comes from the file's own VTIMEZONE observances.
    instant = tz.localize(wall) if hasattr(tz, "localize") else wall.replace(tzinfo=tz)
    got = instant.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    assert got == utc_start, f"{path.name}: {got} UTC by the VTIMEZONE, expected {utc_start}"
    assert int(event["SEQUENCE"]) == sequence, f"{path.name}: SEQUENCE {event['SEQUENCE']}"
    assert str(event["STATUS"]) == status, f"{path.name}: STATUS {event['STATUS']}"
    assert "Folsom Street" in str(event["LOCATION"]), path.name
    assert "/manage/42#token=" in str(event["URL"]), path.name
    print(f"ok {path.name}: {wall} local = {got} UTC, SEQUENCE {sequence}, {status}")


def main():
    golden = pathlib.Path(sys.argv[1])
    dt = datetime.datetime
    # 2027-03-14 (spring forward): 10:00 is PDT, UTC-7.
    check(golden / "ics_booked.ics", dt(2027, 3, 14, 10, 0), dt(2027, 3, 14, 17, 0), 0,
          "CONFIRMED")
    # 2027-11-07 (fall back): 10:00 is PST, UTC-8.
    check(golden / "ics_rescheduled.ics", dt(2027, 11, 7, 10, 0), dt(2027, 11, 7, 18, 0), 1,
          "CONFIRMED")
    check(golden / "ics_cancelled.ics", dt(2027, 11, 7, 10, 0), dt(2027, 11, 7, 18, 0), 2,
          "CANCELLED")


if __name__ == "__main__":
    main()
