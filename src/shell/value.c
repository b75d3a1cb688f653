/* value.c - refcounted values of the shell language (see value.h for the
 * ownership rule). */
#include "value.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "datetime.h"
#include "rs_util.h"

static lang_value *alloc_value(lang_vtype t)
{
    lang_value *v = rs_calloc(1, sizeof *v);
    v->refs = 1;
    v->type = t;
    return v;
}

lang_value *lang_ref(lang_value *v)
{
    if (v) /* atomic: parallel.c's runspaces share the constants of a parsed program */
        __atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
    return v;
}

static void free_props(lang_value *v)
{
    for (size_t i = 0; i < v->u.obj.n; i++) {
        free(v->u.obj.props[i].name);
        lang_unref(v->u.obj.props[i].value);
    }
    free(v->u.obj.props);
    free(v->u.obj.type_name);
    if (v->u.obj.ntype && v->u.obj.ntype->free)
        v->u.obj.ntype->free(v->u.obj.ndata);
}

void lang_unref(lang_value *v)
{
    if (!v || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    switch (v->type) {
    case LV_STRING:
        free(v->u.str.s);
        break;
    case LV_SECURE:
        rs_wipe(v->u.str.s, v->u.str.len);
        free(v->u.str.s);
        break;
    case LV_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            lang_unref(v->u.arr.items[i]);
        free(v->u.arr.items);
        break;
    case LV_HASH:
    case LV_OBJECT:
        free_props(v);
        break;
    case LV_BLOCK:
        lang_program_unref(v->u.blk.prog);
        break;
    default:
        break;
    }
    free(v);
}

lang_value *lang_bool(bool b)
{
    lang_value *v = alloc_value(LV_BOOL);
    v->u.b = b;
    return v;
}

lang_value *lang_int(int64_t i)
{
    lang_value *v = alloc_value(LV_INT);
    v->u.i = i;
    return v;
}

lang_value *lang_double(double d)
{
    lang_value *v = alloc_value(LV_DOUBLE);
    v->u.d = d;
    return v;
}

lang_value *lang_str_n(const char *s, size_t n)
{
    lang_value *v = alloc_value(LV_STRING);
    v->u.str.s = rs_strndup(s ? s : "", s ? n : 0);
    v->u.str.len = s ? n : 0;
    return v;
}

lang_value *lang_str(const char *s)
{
    return lang_str_n(s, s ? strlen(s) : 0);
}

lang_value *lang_str_take(char *s)
{
    if (!s)
        return lang_str("");
    lang_value *v = alloc_value(LV_STRING);
    v->u.str.s = s;
    v->u.str.len = strlen(s);
    return v;
}

lang_value *lang_array_new(void)
{
    return alloc_value(LV_ARRAY);
}

lang_value *lang_hash_new(void)
{
    return alloc_value(LV_HASH);
}

lang_value *lang_object_new(const char *type_name)
{
    lang_value *v = alloc_value(LV_OBJECT);
    v->u.obj.type_name = type_name ? rs_strdup(type_name) : NULL;
    return v;
}

lang_value *lang_secure_new(const char *s, size_t n)
{
    lang_value *v = alloc_value(LV_SECURE);
    v->u.str.s = rs_strndup(s ? s : "", s ? n : 0);
    v->u.str.len = s ? n : 0;
    return v;
}

lang_value *lang_datetime(int64_t ticks, int kind)
{
    lang_value *v = alloc_value(LV_DATETIME);
    v->u.dt.ticks = ticks;
    v->u.dt.kind = kind;
    return v;
}

lang_value *lang_timespan(int64_t ticks)
{
    lang_value *v = alloc_value(LV_TIMESPAN);
    v->u.dt.ticks = ticks;
    v->u.dt.kind = 0;
    return v;
}

lang_value *lang_block_new(struct lang_program *prog, const struct lang_node *body)
{
    lang_value *v = alloc_value(LV_BLOCK);
    v->u.blk.prog = lang_program_ref(prog);
    v->u.blk.body = body;
    return v;
}

void lang_array_push_take(lang_value *arr, lang_value *v)
{
    if (arr->u.arr.n == arr->u.arr.cap) {
        arr->u.arr.cap = arr->u.arr.cap ? arr->u.arr.cap * 2 : 4;
        arr->u.arr.items = rs_realloc(arr->u.arr.items, arr->u.arr.cap * sizeof(lang_value *));
    }
    arr->u.arr.items[arr->u.arr.n++] = v;
}

void lang_array_push(lang_value *arr, lang_value *v)
{
    lang_array_push_take(arr, lang_ref(v));
}

lang_value *lang_array_get(const lang_value *arr, int64_t i)
{
    if (!arr || arr->type != LV_ARRAY)
        return NULL;
    int64_t n = (int64_t)arr->u.arr.n;
    if (i < 0)
        i += n;
    if (i < 0 || i >= n)
        return NULL;
    return arr->u.arr.items[i];
}

static lang_prop *find_prop(const lang_value *obj, const char *name)
{
    if (!obj || (obj->type != LV_HASH && obj->type != LV_OBJECT))
        return NULL;
    for (size_t i = 0; i < obj->u.obj.n; i++)
        if (rs_streq_ci(obj->u.obj.props[i].name, name))
            return &obj->u.obj.props[i];
    return NULL;
}

lang_value *lang_prop_get(const lang_value *obj, const char *name, bool *found)
{
    lang_prop *p = find_prop(obj, name);
    if (found)
        *found = p != NULL;
    return p ? p->value : NULL;
}

void lang_prop_set_take(lang_value *obj, const char *name, lang_value *v)
{
    lang_prop *p = find_prop(obj, name);
    if (p) {
        lang_unref(p->value);
        p->value = v;
        return;
    }
    if (obj->u.obj.n == obj->u.obj.cap) {
        obj->u.obj.cap = obj->u.obj.cap ? obj->u.obj.cap * 2 : 8;
        obj->u.obj.props = rs_realloc(obj->u.obj.props, obj->u.obj.cap * sizeof(lang_prop));
    }
    obj->u.obj.props[obj->u.obj.n].name = rs_strdup(name);
    obj->u.obj.props[obj->u.obj.n].value = v;
    obj->u.obj.n++;
}

void lang_prop_set(lang_value *obj, const char *name, lang_value *v)
{
    lang_prop_set_take(obj, name, lang_ref(v));
}

bool lang_prop_remove(lang_value *obj, const char *name)
{
    lang_prop *p = find_prop(obj, name);
    if (!p)
        return false;
    size_t i = (size_t)(p - obj->u.obj.props);
    free(p->name);
    lang_unref(p->value);
    memmove(&obj->u.obj.props[i], &obj->u.obj.props[i + 1],
            (obj->u.obj.n - i - 1) * sizeof(lang_prop));
    obj->u.obj.n--;
    return true;
}

void lang_object_set_native(lang_value *obj, const lang_native_type *nt, void *data)
{
    if (obj->u.obj.ntype && obj->u.obj.ntype->free)
        obj->u.obj.ntype->free(obj->u.obj.ndata);
    obj->u.obj.ntype = nt;
    obj->u.obj.ndata = data;
}

void *lang_object_native(const lang_value *obj, const lang_native_type *nt)
{
    if (!obj || obj->type != LV_OBJECT || obj->u.obj.ntype != nt)
        return NULL;
    return obj->u.obj.ndata;
}

void lang_list_push_take(lang_list *l, lang_value *v)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = rs_realloc(l->v, l->cap * sizeof(lang_value *));
    }
    l->v[l->n++] = v;
}

