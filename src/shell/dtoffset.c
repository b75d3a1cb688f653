/* dtoffset.c - System.DateTimeOffset (see dtoffset.h). */
#include "dtoffset.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "datetime.h"
#include "ops.h"
#include "rs_util.h"

#define DTO_TYPE "System.DateTimeOffset"

typedef struct dto {
    int64_t utc;  /* ticks of the instant, UTC */
    long off_sec; /* offset of the clock from UTC */
} dto;

static void dto_free(void *p)
{
    free(p);
}

/* The clock reading as a DateTime: Utc when the offset is 0, else Local (so
 * zzz / K formats show the offset when it is the local one). */
static lang_value *clock_dt(const dto *d)
{
    return lang_datetime(d->utc + (int64_t)d->off_sec * LANG_TICKS_PER_SEC,
                         d->off_sec == 0 ? LANG_DT_UTC : LANG_DT_LOCAL);
}

/* "$dto": the invariant culture's "MM/dd/yyyy HH:mm:ss zzz". */
static char *dto_to_str(const void *p)
{
    const dto *d = p;
    lang_value *dt = clock_dt(d);
    char *s = lang_dt_format(dt, "MM/dd/yyyy HH:mm:ss");
    lang_unref(dt);
    long o = d->off_sec < 0 ? -d->off_sec : d->off_sec;
    char *r = rs_asprintf("%s %c%02ld:%02ld", s, d->off_sec < 0 ? '-' : '+', o / 3600, o / 60 % 60);
    free(s);
    return r;
}

static const lang_native_type dto_native = {
    .name = "DateTimeOffset", .free = dto_free, .to_str = dto_to_str};

lang_value *lang_dto_new(int64_t utc_ticks, long offset_sec)
{
    lang_value *o = lang_object_new(DTO_TYPE);
    dto *d = rs_calloc(1, sizeof *d);
    d->utc = utc_ticks;
    d->off_sec = offset_sec;
    lang_object_set_native(o, &dto_native, d);
    return o;
}

bool lang_dto_is(const lang_value *v)
{
    return v && v->type == LV_OBJECT && lang_object_native(v, &dto_native);
}

int64_t lang_dto_utc_ticks(const lang_value *v)
{
    const dto *d = lang_object_native(v, &dto_native);
    return d ? d->utc : 0;
}

static lang_value *from_datetime(const lang_value *dt)
{
    int64_t utc = lang_dt_utc_ticks(dt);
    long off = dt->u.dt.kind == LANG_DT_UTC ? 0 : lang_dt_offset_at_utc(utc);
    return lang_dto_new(utc, off);
}

/* Text as DateTimeOffset.Parse reads it: a zone at the end gives the offset,
 * else the local one. */
static lang_value *parse_text(const char *s)
{
    int64_t ticks;
    int kind;
    if (!lang_dt_parse(s, &ticks, &kind))
        return NULL;
    lang_value *dt = lang_datetime(ticks, kind);
    int64_t utc = lang_dt_utc_ticks(dt);
    lang_unref(dt);
    long off = lang_dt_offset_at_utc(utc);
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n && s[n - 1] == 'Z') {
        off = 0;
    } else if (n >= 6 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':') {
        long oh = strtol(s + n - 5, NULL, 10), om = strtol(s + n - 2, NULL, 10);
        off = (oh * 3600 + om * 60) * (s[n - 6] == '-' ? -1 : 1);
    }
    return lang_dto_new(utc, off);
}

bool lang_dto_convert(const lang_value *v, lang_value **res)
{
    *res = NULL;
    if (lang_dto_is(v)) {
        *res = lang_ref((lang_value *)v);
        return true;
    }
    if (v && v->type == LV_DATETIME) {
        *res = from_datetime(v);
        return true;
    }
    if (v && v->type == LV_STRING) {
        *res = parse_text(v->u.str.s);
        return *res != NULL;
    }
    return false;
}

