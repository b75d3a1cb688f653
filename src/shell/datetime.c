/* datetime.c - DateTime and TimeSpan values (see datetime.h). */
#include "datetime.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rs_util.h"

static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* ---- calendar (proleptic Gregorian, H. Hinnant's algorithms) ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468; /* days since 1970-01-01 */
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* Days since 0001-01-01 of 1970-01-01. */
#define EPOCH_DAYS 719162LL

typedef struct civil {
    int y, mo, d, h, mi, s, ms;
    int64_t frac; /* ticks within the second */
    int dow, doy;
} civil;

static void to_civil(int64_t ticks, civil *c)
{
    int64_t days = ticks / LANG_TICKS_PER_DAY;
    int64_t rem = ticks % LANG_TICKS_PER_DAY;
    civil_from_days(days - EPOCH_DAYS, &c->y, &c->mo, &c->d);
    c->h = (int)(rem / (3600 * LANG_TICKS_PER_SEC));
    c->mi = (int)(rem / (60 * LANG_TICKS_PER_SEC) % 60);
    c->s = (int)(rem / LANG_TICKS_PER_SEC % 60);
    c->frac = rem % LANG_TICKS_PER_SEC;
    c->ms = (int)(c->frac / LANG_TICKS_PER_MS);
    c->dow = (int)((days + 1) % 7); /* 0001-01-01 was a Monday */
    c->doy = (int)(days - (days_from_civil(c->y, 1, 1) + EPOCH_DAYS)) + 1;
}

bool lang_dt_make(int y, int mo, int d, int h, int mi, int s, int ms, int64_t *ticks)
{
    if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0 || ms > 999)
        return false;
    int64_t days = days_from_civil(y, mo, d) + EPOCH_DAYS;
    *ticks = days * LANG_TICKS_PER_DAY + ((int64_t)h * 3600 + mi * 60 + s) * LANG_TICKS_PER_SEC +
             (int64_t)ms * LANG_TICKS_PER_MS;
    return true;
}

/* ---- time zone ---- */

/* Offset of local time from UTC, in seconds, at the UTC instant t. */
static long offset_at_utc(int64_t utc_ticks)
{
    time_t t = (time_t)((utc_ticks - LANG_UNIX_EPOCH_TICKS) / LANG_TICKS_PER_SEC);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return tm.tm_gmtoff;
}

long lang_dt_offset_at_utc(int64_t utc_ticks)
{
    return offset_at_utc(utc_ticks);
}

/* Offset of local time from UTC at the local clock reading local_ticks. */
static long offset_at_local(int64_t local_ticks)
{
    long off = offset_at_utc(local_ticks);
    /* one refinement step covers the hours around a DST change */
    return offset_at_utc(local_ticks - off * LANG_TICKS_PER_SEC);
}

static int64_t clamp_ticks(int64_t t)
{
    return t < 0 ? 0 : t > LANG_MAX_TICKS ? LANG_MAX_TICKS : t;
}

lang_value *lang_dt_from_unix_ms(int64_t ms, int kind)
{
    int64_t utc = LANG_UNIX_EPOCH_TICKS + ms * LANG_TICKS_PER_MS;
    if (kind == LANG_DT_LOCAL)
        return lang_datetime(clamp_ticks(utc + offset_at_utc(utc) * LANG_TICKS_PER_SEC), kind);
    return lang_datetime(clamp_ticks(utc), kind);
}

lang_value *lang_dt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t utc =
        LANG_UNIX_EPOCH_TICKS + (int64_t)ts.tv_sec * LANG_TICKS_PER_SEC + ts.tv_nsec / 100;
    return lang_datetime(utc + offset_at_utc(utc) * LANG_TICKS_PER_SEC, LANG_DT_LOCAL);
}

int64_t lang_dt_utc_ticks(const lang_value *dt)
{
    if (dt->u.dt.kind == LANG_DT_UTC)
        return dt->u.dt.ticks;
    return clamp_ticks(dt->u.dt.ticks - offset_at_local(dt->u.dt.ticks) * LANG_TICKS_PER_SEC);
}

lang_value *lang_dt_to_utc(const lang_value *dt)
{
    return lang_datetime(lang_dt_utc_ticks(dt), LANG_DT_UTC);
}

