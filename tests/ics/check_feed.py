#!/usr/bin/python3
"""Reads the golden practitioner calendar feed with Python's `icalendar` (an independent RFC 5545
reader): one VTIMEZONE, one VEVENT per appointment with the right local times and UTC offsets on
both DST days of 2027 in America/Los_Angeles (by the file's own VTIMEZONE), SEQUENCE, STATUS,
the patient as initials or name, the room in LOCATION, and no manage link (issue 17).

Usage: check_feed.py <tests/golden directory>"""

import datetime
import pathlib
import sys

import icalendar


def main():
    path = pathlib.Path(sys.argv[1]) / "ics_feed.ics"
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    zones = calendar.walk("VTIMEZONE")
    assert len(zones) == 1, f"one VTIMEZONE expected, got {len(zones)}"
    assert str(zones[0]["TZID"]) == "America/Los_Angeles"
    tz = zones[0].to_tz()
    events = calendar.walk("VEVENT")
    assert len(events) == 2, f"two VEVENTs expected, got {len(events)}"
    dt = datetime.datetime
    expected = [
        # uid, local start, UTC start, sequence, status, patient
        ("appointment-42@mission-sports-chiro.unknot", dt(2027, 3, 14, 10, 0),
         dt(2027, 3, 14, 17, 0), 0, "CONFIRMED", "A. R."),
        ("appointment-43@mission-sports-chiro.unknot", dt(2027, 11, 7, 10, 0),
         dt(2027, 11, 7, 18, 0), 1, "TENTATIVE", "Bo Chen"),
    ]
    for event, (uid, local, utc, sequence, status, patient) in zip(events, expected):
        assert str(event["UID"]) == uid, event["UID"]
        wall = event.decoded("DTSTART").replace(tzinfo=None)
        assert wall == local, f"{uid}: local start {wall}, expected {local}"
        instant = tz.localize(wall) if hasattr(tz, "localize") else wall.replace(tzinfo=tz)
        got = instant.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        assert got == utc, f"{uid}: {got} UTC by the VTIMEZONE, expected {utc}"
        assert int(event["SEQUENCE"]) == sequence, f"{uid}: SEQUENCE {event['SEQUENCE']}"
        assert str(event["STATUS"]) == status, f"{uid}: STATUS {event['STATUS']}"
        assert str(event["SUMMARY"]).endswith(patient), f"{uid}: SUMMARY {event['SUMMARY']}"
        location = str(event["LOCATION"])
        assert "Folsom Street" in location and "(" in location, f"{uid}: LOCATION {location}"
        assert "URL" not in event and "manage" not in str(event["DESCRIPTION"]), uid
        print(f"ok {uid}: {wall} local = {got} UTC, SEQUENCE {sequence}, {status}, {patient}")


if __name__ == "__main__":
    main()
