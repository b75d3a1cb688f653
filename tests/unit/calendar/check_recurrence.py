#!/usr/bin/python3
"""Independent check of roomsys's recurrence expansion (src/calendar, libical
3.0.16 underneath) against python3-recurring-ical-events (icalendar +
dateutil, a different implementation) on generated series.

Series: DAILY / WEEKLY (BYDAY) / MONTHLY (BYMONTHDAY or nth weekday) /
YEARLY, INTERVAL, COUNT or UNTIL or neither, EXDATE, RDATE, a moved
occurrence (RECURRENCE-ID override), zones UTC / Europe/Berlin /
America/New_York / Asia/Tokyo / Australia/Sydney (DST changes in both
hemispheres), expanded up to a booking window end. Times lie between 07:00
and 20:00 local, so no instance falls in a DST gap (where RFC 5545 and
dateutil disagree by design: roomsys drops such instances). Negative
BYMONTHDAY is not generated (broken in libical before 3.0.19; roomsys
documents it).

Usage: check_recurrence.py CAL_EXPAND [N] [SEED]. Exit 0 when every series
matches, 1 with the first differences printed, 77 (skipped) when the Python
modules are missing.
"""
import datetime as dt
import itertools
import os
import random
import subprocess
import sys
import tempfile

try:
    import icalendar  # noqa: F401
    import recurring_ical_events
    from dateutil import rrule as drrule
    from dateutil import tz
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e} (apt-get install python3-recurring-ical-events)")
    sys.exit(77)

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
WINDOW_DAYS = 400


def fmt_local(d):
    return d.strftime("%Y%m%dT%H%M%S")