lang_value *lang_dt_to_local(const lang_value *dt)
{
    if (dt->u.dt.kind == LANG_DT_LOCAL)
        return lang_datetime(dt->u.dt.ticks, LANG_DT_LOCAL);
    int64_t utc = dt->u.dt.ticks; /* Unspecified counts as UTC here, as in .NET */
    return lang_datetime(clamp_ticks(utc + offset_at_utc(utc) * LANG_TICKS_PER_SEC), LANG_DT_LOCAL);
}

/* ---- formatting ---- */

static void put_offset(rs_buf *b, long off, int width)
{
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    if (width == 1)
        rs_buf_printf(b, "%c%ld", sign, off / 3600);
    else if (width == 2)
        rs_buf_printf(b, "%c%02ld", sign, off / 3600);
    else
        rs_buf_printf(b, "%c%02ld:%02ld", sign, off / 3600, off / 60 % 60);
}

static long dt_offset(const lang_value *dt)
{
    if (dt->u.dt.kind == LANG_DT_UTC)
        return 0;
    return offset_at_local(dt->u.dt.ticks);
}

static size_t run_of(const char *p)
{
    size_t n = 1;
    while (p[n] == p[0])
        n++;
    return n;
}

/* .NET custom format; false on a malformed pattern. */
static bool custom_format(rs_buf *b, const lang_value *dt, const char *fmt)
{
    civil c;
    to_civil(dt->u.dt.ticks, &c);
    for (const char *p = fmt; *p;) {
        size_t n = run_of(p);
        switch (*p) {
        case 'd':
            if (n == 1)
                rs_buf_printf(b, "%d", c.d);
            else if (n == 2)
                rs_buf_printf(b, "%02d", c.d);
            else if (n == 3)
                rs_buf_printf(b, "%.3s", day_names[c.dow]);
            else
                rs_buf_puts(b, day_names[c.dow]);
            break;
        case 'f':
        case 'F': {
            if (n > 7)
                return false;
            char digits[8];
            snprintf(digits, sizeof digits, "%07lld", (long long)c.frac);
            size_t k = n;
            if (*p == 'F')
                while (k > 0 && digits[k - 1] == '0')
                    k--;
            rs_buf_append(b, digits, k);
            break;
        }
        case 'g':
            rs_buf_puts(b, "A.D.");
            break;
        case 'h':
            rs_buf_printf(b, n == 1 ? "%d" : "%02d", c.h % 12 ? c.h % 12 : 12);
            break;
        case 'H':
            rs_buf_printf(b, n == 1 ? "%d" : "%02d", c.h);
            break;
        case 'm':
            rs_buf_printf(b, n == 1 ? "%d" : "%02d", c.mi);
            break;
        case 'M':
            if (n == 1)
                rs_buf_printf(b, "%d", c.mo);
            else if (n == 2)
                rs_buf_printf(b, "%02d", c.mo);
            else if (n == 3)
                rs_buf_printf(b, "%.3s", month_names[c.mo - 1]);
            else
                rs_buf_puts(b, month_names[c.mo - 1]);
            break;
        case 's':
            rs_buf_printf(b, n == 1 ? "%d" : "%02d", c.s);
            break;
        case 't':
            if (n == 1)
                rs_buf_putc(b, c.h < 12 ? 'A' : 'P');
            else
                rs_buf_puts(b, c.h < 12 ? "AM" : "PM");
            break;
        case 'y':
            if (n == 1)
                rs_buf_printf(b, "%d", c.y % 100);
            else if (n == 2)
                rs_buf_printf(b, "%02d", c.y % 100);
            else
                rs_buf_printf(b, "%0*d", (int)n, c.y);
            break;
        case 'z':
            put_offset(b, dt_offset(dt), n > 3 ? 3 : (int)n);
            break;
        case 'K':
            n = 1;
            if (dt->u.dt.kind == LANG_DT_UTC)
                rs_buf_putc(b, 'Z');
            else if (dt->u.dt.kind == LANG_DT_LOCAL)
                put_offset(b, dt_offset(dt), 3);
            break;
        case '\'':
        case '"': {
            const char *q = strchr(p + 1, *p);
            if (!q)
                return false;
            rs_buf_append(b, p + 1, (size_t)(q - p - 1));
            n = (size_t)(q - p) + 1;
            break;
        }
        case '\\':
            if (!p[1])
                return false;
            rs_buf_putc(b, p[1]);
            n = 2;
            break;
        case '%':
            n = 1; /* "%d": a custom one-letter pattern */
            if (!p[1] || p[1] == '%')
                return false;
            break;
        default:
            n = 1;
            rs_buf_putc(b, *p);
            break;
        }
        p += n;
    }
    return true;
}

