/* cal_ical.c - iCalendar intake: one iTIP object (REQUEST or CANCEL) parsed
 * with libical 3.0.16 and expanded to UTC instances bounded by the booking
 * window; the iTIP REPLY text. libical pitfalls handled here (spec section
 * 8): UNTIL and COUNT are applied by roomsys, not the iterator (UNTIL is UTC
 * while the iteration runs on local wall-clock times; instances in a DST gap
 * are dropped and not counted, RFC 5545 3.3.10, libical #318), RECURRENCE-ID
 * overrides are merged here (libical #314), RDATE periods use their start,
 * every loop has a hard bound. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/rs_util.h"
#include "cal_int.h"
#include "calendar.h"

#define MAX_COMPONENTS 1000
#define MAX_RDATES     4000
#define MAX_ATTENDEES  1000
#define MAX_UID        255

int64_t cal_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void cal_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void cal_fmt_utc(int64_t t, char *out, size_t outsz)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t sec = t - days * 86400;
    int y, m, d;
    cal_civil_from_days(days, &y, &m, &d);
    snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60));
}

static void fmt_ical_utc(int64_t t, char *out, size_t outsz)
{
    char b[32];
    cal_fmt_utc(t, b, sizeof b); /* 2026-12-01T09:00:00Z */
    snprintf(out, outsz, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", b, b + 5, b + 8, b + 11, b + 14, b + 17);
}

rs_status cal_parse_utc(const char *s, int64_t *out, rs_err *err)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, n = 0;
    size_t len = s ? strlen(s) : 0;
    int ok = 0;
    if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10)
        ok = 1;
    else if (len >= 16 && sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) == 5) {
        const char *r = s + n;
        if (*r == ':' && sscanf(r, ":%2d%n", &se, &n) == 1)
            r += n;
        if (*r == 'Z' || *r == 'z')
            r++;
        ok = *r == '\0';
    } else if (len == 16 && sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &se) == 6)
        ok = 1;
    if (!ok || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 || y < 1970 ||
        y > 2500)
        return rs_errf(err, RS_EINVAL,
                       "Cannot convert \"%s\" to a date: use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ "
                       "(UTC).",
                       s ? s : "");
    *out = cal_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return RS_OK;
}

/* ---- message parsing ---- */

typedef struct pctx {
    icalcomponent *root;
    const cal_zone *room_zone;
    int64_t window_end;
    cal_zone *owned[16]; /* zones built from the message's VTIMEZONEs */
    size_t nowned;
    rs_err *err;
} pctx;

#define fail(c, ...) ((void)rs_errf((c)->err, RS_EINVAL, __VA_ARGS__))

/* The zone of a time property: TZID (a known Windows or IANA name first,
 * then the message's VTIMEZONE), UTC, or the room's for floating/DATE. */
static const cal_zone *prop_zone(pctx *c, icalproperty *p, struct icaltimetype t, bool *ok)
{
    *ok = true;
    if (icaltime_is_utc(t))
        return NULL; /* UTC */
    icalparameter *tzp = p ? icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) : NULL;
    const char *tzid = tzp ? icalparameter_get_tzid(tzp) : NULL;
    if (!tzid || !*tzid)
        return c->room_zone;
    const cal_zone *z = cal_zone_get(tzid, NULL);
    if (z)
        return z;
    for (size_t i = 0; i < c->nowned; i++)
        if (!strcmp(c->owned[i]->name, tzid))
            return c->owned[i];
    icaltimezone *iz = cal_zone_ical_lookup(c->root, tzid);
    if (!iz || c->nowned == sizeof c->owned / sizeof c->owned[0]) {
        *ok = false;
        fail(c, "Unknown time zone \"%s\": no VTIMEZONE with this TZID in the request.", tzid);
        return NULL;
    }
    /* a message's own zone is tabulated for the 10 years before the window
     * end (older instances take the earliest offset): building the table
     * costs a libical lookup per day */
    int64_t to = c->window_end + 2 * 86400;
    int64_t from = to - (int64_t)(CAL_MAX_WINDOW_DAYS + 3653) * 86400;
    if (from < CAL_ZONE_FROM)
        from = CAL_ZONE_FROM;
    if (to < from + 86400)
        to = from + 86400;
    cal_zone *nz = cal_zone_from_ical(iz, from, to, tzid);
    c->owned[c->nowned++] = nz;
    return nz;
}

static int64_t local_secs(struct icaltimetype t)
{
    return cal_days_from_civil(t.year, t.month, t.day) * 86400 +
           (t.is_date ? 0 : t.hour * 3600 + t.minute * 60 + t.second);
}

static bool time_valid(struct icaltimetype t)
{
    return !icaltime_is_null_time(t) && t.year >= 1900 && t.year <= 2500 && t.month >= 1 &&
           t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour >= 0 && t.hour <= 23 &&
           t.minute >= 0 && t.minute <= 59 && t.second >= 0 && t.second <= 60;
}

/* UTC of a time in zone z (NULL = UTC). */
static int64_t to_utc(const cal_zone *z, struct icaltimetype t, bool *exists)
{
    int64_t l = local_secs(t);
    *exists = true;
    if (!z)
        return l;
    return cal_zone_to_utc(z, l, exists);
}

static int cmp_inst(const void *a, const void *b)
{
    const cal_inst *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s ? 1 : (x->rid < y->rid ? -1 : x->rid > y->rid);
}

static char *dup_s(const char *s)
{
    return rs_strdup(s ? s : "");
}

static char *addr_of(const char *v)
{
    if (!v)
        return rs_strdup("");
    if (!strncasecmp(v, "mailto:", 7))
        v += 7;
    return rs_lower_dup(v);
}

static void msg_clear(cal_msg *m)
{
    free(m->uid);
    free(m->organizer);
    free(m->organizer_cn);
    free(m->sent_by);
    free(m->summary);
    free(m->description);
    free(m->location);
    for (int i = 0; i < m->attendees; i++)
        free(m->attendee[i]);
    free(m->attendee);
    free(m->inst);
    free(m->rids);
    free(m->rinst);
}

void cal_msg_free(cal_msg *m)
{
    if (!m)
        return;
    msg_clear(m);
    free(m);
}