lang_value *lang_dto_member(const lang_value *v, const char *name, bool *found)
{
    const dto *d = lang_object_native(v, &dto_native);
    *found = d != NULL;
    if (!d)
        return NULL;
    if (rs_streq_ci(name, "DateTime")) {
        lang_value *c = clock_dt(d);
        lang_value *r = lang_datetime(c->u.dt.ticks, LANG_DT_UNSPECIFIED);
        lang_unref(c);
        return r;
    }
    if (rs_streq_ci(name, "UtcDateTime"))
        return lang_datetime(d->utc, LANG_DT_UTC);
    if (rs_streq_ci(name, "LocalDateTime")) {
        lang_value *u = lang_datetime(d->utc, LANG_DT_UTC);
        lang_value *r = lang_dt_to_local(u);
        lang_unref(u);
        return r;
    }
    if (rs_streq_ci(name, "Offset"))
        return lang_timespan((int64_t)d->off_sec * LANG_TICKS_PER_SEC);
    if (rs_streq_ci(name, "TotalOffsetMinutes"))
        return lang_int(d->off_sec / 60);
    if (rs_streq_ci(name, "UtcTicks"))
        return lang_int(d->utc);
    if (rs_streq_ci(name, "Microsecond") || rs_streq_ci(name, "Nanosecond")) {
        int64_t t = d->utc % LANG_TICKS_PER_MS;
        return lang_int(rs_streq_ci(name, "Microsecond") ? t / 10 : t % 10 * 100);
    }
    /* the parts of the clock reading (Year ... Ticks, Date, TimeOfDay, DayOfWeek) */
    lang_value *c = clock_dt(d);
    lang_value *u = lang_datetime(c->u.dt.ticks, LANG_DT_UNSPECIFIED);
    lang_unref(c);
    lang_value *r = rs_streq_ci(name, "Kind") ? NULL : lang_dt_member(u, name, found);
    if (rs_streq_ci(name, "Kind"))
        *found = false;
    lang_unref(u);
    return r;
}

lang_value *lang_dto_snapshot(const lang_value *v)
{
    static const char *const props[] = {
        "DateTime",   "UtcDateTime", "LocalDateTime", "Date",        "Day",
        "DayOfWeek",  "DayOfYear",   "Hour",          "Millisecond", "Microsecond",
        "Nanosecond", "Minute",      "Month",         "Offset",      "TotalOffsetMinutes",
        "Second",     "Ticks",       "UtcTicks",      "TimeOfDay",   "Year"};
    lang_value *o = lang_object_new(DTO_TYPE);
    for (size_t k = 0; k < sizeof props / sizeof props[0]; k++) {
        bool found;
        lang_prop_set_take(o, props[k], lang_dto_member(v, props[k], &found));
    }
    return o;
}

static bool num_arg(lang_value **args, size_t n, size_t i, double *out)
{
    int64_t x;
    bool isd;
    if (i >= n || !lang_to_number(args[i], &x, out, &isd))
        return false;
    if (!isd)
        *out = (double)x;
    return true;
}

static lang_status overload_error(lang_interp *I, const lang_node *at, const char *name, size_t n)
{
    return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                         "System.Management.Automation.MethodException",
                         "Cannot find an overload for \"%s\" and the argument count: \"%zu\".",
                         name, n);
}

lang_status lang_dto_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                            lang_value **args, size_t n, lang_value **res)
{
    const dto *d = lang_object_native(v, &dto_native);
    *res = NULL;
    if (!d)
        return LANG_BREAK;
    if (rs_streq_ci(name, "ToUnixTimeSeconds") || rs_streq_ci(name, "ToUnixTimeMilliseconds")) {
        int64_t unit =
            rs_streq_ci(name, "ToUnixTimeSeconds") ? LANG_TICKS_PER_SEC : LANG_TICKS_PER_MS;
        int64_t t = d->utc - LANG_UNIX_EPOCH_TICKS;
        *res = lang_int(t >= 0 ? t / unit : -((-t + unit - 1) / unit)); /* floor, as .NET */
        return LANG_OK;
    }
    if (rs_streq_ci(name, "ToString")) {
        if (n > 1)
            return overload_error(I, at, name, n);
        lang_value *c = clock_dt(d);
        char *f = n ? lang_to_str(args[0]) : NULL;
        char *s = lang_dt_format(c, f && *f ? f : "G");
        lang_unref(c);
        if (!s) {
            lang_status st = lang_op_error(
                I, at, "FormatException", "NotSpecified",
                "System.Management.Automation.MethodInvocationException",
                "Exception calling \"ToString\" with \"%zu\" argument(s): \"Input string was not "
                "in a correct format.\"",
                n);
            free(f);
            return st;
        }
        if (!f || !*f) { /* the default ToString() ends with the offset */
            long o = d->off_sec < 0 ? -d->off_sec : d->off_sec;
            char *t = rs_asprintf("%s %c%02ld:%02ld", s, d->off_sec < 0 ? '-' : '+', o / 3600,
                                  o / 60 % 60);
            free(s);
            s = t;
        }
        free(f);
        *res = lang_str_take(s);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "ToUniversalTime")) {
        *res = lang_dto_new(d->utc, 0);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "ToLocalTime")) {
        *res = lang_dto_new(d->utc, lang_dt_offset_at_utc(d->utc));
        return LANG_OK;
    }
    static const struct {
        const char *name;
        int64_t unit;
    } adds[] = {{"AddDays", LANG_TICKS_PER_DAY},         {"AddHours", 3600 * LANG_TICKS_PER_SEC},
                {"AddMinutes", 60 * LANG_TICKS_PER_SEC}, {"AddSeconds", LANG_TICKS_PER_SEC},
                {"AddMilliseconds", LANG_TICKS_PER_MS},  {"AddTicks", 1}};
    for (size_t k = 0; k < sizeof adds / sizeof adds[0]; k++)
        if (rs_streq_ci(name, adds[k].name)) {
            double x;
            if (n != 1 || !num_arg(args, n, 0, &x))
                return overload_error(I, at, name, n);
            double t = (double)d->utc + x * (double)adds[k].unit;
            if (!(t >= 0 && t <= (double)LANG_MAX_TICKS))
                return lang_op_error(
                    I, at, "ArgumentOutOfRangeException", "NotSpecified",
                    "System.Management.Automation.MethodInvocationException",
                    "Exception calling \"%s\" with \"1\" argument(s): \"The UTC time represented "
                    "when the offset is applied must be between year 0 and 10,000. (Parameter "
                    "'offset')\"",
                    adds[k].name);
            *res = lang_dto_new(x == (double)(int64_t)x ? d->utc + (int64_t)x * adds[k].unit
                                                        : (int64_t)t,
                                d->off_sec);
            return LANG_OK;
        }
    return LANG_BREAK;
}

