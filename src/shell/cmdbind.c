/* cmdbind.c - binding command arguments to cmdlet parameters (names,
 * unambiguous prefixes, switches, positionals, common parameters) and running
 * server cmdlets through the remote ops: values to JSON, the cmdlet table's
 * own binder (cmdlet_bind, the same code the server runs) for conversions, and
 * JSON results back to objects.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bind.h"
#include "datetime.h"
#include "interp.h"
#include "ops.h"
#include "rs_util.h"

/* Common parameters every cmdlet accepts (PowerShell's CommonParameters). */
typedef enum common_id {
    C_NONE,
    C_ERROR_ACTION,
    C_WARNING_ACTION,
    C_INFORMATION_ACTION,
    C_ERROR_VARIABLE,
    C_WARNING_VARIABLE,
    C_INFORMATION_VARIABLE,
    C_OUT_VARIABLE,
    C_OUT_BUFFER,
    C_PIPELINE_VARIABLE,
    C_VERBOSE,
    C_DEBUG,
    C_WHATIF,
    C_CONFIRM
} common_id;

static const struct {
    const char *name;
    const char *alias;
    common_id id;
    bool is_switch;
} commons[] = {
    {"ErrorAction", "ea", C_ERROR_ACTION, false},
    {"WarningAction", "wa", C_WARNING_ACTION, false},
    {"InformationAction", "infa", C_INFORMATION_ACTION, false},
    {"ErrorVariable", "ev", C_ERROR_VARIABLE, false},
    {"WarningVariable", "wv", C_WARNING_VARIABLE, false},
    {"InformationVariable", "iv", C_INFORMATION_VARIABLE, false},
    {"OutVariable", "ov", C_OUT_VARIABLE, false},
    {"OutBuffer", "ob", C_OUT_BUFFER, false},
    {"PipelineVariable", "pv", C_PIPELINE_VARIABLE, false},
    {"Verbose", "vb", C_VERBOSE, true},
    {"Debug", "db", C_DEBUG, true},
    {"WhatIf", "wi", C_WHATIF, true},
    {"Confirm", "cf", C_CONFIRM, true},
};
#define NCOMMONS (sizeof commons / sizeof commons[0])

/* Parameters that collect the remaining positional arguments. */
static const char *const remaining_params[][2] = {
    {"Write-Host", "Object"},
    {"Write-Output", "InputObject"},
    {NULL, NULL},
};

static int common_exact(const char *name)
{
    for (size_t i = 0; i < NCOMMONS; i++)
        if (rs_streq_ci(commons[i].name, name) || rs_streq_ci(commons[i].alias, name))
            return (int)i;
    return -1;
}

static int common_prefix(const char *name)
{
    int hit = -1, n = 0;
    for (size_t i = 0; i < NCOMMONS; i++) {
        if (rs_prefix_ci(commons[i].name, name)) {
            hit = (int)i;
            n++;
        }
    }
    return n == 1 ? hit : -1;
}

static lang_error *bind_error(const rs_err *err, const char *cmd, const lang_program *prog,
                              uint32_t start, uint32_t end)
{
    lang_error *e = lang_error_from_rs(err, cmd);
    lang_error_set_position(e, prog, start, end);
    return e;
}

lang_error *lang_binding_error(const char *msg, const char *id, const char *category,
                               const char *cmd, const lang_program *prog, uint32_t start,
                               uint32_t end)
{
    lang_error *e = lang_error_new(msg);
    lang_error_set(&e->command, cmd);
    lang_error_set(&e->activity, cmd);
    lang_error_set(&e->category, category);
    lang_error_set_exception(e, "System.Management.Automation.ParameterBindingException");
    lang_error_set_fqid(e, id, cmd);
    lang_error_set_position(e, prog, start, end);
    return e;
}

/* Text of a value in binder messages: arrays show as System.Object[]. */
static char *arg_text(const lang_value *v)
{
    if (v && v->type == LV_ARRAY)
        return rs_strdup("System.Object[]");
    if (v && v->type == LV_HASH)
        return rs_strdup("System.Collections.Hashtable");
    return lang_to_str(v);
}

void lang_bound_free(lang_bound *b)
{
    for (size_t i = 0; i < b->n; i++)
        lang_unref(b->values[i]);
    free(b->values);
    free(b->present);
    free(b->starts);
    free(b->ends);
    free(b->error_variable);
    free(b->out_variable);
    lang_list_clear(&b->remaining);
    memset(b, 0, sizeof *b);
}

