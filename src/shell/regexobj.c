/* regexobj.c - [regex] objects and statics (see regexobj.h). */
#include "regexobj.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "ops.h"
#include "rs_util.h"

#define REGEX_TYPE "System.Text.RegularExpressions.Regex"

typedef struct rxobj {
    char *pattern; /* owned */
    bool icase;
    regex_t re;
    char *names[LANG_REGEX_GROUPS]; /* owned; names of (?<name>...) groups */
} rxobj;

static void rx_free(void *p)
{
    rxobj *r = p;
    if (!r)
        return;
    regfree(&r->re);
    for (int k = 0; k < LANG_REGEX_GROUPS; k++)
        free(r->names[k]);
    free(r->pattern);
    free(r);
}

static char *rx_to_str(const void *p)
{
    return rs_strdup(((const rxobj *)p)->pattern);
}

static const lang_native_type rx_native = {.name = "Regex", .free = rx_free, .to_str = rx_to_str};

bool lang_regex_is(const lang_value *v)
{
    return v && v->type == LV_OBJECT && lang_object_native(v, &rx_native);
}

/* Does an options argument ask for IgnoreCase ("IgnoreCase", a list, ...)? */
static bool opts_icase(const lang_value *o)
{
    char *s = lang_to_str(o);
    bool ic = strcasestr(s, "IgnoreCase") != NULL;
    free(s);
    return ic;
}

lang_status lang_regex_new(lang_interp *I, const lang_node *at, lang_value *pattern, bool icase,
                           lang_value **res)
{
    *res = NULL;
    if (lang_regex_is(pattern) && !icase) {
        *res = lang_ref(pattern);
        return LANG_OK;
    }
    rxobj *r = rs_calloc(1, sizeof *r);
    r->pattern = lang_to_str(pattern);
    r->icase = icase;
    char *why = NULL;
    if (!lang_regex_compile_named(r->pattern, icase, &r->re, &why, r->names)) {
        lang_status st = lang_op_error(I, at, "InvalidRegularExpression", "InvalidOperation",
                                       "System.Management.Automation.RuntimeException", "%s",
                                       why ? why : "Invalid regular expression pattern.");
        free(why);
        free(r->pattern);
        free(r);
        return st;
    }
    lang_value *o = lang_object_new(REGEX_TYPE);
    lang_object_set_native(o, &rx_native, r);
    *res = o;
    return LANG_OK;
}

/* Characters (UTF-8 code points) in s[0..n). */
static int64_t chars(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

static lang_value *group_obj(const char *text, const regmatch_t *m, const char *name)
{
    lang_value *g = lang_object_new("System.Text.RegularExpressions.Group");
    bool ok = m->rm_so >= 0;
    lang_prop_set_take(g, "Success", lang_bool(ok));
    lang_prop_set_take(g, "Name", lang_str(name));
    lang_prop_set_take(
        g, "Value", ok ? lang_str_n(text + m->rm_so, (size_t)(m->rm_eo - m->rm_so)) : lang_str(""));
    lang_prop_set_take(g, "Index", lang_int(ok ? chars(text, (size_t)m->rm_so) : 0));
    lang_prop_set_take(g, "Length",
                       lang_int(ok ? chars(text + m->rm_so, (size_t)(m->rm_eo - m->rm_so)) : 0));
    return g;
}

/* A Match object for the match m of text (m NULL: a failed match). */
static lang_value *match_obj(const rxobj *r, const char *text, const regmatch_t *m)
{
    lang_value *o = lang_object_new("System.Text.RegularExpressions.Match");
    regmatch_t none = {.rm_so = -1, .rm_eo = -1};
    const regmatch_t *m0 = m ? &m[0] : &none;
    lang_value *g0 = group_obj(text, m0, "0");
    static const char *const props[] = {"Success", "Value", "Index", "Length"};
    for (int k = 0; k < 4; k++)
        lang_prop_set(o, props[k], lang_prop_get(g0, props[k], NULL));
    /* Groups: a table by number and by name ($m.Groups[1], $m.Groups['user']) */
    lang_value *groups = lang_hash_new();
    lang_prop_set(groups, "0", g0);
    lang_unref(g0);
    size_t ng = r->re.re_nsub < LANG_REGEX_GROUPS ? r->re.re_nsub : LANG_REGEX_GROUPS - 1;
    for (size_t k = 1; k <= ng; k++) {
        char num[8];
        snprintf(num, sizeof num, "%zu", k);
        const char *name = r->names[k] ? r->names[k] : num;
        lang_value *g = group_obj(text, m ? &m[k] : &none, name);
        lang_prop_set(groups, num, g);
        if (r->names[k])
            lang_prop_set(groups, r->names[k], g);
        lang_unref(g);
    }
    lang_prop_set_take(o, "Groups", groups);
    return o;
}

/* Every match of r in text (at most one when first); a new array. */
static lang_value *all_matches(const rxobj *r, const char *text, bool first)
{
    lang_value *a = lang_array_new();
    regmatch_t m[LANG_REGEX_GROUPS];
    size_t off = 0, len = strlen(text);
    while (off <= len) {
        if (regexec(&r->re, text + off, LANG_REGEX_GROUPS, m, off ? REG_NOTBOL : 0) != 0)
            break;
        for (int k = 0; k < LANG_REGEX_GROUPS; k++)
            if (m[k].rm_so >= 0) {
                m[k].rm_so += (regoff_t)off;
                m[k].rm_eo += (regoff_t)off;
            }
        lang_array_push_take(a, match_obj(r, text, m));
        if (first)
            break;
        size_t next = (size_t)m[0].rm_eo;
        if (m[0].rm_eo == m[0].rm_so) /* an empty match: step one character */
            next++;
        while (next < len && ((unsigned char)text[next] & 0xC0) == 0x80)
            next++;
        off = next;
    }
    return a;
}

static lang_status count_error(lang_interp *I, const lang_node *at, const char *name, size_t n)
{
    return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                         "System.Management.Automation.MethodException",
                         "Cannot find an overload for \"%s\" and the argument count: \"%zu\".",
                         name, n);
}

