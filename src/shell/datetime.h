/* datetime.h - System.DateTime and System.TimeSpan values of the shell
 * (LV_DATETIME, LV_TIMESPAN in value.h): calendar arithmetic, .NET and
 * -UFormat formatting (en-US), parsing as [datetime]"..." does (invariant
 * culture), and their properties.
 *
 * A DateTime is .NET's: ticks (100 ns) since 0001-01-01 00:00:00 of its own
 * clock, plus a Kind (Unspecified, Utc, Local). Local means the process's
 * time zone (TZ), read through localtime_r/mktime. Comparisons and
 * subtraction use the ticks and ignore the Kind, as .NET does.
 * Ownership follows value.h; returned strings are malloc'd.
 */
#ifndef LANG_DATETIME_H
#define LANG_DATETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "value.h"

#define LANG_TICKS_PER_MS  10000LL
#define LANG_TICKS_PER_SEC 10000000LL
#define LANG_TICKS_PER_DAY 864000000000LL
/* Ticks of 1970-01-01 00:00:00. */
#define LANG_UNIX_EPOCH_TICKS 621355968000000000LL
/* Ticks of 9999-12-31 23:59:59.9999999. */
#define LANG_MAX_TICKS 3155378975999999999LL

enum { LANG_DT_UNSPECIFIED = 0, LANG_DT_UTC = 1, LANG_DT_LOCAL = 2 };

/* The time now as a Local DateTime (new reference). */
lang_value *lang_dt_now(void);
/* Unix milliseconds (UTC) as a DateTime of the given kind: Utc keeps the
 * clock, Local converts to the process's time zone. */
lang_value *lang_dt_from_unix_ms(int64_t ms, int kind);
/* A DateTime from its parts; false when a part is out of range (no value made). */
bool lang_dt_make(int y, int mo, int d, int h, int mi, int s, int ms, int64_t *ticks);
/* The instant as UTC ticks (Unspecified counts as Local, as ToUniversalTime does). */
int64_t lang_dt_utc_ticks(const lang_value *dt);
/* ToUniversalTime / ToLocalTime (new references). */
lang_value *lang_dt_to_utc(const lang_value *dt);
lang_value *lang_dt_to_local(const lang_value *dt);

/* Format dt with a .NET format string (standard "d", "G", "o", ... or custom
 * "yyyy-MM-dd HH:mm"); NULL or "" is "G". NULL for an invalid format. */
char *lang_dt_format(const lang_value *dt, const char *fmt);
/* Get-Date -UFormat ("%Y-%m-%d"). */
char *lang_dt_uformat(const lang_value *dt, const char *fmt);
/* "$dt" (invariant culture): "11/29/2026 11:30:00". */
char *lang_dt_invariant(const lang_value *dt);
/* TimeSpan's ToString(): "[-][d.]hh:mm:ss[.fffffff]". */
char *lang_ts_format(int64_t ticks);

/* [datetime]"..." (invariant culture): yyyy-MM-dd[(T| )HH:mm[:ss[.f…]]][Z|±hh:mm],
 * M/d/yyyy[ h:mm[:ss][ AM|PM]], "MMMM d, yyyy", "d MMMM yyyy" with an optional
 * time. A zone makes a Local value, else Unspecified. False for anything else. */
bool lang_dt_parse(const char *s, int64_t *ticks, int *kind);
/* [datetime]::ParseExact(s, fmt, culture) in the invariant / en-US culture:
 * custom specifiers (yyyy yy MM M MMM MMMM dd d ddd dddd HH H hh h mm m ss s
 * f..fffffff F..FFFFFFF tt t K z zz zzz, quotes, \ escapes, % ) or a standard
 * format letter (d D f F g G M o r s t T u Y). The whole text must match; a
 * zone makes a Local value (converted), else Unspecified. */
bool lang_dt_parse_exact(const char *s, const char *fmt, int64_t *ticks, int *kind);
/* Offset of local time from UTC in seconds at the UTC instant utc_ticks. */
long lang_dt_offset_at_utc(int64_t utc_ticks);
/* [timespan]"[-][d.]hh:mm[:ss[.f…]]" or "d". */
bool lang_ts_parse(const char *s, int64_t *ticks);

/* Property of a DateTime or TimeSpan (new reference); *found false when it
 * has no such property. */
lang_value *lang_dt_member(const lang_value *v, const char *name, bool *found);
/* The names of the properties Format-List shows (NULL-terminated, static). */
const char *const *lang_ts_props(void);

#endif
