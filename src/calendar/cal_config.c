/* cal_config.c - room settings for the engine: CalendarProcessing (owned by
 * src/exchange, read here) and the working hours of
 * Set-/Get-MailboxCalendarConfiguration (stored in the mailbox document as
 * CalendarConfiguration). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/rs_util.h"
#include "calendar.h"

static const char *const day_names[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};

static bool jb(json_t *o, const char *k, bool dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static int ji(json_t *o, const char *k, int dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

static int hhmm(const char *s)
{
    int h = -1, m = -1, sec = 0, n = 0;
    if (!s)
        return -1;
    if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2)
        return -1;
    if (s[n] == ':' && sscanf(s + n, ":%2d", &sec) != 1)
        return -1;
    if (h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || sec > 59 || (h == 24 && (m || sec)))
        return -1;
    return h * 60 + m;
}

static unsigned days_mask(json_t *days)
{
    unsigned mask = 0;
    size_t i;
    json_t *v;
    json_array_foreach(days, i, v)
    {
        for (int d = 0; d < 7; d++)
            if (json_is_string(v) && !strcasecmp(json_string_value(v), day_names[d]))
                mask |= 1u << d;
    }
    return mask;
}

json_t *cal_config_defaults(void)
{
    /* SMCC defaults: weekdays 08:00-17:00; the zone is the server's in
     * Exchange, UTC in roomsys */
    return json_pack("{s:s,s:s,s:[s,s,s,s,s],s:s}", "WorkingHoursStartTime", "08:00:00",
                     "WorkingHoursEndTime", "17:00:00", "WorkingHoursDaysOfWeek", "Monday",
                     "Tuesday", "Wednesday", "Thursday", "Friday", "WorkingHoursTimeZone", "UTC");
}

const char *cal_config_zone(json_t *calconfig)
{
    const char *z = json_string_value(json_object_get(calconfig, "WorkingHoursTimeZone"));
    return z && *z ? z : "UTC";
}

void cal_policy_from_json(json_t *cp, json_t *cc, int capacity, const cal_zone *zone, cal_policy *p)
{
    memset(p, 0, sizeof *p);
    const char *ap = json_string_value(json_object_get(cp, "AutomateProcessing"));
    p->mode = !ap                             ? CAL_MODE_AUTOACCEPT
              : !strcasecmp(ap, "None")       ? CAL_MODE_NONE
              : !strcasecmp(ap, "AutoUpdate") ? CAL_MODE_AUTOUPDATE
                                              : CAL_MODE_AUTOACCEPT;
    p->all_book_in = jb(cp, "AllBookInPolicy", true);
    p->all_request_in = jb(cp, "AllRequestInPolicy", false);
    p->all_request_out = jb(cp, "AllRequestOutOfPolicy", false);
    p->allow_conflicts = jb(cp, "AllowConflicts", false);
    p->allow_recurring = jb(cp, "AllowRecurringMeetings", true);
    p->enforce_horizon = jb(cp, "EnforceSchedulingHorizon", true);
    p->work_hours_only = jb(cp, "ScheduleOnlyDuringWorkHours", false);
    p->process_external = jb(cp, "ProcessExternalMeetingMessages", false);
    p->tentative_pending = jb(cp, "TentativePendingApproval", true);
    p->enforce_capacity = jb(cp, "EnforceCapacity", false);
    const char *bt = json_string_value(json_object_get(cp, "BookingType"));
    p->reserved = bt && !strcasecmp(bt, "Reserved");
    p->window_days = ji(cp, "BookingWindowInDays", 180);
    if (p->window_days < 0 || p->window_days > CAL_MAX_WINDOW_DAYS)
        p->window_days = 180;
    p->max_minutes = ji(cp, "MaximumDurationInMinutes", 1440);
    p->conflict_pct = ji(cp, "ConflictPercentageAllowed", 0);
    p->max_conflicts = ji(cp, "MaximumConflictInstances", 0);
    p->capacity = capacity;
    const char *rcm = json_string_value(json_object_get(cp, "RecurringConflictMode"));
    p->rcm =
        rcm && !strcasecmp(rcm, "DoubleBook") ? CAL_RCM_DOUBLE_BOOK : CAL_RCM_DECLINE_INSTANCES;
    json_t *days = json_object_get(cc, "WorkingHoursDaysOfWeek");
    p->work_days = json_is_array(days) ? days_mask(days) : 0x3e;
    int s = hhmm(json_string_value(json_object_get(cc, "WorkingHoursStartTime")));
    int e = hhmm(json_string_value(json_object_get(cc, "WorkingHoursEndTime")));
    p->work_start = s < 0 ? 8 * 60 : s;
    p->work_end = e < 0 ? 17 * 60 : e;
    p->zone = zone;
}