def fmt_utc(d):
    return d.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def gen(rng, i):
    zone = rng.choice(ZONES)
    tzinfo = tz.gettz(zone) if zone != "UTC" else dt.timezone.utc
    start_day = NOW.date() + dt.timedelta(days=rng.randrange(0, 200))
    hour = rng.randrange(7, 19)
    minute = rng.choice([0, 15, 30, 45])
    dur = rng.choice([15, 30, 60, 90, 120])
    freq = rng.choice(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY", "YEARLY"])
    parts = [f"FREQ={freq}"]
    interval = rng.choice([1, 1, 1, 2, 3])
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    if freq == "WEEKLY" and rng.random() < 0.7:
        days = sorted(rng.sample(range(7), rng.randrange(1, 4)))
        parts.append("BYDAY=" + ",".join(DAYS[d] for d in days))
    if freq == "MONTHLY":
        if rng.random() < 0.5:
            parts.append(f"BYMONTHDAY={rng.randrange(1, 29)}")
        else:
            parts.append(f"BYDAY={rng.choice([1, 2, 3, 4, -1])}{rng.choice(DAYS[:5])}")
    end = rng.random()
    naive = dt.datetime.combine(start_day, dt.time(hour, minute))
    # DTSTART on the rule's first occurrence (RFC 5545: DTSTART should match)
    first = drrule.rrulestr(";".join(parts), dtstart=naive)[0]
    dtstart = first.replace(tzinfo=tzinfo)
    base = drrule.rrulestr(";".join(parts), dtstart=first)
    if end < 0.4:
        count = rng.randrange(1, 40)
        parts.append(f"COUNT={count}")
        occ = list(itertools.islice(base, count))
    elif end < 0.8:
        until_local = first + dt.timedelta(days=rng.randrange(0, 300))
        # three hours after an occurrence: recurring-ical-events 2.0.1
        # (dateutil) reads a UTC UNTIL with DTSTART's UTC offset, so across a
        # DST change it drops an occurrence that lies before the UNTIL
        # instant; roomsys compares instants (RFC 5545 3.3.10; unit tests
        # check an UNTIL synchronized with the last occurrence)
        parts.append("UNTIL=" + fmt_utc(until_local.replace(tzinfo=tzinfo) +
                                        dt.timedelta(hours=3)))
        occ = [o for o in itertools.islice(base, 400) if o <= until_local]
    else:
        occ = list(itertools.islice(base, 60))
    rule = ";".join(parts)
    lines = []
    if zone == "UTC":
        lines.append("DTSTART:" + fmt_utc(dtstart))
        lines.append("DTEND:" + fmt_utc(dtstart + dt.timedelta(minutes=dur)))
    else:
        lines.append(f"DTSTART;TZID={zone}:" + fmt_local(first))
        lines.append(f"DTEND;TZID={zone}:" + fmt_local(first + dt.timedelta(minutes=dur)))
    lines.append("RRULE:" + rule)
    overrides = []
    if len(occ) > 3 and rng.random() < 0.5:  # EXDATE one occurrence
        x = occ[rng.randrange(1, len(occ))]
        if zone == "UTC":
            lines.append("EXDATE:" + fmt_utc(x.replace(tzinfo=tzinfo)))
        else:
            lines.append(f"EXDATE;TZID={zone}:" + fmt_local(x))
    r = first + dt.timedelta(days=rng.randrange(1, 90), hours=1)
    busy_days = {o.date() for o in itertools.islice(base, 3000)
                 if o.date() <= NOW.date() + dt.timedelta(days=WINDOW_DAYS + 2)}
    # an extra date, on a day without an occurrence (recurring-ical-events
    # 2.0.1 lets an RDATE replace that day's RRULE occurrence)
    if rng.random() < 0.3 and r.date() not in busy_days:
        if zone == "UTC":
            lines.append("RDATE:" + fmt_utc(r.replace(tzinfo=tzinfo)))
        else:
            lines.append(f"RDATE;TZID={zone}:" + fmt_local(r))
    if len(occ) > 4 and rng.random() < 0.4:  # move one occurrence by 2 h
        o = occ[rng.randrange(1, len(occ) - 1)]
        if o.hour < 17:
            moved = o + dt.timedelta(hours=2)
            if zone == "UTC":
                rid = "RECURRENCE-ID:" + fmt_utc(o.replace(tzinfo=tzinfo))
                st = "DTSTART:" + fmt_utc(moved.replace(tzinfo=tzinfo))
                en = "DTEND:" + fmt_utc((moved + dt.timedelta(minutes=dur)).replace(tzinfo=tzinfo))
            else:
                rid = f"RECURRENCE-ID;TZID={zone}:" + fmt_local(o)
                st = f"DTSTART;TZID={zone}:" + fmt_local(moved)
                en = f"DTEND;TZID={zone}:" + fmt_local(moved + dt.timedelta(minutes=dur))
            overrides.append([rid, st, en])
    uid = f"gen-{i}"
    ev = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261130T100000Z", "SUMMARY:generated"] + lines
    ev.append("END:VEVENT")
    for o in overrides:
        ev += ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261130T100000Z", "SUMMARY:moved"] + o
        ev.append("END:VEVENT")
    cal = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//roomsys check//EN", "METHOD:REQUEST"]
    cal += ev + ["END:VCALENDAR"]
    return "\r\n".join(cal) + "\r\n", dtstart


def window_end():
    # roomsys: end of the UTC day NOW + WINDOW_DAYS (room zone UTC)
    d = NOW.date() + dt.timedelta(days=WINDOW_DAYS + 1)
    return dt.datetime.combine(d, dt.time(0, 0), tzinfo=dt.timezone.utc)


def oracle(text, dtstart, w_end):
    cal = icalendar.Calendar.from_ical(text)
    evs = recurring_ical_events.of(cal).between(dtstart - dt.timedelta(days=1),
                                                w_end + dt.timedelta(days=1))
    out = set()
    for e in evs:
        s = e["DTSTART"].dt
        en = e["DTEND"].dt
        ts = int(s.timestamp())
        if ts <= int(w_end.timestamp()):
            out.add((ts, int(en.timestamp())))
    return out


def roomsys(tool, text, w_end):
    with tempfile.NamedTemporaryFile("w", suffix=".ics", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        r = subprocess.run([tool, path, str(int(w_end.timestamp())), "UTC"], capture_output=True,
                           text=True, timeout=30)
    finally:
        os.unlink(path)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return {tuple(int(x) for x in ln.split()) for ln in r.stdout.split("\n") if ln.strip()}, ""


def main():
    tool = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261130
    rng = random.Random(seed)
    w_end = window_end()
    bad = 0
    total = 0
    for i in range(n):
        text, dtstart = gen(rng, i)
        want = oracle(text, dtstart, w_end)
        got, err = roomsys(tool, text, w_end)
        total += len(want)
        if got is None or got != want:
            bad += 1
            if bad <= 3:
                print(f"series {i} differs: {err}")
                print(text)
                if got is not None:
                    fmt = lambda s: sorted(dt.datetime.fromtimestamp(a, dt.timezone.utc).isoformat() for a, _ in s)
                    print("  only roomsys:", fmt(got - want))
                    print("  only oracle: ", fmt(want - got))
    print(f"{n} series, {total} occurrences compared, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
