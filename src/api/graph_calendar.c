/* graph_calendar.c - Graph room calendars (admin-api.md section 2.4):
 *   GET  /users/{room}/calendarView?startDateTime=&endDateTime=   Get-RoomCalendar
 *   GET  /users/{room}/calendar/events, /users/{room}/events     Get-RoomCalendar
 *   POST /users/{room}/calendar/getSchedule                      Get-RoomFreeBusy,
 *                                      Get-RoomCalendar, Get-MailboxCalendarConfiguration
 *   POST /users/{organizer|room}/events, .../calendar/events     Submit-RoomMeetingRequest
 * A new event becomes an iTIP REQUEST to each room attendee; the booking
 * engine (src/calendar) decides exactly as for any iCalendar request and the
 * answer shows each room's response. roomsys keeps no organizer mailboxes:
 * the event lives in the rooms' calendars only. Times are answered in UTC
 * unless Prefer: outlook.timezone names a zone roomsys knows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../calendar/calendar.h"
#include "graph_int.h"
#include "rs_util.h"

#define EVENTS_TOP_DEFAULT 10
#define EVENTS_TOP_MAX     1000
#define SCHEDULES_MAX      20
#define ATTENDEES_MAX      500
#define SUBJECT_MAX        255

/* ---- times ---- */

/* "YYYY-MM-DDTHH:MM:SS[.f*][Z|+hh:mm|-hh:mm]" -> seconds. *has_zone says
 * whether an offset or Z was present (else the caller applies a zone). */
static bool parse_iso(const char *s, int64_t *out, bool *has_zone)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        int m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
            return false;
        p += 1 + m;
        if (*p == ':') {
            if (sscanf(p + 1, "%2d%n", &se, &m) != 1 || m != 2)
                return false;
            p += 3;
            if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9')
                    return false;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 || y < 1970 ||
        y > 9999)
        return false;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    int64_t t = (int64_t)timegm(&tm);
    *has_zone = false;
    if (*p == 'Z' || *p == 'z') {
        *has_zone = true;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 || oh > 14 || om > 59)
            return false;
        int64_t off = (int64_t)oh * 3600 + om * 60;
        t -= *p == '+' ? off : -off;
        *has_zone = true;
        p += 1 + m;
    }
    if (*p)
        return false;
    *out = t;
    return true;
}

/* Local wall time `local` in zone z -> UTC. */
static int64_t local_to_utc(const cal_zone *z, int64_t local)
{
    if (!z)
        return local;
    int64_t u = local - cal_zone_offset(z, local);
    return local - cal_zone_offset(z, u);
}

/* {"dateTime":"2026-12-01T09:00:00.0000000","timeZone":<name>} for utc in z. */
static json_t *dtz(int64_t utc, const cal_zone *z, const char *zname)
{
    time_t t = (time_t)(utc + (z ? cal_zone_offset(z, utc) : 0));
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[40];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.0000000", &tm);
    return json_pack("{s:s,s:s}", "dateTime", buf, "timeZone", zname);
}

/* The output zone from Prefer: outlook.timezone="..." (UTC when absent);
 * false after answering 400 for a zone roomsys does not know. */
static bool out_zone(gctx *g, const cal_zone **z, char *name, size_t namesz)
{
    *z = NULL;
    snprintf(name, namesz, "UTC");
    const char *pref = api_form_get_ci(g->req->headers, "Prefer");
    const char *k = pref ? strstr(pref, "outlook.timezone") : NULL;
    if (!k)
        return true;
    k += strlen("outlook.timezone");
    while (*k == ' ' || *k == '=')
        k++;
    bool q = *k == '"';
    if (q)
        k++;
    size_t n = strcspn(k, q ? "\"" : ",; ");
    if (!n || n >= namesz) {
        g_error(g, 400, "ErrorTimeZoneException", "The time zone in the Prefer header is invalid.");
        return false;
    }
    snprintf(name, namesz, "%.*s", (int)n, k);
    if (rs_streq_ci(name, "UTC"))
        return true;
    rs_err e;
    if (!(*z = cal_zone_get(name, &e))) {
        g_error(g, 400, "ErrorTimeZoneException", "The time zone '%s' is not supported.", name);
        return false;
    }
    return true;
}