static bool set_common(lang_bound *out, int ci, lang_value *v, const char *cmd,
                       const lang_program *prog, uint32_t start, uint32_t end, lang_error **err)
{
    common_id id = commons[ci].id;
    if (commons[ci].is_switch) {
        int val = lang_truthy(v) ? 1 : 0;
        if (id == C_WHATIF)
            out->whatif = val;
        else if (id == C_CONFIRM)
            out->confirm = val;
        else if (id == C_VERBOSE)
            out->verbose = val;
        else if (id == C_DEBUG)
            out->debug = val;
        return true;
    }
    if (id == C_ERROR_ACTION || id == C_WARNING_ACTION || id == C_INFORMATION_ACTION) {
        char *s = lang_to_str(v);
        lang_action a = lang_action_parse(s);
        if (a == ACT_NONE) {
            rs_err e;
            rs_raise(&e, RS_E_PARAM_ENUM, commons[ci].name, s,
                     "System.Management.Automation.ActionPreference", s,
                     "SilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend, Break");
            *err = bind_error(&e, cmd, prog, start, end);
            free(s);
            return false;
        }
        free(s);
        if (id == C_ERROR_ACTION)
            out->error_action = a;
        else if (id == C_WARNING_ACTION)
            out->warning_action = a;
        return true;
    }
    if (id == C_ERROR_VARIABLE || id == C_OUT_VARIABLE) {
        char *s = lang_to_str(v);
        char **dst = id == C_ERROR_VARIABLE ? &out->error_variable : &out->out_variable;
        free(*dst);
        *dst = rs_strdup(s[0] == '+' ? s + 1 : s);
        if (id == C_ERROR_VARIABLE)
            out->error_variable_append = s[0] == '+';
        free(s);
    }
    return true;
}

/* -WhatIf and -Confirm exist only on cmdlets that change something (and on
 * functions, which roomsys does not check); the session cmdlets accept them as
 * Exchange Online's module does (-Confirm:$false in every script). */
static bool supports_should_process(const cmdlet_def_t *def, common_id id)
{
    if ((id != C_WHATIF && id != C_CONFIRM) || !def || (def->flags & CF_CHANGES))
        return true;
    return !strcmp(def->name, "Disconnect-ExchangeOnline") ||
           !strcmp(def->name, "Remove-PSSession");
}

