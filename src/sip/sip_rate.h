/* sip_rate.h - private to src/sip: per-source flood protection (sign-in.md
 * §7, reliability.md §4.2). A bounded, lock-striped table of sources (an IPv4
 * address, or an IPv6 /64) counts requests in a fixed window and failed
 * digests in a longer one; past either limit the source is banned for a
 * while and gets no reply at all. Exempt CIDR ranges are never counted.
 * Design: docs/internals/sip.md "Flood protection". */
#ifndef SIP_RATE_H
#define SIP_RATE_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

typedef struct sip__rate sip__rate;

typedef struct sip__rate_conf {
    int requests;       /* per source per window; 0 = no request-rate limit */
    int window_s;       /* request window */
    int ban_s;          /* ban length (both kinds) */
    int fail_threshold; /* failed digests per source per fail window; 0 = no failure bans */
    int fail_window_s;
    size_t sources;     /* table size (sources tracked at once), rounded up to 8 */
    const char *exempt; /* "127.0.0.1, ::1, 10.0.0.0/8" or NULL */
} sip__rate_conf;

/* Verdict of sip__rate_check. */
enum {
    SIP_RATE_PASS = 0, /* answer it */
    SIP_RATE_DROP,     /* banned: drop silently */
    SIP_RATE_BANNED    /* this request got the source banned: drop and log once */
};

/* Validate an exempt list ("a.b.c.d[/n], x::y[/n], ..."; empty/NULL = none). */
rs_status sip__rate_parse_exempt(const char *list, rs_err *err);

/* New table (caller frees with sip__rate_free, NULL-safe). *out is NULL when
 * both limits are 0 (nothing to do). RS_EINVAL for a bad exempt list or
 * out-of-range numbers. conf is copied. */
rs_status sip__rate_new(const sip__rate_conf *conf, sip__rate **out, rs_err *err);
void sip__rate_free(sip__rate *r);

/* One request from numeric address ip at monotonic time now (ms). Sets
 * *unbanned to 1 when a ban of this source just ended (log it). Thread-safe,
 * one stripe lock; r may be NULL (PASS). */
int sip__rate_check(sip__rate *r, const char *ip, int64_t now, int *unbanned);

/* One failed digest from ip: returns 1 when it got the source banned (log
 * it), else 0. Exempt sources are never banned. NULL-safe. */
int sip__rate_failed(sip__rate *r, const char *ip, int64_t now);

/* Lift the bans that ended by now, calling cb (no lock held) with each
 * source's address (borrowed for the call). NULL-safe. */
void sip__rate_sweep(sip__rate *r, int64_t now, void (*cb)(void *ud, const char *ip), void *ud);

/* Sources banned right now (ended bans not yet lifted excluded). NULL-safe. */
uint64_t sip__rate_banned(sip__rate *r, int64_t now);

#endif