/* The methods shared by instances (rx given) and statics (pattern first). */
static lang_status rx_call(lang_interp *I, const lang_node *at, lang_value *self, const char *name,
                           lang_value **args, size_t n, lang_value **res)
{
    const rxobj *r = lang_object_native(self, &rx_native);
    if (rs_streq_ci(name, "Match") || rs_streq_ci(name, "Matches") ||
        rs_streq_ci(name, "IsMatch")) {
        if (n != 1)
            return count_error(I, at, name, n);
        char *text = lang_to_str(args[0]);
        lang_value *a = all_matches(r, text, !rs_streq_ci(name, "Matches"));
        if (rs_streq_ci(name, "Matches"))
            *res = lang_ref(a);
        else if (rs_streq_ci(name, "IsMatch"))
            *res = lang_bool(a->u.arr.n > 0);
        else
            *res = a->u.arr.n ? lang_ref(a->u.arr.items[0]) : match_obj(r, text, NULL);
        lang_unref(a);
        free(text);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Replace")) {
        if (n != 2)
            return count_error(I, at, name, n);
        /* -creplace / -replace with this pattern (same $1 ${name} $0 $$ rules) */
        lang_value *pr = lang_array_new();
        lang_array_push_take(pr, lang_str(r->pattern));
        lang_array_push(pr, args[1]);
        lang_status st =
            lang_binary_at(I, at, r->icase ? OP_REPLACE : OP_CREPLACE, args[0], pr, res);
        lang_unref(pr);
        return st;
    }
    if (rs_streq_ci(name, "Split")) {
        if (n != 1)
            return count_error(I, at, name, n);
        char *text = lang_to_str(args[0]);
        lang_value *a = all_matches(r, text, false), *out = lang_array_new();
        size_t prev = 0;
        for (size_t k = 0; k < a->u.arr.n; k++) {
            lang_value *m = a->u.arr.items[k];
            int64_t ci = lang_prop_get(m, "Index", NULL)->u.i;
            int64_t cl = lang_prop_get(m, "Length", NULL)->u.i;
            /* character index back to bytes */
            size_t b = 0;
            for (int64_t c = 0; c < ci && text[b]; c++) {
                b++;
                while (((unsigned char)text[b] & 0xC0) == 0x80)
                    b++;
            }
            size_t e = b;
            for (int64_t c = 0; c < cl && text[e]; c++) {
                e++;
                while (((unsigned char)text[e] & 0xC0) == 0x80)
                    e++;
            }
            lang_array_push_take(out, lang_str_n(text + prev, b - prev));
            prev = e;
        }
        lang_array_push_take(out, lang_str(text + prev));
        lang_unref(a);
        free(text);
        *res = out;
        return LANG_OK;
    }
    return LANG_BREAK;
}

lang_status lang_regex_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                              lang_value **args, size_t n, lang_value **res)
{
    *res = NULL;
    if (!lang_regex_is(v))
        return LANG_BREAK;
    return rx_call(I, at, v, name, args, n, res);
}

lang_status lang_regex_static(lang_interp *I, const lang_node *at, const char *name,
                              lang_value **args, size_t n, lang_value **res)
{
    *res = NULL;
    if (rs_streq_ci(name, "Escape") || rs_streq_ci(name, "Unescape")) {
        if (n != 1)
            return count_error(I, at, name, n);
        char *s = lang_to_str(args[0]);
        rs_buf b = {0};
        bool esc = rs_streq_ci(name, "Escape");
        for (const char *p = s; *p; p++) {
            if (esc) {
                if (*p == '\t')
                    rs_buf_puts(&b, "\\t");
                else if (*p == '\n')
                    rs_buf_puts(&b, "\\n");
                else if (*p == '\r')
                    rs_buf_puts(&b, "\\r");
                else {
                    if (strchr("\\*+?|{[()^$.# ", *p))
                        rs_buf_putc(&b, '\\');
                    rs_buf_putc(&b, *p);
                }
            } else {
                if (*p == '\\' && p[1]) {
                    p++;
                    rs_buf_putc(&b, *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p);
                } else {
                    rs_buf_putc(&b, *p);
                }
            }
        }
        free(s);
        *res = lang_str_take(b.data ? rs_buf_take(&b) : rs_strdup(""));
        return LANG_OK;
    }
    if (rs_streq_ci(name, "new")) {
        if (n < 1 || n > 2)
            return count_error(I, at, name, n);
        return lang_regex_new(I, at, args[0], n > 1 && opts_icase(args[1]), res);
    }
    /* Match(input, pattern[, options]), Matches, IsMatch, Split; Replace(input, pattern, repl[,
     * options]) */
    bool repl = rs_streq_ci(name, "Replace");
    size_t base = repl ? 3 : 2;
    if (!rs_streq_ci(name, "Match") && !rs_streq_ci(name, "Matches") &&
        !rs_streq_ci(name, "IsMatch") && !rs_streq_ci(name, "Split") && !repl)
        return LANG_BREAK;
    if (n < base || n > base + 1)
        return count_error(I, at, name, n);
    lang_value *rx = NULL;
    lang_status st = lang_regex_new(I, at, args[1], n > base && opts_icase(args[base]), &rx);
    if (st != LANG_OK)
        return st;
    lang_value *call[2] = {args[0], repl ? args[2] : NULL};
    st = rx_call(I, at, rx, name, call, repl ? 2 : 1, res);
    lang_unref(rx);
    return st;
}