lang_value *lang_dto_static_member(const char *name)
{
    if (rs_streq_ci(name, "Now") || rs_streq_ci(name, "UtcNow")) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t utc =
            LANG_UNIX_EPOCH_TICKS + (int64_t)ts.tv_sec * LANG_TICKS_PER_SEC + ts.tv_nsec / 100;
        return lang_dto_new(utc, rs_streq_ci(name, "Now") ? lang_dt_offset_at_utc(utc) : 0);
    }
    if (rs_streq_ci(name, "MinValue"))
        return lang_dto_new(0, 0);
    if (rs_streq_ci(name, "MaxValue"))
        return lang_dto_new(LANG_MAX_TICKS, 0);
    if (rs_streq_ci(name, "UnixEpoch"))
        return lang_dto_new(LANG_UNIX_EPOCH_TICKS, 0);
    return NULL;
}

lang_status lang_dto_static_method(lang_interp *I, const lang_node *at, const char *name,
                                   lang_value **args, size_t n, lang_value **res)
{
    *res = NULL;
    if (rs_streq_ci(name, "FromUnixTimeSeconds") || rs_streq_ci(name, "FromUnixTimeMilliseconds")) {
        bool secs = rs_streq_ci(name, "FromUnixTimeSeconds");
        double x;
        if (n != 1 || !num_arg(args, n, 0, &x))
            return overload_error(I, at, name, n);
        int64_t unit = secs ? LANG_TICKS_PER_SEC : LANG_TICKS_PER_MS;
        double t = (double)LANG_UNIX_EPOCH_TICKS + x * (double)unit;
        if (!(t >= 0 && t <= (double)LANG_MAX_TICKS))
            return lang_op_error(I, at, "ArgumentOutOfRangeException", "NotSpecified",
                                 "System.Management.Automation.MethodInvocationException",
                                 "Exception calling \"%s\" with \"1\" argument(s): \"Valid values "
                                 "are between %s and %s, inclusive. (Parameter '%s')\"",
                                 name, secs ? "-62135596800" : "-62135596800000",
                                 secs ? "253402300799" : "253402300799999",
                                 secs ? "seconds" : "milliseconds");
        /* whole units exactly (a double loses the last ticks at this size) */
        *res = lang_dto_new(LANG_UNIX_EPOCH_TICKS + (int64_t)x * unit, 0);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Parse") || rs_streq_ci(name, "new")) {
        if (n != 1)
            return overload_error(I, at, name, n);
        if (lang_dto_convert(args[0], res))
            return LANG_OK;
        char *s = lang_to_str(args[0]);
        lang_status st = lang_op_error(
            I, at, "FormatException", "NotSpecified",
            "System.Management.Automation.MethodInvocationException",
            "Exception calling \"%s\" with \"1\" argument(s): \"String '%s' was not recognized as "
            "a valid DateTime.\"",
            name, s);
        free(s);
        return st;
    }
    return LANG_BREAK;
}