typedef struct ivec {
    cal_inst *v;
    size_t n, cap;
} ivec;

static bool ivec_push(pctx *c, ivec *v, cal_inst in)
{
    if (v->n >= CAL_MAX_INSTANCES) {
        rs_errf(c->err, RS_EINVAL,
                "The meeting has more than %d occurrences inside the booking window.",
                CAL_MAX_INSTANCES);
        return false;
    }
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->v = rs_realloc(v->v, v->cap * sizeof *v->v);
    }
    v->v[v->n++] = in;
    return true;
}

/* Start (UTC), duration and zone of a VEVENT. */
typedef struct evtime {
    struct icaltimetype dtstart;
    const cal_zone *zone;
    int64_t s, dur;
} evtime;

static bool event_time(pctx *c, icalcomponent *ev, evtime *out)
{
    icalproperty *ps = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    if (!ps) {
        fail(c, "The meeting has no DTSTART.");
        return false;
    }
    struct icaltimetype st = icalproperty_get_dtstart(ps);
    if (!time_valid(st)) {
        fail(c, "The meeting's DTSTART is not a valid date-time.");
        return false;
    }
    bool ok, exists;
    out->dtstart = st;
    out->zone = prop_zone(c, ps, st, &ok);
    if (!ok)
        return false;
    out->s = to_utc(out->zone, st, &exists);
    icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
    icalproperty *pd = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
    if (pe) {
        struct icaltimetype et = icalproperty_get_dtend(pe);
        if (!time_valid(et)) {
            fail(c, "The meeting's DTEND is not a valid date-time.");
            return false;
        }
        const cal_zone *ez = prop_zone(c, pe, et, &ok);
        if (!ok)
            return false;
        out->dur = to_utc(ez, et, &exists) - out->s;
    } else if (pd) {
        struct icaldurationtype d = icalproperty_get_duration(pd);
        if (icaldurationtype_is_bad_duration(d)) {
            fail(c, "The meeting's DURATION is not valid.");
            return false;
        }
        out->dur = icaldurationtype_as_int(d);
    } else {
        out->dur = st.is_date ? 86400 : 0;
    }
    if (out->dur < 0) {
        fail(c, "The meeting ends before it starts.");
        return false;
    }
    if (out->dur > (int64_t)CAL_MAX_WINDOW_DAYS * 86400) {
        fail(c, "The meeting lasts longer than %s days.", "1080");
        return false;
    }
    return true;
}

/* UTC of an EXDATE/RDATE/RECURRENCE-ID value; floating values take the
 * series' zone. */
static int64_t value_utc(pctx *c, icalproperty *p, struct icaltimetype t, const cal_zone *series,
                         bool *ok)
{
    bool exists;
    *ok = time_valid(t);
    if (!*ok) {
        fail(c, "A date-time in the meeting is not valid.");
        return 0;
    }
    const cal_zone *z;
    if (icaltime_is_utc(t))
        z = NULL;
    else {
        icalparameter *tzp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
        z = tzp ? prop_zone(c, p, t, ok) : series;
        if (!*ok)
            return 0;
    }
    return to_utc(z, t, &exists);
}

/* One RRULE expansion in progress: instances arrive as local wall-clock
 * times in order; UNTIL, COUNT, DST gaps and the window are applied here. */
typedef struct rstate {
    pctx *c;
    const evtime *et;
    cal_msg *m;
    ivec *out;
    int64_t until, dtstart_local;
    int count, counted;
    bool ok;
} rstate;

/* Take the next local instance; false stops the expansion. */
static bool step_local(rstate *rs, int64_t local)
{
    bool exists;
    int64_t s = rs->et->zone ? cal_zone_to_utc(rs->et->zone, local, &exists) : local;
    if (!rs->et->zone)
        exists = true;
    if (!exists && local != rs->dtstart_local)
        return true; /* nonexistent local time: ignored and not counted */
    if (s > rs->until)
        return false;
    if (rs->count > 0 && rs->counted >= rs->count)
        return false;
    rs->counted++;
    if (s > rs->c->window_end) {
        rs->m->past_window = true;
        return false;
    }
    if (s == rs->et->s)
        return true; /* DTSTART itself, already in */
    if (!ivec_push(rs->c, rs->out, (cal_inst){s, s + rs->et->dur, s})) {
        rs->ok = false;
        return false;
    }
    return true;
}

bool cal_force_libical;
unsigned long cal_scan_hits;