bool lang_bind(lang_interp *I, const cmdlet_def_t *def, const char *cmdname, lang_arg *args,
               size_t nargs, const lang_program *prog, lang_bound *out, lang_error **err)
{
    (void)I;
    memset(out, 0, sizeof *out);
    *err = NULL;
    out->def = def;
    out->n = def ? def->nparams : 0;
    size_t cap = out->n ? out->n : 1;
    out->values = rs_calloc(cap, sizeof(lang_value *));
    out->present = rs_calloc(cap, sizeof(bool));
    out->starts = rs_calloc(cap, sizeof(uint32_t));
    out->ends = rs_calloc(cap, sizeof(uint32_t));
    out->error_action = ACT_NONE;
    out->warning_action = ACT_NONE;
    out->whatif = -1;
    out->confirm = -1;
    out->verbose = -1;
    out->debug = -1;
    size_t *positional = rs_calloc(nargs ? nargs : 1, sizeof(size_t));
    size_t npos = 0;
    for (size_t i = 0; i < nargs; i++) {
        lang_arg *a = &args[i];
        if (!a->is_param) {
            positional[npos++] = i;
            continue;
        }
        const cmdlet_param_t *p = def ? cmdlet_param_find(def, a->name) : NULL;
        int ci = p ? -1 : common_exact(a->name);
        if (ci >= 0 && !supports_should_process(def, commons[ci].id)) {
            rs_err e;
            rs_raise(&e, RS_E_PARAM_NOT_FOUND, a->name);
            *err = bind_error(&e, cmdname, prog, a->start, a->end);
            goto fail;
        }
        if (!p && ci < 0 && def) {
            bool amb = false;
            char matches[512];
            p = cmdlet_param_resolve(def, a->name, &amb, matches, sizeof matches);
            if (amb) {
                rs_err e;
                rs_raise(&e, RS_E_PARAM_AMBIGUOUS, a->name, matches);
                *err = bind_error(&e, cmdname, prog, a->start, a->end);
                goto fail;
            }
        }
        if (!p && ci < 0)
            ci = common_prefix(a->name);
        if (!p && (ci < 0 || !supports_should_process(def, commons[ci].id))) {
            rs_err e;
            rs_raise(&e, RS_E_PARAM_NOT_FOUND, a->name);
            *err = bind_error(&e, cmdname, prog, a->start, a->end);
            goto fail;
        }
        bool is_switch = p ? p->type == PT_SWITCH : commons[ci].is_switch;
        lang_value *v = NULL;
        uint32_t vs = a->start, ve = a->end;
        if (is_switch) {
            v = a->colon ? lang_ref(a->value) : lang_bool(true);
        } else if (a->colon) {
            v = lang_ref(a->value);
        } else if (i + 1 < nargs && !args[i + 1].is_param) {
            i++;
            v = lang_ref(args[i].value);
            vs = args[i].start;
            ve = args[i].end;
        } else {
            const char *pname = p ? p->name : commons[ci].name;
            const char *tname =
                p ? (p->type_name ? p->type_name : "System.Object")
                : (commons[ci].id == C_ERROR_ACTION || commons[ci].id == C_WARNING_ACTION)
                    ? "System.Management.Automation.ActionPreference"
                    : "System.String";
            char *msg = rs_asprintf("Missing an argument for parameter '%s'. Specify a parameter "
                                    "of type '%s' and try again.",
                                    pname, tname);
            *err = lang_binding_error(msg, "MissingArgument", "InvalidArgument", cmdname, prog,
                                      a->start, a->end);
            free(msg);
            goto fail;
        }
        if (ci >= 0) {
            bool ok = set_common(out, ci, v, cmdname, prog, vs, ve, err);
            lang_unref(v);
            if (!ok)
                goto fail;
            continue;
        }
        size_t k = (size_t)(p - def->params);
        if (out->present[k]) {
            lang_unref(v);
            char *msg = rs_asprintf("Cannot bind parameter because parameter '%s' is specified "
                                    "more than once. To provide multiple values to parameters "
                                    "that can accept multiple values, use the array syntax. For "
                                    "example, \"-parameter value1,value2,value3\".",
                                    p->name);
            *err = lang_binding_error(msg, "ParameterAlreadyBound", "InvalidArgument", cmdname,
                                      prog, a->start, a->end);
            free(msg);
            goto fail;
        }
        out->present[k] = true;
        out->values[k] = v;
        out->starts[k] = vs;
        out->ends[k] = ve;
    }
    /* positionals, in position order, to parameters not bound by name */
    const char *rest_param = NULL;
    for (int r = 0; remaining_params[r][0]; r++)
        if (cmdname && rs_streq_ci(remaining_params[r][0], cmdname))
            rest_param = remaining_params[r][1];
    for (size_t k = 0; k < npos; k++) {
        lang_arg *a = &args[positional[k]];
        const cmdlet_param_t *best = NULL;
        for (size_t j = 0; def && j < def->nparams; j++) {
            const cmdlet_param_t *p = &def->params[j];
            if (p->position < 0 || out->present[j])
                continue;
            if (!best || p->position < best->position)
                best = p;
        }
        if (!best) {
            if (rest_param && def) {
                const cmdlet_param_t *rp = cmdlet_param_find(def, rest_param);
                if (rp && out->present[rp - def->params]) {
                    lang_list_push(&out->remaining, a->value);
                    continue;
                }
            }
            char *txt = arg_text(a->value);
            rs_err e;
            rs_raise(&e, RS_E_PARAM_POSITIONAL, txt);
            free(txt);
            *err = bind_error(&e, cmdname, prog, a->start, a->end);
            goto fail;
        }
        size_t j = (size_t)(best - def->params);
        out->present[j] = true;
        out->values[j] = lang_ref(a->value);
        out->starts[j] = a->start;
        out->ends[j] = a->end;
    }
    free(positional);
    return true;
fail:
    free(positional);
    lang_bound_free(out);
    return false;
}

void lang_error_local_fqid(lang_error *e, const cmdlet_def_t *def)
{
    static const char *const functions[] = {"New-CsOnlineSession",       "Connect-ExchangeOnline",
                                            "Disconnect-ExchangeOnline", "Connect-MsolService",
                                            "Connect-MicrosoftTeams",    NULL};
    if (!e || !e->fqid || !def)
        return;
    for (int i = 0; functions[i]; i++)
        if (!strcmp(def->name, functions[i]))
            return;
    char *comma = strrchr(e->fqid, ',');
    if (!comma || strcmp(comma + 1, def->name) != 0)
        return;
    rs_buf b = {0};
    rs_buf_append(&b, e->fqid, (size_t)(comma - e->fqid));
    rs_buf_puts(&b, ",Microsoft.PowerShell.Commands.");
    for (const char *p = def->name; *p; p++)
        if (*p != '-')
            rs_buf_putc(&b, *p);
    rs_buf_puts(&b, "Command");
    free(e->fqid);
    e->fqid = rs_buf_take(&b);
}

