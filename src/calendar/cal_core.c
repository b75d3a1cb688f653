/* cal_core.c - the decision core (spec calendar-processing.md 3.1): a pure
 * function over (policy, busy set, expanded request). No I/O, no allocation:
 * unit-tested against the conformance matrix and benchmarked alone. */
#include <stdint.h>
#include <string.h>

#include "calendar.h"

static const char *const reason_codes[CAL_R_COUNT] = {
    "CONFLICT",
    "TOO_LONG",
    "TOO_SHORT",
    "OUTSIDE_WINDOW",
    "HORIZON",
    "WORK_HOURS",
    "RECURRENCE_NOT_ALLOWED",
    "NO_PERMISSION",
    "EXTERNAL",
    "RESERVED",
    "CAPACITY",
};

const char *cal_reason_code(unsigned bit)
{
    return bit < CAL_R_COUNT ? reason_codes[bit] : NULL;
}

uint64_t cal_uid_hash(const char *uid)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)(uid ? uid : ""); *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

int32_t cal_zone_offset(const cal_zone *z, int64_t utc)
{
    if (!z || z->n == 0)
        return 0;
    /* last i with at[i] <= utc */
    size_t lo = 0, hi = z->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t cal_zone_day_start(const cal_zone *z, int64_t utc)
{
    int32_t off = cal_zone_offset(z, utc);
    int64_t local = utc + off;
    int64_t midnight_local = floor_div(local, 86400) * 86400;
    /* the offset at midnight may differ (DST change during the day) */
    int32_t off2 = cal_zone_offset(z, midnight_local - off);
    return midnight_local - off2;
}

int64_t cal_window_end(const cal_policy *p, int64_t now)
{
    int32_t off = cal_zone_offset(p->zone, now);
    int64_t local_day = floor_div(now + off, 86400) + p->window_days + 1; /* the day after */
    int64_t local_midnight = local_day * 86400;
    return local_midnight - cal_zone_offset(p->zone, local_midnight - off);
}

long cal_busy_find(const cal_busy *b, int64_t s, int64_t e, uint64_t own_uid)
{
    if (!b || b->n == 0)
        return -1;
    /* a zero-length request is the point s (RFC 4791 9.9) */
    int64_t qe = e > s ? e : s + 1;
    /* first item with v.s >= qe: every candidate lies before it */
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->v[mid].s < qe)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;) {
        const cal_busy_item *it = &b->v[i];
        if (it->s + b->max_len <= s)
            break; /* nothing earlier can reach s */
        if (it->e > s && it->s < qe && it->uid != own_uid)
            return (long)i;
    }
    return -1;
}

/* Is the instance inside working hours (room-local)? An instance must start
 * and end on the same working day, inside [work_start, work_end). */
static bool in_work_hours(const cal_policy *p, const cal_inst *in)
{
    int64_t ls = in->s + cal_zone_offset(p->zone, in->s);
    int64_t le = in->e + cal_zone_offset(p->zone, in->e);
    int64_t day = floor_div(ls, 86400);
    int64_t day_end = floor_div(le - (le > ls ? 1 : 0), 86400);
    if (day != day_end)
        return false;
    int wd = (int)((day % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    if (!(p->work_days & (1u << wd)))
        return false;
    int64_t sm = (ls - day * 86400) / 60;
    int64_t em = (le - day * 86400 + 59) / 60;
    return sm >= p->work_start && em <= p->work_end;
}

void cal_decide(const cal_policy *p, const cal_busy *b, const cal_req *r, int64_t now,
                uint8_t *state, cal_decision *out)
{
    memset(out, 0, sizeof *out);
    out->conflict_ref = UINT32_MAX;
    int64_t W = cal_window_end(p, now);
    out->window_end = W;
    unsigned why = 0;
    for (size_t i = 0; i < r->n; i++)
        state[i] = CAL_I_BOOKED;

    if (p->reserved)
        why |= CAL_R_RESERVED;
    if (r->recurring && !p->allow_recurring)
        why |= CAL_R_RECURRENCE_NOT_ALLOWED;
    for (size_t i = 0; i < r->n; i++) {
        int64_t d = r->inst[i].e - r->inst[i].s;
        if (p->max_minutes > 0 && d > (int64_t)p->max_minutes * 60) {
            why |= CAL_R_TOO_LONG;
            break;
        }
    }
    if (r->n == 0 || r->inst[0].s > W)
        why |= CAL_R_OUTSIDE_WINDOW;
    else if (!r->recurring && r->inst[r->n - 1].e > W)
        why |= CAL_R_OUTSIDE_WINDOW;
    if (r->recurring && r->n > 0 && (r->past_window || r->inst[r->n - 1].e > W)) {
        if (p->enforce_horizon) {
            why |= CAL_R_HORIZON;
        } else {
            for (size_t i = 0; i < r->n; i++)
                if (r->inst[i].e > W) {
                    state[i] = CAL_I_TRUNCATED;
                    out->truncated = true;
                }
        }
    }
    if (p->work_hours_only) {
        for (size_t i = 0; i < r->n; i++)
            if (state[i] != CAL_I_TRUNCATED && !in_work_hours(p, &r->inst[i])) {
                why |= CAL_R_WORK_HOURS;
                break;
            }
    }
    if (p->enforce_capacity && p->capacity > 0 && r->attendees > p->capacity)
        why |= CAL_R_CAPACITY;

    /* conflicts over the instances that remain */
    size_t n = 0, c = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (state[i] == CAL_I_TRUNCATED)
            continue;
        n++;
        out->checks++;
        long hit = cal_busy_find(b, r->inst[i].s, r->inst[i].e, r->uid);
        if (hit >= 0) {
            c++;
            state[i] = CAL_I_DECLINED;
            if (out->conflict_ref == UINT32_MAX)
                out->conflict_ref = b->v[hit].ref;
        }
    }
    out->considered = n;
    out->conflicts = c;
    if (c > 0) {
        bool skip = false;
        if (!r->recurring) {
            if (!p->allow_conflicts)
                why |= CAL_R_CONFLICT;
        } else if (p->allow_conflicts) {
            skip = p->rcm == CAL_RCM_DECLINE_INSTANCES;
        } else if ((int64_t)100 * (int64_t)c > (int64_t)p->conflict_pct * (int64_t)n ||
                   c > (size_t)(p->max_conflicts < 0 ? 0 : p->max_conflicts)) {
            why |= CAL_R_CONFLICT;
        } else {
            skip = true;
        }
        if (!skip) /* double-booked or declined as a whole: instances keep their time */
            for (size_t i = 0; i < r->n; i++)
                if (state[i] == CAL_I_DECLINED)
                    state[i] = CAL_I_BOOKED;
    }

    if (why == 0) {
        if (p->all_book_in || r->book_in)
            out->resp = CAL_ACCEPT;
        else if (p->all_request_in || r->request_in)
            out->resp = CAL_PENDING;
        else {
            out->resp = CAL_DECLINE;
            why |= CAL_R_NO_PERMISSION;
        }
    } else {
        out->resp = (p->all_request_out || r->request_out) ? CAL_PENDING : CAL_DECLINE;
    }
    out->why = why;
}
