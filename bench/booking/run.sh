#!/bin/bash
# bench/booking/run.sh - the booking benchmark (spec calendar-processing.md
# section 10): 10,000 rooms, a year of meeting requests (1,000,000; 20 % weekly
# series, 5 % updates and cancellations, half a percent out of date), Outlook-
# style iCalendar replayed through the calendar engine's intake (libical) and
# decision core (bench_booking.c), on 2 threads and on 1.
#
#   bench/booking/run.sh            full run, writes the "Booking" section of docs/benchmarks.md
#   bench/booking/run.sh --quick    1,000 rooms, 100,000 requests, prints only
#
# Env: BUILD (default build-bench-booking: a Release build of bench_booking
# made here), THREADS (default 2), KEEP=1 keeps the JSON results.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROOMS=10000
REQUESTS=1000000
WRITE_DOCS=1
for a in "$@"; do
    case "$a" in
    --quick) ROOMS=1000; REQUESTS=100000; WRITE_DOCS=0 ;;
    --no-docs) WRITE_DOCS=0 ;;
    *) echo "usage: $0 [--quick] [--no-docs]" >&2; exit 64 ;;
    esac
done
THREADS=${THREADS:-2}
BUILD=${BUILD:-$ROOT/build-bench-booking}
OUT=$(mktemp -d "${TMPDIR:-/tmp}/bench-booking.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$OUT"' EXIT

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build "$BUILD" -j2 --target bench_booking >/dev/null || {
    echo "build failed" >&2
    exit 1
}
BIN=$BUILD/bench/booking/bench_booking
LOAD0=$(cut -d' ' -f1 /proc/loadavg)
"$BIN" -r "$ROOMS" -n "$REQUESTS" -t "$THREADS" > "$OUT/multi.json" || exit 1
"$BIN" -r "$ROOMS" -n "$REQUESTS" -t 1 > "$OUT/single.json" || exit 1
"$BIN" -r "$ROOMS" -n "$REQUESTS" -t 1 -L > "$OUT/libical.json" || exit 1
LOAD1=$(cut -d' ' -f1 /proc/loadavg)

python3 - "$OUT/multi.json" "$OUT/single.json" "$OUT/libical.json" "$ROOMS" "$REQUESTS" "$THREADS" "$LOAD0" "$LOAD1" \
    "$(nproc)" > "$OUT/section.md" <<'PY'
import json, sys, datetime
m = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2])); L = json.load(open(sys.argv[3]))
rooms, reqs, threads, l0, l1, cores = sys.argv[4:10]
mix = m["mix"]; n = m["requests"]
def pct(x): return f"{100.0 * x / n:.1f} %"
def ok(v, target, more=True): return "met" if (v >= target if more else v <= target) else "**not met**"
now = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
print("## Booking: a year of meeting requests for 10,000 rooms (`bench/booking`)\n")
print("(written by `bench/booking/run.sh`)\n")
print(f"Run {now}: `bench/booking/run.sh` ({rooms} rooms, {n:,} requests, {cores} cores, "
      f"load average before/after {l0} / {l1}). Requests are Outlook-style iCalendar (VTIMEZONE + "
      "TZID events, 70 % of organizers in the room's zone, rooms in Europe/Berlin, America/New_York "
      "and Asia/Tokyo), arriving over 2027; 20 % weekly series (COUNT 4-36), 2.5 % updates (moved "
      "by an hour), 2 % cancellations, 0.5 % out of date. Every room has Exchange's defaults "
      "(AutoAccept, 180-day window, EnforceSchedulingHorizon, 0/0 conflict thresholds). "
      "End to end = intake (the restricted scanner, libical for what it does not read) + bounded expansion + decision + index update per request "
      "(text generation not timed); core alone = the same operations from pre-parsed UTC "
      "instances (`cal_decide` + index). Rooms are sharded over threads (room mod threads).\n")
print("| figure | " + f"{threads} threads | 1 thread | target |")
print("|---|---:|---:|---|")
print(f"| end to end, requests/s | {m['end_to_end_requests_per_s']:,.0f} | {s['end_to_end_requests_per_s']:,.0f} | "
      f"≥ 50,000: {ok(m['end_to_end_requests_per_s'], 50000)} |")