lang_error *lang_convert_local(const cmdlet_def_t *def, const char *cmdname,
                               const lang_program *prog, lang_bound *b)
{
    for (size_t i = 0; i < def->nparams && i < b->n; i++) {
        const cmdlet_param_t *p = &def->params[i];
        lang_value *v = b->values[i];
        if (!b->present[i] || !v)
            continue;
        rs_err e;
        bool bad = false;
        if (p->type == PT_INT) {
            int64_t n;
            double d;
            bool isd;
            if (v->type == LV_ARRAY || !lang_to_number(v, &n, &d, &isd) ||
                (v->type == LV_STRING && !*v->u.str.s)) {
                char *txt = arg_text(v);
                rs_raise(&e, RS_E_PARAM_CONVERT, p->name, txt, "System.Int32",
                         "Input string was not in a correct format.");
                free(txt);
                bad = true;
            } else if (v->type != LV_INT) {
                lang_unref(v);
                b->values[i] = lang_int(isd ? lang_d2i(nearbyint(d)) : n);
            }
        } else if (p->type == PT_ENUM && p->enum_values && v->type != LV_ARRAY) {
            char *txt = lang_to_str(v);
            bool ok = false;
            for (int k = 0; p->enum_values[k] && !ok; k++)
                ok = rs_streq_ci(p->enum_values[k], txt);
            if (!ok) {
                rs_buf list = {0};
                for (int k = 0; p->enum_values[k]; k++)
                    rs_buf_printf(&list, "%s%s", k ? ", " : "", p->enum_values[k]);
                const char *tn =
                    p->type_name && strcmp(p->type_name, "System.String") ? p->type_name
                    : !strcmp(p->name, "ForegroundColor") || !strcmp(p->name, "BackgroundColor")
                        ? "System.ConsoleColor"
                        : "System.String";
                rs_raise(&e, RS_E_PARAM_ENUM, p->name, txt, tn, txt, list.data ? list.data : "");
                rs_buf_free(&list);
                bad = true;
            }
            free(txt);
        }
        if (bad) {
            lang_error *err = bind_error(&e, cmdname, prog, b->starts[i], b->ends[i]);
            lang_bound_free(b);
            return err;
        }
    }
    return NULL;
}

/* ---- JSON ---- */

/* ps: ConvertTo-Json's forms (PowerShell 7: a DateTime as "2026-11-29T11:30:00.5+00:00",
 * a TimeSpan as an object); else the server's (a DateTime as UTC
 * "2026-11-29T11:30:00.0000000Z", a TimeSpan as its text). */
static json_t *to_json_depth(const lang_value *v, const char **why, int depth, bool ps)
{
    if (depth > 64) {
        *why = "The value is nested too deeply.";
        return NULL;
    }
    if (!v)
        return json_null();
    switch (v->type) {
    case LV_BOOL:
        return json_boolean(v->u.b);
    case LV_INT:
        return json_integer(v->u.i);
    case LV_DOUBLE:
        return json_real(v->u.d);
    case LV_STRING:
    case LV_SECURE: {
        json_t *s = json_stringn(v->u.str.s, v->u.str.len);
        if (!s)
            *why = "The text is not valid UTF-8.";
        return s;
    }
    case LV_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; i < v->u.arr.n; i++) {
            json_t *e = to_json_depth(v->u.arr.items[i], why, depth + 1, ps);
            if (!e) {
                json_decref(a);
                return NULL;
            }
            json_array_append_new(a, e);
        }
        return a;
    }
    case LV_HASH:
    case LV_OBJECT: {
        if (v->type == LV_OBJECT && lang_is_type(v, "pscredential")) {
            *why = "A PSCredential cannot be sent to the server.";
            return NULL;
        }
        json_t *o = json_object();
        for (size_t i = 0; i < v->u.obj.n; i++) {
            json_t *e = to_json_depth(v->u.obj.props[i].value, why, depth + 1, ps);
            if (!e) {
                json_decref(o);
                return NULL;
            }
            json_object_set_new(o, v->u.obj.props[i].name, e);
        }
        return o;
    }
    case LV_BLOCK:
        *why = "A script block cannot be sent to the server.";
        return NULL;
    case LV_DATETIME: {
        lang_value *u = ps ? lang_ref((lang_value *)v) : lang_dt_to_utc(v);
        char *t = lang_dt_format(u, ps ? "yyyy-MM-ddTHH:mm:ss.FFFFFFFK" : "o");
        lang_unref(u);
        size_t n = strlen(t);
        if (ps && n && t[n - 1] == '.')
            t[n - 1] = '\0';
        else if (ps)
            for (char *dot = strchr(t, '.'); dot && dot[1] && !isdigit((unsigned char)dot[1]);)
                memmove(dot, dot + 1, strlen(dot)); /* no fraction: drop the '.' */
        json_t *j = json_string(t);
        free(t);
        return j;
    }
    case LV_TIMESPAN: {
        if (!ps) {
            char *t = lang_to_str(v);
            json_t *j = json_string(t);
            free(t);
            return j;
        }
        json_t *o = json_object();
        static const char *const order[] = {"Ticks",        "Days",         "Hours",
                                            "Milliseconds", "Minutes",      "Seconds",
                                            "TotalDays",    "TotalHours",   "TotalMilliseconds",
                                            "TotalMinutes", "TotalSeconds", NULL};
        for (int k = 0; order[k]; k++) {
            bool found;
            lang_value *m = lang_dt_member(v, order[k], &found);
            json_object_set_new(o, order[k],
                                m->type == LV_INT ? json_integer(m->u.i) : json_real(m->u.d));
            lang_unref(m);
        }
        return o;
    }
    }
    *why = "The value cannot be sent to the server.";
    return NULL;
}

