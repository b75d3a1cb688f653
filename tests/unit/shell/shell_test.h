/* shell_test.h - helpers for the shell unit tests: an interpreter whose host
 * writes into string buffers, and a fake server (remote ops) that records the
 * JSON each server cmdlet would send and answers from a script of replies.
 * Header-only so each test binary stays one file.
 */
#ifndef SHELL_TEST_H
#define SHELL_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "eval.h"
#include "interp.h"
#include "rs_util.h"

typedef struct capture {
    rs_buf out;         /* standard output */
    rs_buf err;         /* error stream */
    rs_buf host;        /* Write-Host, warnings, prompts */
    const char *answer; /* read_line answer (NULL: nobody can answer) */
} capture;

static inline void cap_out(void *ud, const char *t, size_t n)
{
    rs_buf_append(&((capture *)ud)->out, t, n);
}

static inline void cap_err(void *ud, const char *t, size_t n)
{
    rs_buf_append(&((capture *)ud)->err, t, n);
}

static inline void cap_host(void *ud, const char *t, size_t n, const char *color)
{
    (void)color;
    rs_buf_append(&((capture *)ud)->host, t, n);
}

static inline char *cap_read(void *ud, const char *prompt, bool secret)
{
    capture *c = ud;
    (void)secret;
    rs_buf_puts(&c->host, prompt);
    return c->answer ? rs_strdup(c->answer) : NULL;
}

/* ---- fake server ---- */

typedef struct fake_server {
    bool imported;     /* all services available */
    json_t *calls;     /* array of {"cmdlet":..., "params":...} */
    json_t *reply;     /* body to answer with (borrowed; default {"value":[]}) */
    const char *error; /* when set, answer with this error message */
    bool unreachable;  /* when set, the error is a connection failure */
} fake_server;

static inline bool fake_available(void *ud, const char *service)
{
    (void)service;
    return ((fake_server *)ud)->imported;
}

static inline int fake_invoke(void *ud, lang_interp *I, const cmdlet_def_t *def, json_t *params,
                              json_t **out_body, lang_error **out_err)
{
    (void)I;
    fake_server *f = ud;
    json_array_append_new(f->calls, json_pack("{s:s,s:O}", "cmdlet", def->name, "params", params));
    if (f->error) {
        lang_error *e = lang_error_new(f->error);
        e->unreachable = f->unreachable;
        *out_err = e;
        return -1;
    }
    *out_body =
        f->reply ? json_incref(f->reply) : json_pack("{s:[],s:[]}", "value", "@adminapi.warnings");
    return 0;
}

typedef struct shell_t {
    capture cap;
    fake_server fake;
    lang_interp *I;
    int status;
} shell_t;

static inline shell_t *shell_new(void)
{
    shell_t *s = rs_calloc(1, sizeof *s);
    lang_host h = {0};
    h.out = cap_out;
    h.err = cap_err;
    h.host = cap_host;
    h.read_line = cap_read;
    h.ud = &s->cap;
    s->I = lang_interp_new(&h);
    s->fake.calls = json_array();
    s->I->remote.available = fake_available;
    s->I->remote.invoke = fake_invoke;
    s->I->remote.ud = &s->fake;
    return s;
}

static inline void shell_free(shell_t *s)
{
    lang_interp_free(s->I);
    rs_buf_free(&s->cap.out);
    rs_buf_free(&s->cap.err);
    rs_buf_free(&s->cap.host);
    json_decref(s->fake.calls);
    free(s);
}

/* Run script text as a script file named "t.ps1" (name NULL: "line"). */
static inline int shell_run_named(shell_t *s, const char *name, const char *script)
{
    s->status = lang_run_script(s->I, name, script, strlen(script));
    return s->status;
}

static inline int shell_run(shell_t *s, const char *script)
{
    return shell_run_named(s, NULL, script);
}

static inline const char *OUT(shell_t *s)
{
    return s->cap.out.data ? s->cap.out.data : "";
}

static inline const char *ERR(shell_t *s)
{
    return s->cap.err.data ? s->cap.err.data : "";
}

static inline const char *HOST(shell_t *s)
{
    return s->cap.host.data ? s->cap.host.data : "";
}

/* Run script in a fresh shell and compare standard output exactly. */
#define assert_output(script, expected)                                                            \
    do {                                                                                           \
        shell_t *s_ = shell_new();                                                                 \
        shell_run(s_, script);                                                                     \
        assert_string_equal(ERR(s_), "");                                                          \
        assert_string_equal(OUT(s_), expected);                                                    \
        shell_free(s_);                                                                            \
    } while (0)

/* Does haystack contain needle? (with a readable failure) */
#define assert_contains(haystack, needle)                                                          \
    do {                                                                                           \
        const char *h_ = (haystack);                                                               \
        if (!strstr(h_, (needle))) {                                                               \
            print_error("expected to find:\n%s\nin:\n%s\n", (needle), h_);                         \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#define assert_not_contains(haystack, needle)                                                      \
    do {                                                                                           \
        const char *h_ = (haystack);                                                               \
        if (strstr(h_, (needle))) {                                                                \
            print_error("did not expect to find:\n%s\nin:\n%s\n", (needle), h_);                   \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

#endif