char *lang_dt_format(const lang_value *dt, const char *fmt)
{
    if (!fmt || !*fmt)
        fmt = "G";
    const char *pat = fmt;
    lang_value *conv = NULL;
    if (strlen(fmt) == 1) {
        switch (fmt[0]) {
        case 'd':
            pat = "M/d/yyyy";
            break;
        case 'D':
            pat = "dddd, MMMM d, yyyy";
            break;
        case 'f':
            pat = "dddd, MMMM d, yyyy h:mm tt";
            break;
        case 'F':
            pat = "dddd, MMMM d, yyyy h:mm:ss tt";
            break;
        case 'g':
            pat = "M/d/yyyy h:mm tt";
            break;
        case 'G':
            pat = "M/d/yyyy h:mm:ss tt";
            break;
        case 'm':
        case 'M':
            pat = "MMMM d";
            break;
        case 'o':
        case 'O':
            pat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK";
            break;
        case 'r':
        case 'R':
            pat = "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";
            break;
        case 's':
            pat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss";
            break;
        case 't':
            pat = "h:mm tt";
            break;
        case 'T':
            pat = "h:mm:ss tt";
            break;
        case 'u':
            pat = "yyyy'-'MM'-'dd HH':'mm':'ss'Z'";
            break;
        case 'U':
            pat = "dddd, MMMM d, yyyy h:mm:ss tt";
            conv = lang_dt_to_utc(dt);
            break;
        case 'y':
        case 'Y':
            pat = "MMMM yyyy";
            break;
        default:
            return NULL; /* FormatException */
        }
    }
    rs_buf b = {0};
    bool ok = custom_format(&b, conv ? conv : dt, pat);
    lang_unref(conv);
    if (!ok) {
        rs_buf_free(&b);
        return NULL;
    }
    return b.data ? rs_buf_take(&b) : rs_strdup("");
}

char *lang_dt_invariant(const lang_value *dt)
{
    return lang_dt_format(dt, "MM/dd/yyyy HH:mm:ss");
}

