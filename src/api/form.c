/* form.c - application/x-www-form-urlencoded decoding (see api_internal.h). */
#include "api_internal.h"

#include <string.h>

#include "rs_util.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool api_pct_decode(const char *in, size_t n, bool plus_is_space, char *out, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c == '%') {
            if (n - i < 3) {
                out[o] = '\0';
                return false;
            }
            int hi = hexval(in[i + 1]), lo = hexval(in[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                out[o] = '\0';
                return false;
            }
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out[o++] = ' ';
        } else if (c == '\0') {
            out[o] = '\0';
            return false;
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return true;
}

static void form_add(api_form *f, char *k, char *v)
{
    f->keys = rs_realloc(f->keys, (f->n + 1) * sizeof *f->keys);
    f->vals = rs_realloc(f->vals, (f->n + 1) * sizeof *f->vals);
    f->keys[f->n] = k;
    f->vals[f->n] = v;
    f->n++;
}

void api_form_add(api_form *f, const char *key, const char *val)
{
    form_add(f, rs_strdup(key), rs_strdup(val));
}

const char *api_form_get_ci(const api_form *f, const char *key)
{
    for (size_t i = 0; f && key && i < f->n; i++)
        if (rs_streq_ci(f->keys[i], key))
            return f->vals[i];
    return NULL;
}

static char *decode_dup(const char *p, size_t n, bool *ok)
{
    char *d = rs_malloc(n + 1);
    *ok = api_pct_decode(p, n, true, d, NULL);
    return d;
}

rs_status api_form_parse(const char *body, size_t len, api_form *out, rs_err *err)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < len) {
        const char *start = body + i;
        const char *amp = memchr(start, '&', len - i);
        size_t plen = amp ? (size_t)(amp - start) : len - i;
        i += plen + 1;
        if (plen == 0)
            continue;
        const char *eq = memchr(start, '=', plen);
        size_t klen = eq ? (size_t)(eq - start) : plen;
        bool ok_k, ok_v;
        char *k = decode_dup(start, klen, &ok_k);
        char *v = eq ? decode_dup(eq + 1, plen - klen - 1, &ok_v) : rs_strdup("");
        if (!eq)
            ok_v = true;
        if (!ok_k || !ok_v) {
            rs_errf(err, RS_EPARSE, "The request body has a malformed percent-encoding in %s%s%s.",
                    ok_k ? "the value of parameter '" : "a parameter name", ok_k ? k : "",
                    ok_k ? "'" : "");
            rs_wipe(v, strlen(v));
            free(k);
            free(v);
            api_form_free(out);
            return RS_EPARSE;
        }
        if (api_form_get(out, k)) {
            rs_errf(err, RS_EPARSE, "The request body repeats the parameter '%s'.", k);
            rs_wipe(v, strlen(v));
            free(k);
            free(v);
            api_form_free(out);
            return RS_EPARSE;
        }
        form_add(out, k, v);
    }
    return RS_OK;
}

const char *api_form_get(const api_form *f, const char *key)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->keys[i], key) == 0)
            return f->vals[i];
    return NULL;
}

void api_form_free(api_form *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        rs_wipe(f->vals[i], strlen(f->vals[i]));
        free(f->vals[i]);
        free(f->keys[i]);
    }
    free(f->keys);
    free(f->vals);
    memset(f, 0, sizeof *f);
}
