/* dtoffset.h - System.DateTimeOffset for the roomsys shell: an instant (UTC
 * ticks) plus the offset of its clock. The minimum admin scripts use:
 * [DateTimeOffset]::Now / UtcNow / Parse() / FromUnixTimeSeconds() /
 * FromUnixTimeMilliseconds() / new(DateTime), [DateTimeOffset]$x,
 * .DateTime .UtcDateTime .LocalDateTime .Offset .UtcTicks and the DateTime
 * parts, ToUnixTimeSeconds(), ToUnixTimeMilliseconds(), ToString([fmt]),
 * ToUniversalTime(), ToLocalTime(), AddDays()...; DateTimeOffset minus
 * DateTimeOffset is a TimeSpan. Private to src/shell; ownership as value.h.
 */
#ifndef LANG_DTOFFSET_H
#define LANG_DTOFFSET_H

#include <stdbool.h>
#include <stdint.h>

#include "interp.h"

/* A DateTimeOffset of the UTC instant utc_ticks seen with offset_sec (new reference). */
lang_value *lang_dto_new(int64_t utc_ticks, long offset_sec);
/* Is v a DateTimeOffset? */
bool lang_dto_is(const lang_value *v);
/* Its instant in UTC ticks (v must be a DateTimeOffset). */
int64_t lang_dto_utc_ticks(const lang_value *v);
/* [DateTimeOffset]v: a DateTimeOffset, a DateTime (Utc: offset 0, else the
 * local offset) or text (Parse). *res new; false when v does not convert. */
bool lang_dto_convert(const lang_value *v, lang_value **res);
/* Property (new reference) with *found, as lang_member. */
lang_value *lang_dto_member(const lang_value *v, const char *name, bool *found);
/* Instance method; LANG_BREAK when there is none of that name. */
lang_status lang_dto_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                            lang_value **args, size_t n, lang_value **res);
/* Static member ([DateTimeOffset]::Now, UtcNow, MinValue, MaxValue) or NULL. */
lang_value *lang_dto_static_member(const char *name);
/* Static method (Parse, FromUnixTimeSeconds, FromUnixTimeMilliseconds, new);
 * LANG_BREAK when there is none of that name. */
lang_status lang_dto_static_method(lang_interp *I, const lang_node *at, const char *name,
                                   lang_value **args, size_t n, lang_value **res);
/* For display: an object of its properties as PowerShell lists them (new reference). */
lang_value *lang_dto_snapshot(const lang_value *v);

#endif