/* A dateTimeTimeZone object -> UTC seconds; false after answering 400. */
static bool parse_dtz(gctx *g, json_t *o, const char *prop, int64_t *out)
{
    const char *dt = json_string_value(json_object_get(o, "dateTime"));
    const char *tz = json_string_value(json_object_get(o, "timeZone"));
    bool has_zone;
    int64_t t;
    if (!json_is_object(o) || !dt || !parse_iso(dt, &t, &has_zone)) {
        g_error(g, 400, "ErrorInvalidRequest", "The value of '%s' is not a valid dateTimeTimeZone.",
                prop);
        return false;
    }
    const cal_zone *z = NULL;
    if (tz && *tz && !rs_streq_ci(tz, "UTC") && !has_zone) {
        rs_err e;
        if (!(z = cal_zone_get(tz, &e))) {
            g_error(g, 400, "ErrorTimeZoneException",
                    "A valid TimeZone value must be specified. The following TimeZone value is not "
                    "supported: '%s'.",
                    tz);
            return false;
        }
    }
    *out = has_zone ? t : local_to_utc(z, t);
    return true;
}

static void fmt_utc(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- events ---- */

static const char *strip_mailto(const char *s)
{
    return s && rs_prefix_ci(s, "mailto:") ? s + 7 : s ? s : "";
}

static char *event_id(const char *uid, const char *rid)
{
    char *raw = rs_asprintf("%s|%s", uid ? uid : "", rid ? rid : "");
    size_t n = strlen(raw);
    char *id = rs_calloc(4 * ((n + 2) / 3) + 1, 1);
    rs_base64url(raw, n, id);
    free(raw);
    return id;
}

/* Graph event from a Get-RoomCalendar row (borrowed). New reference. */
static json_t *event_of(json_t *row, const char *room_name, const cal_zone *z, const char *zname)
{
    const char *st = json_string_value(json_object_get(row, "Status"));
    bool pending = json_is_true(json_object_get(row, "PendingApproval"));
    const char *show = !st                            ? "unknown"
                       : rs_streq_ci(st, "Busy")      ? "busy"
                       : rs_streq_ci(st, "Tentative") ? "tentative"
                       : rs_streq_ci(st, "Free")      ? "free"
                                                      : "unknown";
    const char *resp =
        pending || rs_streq_ci(show, "tentative") ? "tentativelyAccepted" : "accepted";
    int64_t s = 0, e = 0;
    cal_parse_utc(json_string_value(json_object_get(row, "Start")), &s, NULL);
    cal_parse_utc(json_string_value(json_object_get(row, "End")), &e, NULL);
    const char *uid = json_string_value(json_object_get(row, "Uid"));
    const char *rid = json_string_value(json_object_get(row, "RecurrenceId"));
    char *id = event_id(uid, rid);
    const char *room = json_string_value(json_object_get(row, "Room"));
    const char *org = strip_mailto(json_string_value(json_object_get(row, "Organizer")));
    json_t *ev = json_pack(
        "{s:s,s:s?,s:O,s:b,s:b,s:s,s:s,s:{s:s,s:s},s:o,s:o,s:{s:s},s:[{s:s,s:{s:s,s:s},s:{s:s?,s:"
        "s?}}],s:{s:{s:s,s:s}}}",
        "id", id, "iCalUId", uid, "subject", json_object_get(row, "Subject"), "isCancelled", 0,
        "isAllDay", 0, "showAs", show, "type",
        json_is_true(json_object_get(row, "IsRecurring")) ? "occurrence" : "singleInstance",
        "responseStatus", "response", resp, "time", "0001-01-01T00:00:00Z", "start",
        dtz(s, z, zname), "end", dtz(e, z, zname), "location", "displayName",
        room_name ? room_name : "", "attendees", "type", "resource", "status", "response", resp,
        "time", "0001-01-01T00:00:00Z", "emailAddress", "name", room_name, "address", room,
        "organizer", "emailAddress", "name", org, "address", org);
    free(id);
    return ev;
}

/* Get-Place of `who`: a room's display name (malloc'd) and address; NULL
 * when `who` is not a room (answered only when answer_errors). */
static char *room_name_of(gctx *g, const char *who, char **smtp, bool answer_errors)
{
    json_t *val = NULL;
    rs_err e;
    rs_err_clear(&e);
    *smtp = NULL;
    if (g_invoke(g, "exchange", "Get-Place", json_pack("{s:s}", "Identity", who), &val, &e)) {
        if (answer_errors)
            g_fail(g, &e, who);
        return NULL;
    }
    json_t *p = json_array_get(val, 0);
    char *name = rs_strdup(json_string_value(json_object_get(p, "DisplayName")));
    *smtp = rs_strdup(json_string_value(json_object_get(p, "PrimarySmtpAddress")));
    json_decref(val);
    return name ? name : rs_strdup("");
}

/* Get-RoomCalendar [from, to) -> Graph events page with $top/$skip/nextLink. */
static void list_events(gctx *g, const char *room, int64_t from, int64_t to, const char *link_base)
{
    const cal_zone *z;
    char zname[128];
    int top;
    if (!out_zone(g, &z, zname, sizeof zname) ||
        !g_top(g, EVENTS_TOP_DEFAULT, EVENTS_TOP_MAX, &top))
        return;
    const char *skip_s = g_arg(g, "$skip");
    long skip = 0;
    if (skip_s) {
        char *end;
        skip = strtol(skip_s, &end, 10);
        if (!*skip_s || *end || skip < 0 || skip > 1000000) {
            g_error(g, 400, "ErrorInvalidParameter", "Invalid value for the $skip parameter.");
            return;
        }
    }
    char *smtp = NULL;
    char *name = room_name_of(g, room, &smtp, true);
    if (!name)
        return;
    char a[32], b[32];
    fmt_utc(from, a, sizeof a);
    fmt_utc(to, b, sizeof b);
    json_t *val = NULL;
    rs_err e;
    rs_err_clear(&e);
    if (g_invoke(g, "exchange", "Get-RoomCalendar",
                 json_pack("{s:s,s:s,s:s}", "Identity", smtp, "Start", a, "End", b), &val, &e)) {
        g_fail(g, &e, room);
        goto out;
    }
    json_t *value = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(val, i, row)
    {
        if ((long)i < skip || (long)i >= skip + top)
            continue;
        json_t *ev = event_of(row, name, z, zname);
        json_t *proj = g_project(g, ev, g_arg(g, "$select"), NULL, "microsoft.graph.event");
        json_decref(ev);
        if (!proj) {
            json_decref(value);
            goto out;
        }
        json_array_append_new(value, proj);
    }
    char *ctx = g_url(g, "$metadata#users('%s')/events", room);
    json_t *out = json_pack("{s:s}", "@odata.context", ctx);
    free(ctx);
    if ((long)json_array_size(val) > skip + top) {
        char *next = g_url(g, "%s%s$top=%d&$skip=%ld", link_base,
                           strchr(link_base, '?') ? "&" : "?", top, skip + top);
        json_object_set_new(out, "@odata.nextLink", json_string(next));
        free(next);
    }
    json_object_set_new(out, "value", value);
    g_json(g, 200, out);
out:
    json_decref(val);
    free(name);
    free(smtp);
}

static void calendar_view(gctx *g, const char *room)
{
    const char *sa = g_arg(g, "startDateTime"), *ea = g_arg(g, "endDateTime");
    int64_t from, to;
    bool hz;
    if (!sa || !ea) {
        g_error(g, 400, "ErrorInvalidParameter",
                "This request requires a time window specified by the query string parameters "
                "StartDateTime and EndDateTime.");
        return;
    }
    if (!parse_iso(sa, &from, &hz) || !parse_iso(ea, &to, &hz)) {
        g_error(g, 400, "ErrorInvalidParameter",
                "The parameter 'StartDateTime' or 'EndDateTime' is not a valid ISO 8601 date and "
                "time.");
        return;
    }
    if (to <= from) {
        g_error(g, 400, "ErrorInvalidParameter", "EndDateTime must be later than StartDateTime.");
        return;
    }
    char a[32], b[32];
    fmt_utc(from, a, sizeof a);
    fmt_utc(to, b, sizeof b);
    char *base = rs_asprintf("users/%s/calendarView?startDateTime=%s&endDateTime=%s", room, a, b);
    list_events(g, room, from, to, base);
    free(base);
}

/* ---- getSchedule ---- */

static json_t *work_days(const char *text)
{
    static const char *const names[] = {"sunday",   "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday"};
    json_t *out = json_array();
    for (int d = 0; d < 7; d++) {
        bool on = rs_streq_ci(text, "AllDays") ||
                  (rs_streq_ci(text, "Weekdays") && d >= 1 && d <= 5) ||
                  (rs_streq_ci(text, "WeekendDays") && (d == 0 || d == 6));
        if (!on && text) { /* "Monday, Tuesday" */
            const char *p = text;
            size_t n = strlen(names[d]);
            while (*p) {
                while (*p == ' ' || *p == ',')
                    p++;
                if (!strncasecmp(p, names[d], n) && (p[n] == ',' || !p[n]))
                    on = true;
                p += strcspn(p, ",");
            }
        }
        if (on)
            json_array_append_new(out, json_string(names[d]));
    }
    return out;
}

static char *hms7(const char *t)
{
    return rs_asprintf("%s.0000000", t && *t ? t : "00:00:00");
}

/* One schedule's answer (new reference); NULL after answering a 403. */
static json_t *one_schedule(gctx *g, const char *who, int64_t from, int64_t to, int interval,
                            const cal_zone *z, const char *zname)
{
    char a[32], b[32];
    fmt_utc(from, a, sizeof a);
    fmt_utc(to, b, sizeof b);
    json_t *fb = NULL, *cal = NULL, *cfg = NULL;
    rs_err e;
    rs_err_clear(&e);
    rs_status rc = g_invoke(g, "exchange", "Get-RoomFreeBusy",
                            json_pack("{s:s,s:s,s:s,s:i}", "Identity", who, "Start", a, "End", b,
                                      "IntervalMinutes", interval),
                            &fb, &e);
    if (rc == RS_OK)
        rc = g_invoke(g, "exchange", "Get-RoomCalendar",
                      json_pack("{s:s,s:s,s:s}", "Identity", who, "Start", a, "End", b), &cal, &e);
    if (rc == RS_OK)
        rc = g_invoke(g, "exchange", "Get-MailboxCalendarConfiguration",
                      json_pack("{s:s}", "Identity", who), &cfg, &e);
    json_t *out = NULL;
    if (rc == RS_EPERM) {
        g_fail(g, &e, NULL);
    } else if (rc) {
        out = json_pack("{s:s,s:{s:s,s:s}}", "scheduleId", who, "error", "message", e.msg,
                        "responseCode",
                        rc == RS_ENOTFOUND ? "ErrorMailRecipientNotFound" : "ErrorInvalidRequest");
    } else {
        json_t *items = json_array(), *row;
        size_t i;
        json_array_foreach(cal, i, row)
        {
            int64_t s = 0, en = 0;
            cal_parse_utc(json_string_value(json_object_get(row, "Start")), &s, NULL);
            cal_parse_utc(json_string_value(json_object_get(row, "End")), &en, NULL);
            const char *st = json_string_value(json_object_get(row, "Status"));
            json_array_append_new(
                items, json_pack("{s:b,s:s,s:O,s:s,s:o,s:o}", "isPrivate", 0, "status",
                                 st && rs_streq_ci(st, "Tentative") ? "tentative"
                                 : st && rs_streq_ci(st, "Free")    ? "free"
                                                                    : "busy",
                                 "subject", json_object_get(row, "Subject"), "location", "",
                                 "start", dtz(s, z, zname), "end", dtz(en, z, zname)));
        }
        json_t *c = json_array_get(cfg, 0);
        char *ws = hms7(json_string_value(json_object_get(c, "WorkingHoursStartTime")));
        char *we = hms7(json_string_value(json_object_get(c, "WorkingHoursEndTime")));
        const char *tz = json_string_value(json_object_get(c, "WorkingHoursTimeZone"));
        out =
            json_pack("{s:s,s:O,s:o,s:{s:o,s:s,s:s,s:{s:s}}}", "scheduleId", who,
                      "availabilityView", json_object_get(json_array_get(fb, 0), "MergedFreeBusy"),
                      "scheduleItems", items, "workingHours", "daysOfWeek",
                      work_days(json_string_value(json_object_get(c, "WorkingHoursDaysOfWeek"))),
                      "startTime", ws, "endTime", we, "timeZone", "name", tz ? tz : "UTC");
        free(ws);
        free(we);
    }
    json_decref(fb);
    json_decref(cal);
    json_decref(cfg);
    return out;
}

static void get_schedule(gctx *g)
{
    static const char *const known[] = {"schedules", "startTime", "endTime",
                                        "availabilityViewInterval", NULL};
    json_t *body = g_body(g);
    const cal_zone *z;
    char zname[128];
    if (!body || !g_known_props(g, body, known) || !out_zone(g, &z, zname, sizeof zname))
        goto out;
    json_t *sch = json_object_get(body, "schedules");
    if (!json_is_array(sch) || !json_array_size(sch) || json_array_size(sch) > SCHEDULES_MAX) {
        g_error(g, 400, "ErrorInvalidParameter", "'schedules' must list 1 to %d email addresses.",
                SCHEDULES_MAX);
        goto out;
    }
    size_t i;
    json_t *v;
    json_array_foreach(sch, i, v) if (!json_is_string(v) || !*json_string_value(v))
    {
        g_error(g, 400, "ErrorInvalidParameter", "'schedules' must list email addresses.");
        goto out;
    }
    int64_t from, to;
    if (!parse_dtz(g, json_object_get(body, "startTime"), "startTime", &from) ||
        !parse_dtz(g, json_object_get(body, "endTime"), "endTime", &to))
        goto out;
    json_t *iv = json_object_get(body, "availabilityViewInterval");
    json_int_t interval = 30;
    if (iv && !json_is_null(iv)) {
        if (!json_is_integer(iv)) {
            g_error(g, 400, "ErrorInvalidParameter",
                    "availabilityViewInterval must be an integer number of minutes.");
            goto out;
        }
        interval = json_integer_value(iv);
    }
    if (interval < 5 || interval > 1440) {
        g_error(g, 400, "ErrorInvalidParameter",
                "availabilityViewInterval must be between 5 and 1440 minutes.");
        goto out;
    }
    if (to <= from) {
        g_error(g, 400, "ErrorInvalidParameter", "The end time must be later than the start time.");
        goto out;
    }
    if (to - from > 62 * 86400) {
        g_error(g, 400, "ErrorInvalidParameter",
                "The requested time duration specified is too long: at most 62 days.");
        goto out;
    }
    json_t *value = json_array();
    json_array_foreach(sch, i, v)
    {
        json_t *one = one_schedule(g, json_string_value(v), from, to, (int)interval, z, zname);
        if (!one) {
            json_decref(value);
            goto out;
        }
        json_array_append_new(value, one);
    }
    char *ctx = g_url(g, "$metadata#Collection(microsoft.graph.scheduleInformation)");
    g_json(g, 200, json_pack("{s:s,s:o}", "@odata.context", ctx, "value", value));
    free(ctx);
out:
    json_decref(body);
}

/* ---- creating an event ---- */

/* Append an iCalendar content line, folded at 75 octets (RFC 5545 3.1). */
static void ical_line(char **buf, size_t *len, const char *line)
{
    size_t n = strlen(line);
    size_t need = *len + n + n / 74 * 3 + 3;
    *buf = rs_realloc(*buf, need + 1);
    char *w = *buf + *len;
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)line[i];
        if (col >= 74 && (ch & 0xC0) != 0x80) { /* never split a UTF-8 sequence */
            *w++ = '\r';
            *w++ = '\n';
            *w++ = ' ';
            col = 1;
        }
        *w++ = (char)ch;
        col++;
    }
    *w++ = '\r';
    *w++ = '\n';
    *w = '\0';
    *len = (size_t)(w - *buf);
}

