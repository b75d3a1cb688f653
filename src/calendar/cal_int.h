/* cal_int.h - private to src/calendar: zone helpers and civil-time
 * arithmetic shared by the intake, the engine and the tests. */
#ifndef CAL_INT_H
#define CAL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "calendar.h"

#define CAL_ZONE_FROM ((int64_t)631152000)  /* 1990-01-01 */
#define CAL_ZONE_TO   ((int64_t)2840140800) /* 2060-01-01 */

/* A table for a libical zone (icaltimezone *) over [from, to]; new
 * (cal_zone_free). name copied. */
cal_zone *cal_zone_from_ical(void *ictz, int64_t from, int64_t to, const char *name);
void cal_zone_free(cal_zone *z); /* NULL-safe */
/* A message zone by TZID: the VTIMEZONE in root (icalcomponent *), else
 * libical's own TZID forms; icaltimezone * borrowed from root/libical, or
 * NULL. Serialised with the zone cache. */
void *cal_zone_ical_lookup(void *root, const char *tzid);
/* Local wall-clock seconds (as if UTC) to UTC; *exists false in a DST gap
 * (then the offset before the gap is used, RFC 5545 3.3.5). */
int64_t cal_zone_to_utc(const cal_zone *z, int64_t local, bool *exists);

/* Tests: expand every RRULE with libical's iterator (no fast path). */
extern bool cal_force_libical;
/* Messages the restricted scanner read (the rest went through libical). */
extern unsigned long cal_scan_hits;

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t cal_days_from_civil(int y, int m, int d);
void cal_civil_from_days(int64_t z, int *y, int *m, int *d);

#endif