char *lang_dt_uformat(const lang_value *dt, const char *fmt)
{
    civil c;
    to_civil(dt->u.dt.ticks, &c);
    struct tm tm = {.tm_year = c.y - 1900,
                    .tm_mon = c.mo - 1,
                    .tm_mday = c.d,
                    .tm_hour = c.h,
                    .tm_min = c.mi,
                    .tm_sec = c.s,
                    .tm_wday = c.dow,
                    .tm_yday = c.doy - 1,
                    .tm_isdst = -1};
    rs_buf b = {0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%' || !p[1]) {
            rs_buf_putc(&b, *p);
            continue;
        }
        char k = *++p;
        int h12 = c.h % 12 ? c.h % 12 : 12;
        switch (k) {
        case 'a':
            rs_buf_printf(&b, "%.3s", day_names[c.dow]);
            break;
        case 'A':
            rs_buf_puts(&b, day_names[c.dow]);
            break;
        case 'b':
        case 'h':
            rs_buf_printf(&b, "%.3s", month_names[c.mo - 1]);
            break;
        case 'B':
            rs_buf_puts(&b, month_names[c.mo - 1]);
            break;
        case 'C':
            rs_buf_printf(&b, "%02d", c.y / 100);
            break;
        case 'c':
            rs_buf_printf(&b, "%.3s %.3s %2d %02d:%02d:%02d %d", day_names[c.dow],
                          month_names[c.mo - 1], c.d, c.h, c.mi, c.s, c.y);
            break;
        case 'd':
            rs_buf_printf(&b, "%02d", c.d);
            break;
        case 'D':
            rs_buf_printf(&b, "%02d/%02d/%02d", c.mo, c.d, c.y % 100);
            break;
        case 'e':
            rs_buf_printf(&b, "%2d", c.d);
            break;
        case 'F':
            rs_buf_printf(&b, "%04d-%02d-%02d", c.y, c.mo, c.d);
            break;
        case 'H':
            rs_buf_printf(&b, "%02d", c.h);
            break;
        case 'I':
            rs_buf_printf(&b, "%02d", h12);
            break;
        case 'j':
            rs_buf_printf(&b, "%03d", c.doy);
            break;
        case 'k':
            rs_buf_printf(&b, "%2d", c.h);
            break;
        case 'l':
            rs_buf_printf(&b, "%2d", h12);
            break;
        case 'm':
            rs_buf_printf(&b, "%02d", c.mo);
            break;
        case 'M':
            rs_buf_printf(&b, "%02d", c.mi);
            break;
        case 'n':
            rs_buf_putc(&b, '\n');
            break;
        case 'p':
            rs_buf_puts(&b, c.h < 12 ? "AM" : "PM");
            break;
        case 'r':
            rs_buf_printf(&b, "%02d:%02d:%02d %s", h12, c.mi, c.s, c.h < 12 ? "AM" : "PM");
            break;
        case 'R':
            rs_buf_printf(&b, "%02d:%02d", c.h, c.mi);
            break;
        case 's':
            rs_buf_printf(
                &b, "%lld",
                (long long)((lang_dt_utc_ticks(dt) - LANG_UNIX_EPOCH_TICKS) / LANG_TICKS_PER_SEC));
            break;
        case 'S':
            rs_buf_printf(&b, "%02d", c.s);
            break;
        case 't':
            rs_buf_putc(&b, '\t');
            break;
        case 'T':
        case 'X':
            rs_buf_printf(&b, "%02d:%02d:%02d", c.h, c.mi, c.s);
            break;
        case 'u':
            rs_buf_printf(&b, "%d", c.dow ? c.dow : 7);
            break;
        case 'w':
            rs_buf_printf(&b, "%d", c.dow);
            break;
        case 'x':
            rs_buf_printf(&b, "%02d/%02d/%02d", c.mo, c.d, c.y % 100);
            break;
        case 'y':
            rs_buf_printf(&b, "%02d", c.y % 100);
            break;
        case 'Y':
            rs_buf_printf(&b, "%d", c.y);
            break;
        case 'Z':
            put_offset(&b, dt_offset(dt), 2);
            break;
        case '%':
            rs_buf_putc(&b, '%');
            break;
        case 'G':
        case 'U':
        case 'V':
        case 'W': {
            char out[32];
            size_t len = k == 'G'   ? strftime(out, sizeof out, "%G", &tm)
                         : k == 'U' ? strftime(out, sizeof out, "%U", &tm)
                         : k == 'V' ? strftime(out, sizeof out, "%V", &tm)
                                    : strftime(out, sizeof out, "%W", &tm);
            rs_buf_append(&b, out, len);
            break;
        }
        default:
            rs_buf_putc(&b, '%');
            rs_buf_putc(&b, k);
            break;
        }
    }
    return b.data ? rs_buf_take(&b) : rs_strdup("");
}

char *lang_ts_format(int64_t ticks)
{
    rs_buf b = {0};
    uint64_t t = ticks < 0 ? (uint64_t)0 - (uint64_t)ticks : (uint64_t)ticks;
    if (ticks < 0)
        rs_buf_putc(&b, '-');
    uint64_t days = t / LANG_TICKS_PER_DAY;
    uint64_t rem = t % LANG_TICKS_PER_DAY;
    if (days)
        rs_buf_printf(&b, "%llu.", (unsigned long long)days);
    rs_buf_printf(&b, "%02llu:%02llu:%02llu",
                  (unsigned long long)(rem / (3600 * LANG_TICKS_PER_SEC)),
                  (unsigned long long)(rem / (60 * LANG_TICKS_PER_SEC) % 60),
                  (unsigned long long)(rem / LANG_TICKS_PER_SEC % 60));
    if (rem % LANG_TICKS_PER_SEC)
        rs_buf_printf(&b, ".%07llu", (unsigned long long)(rem % LANG_TICKS_PER_SEC));
    return rs_buf_take(&b);
}