static bool by_empty(const short *v)
{
    return v[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/* Rules roomsys expands itself (spec section 8: Outlook's common rules;
 * libical 3.0.16's iterator costs ICU calendar arithmetic per step): DAILY
 * or WEEKLY, any INTERVAL, WEEKLY with plain BYDAY (WKST=MO when INTERVAL >
 * 1), no other BY parts, DTSTART a DATE-TIME on one of the rule's days.
 * Cross-checked against libical (unit tests) and python3-recurring-ical-events. */
static bool fast_rule(const struct icalrecurrencetype *r, struct icaltimetype dtstart,
                      unsigned *mask)
{
    *mask = 0;
    if (cal_force_libical || dtstart.is_date || r->rscale)
        return false;
    if (r->freq != ICAL_DAILY_RECURRENCE && r->freq != ICAL_WEEKLY_RECURRENCE)
        return false;
    if (!by_empty(r->by_second) || !by_empty(r->by_minute) || !by_empty(r->by_hour) ||
        !by_empty(r->by_month_day) || !by_empty(r->by_year_day) || !by_empty(r->by_week_no) ||
        !by_empty(r->by_month) || !by_empty(r->by_set_pos))
        return false;
    for (int i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
        if (icalrecurrencetype_day_position(r->by_day[i]) != 0)
            return false;
        int wd = (int)icalrecurrencetype_day_day_of_week(r->by_day[i]); /* 1 Sunday */
        if (wd < 1 || wd > 7)
            return false;
        *mask |= 1u << (wd - 1);
    }
    if (*mask && r->freq == ICAL_DAILY_RECURRENCE)
        return false;
    if (*mask && r->interval > 1 && r->week_start != ICAL_MONDAY_WEEKDAY)
        return false;
    int64_t d0 = cal_days_from_civil(dtstart.year, dtstart.month, dtstart.day);
    int wd0 = (int)((d0 % 7 + 7 + 4) % 7); /* 0 Sunday */
    if (*mask && !(*mask & (1u << wd0)))
        return false;
    return true;
}

static void fast_expand(rstate *rs, const struct icalrecurrencetype *r, unsigned mask)
{
    struct icaltimetype t = rs->et->dtstart;
    int64_t d0 = cal_days_from_civil(t.year, t.month, t.day);
    int64_t tod = t.hour * 3600 + t.minute * 60 + t.second;
    long steps = 0;
    if (!mask) {
        int64_t step = (r->freq == ICAL_DAILY_RECURRENCE ? 1 : 7) * (int64_t)r->interval;
        for (int64_t k = 0; steps < CAL_MAX_RRULE_STEPS; k++, steps++)
            if (!step_local(rs, (d0 + k * step) * 86400 + tod))
                return;
    } else {
        int wd0 = (int)((d0 % 7 + 7 + 4) % 7);
        int64_t week0 = d0 - (wd0 + 6) % 7; /* the Monday of DTSTART's week */
        for (int64_t w = 0; steps < CAL_MAX_RRULE_STEPS; w++) {
            for (int o = 0; o < 7; o++, steps++) {
                if (!(mask & (1u << ((o + 1) % 7))))
                    continue;
                int64_t day = week0 + 7 * (int64_t)r->interval * w + o;
                if (day < d0)
                    continue;
                if (!step_local(rs, day * 86400 + tod))
                    return;
            }
        }
    }
    rs->m->past_window = true; /* bound reached */
}

/* Expand one RRULE of the series (rr: its property, for an UNTIL with a
 * TZID; may be NULL). */
static bool expand_rule(pctx *c, struct icalrecurrencetype rule, icalproperty *rr, const evtime *et,
                        cal_msg *m, ivec *out)
{
    if (rule.freq == ICAL_NO_RECURRENCE || rule.interval < 1) {
        fail(c, "The meeting's RRULE is not valid.");
        return false;
    }
    /* roomsys applies UNTIL (UTC, inclusive) and COUNT itself */
    int64_t until = INT64_MAX;
    if (!icaltime_is_null_time(rule.until)) {
        bool ok = true;
        struct icaltimetype u = rule.until;
        if (u.is_date) { /* a DATE UNTIL includes that whole local day */
            u.is_date = 0;
            u.hour = 23, u.minute = 59, u.second = 59;
        }
        if (icaltime_is_utc(u))
            until = local_secs(u);
        else if (rr)
            until = value_utc(c, rr, u, et->zone, &ok);
        else {
            bool ex;
            until = to_utc(et->zone, u, &ex);
        }
        if (!ok)
            return false;
        rule.until = icaltime_null_time();
    }
    rstate rs = {.c = c,
                 .et = et,
                 .m = m,
                 .out = out,
                 .until = until,
                 .count = rule.count,
                 .dtstart_local = local_secs(et->dtstart),
                 .ok = true};
    int count = rule.count;
    rule.count = 0;
    unsigned mask;
    if (fast_rule(&rule, et->dtstart, &mask)) {
        fast_expand(&rs, &rule, mask);
    } else {
        struct icaltimetype start = et->dtstart;
        start.zone = NULL;
        start.is_daylight = 0;
        icalrecur_iterator *it = icalrecur_iterator_new(rule, start);
        if (!it) {
            fail(c, "The meeting's RRULE is not valid.");
            return false;
        }
        for (long steps = 0;; steps++) {
            if (steps >= CAL_MAX_RRULE_STEPS) {
                /* nothing more within the bound: treat the rest as beyond
                 * the window */
                m->past_window = true;
                break;
            }
            struct icaltimetype t = icalrecur_iterator_next(it);
            if (icaltime_is_null_time(t) || !step_local(&rs, local_secs(t)))
                break;
        }
        icalrecur_iterator_free(it);
    }
    if (!rs.ok)
        return false;
    if (until == INT64_MAX && count == 0)
        m->past_window = true; /* unbounded */
    return true;
}

/* Expand the master's recurrence set up to the window: DTSTART + RRULE +
 * RDATE - EXDATE. */
static bool expand(pctx *c, icalcomponent *ev, const evtime *et, cal_msg *m, ivec *out)
{
    int64_t W = c->window_end;
    icalproperty *rr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    icalproperty *rd = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
    m->recurring = rr || rd;
    if (et->s <= W) {
        if (!ivec_push(c, out, (cal_inst){et->s, et->s + et->dur, et->s}))
            return false;
    } else {
        m->past_window = true;
    }
    int nrules = 0;
    for (; rr; rr = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY)) {
        if (++nrules > 4) {
            fail(c, "The meeting has more than %s RRULE properties.", "4");
            return false;
        }
        if (!expand_rule(c, icalproperty_get_rrule(rr), rr, et, m, out))
            return false;
    }
    int nr = 0;
    for (; rd; rd = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
        if (++nr > MAX_RDATES) {
            fail(c, "The meeting has more than %s RDATE values.", "4000");
            return false;
        }
        struct icaldatetimeperiodtype v = icalproperty_get_rdate(rd);
        struct icaltimetype t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
        int64_t dur = et->dur;
        bool ok;
        int64_t s = value_utc(c, rd, t, et->zone, &ok);
        if (!ok)
            return false;
        if (icaltime_is_null_time(v.time) && !icaltime_is_null_time(v.period.end)) {
            int64_t e = value_utc(c, rd, v.period.end, et->zone, &ok);
            if (!ok)
                return false;
            if (e > s)
                dur = e - s;
        }
        if (s > W) {
            m->past_window = true;
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < out->n && !dup; i++)
            dup = out->v[i].rid == s;
        if (!dup && !ivec_push(c, out, (cal_inst){s, s + dur, s}))
            return false;
    }
    icalproperty *ex = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
    for (int nx = 0; ex; ex = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
        if (++nx > MAX_RDATES) {
            fail(c, "The meeting has more than %s EXDATE values.", "4000");
            return false;
        }
        struct icaltimetype t = icalproperty_get_exdate(ex);
        bool ok;
        if (t.is_date) { /* a DATE EXDATE removes the instances of that local day */
            int64_t d0 = cal_days_from_civil(t.year, t.month, t.day);
            for (size_t i = 0; i < out->n;) {
                int64_t local = out->v[i].rid + cal_zone_offset(et->zone, out->v[i].rid);
                int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
                if (day == d0)
                    out->v[i] = out->v[--out->n];
                else
                    i++;
            }
            continue;
        }
        int64_t x = value_utc(c, ex, t, et->zone, &ok);
        if (!ok)
            return false;
        for (size_t i = 0; i < out->n;) {
            if (out->v[i].rid == x)
                out->v[i] = out->v[--out->n];
            else
                i++;
        }
    }
    return true;
}

/* Unescaped TEXT value (SUMMARY etc.). */
static char *text_value(icalcomponent *ev, icalproperty_kind k)
{
    icalproperty *p = icalcomponent_get_first_property(ev, k);
    if (!p)
        return rs_strdup("");
    icalvalue *v = icalproperty_get_value(p);
    const char *s = v && icalvalue_isa(v) == ICAL_TEXT_VALUE ? icalvalue_get_text(v) : NULL;
    if (!s)
        s = icalproperty_get_value_as_string(p);
    return dup_s(s);
}

static bool header_fields(pctx *c, icalcomponent *ev, cal_msg *m)
{
    icalproperty *p = icalcomponent_get_first_property(ev, ICAL_UID_PROPERTY);
    const char *uid = p ? icalproperty_get_uid(p) : NULL;
    if (!uid || !*uid) {
        fail(c, "The meeting has no UID.");
        return false;
    }
    if (strlen(uid) > MAX_UID) {
        fail(c, "The meeting's UID is longer than %s characters.", "255");
        return false;
    }
    for (const unsigned char *q = (const unsigned char *)uid; *q; q++)
        if (*q < 0x20 || *q == 0x7f) {
            fail(c, "The meeting's UID contains control characters.");
            return false;
        }
    m->uid = rs_strdup(uid);
    p = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY);
    m->sequence = p ? icalproperty_get_sequence(p) : 0;
    if (m->sequence < 0)
        m->sequence = 0;
    p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY);
    if (p) {
        struct icaltimetype t = icalproperty_get_dtstamp(p);
        bool ex;
        m->dtstamp = time_valid(t) ? to_utc(NULL, t, &ex) : 0;
    }
    p = icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY);
    m->organizer = addr_of(p ? icalproperty_get_organizer(p) : NULL);
    icalparameter *cn = p ? icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER) : NULL;
    m->organizer_cn = dup_s(cn ? icalparameter_get_cn(cn) : NULL);
    icalparameter *sb = p ? icalproperty_get_first_parameter(p, ICAL_SENTBY_PARAMETER) : NULL;
    m->sent_by = sb ? addr_of(icalparameter_get_sentby(sb)) : NULL;
    m->summary = text_value(ev, ICAL_SUMMARY_PROPERTY);
    m->description = text_value(ev, ICAL_DESCRIPTION_PROPERTY);
    m->location = text_value(ev, ICAL_LOCATION_PROPERTY);
    p = icalcomponent_get_first_property(ev, ICAL_CLASS_PROPERTY);
    m->private_class = p && icalproperty_get_class(p) == ICAL_CLASS_PRIVATE;
    p = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY);
    m->transparent = p && icalproperty_get_transp(p) == ICAL_TRANSP_TRANSPARENT;
    m->attachments = icalcomponent_count_properties(ev, ICAL_ATTACH_PROPERTY);
    int na = icalcomponent_count_properties(ev, ICAL_ATTENDEE_PROPERTY);
    if (na > MAX_ATTENDEES)
        na = MAX_ATTENDEES;
    m->attendee = rs_calloc((size_t)na + 1, sizeof *m->attendee);
    p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
    for (; p && m->attendees < na; p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY))
        m->attendee[m->attendees++] = addr_of(icalproperty_get_attendee(p));
    return true;
}

