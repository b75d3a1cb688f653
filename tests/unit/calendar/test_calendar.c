/* test_calendar.c - unit tests of src/calendar: the decision core against
 * every row of the conformance matrix (spec calendar-processing.md 13) that
 * does not need the store, recurrence expansion (RRULE, RDATE, EXDATE,
 * overrides, UNTIL/COUNT, DST changes and gaps, Windows TZIDs), bounded
 * loops, bad iCalendar, the REPLY text and working-hours settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../src/calendar/cal_int.h"
#include "../../../src/calendar/calendar.h"

/* "now" of every test: Monday 2026-11-30 12:00 UTC */
#define NOW                ((int64_t)1796040000)
#define T(y, mo, d, h, mi) (cal_days_from_civil(y, mo, d) * 86400 + (h)*3600 + (mi)*60)

static const cal_zone *utc(void)
{
    return cal_zone_get("UTC", NULL);
}

static cal_policy defaults(void)
{
    cal_policy p;
    cal_policy_from_json(NULL, NULL, 0, utc(), &p);
    return p;
}

/* An iTIP REQUEST: one VEVENT with the given DTSTART/DTEND lines and
 * extra lines (RRULE, EXDATE ...). */
static char *ics(const char *uid, const char *start, const char *end, const char *extra)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
             "BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:0\r\nDTSTAMP:20261130T100000Z\r\n"
             "ORGANIZER;CN=Alice:mailto:alice@contoso.onmicrosoft.com\r\n"
             "ATTENDEE;CUTYPE=ROOM:mailto:room@contoso.onmicrosoft.com\r\n"
             "SUMMARY:Planning\r\n%s\r\n%s\r\n%s"
             "END:VEVENT\r\nEND:VCALENDAR\r\n",
             uid, start, end, extra ? extra : "");
    return buf;
}

typedef struct run {
    cal_msg *m;
    cal_decision d;
    uint8_t state[CAL_MAX_INSTANCES];
} run;

static void busy_of(cal_busy_item *v, size_t n, cal_busy *b)
{
    b->v = v;
    b->n = n;
    b->max_len = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].e - v[i].s > b->max_len)
            b->max_len = v[i].e - v[i].s;
}

static void decide(const cal_policy *p, const cal_busy *b, const char *text, bool book_in,
                   bool request_in, bool request_out, run *r)
{
    rs_err err = {0};
    int64_t W = cal_window_end(p, NOW);
    assert_int_equal(cal_msg_parse(text, p->zone->name, W, &r->m, &err), RS_OK);
    cal_req rq = {.uid = cal_uid_hash(r->m->uid),
                  .recurring = r->m->recurring,
                  .past_window = r->m->past_window,
                  .inst = r->m->inst,
                  .n = r->m->n,
                  .attendees = r->m->attendees,
                  .book_in = book_in,
                  .request_in = request_in,
                  .request_out = request_out};
    cal_decide(p, b, &rq, NOW, r->state, &r->d);
}

static void done(run *r)
{
    cal_msg_free(r->m);
    r->m = NULL;
}

static cal_busy_item item(int64_t s, int64_t e)
{
    return (cal_busy_item){.s = s, .e = e, .uid = 42, .ref = 0};
}