json_t *lang_to_json(const lang_value *v, const char **why)
{
    *why = NULL;
    return to_json_depth(v, why, 0, false);
}

json_t *lang_to_json_ps(const lang_value *v, const char **why)
{
    *why = NULL;
    return to_json_depth(v, why, 0, true);
}

/* "2022-06-29T17:57:03.0000000+00:00" (a server DateTime) -> a DateTime of
 * kind Utc (the server's clock), or NULL. */
static lang_value *iso_to_datetime(const char *s)
{
    int64_t ticks;
    int kind;
    if (!lang_dt_parse(s, &ticks, &kind))
        return NULL;
    lang_value *d = lang_datetime(ticks, kind);
    if (kind != LANG_DT_LOCAL)
        return d;
    lang_value *u = lang_dt_to_utc(d); /* the zone made it Local: back to UTC */
    lang_unref(d);
    return u;
}

static bool is_date_annotation(json_t *obj, const char *key)
{
    char ann[256];
    snprintf(ann, sizeof ann, "%s@data.type", key);
    const char *t = json_string_value(json_object_get(obj, ann));
    if (t && !strcmp(t, "System.DateTime"))
        return true;
    snprintf(ann, sizeof ann, "%s@odata.type", key);
    t = json_string_value(json_object_get(obj, ann));
    return t && (!strcmp(t, "#DateTimeOffset") || !strcmp(t, "#DateTime"));
}

/* ConvertFrom-Json (PowerShell 7, Json.NET's date handling): a string that is
 * an ISO 8601 date and time becomes a DateTime — Utc with "Z", Local with an
 * offset (converted), Unspecified without a zone. NULL when it is not one. */