/* Properties the engine reads (and those a VTIMEZONE needs); every other
 * property (X-*, PRIORITY, CATEGORIES, VALARM content ...) is dropped before
 * libical parses the text: its parser costs about a microsecond a line. */
static const char *const kept_props[] = {
    "BEGIN",       "END",          "METHOD",        "VERSION",   "UID",      "SEQUENCE",
    "DTSTAMP",     "DTSTART",      "DTEND",         "DURATION",  "RRULE",    "RDATE",
    "EXDATE",      "EXRULE",       "RECURRENCE-ID", "ORGANIZER", "ATTENDEE", "SUMMARY",
    "DESCRIPTION", "LOCATION",     "CLASS",         "TRANSP",    "STATUS",   "ATTACH",
    "TZID",        "TZOFFSETFROM", "TZOFFSETTO",    "TZNAME",    NULL};

static bool kept(const char *line, size_t namelen)
{
    for (const char *const *k = kept_props; *k; k++)
        if (strlen(*k) == namelen && !strncasecmp(line, *k, namelen))
            return true;
    return false;
}

static bool line_is(const char *line, size_t len, const char *what)
{
    size_t n = strlen(what);
    return len >= n && !strncasecmp(line, what, n) && (len == n || line[n] == '\r');
}

/* The text libical parses: only the kept properties, without VALARM
 * components and without VTIMEZONE blocks whose TZID roomsys knows (a
 * Windows or IANA name resolves to the system tz database first anyway).
 * New string. */