/* ---- parsing ---- */

static int month_of(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++)
        if (!strncasecmp(s, month_names[m], n) && (n == 3 || n == strlen(month_names[m])))
            return m + 1;
    return 0;
}

/* " h:mm[:ss[.fff]][ AM|PM]" at *pp (leading space already skipped). */
static bool parse_time(const char **pp, int *h, int *mi, int *s, int64_t *frac)
{
    const char *p = *pp;
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || end - p > 2 || *end != ':')
        return false;
    *h = (int)v;
    p = end + 1;
    v = strtol(p, &end, 10);
    if (end - p != 2)
        return false;
    *mi = (int)v;
    p = end;
    if (*p == ':') {
        p++;
        v = strtol(p, &end, 10);
        if (end - p != 2)
            return false;
        *s = (int)v;
        p = end;
        if (*p == '.') {
            p++;
            int64_t scale = LANG_TICKS_PER_SEC / 10;
            if (!isdigit((unsigned char)*p))
                return false;
            for (; isdigit((unsigned char)*p); p++, scale /= 10)
                *frac += (*p - '0') * scale;
        }
    }
    const char *q = p;
    while (*q == ' ')
        q++;
    if ((toupper((unsigned char)q[0]) == 'A' || toupper((unsigned char)q[0]) == 'P') &&
        toupper((unsigned char)q[1]) == 'M' && !isalnum((unsigned char)q[2])) {
        if (*h < 1 || *h > 12)
            return false;
        *h = *h % 12 + (toupper((unsigned char)q[0]) == 'P' ? 12 : 0);
        p = q + 2;
    }
    *pp = p;
    return true;
}

/* Parsed fields as ticks (*ticks); with a zone, off (seconds east of UTC)
 * converts the time to local time and *kind says so. */
static bool make_parsed(int y, int mo, int d, int h, int mi, int sec, int64_t frac, bool zone,
                        long off, int64_t *ticks, int *kind)
{
    int64_t t;
    if (!lang_dt_make(y, mo, d, h, mi, sec, 0, &t))
        return false;
    t += frac;
    if (zone) {
        int64_t utc = t - off * LANG_TICKS_PER_SEC;
        t = clamp_ticks(utc + offset_at_utc(utc) * LANG_TICKS_PER_SEC);
        *kind = LANG_DT_LOCAL;
    }
    *ticks = t;
    return true;
}

bool lang_dt_parse(const char *s, int64_t *ticks, int *kind)
{
    while (*s == ' ')
        s++;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
    int64_t frac = 0;
    const char *p;
    char word[16];
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
        p = s + n;
    } else if (sscanf(s, "%2d/%2d/%4d%n", &mo, &d, &y, &n) == 3) {
        p = s + n;
    } else if (sscanf(s, "%15[A-Za-z] %2d, %4d%n", word, &d, &y, &n) == 3 ||
               sscanf(s, "%15[A-Za-z] %2d %4d%n", word, &d, &y, &n) == 3) {
        mo = month_of(word, strlen(word));
        p = s + n;
    } else if (sscanf(s, "%2d %15[A-Za-z] %4d%n", &d, word, &y, &n) == 3) {
        mo = month_of(word, strlen(word));
        p = s + n;
    } else {
        return false;
    }
    if (!mo)
        return false;
    *kind = LANG_DT_UNSPECIFIED;
    long off = 0;
    bool zone = false;
    if (*p == 'T' || *p == ' ') {
        const char *q = p + 1;
        while (*q == ' ')
            q++;
        if (*q) {
            if (!parse_time(&q, &h, &mi, &sec, &frac))
                return false;
            p = q;
        } else {
            p = q;
        }
    }
    if (*p == 'Z') {
        zone = true;
        p++;
    } else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
               isdigit((unsigned char)p[2])) {
        int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = 0;
        const char *q = p + 3;
        if (*q == ':')
            q++;
        if (isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1])) {
            om = (q[0] - '0') * 10 + (q[1] - '0');
            q += 2;
        }
        off = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
        zone = true;
        p = q;
    }
    while (*p == ' ')
        p++;
    if (*p)
        return false;
    return make_parsed(y, mo, d, h, mi, sec, frac, zone, off, ticks, kind);
}