void lang_list_push(lang_list *l, lang_value *v)
{
    lang_list_push_take(l, lang_ref(v));
}

void lang_list_push_enum(lang_list *l, lang_value *v)
{
    if (v && v->type == LV_ARRAY) {
        for (size_t i = 0; i < v->u.arr.n; i++)
            lang_list_push(l, v->u.arr.items[i]);
        return;
    }
    lang_list_push(l, v);
}

void lang_list_clear(lang_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        lang_unref(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

lang_value *lang_list_to_array(lang_list *l)
{
    lang_value *a = lang_array_new();
    a->u.arr.items = l->v;
    a->u.arr.n = l->n;
    a->u.arr.cap = l->cap;
    l->v = NULL;
    l->n = l->cap = 0;
    return a;
}

lang_value *lang_list_collapse(lang_list *l)
{
    if (l->n == 0) {
        lang_list_clear(l);
        return NULL;
    }
    if (l->n == 1) {
        lang_value *v = l->v[0];
        l->n = 0;
        lang_list_clear(l);
        return v;
    }
    return lang_list_to_array(l);
}

const char *lang_type_name(const lang_value *v)
{
    if (!v)
        return "System.Object";
    switch (v->type) {
    case LV_BOOL:
        return "System.Boolean";
    case LV_INT:
        return (v->u.i >= INT32_MIN && v->u.i <= INT32_MAX) ? "System.Int32" : "System.Int64";
    case LV_DOUBLE:
        return "System.Double";
    case LV_STRING:
        return "System.String";
    case LV_ARRAY:
        return "System.Object[]";
    case LV_HASH:
        return "System.Collections.Hashtable";
    case LV_OBJECT:
        return v->u.obj.type_name ? v->u.obj.type_name
                                  : "System.Management.Automation.PSCustomObject";
    case LV_SECURE:
        return "System.Security.SecureString";
    case LV_BLOCK:
        return "System.Management.Automation.ScriptBlock";
    case LV_DATETIME:
        return "System.DateTime";
    case LV_TIMESPAN:
        return "System.TimeSpan";
    }
    return "System.Object";
}

int64_t lang_d2i(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

void lang_format_double(double d, char *out, size_t outsz)
{
    if (isnan(d)) {
        snprintf(out, outsz, "NaN");
        return;
    }
    if (isinf(d)) {
        snprintf(out, outsz, d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    /* the shortest text that reads back as d, as .NET Core (PowerShell 7) writes doubles */
    char buf[64];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* .NET writes the exponent as E+XX / E-XX. */
    char *e = strchr(buf, 'e');
    if (e)
        *e = 'E';
    snprintf(out, outsz, "%s", buf);
}

static void append_display(rs_buf *b, const lang_value *v, int limit, int depth);

static void append_str_d(rs_buf *b, const lang_value *v, int depth);

static void append_str(rs_buf *b, const lang_value *v)
{
    append_str_d(b, v, 0);
}

/* depth bounds self-referencing objects ($o.x = $o) */
static void append_str_d(rs_buf *b, const lang_value *v, int depth)
{
    char tmp[64];
    if (!v)
        return;
    if (depth > 16) {
        rs_buf_puts(b, lang_type_name(v));
        return;
    }
    switch (v->type) {
    case LV_BOOL:
        rs_buf_puts(b, v->u.b ? "True" : "False");
        return;
    case LV_INT:
        rs_buf_printf(b, "%lld", (long long)v->u.i);
        return;
    case LV_DOUBLE:
        lang_format_double(v->u.d, tmp, sizeof tmp);
        rs_buf_puts(b, tmp);
        return;
    case LV_STRING:
        rs_buf_append(b, v->u.str.s, v->u.str.len);
        return;
    case LV_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                rs_buf_putc(b, ' ');
            append_str_d(b, v->u.arr.items[i], depth + 1);
        }
        return;
    case LV_HASH:
        rs_buf_puts(b, "System.Collections.Hashtable");
        return;
    case LV_OBJECT: {
        if (!v->u.obj.type_name) {
            rs_buf_puts(b, "@{");
            for (size_t i = 0; i < v->u.obj.n; i++) {
                rs_buf_printf(b, "%s%s=", i ? "; " : "", v->u.obj.props[i].name);
                append_str_d(b, v->u.obj.props[i].value, depth + 1);
            }
            rs_buf_puts(b, "}");
            return;
        }
        if (v->u.obj.ntype && v->u.obj.ntype->to_str) {
            char *t = v->u.obj.ntype->to_str(v->u.obj.ndata);
            rs_buf_puts(b, t);
            free(t);
            return;
        }
        bool found = false;
        if (rs_streq_ci(v->u.obj.type_name, "System.Management.Automation.ErrorRecord")) {
            /* An error record prints as its exception's message. */
            append_str_d(b, lang_prop_get(lang_prop_get(v, "Exception", NULL), "Message", NULL),
                         depth + 1);
            return;
        }
        lang_value *msg = lang_prop_get(v, "Message", &found);
        if (found && strstr(v->u.obj.type_name, "Exception")) {
            append_str_d(b, msg, depth + 1);
            return;
        }
        if (!strcmp(v->u.obj.type_name, "System.Version")) { /* Major.Minor[.Build[.Revision]] */
            static const char *const parts[] = {"Major", "Minor", "Build", "Revision"};
            for (int k = 0; k < 4; k++) {
                lang_value *x = lang_prop_get(v, parts[k], NULL);
                if (!x || x->type != LV_INT || x->u.i < 0)
                    break;
                rs_buf_printf(b, "%s%lld", k ? "." : "", (long long)x->u.i);
            }
            return;
        }
        if (!strcmp(v->u.obj.type_name, "Microsoft.PowerShell.Commands.MatchInfo")) {
            /* the line, or path:number:line for a file (relative to the current folder) */
            char *path = lang_to_str(lang_prop_get(v, "Path", NULL));
            if (strcmp(path, "InputStream")) {
                char cwd[4096];
                size_t cl = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
                const char *shown = path;
                if (cl && !strncmp(path, cwd, cl) && path[cl] == '/')
                    shown += cl + 1;
                rs_buf_printf(b, "%s:", shown);
                append_str_d(b, lang_prop_get(v, "LineNumber", NULL), depth + 1);
                rs_buf_putc(b, ':');
            }
            free(path);
            append_str_d(b, lang_prop_get(v, "Line", NULL), depth + 1);
            return;
        }
        /* MSOnline's UserLicense and ServicePlan print as their AccountSkuId /
         * ServiceName (their ToString()), so Format-List shows {contoso:X}. */
        static const char *const to_string_props[][2] = {
            {"Microsoft.Online.Administration.UserLicense", "AccountSkuId"},
            {"Microsoft.Online.Administration.ServicePlan", "ServiceName"},
            {"System.Guid", "Guid"},
            {"System.Management.Automation.PathInfo", "Path"}};
        for (size_t k = 0; k < sizeof to_string_props / sizeof to_string_props[0]; k++)
            if (!strcmp(v->u.obj.type_name, to_string_props[k][0])) {
                append_str_d(b, lang_prop_get(v, to_string_props[k][1], NULL), depth + 1);
                return;
            }
        /* Deserialized Exchange/Lync objects print their identity. */
        static const char *const id_props[] = {"Identity", "Name", "UserPrincipalName", NULL};
        if (!strstr(v->u.obj.type_name, "PSCredential")) {
            for (int k = 0; id_props[k]; k++) {
                lang_value *idv = lang_prop_get(v, id_props[k], &found);
                if (found && idv && lang_is_scalar(idv)) {
                    append_str_d(b, idv, depth + 1);
                    return;
                }
            }
        }
        rs_buf_puts(b, v->u.obj.type_name);
        return;
    }
    case LV_SECURE:
        rs_buf_puts(b, "System.Security.SecureString");
        return;
    case LV_BLOCK: {
        char *t = lang_node_text(v->u.blk.prog, v->u.blk.body);
        /* The text of a script block excludes its braces. */
        size_t n = strlen(t);
        if (n >= 2 && t[0] == '{' && t[n - 1] == '}')
            rs_buf_append(b, t + 1, n - 2);
        else
            rs_buf_puts(b, t);
        free(t);
        return;
    }
    case LV_DATETIME: {
        char *t = lang_dt_invariant(v);
        rs_buf_puts(b, t);
        free(t);
        return;
    }
    case LV_TIMESPAN: {
        char *t = lang_ts_format(v->u.dt.ticks);
        rs_buf_puts(b, t);
        free(t);
        return;
    }
    }
}

char *lang_to_str(const lang_value *v)
{
    rs_buf b = {0};
    append_str(&b, v);
    return rs_buf_take(&b);
}

static void append_display(rs_buf *b, const lang_value *v, int limit, int depth)
{
    if (!v)
        return;
    if (depth > 16) {
        rs_buf_puts(b, lang_type_name(v));
        return;
    }
    if (v->type == LV_ARRAY) {
        rs_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (limit >= 0 && (int)i >= limit) {
                rs_buf_puts(b, "...");
                break;
            }
            if (i)
                rs_buf_puts(b, ", ");
            append_display(b, v->u.arr.items[i], limit, depth + 1);
        }
        rs_buf_putc(b, '}');
        return;
    }
    if (v->type == LV_HASH) {
        rs_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.obj.n; i++) {
            if (limit >= 0 && (int)i >= limit) {
                rs_buf_puts(b, "...");
                break;
            }
            rs_buf_printf(b, "%s[%s, ", i ? ", " : "", v->u.obj.props[i].name);
            append_str(b, v->u.obj.props[i].value);
            rs_buf_putc(b, ']');
        }
        rs_buf_putc(b, '}');
        return;
    }
    if (v->type == LV_DATETIME) {
        char *t = lang_dt_format(v, "G"); /* ToString() in en-US */
        rs_buf_puts(b, t);
        free(t);
        return;
    }
    append_str_d(b, v, depth);
}

char *lang_to_display(const lang_value *v, int limit)
{
    rs_buf b = {0};
    append_display(&b, v, limit, 0);
    return rs_buf_take(&b);
}

bool lang_truthy(const lang_value *v)
{
    if (!v)
        return false;
    switch (v->type) {
    case LV_BOOL:
        return v->u.b;
    case LV_INT:
        return v->u.i != 0;
    case LV_DOUBLE:
        return v->u.d != 0.0;
    case LV_STRING:
        return v->u.str.len > 0;
    case LV_ARRAY:
        if (v->u.arr.n == 0)
            return false;
        if (v->u.arr.n == 1)
            return lang_truthy(v->u.arr.items[0]);
        return true;
    default:
        return true;
    }
}

bool lang_to_number(const lang_value *v, int64_t *i, double *d, bool *is_double)
{
    *is_double = false;
    *i = 0;
    *d = 0;
    if (!v)
        return true;
    switch (v->type) {
    case LV_BOOL:
        *i = v->u.b;
        return true;
    case LV_INT:
        *i = v->u.i;
        return true;
    case LV_DOUBLE:
        *d = v->u.d;
        *is_double = true;
        return true;
    case LV_STRING: {
        const char *s = v->u.str.s;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            return true; /* [int]"" is 0 */
        char *end;
        errno = 0;
        long long n;
        if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ||
            ((s[0] == '-' || s[0] == '+') && s[1] == '0' && (s[2] == 'x' || s[2] == 'X')))
            n = strtoll(s, &end, 16);
        else
            n = strtoll(s, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (!*end && !errno) {
            *i = n;
            return true;
        }
        errno = 0;
        double x = strtod(s, &end);
        while (isspace((unsigned char)*end))
            end++;
        if (!*end && !errno && end != s) {
            *d = x;
            *is_double = true;
            return true;
        }
        return false;
    }
    default:
        return false;
    }
}

bool lang_is_scalar(const lang_value *v)
{
    return !v || (v->type != LV_ARRAY && v->type != LV_HASH && v->type != LV_OBJECT);
}

lang_value *lang_array_concat(const lang_value *a, const lang_value *b)
{
    lang_value *r = lang_array_new();
    if (a && a->type == LV_ARRAY) {
        for (size_t i = 0; i < a->u.arr.n; i++)
            lang_array_push(r, a->u.arr.items[i]);
    } else if (a) {
        lang_array_push(r, (lang_value *)a);
    }
    if (b && b->type == LV_ARRAY) {
        for (size_t i = 0; i < b->u.arr.n; i++)
            lang_array_push(r, b->u.arr.items[i]);
    } else {
        lang_array_push(r, (lang_value *)b);
    }
    return r;
}