static char *prefilter(const char *text, size_t len)
{
    char *out = rs_malloc(len + 1);
    size_t n = 0;
    bool keep_prev = true;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end;
        size_t ll = (size_t)((nl ? nl : end) - p);
        bool keep;
        if (*p == ' ' || *p == '\t') {
            keep = keep_prev; /* a folded continuation */
        } else if (line_is(p, ll, "BEGIN:VALARM")) {
            const char *e = strstr(next, "END:VALARM");
            if (e) {
                const char *enl = strchr(e, '\n');
                p = enl ? enl + 1 : end;
                keep_prev = false;
                continue;
            }
            keep = true;
        } else if (line_is(p, ll, "BEGIN:VTIMEZONE")) {
            const char *e = strstr(next, "END:VTIMEZONE");
            const char *tz = strstr(next, "TZID:");
            keep = true;
            if (e && tz && tz < e && (tz[-1] == '\n')) {
                const char *v = tz + 5;
                size_t tl = strcspn(v, "\r\n");
                const char *after = v + tl;
                while (*after == '\r' || *after == '\n')
                    after++;
                char name[128];
                if (tl > 0 && tl < sizeof name && *after != ' ' && *after != '\t') {
                    memcpy(name, v, tl);
                    name[tl] = '\0';
                    if (cal_zone_iana(name)) {
                        const char *enl = strchr(e, '\n');
                        p = enl ? enl + 1 : end;
                        keep_prev = false;
                        continue;
                    }
                }
            }
        } else {
            size_t nm = strcspn(p, ":;\r\n");
            keep = nm <= ll && kept(p, nm);
        }
        if (keep) {
            memcpy(out + n, p, (size_t)(next - p));
            n += (size_t)(next - p);
        }
        keep_prev = keep;
        p = next;
    }
    out[n] = '\0';
    return out;
}

/* ---- the restricted scanner (spec section 10) ----
 * Outlook's common shape read without libical's parser: VCALENDAR with one
 * VEVENT (DTSTART/DTEND or DURATION as DATE-TIMEs, at most one RRULE, no
 * RDATE/EXDATE/RECURRENCE-ID), known-name VTIMEZONEs, VALARMs. Anything else,
 * and anything it would refuse, goes to the libical path, which gives the
 * errors. Same results as that path (unit test compares them). */

typedef struct sline {
    const char *name, *params, *value; /* value NUL-terminated in the scratch copy */
    size_t nlen, plen;
} sline;

static bool name_is(const sline *l, const char *n)
{
    return strlen(n) == l->nlen && !strncasecmp(l->name, n, l->nlen);
}

/* Parameter `want` of a line (quotes removed) into out; false when absent. */
static bool param(const sline *l, const char *want, char *out, size_t outsz)
{
    const char *p = l->params, *end = l->params + l->plen;
    size_t wl = strlen(want);
    while (p < end) {
        if (*p == ';')
            p++;
        const char *eq = p;
        while (eq < end && *eq != '=' && *eq != ';')
            eq++;
        const char *v = eq < end && *eq == '=' ? eq + 1 : eq;
        const char *ve = v;
        bool q = false;
        while (ve < end && (q || *ve != ';')) {
            if (*ve == '"')
                q = !q;
            ve++;
        }
        if ((size_t)(eq - p) == wl && !strncasecmp(p, want, wl)) {
            if (*v == '"' && ve > v + 1 && ve[-1] == '"')
                v++, ve--;
            size_t n = (size_t)(ve - v);
            if (n >= outsz)
                return false;
            memcpy(out, v, n);
            out[n] = '\0';
            return true;
        }
        p = ve;
    }
    return false;
}

/* TEXT value unescaped (RFC 5545 3.3.11). New string. */
static char *unescape(const char *v)
{
    char *o = rs_malloc(strlen(v) + 1), *w = o;
    for (; *v; v++) {
        if (*v == '\\' && v[1]) {
            v++;
            *w++ = (*v == 'n' || *v == 'N') ? '\n' : *v;
        } else {
            *w++ = *v;
        }
    }
    *w = '\0';
    return o;
}