/* TEXT value escaping (RFC 5545 3.3.11). malloc'd. */
static char *ical_text(const char *s)
{
    char *out = rs_calloc(strlen(s) * 2 + 1, 1), *w = out;
    for (; *s; s++) {
        if (*s == '\\' || *s == ';' || *s == ',') {
            *w++ = '\\';
            *w++ = *s;
        } else if (*s == '\n') {
            *w++ = '\\';
            *w++ = 'n';
        } else if (*s != '\r') {
            *w++ = *s;
        }
    }
    return out;
}

/* A parameter-safe address or name (no CR/LF/quotes/colon/semicolon). */
static bool param_safe(const char *s)
{
    return s && !strpbrk(s, "\r\n\";:,") && strlen(s) <= 256;
}

static bool addr_ok(const char *s)
{
    return s && *s && strchr(s, '@') && !strpbrk(s, "\r\n\"; ,:<>") && strlen(s) <= 256;
}

static void create_event(gctx *g, const char *user)
{
    static const char *const known[] = {"subject",
                                        "body",
                                        "start",
                                        "end",
                                        "location",
                                        "locations",
                                        "attendees",
                                        "isAllDay",
                                        "showAs",
                                        "importance",
                                        "sensitivity",
                                        "allowNewTimeProposals",
                                        "transactionId",
                                        "isReminderOn",
                                        "reminderMinutesBeforeStart",
                                        "responseRequested",
                                        "categories",
                                        "isOnlineMeeting",
                                        NULL};
    json_t *body = g_body(g), *places = NULL, *val = NULL, *rooms = json_array(),
           *others = json_array();
    char *ical = NULL, *uid = NULL, *org_name = NULL, *org = NULL, *self_smtp = NULL;
    size_t ilen = 0;
    rs_err e;
    rs_err_clear(&e);
    if (!body || !g_known_props(g, body, known))
        goto out;
    json_t *subj = json_object_get(body, "subject");
    if (subj && !json_is_null(subj) &&
        (!json_is_string(subj) || strlen(json_string_value(subj)) > SUBJECT_MAX)) {
        g_error(g, 400, "ErrorInvalidRequest",
                "The subject must be a string of at most %d "
                "characters.",
                SUBJECT_MAX);
        goto out;
    }
    if (json_is_true(json_object_get(body, "isAllDay"))) {
        g_error(g, 400, "ErrorInvalidRequest", "All-day events are not supported by roomsys.");
        goto out;
    }
    int64_t s, en;
    if (!json_object_get(body, "start") || !json_object_get(body, "end")) {
        g_error(g, 400, "ErrorInvalidRequest", "An event needs 'start' and 'end'.");
        goto out;
    }
    if (!parse_dtz(g, json_object_get(body, "start"), "start", &s) ||
        !parse_dtz(g, json_object_get(body, "end"), "end", &en))
        goto out;
    if (en <= s) {
        g_error(g, 400, "ErrorInvalidRequest", "The end of the event must be after its start.");
        goto out;
    }
    json_t *att = json_object_get(body, "attendees");
    if (att && (!json_is_array(att) || json_array_size(att) > ATTENDEES_MAX)) {
        g_error(g, 400, "ErrorInvalidRequest", "'attendees' must be a list of attendees.");
        goto out;
    }
    /* the rooms of the tenant (Get-Place) to tell rooms among the attendees */
    if (g_invoke(g, "exchange", "Get-Place", json_pack("{s:s}", "Type", "Room"), &places, &e)) {
        g_fail(g, &e, NULL);
        goto out;
    }
    /* {user} itself a room: POST /users/{room}/events books that room for the caller */
    char *self_name = room_name_of(g, user, &self_smtp, false);
    if (self_name) {
        json_array_append_new(rooms,
                              json_pack("{s:s,s:s}", "address", self_smtp, "name", self_name));
        free(self_name);
        org = rs_strdup(g->who.upn);
        org_name = rs_strdup(g->who.upn);
    } else {
        json_t *u = NULL;
        if (g_invoke(g, "msol", "Get-MsolUser", json_pack("{s:s}", "UserPrincipalName", user), &u,
                     &e)) {
            g_fail(g, &e, user);
            goto out;
        }
        json_t *m = json_array_get(u, 0);
        org = rs_strdup(json_string_value(json_object_get(m, "UserPrincipalName")));
        org_name = rs_strdup(json_string_value(json_object_get(m, "DisplayName")));
        json_decref(u);
        if (!org) {
            rs_errf(&e, RS_ENOTFOUND, "not found");
            g_fail(g, &e, user);
            goto out;
        }
    }
    size_t i;
    json_t *a;
    json_array_foreach(att, i, a)
    {
        json_t *em = json_object_get(a, "emailAddress");
        const char *addr = json_string_value(json_object_get(em, "address"));
        const char *type = json_string_value(json_object_get(a, "type"));
        if (!json_is_object(a) || !addr_ok(addr) ||
            (type && !rs_streq_ci(type, "required") && !rs_streq_ci(type, "optional") &&
             !rs_streq_ci(type, "resource"))) {
            g_error(g, 400, "ErrorInvalidRequest",
                    "Attendee %zu has no valid emailAddress.address or type.", i + 1);
            goto out;
        }
        json_t *room = NULL, *p;
        size_t j;
        json_array_foreach(
            places, j,
            p) if (rs_streq_ci(json_string_value(json_object_get(p, "PrimarySmtpAddress")), addr))
            room = p;
        bool dup = false;
        json_t *r;
        json_array_foreach(rooms, j, r) dup |=
            rs_streq_ci(json_string_value(json_object_get(r, "address")), addr);
        if (room && !dup)
            json_array_append_new(rooms, json_pack("{s:O,s:O}", "address",
                                                   json_object_get(room, "PrimarySmtpAddress"),
                                                   "name", json_object_get(room, "DisplayName")));
        else if (!room)
            json_array_append_new(
                others, json_pack("{s:s,s:s,s:s}", "address", addr, "type",
                                  type ? type : "required", "name",
                                  param_safe(json_string_value(json_object_get(em, "name")))
                                      ? json_string_value(json_object_get(em, "name"))
                                      : addr));
    }
    if (!json_array_size(rooms)) {
        g_error(g, 400, "ErrorInvalidRequest",
                "roomsys keeps events in room calendars only: invite a room (a resource "
                "attendee) or create the event in the room's calendar.");
        goto out;
    }
    /* the iTIP request, exactly as a mail client would send it to the rooms */
    unsigned char rnd[16];
    char hex[33];
    rs_random(rnd, sizeof rnd);
    rs_hex(rnd, sizeof rnd, hex);
    uid = rs_asprintf("040000008200E00074C5B7101A82E008%s", hex);
    char ds[32], de[32], now[32];
    time_t tnow = time(NULL);
    struct tm tm;
    gmtime_r(&tnow, &tm);
    strftime(now, sizeof now, "%Y%m%dT%H%M%SZ", &tm);
    time_t ts = (time_t)s, te = (time_t)en;
    gmtime_r(&ts, &tm);
    strftime(ds, sizeof ds, "%Y%m%dT%H%M%SZ", &tm);
    gmtime_r(&te, &tm);
    strftime(de, sizeof de, "%Y%m%dT%H%M%SZ", &tm);
    const char *subject = json_is_string(subj) ? json_string_value(subj) : "";
    char *esub = ical_text(subject);
    char *line;
    ical_line(&ical, &ilen, "BEGIN:VCALENDAR");
    ical_line(&ical, &ilen, "VERSION:2.0");
    ical_line(&ical, &ilen, "PRODID:-//roomsys//Microsoft Graph//EN");
    ical_line(&ical, &ilen, "METHOD:REQUEST");
    ical_line(&ical, &ilen, "BEGIN:VEVENT");
    line = rs_asprintf("UID:%s", uid);
    ical_line(&ical, &ilen, line);
    free(line);
    ical_line(&ical, &ilen, "SEQUENCE:0");
    line = rs_asprintf("DTSTAMP:%s", now);
    ical_line(&ical, &ilen, line);
    free(line);
    line = rs_asprintf("DTSTART:%s", ds);
    ical_line(&ical, &ilen, line);
    free(line);
    line = rs_asprintf("DTEND:%s", de);
    ical_line(&ical, &ilen, line);
    free(line);
    line = rs_asprintf("SUMMARY:%s", esub);
    ical_line(&ical, &ilen, line);
    free(line);
    free(esub);
    line = param_safe(org_name) ? rs_asprintf("ORGANIZER;CN=\"%s\":mailto:%s", org_name, org)
                                : rs_asprintf("ORGANIZER:mailto:%s", org);
    ical_line(&ical, &ilen, line);
    free(line);
    json_t *r;
    json_array_foreach(rooms, i, r)
    {
        const char *nm = json_string_value(json_object_get(r, "name"));
        line = param_safe(nm)
                   ? rs_asprintf("ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
                                 "RSVP=TRUE;CN=\"%s\":mailto:%s",
                                 nm, json_string_value(json_object_get(r, "address")))
                   : rs_asprintf("ATTENDEE;CUTYPE=ROOM;ROLE=NON-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
                                 "RSVP=TRUE:mailto:%s",
                                 json_string_value(json_object_get(r, "address")));
        ical_line(&ical, &ilen, line);
        free(line);
    }
    json_array_foreach(others, i, r)
    {
        line = rs_asprintf("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=%s;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:"
                           "mailto:%s",
                           rs_streq_ci(json_string_value(json_object_get(r, "type")), "optional")
                               ? "OPT-PARTICIPANT"
                               : "REQ-PARTICIPANT",
                           json_string_value(json_object_get(r, "address")));
        ical_line(&ical, &ilen, line);
        free(line);
    }
    ical_line(&ical, &ilen, "END:VEVENT");
    ical_line(&ical, &ilen, "END:VCALENDAR");
    json_t *ids = json_array();
    json_array_foreach(rooms, i, r) json_array_append(ids, json_object_get(r, "address"));
    if (g_invoke(g, "exchange", "Submit-RoomMeetingRequest",
                 json_pack("{s:o,s:s,s:s}", "Identity", ids, "ICalendar", ical, "Sender", org),
                 &val, &e)) {
        g_fail(g, &e, NULL);
        goto out;
    }
    /* the answer: the event as the organizer sees it, each room's response */
    json_t *atts = json_array();
    json_array_foreach(rooms, i, r)
    {
        json_t *res = json_array_get(val, i);
        const char *rsp = json_string_value(json_object_get(res, "Response"));
        const char *gr = !rsp                            ? "none"
                         : rs_streq_ci(rsp, "Accepted")  ? "accepted"
                         : rs_streq_ci(rsp, "Declined")  ? "declined"
                         : rs_streq_ci(rsp, "Tentative") ? "tentativelyAccepted"
                                                         : "notResponded";
        json_array_append_new(atts, json_pack("{s:s,s:{s:s,s:s},s:{s:O,s:O}}", "type", "resource",
                                              "status", "response", gr, "time", now, "emailAddress",
                                              "name", json_object_get(r, "name"), "address",
                                              json_object_get(r, "address")));
    }
    json_array_foreach(others, i, r) json_array_append_new(
        atts,
        json_pack("{s:O,s:{s:s,s:s},s:{s:O,s:O}}", "type", json_object_get(r, "type"), "status",
                  "response", "none", "time", "0001-01-01T00:00:00Z", "emailAddress", "name",
                  json_object_get(r, "name"), "address", json_object_get(r, "address")));
    char *id = event_id(uid, NULL);
    char *ctx = g_url(g, "$metadata#users('%s')/events/$entity", user);
    char created[40];
    rs_time_iso8601_ms(rs_time_now_ms(), created, sizeof created);
    const char *zin =
        json_string_value(json_object_get(json_object_get(body, "start"), "timeZone"));
    const cal_zone *z = NULL;
    rs_err ze;
    if (zin && !rs_streq_ci(zin, "UTC"))
        z = cal_zone_get(zin, &ze);
    const char *zname = z ? zin : "UTC";
    json_t *loc = json_object_get(json_array_get(rooms, 0), "name");
    json_t *ev = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:s,s:s,s:{s:s,s:s},s:o,s:o,s:{s:O},s:o,s:{s:{s:s,s:"
        "s}}}",
        "@odata.context", ctx, "id", id, "createdDateTime", created, "lastModifiedDateTime",
        created, "iCalUId", uid, "subject", subject, "isAllDay", 0, "isCancelled", 0, "isOrganizer",
        1, "showAs", "busy", "type", "singleInstance", "responseStatus", "response", "organizer",
        "time", "0001-01-01T00:00:00Z", "start", dtz(s, z, zname), "end", dtz(en, z, zname),
        "location", "displayName", loc, "attendees", atts, "organizer", "emailAddress", "name",
        org_name ? org_name : org, "address", org);
    free(id);
    free(ctx);
    g_json(g, 201, ev);
out:
    json_decref(body);
    json_decref(places);
    json_decref(val);
    json_decref(rooms);
    json_decref(others);
    if (ical)
        rs_wipe(ical, ilen);
    free(ical);
    free(uid);
    free(org);
    free(org_name);
    free(self_smtp);
}

void graph_calendar(gctx *g, const char *user)
{
    const char *m = g->req->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), post = !strcmp(m, "POST");
    const char *s2 = g->seg[2], *s3 = g->nseg > 3 ? g->seg[3] : NULL;
    if (g->nseg == 3 && rs_streq_ci(s2, "calendarView")) {
        if (get)
            calendar_view(g, user);
        else
            g_method(g, "GET");
    } else if ((g->nseg == 3 && rs_streq_ci(s2, "events")) ||
               (g->nseg == 4 && rs_streq_ci(s2, "calendar") && rs_streq_ci(s3, "events"))) {
        if (get) {
            int64_t now = rs_time_now_ms() / 1000;
            char *base =
                rs_asprintf("users/%s/%s", user, g->nseg == 3 ? "events" : "calendar/events");
            list_events(g, user, now - 366 * 86400, now + (int64_t)CAL_MAX_WINDOW_DAYS * 86400,
                        base);
            free(base);
        } else if (post) {
            create_event(g, user);
        } else {
            g_method(g, "GET, POST");
        }
    } else if (g->nseg == 4 && rs_streq_ci(s2, "calendar") && rs_streq_ci(s3, "calendarView")) {
        if (get)
            calendar_view(g, user);
        else
            g_method(g, "GET");
    } else if (g->nseg == 4 && rs_streq_ci(s2, "calendar") && rs_streq_ci(s3, "getSchedule")) {
        if (post)
            get_schedule(g);
        else
            g_method(g, "POST");
    } else {
        g_error(g, 400, "BadRequest", "Resource not found for the segment '%s'.",
                g->seg[g->nseg - 1]);
    }
}
