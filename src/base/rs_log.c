/* rs_log.c - JSON-lines logger on stderr. */
#include "rs_log.h"
#include "rs_util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static rs_loglevel min_level = RS_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void rs_log_set_level(rs_loglevel level)
{
    min_level = level;
}

static const char *level_name(rs_loglevel l)
{
    switch (l) {
    case RS_LOG_DEBUG:
        return "debug";
    case RS_LOG_INFO:
        return "info";
    case RS_LOG_WARNING:
        return "warning";
    default:
        return "error";
    }
}

void rs_log(rs_loglevel level, const char *extra_json, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[1024], esc[2200], ts[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rs_json_escape(msg, esc, sizeof esc);
    rs_time_iso8601_ms(rs_time_now_ms(), ts, sizeof ts);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"%s%s}\n", ts, level_name(level),
            esc, extra_json ? "," : "", extra_json ? extra_json : "");
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}