/* ---- ParseExact ---- */

/* Read between min and max digits at *pp into *v. */
static bool read_digits(const char **pp, int min, int max, int *v)
{
    const char *p = *pp;
    int n = 0, x = 0;
    while (n < max && isdigit((unsigned char)p[n])) {
        x = x * 10 + (p[n] - '0');
        n++;
    }
    if (n < min)
        return false;
    *v = x;
    *pp = p + n;
    return true;
}

/* A name from names[0..count) (full, or its first three letters when abbrev)
 * at *pp, case-insensitively; its index + 1, or 0. */
static int read_name(const char **pp, const char *const *names, int count, bool abbrev)
{
    for (int i = 0; i < count; i++) {
        size_t n = abbrev ? 3 : strlen(names[i]);
        if (!strncasecmp(*pp, names[i], n)) {
            *pp += n;
            return i + 1;
        }
    }
    return 0;
}

/* The custom pattern of a .NET standard format (en-US / invariant), or fmt. */
static const char *exact_pattern(const char *fmt, bool *utc_zone)
{
    *utc_zone = false;
    if (!fmt[0] || fmt[1])
        return fmt;
    switch (fmt[0]) {
    case 'd':
        return "M/d/yyyy";
    case 'D':
        return "dddd, MMMM d, yyyy";
    case 'f':
        return "dddd, MMMM d, yyyy h:mm tt";
    case 'F':
        return "dddd, MMMM d, yyyy h:mm:ss tt";
    case 'g':
        return "M/d/yyyy h:mm tt";
    case 'G':
        return "M/d/yyyy h:mm:ss tt";
    case 'M':
    case 'm':
        return "MMMM d";
    case 'o':
    case 'O':
        return "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK";
    case 'r':
    case 'R':
        *utc_zone = true;
        return "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";
    case 's':
        return "yyyy'-'MM'-'dd'T'HH':'mm':'ss";
    case 't':
        return "h:mm tt";
    case 'T':
        return "h:mm:ss tt";
    case 'u':
        *utc_zone = true;
        return "yyyy'-'MM'-'dd HH':'mm':'ss'Z'";
    case 'y':
    case 'Y':
        return "MMMM yyyy";
    }
    return NULL; /* not a standard format: FormatException */
}