static lang_value *json_date(const char *s, size_t n)
{
    if (n < 19 || n > 40 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return NULL;
    for (int k = 0; k < 19; k++)
        if (k != 4 && k != 7 && k != 10 && k != 13 && k != 16 && !isdigit((unsigned char)s[k]))
            return NULL;
    int64_t ticks;
    int kind;
    if (!lang_dt_parse(s, &ticks, &kind))
        return NULL;
    lang_value *d = lang_datetime(ticks, kind);
    if (s[n - 1] == 'Z') {
        lang_value *u = lang_dt_to_utc(d);
        lang_unref(d);
        return u;
    }
    return d;
}

static lang_value *from_json_depth(json_t *j, const char *type_name, int depth, bool ps_dates);

static lang_value *from_json_depth(json_t *j, const char *type_name, int depth, bool ps_dates)
{
    if (!j || depth > 64)
        return NULL;
    switch (json_typeof(j)) {
    case JSON_NULL:
        return NULL;
    case JSON_TRUE:
        return lang_bool(true);
    case JSON_FALSE:
        return lang_bool(false);
    case JSON_INTEGER:
        return lang_int(json_integer_value(j));
    case JSON_REAL:
        return lang_double(json_real_value(j));
    case JSON_STRING: {
        lang_value *d = ps_dates ? json_date(json_string_value(j), json_string_length(j)) : NULL;
        return d ? d : lang_str_n(json_string_value(j), json_string_length(j));
    }
    case JSON_ARRAY: {
        lang_value *a = lang_array_new();
        size_t i;
        json_t *e;
        json_array_foreach(j, i, e)
            lang_array_push_take(a, from_json_depth(e, NULL, depth + 1, ps_dates));
        return a;
    }
    case JSON_OBJECT: {
        lang_value *o = lang_object_new(type_name);
        const char *k;
        json_t *e;
        json_object_foreach(j, k, e)
        {
            if (ps_dates) { /* ConvertFrom-Json: user JSON, every key is a property */
                lang_prop_set_take(o, k, from_json_depth(e, NULL, depth + 1, true));
                continue;
            }
            if (strchr(k, '@'))
                continue; /* OData annotations */
            if (json_is_string(e) && is_date_annotation(j, k)) {
                lang_value *d = iso_to_datetime(json_string_value(e));
                if (d) {
                    lang_prop_set_take(o, k, d);
                    continue;
                }
            }
            /* "<key>@data.type": the .NET type of a nested object (or of an array's objects) */
            char ann[256];
            snprintf(ann, sizeof ann, "%s@data.type", k);
            const char *nt = json_string_value(json_object_get(j, ann));
            if (nt && json_is_array(e)) {
                lang_value *a = lang_array_new();
                size_t i;
                json_t *x;
                json_array_foreach(e, i, x) lang_array_push_take(
                    a, from_json_depth(x, json_is_object(x) ? nt : NULL, depth + 1, ps_dates));
                lang_prop_set_take(o, k, a);
                continue;
            }
            lang_prop_set_take(
                o, k, from_json_depth(e, json_is_object(e) ? nt : NULL, depth + 1, ps_dates));
        }
        return o;
    }
    }
    return NULL;
}

lang_value *lang_from_json(json_t *j, const char *type_name)
{
    return from_json_depth(j, type_name, 0, false);
}

lang_value *lang_from_json_ps(json_t *j)
{
    return from_json_depth(j, NULL, 0, true);
}

/* ---- running a server cmdlet ---- */

/* JSON of the parameters bound by name/position; NULL with *err on a value
 * that cannot be sent. */
static json_t *bound_params_json(lang_cmdctx *ctx, lang_error **err)
{
    const cmdlet_def_t *def = ctx->def;
    json_t *o = json_object();
    for (size_t i = 0; i < ctx->b->n; i++) {
        if (!ctx->b->present[i])
            continue;
        const cmdlet_param_t *p = &def->params[i];
        lang_value *v = ctx->b->values[i];
        if (p->type == PT_SECURESTRING && v && v->type != LV_SECURE) {
            /* the text of a would-be password is not echoed */
            char *txt = (p->flags & PF_SECRET) ? rs_strdup("********") : arg_text(v);
            char *msg = rs_asprintf("Cannot bind parameter '%s'. Cannot convert the \"%s\" value "
                                    "of type \"%s\" to type \"System.Security.SecureString\".",
                                    p->name, txt, lang_type_name(v));
            *err = lang_binding_error(msg, "CannotConvertArgument", "InvalidArgument", ctx->name,
                                      ctx->prog, ctx->b->starts[i], ctx->b->ends[i]);
            free(msg);
            free(txt);
            json_decref(o);
            return NULL;
        }
        const char *why = NULL;
        json_t *j = lang_to_json(v, &why);
        if (!j) {
            char *txt = (p->flags & PF_SECRET) ? rs_strdup("********") : arg_text(v);
            char *msg = rs_asprintf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to "
                                    "type \"%s\". Error: \"%s\"",
                                    p->name, txt, p->type_name ? p->type_name : "System.Object",
                                    why ? why : "");
            *err = lang_binding_error(msg, "CannotConvertArgumentNoMessage", "InvalidArgument",
                                      ctx->name, ctx->prog, ctx->b->starts[i], ctx->b->ends[i]);
            free(msg);
            free(txt);
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, p->name, j);
    }
    return o;
}

/* Bind a pipeline input object to the parameters that take pipeline input. */
static void bind_pipeline_item(lang_cmdctx *ctx, json_t *params, lang_value *item)
{
    const cmdlet_def_t *def = ctx->def;
    bool value_bound = false;
    for (size_t i = 0; i < def->nparams; i++) {
        const cmdlet_param_t *p = &def->params[i];
        if (ctx->b->present[i] || json_object_get(params, p->name))
            continue;
        lang_value *v = NULL;
        bool found = false;
        if ((p->flags & PF_PIPE_PROP) && item &&
            (item->type == LV_OBJECT || item->type == LV_HASH)) {
            v = lang_prop_get(item, p->name, &found);
            if (!found && rs_streq_ci(p->name, "Identity"))
                v = lang_prop_get(item, "UserPrincipalName", &found);
            if (found && !v)
                found = false;
        }
        if (!found && (p->flags & PF_PIPE_VALUE) && !value_bound && item && lang_is_scalar(item)) {
            v = item;
            found = true;
            value_bound = true;
        }
        if (!found)
            continue;
        const char *why;
        json_t *j = lang_to_json(v, &why);
        if (j)
            json_object_set_new(params, p->name, j);
    }
}

