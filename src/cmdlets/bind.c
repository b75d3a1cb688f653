/* bind.c - parameter binding (see bind.h). */
#include "bind.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

bool cmdlet_valid_fqdn(const char *s)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > 253 || s[0] == '.' || s[len - 1] == '.')
        return false;
    size_t label = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '.') {
            if (label == 0 || p[-1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!isalnum((unsigned char)*p) && *p != '-')
            return false;
        if (label == 0 && *p == '-')
            return false;
        if (++label > 63)
            return false;
    }
    return true;
}

/* Text of a JSON scalar as PowerShell would show it. Caller frees. */
static char *scalar_text(json_t *v)
{
    if (json_is_string(v))
        return rs_strdup(json_string_value(v));
    if (json_is_integer(v))
        return rs_asprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return rs_asprintf("%g", json_real_value(v));
    if (json_is_true(v))
        return rs_strdup("True");
    if (json_is_false(v))
        return rs_strdup("False");
    if (json_is_array(v))
        return rs_strdup("System.Object[]");
    if (json_is_object(v))
        return rs_strdup("System.Collections.Hashtable");
    return rs_strdup("");
}

static const char *json_type_net(json_t *v)
{
    if (json_is_string(v))
        return "System.String";
    if (json_is_array(v))
        return "System.Object[]";
    if (json_is_object(v))
        return "System.Collections.Hashtable";
    return "System.Object";
}

static rs_status convert(const cmdlet_param_t *p, json_t *v, json_t **out, rs_err *err)
{
    char *txt;
    rs_status rc;
    switch (p->type) {
    case PT_SWITCH:
    case PT_BOOL:
        if (json_is_boolean(v)) {
            *out = json_incref(v);
            return RS_OK;
        }
        if (json_is_integer(v)) {
            *out = json_boolean(json_integer_value(v) != 0);
            return RS_OK;
        }
        return rs_raise(err, RS_E_PARAM_BOOL, p->name, json_type_net(v));
    case PT_INT:
        if (json_is_integer(v)) {
            long long n = json_integer_value(v);
            if (p->min < p->max && (n < p->min || n > p->max)) {
                txt = scalar_text(v);
                rc = rs_raise(err, RS_E_PARAM_RANGE, p->name, txt, p->min, p->max);
                free(txt);
                return rc;
            }
            *out = json_incref(v);
            return RS_OK;
        }
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            char *end;
            errno = 0;
            long long n = strtoll(s, &end, 10);
            if (*s && !*end && !errno) {
                json_t *iv = json_integer(n);
                rc = convert(p, iv, out, err);
                json_decref(iv);
                return rc;
            }
        }
        txt = scalar_text(v);
        rc = rs_raise(err, RS_E_PARAM_CONVERT, p->name, txt, p->type_name,
                      "Input string was not in a correct format.");
        free(txt);
        return rc;
    case PT_ENUM:
        txt = scalar_text(v);
        for (const char *const *e = p->enum_values; e && *e; e++) {
            if (rs_streq_ci(*e, txt)) {
                *out = json_string(*e);
                free(txt);
                return RS_OK;
            }
        }
        {
            rs_buf names = {0};
            for (const char *const *e = p->enum_values; e && *e; e++)
                rs_buf_printf(&names, "%s%s", e == p->enum_values ? "" : ", ", *e);
            rc = rs_raise(err, RS_E_PARAM_ENUM, p->name, txt, p->type_name, txt,
                          names.data ? names.data : "");
            rs_buf_free(&names);
        }
        free(txt);
        return rc;
    case PT_FQDN:
        txt = scalar_text(v);
        if (!cmdlet_valid_fqdn(txt)) {
            rc = rs_raise(err, RS_E_PARAM_CONVERT, p->name, txt, p->type_name,
                          "Invalid fully qualified domain name (FQDN).");
            free(txt);
            return rc;
        }
        *out = json_string(txt);
        free(txt);
        return RS_OK;
    case PT_STRING:
    case PT_IDENTITY:
    case PT_SECURESTRING:
        if (json_is_array(v) || json_is_object(v)) {
            txt = scalar_text(v);
            rc = rs_raise(err, RS_E_PARAM_CONVERT, p->name, txt, p->type_name,
                          "Specified method is not supported.");
            free(txt);
            return rc;
        }
        txt = scalar_text(v);
        *out = json_string(txt);
        free(txt);
        return *out ? RS_OK
                    : rs_errf(err, RS_EINVAL, "Parameter '%s' is not valid UTF-8.", p->name);
    case PT_STRINGS:
    case PT_IDENTITIES:
        if (json_is_array(v)) {
            json_t *arr = json_array();
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                if (json_is_array(e) || json_is_object(e) || json_is_null(e)) {
                    json_decref(arr);
                    return rs_raise(err, RS_E_PARAM_CONVERT, p->name, "System.Object[]",
                                    p->type_name, "Specified method is not supported.");
                }
                char *t = scalar_text(e);
                json_array_append_new(arr, json_string(t));
                free(t);
            }
            *out = arr;
            return RS_OK;
        }
        if (json_is_object(v))
            return rs_raise(err, RS_E_PARAM_CONVERT, p->name, "System.Collections.Hashtable",
                            p->type_name, "Specified method is not supported.");
        txt = scalar_text(v);
        *out = json_pack("[s]", txt);
        free(txt);
        return RS_OK;
    case PT_HASHTABLE:
    case PT_OBJECT:
    case PT_CREDENTIAL:
        *out = json_incref(v);
        return RS_OK;
    }
    return rs_errf(err, RS_EINTERNAL, "unknown parameter type");
}