print(f"| end to end, whole year | {m['end_to_end_seconds']:.1f} s | {s['end_to_end_seconds']:.1f} s | |")
print(f"| end to end with libical for every message (`-L`), requests/s | | {L['end_to_end_requests_per_s']:,.0f} | |")
print(f"| share of messages read by the restricted scanner | {m['scanner_share']:.1%} | {s['scanner_share']:.1%} | |")
print(f"| core alone, occurrence checks/s | {m['core_checks_per_s']:,.0f} | {s['core_checks_per_s']:,.0f} | "
      f"≥ 2,000,000: {ok(m['core_checks_per_s'], 2e6)} |")
print(f"| core alone, requests/s (whole year) | {m['core_requests_per_s']:,.0f} ({m['core_seconds']:.2f} s) | "
      f"{s['core_requests_per_s']:,.0f} ({s['core_seconds']:.2f} s) | year < 3 s: {ok(3.0 - m['core_seconds'], 0)} |")
print(f"| peak memory (RSS) | {m['peak_rss_mb']:.0f} MB | {s['peak_rss_mb']:.0f} MB | < 500 MB: {ok(500 - m['peak_rss_mb'], 0)} |")
print(f"| occurrences expanded / stored at the end | {m['instances_expanded']:,} / {m['instances_stored']:,} | | |")
print()
same = "identical" if s["mix"] == L["mix"] else "**different**"
print(f"Decision mix (2-thread run). The 1-thread runs with and without the scanner decide {same}ly "
      "(the thread count changes which meetings the generator updates, so the 2-thread mix differs slightly):\n")
print("| outcome | requests | share |")
print("|---|---:|---:|")
for k, label in [("accepted", "accepted"), ("declined", "declined"),
                 ("declined_all_series", "... of which series declined whole (Declined All)"),
                 ("accepted_with_declined_occurrences", "accepted with declined occurrences"),
                 ("tentative", "tentative (delegates)"), ("updates", "updates decided again"),
                 ("cancels", "cancellations"), ("out_of_date", "out of date (ignored)"),
                 ("errors", "bad iCalendar")]:
    print(f"| {label} | {mix[k]:,} | {pct(mix[k])} |")
for code, v in sorted(m["decline_reasons"].items(), key=lambda x: -x[1]):
    print(f"| declined with {code} | {v:,} | {pct(v)} |")
print()
print("Reading: end to end = intake + decision; the intake dominates. The restricted scanner "
      "reads the common Outlook shape (one VEVENT, DATE-TIMEs, one RRULE, known-name VTIMEZONEs) "
      "and DAILY/WEEKLY rules are expanded without libical's ICU-backed iterator; with libical "
      "for everything (`-L`) the same year runs several times slower (its parser costs about a "
      "microsecond per line). Two threads help only as much as the machine is idle (other "
      "builds and benchmarks share its cores; see the load average). HORIZON declines are "
      "series whose last occurrence falls after the 180-day window (EnforceSchedulingHorizon "
      "$true, Exchange's default). The daemon itself reads a room's bookings from the store "
      "for each request; this benchmark measures the engine with the in-memory per-room index "
      "the daemon does not have yet (docs/internals/calendar.md).")
PY
cat "$OUT/section.md"
if [ "$WRITE_DOCS" = 1 ]; then
    python3 - "$ROOT/docs/benchmarks.md" "$OUT/section.md" <<'PY'
import sys, re
path, sec = sys.argv[1], open(sys.argv[2]).read().rstrip() + "\n"
doc = open(path).read()
start = doc.find("## Booking")
if start < 0:
    doc = doc.rstrip() + "\n\n" + sec
else:
    nxt = doc.find("\n## ", start + 1)
    doc = doc[:start] + sec + ("\n" + doc[nxt + 1:] if nxt >= 0 else "")
open(path, "w").write(doc)
PY
    echo "docs/benchmarks.md: Booking section written"
fi