/* Find which parameter makes cmdlet_bind fail (for the error position). */
static int culprit(const cmdlet_def_t *def, json_t *params, const rs_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(params, key, v)
    {
        json_t *one = json_object();
        json_object_set(one, key, v);
        json_t *b = NULL;
        rs_err e;
        rs_err_clear(&e);
        rs_status rc = cmdlet_bind(def, one, &b, &e);
        json_decref(one);
        json_decref(b);
        if (rc != RS_OK && !strcmp(e.msg, err->msg)) {
            const cmdlet_param_t *p = cmdlet_param_find(def, key);
            return p ? (int)(p - def->params) : -1;
        }
    }
    return -1;
}

static const char confirm_choices[] =
    "[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is \"Y\"): ";
static const char confirm_help[] =
    "Y - Continue with only the next step of the operation.\n"
    "A - Continue with all the steps of the operation.\n"
    "N - Skip this operation and proceed with the next operation.\n"
    "L - Skip this operation and all subsequent operations.\n"
    "S - Pause the current pipeline and return to the command prompt. Type \"exit\" to resume "
    "the pipeline.\n";

/* Is $name's value true (preference variables such as $WhatIfPreference)? */
static bool pref_true(lang_interp *I, const char *name)
{
    bool found = false;
    lang_value *v = lang_var_get(I, name, &found);
    bool t = found && lang_truthy(v);
    lang_unref(v);
    return t;
}

/* Does $ConfirmPreference ask before a CF_CONFIRM (ConfirmImpact High) cmdlet? */
static bool confirm_pref_high(lang_interp *I)
{
    bool found = false;
    lang_value *v = lang_var_get(I, "ConfirmPreference", &found);
    char *s = found ? lang_to_str(v) : rs_strdup("High");
    lang_unref(v);
    bool ask = !rs_streq_ci(s, "None");
    free(s);
    return ask;
}

lang_status lang_should_process(lang_interp *I, lang_cmdctx *ctx, const char *target, bool *go)
{
    return lang_should_process_action(I, ctx, NULL, target, go);
}

lang_status lang_should_process_action(lang_interp *I, lang_cmdctx *ctx, const char *action,
                                       const char *target, bool *go)
{
    *go = true;
    if (!ctx->def || !(ctx->def->flags & CF_CHANGES))
        return LANG_OK;
    if (!action)
        action = cmdlet_action(ctx->def);
    if (!target)
        target = "";
    if (ctx->b->whatif == 1 || (ctx->b->whatif < 0 && pref_true(I, "WhatIfPreference"))) {
        char *text = rs_asprintf("What if: Performing the operation \"%s\" on target \"%s\".\n",
                                 action, target);
        lang_host_text(I, text, NULL);
        free(text);
        *go = false;
        return LANG_OK;
    }
    bool ask = ctx->b->confirm == 1 ||
               (ctx->b->confirm < 0 && (ctx->def->flags & CF_CONFIRM) && confirm_pref_high(I));
    if (!ask || ctx->confirm_all > 0)
        return LANG_OK;
    if (ctx->confirm_all < 0) {
        *go = false;
        return LANG_OK;
    }
    char *text = rs_asprintf("\nConfirm\nAre you sure you want to perform this action?\n"
                             "Performing the operation \"%s\" on target \"%s\".\n",
                             action, target);
    lang_host_text(I, text, NULL);
    free(text);
    for (;;) {
        char *ans =
            I->host.read_line ? I->host.read_line(I->host.ud, confirm_choices, false) : NULL;
        if (!ans) {
            /* nobody can answer: do nothing, as PowerShell's NonInteractive mode */
            *go = false;
            lang_error *e = lang_error_new(
                "The operation was not confirmed: there is no terminal or standard input to "
                "answer the Confirm prompt. Run the command with -Confirm:$false to perform it "
                "without asking.");
            lang_error_set(&e->category, "InvalidOperation");
            lang_error_set_exception(e, "System.Management.Automation.Host.HostException");
            lang_error_set_fqid(e, "ConfirmNotAnswered", ctx->name);
            if (ctx->def->flags & CF_LOCAL)
                lang_error_local_fqid(e, ctx->def);
            return lang_cmd_error(I, ctx, e);
        }
        char c = ans[0];
        size_t n = strlen(ans);
        free(ans);
        if (n > 1)
            c = '\x01'; /* a word is no choice: ask again */
        if (c == '\0' || c == 'y' || c == 'Y')
            return LANG_OK;
        if (c == 'a' || c == 'A') {
            ctx->confirm_all = 1;
            return LANG_OK;
        }
        if (c == 'n' || c == 'N') {
            *go = false;
            return LANG_OK;
        }
        if (c == 'l' || c == 'L') {
            ctx->confirm_all = -1;
            *go = false;
            return LANG_OK;
        }
        if (c == '?')
            lang_host_text(I, confirm_help, NULL);
        /* S: PowerShell pauses the pipeline in a nested prompt and, when the user
         * leaves it with "exit", asks the same question again. roomsys has no
         * nested prompt: it says so and asks again at once (nothing is done or
         * skipped). Anything else: ask again. */
        if (c == 's' || c == 'S')
            lang_host_text(I,
                           "roomsys has no nested prompt to suspend to; the operation is neither "
                           "performed nor skipped. Answer Y, A, N or L.\n",
                           NULL);
    }
}