rs_status cal_config_set(json_t *cc, const char *start, const char *end, json_t *days,
                         const char *zone, rs_err *err)
{
    int s =
        start ? hhmm(start) : hhmm(json_string_value(json_object_get(cc, "WorkingHoursStartTime")));
    int e = end ? hhmm(end) : hhmm(json_string_value(json_object_get(cc, "WorkingHoursEndTime")));
    if (start && s < 0)
        return rs_errf(err, RS_EINVAL,
                       "Cannot convert value \"%s\" to type \"System.TimeSpan\": use hh:mm:ss.",
                       start);
    if (end && e < 0)
        return rs_errf(err, RS_EINVAL,
                       "Cannot convert value \"%s\" to type \"System.TimeSpan\": use hh:mm:ss.",
                       end);
    if (s >= 0 && e >= 0 && s >= e)
        return rs_errf(err, RS_EINVAL,
                       "WorkingHoursStartTime must be earlier than WorkingHoursEndTime.");
    if (zone && !cal_zone_iana(zone))
        return rs_errf(err, RS_EINVAL,
                       "\"%s\" is not a valid time zone: use a Windows name such as \"W. Europe "
                       "Standard Time\" or an IANA name such as \"Europe/Berlin\".",
                       zone);
    json_t *list = NULL;
    if (days) {
        list = json_array();
        size_t i;
        json_t *v;
        unsigned mask = 0;
        json_t *in = json_is_array(days) ? days : NULL;
        json_t *one = json_is_string(days) ? json_pack("[O]", days) : NULL;
        if (one)
            in = one;
        json_array_foreach(in, i, v)
        {
            const char *name = json_string_value(v);
            /* "Monday, Tuesday" as one string too */
            char *copy = rs_strdup(name ? name : "");
            char *save = NULL;
            for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
                int d = -1;
                for (int k = 0; k < 7; k++)
                    if (!strcasecmp(tok, day_names[k]))
                        d = k;
                if (d >= 0)
                    mask |= 1u << d;
                else if (!strcasecmp(tok, "Weekdays"))
                    mask |= 0x3e;
                else if (!strcasecmp(tok, "WeekendDays"))
                    mask |= 0x41;
                else if (!strcasecmp(tok, "AllDays"))
                    mask |= 0x7f;
                else if (strcasecmp(tok, "None")) {
                    rs_errf(err, RS_EINVAL,
                            "Cannot convert value \"%s\" to type "
                            "\"Microsoft.Exchange.Data.DaysOfWeek\": use Sunday ... Saturday, "
                            "Weekdays, WeekendDays, AllDays or None.",
                            tok);
                    free(copy);
                    json_decref(one);
                    json_decref(list);
                    return RS_EINVAL;
                }
            }
            free(copy);
        }
        json_decref(one);
        for (int d = 0; d < 7; d++)
            if (mask & (1u << d))
                json_array_append_new(list, json_string(day_names[d]));
    }
    char buf[32];
    if (start) {
        snprintf(buf, sizeof buf, "%02d:%02d:00", s / 60, s % 60);
        json_object_set_new(cc, "WorkingHoursStartTime", json_string(buf));
    }
    if (end) {
        snprintf(buf, sizeof buf, "%02d:%02d:00", e / 60, e % 60);
        json_object_set_new(cc, "WorkingHoursEndTime", json_string(buf));
    }
    if (list)
        json_object_set_new(cc, "WorkingHoursDaysOfWeek", list);
    if (zone)
        json_object_set_new(cc, "WorkingHoursTimeZone", json_string(zone));
    return RS_OK;
}

json_t *cal_config_view(const char *identity, json_t *cc)
{
    json_t *def = cal_config_defaults();
    json_t *days = json_object_get(cc, "WorkingHoursDaysOfWeek");
    if (!json_is_array(days))
        days = json_object_get(def, "WorkingHoursDaysOfWeek");
    unsigned mask = days_mask(days);
    char text[128] = "";
    if (mask == 0x3e)
        snprintf(text, sizeof text, "Weekdays");
    else if (mask == 0x41)
        snprintf(text, sizeof text, "WeekendDays");
    else if (mask == 0x7f)
        snprintf(text, sizeof text, "AllDays");
    else if (mask == 0)
        snprintf(text, sizeof text, "None");
    else
        for (int d = 0; d < 7; d++)
            if (mask & (1u << d)) {
                size_t l = strlen(text);
                snprintf(text + l, sizeof text - l, "%s%s", l ? ", " : "", day_names[d]);
            }
#define F(k)                                                                                       \
    (json_is_string(json_object_get(cc, k)) ? json_object_get(cc, k) : json_object_get(def, k))
    json_t *v =
        json_pack("{s:s,s:s,s:O,s:O,s:O,s:s}", "Identity", identity ? identity : "",
                  "WorkingHoursDaysOfWeek", text, "WorkingHoursStartTime",
                  F("WorkingHoursStartTime"), "WorkingHoursEndTime", F("WorkingHoursEndTime"),
                  "WorkingHoursTimeZone", F("WorkingHoursTimeZone"), "WorkDays", text);
#undef F
    json_decref(def);
    return v;
}