/* YYYYMMDDTHHMMSS[Z] only. */
static bool scan_time(const char *v, struct icaltimetype *t)
{
    int y, mo, d, h, mi, se, n = 0;
    if (strlen(v) < 15 || v[8] != 'T' ||
        sscanf(v, "%4d%2d%2dT%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 15)
        return false;
    if (v[15] != '\0' && !(v[15] == 'Z' && v[16] == '\0'))
        return false;
    *t = icaltime_null_time();
    t->year = y, t->month = mo, t->day = d, t->hour = h, t->minute = mi, t->second = se;
    t->is_date = 0;
    if (v[15] == 'Z')
        t->zone = icaltimezone_get_utc_timezone();
    if (!time_valid(*t) || d > icaltime_days_in_month(mo, y))
        return false;
    return true;
}

/* A DTSTART/DTEND line: UTC, a known TZID, or floating (room zone). */
static bool scan_dt(pctx *c, const sline *l, struct icaltimetype *t, const cal_zone **z)
{
    char buf[128];
    if (param(l, "VALUE", buf, sizeof buf) || !scan_time(l->value, t))
        return false;
    if (icaltime_is_utc(*t)) {
        *z = NULL;
        return !param(l, "TZID", buf, sizeof buf);
    }
    if (!param(l, "TZID", buf, sizeof buf)) {
        *z = c->room_zone;
        return true;
    }
    *z = cal_zone_get(buf, NULL);
    return *z != NULL;
}

static bool is_text_safe(const char *v)
{
    for (const unsigned char *q = (const unsigned char *)v; *q; q++)
        if (*q < 0x20 && *q != '\t')
            return false;
    return true;
}

/* 1: handled (m, inst filled); 0: use libical. */
static int scan_simple(pctx *c, const char *text, size_t len, cal_msg *m, ivec *inst)
{
    if (cal_force_libical)
        return 0;
    /* unfold into a scratch copy, one NUL-terminated line after another */
    char *buf = rs_malloc(len + 2);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (ch == '\r' && text[i + 1] == '\n')
            continue;
        if (ch == '\n') {
            if (text[i + 1] == ' ' || text[i + 1] == '\t') {
                i++;
                continue;
            }
            buf[n++] = '\0';
            continue;
        }
        if (ch == '\r')
            goto no;
        buf[n++] = ch;
    }
    buf[n++] = '\0';
    buf[n] = '\0';
    int depth = 0; /* 1 in VCALENDAR, 2 in VEVENT */
    bool method = false, done = false, ev_seen = false, has_start = false, has_end = false;
    bool has_dur = false, has_rrule = false, has_uid = false;
    struct icaltimetype st = {0}, et_ = {0};
    const cal_zone *sz = NULL, *ez = NULL;
    int64_t dur = 0;
    struct icalrecurrencetype rule;
    int nattendees = 0;
    const char *attendees[MAX_ATTENDEES];
    for (char *p = buf; p < buf + n && *p; p += strlen(p) + 1) {
        if (done)
            goto no;
        sline l = {.name = p};
        l.nlen = strcspn(p, ";:");
        if (p[l.nlen] == '\0')
            goto no;
        l.params = p + l.nlen;
        const char *q = l.params;
        bool quoted = false;
        while (*q && (quoted || *q != ':')) {
            if (*q == '"')
                quoted = !quoted;
            q++;
        }
        if (*q != ':')
            goto no;
        l.plen = (size_t)(q - l.params);
        l.value = q + 1;
        if (name_is(&l, "BEGIN")) {
            if (depth == 0 && !strcasecmp(l.value, "VCALENDAR")) {
                depth = 1;
            } else if (depth == 1 && !strcasecmp(l.value, "VEVENT") && !ev_seen) {
                depth = 2;
                ev_seen = true;
            } else if (depth == 1 && !strcasecmp(l.value, "VTIMEZONE")) {
                /* only a known name: skip the block */
                bool known = false;
                char *e = p + strlen(p) + 1;
                for (; e < buf + n && *e; e += strlen(e) + 1) {
                    if (!strncasecmp(e, "TZID:", 5))
                        known = cal_zone_iana(e + 5) != NULL;
                    if (!strcasecmp(e, "END:VTIMEZONE"))
                        break;
                }
                if (!known || e >= buf + n || !*e)
                    goto no;
                p = e;
            } else if (depth == 2 && !strcasecmp(l.value, "VALARM")) {
                char *e = p + strlen(p) + 1;
                while (e < buf + n && *e && strcasecmp(e, "END:VALARM"))
                    e += strlen(e) + 1;
                if (e >= buf + n || !*e)
                    goto no;
                p = e;
            } else {
                goto no;
            }
            continue;
        }
        if (name_is(&l, "END")) {
            if (depth == 2 && !strcasecmp(l.value, "VEVENT"))
                depth = 1;
            else if (depth == 1 && !strcasecmp(l.value, "VCALENDAR"))
                depth = 0, done = true;
            else
                goto no;
            continue;
        }
        if (depth == 1) {
            if (name_is(&l, "METHOD")) {
                if (!strcasecmp(l.value, "REQUEST"))
                    m->method = CAL_M_REQUEST;
                else if (!strcasecmp(l.value, "CANCEL"))
                    m->method = CAL_M_CANCEL;
                else
                    goto no;
                method = true;
            }
            continue; /* VERSION, PRODID, X-* ... */
        }
        if (depth != 2)
            goto no;
        if (name_is(&l, "UID")) {
            if (has_uid || !*l.value)
                goto no;
            m->uid = unescape(l.value);
            has_uid = true;
            if (strlen(m->uid) > MAX_UID || !is_text_safe(m->uid))
                goto no;
        } else if (name_is(&l, "SEQUENCE")) {
            char *end;
            long v = strtol(l.value, &end, 10);
            if (*end || end == l.value || v < 0 || v > 1000000000)
                goto no;
            m->sequence = (int)v;
        } else if (name_is(&l, "DTSTAMP")) {
            struct icaltimetype t;
            if (!scan_time(l.value, &t) || !icaltime_is_utc(t))
                goto no;
            m->dtstamp = local_secs(t);
        } else if (name_is(&l, "DTSTART")) {
            if (has_start || !scan_dt(c, &l, &st, &sz))
                goto no;
            has_start = true;
        } else if (name_is(&l, "DTEND")) {
            if (has_end || !scan_dt(c, &l, &et_, &ez))
                goto no;
            has_end = true;
        } else if (name_is(&l, "DURATION")) {
            struct icaldurationtype d = icaldurationtype_from_string(l.value);
            icalerror_clear_errno();
            if (has_dur || icaldurationtype_is_bad_duration(d))
                goto no;
            dur = icaldurationtype_as_int(d);
            has_dur = true;
        } else if (name_is(&l, "RRULE")) {
            if (has_rrule)
                goto no;
            rule = icalrecurrencetype_from_string(l.value);
            icalerror_clear_errno();
            if (rule.freq == ICAL_NO_RECURRENCE || rule.interval < 1 || rule.rscale)
                goto no;
            if (!icaltime_is_null_time(rule.until) && !icaltime_is_utc(rule.until))
                goto no;
            has_rrule = true;
        } else if (name_is(&l, "ORGANIZER")) {
            char pv[512];
            free(m->organizer);
            m->organizer = addr_of(l.value);
            free(m->organizer_cn);
            m->organizer_cn = rs_strdup(param(&l, "CN", pv, sizeof pv) ? pv : "");
            free(m->sent_by);
            m->sent_by = param(&l, "SENT-BY", pv, sizeof pv) ? addr_of(pv) : NULL;
        } else if (name_is(&l, "ATTENDEE")) {
            if (nattendees < MAX_ATTENDEES)
                attendees[nattendees++] = l.value;
        } else if (name_is(&l, "SUMMARY") || name_is(&l, "DESCRIPTION") ||
                   name_is(&l, "LOCATION")) {
            char **f = name_is(&l, "SUMMARY")       ? &m->summary
                       : name_is(&l, "DESCRIPTION") ? &m->description
                                                    : &m->location;
            if (*f)
                goto no; /* libical keeps the first; keep it simple */
            *f = unescape(l.value);
        } else if (name_is(&l, "CLASS")) {
            m->private_class = !strcasecmp(l.value, "PRIVATE");
        } else if (name_is(&l, "TRANSP")) {
            m->transparent = !strcasecmp(l.value, "TRANSPARENT");
        } else if (name_is(&l, "ATTACH")) {
            m->attachments++;
        } else if (name_is(&l, "RDATE") || name_is(&l, "EXDATE") || name_is(&l, "EXRULE") ||
                   name_is(&l, "RECURRENCE-ID")) {
            goto no;
        }
        /* other properties are not read */
    }
    if (!done || !method || !ev_seen || !has_uid || !has_start || (has_end && has_dur))
        goto no;
    if (!m->organizer)
        m->organizer = rs_strdup("");
    if (!m->organizer_cn)
        m->organizer_cn = rs_strdup("");
    if (!m->summary)
        m->summary = rs_strdup("");
    if (!m->description)
        m->description = rs_strdup("");
    if (!m->location)
        m->location = rs_strdup("");
    m->attendee = rs_calloc((size_t)nattendees + 1, sizeof *m->attendee);
    for (int i = 0; i < nattendees; i++)
        m->attendee[m->attendees++] = addr_of(attendees[i]);
    evtime ev = {.dtstart = st, .zone = sz};
    bool ex;
    ev.s = to_utc(sz, st, &ex);
    if (has_end)
        dur = to_utc(ez, et_, &ex) - ev.s;
    if (dur < 0 || dur > (int64_t)CAL_MAX_WINDOW_DAYS * 86400)
        goto no;
    ev.dur = dur;
    m->has_master = true;
    m->recurring = has_rrule;
    if (ev.s <= c->window_end) {
        if (!ivec_push(c, inst, (cal_inst){ev.s, ev.s + ev.dur, ev.s}))
            goto no;
    } else {
        m->past_window = true;
    }
    if (has_rrule && !expand_rule(c, rule, NULL, &ev, m, inst))
        goto no;
    free(buf);
    return 1;
no:
    free(buf);
    return 0;
}

rs_status cal_msg_parse(const char *text, const char *room_zone, int64_t window_end, cal_msg **out,
                        rs_err *err)
{
    *out = NULL;
    if (!text || !*text)
        return rs_errf(err, RS_EINVAL, "The iCalendar text is empty.");
    size_t len = strnlen(text, CAL_MAX_ICAL_BYTES + 1);
    if (len > CAL_MAX_ICAL_BYTES)
        return rs_errf(err, RS_EINVAL, "The iCalendar text is larger than %d bytes.",
                       CAL_MAX_ICAL_BYTES);
    const cal_zone *rz = cal_zone_get(room_zone ? room_zone : "UTC", err);
    if (!rz)
        return RS_EINVAL;
    pctx c = {.room_zone = rz, .window_end = window_end, .err = err};
    {
        cal_msg *fm = rs_calloc(1, sizeof *fm);
        ivec fi = {0};
        if (scan_simple(&c, text, len, fm, &fi)) {
            __atomic_fetch_add(&cal_scan_hits, 1, __ATOMIC_RELAXED);
            if (fi.n)
                qsort(fi.v, fi.n, sizeof *fi.v, cmp_inst);
            fm->inst = fi.v;
            fm->n = fi.n;
            *out = fm;
            return RS_OK;
        }
        free(fi.v);
        cal_msg_free(fm);
        if (err) /* the libical path below speaks for itself */
            memset(err, 0, sizeof *err);
    }
    char *filtered = prefilter(text, len);
    c.root = icalparser_parse_string(filtered);
    free(filtered);
    icalerror_clear_errno();
    if (!c.root || icalcomponent_isa(c.root) != ICAL_VCALENDAR_COMPONENT) {
        if (c.root)
            icalcomponent_free(c.root);
        return rs_errf(err, RS_EINVAL,
                       "The text is not an iCalendar object (BEGIN:VCALENDAR ... END:VCALENDAR).");
    }
    cal_msg *m = rs_calloc(1, sizeof *m);
    rs_status rc = RS_EINVAL;
    ivec inst = {0};
    icalproperty_method meth = icalcomponent_get_method(c.root);
    if (meth == ICAL_METHOD_REQUEST)
        m->method = CAL_M_REQUEST;
    else if (meth == ICAL_METHOD_CANCEL)
        m->method = CAL_M_CANCEL;
    else {
        rs_errf(err, RS_EINVAL, "The iCalendar METHOD must be REQUEST or CANCEL.");
        goto out;
    }
    icalcomponent *master = NULL, *ovr[MAX_COMPONENTS];
    size_t novr = 0, nev = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(c.root, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(c.root, ICAL_VEVENT_COMPONENT)) {
        if (++nev > MAX_COMPONENTS) {
            rs_errf(err, RS_EINVAL, "The iCalendar object has more than %d events.",
                    MAX_COMPONENTS);
            goto out;
        }
        icalproperty *u = icalcomponent_get_first_property(ev, ICAL_UID_PROPERTY);
        const char *uid = u ? icalproperty_get_uid(u) : NULL;
        if (!uid || !*uid) {
            rs_errf(err, RS_EINVAL, "The meeting has no UID.");
            goto out;
        }
        if (nev == 1 && !header_fields(&c, ev, m))
            goto out;
        if (strcmp(uid, m->uid)) {
            rs_errf(err, RS_EINVAL, "Every event of a meeting request must have the same UID.");
            goto out;
        }
        if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
            ovr[novr++] = ev;
        } else if (master) {
            rs_errf(err, RS_EINVAL, "The meeting request has two events without RECURRENCE-ID.");
            goto out;
        } else {
            master = ev;
        }
    }
    if (nev == 0) {
        rs_errf(err, RS_EINVAL, "The iCalendar object has no VEVENT.");
        goto out;
    }
    if (master) { /* header fields from the master when there is one */
        cal_msg tmp = {0};
        if (!header_fields(&c, master, &tmp)) {
            msg_clear(&tmp);
            goto out;
        }
        m->sequence = tmp.sequence > m->sequence ? tmp.sequence : m->sequence;
        m->dtstamp = tmp.dtstamp > m->dtstamp ? tmp.dtstamp : m->dtstamp;
#define SWAPF(f)                                                                                   \
    do {                                                                                           \
        free(m->f);                                                                                \
        m->f = tmp.f;                                                                              \
        tmp.f = NULL;                                                                              \
    } while (0)
        SWAPF(organizer);
        SWAPF(organizer_cn);
        SWAPF(sent_by);
        SWAPF(summary);
        SWAPF(description);
        SWAPF(location);
#undef SWAPF
        m->private_class = tmp.private_class;
        m->transparent = tmp.transparent;
        m->attachments = tmp.attachments;
        for (int i = 0; i < m->attendees; i++)
            free(m->attendee[i]);
        free(m->attendee);
        m->attendee = tmp.attendee;
        m->attendees = tmp.attendees;
        tmp.attendee = NULL;
        tmp.attendees = 0;
        msg_clear(&tmp);
    }
    m->has_master = master != NULL;
    evtime et = {0};
    if (master) {
        if (!event_time(&c, master, &et) || !expand(&c, master, &et, m, &inst))
            goto out;
    }
    /* overrides (RECURRENCE-ID): replace, move, cancel or add instances */
    if (novr) {
        m->rids = rs_calloc(novr, sizeof *m->rids);
        m->rinst = rs_calloc(novr, sizeof *m->rinst);
    }
    for (size_t k = 0; k < novr; k++) {
        icalcomponent *ev = ovr[k];
        icalproperty *rp = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
        bool ok;
        int64_t rid = value_utc(&c, rp, icalproperty_get_recurrenceid(rp),
                                master ? et.zone : c.room_zone, &ok);
        if (!ok)
            goto out;
        icalparameter *rg = icalproperty_get_first_parameter(rp, ICAL_RANGE_PARAMETER);
        bool future = rg && icalparameter_get_range(rg) == ICAL_RANGE_THISANDFUTURE;
        icalproperty *stp = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
        bool cancelled = stp && icalproperty_get_status(stp) == ICAL_STATUS_CANCELLED;
        evtime ot = {0};
        bool has_time = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY) != NULL;
        if (has_time && !event_time(&c, ev, &ot))
            goto out;
        if (!has_time) {
            ot.s = rid;
            ot.dur = master ? et.dur : 0;
        }
        m->rids[m->nrids] = rid;
        m->rinst[m->nrids] = (cal_inst){ot.s, ot.s + ot.dur, rid};
        m->nrids++;
        if (future)
            m->this_and_future = true;
        if (!master)
            continue;
        bool found = false;
        for (size_t i = 0; i < inst.n;) {
            cal_inst *in = &inst.v[i];
            if (in->rid == rid || (future && in->rid > rid)) {
                found |= in->rid == rid;
                if (cancelled) {
                    inst.v[i] = inst.v[--inst.n];
                    continue;
                }
                int64_t shift = ot.s - rid;
                in->s = in->rid + shift;
                in->e = in->s + ot.dur;
            }
            i++;
        }
        if (!found && !cancelled && m->method == CAL_M_REQUEST && ot.s <= window_end &&
            !ivec_push(&c, &inst, (cal_inst){ot.s, ot.s + ot.dur, rid}))
            goto out;
    }
    if (master && m->method == CAL_M_REQUEST && inst.n == 0 && !m->past_window) {
        rs_errf(err, RS_EINVAL, "The meeting has no occurrences (every one is excluded).");
        goto out;
    }
    if (inst.n)
        qsort(inst.v, inst.n, sizeof *inst.v, cmp_inst);
    m->inst = inst.v;
    m->n = inst.n;
    inst.v = NULL;
    rc = RS_OK;