rs_status cmdlet_bind(const cmdlet_def_t *def, json_t *in, json_t **out, rs_err *err)
{
    *out = NULL;
    if (in && !json_is_object(in))
        return rs_errf(err, RS_EINVAL, "Parameters must be a JSON object.");
    json_t *bound = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v)
    {
        /* Exact names only: abbreviations are resolved by the shell, as
         * PowerShell's parser does; API clients send full names. */
        const cmdlet_param_t *p = cmdlet_param_find(def, key);
        rs_status rc;
        if (!p)
            rc = rs_raise(err, RS_E_PARAM_NOT_FOUND, key);
        else if (json_object_get(bound, p->name))
            rc = rs_errf(err, RS_EINVAL,
                         "Cannot bind parameter because parameter '%s' is specified more than "
                         "once. To provide multiple values to parameters that can accept multiple "
                         "values, use the array syntax.",
                         p->name);
        else if (json_is_null(v) && (p->flags & PF_ALLOW_EMPTY)) {
            json_object_set_new(bound, p->name, json_null());
            continue;
        } else if (json_is_null(v))
            rc = rs_raise(err, RS_E_PARAM_ARG_NULL, p->name);
        else if (json_is_string(v) && !*json_string_value(v) && p->type != PT_FQDN &&
                 (p->flags & PF_MANDATORY) && !(p->flags & PF_ALLOW_EMPTY))
            rc = rs_raise(err, RS_E_PARAM_NULL, p->name);
        else {
            json_t *cv = NULL;
            rc = convert(p, v, &cv, err);
            if (rc == RS_OK) {
                json_object_set_new(bound, p->name, cv);
                continue;
            }
        }
        json_decref(bound);
        return rc;
    }
    rs_buf missing = {0};
    for (size_t i = 0; i < def->nparams; i++) {
        const cmdlet_param_t *p = &def->params[i];
        if ((p->flags & PF_MANDATORY) && !json_object_get(bound, p->name))
            rs_buf_printf(&missing, "%s%s", missing.len ? ", " : "", p->name);
    }
    if (missing.len) {
        rs_status rc = rs_raise(err, RS_E_PARAM_MISSING, missing.data);
        rs_buf_free(&missing);
        json_decref(bound);
        return rc;
    }
    *out = bound;
    return RS_OK;
}

json_t *bp_get(json_t *b, const char *name)
{
    return json_object_get(b, name);
}

bool bp_has(json_t *b, const char *name)
{
    return json_object_get(b, name) != NULL;
}

const char *bp_str(json_t *b, const char *name)
{
    return json_string_value(json_object_get(b, name));
}

int bp_bool(json_t *b, const char *name, int dflt)
{
    json_t *v = json_object_get(b, name);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

long long bp_int(json_t *b, const char *name, long long dflt)
{
    json_t *v = json_object_get(b, name);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}
