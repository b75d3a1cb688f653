/* cal_zone.c - time zones as UTC-offset tables built once from libical's
 * zone data (the system tz database on Debian), and Windows zone names
 * (Outlook's TZIDs, WorkingHoursTimeZone) mapped to IANA names (CLDR
 * windowsZones, territory 001). */
#include <libical/ical.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/rs_util.h"
#include "cal_int.h"
#include "calendar.h"

static const struct {
    const char *win, *iana;
} win_zones[] = {
    {"Dateline Standard Time", "Etc/GMT+12"},
    {"UTC-11", "Etc/GMT+11"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"Mountain Standard Time", "America/Denver"},
    {"Central America Standard Time", "America/Guatemala"},
    {"Central Standard Time", "America/Chicago"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"Canada Central Standard Time", "America/Regina"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"Eastern Standard Time", "America/New_York"},
    {"US Eastern Standard Time", "America/Indianapolis"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Argentina Standard Time", "America/Buenos_Aires"},
    {"UTC", "Etc/UTC"},
    {"Coordinated Universal Time", "Etc/UTC"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"FLE Standard Time", "Europe/Kiev"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"Arab Standard Time", "Asia/Riyadh"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"Iran Standard Time", "Asia/Tehran"},
    {"Pakistan Standard Time", "Asia/Karachi"},
    {"India Standard Time", "Asia/Calcutta"},
    {"Nepal Standard Time", "Asia/Katmandu"},
    {"Bangladesh Standard Time", "Asia/Dhaka"},
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"Taipei Standard Time", "Asia/Taipei"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"Cen. Australia Standard Time", "Australia/Adelaide"},
    {"AUS Central Standard Time", "Australia/Darwin"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"Tasmania Standard Time", "Australia/Hobart"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
};

/* libical's built-in zone list is global state: every use goes through zlock. */
static pthread_mutex_t zlock = PTHREAD_MUTEX_INITIALIZER;

static icaltimezone *builtin(const char *iana)
{
    if (!strcmp(iana, "Etc/UTC") || !strcmp(iana, "UTC"))
        return icaltimezone_get_utc_timezone();
    return icaltimezone_get_builtin_timezone(iana);
}

static const char *iana_unlocked(const char *name)
{
    if (!name || !*name)
        return NULL;
    for (size_t i = 0; i < sizeof win_zones / sizeof win_zones[0]; i++)
        if (!strcasecmp(win_zones[i].win, name))
            return win_zones[i].iana;
    if (!strcasecmp(name, "UTC") || !strcasecmp(name, "GMT") || !strcasecmp(name, "Z"))
        return "Etc/UTC";
    icaltimezone *z = icaltimezone_get_builtin_timezone(name);
    return z ? icaltimezone_get_location(z) : NULL;
}

const char *cal_zone_iana(const char *name)
{
    pthread_mutex_lock(&zlock);
    const char *r = iana_unlocked(name);
    pthread_mutex_unlock(&zlock);
    return r;
}

void *cal_zone_ical_lookup(void *root, const char *tzid)
{
    pthread_mutex_lock(&zlock);
    icaltimezone *iz = icalcomponent_get_timezone(root, tzid);
    if (!iz)
        iz = icaltimezone_get_builtin_timezone_from_tzid(tzid);
    pthread_mutex_unlock(&zlock);
    return iz;
}

static int32_t ical_offset(icaltimezone *z, int64_t t)
{
    struct icaltimetype tt =
        icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
    int dl = 0;
    return (int32_t)icaltimezone_get_utc_offset_of_utc_time(z, &tt, &dl);
}

cal_zone *cal_zone_from_ical(void *ictz, int64_t from, int64_t to, const char *name)
{
    icaltimezone *z = ictz;
    cal_zone *out = rs_calloc(1, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name ? name : "");
    size_t cap = 8;
    out->at = rs_malloc(cap * sizeof *out->at);
    out->off = rs_malloc(cap * sizeof *out->off);
    int32_t prev = ical_offset(z, from);
    out->at[0] = from;
    out->off[0] = prev;
    out->n = 1;
    /* transitions are months apart: sample daily, then bisect each change */
    for (int64_t t = from + 86400; t <= to + 86400; t += 86400) {
        int32_t o = ical_offset(z, t);
        if (o == prev)
            continue;
        int64_t lo = t - 86400, hi = t; /* offset(lo) == prev, offset(hi) == o */
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (ical_offset(z, mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        if (out->n == cap) {
            cap *= 2;
            out->at = rs_realloc(out->at, cap * sizeof *out->at);
            out->off = rs_realloc(out->off, cap * sizeof *out->off);
        }
        out->at[out->n] = hi;
        out->off[out->n] = o;
        out->n++;
        prev = o;
    }
    return out;
}

void cal_zone_free(cal_zone *z)
{
    if (!z)
        return;
    free(z->at);
    free(z->off);
    free(z);
}

/* Process-wide cache of built-in zones: tables are immutable once built and
 * live until exit (at most one per IANA name). */
#define ZCACHE_MAX 256
static cal_zone *zcache[ZCACHE_MAX];
static size_t zcache_n;

void cal_init(void)
{
    pthread_mutex_lock(&zlock);
    (void)icaltimezone_get_utc_timezone();
    (void)icaltimezone_get_builtin_timezones();
    pthread_mutex_unlock(&zlock);
}

const cal_zone *cal_zone_get(const char *name, rs_err *err)
{
    pthread_mutex_lock(&zlock);
    const char *iana = iana_unlocked(name);
    if (!iana) {
        pthread_mutex_unlock(&zlock);
        rs_errf(err, RS_EINVAL, "Unknown time zone \"%s\".", name ? name : "");
        return NULL;
    }
    cal_zone *found = NULL;
    for (size_t i = 0; i < zcache_n && !found; i++)
        if (!strcmp(zcache[i]->name, iana))
            found = zcache[i];
    if (!found && zcache_n < ZCACHE_MAX) {
        icaltimezone *z = builtin(iana);
        if (z) {
            found = cal_zone_from_ical(z, CAL_ZONE_FROM, CAL_ZONE_TO, iana);
            zcache[zcache_n++] = found;
        }
    }
    pthread_mutex_unlock(&zlock);
    if (!found)
        rs_errf(err, RS_EINVAL, "Unknown time zone \"%s\".", name);
    return found;
}

int64_t cal_zone_to_utc(const cal_zone *z, int64_t local, bool *exists)
{
    int32_t oa = cal_zone_offset(z, local - 2 * 86400);
    int32_t ob = cal_zone_offset(z, local + 2 * 86400);
    if (cal_zone_offset(z, local - oa) == oa) {
        *exists = true;
        return local - oa; /* ambiguous: the first occurrence */
    }
    if (cal_zone_offset(z, local - ob) == ob) {
        *exists = true;
        return local - ob;
    }
    *exists = false; /* in a gap: the offset before the gap (RFC 5545 3.3.5) */
    return local - oa;
}