out:
    free(inst.v);
    for (size_t i = 0; i < c.nowned; i++)
        cal_zone_free(c.owned[i]);
    icalcomponent_free(c.root);
    if (rc)
        cal_msg_free(m);
    else
        *out = m;
    return rc;
}

/* ---- REPLY ---- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = rs_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* One content line, folded at 75 octets (never inside a UTF-8 sequence). */
static void line(sbuf *b, const char *name, const char *value, bool escape)
{
    sbuf l = {0};
    sb_add(&l, name, strlen(name));
    for (const char *q = value; q && *q; q++) {
        char e[3] = {'\\', *q, 0};
        if (escape && (*q == '\\' || *q == ';' || *q == ','))
            sb_add(&l, e, 2);
        else if (escape && *q == '\n')
            sb_add(&l, "\\n", 2);
        else if (escape && *q == '\r')
            continue;
        else if ((unsigned char)*q < 0x20 && *q != '\t')
            continue;
        else
            sb_add(&l, q, 1);
    }
    size_t col = 0;
    for (size_t i = 0; i < l.n; i++) {
        unsigned char ch = (unsigned char)l.p[i];
        if (col >= 74 && (ch & 0xC0) != 0x80) {
            sb_add(b, "\r\n ", 3);
            col = 1;
        }
        sb_add(b, &l.p[i], 1);
        col++;
    }
    sb_add(b, "\r\n", 2);
    free(l.p);
}