static lang_status run_one(lang_interp *I, lang_cmdctx *ctx, json_t *base, lang_value *item,
                           bool per_item)
{
    json_t *params = json_deep_copy(base);
    if (per_item)
        bind_pipeline_item(ctx, params, item);
    json_t *bound = NULL;
    rs_err err;
    rs_err_clear(&err);
    if (cmdlet_bind(ctx->def, params, &bound, &err) != RS_OK) {
        lang_error *e = lang_error_from_rs(&err, ctx->name);
        int k = culprit(ctx->def, params, &err);
        if (k >= 0 && ctx->b->present[k])
            lang_error_set_position(e, ctx->prog, ctx->b->starts[k], ctx->b->ends[k]);
        json_decref(params);
        if (per_item)
            return lang_cmd_error(I, ctx, e);
        return lang_cmd_fail(I, ctx, e);
    }
    json_decref(params);
    if (ctx->b->whatif >= 0)
        json_object_set_new(bound, "WhatIf", json_boolean(ctx->b->whatif));
    if (ctx->b->confirm >= 0)
        json_object_set_new(bound, "Confirm", json_boolean(ctx->b->confirm));
    if (ctx->b->whatif != 1) { /* the server answers -WhatIf itself */
        const char *tp = cmdlet_target_param(ctx->def);
        bool go = true;
        lang_status st = lang_should_process(
            I, ctx, tp ? json_string_value(json_object_get(bound, tp)) : NULL, &go);
        if (st != LANG_OK || !go) {
            json_decref(bound);
            return st;
        }
    }
    json_t *body = NULL;
    lang_error *e = NULL;
    int rc = I->remote.invoke(I->remote.ud, I, ctx->def, bound, &body, &e);
    json_decref(bound);
    if (rc != 0) {
        if (!e)
            e = lang_error_new("The server failed to run the command.");
        if (e->unreachable)
            I->unreachable = true;
        return lang_cmd_error(I, ctx, e);
    }
    json_t *warnings = json_object_get(body, "@adminapi.warnings");
    size_t i;
    json_t *w;
    json_array_foreach(warnings, i, w)
    {
        const char *text = json_string_value(w);
        if (text && !strncmp(text, "What if: ", 9)) { /* -WhatIf: a host line, as PowerShell */
            char *line = rs_asprintf("%s\n", text);
            lang_host_text(I, line, NULL);
            free(line);
        } else if (text) {
            lang_warning(I, ctx, text);
        }
    }
    json_t *values = json_object_get(body, "value");
    int failed = 0;
    json_array_foreach(values, i, w)
    {
        lang_list_push_take(ctx->out, lang_from_json(w, ctx->def->output_type));
        const char *result = json_string_value(json_object_get(w, "Result"));
        failed += (ctx->def->flags & CF_REPORT) && result && !strcmp(result, "Fail");
    }
    json_decref(body);
    if (failed) { /* a report with failures is a (non-terminating) error: $? and exit status */
        char *msg = rs_asprintf("%d check%s failed; each failed check above shows the command "
                                "that fixes it.",
                                failed, failed == 1 ? "" : "s");
        lang_error *fe = lang_error_new(msg);
        free(msg);
        return lang_cmd_error(I, ctx, fe);
    }
    return LANG_OK;
}

lang_status lang_run_remote(lang_interp *I, lang_cmdctx *ctx)
{
    lang_error *err = NULL;
    json_t *base = bound_params_json(ctx, &err);
    if (!base)
        return lang_cmd_fail(I, ctx, err);
    lang_status st = LANG_OK;
    if (!ctx->input) {
        st = run_one(I, ctx, base, NULL, false);
    } else {
        for (size_t i = 0; i < ctx->input->n && st == LANG_OK; i++)
            st = run_one(I, ctx, base, ctx->input->v[i], true);
    }
    json_decref(base);
    return st;
}