bool lang_dt_parse_exact(const char *s, const char *fmt, int64_t *ticks, int *kind)
{
    bool utc_zone;
    const char *f = exact_pattern(fmt, &utc_zone);
    if (!f || !*f)
        return false;
    int y = -1, mo = -1, d = -1, h = 0, mi = 0, sec = 0, ampm = 0;
    bool h12 = false, zone = utc_zone;
    int64_t frac = 0;
    long off = 0;
    const char *p = s;
    while (*f) {
        char c = *f;
        size_t n = run_of(f);
        if (c == '\'' || c == '"') {
            const char *end = strchr(f + 1, c);
            if (!end)
                return false;
            size_t len = (size_t)(end - f - 1);
            if (strncmp(p, f + 1, len))
                return false;
            p += len;
            f = end + 1;
            continue;
        }
        if (c == '\\') {
            if (!f[1] || *p != f[1])
                return false;
            p++;
            f += 2;
            continue;
        }
        if (c == '%') {
            f++;
            continue;
        }
        bool ok = true;
        switch (c) {
        case 'y':
            ok = n <= 2 ? read_digits(&p, n, 2, &y) : read_digits(&p, (int)n, (int)n, &y);
            if (ok && n <= 2)
                y += y < 50 ? 2000 : 1900; /* .NET's TwoDigitYearMax 2049 */
            break;
        case 'M':
            if (n <= 2)
                ok = read_digits(&p, (int)n, 2, &mo);
            else
                ok = (mo = read_name(&p, month_names, 12, n == 3)) != 0;
            break;
        case 'd':
            if (n <= 2) {
                ok = read_digits(&p, (int)n, 2, &d);
            } else {
                ok = read_name(&p, day_names, 7, n == 3) != 0; /* checked by nothing: as .NET */
            }
            break;
        case 'h':
            h12 = true;
            /* fall through */
        case 'H':
            ok = read_digits(&p, (int)(n > 2 ? 2 : n), 2, &h);
            break;
        case 'm':
            ok = read_digits(&p, (int)(n > 2 ? 2 : n), 2, &mi);
            break;
        case 's':
            ok = read_digits(&p, (int)(n > 2 ? 2 : n), 2, &sec);
            break;
        case 'f':
        case 'F': {
            if (n > 7)
                return false;
            int digits = 0;
            int64_t scale = LANG_TICKS_PER_SEC / 10, v = 0;
            while (digits < (int)n && isdigit((unsigned char)p[digits])) {
                v += (p[digits] - '0') * scale;
                scale /= 10;
                digits++;
            }
            if (c == 'f' && digits != (int)n)
                return false;
            frac = v;
            p += digits;
            break;
        }
        case 't':
            if (toupper((unsigned char)p[0]) == 'A' || toupper((unsigned char)p[0]) == 'P') {
                ampm = toupper((unsigned char)p[0]) == 'P' ? 2 : 1;
                p++;
                if (n >= 2) {
                    if (toupper((unsigned char)*p) != 'M')
                        return false;
                    p++;
                }
            } else {
                ok = false;
            }
            break;
        case 'K':
        case 'z':
            if (c == 'K' && *p == 'Z') {
                zone = true;
                off = 0;
                p++;
                break;
            }
            if (c == 'K' && *p != '+' && *p != '-')
                break; /* K matches nothing for an Unspecified time */
            if (*p == '+' || *p == '-') {
                int sign = *p == '-' ? -1 : 1, oh, om = 0;
                p++;
                if (!read_digits(&p, c == 'z' && n == 1 ? 1 : 2, 2, &oh))
                    return false;
                if (c == 'K' || n >= 3) {
                    if (*p != ':' || !(p++, read_digits(&p, 2, 2, &om)))
                        return false;
                }
                off = sign * (oh * 3600L + om * 60L);
                zone = true;
            } else {
                ok = false;
            }
            break;
        case ':':
        case '/':
            ok = *p == c;
            p++;
            break;
        default:
            if (isalpha((unsigned char)c))
                return false; /* an unknown specifier letter: no match, as .NET */
            ok = *p == c;
            p++;
            n = 1;
            break;
        }
        if (!ok)
            return false;
        if (c == ':' || c == '/')
            n = 1;
        f += n;
    }
    if (*p)
        return false;
    if (h12) {
        if (h < 1 || h > 12)
            return false;
        if (ampm)
            h = h % 12 + (ampm == 2 ? 12 : 0);
    } else if (ampm == 1 && h > 12) {
        return false;
    }
    if (y < 0 && mo < 0 && d < 0) { /* a time alone is on today's date */
        lang_value *now = lang_dt_now();
        civil c;
        to_civil(now->u.dt.ticks, &c);
        lang_unref(now);
        y = c.y;
        mo = c.mo;
        d = c.d;
    }
    *kind = LANG_DT_UNSPECIFIED;
    return make_parsed(y < 0 ? 1 : y, mo < 0 ? 1 : mo, d < 0 ? 1 : d, h, mi, sec, frac, zone, off,
                       ticks, kind);
}

bool lang_ts_parse(const char *s, int64_t *ticks)
{
    while (*s == ' ')
        s++;
    bool neg = *s == '-';
    if (neg)
        s++;
    char *end;
    long long a = strtoll(s, &end, 10);
    if (end == s || a < 0)
        return false;
    int64_t days = 0, h, mi, sec = 0, frac = 0;
    const char *p = end;
    if (*p == '.' || !*p) {
        days = a;
        if (!*p) {
            *ticks = (neg ? -1 : 1) * days * LANG_TICKS_PER_DAY;
            return true;
        }
        s = p + 1;
        a = strtoll(s, &end, 10);
        if (end == s)
            return false;
        p = end;
    }
    if (*p != ':')
        return false;
    h = a;
    s = p + 1;
    mi = strtoll(s, &end, 10);
    if (end == s)
        return false;
    p = end;
    if (*p == ':') {
        s = p + 1;
        sec = strtoll(s, &end, 10);
        if (end == s)
            return false;
        p = end;
        if (*p == '.') {
            int64_t scale = LANG_TICKS_PER_SEC / 10;
            for (p++; isdigit((unsigned char)*p) && scale; p++, scale /= 10)
                frac += (*p - '0') * scale;
        }
    }
    if (*p || h > 23 || mi > 59 || sec > 59 || days > 10675199)
        return false;
    int64_t t = days * LANG_TICKS_PER_DAY + (h * 3600 + mi * 60 + sec) * LANG_TICKS_PER_SEC + frac;
    *ticks = neg ? -t : t;
    return true;
}