static void event(sbuf *b, const char *uid, int seq, const char *organizer, const char *room,
                  const char *partstat, int64_t rid, const char *comment, const char *stamp)
{
    char v[64], *att;
    line(b, "BEGIN:VEVENT", "", false);
    line(b, "UID:", uid, true);
    if (rid != INT64_MIN) {
        fmt_ical_utc(rid, v, sizeof v);
        line(b, "RECURRENCE-ID:", v, false);
    }
    snprintf(v, sizeof v, "%d", seq);
    line(b, "SEQUENCE:", v, false);
    line(b, "DTSTAMP:", stamp, false);
    if (organizer && *organizer) {
        att = rs_asprintf("mailto:%s", organizer);
        line(b, "ORGANIZER:", att, false);
        free(att);
    }
    att = rs_asprintf("ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=%s:", partstat);
    char *mt = rs_asprintf("mailto:%s", room);
    line(b, att, mt, false);
    free(att);
    free(mt);
    line(b, "REQUEST-STATUS:", "2.0;Success", false);
    if (comment && *comment)
        line(b, "COMMENT:", comment, true);
    line(b, "END:VEVENT", "", false);
}

char *cal_reply_text(const char *uid, int sequence, const char *organizer, const char *room,
                     const char *partstat, int64_t main_rid, const int64_t *declined, size_t n,
                     const char *comment, int64_t now)
{
    sbuf b = {0};
    char stamp[32];
    fmt_ical_utc(now, stamp, sizeof stamp);
    line(&b, "BEGIN:VCALENDAR", "", false);
    line(&b, "PRODID:", "-//roomsys//calendar processing//EN", false);
    line(&b, "VERSION:", "2.0", false);
    line(&b, "METHOD:", "REPLY", false);
    event(&b, uid, sequence, organizer, room, partstat, main_rid, comment, stamp);
    for (size_t i = 0; i < n; i++)
        event(&b, uid, sequence, organizer, room, "DECLINED", declined[i], NULL, stamp);
    line(&b, "END:VCALENDAR", "", false);
    return b.p;
}
