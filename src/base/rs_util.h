/* rs_util.h - small helpers every module uses: strings, buffers, time,
 * randomness, hashes and GUIDs. No dependency on other roomsys modules. */
#ifndef RS_UTIL_H
#define RS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- allocation: abort on out-of-memory (as Redis zmalloc) ---- */
void *rs_malloc(size_t n);
void *rs_calloc(size_t n, size_t m);
void *rs_realloc(void *p, size_t n);
char *rs_strdup(const char *s); /* s may be NULL -> NULL */
char *rs_strndup(const char *s, size_t n);
char *rs_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- growable string buffer; caller owns, free with rs_buf_free ---- */
typedef struct rs_buf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len, cap;
} rs_buf;
void rs_buf_append(rs_buf *b, const char *s, size_t n);
void rs_buf_puts(rs_buf *b, const char *s);
void rs_buf_printf(rs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rs_buf_putc(rs_buf *b, char c);
void rs_buf_reset(rs_buf *b);
void rs_buf_free(rs_buf *b);
/* Hand the buffer's string to the caller (never NULL), leaving b empty. */
char *rs_buf_take(rs_buf *b);

/* ---- strings ---- */
bool rs_streq_ci(const char *a, const char *b);       /* ASCII case-insensitive; NULL-safe */
bool rs_prefix_ci(const char *s, const char *prefix); /* s starts with prefix (ci) */
void rs_lower(char *s);                               /* in place, ASCII */
char *rs_lower_dup(const char *s);
/* PowerShell -like wildcard match (* ? [..]), case-insensitive. */
bool rs_wildcard_match(const char *pattern, const char *s);
bool rs_has_wildcard(const char *s);
/* Escape s as the inside of a JSON string into out (truncated, NUL-terminated). */
void rs_json_escape(const char *s, char *out, size_t outsz);
/* Trim ASCII whitespace in place; returns s. */
char *rs_trim(char *s);

/* ---- time ---- */
int64_t rs_time_now_ms(void);  /* wall clock, ms since epoch */
int64_t rs_time_mono_ms(void); /* monotonic */
/* "2026-11-29T04:31:16.123Z" */
void rs_time_iso8601_ms(int64_t ms, char *out, size_t outsz);
/* PowerShell DateTime display "11/29/2026 4:31:16 AM" (en-US), UTC. */
void rs_time_ps(int64_t ms, char *out, size_t outsz);
/* A date as admins type it, taken as UTC: "2026-11-29", "2026-11-29T08:30[:15[.5]][Z]"
 * (or with a space for the T), "11/29/2026", "11/29/2026 8:30[:15] [AM|PM]".
 * Fills *out_ms and returns true; false for anything else (no trailing text,
 * real calendar days only). */
bool rs_time_parse(const char *s, int64_t *out_ms);

/* ---- randomness and hashes (GnuTLS) ---- */
void rs_random(void *buf, size_t n);               /* cryptographic; aborts on failure */
void rs_hex(const void *buf, size_t n, char *out); /* out has 2n+1 bytes */
/* A random RFC 4122 v4 GUID "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (37 bytes). */
void rs_guid(char out[37]);
bool rs_is_guid(const char *s);
/* Hex digests; out has 33 / 65 bytes. */
void rs_md5_hex(const void *data, size_t n, char out[33]);
void rs_sha256_hex(const void *data, size_t n, char out[65]);
void rs_sha256(const void *data, size_t n, unsigned char out[32]);
void rs_hmac_sha256(const void *key, size_t keylen, const void *data, size_t n,
                    unsigned char out[32]);
/* HMAC-SHA256 with a key set once: the key's two hash blocks are computed by
 * rs_hmac_new, so each rs_hmac_sign costs two compressions fewer than
 * rs_hmac_sha256 (the registrar signs every nonce it makes and checks). key
 * borrowed; NULL on failure. rs_hmac_sign is thread-safe on one rs_hmac. */
typedef struct rs_hmac rs_hmac;
rs_hmac *rs_hmac_new(const void *key, size_t keylen);
void rs_hmac_sign(const rs_hmac *h, const void *data, size_t n, unsigned char out[32]);
void rs_hmac_free(rs_hmac *h); /* NULL-safe */
/* Constant-time equality of two buffers of length n. */
bool rs_ct_equal(const void *a, const void *b, size_t n);
/* Overwrite memory so the compiler cannot elide it (for passwords). */
void rs_wipe(void *p, size_t n);
/* Base64url without padding; out must hold 4*ceil(n/3)+1. */
void rs_base64url(const void *buf, size_t n, char *out);

#endif