/* ---- members ---- */

static const char *const ts_props[] = {
    "Days",      "Hours",      "Minutes",      "Seconds",      "Milliseconds",      "Ticks",
    "TotalDays", "TotalHours", "TotalMinutes", "TotalSeconds", "TotalMilliseconds", NULL};

const char *const *lang_ts_props(void)
{
    return ts_props;
}

lang_value *lang_dt_member(const lang_value *v, const char *name, bool *found)
{
    *found = true;
    if (v->type == LV_TIMESPAN) {
        int64_t t = v->u.dt.ticks;
        if (!strcasecmp(name, "Ticks"))
            return lang_int(t);
        if (!strcasecmp(name, "Days"))
            return lang_int(t / LANG_TICKS_PER_DAY);
        if (!strcasecmp(name, "Hours"))
            return lang_int(t / (3600 * LANG_TICKS_PER_SEC) % 24);
        if (!strcasecmp(name, "Minutes"))
            return lang_int(t / (60 * LANG_TICKS_PER_SEC) % 60);
        if (!strcasecmp(name, "Seconds"))
            return lang_int(t / LANG_TICKS_PER_SEC % 60);
        if (!strcasecmp(name, "Milliseconds"))
            return lang_int(t / LANG_TICKS_PER_MS % 1000);
        if (!strcasecmp(name, "TotalDays"))
            return lang_double((double)t / (double)LANG_TICKS_PER_DAY);
        if (!strcasecmp(name, "TotalHours"))
            return lang_double((double)t / (3600.0 * LANG_TICKS_PER_SEC));
        if (!strcasecmp(name, "TotalMinutes"))
            return lang_double((double)t / (60.0 * LANG_TICKS_PER_SEC));
        if (!strcasecmp(name, "TotalSeconds"))
            return lang_double((double)t / (double)LANG_TICKS_PER_SEC);
        if (!strcasecmp(name, "TotalMilliseconds"))
            return lang_double((double)t / (double)LANG_TICKS_PER_MS);
        *found = false;
        return NULL;
    }
    civil c;
    to_civil(v->u.dt.ticks, &c);
    if (!strcasecmp(name, "Year"))
        return lang_int(c.y);
    if (!strcasecmp(name, "Month"))
        return lang_int(c.mo);
    if (!strcasecmp(name, "Day"))
        return lang_int(c.d);
    if (!strcasecmp(name, "Hour"))
        return lang_int(c.h);
    if (!strcasecmp(name, "Minute"))
        return lang_int(c.mi);
    if (!strcasecmp(name, "Second"))
        return lang_int(c.s);
    if (!strcasecmp(name, "Millisecond"))
        return lang_int(c.ms);
    if (!strcasecmp(name, "DayOfWeek"))
        return lang_str(day_names[c.dow]);
    if (!strcasecmp(name, "DayOfYear"))
        return lang_int(c.doy);
    if (!strcasecmp(name, "Ticks"))
        return lang_int(v->u.dt.ticks);
    if (!strcasecmp(name, "Kind"))
        return lang_str(v->u.dt.kind == LANG_DT_UTC     ? "Utc"
                        : v->u.dt.kind == LANG_DT_LOCAL ? "Local"
                                                        : "Unspecified");
    if (!strcasecmp(name, "Date"))
        return lang_datetime(v->u.dt.ticks - v->u.dt.ticks % LANG_TICKS_PER_DAY, v->u.dt.kind);
    if (!strcasecmp(name, "TimeOfDay"))
        return lang_timespan(v->u.dt.ticks % LANG_TICKS_PER_DAY);
    if (!strcasecmp(name, "DateTime")) /* PowerShell's script property */
        return lang_str_take(lang_dt_format(v, "F"));
    *found = false;
    return NULL;
}
