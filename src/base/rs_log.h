/* rs_log.h - one JSON object per line on stderr.
 * Never pass passwords, tokens, SecureStrings or HA1 values to these functions. */
#ifndef RS_LOG_H
#define RS_LOG_H

typedef enum rs_loglevel { RS_LOG_DEBUG, RS_LOG_INFO, RS_LOG_WARNING, RS_LOG_ERROR } rs_loglevel;

/* Set the lowest level written (default INFO). */
void rs_log_set_level(rs_loglevel level);

/* Write {"ts":..,"level":..,"msg":<fmt...>} plus extra pre-rendered JSON members
 * `extra_json` (e.g. "\"tenant\":\"x\"", may be NULL). Thread-safe. */
void rs_log(rs_loglevel level, const char *extra_json, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define RS_LOG_INFO_(...)  rs_log(RS_LOG_INFO, NULL, __VA_ARGS__)
#define RS_LOG_WARN_(...)  rs_log(RS_LOG_WARNING, NULL, __VA_ARGS__)
#define RS_LOG_ERR_(...)   rs_log(RS_LOG_ERROR, NULL, __VA_ARGS__)
#define RS_LOG_DEBUG_(...) rs_log(RS_LOG_DEBUG, NULL, __VA_ARGS__)

#endif