/* 1: empty calendar, single 1 h tomorrow: accepted */
static void m01_accept(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    decide(&p, NULL, ics("m1", "DTSTART:20261201T100000Z", "DTEND:20261201T110000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    assert_int_equal(r.d.why, 0);
    assert_int_equal(r.m->n, 1);
    assert_string_equal(r.m->organizer, "alice@contoso.onmicrosoft.com");
    assert_string_equal(r.m->organizer_cn, "Alice");
    done(&r);
}

/* 2 and 3: overlap declines, touching does not (half-open) */
static void m02_m03_conflict_half_open(void **st)
{
    (void)st;
    cal_policy p = defaults();
    cal_busy_item v[] = {item(T(2026, 12, 1, 10, 0), T(2026, 12, 1, 11, 0))};
    cal_busy b;
    busy_of(v, 1, &b);
    run r;
    decide(&p, &b, ics("m2", "DTSTART:20261201T103000Z", "DTEND:20261201T113000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_CONFLICT);
    done(&r);
    decide(&p, &b, ics("m3", "DTSTART:20261201T110000Z", "DTEND:20261201T120000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    decide(&p, &b, ics("m3b", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
}

/* 4: 1441 minutes too long; MaximumDurationInMinutes 0 accepts */
static void m04_too_long(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    decide(&p, NULL, ics("m4", "DTSTART:20261201T100000Z", "DURATION:PT1441M", NULL), false, false,
           false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_TOO_LONG);
    done(&r);
    decide(&p, NULL, ics("m4b", "DTSTART:20261201T100000Z", "DURATION:PT1440M", NULL), false, false,
           false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    p.max_minutes = 0;
    decide(&p, NULL, ics("m4c", "DTSTART:20261201T100000Z", "DURATION:PT1441M", NULL), false, false,
           false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
}

/* 5: today + 181 days is outside the window; window 0 = today only */
static void m05_window(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    /* today + 180 = 2027-05-29 (last day inside), + 181 = 2027-05-30 */
    decide(&p, NULL, ics("m5", "DTSTART:20270529T220000Z", "DTEND:20270529T230000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    decide(&p, NULL, ics("m5b", "DTSTART:20270530T100000Z", "DTEND:20270530T110000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_OUTSIDE_WINDOW);
    done(&r);
    /* a single meeting that starts inside but ends after the window */
    decide(&p, NULL, ics("m5c", "DTSTART:20270529T230000Z", "DTEND:20270530T010000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.why, CAL_R_OUTSIDE_WINDOW);
    done(&r);
    p.window_days = 0;
    decide(&p, NULL, ics("m5d", "DTSTART:20261130T150000Z", "DTEND:20261130T160000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    decide(&p, NULL, ics("m5e", "DTSTART:20261201T090000Z", "DTEND:20261201T100000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.why, CAL_R_OUTSIDE_WINDOW);
    done(&r);
}

/* 6: weekly x52 runs past the window: HORIZON; without enforcement accepted,
 * truncated at the window */
static void m06_horizon(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    const char *t = ics("m6", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z",
                        "RRULE:FREQ=WEEKLY;COUNT=52\r\n");
    decide(&p, NULL, t, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_HORIZON);
    assert_true(r.m->past_window);
    done(&r);
    p.enforce_horizon = false;
    decide(&p, NULL, t, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    /* Mondays 2026-12-07 .. 2027-05-24 inside the window: 25 */
    assert_int_equal(r.d.considered, 25);
    assert_int_equal(r.m->n, 25);
    done(&r);
    /* unbounded series: past the window too */
    p.enforce_horizon = true;
    decide(&p, NULL,
           ics("m6b", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z", "RRULE:FREQ=DAILY\r\n"),
           false, false, false, &r);
    assert_int_equal(r.d.why, CAL_R_HORIZON);
    done(&r);
}

static void weekly_conflicts(cal_busy_item *v, int k)
{
    for (int i = 0; i < k; i++) /* Mondays from 2026-12-07 */
        v[i] = item(T(2026, 12, 7, 10, 30) + (int64_t)i * 7 * 86400,
                    T(2026, 12, 7, 11, 0) + (int64_t)i * 7 * 86400);
}

#define WEEKLY10                                                                                   \
    ics("series", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z",                            \
        "RRULE:FREQ=WEEKLY;COUNT=10\r\n")

/* 7, 8, 9: series thresholds (strict ">") */
static void m07_m09_series_thresholds(void **st)
{
    (void)st;
    cal_busy_item v[10];
    cal_busy b;
    run r;
    cal_policy p = defaults();
    weekly_conflicts(v, 1);
    busy_of(v, 1, &b);
    decide(&p, &b, WEEKLY10, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_CONFLICT);
    assert_int_equal(r.d.conflicts, 1);
    assert_int_equal(r.d.considered, 10);
    done(&r);

    p.conflict_pct = 40;
    p.max_conflicts = 6;
    weekly_conflicts(v, 5);
    busy_of(v, 5, &b);
    decide(&p, &b, WEEKLY10, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE); /* 50 % > 40 % */
    done(&r);

    p.conflict_pct = 50;
    p.max_conflicts = 5;
    weekly_conflicts(v, 3);
    busy_of(v, 3, &b);
    decide(&p, &b, WEEKLY10, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    assert_int_equal(r.d.conflicts, 3);
    int declined = 0;
    for (size_t i = 0; i < r.m->n; i++)
        declined += r.state[i] == CAL_I_DECLINED;
    assert_int_equal(declined, 3);
    assert_int_equal(r.state[0], CAL_I_DECLINED);
    assert_int_equal(r.state[3], CAL_I_BOOKED);
    done(&r);

    /* exactly at the limits: 5 of 10 = 50 %, 5 = max: accepted */
    weekly_conflicts(v, 5);
    busy_of(v, 5, &b);
    decide(&p, &b, WEEKLY10, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
}

/* 10: recurring meetings not allowed */
static void m10_no_recurring(void **st)
{
    (void)st;
    cal_policy p = defaults();
    p.allow_recurring = false;
    run r;
    decide(&p, NULL,
           ics("m10", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z",
               "RRULE:FREQ=WEEKLY;COUNT=4\r\n"),
           false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_RECURRENCE_NOT_ALLOWED);
    done(&r);
}

/* 11: working hours in the room's zone (Europe/Berlin, UTC+1 in December) */
static void m11_work_hours(void **st)
{
    (void)st;
    cal_policy p = defaults();
    p.zone = cal_zone_get("W. Europe Standard Time", NULL);
    assert_non_null(p.zone);
    p.work_hours_only = true;
    run r;
    decide(&p, NULL, ics("m11", "DTSTART:20261201T153000Z", "DTEND:20261201T163000Z", NULL), false,
           false, false, &r); /* 16:30-17:30 local */
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_WORK_HOURS);
    done(&r);
    decide(&p, NULL, ics("m11b", "DTSTART:20261201T150000Z", "DTEND:20261201T160000Z", NULL), false,
           false, false, &r); /* 16:00-17:00 local: inside [08:00, 17:00) */
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    decide(&p, NULL, ics("m11c", "DTSTART:20261205T100000Z", "DTEND:20261205T110000Z", NULL), false,
           false, false, &r); /* a Saturday */
    assert_int_equal(r.d.why, CAL_R_WORK_HOURS);
    done(&r);
    /* floating times are room-local */
    decide(&p, NULL, ics("m11d", "DTSTART:20261201T163000", "DTEND:20261201T173000", NULL), false,
           false, false, &r);
    assert_int_equal(r.m->inst[0].s, T(2026, 12, 1, 15, 30));
    assert_int_equal(r.d.why, CAL_R_WORK_HOURS);
    done(&r);
}

/* 12, 13, 14 and the AllRequestInPolicy trap: routing */
static void m12_m14_routing(void **st)
{
    (void)st;
    run r;
    const char *t = ics("m12", "DTSTART:20261201T100000Z", "DTEND:20261201T110000Z", NULL);
    cal_policy p = defaults();
    p.all_book_in = false;
    decide(&p, NULL, t, false, false, false, &r); /* bob: not in BookInPolicy */
    assert_int_equal(r.d.resp, CAL_DECLINE);
    assert_int_equal(r.d.why, CAL_R_NO_PERMISSION);
    done(&r);
    decide(&p, NULL, t, true, false, false, &r); /* alice */
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    p.all_request_in = true; /* 13 */
    decide(&p, NULL, t, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_PENDING);
    assert_int_equal(r.d.why, 0);
    done(&r);
    /* the trap: AllRequestInPolicy without AllBookInPolicy $false still accepts */
    p = defaults();
    p.all_request_in = true;
    decide(&p, NULL, t, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    /* 14: conflicting request from bob (RequestOutOfPolicy) / from carol */
    p = defaults();
    cal_busy_item v[] = {item(T(2026, 12, 1, 10, 0), T(2026, 12, 1, 11, 0))};
    cal_busy b;
    busy_of(v, 1, &b);
    decide(&p, &b, t, false, false, true, &r);
    assert_int_equal(r.d.resp, CAL_PENDING);
    assert_int_equal(r.d.why, CAL_R_CONFLICT);
    done(&r);
    decide(&p, &b, t, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_DECLINE);
    done(&r);
    p.all_request_out = true;
    decide(&p, &b, t, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_PENDING);
    done(&r);
}

/* 18: AllowConflicts: a single meeting double-books; a series under both
 * recurring_conflict_mode values */
static void m18_allow_conflicts(void **st)
{
    (void)st;
    cal_policy p = defaults();
    p.allow_conflicts = true;
    cal_busy_item v[10];
    cal_busy b;
    weekly_conflicts(v, 3);
    busy_of(v, 3, &b);
    run r;
    decide(&p, &b, ics("m18", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z", NULL), false,
           false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    assert_int_equal(r.state[0], CAL_I_BOOKED); /* double-booked */
    done(&r);
    decide(&p, &b, WEEKLY10, false, false, false, &r); /* decline_instances (default) */
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    assert_int_equal(r.state[0], CAL_I_DECLINED);
    assert_int_equal(r.state[2], CAL_I_DECLINED);
    assert_int_equal(r.state[3], CAL_I_BOOKED);
    done(&r);
    p.rcm = CAL_RCM_DOUBLE_BOOK;
    decide(&p, &b, WEEKLY10, false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    assert_int_equal(r.state[0], CAL_I_BOOKED);
    done(&r);
}

/* moving a meeting onto itself: its own UID never conflicts */
static void own_uid_excluded(void **st)
{
    (void)st;
    cal_policy p = defaults();
    cal_busy_item v[] = {{.s = T(2026, 12, 1, 12, 0),
                          .e = T(2026, 12, 1, 13, 0),
                          .uid = cal_uid_hash("move-me"),
                          .ref = 0}};
    cal_busy b;
    busy_of(v, 1, &b);
    run r;
    decide(&p, &b, ics("move-me", "DTSTART:20261201T121500Z", "DTEND:20261201T131500Z", NULL),
           false, false, false, &r);
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
}

static const char *const BERLIN_VTZ =
    "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n"
    "BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

/* DST: a weekly 09:00 Berlin series across the March change moves in UTC,
 * stays inside working hours */
static void dst_series_work_hours(void **st)
{
    (void)st;
    cal_policy p = defaults();
    p.zone = cal_zone_get("Europe/Berlin", NULL);
    p.work_hours_only = true;
    char text[8192];
    snprintf(text, sizeof text,
             "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 "
             "MIMEDIR//EN\r\nMETHOD:REQUEST\r\n%s"
             "BEGIN:VEVENT\r\nUID:dst\r\nDTSTAMP:20261130T100000Z\r\n"
             "ORGANIZER:mailto:alice@contoso.onmicrosoft.com\r\n"
             "DTSTART;TZID=W. Europe Standard Time:20270316T090000\r\n"
             "DTEND;TZID=W. Europe Standard Time:20270316T100000\r\n"
             "RRULE:FREQ=WEEKLY;COUNT=4;BYDAY=TU\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
             BERLIN_VTZ);
    run r;
    decide(&p, NULL, text, false, false, false, &r);
    assert_int_equal(r.m->n, 4);
    assert_int_equal(r.m->inst[0].s, T(2027, 3, 16, 8, 0));
    assert_int_equal(r.m->inst[1].s, T(2027, 3, 23, 8, 0));
    assert_int_equal(r.m->inst[2].s, T(2027, 3, 30, 7, 0));
    assert_int_equal(r.m->inst[3].s, T(2027, 4, 6, 7, 0));
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    /* the same zone under a name roomsys does not know: the message's own
     * VTIMEZONE is used, with the same result */
    char custom[8192];
    {
        const char *from = text;
        char *w = custom;
        const char *hit;
        while ((hit = strstr(from, "W. Europe Standard Time")) != NULL) {
            memcpy(w, from, (size_t)(hit - from));
            w += hit - from;
            memcpy(w, "Contoso HQ Time", 15);
            w += 15;
            from = hit + strlen("W. Europe Standard Time");
        }
        strcpy(w, from);
    }
    decide(&p, NULL, custom, false, false, false, &r);
    assert_int_equal(r.m->n, 4);
    assert_int_equal(r.m->inst[1].s, T(2027, 3, 23, 8, 0));
    assert_int_equal(r.m->inst[2].s, T(2027, 3, 30, 7, 0));
    assert_int_equal(r.d.resp, CAL_ACCEPT);
    done(&r);
    /* the same series judged by a UTC room: 07:00 UTC is before 08:00 */
    p.zone = utc();
    decide(&p, NULL, text, false, false, false, &r);
    assert_int_equal(r.d.why, CAL_R_WORK_HOURS);
    done(&r);
}

/* a daily 02:30 Berlin series over the spring gap: the nonexistent
 * instance is dropped and not counted (RFC 5545 3.3.10) */
static void dst_gap(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    decide(&p, NULL,
           ics("gap", "DTSTART;TZID=Europe/Berlin:20270326T023000",
               "DTEND;TZID=Europe/Berlin:20270326T030000", "RRULE:FREQ=DAILY;COUNT=5\r\n"),
           false, false, false, &r);
    assert_int_equal(r.m->n, 5);
    assert_int_equal(r.m->inst[0].s, T(2027, 3, 26, 1, 30));
    assert_int_equal(r.m->inst[1].s, T(2027, 3, 27, 1, 30));
    assert_int_equal(r.m->inst[2].s, T(2027, 3, 29, 0, 30)); /* 28th skipped */
    assert_int_equal(r.m->inst[4].s, T(2027, 3, 31, 0, 30));
    done(&r);
}

/* RDATE, EXDATE, UNTIL and overrides (moved, cancelled, THISANDFUTURE) */
static void recurrence_set(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    decide(&p, NULL,
           ics("set", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z",
               "RRULE:FREQ=WEEKLY;UNTIL=20261228T100000Z\r\nEXDATE:20261214T100000Z\r\n"
               "RDATE:20261216T150000Z\r\n"),
           false, false, false, &r);
    /* 7, 21, 28 (UNTIL inclusive) + RDATE 16 */
    assert_int_equal(r.m->n, 4);
    assert_int_equal(r.m->inst[1].s, T(2026, 12, 16, 15, 0));
    assert_int_equal(r.m->inst[3].s, T(2026, 12, 28, 10, 0));
    done(&r);

    const char *ovr =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:ovr\r\nDTSTAMP:20261130T100000Z\r\nDTSTART:20261207T100000Z\r\n"
        "DTEND:20261207T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:ovr\r\nDTSTAMP:20261130T100000Z\r\n"
        "RECURRENCE-ID:20261214T100000Z\r\nDTSTART:20261215T140000Z\r\n"
        "DTEND:20261215T150000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:ovr\r\nDTSTAMP:20261130T100000Z\r\n"
        "RECURRENCE-ID:20261221T100000Z\r\nDTSTART:20261221T100000Z\r\n"
        "DTEND:20261221T110000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    decide(&p, NULL, ovr, false, false, false, &r);
    assert_int_equal(r.m->n, 3);
    assert_int_equal(r.m->inst[1].s, T(2026, 12, 15, 14, 0));
    assert_int_equal(r.m->inst[1].rid, T(2026, 12, 14, 10, 0));
    assert_int_equal(r.m->inst[2].s, T(2026, 12, 28, 10, 0));
    done(&r);

    const char *fut =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:fut\r\nDTSTAMP:20261130T100000Z\r\nDTSTART:20261207T100000Z\r\n"
        "DTEND:20261207T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:fut\r\nDTSTAMP:20261130T100000Z\r\n"
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20261214T100000Z\r\nDTSTART:20261214T130000Z\r\n"
        "DTEND:20261214T140000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    decide(&p, NULL, fut, false, false, false, &r);
    assert_int_equal(r.m->n, 4);
    assert_int_equal(r.m->inst[0].s, T(2026, 12, 7, 10, 0));
    assert_int_equal(r.m->inst[1].s, T(2026, 12, 14, 13, 0));
    assert_int_equal(r.m->inst[3].s, T(2026, 12, 28, 13, 0));
    done(&r);
}

/* a rule with no instances and a huge daily series terminate, bounded */
static void bounded_loops(void **st)
{
    (void)st;
    cal_policy p = defaults();
    run r;
    decide(&p, NULL,
           ics("none", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z",
               "RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;COUNT=3\r\n"),
           false, false, false, &r);
    assert_int_equal(r.m->n, 1); /* DTSTART is always an instance; the rule has none */
    done(&r);
    /* a rule libical refuses is a clear error */
    rs_err e1 = {0};
    cal_msg *m1 = NULL;
    assert_int_equal(cal_msg_parse(ics("bad", "DTSTART:20261207T100000Z", "DTEND:20261207T110000Z",
                                       "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n"),
                                   "UTC", NOW + 180 * 86400, &m1, &e1),
                     RS_EINVAL);
    assert_string_equal(e1.msg, "The meeting's RRULE is not valid.");
    rs_err err = {0};
    cal_msg *m = NULL;
    p.window_days = 1080;
    assert_int_equal(cal_msg_parse(ics("minutely", "DTSTART:20261207T100000Z",
                                       "DTEND:20261207T100100Z", "RRULE:FREQ=MINUTELY\r\n"),
                                   "UTC", cal_window_end(&p, NOW), &m, &err),
                     RS_EINVAL);
    assert_non_null(strstr(err.msg, "more than 4000 occurrences"));
    assert_null(m);
}

/* the DAILY/WEEKLY fast path expands exactly as libical's iterator does */
static void fast_path_matches_libical(void **st)
{
    (void)st;
    static const char *const days[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    static const char *const zones[] = {"Europe/Berlin", "America/New_York", "UTC"};
    unsigned seed = 7;
    int compared = 0;
    for (int k = 0; k < 400; k++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        const char *zone = zones[r % 3];
        int weekly = (r >> 2) & 1, interval = 1 + (int)((r >> 3) % 3);
        int day = 1 + (int)((r >> 5) % 28), month = 1 + (int)((r >> 10) % 12);
        int hour = (r >> 14) % 5 == 0 ? 2 : 7 + (int)((r >> 17) % 12); /* 02:30: DST gaps */
        int64_t d0 = cal_days_from_civil(2027, month, day);
        int wd0 = (int)((d0 % 7 + 7 + 4) % 7);
        char rule[200];
        int n = snprintf(rule, sizeof rule, "RRULE:FREQ=%s;INTERVAL=%d",
                         weekly ? "WEEKLY" : "DAILY", interval);
        if (weekly && (r >> 20) % 2) {
            unsigned mask = (1u << wd0) | ((r >> 21) & 0x7f);
            n += snprintf(rule + n, sizeof rule - (size_t)n, ";BYDAY=");
            int first = 1;
            for (int d = 0; d < 7; d++)
                if (mask & (1u << d)) {
                    n += snprintf(rule + n, sizeof rule - (size_t)n, "%s%s", first ? "" : ",",
                                  days[d]);
                    first = 0;
                }
        }
        if ((r >> 28) % 3 == 0)
            snprintf(rule + n, sizeof rule - (size_t)n, ";COUNT=%d\r\n", 1 + (int)(r % 50));
        else if ((r >> 28) % 3 == 1)
            snprintf(rule + n, sizeof rule - (size_t)n, ";UNTIL=2027%02d%02dT120000Z\r\n",
                     1 + (month + 2) % 12, day);
        else
            snprintf(rule + n, sizeof rule - (size_t)n, "\r\n");
        char ds[80], de[80];
        snprintf(ds, sizeof ds, "DTSTART;TZID=%s:2027%02d%02dT%02d3000", zone, month, day, hour);
        snprintf(de, sizeof de, "DTEND;TZID=%s:2027%02d%02dT%02d5900", zone, month, day, hour);
        const char *text = ics("fast", ds, de, rule);
        cal_msg *a = NULL, *b = NULL;
        rs_err err = {0};
        int64_t W = T(2028, 6, 1, 0, 0);
        cal_force_libical = false;
        assert_int_equal(cal_msg_parse(text, "UTC", W, &a, &err), RS_OK);
        cal_force_libical = true;
        assert_int_equal(cal_msg_parse(text, "UTC", W, &b, &err), RS_OK);
        cal_force_libical = false;
        if (a->n != b->n || a->past_window != b->past_window)
            fail_msg("%s: fast %zu/%d libical %zu/%d", rule, a->n, a->past_window, b->n,
                     b->past_window);
        for (size_t i = 0; i < a->n; i++)
            assert_int_equal(a->inst[i].s, b->inst[i].s);
        assert_string_equal(a->uid, b->uid);
        assert_string_equal(a->organizer, b->organizer);
        assert_string_equal(a->organizer_cn, b->organizer_cn);
        assert_string_equal(a->summary, b->summary);
        assert_int_equal(a->sequence, b->sequence);
        assert_int_equal(a->dtstamp, b->dtstamp);
        assert_int_equal(a->attendees, b->attendees);
        assert_int_equal(a->recurring, b->recurring);
        compared += (int)a->n;
        cal_msg_free(a);
        cal_msg_free(b);
    }
    assert_true(compared > 4000);
}

/* the restricted scanner reads what libical reads, and leaves the rest to it */
static void scanner_matches_libical(void **st)
{
    (void)st;
    static const char *const texts[] = {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VTIMEZONE\r\n"
        "TZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\nUID:a\\;b\r\nSEQUENCE:4\r\nDTSTAMP:20261130T100000Z\r\n"
        "ORGANIZER;CN=\"Adams, "
        "Alice\";SENT-BY=\"mailto:Bob@Contoso.com\":MAILTO:Alice@Contoso.com\r\n"
        "ATTENDEE;CN=Room:mailto:room@contoso.com\r\nATTENDEE:mailto:x@y.com\r\n"
        "SUMMARY;LANGUAGE=en-US:Plan\\, review\\; ship\\nnext li\r\n ne\r\n"
        "DESCRIPTION:Agenda\r\nCLASS:PRIVATE\r\nATTACH:http://x/y\r\n"
        "DTSTART;TZID=W. Europe Standard Time:20261207T100000\r\n"
        "DTEND;TZID=W. Europe Standard Time:20261207T110000\r\n"
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301T000000Z\r\n"
        "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nEND:VALARM\r\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\nMETHOD:CANCEL\nBEGIN:VEVENT\nUID:c\nSEQUENCE:2\n"
        "DTSTART:20261201T100000Z\nDURATION:PT45M\nTRANSP:TRANSPARENT\nEND:VEVENT\n"
        "END:VCALENDAR\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:f\r\n"
        "DTSTART:20261201T100000\r\nDTEND:20261201T113000\r\n"
        "RRULE:FREQ=MONTHLY;BYDAY=1TU;COUNT=5\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    };
    unsigned long before = cal_scan_hits;
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        cal_msg *a = NULL, *b = NULL;
        rs_err err = {0};
        cal_force_libical = false;
        assert_int_equal(cal_msg_parse(texts[k], "Europe/Berlin", T(2027, 6, 1, 0, 0), &a, &err),
                         RS_OK);
        cal_force_libical = true;
        assert_int_equal(cal_msg_parse(texts[k], "Europe/Berlin", T(2027, 6, 1, 0, 0), &b, &err),
                         RS_OK);
        cal_force_libical = false;
        assert_int_equal(a->method, b->method);
        assert_string_equal(a->uid, b->uid);
        assert_int_equal(a->sequence, b->sequence);
        assert_int_equal(a->dtstamp, b->dtstamp);
        assert_string_equal(a->organizer, b->organizer);
        assert_string_equal(a->organizer_cn, b->organizer_cn);
        assert_true((a->sent_by == NULL) == (b->sent_by == NULL));
        if (a->sent_by)
            assert_string_equal(a->sent_by, b->sent_by);
        assert_string_equal(a->summary, b->summary);
        assert_string_equal(a->description, b->description);
        assert_int_equal(a->private_class, b->private_class);
        assert_int_equal(a->transparent, b->transparent);
        assert_int_equal(a->attachments, b->attachments);
        assert_int_equal(a->attendees, b->attendees);
        for (int i = 0; i < a->attendees; i++)
            assert_string_equal(a->attendee[i], b->attendee[i]);
        assert_int_equal(a->recurring, b->recurring);
        assert_int_equal(a->past_window, b->past_window);
        assert_int_equal(a->n, b->n);
        for (size_t i = 0; i < a->n; i++) {
            assert_int_equal(a->inst[i].s, b->inst[i].s);
            assert_int_equal(a->inst[i].e, b->inst[i].e);
        }
        cal_msg_free(a);
        cal_msg_free(b);
    }
    assert_int_equal(cal_scan_hits - before, 3);
    assert_non_null(strstr(texts[0], "Plan")); /* SUMMARY unescaped and unfolded: */
    cal_msg *m = NULL;
    assert_int_equal(cal_msg_parse(texts[0], "UTC", T(2027, 6, 1, 0, 0), &m, NULL), RS_OK);
    assert_string_equal(m->summary, "Plan, review; ship\nnext line");
    assert_string_equal(m->uid, "a;b");
    assert_string_equal(m->sent_by, "bob@contoso.com");
    cal_msg_free(m);
}

static void bad_input(void **st)
{
    (void)st;
    static const char *const bad[] = {
        "",
        "hello",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:20261201T100000Z\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\n"
        "DTEND:20261201T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTART;TZID=Mars/Olympus:20261201T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:y\r\nDTSTART:20261201T100000Z\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T100000Z\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=2\r\nEXDATE:20261201T100000Z\r\nEXDATE:20261208T100000Z\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rs_err err = {0};
        cal_msg *m = NULL;
        assert_int_equal(cal_msg_parse(bad[i], "UTC", NOW + 180 * 86400, &m, &err), RS_EINVAL);
        assert_null(m);
        assert_true(err.msg[0] != '\0');
    }
}

/* CANCEL of one occurrence and this-and-future */
static void cancel_parse(void **st)
{
    (void)st;
    rs_err err = {0};
    cal_msg *m = NULL;
    const char *t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\n"
                    "UID:c1\r\nSEQUENCE:2\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20261214T100000Z\r\n"
                    "DTSTART:20261214T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_int_equal(cal_msg_parse(t, "UTC", NOW + 180 * 86400, &m, &err), RS_OK);
    assert_int_equal(m->method, CAL_M_CANCEL);
    assert_false(m->has_master);
    assert_int_equal(m->nrids, 1);
    assert_int_equal(m->rids[0], T(2026, 12, 14, 10, 0));
    assert_true(m->this_and_future);
    assert_int_equal(m->sequence, 2);
    cal_msg_free(m);
}

static void reply_text(void **st)
{
    (void)st;
    int64_t declined[] = {T(2026, 12, 14, 10, 0)};
    char *t = cal_reply_text("u;1", 3, "alice@contoso.onmicrosoft.com", "room@contoso.com",
                             "ACCEPTED", INT64_MIN, declined, 1,
                             "Thanks, see you; bring coffee, please. This line is long enough to "
                             "be folded by the writer",
                             NOW);
    assert_non_null(strstr(t, "METHOD:REPLY\r\n"));
    assert_non_null(strstr(t, "UID:u\\;1\r\n"));
    assert_non_null(strstr(t, "SEQUENCE:3\r\n"));
    assert_non_null(strstr(t, "\r\n "));     /* folded at 75 octets */
    char *u = malloc(strlen(t) + 1), *w = u; /* unfolded */
    for (const char *q = t; *q; q++) {
        if (q[0] == '\r' && q[1] == '\n' && q[2] == ' ') {
            q += 2;
            continue;
        }
        *w++ = *q;
    }
    *w = '\0';
    assert_non_null(strstr(u, "PARTSTAT=ACCEPTED:mailto:room@contoso.com\r\n"));
    assert_non_null(strstr(u, "COMMENT:Thanks\\, see you\\; bring coffee\\, please."));
    free(u);
    assert_non_null(strstr(t, "RECURRENCE-ID:20261214T100000Z\r\n"));
    assert_non_null(strstr(t, "PARTSTAT=DECLINED"));
    assert_non_null(strstr(t, "DTSTAMP:20261130T120000Z"));
    free(t);
}

static void config_settings(void **st)
{
    (void)st;
    json_t *cc = cal_config_defaults();
    rs_err err = {0};
    json_t *days = json_pack("[s]", "Monday, Wednesday");
    assert_int_equal(cal_config_set(cc, "07:30", "19:00:00", days, "W. Europe Standard Time", &err),
                     RS_OK);
    json_t *v = cal_config_view("room", cc);
    assert_string_equal(json_string_value(json_object_get(v, "WorkingHoursStartTime")), "07:30:00");
    assert_string_equal(json_string_value(json_object_get(v, "WorkingHoursDaysOfWeek")),
                        "Monday, Wednesday");
    cal_policy p;
    cal_policy_from_json(NULL, cc, 0, utc(), &p);
    assert_int_equal(p.work_start, 450);
    assert_int_equal(p.work_end, 1140);
    assert_int_equal(p.work_days, (1u << 1) | (1u << 3));
    json_decref(v);
    assert_int_equal(cal_config_set(cc, "18:00", "09:00", NULL, NULL, &err), RS_EINVAL);
    assert_int_equal(cal_config_set(cc, NULL, NULL, NULL, "Mars Standard Time", &err), RS_EINVAL);
    json_t *bad = json_pack("[s]", "Funday");
    assert_int_equal(cal_config_set(cc, NULL, NULL, bad, NULL, &err), RS_EINVAL);
    json_decref(bad);
    json_decref(days);
    json_decref(cc);
}

static void utc_parse(void **st)
{
    (void)st;
    int64_t t;
    assert_int_equal(cal_parse_utc("2026-11-30T12:00:00Z", &t, NULL), RS_OK);
    assert_int_equal(t, NOW);
    assert_int_equal(cal_parse_utc("2026-11-30", &t, NULL), RS_OK);
    assert_int_equal(t, NOW - 12 * 3600);
    assert_int_equal(cal_parse_utc("20261130T120000Z", &t, NULL), RS_OK);
    assert_int_equal(t, NOW);
    assert_int_equal(cal_parse_utc("30/11/2026", &t, NULL), RS_EINVAL);
    char b[32];
    cal_fmt_utc(NOW, b, sizeof b);
    assert_string_equal(b, "2026-11-30T12:00:00Z");
}

int main(void)
{
    cal_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(m01_accept),
        cmocka_unit_test(m02_m03_conflict_half_open),
        cmocka_unit_test(m04_too_long),
        cmocka_unit_test(m05_window),
        cmocka_unit_test(m06_horizon),
        cmocka_unit_test(m07_m09_series_thresholds),
        cmocka_unit_test(m10_no_recurring),
        cmocka_unit_test(m11_work_hours),
        cmocka_unit_test(m12_m14_routing),
        cmocka_unit_test(m18_allow_conflicts),
        cmocka_unit_test(own_uid_excluded),
        cmocka_unit_test(dst_series_work_hours),
        cmocka_unit_test(dst_gap),
        cmocka_unit_test(recurrence_set),
        cmocka_unit_test(bounded_loops),
        cmocka_unit_test(fast_path_matches_libical),
        cmocka_unit_test(scanner_matches_libical),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(cancel_parse),
        cmocka_unit_test(reply_text),
        cmocka_unit_test(config_settings),
        cmocka_unit_test(utc_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
