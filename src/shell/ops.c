/* ops.c - operators, member access, methods, indexing and casts of the
 * shell language, with PowerShell's conversion rules (the left operand's type
 * decides; comparisons are case-insensitive unless the c- form is used).
 */
#include "ops.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "datetime.h"
#include "format.h"
#include "rs_util.h"
#include "dtoffset.h"
#include "netio.h"
#include "regexobj.h"
#include "sbuilder.h"

static lang_status op_error(lang_interp *I, const lang_node *at, const char *id,
                            const char *category, const char *exception, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* The InnerException type of the next op_error (see errors.h), or NULL. */
static _Thread_local const char *next_inner; /* per thread: parallel runspaces */

static lang_status op_error(lang_interp *I, const lang_node *at, const char *id,
                            const char *category, const char *exception, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lang_error *e = lang_error_new(buf);
    lang_error_set(&e->category, category);
    lang_error_set_exception(e, exception);
    lang_error_set(&e->inner, next_inner);
    next_inner = NULL;
    lang_error_set_fqid(e, id, NULL);
    if (at)
        lang_error_set_position(e, I->prog, at->start, at->end);
    return lang_throw(I, e);
}

lang_status lang_op_error(lang_interp *I, const lang_node *at, const char *id, const char *category,
                          const char *exception, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return op_error(I, at, id, category, exception, "%s", buf);
}

/* ---- regular expressions ---- */

bool lang_regex_compile(const char *pattern, bool icase, regex_t *re, char **why)
{
    return lang_regex_compile_named(pattern, icase, re, why, NULL);
}

bool lang_regex_compile_named(const char *pattern, bool icase, regex_t *re, char **why,
                              char *names[LANG_REGEX_GROUPS])
{
    if (names)
        memset(names, 0, sizeof(char *) * LANG_REGEX_GROUPS);
    int group = 0; /* capture groups opened so far (POSIX numbers every '(') */
    rs_buf b = {0};
    const char *p = pattern;
    if (!strncmp(p, "(?i)", 4)) {
        icase = true;
        p += 4;
    }
    bool in_class = false;
    bool after_quant = false; /* the previous character was a quantifier */
    const char *unsupported = NULL;
    for (; *p && !unsupported; p++) {
        if (!in_class && after_quant && *p == '?') {
            unsupported = "lazy quantifiers (*? +? ?? {n,m}?)";
            break;
        }
        after_quant = false;
        if (*p == '\\' && p[1]) {
            char c = p[1];
            p++;
            if (!in_class && strchr("AzZGpPkK", c)) {
                /* POSIX would take these as letters and match something else */
                unsupported = c == 'p' || c == 'P'   ? "Unicode categories (\\p{..})"
                              : c == 'k' || c == 'K' ? "named back-references (\\k<..>)"
                                                     : "the anchors \\A \\z \\Z \\G";
                break;
            }
            switch (c) {
            case 'd':
                rs_buf_puts(&b, in_class ? "0-9" : "[0-9]");
                break;
            case 'D':
                rs_buf_puts(&b, in_class ? "^0-9" : "[^0-9]");
                break;
            case 's':
                rs_buf_puts(&b, in_class ? "[:space:]" : "[[:space:]]");
                break;
            case 'S':
                rs_buf_puts(&b, "[^[:space:]]");
                break;
            case 'w':
                rs_buf_puts(&b, in_class ? "[:alnum:]_" : "[[:alnum:]_]");
                break;
            case 'W':
                rs_buf_puts(&b, "[^[:alnum:]_]");
                break;
            case 't':
                rs_buf_putc(&b, '\t');
                break;
            case 'n':
                rs_buf_putc(&b, '\n');
                break;
            case 'r':
                rs_buf_putc(&b, '\r');
                break;
            default:
                if (in_class && c != ']' && c != '\\' && c != '^' && c != '-') {
                    rs_buf_putc(&b, c);
                } else {
                    rs_buf_putc(&b, '\\');
                    rs_buf_putc(&b, c);
                }
                break;
            }
            continue;
        }
        if (!in_class && *p == '(' && p[1] == '?' && p[2] == ':') {
            rs_buf_putc(&b, '(');
            group++;
            p += 2;
            continue;
        }
        if (!in_class && *p == '(' && p[1] == '?' && p[2] == '<' && (p[3] == '=' || p[3] == '!')) {
            unsupported = "look-behind ((?<= (?<!)";
            break;
        }
        if (!in_class && *p == '(' && p[1] == '?' && (p[2] == '=' || p[2] == '!')) {
            unsupported = "look-ahead ((?= (?!)";
            break;
        }
        if (!in_class && *p == '(' && p[1] == '?' && p[2] == '<' && p[3] != '=' && p[3] != '!') {
            /* (?<name>...): a numbered group whose number is remembered by name */
            const char *e = strchr(p + 3, '>');
            if (e) {
                group++;
                if (names && group < LANG_REGEX_GROUPS) {
                    free(names[group]);
                    names[group] = rs_strndup(p + 3, (size_t)(e - (p + 3)));
                }
                rs_buf_putc(&b, '(');
                p = e;
                continue;
            }
        }
        if (!in_class && *p == '(' && p[1] != '?')
            group++;
        if (*p == '[' && !in_class)
            in_class = true;
        else if (*p == ']' && in_class)
            in_class = false;
        else if (!in_class && strchr("*+?}", *p))
            after_quant = true;
        rs_buf_putc(&b, *p);
    }
    if (unsupported) {
        rs_buf_free(&b);
        if (names)
            for (int i = 0; i < LANG_REGEX_GROUPS; i++) {
                free(names[i]);
                names[i] = NULL;
            }
        *why = rs_asprintf("Invalid regular expression pattern: %s. roomsys's POSIX regular "
                           "expressions do not support %s.",
                           pattern, unsupported);
        return false;
    }
    int rc = regcomp(re, b.data ? b.data : "", REG_EXTENDED | (icase ? REG_ICASE : 0));
    rs_buf_free(&b);
    if (rc != 0) {
        if (names)
            for (int i = 0; i < LANG_REGEX_GROUPS; i++) {
                free(names[i]);
                names[i] = NULL;
            }
        char msg[256];
        regerror(rc, re, msg, sizeof msg);
        *why = rs_asprintf("Invalid regular expression pattern: %s. %s", pattern, msg);
        return false;
    }
    return true;
}

static lang_status regex_or_error(lang_interp *I, const lang_node *at, const char *pat, bool icase,
                                  regex_t *re)
{
    char *why = NULL;
    if (lang_regex_compile(pat, icase, re, &why))
        return LANG_OK;
    lang_status st = op_error(I, at, "InvalidRegularExpression", "InvalidOperation",
                              "System.Management.Automation.RuntimeException", "%s", why);
    free(why);
    return st;
}

/* ---- comparison ---- */

static bool is_number(const lang_value *v)
{
    return v && (v->type == LV_INT || v->type == LV_DOUBLE);
}

/* String order as .NET's culture comparison has it for ASCII: letters ignore
 * case first; case-sensitive, a lowercase letter sorts before its uppercase. */
static int text_cmp(const char *a, const char *b, bool ci)
{
    int r = strcasecmp(a, b);
    if (r || ci)
        return r;
    for (; *a && *b; a++, b++)
        if (*a != *b)
            return islower((unsigned char)*a) ? -1 : 1;
    return 0;
}

int lang_compare(const lang_value *a, const lang_value *b, bool ci, bool *ok)
{
    *ok = true;
    if (!a)
        return b ? -1 : 0;
    if (!b)
        return 1;
    if (lang_dto_is(a)) { /* DateTimeOffsets compare their instants */
        lang_value *bo = NULL;
        if (!lang_dto_convert(b, &bo)) {
            *ok = false;
            return 0;
        }
        int64_t x = lang_dto_utc_ticks(a), y = lang_dto_utc_ticks(bo);
        lang_unref(bo);
        return x < y ? -1 : x > y;
    }
    switch (a->type) {
    case LV_BOOL: {
        bool bb = lang_truthy(b);
        return (int)a->u.b - (int)bb;
    }
    case LV_INT:
    case LV_DOUBLE: {
        int64_t bi;
        double bd;
        bool bisd;
        if (!(b->type == LV_STRING || is_number(b) || b->type == LV_BOOL) ||
            !lang_to_number(b, &bi, &bd, &bisd) || (b->type == LV_STRING && !*b->u.str.s)) {
            /* not a number: compare the text */
            char *sa = lang_to_str(a), *sb = lang_to_str(b);
            int r = text_cmp(sa, sb, ci);
            free(sa);
            free(sb);
            return r;
        }
        if (a->type == LV_INT && !bisd)
            return a->u.i < bi ? -1 : a->u.i > bi ? 1 : 0;
        double x = a->type == LV_INT ? (double)a->u.i : a->u.d;
        double y = bisd ? bd : (double)bi;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    case LV_STRING: {
        char *sb = lang_to_str(b);
        int r = text_cmp(a->u.str.s, sb, ci);
        free(sb);
        return r;
    }
    case LV_DATETIME:
    case LV_TIMESPAN: {
        /* the right side converts to the left one's type, as PowerShell does */
        int64_t bt = 0;
        int kind;
        if (b->type == a->type)
            bt = b->u.dt.ticks;
        else if (b->type == LV_STRING && a->type == LV_DATETIME)
            *ok = lang_dt_parse(b->u.str.s, &bt, &kind);
        else if (b->type == LV_STRING)
            *ok = lang_ts_parse(b->u.str.s, &bt);
        else if (b->type == LV_INT)
            bt = b->u.i;
        else
            *ok = false;
        if (!*ok)
            return 1;
        return a->u.dt.ticks < bt ? -1 : a->u.dt.ticks > bt ? 1 : 0;
    }
    default:
        *ok = a == b;
        return a == b ? 0 : 1;
    }
}

static bool like(const lang_value *a, const lang_value *b, bool ci)
{
    char *s = lang_to_str(a), *p = lang_to_str(b);
    /* case-sensitive: fnmatch has the same * ? [..] (without ` escapes) */
    bool r = ci ? rs_wildcard_match(p, s) : fnmatch(p, s, FNM_NOESCAPE) == 0;
    free(s);
    free(p);
    return r;
}

static lang_status match(lang_interp *I, const lang_node *at, const lang_value *a,
                         const lang_value *b, bool icase, bool set_matches, bool *hit)
{
    char *s = lang_to_str(a), *p = lang_to_str(b);
    regex_t re;
    char *names[LANG_REGEX_GROUPS];
    char *why = NULL;
    if (!lang_regex_compile_named(p, icase, &re, &why, names)) {
        free(p);
        free(s);
        lang_status st = op_error(I, at, "InvalidRegularExpression", "InvalidOperation",
                                  "System.Management.Automation.RuntimeException", "%s", why);
        free(why);
        return st;
    }
    free(p);
    regmatch_t m[LANG_REGEX_GROUPS];
    *hit = regexec(&re, s, LANG_REGEX_GROUPS, m, 0) == 0;
    if (*hit && set_matches) {
        /* $Matches: named groups by name, the others by number (as .NET, the
         * numbered ones first), groups that did not take part left out */
        lang_value *h = lang_hash_new();
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < LANG_REGEX_GROUPS; i++) {
                if (m[i].rm_so < 0 || (pass == 0) != (names[i] == NULL))
                    continue;
                char key[8];
                snprintf(key, sizeof key, "%d", i);
                lang_prop_set_take(h, names[i] ? names[i] : key,
                                   lang_str_n(s + m[i].rm_so, (size_t)(m[i].rm_eo - m[i].rm_so)));
            }
        lang_var_set(I, "Matches", h);
        lang_unref(h);
    }
    for (int i = 0; i < LANG_REGEX_GROUPS; i++)
        free(names[i]);
    regfree(&re);
    free(s);
    return LANG_OK;
}

/* Scalar comparison operator (OP_EQ...OP_CNOTMATCH) on one element. */
static lang_status compare_op(lang_interp *I, const lang_node *at, int op, const lang_value *a,
                              const lang_value *b, bool set_matches, bool *r)
{
    bool ok;
    int c;
    bool ci = true;
    switch (op) {
    case OP_CEQ:
    case OP_CNE:
    case OP_CGT:
    case OP_CGE:
    case OP_CLT:
    case OP_CLE:
    case OP_CLIKE:
    case OP_CNOTLIKE:
    case OP_CMATCH:
    case OP_CNOTMATCH:
        ci = false;
        break;
    default:
        break;
    }
    switch (op) {
    case OP_EQ:
    case OP_CEQ:
        c = lang_compare(a, b, ci, &ok);
        *r = ok && c == 0;
        return LANG_OK;
    case OP_NE:
    case OP_CNE:
        c = lang_compare(a, b, ci, &ok);
        *r = !(ok && c == 0);
        return LANG_OK;
    case OP_GT:
    case OP_CGT:
    case OP_GE:
    case OP_CGE:
    case OP_LT:
    case OP_CLT:
    case OP_LE:
    case OP_CLE:
        c = lang_compare(a, b, ci, &ok);
        if (!ok) {
            return op_error(I, at, "NotIcomparable", "InvalidOperation",
                            "System.Management.Automation.RuntimeException",
                            "Cannot compare \"%s\" because it is not IComparable.",
                            lang_type_name(a));
        }
        *r = (op == OP_GT || op == OP_CGT)   ? c > 0
             : (op == OP_GE || op == OP_CGE) ? c >= 0
             : (op == OP_LT || op == OP_CLT) ? c < 0
                                             : c <= 0;
        return LANG_OK;
    case OP_LIKE:
    case OP_CLIKE:
        *r = like(a, b, ci);
        return LANG_OK;
    case OP_NOTLIKE:
    case OP_CNOTLIKE:
        *r = !like(a, b, ci);
        return LANG_OK;
    case OP_MATCH:
    case OP_CMATCH:
        return match(I, at, a, b, ci, set_matches, r);
    case OP_NOTMATCH:
    case OP_CNOTMATCH: {
        lang_status st = match(I, at, a, b, ci, false, r);
        *r = !*r;
        return st;
    }
    }
    *r = false;
    return LANG_OK;
}

static bool contains(const lang_value *coll, const lang_value *item, bool ci)
{
    bool ok;
    if (coll && coll->type == LV_ARRAY) {
        for (size_t i = 0; i < coll->u.arr.n; i++)
            if (lang_compare(coll->u.arr.items[i], item, ci, &ok) == 0 && ok)
                return true;
        return false;
    }
    return lang_compare(coll, item, ci, &ok) == 0 && ok;
}

/* ---- arithmetic ---- */

static lang_status to_num(lang_interp *I, const lang_node *at, const lang_value *v, int64_t *i,
                          double *d, bool *isd)
{
    if (v && (v->type == LV_ARRAY || v->type == LV_HASH || v->type == LV_OBJECT ||
              v->type == LV_SECURE || v->type == LV_BLOCK || v->type == LV_DATETIME ||
              v->type == LV_TIMESPAN))
        return op_error(I, at, "ConvertToFinalInvalidCastException", "InvalidArgument",
                        "System.Management.Automation.RuntimeException",
                        "Cannot convert the \"%s\" value of type \"%s\" to type \"System.Int32\".",
                        lang_type_name(v), lang_type_name(v));
    if (!lang_to_number(v, i, d, isd)) {
        char *s = lang_to_str(v);
        lang_status st = op_error(I, at, "InvalidCastFromStringToInteger", "InvalidArgument",
                                  "System.Management.Automation.RuntimeException",
                                  "Cannot convert value \"%s\" to type \"System.Int32\". Error: "
                                  "\"Input string was not in a correct format.\"",
                                  s);
        free(s);
        return st;
    }
    return LANG_OK;
}

static lang_value *num_value(double d, bool force_double)
{
    if (!force_double && d == floor(d) && fabs(d) < 9.2e18)
        return lang_int(lang_d2i(d));
    return lang_double(d);
}

static lang_status arith(lang_interp *I, const lang_node *at, int op, lang_value *a, lang_value *b,
                         lang_value **res)
{
    int64_t ai, bi;
    double ad, bd;
    bool aisd, bisd;
    lang_status st = to_num(I, at, a, &ai, &ad, &aisd);
    if (st == LANG_OK)
        st = to_num(I, at, b, &bi, &bd, &bisd);
    if (st != LANG_OK)
        return st;
    bool dbl = aisd || bisd;
    double x = aisd ? ad : (double)ai, y = bisd ? bd : (double)bi;
    if (!dbl) {
        int64_t r;
        switch (op) {
        case OP_ADD:
            if (!__builtin_add_overflow(ai, bi, &r)) {
                *res = lang_int(r);
                return LANG_OK;
            }
            break;
        case OP_SUB:
            if (!__builtin_sub_overflow(ai, bi, &r)) {
                *res = lang_int(r);
                return LANG_OK;
            }
            break;
        case OP_MUL:
            if (!__builtin_mul_overflow(ai, bi, &r)) {
                *res = lang_int(r);
                return LANG_OK;
            }
            break;
        case OP_MOD:
            if (bi == 0)
                break;
            *res = lang_int(ai % bi);
            return LANG_OK;
        case OP_DIV:
            if (bi != 0 && ai % bi == 0) {
                *res = lang_int(ai / bi);
                return LANG_OK;
            }
            break;
        default:
            break;
        }
    }
    if ((op == OP_DIV || op == OP_MOD) && y == 0) {
        next_inner = "System.DivideByZeroException";
        return op_error(I, at, "RuntimeException", "NotSpecified",
                        "System.Management.Automation.RuntimeException",
                        "Attempted to divide by zero.");
    }
    double r = op == OP_ADD   ? x + y
               : op == OP_SUB ? x - y
               : op == OP_MUL ? x * y
               : op == OP_DIV ? x / y
                              : fmod(x, y);
    *res = num_value(r, dbl);
    return LANG_OK;
}

/* DateTime/TimeSpan + and -: DateTime - DateTime is a TimeSpan; a TimeSpan
 * moves a DateTime; TimeSpans add up. Anything else is .NET's missing
 * op_Addition / op_Subtraction. */
static lang_status date_arith(lang_interp *I, const lang_node *at, bool sub, lang_value *a,
                              lang_value *b, lang_value **res)
{
    int64_t bt = 0;
    bool b_ts = b && b->type == LV_TIMESPAN, b_dt = b && b->type == LV_DATETIME;
    if (b_ts || b_dt)
        bt = b->u.dt.ticks;
    int64_t r = 0;
    bool ok = false;
    if (a->type == LV_DATETIME && b_ts) {
        ok = !(sub ? __builtin_sub_overflow(a->u.dt.ticks, bt, &r)
                   : __builtin_add_overflow(a->u.dt.ticks, bt, &r)) &&
             r >= 0 && r <= LANG_MAX_TICKS;
        if (ok) {
            *res = lang_datetime(r, a->u.dt.kind);
            return LANG_OK;
        }
        return op_error(I, at, "ArgumentOutOfRangeException", "NotSpecified",
                        "System.Management.Automation.MethodInvocationException",
                        "The added or subtracted value results in an un-representable DateTime.");
    }
    if (a->type == LV_DATETIME && b_dt && sub) {
        *res = lang_timespan(a->u.dt.ticks - bt);
        return LANG_OK;
    }
    if (a->type == LV_TIMESPAN && (b_ts || (b_dt && !sub))) {
        if (b_dt)
            return date_arith(I, at, false, b, a, res);
        *res = lang_timespan(sub ? a->u.dt.ticks - bt : a->u.dt.ticks + bt);
        return LANG_OK;
    }
    return op_error(I, at, "MethodNotFound", "InvalidOperation",
                    "System.Management.Automation.RuntimeException",
                    "Method invocation failed because [%s] does not contain a method named "
                    "'%s'.",
                    lang_type_name(a), sub ? "op_Subtraction" : "op_Addition");
}

static lang_status add(lang_interp *I, const lang_node *at, lang_value *a, lang_value *b,
                       lang_value **res)
{
    if (a && (a->type == LV_DATETIME || a->type == LV_TIMESPAN))
        return date_arith(I, at, false, a, b, res);
    if (!a) {
        *res = lang_ref(b);
        return LANG_OK;
    }
    switch (a->type) {
    case LV_ARRAY:
        *res = lang_array_concat(a, b);
        return LANG_OK;
    case LV_HASH: {
        if (!b || b->type != LV_HASH)
            return op_error(I, at, "AddHashTableToNonHashTable", "InvalidOperation",
                            "System.Management.Automation.RuntimeException",
                            "A hash table can only be added to another hash table.");
        lang_value *h = lang_hash_new();
        for (size_t i = 0; i < a->u.obj.n; i++)
            lang_prop_set(h, a->u.obj.props[i].name, a->u.obj.props[i].value);
        for (size_t i = 0; i < b->u.obj.n; i++) {
            bool dup;
            lang_prop_get(h, b->u.obj.props[i].name, &dup);
            if (dup) {
                lang_unref(h);
                return op_error(I, at, "System.ArgumentException", "NotSpecified",
                                "System.ArgumentException",
                                "Item has already been added. Key in dictionary: '%s'  Key being "
                                "added: '%s'",
                                b->u.obj.props[i].name, b->u.obj.props[i].name);
            }
            lang_prop_set(h, b->u.obj.props[i].name, b->u.obj.props[i].value);
        }
        *res = h;
        return LANG_OK;
    }
    case LV_STRING: {
        char *sb = lang_to_str(b);
        *res = lang_str_take(rs_asprintf("%s%s", a->u.str.s, sb));
        free(sb);
        return LANG_OK;
    }
    case LV_OBJECT:
    case LV_SECURE:
    case LV_BLOCK:
        return op_error(I, at, "MethodNotFound", "InvalidOperation",
                        "System.Management.Automation.RuntimeException",
                        "Method invocation failed because [%s] does not contain a method named "
                        "'op_Addition'.",
                        lang_type_name(a));
    default:
        return arith(I, at, OP_ADD, a, b, res);
    }
}

static lang_status multiply(lang_interp *I, const lang_node *at, lang_value *a, lang_value *b,
                            lang_value **res)
{
    if (a && (a->type == LV_STRING || a->type == LV_ARRAY)) {
        int64_t n;
        double d;
        bool isd;
        lang_status st = to_num(I, at, b, &n, &d, &isd);
        if (st != LANG_OK)
            return st;
        if (isd)
            n = d >= 1e15 ? (int64_t)1e15 : d <= 0 ? 0 : lang_d2i(d);
        if (n < 0)
            n = 0;
        /* a result past 64 MB (strings) or 16 M elements (arrays) is refused
         * rather than cut short; .NET would throw OutOfMemoryException */
        size_t unit = a->type == LV_STRING ? a->u.str.len : a->u.arr.n;
        size_t limit = a->type == LV_STRING ? (size_t)1 << 26 : (size_t)1 << 24;
        if (unit && (uint64_t)n > limit / unit)
            return op_error(I, at, "System.OutOfMemoryException", "NotSpecified",
                            "System.OutOfMemoryException",
                            "Exception of type 'System.OutOfMemoryException' was thrown.");
        if (a->type == LV_STRING) {
            rs_buf buf = {0};
            for (int64_t i = 0; i < n; i++)
                rs_buf_append(&buf, a->u.str.s, a->u.str.len);
            *res = lang_str_take(buf.data ? rs_buf_take(&buf) : rs_strdup(""));
        } else {
            lang_value *r = lang_array_new();
            for (int64_t i = 0; i < n; i++)
                for (size_t k = 0; k < a->u.arr.n; k++)
                    lang_array_push(r, a->u.arr.items[k]);
            *res = r;
        }
        return LANG_OK;
    }
    return arith(I, at, OP_MUL, a, b, res);
}

static lang_status format_op(lang_interp *I, const lang_node *at, lang_value *fmtv,
                             lang_value *args, lang_value **res);

lang_status lang_format_text(lang_interp *I, const lang_node *at, lang_value *fmt, lang_value *args,
                             lang_value **res)
{
    return format_op(I, at, fmt, args, res);
}

/* -f : .NET composite formatting ({index[,alignment][:format]}). */
static lang_status format_op(lang_interp *I, const lang_node *at, lang_value *fmtv,
                             lang_value *args, lang_value **res)
{
    char *f = lang_to_str(fmtv);
    rs_buf out = {0};
    size_t nargs = args && args->type == LV_ARRAY ? args->u.arr.n : 1;
    for (const char *p = f; *p; p++) {
        if (*p == '{' && p[1] == '{') {
            rs_buf_putc(&out, '{');
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '}') {
            rs_buf_putc(&out, '}');
            p++;
            continue;
        }
        if (*p != '{') {
            rs_buf_putc(&out, *p);
            continue;
        }
        char *end;
        long idx = strtol(p + 1, &end, 10);
        if (end == p + 1 || idx < 0 || (size_t)idx >= nargs) {
            free(f);
            rs_buf_free(&out);
            return op_error(I, at, "FormatError", "NotSpecified", "System.FormatException",
                            "Error formatting a string: Index (zero based) must be greater than "
                            "or equal to zero and less than the size of the argument list..");
        }
        long align = 0;
        const char *q = end;
        if (*q == ',')
            align = strtol(q + 1, (char **)&q, 10);
        char spec[32] = "";
        if (*q == ':') {
            size_t k = 0;
            q++;
            while (*q && *q != '}' && k + 1 < sizeof spec)
                spec[k++] = *q++;
            spec[k] = '\0';
        }
        if (*q != '}') {
            free(f);
            rs_buf_free(&out);
            return op_error(
                I, at, "FormatError", "NotSpecified", "System.FormatException",
                "Error formatting a string: Input string was not in a correct format..");
        }
        p = q;
        lang_value *v = args && args->type == LV_ARRAY ? args->u.arr.items[idx] : args;
        char *txt = NULL;
        int64_t iv;
        double dv;
        bool isd;
        if (spec[0] && is_number(v) && lang_to_number(v, &iv, &dv, &isd)) {
            char kind = (char)toupper((unsigned char)spec[0]);
            int prec = spec[1] ? atoi(spec + 1) : -1;
            double x = isd ? dv : (double)iv;
            if (kind == 'D' && !isd)
                txt = rs_asprintf("%0*lld", prec > 0 ? prec : 1, (long long)iv);
            else if (kind == 'X' && !isd)
                txt = rs_asprintf(spec[0] == 'x' ? "%0*llx" : "%0*llX", prec > 0 ? prec : 1,
                                  (long long)iv);
            else if (kind == 'F')
                txt = rs_asprintf("%.*f", prec >= 0 ? prec : 2, x);
            else if (kind == 'P' || kind == 'N' || kind == 'C') {
                /* en-US as .NET (ICU) has it: 1,234.57  25.60%  $1,234.57  -$1.00 */
                if (kind == 'P')
                    x *= 100;
                char raw[64];
                snprintf(raw, sizeof raw, "%.*f", prec >= 0 ? prec : 2, fabs(x));
                rs_buf nb = {0};
                if (x < 0 && strspn(raw, "0.") != strlen(raw))
                    rs_buf_putc(&nb, '-');
                if (kind == 'C')
                    rs_buf_putc(&nb, '$');
                char *dot = strchr(raw, '.');
                size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
                for (size_t k = 0; k < intlen; k++) {
                    rs_buf_putc(&nb, raw[k]);
                    size_t left = intlen - k - 1;
                    if (left && left % 3 == 0)
                        rs_buf_putc(&nb, ',');
                }
                if (dot)
                    rs_buf_puts(&nb, dot);
                if (kind == 'P')
                    rs_buf_putc(&nb, '%');
                txt = rs_buf_take(&nb);
            }
        } else if (v && v->type == LV_DATETIME) {
            /* String.Format uses the culture's ToString(format): "{0:yyyy-MM-dd}", "{0}" */
            txt = lang_dt_format(v, spec[0] ? spec : NULL);
            if (!txt) {
                free(f);
                rs_buf_free(&out);
                return op_error(
                    I, at, "FormatError", "NotSpecified", "System.FormatException",
                    "Error formatting a string: Input string was not in a correct format..");
            }
        } else if (v && v->type == LV_TIMESPAN && (!spec[0] || !strcmp(spec, "c"))) {
            txt = lang_ts_format(v->u.dt.ticks);
        }
        if (!txt)
            txt = lang_to_str(v);
        int len = (int)strlen(txt);
        if (align > 0)
            for (long k = len; k < align; k++)
                rs_buf_putc(&out, ' ');
        rs_buf_puts(&out, txt);
        if (align < 0)
            for (long k = len; k < -align; k++)
                rs_buf_putc(&out, ' ');
        free(txt);
    }
    free(f);
    *res = lang_str_take(out.data ? rs_buf_take(&out) : rs_strdup(""));
    return LANG_OK;
}

static lang_status replace_op(lang_interp *I, const lang_node *at, lang_value *a, lang_value *b,
                              bool icase, lang_value **res)
{
    lang_value *pat = b && b->type == LV_ARRAY ? lang_array_get(b, 0) : b;
    lang_value *rep = b && b->type == LV_ARRAY ? lang_array_get(b, 1) : NULL;
    char *ps = lang_to_str(pat), *rs = lang_to_str(rep);
    regex_t re;
    lang_status st = regex_or_error(I, at, ps, icase, &re);
    free(ps);
    if (st != LANG_OK) {
        free(rs);
        return st;
    }
    lang_list items = {0};
    lang_list_push_enum(&items, a);
    lang_value *results = lang_array_new();
    for (size_t it = 0; it < items.n; it++) {
        char *s = lang_to_str(items.v[it]);
        rs_buf out = {0};
        const char *cur = s;
        regmatch_t m[10];
        int flags = 0;
        while (*cur || cur == s) {
            if (regexec(&re, cur, 10, m, flags) != 0)
                break;
            rs_buf_append(&out, cur, (size_t)m[0].rm_so);
            for (const char *r = rs; *r; r++) {
                if (*r == '$' && (isdigit((unsigned char)r[1]) || r[1] == '&' ||
                                  (r[1] == '{' && isdigit((unsigned char)r[2])))) {
                    int g;
                    if (r[1] == '&') {
                        g = 0;
                        r++;
                    } else if (r[1] == '{') {
                        g = atoi(r + 2);
                        r = strchr(r, '}') ? strchr(r, '}') : r + 1;
                    } else {
                        g = r[1] - '0';
                        r++;
                    }
                    if (g < 10 && m[g].rm_so >= 0)
                        rs_buf_append(&out, cur + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
                    continue;
                }
                if (*r == '$' && r[1] == '$') {
                    rs_buf_putc(&out, '$');
                    r++;
                    continue;
                }
                rs_buf_putc(&out, *r);
            }
            if (m[0].rm_eo == m[0].rm_so) {
                if (!cur[m[0].rm_eo])
                    break;
                rs_buf_putc(&out, cur[m[0].rm_eo]);
                cur += m[0].rm_eo + 1;
            } else {
                cur += m[0].rm_eo;
            }
            flags = REG_NOTBOL;
            if (!*cur)
                break;
        }
        rs_buf_puts(&out, cur);
        lang_array_push_take(results, lang_str_take(out.data ? rs_buf_take(&out) : rs_strdup("")));
        free(s);
    }
    regfree(&re);
    free(rs);
    bool scalar = !(a && a->type == LV_ARRAY);
    lang_list_clear(&items);
    if (scalar) {
        *res = lang_ref(lang_array_get(results, 0));
        lang_unref(results);
    } else {
        *res = results;
    }
    return LANG_OK;
}

static lang_status split_op(lang_interp *I, const lang_node *at, lang_value *a, lang_value *b,
                            lang_value **res)
{
    lang_value *out = lang_array_new();
    lang_list items = {0};
    lang_list_push_enum(&items, a);
    regex_t re;
    char *pat = b ? lang_to_str(b) : rs_strdup("\\s+");
    lang_status st = regex_or_error(I, at, pat, true, &re);
    free(pat);
    if (st != LANG_OK) {
        lang_list_clear(&items);
        lang_unref(out);
        return st;
    }
    for (size_t it = 0; it < items.n; it++) {
        char *s = lang_to_str(items.v[it]);
        const char *cur = s;
        if (!b) {
            while (isspace((unsigned char)*cur))
                cur++;
        }
        regmatch_t m[1];
        int flags = 0;
        while (regexec(&re, cur, 1, m, flags) == 0 && m[0].rm_eo > m[0].rm_so) {
            lang_array_push_take(out, lang_str_n(cur, (size_t)m[0].rm_so));
            cur += m[0].rm_eo;
            flags = REG_NOTBOL;
        }
        if (b || *cur)
            lang_array_push_take(out, lang_str(cur));
        free(s);
    }
    regfree(&re);
    lang_list_clear(&items);
    *res = out;
    return LANG_OK;
}

static lang_value *join_values(lang_value *a, const char *sep)
{
    rs_buf out = {0};
    lang_list items = {0};
    lang_list_push_enum(&items, a);
    for (size_t i = 0; i < items.n; i++) {
        if (i)
            rs_buf_puts(&out, sep);
        char *s = lang_to_str(items.v[i]);
        rs_buf_puts(&out, s);
        free(s);
    }
    lang_list_clear(&items);
    return lang_str_take(out.data ? rs_buf_take(&out) : rs_strdup(""));
}

/* ---- types ---- */

/* Canonical lower-case short type name for a type literal ("int", "string", ...). */
static const char *norm_type(const char *t, char *buf, size_t bufsz)
{
    size_t n = strlen(t);
    if (n >= bufsz)
        n = bufsz - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)t[i]);
    buf[n] = '\0';
    char *p = buf;
    if (!strncmp(p, "system.", 7))
        p += 7;
    static const char *const map[][2] = {
        {"int32", "int"},
        {"int64", "long"},
        {"integer", "int"},
        {"boolean", "bool"},
        {"single", "double"},
        {"float", "double"},
        {"decimal", "double"},
        {"object[]", "array"},
        {"collections.hashtable", "hashtable"},
        {"management.automation.pscustomobject", "pscustomobject"},
        {"management.automation.psobject", "psobject"},
        {"security.securestring", "securestring"},
        {"management.automation.pscredential", "pscredential"},
        {"management.automation.scriptblock", "scriptblock"},
        {"management.automation.switchparameter", "switch"},
        {"management.automation.actionpreference", "actionpreference"},
        {"uint32", "uint"},
        {"int16", "short"},
        {"uint64", "ulong"},
        {"string[]", "string[]"},
        {"datetime", "datetime"},
        {"text.regularexpressions.regex", "regex"},
        {NULL, NULL}};
    for (int i = 0; map[i][0]; i++)
        if (!strcmp(p, map[i][0]))
            return map[i][1];
    return p;
}

bool lang_is_type(const lang_value *v, const char *type)
{
    char buf[128];
    const char *t = norm_type(type, buf, sizeof buf);
    if (!strcmp(t, "object") || !strcmp(t, "psobject"))
        return v != NULL;
    if (!v)
        return false;
    switch (v->type) {
    case LV_BOOL:
        return !strcmp(t, "bool") || !strcmp(t, "valuetype");
    case LV_INT:
        return !strcmp(t, "int") || !strcmp(t, "long") || !strcmp(t, "valuetype");
    case LV_DOUBLE:
        return !strcmp(t, "double") || !strcmp(t, "valuetype");
    case LV_STRING:
        return !strcmp(t, "string");
    case LV_ARRAY:
        return !strcmp(t, "array") || !strcmp(t, "collections.ienumerable");
    case LV_HASH:
        return !strcmp(t, "hashtable") || !strcmp(t, "collections.idictionary") ||
               !strcmp(t, "collections.specialized.ordereddictionary");
    case LV_SECURE:
        return !strcmp(t, "securestring");
    case LV_BLOCK:
        return !strcmp(t, "scriptblock");
    case LV_DATETIME:
        return !strcmp(t, "datetime") || !strcmp(t, "valuetype");
    case LV_TIMESPAN:
        return !strcmp(t, "timespan") || !strcmp(t, "valuetype");
    case LV_OBJECT: {
        if (!strcmp(t, "pscustomobject"))
            return true;
        char b2[128];
        const char *vt = norm_type(lang_type_name(v), b2, sizeof b2);
        if (!strcmp(vt, t))
            return true;
        const char *dot = strrchr(vt, '.');
        return dot && !strcmp(dot + 1, t);
    }
    }
    return false;
}

static lang_value *type_object(const char *name)
{
    lang_value *t = lang_object_new("System.RuntimeType");
    lang_prop_set_take(t, "Name", lang_str(strrchr(name, '.') ? strrchr(name, '.') + 1 : name));
    lang_prop_set_take(t, "FullName", lang_str(name));
    return t;
}

static lang_status cast_error(lang_interp *I, const lang_node *at, lang_value *v, const char *net)
{
    char *s = lang_to_str(v);
    next_inner = "System.FormatException";
    lang_status st = op_error(I, at, "InvalidCastFromStringToInteger", "InvalidArgument",
                              "System.Management.Automation.RuntimeException",
                              "Cannot convert value \"%s\" to type \"%s\". Error: \"Input string "
                              "was not in a correct format.\"",
                              s, net);
    free(s);
    return st;
}

static bool is_psref(const lang_value *v);

lang_status lang_cast(lang_interp *I, const lang_node *at, const char *type, lang_value *v,
                      lang_value **res)
{
    char buf[128];
    const char *t = norm_type(type, buf, sizeof buf);
    *res = NULL;
    if (!strcmp(t, "int") || !strcmp(t, "long") || !strcmp(t, "short") || !strcmp(t, "byte") ||
        !strcmp(t, "uint") || !strcmp(t, "ulong")) {
        int64_t i;
        double d;
        bool isd;
        if (v && v->type == LV_ARRAY)
            return op_error(I, at, "ConvertToFinalInvalidCastException", "InvalidArgument",
                            "System.Management.Automation.RuntimeException",
                            "Cannot convert the \"System.Object[]\" value of type "
                            "\"System.Object[]\" to type \"System.Int32\".");
        bool is_long = !strcmp(t, "long") || !strcmp(t, "ulong");
        if (!lang_to_number(v, &i, &d, &isd))
            return cast_error(I, at, v, is_long ? "System.Int64" : "System.Int32");
        double whole = isd ? nearbyint(d) : (double)i; /* banker's rounding: [int]2.5 -> 2 */
        if (isd ? !(whole >= (is_long ? -9223372036854775808.0 : -2147483648.0) &&
                    whole < (is_long ? 9223372036854775808.0 : 2147483648.0))
                : (!is_long && (i < INT32_MIN || i > INT32_MAX))) {
            char *txt = lang_to_str(v);
            lang_status st = op_error(
                I, at, "InvalidCastIConvertible", "InvalidArgument",
                "System.Management.Automation.RuntimeException",
                "Cannot convert value \"%s\" to type \"%s\". Error: \"Value was either too "
                "large or too small for an %s.\"",
                txt, is_long ? "System.Int64" : "System.Int32", is_long ? "Int64" : "Int32");
            free(txt);
            return st;
        }
        if (isd)
            i = (int64_t)whole;
        *res = lang_int(i);
        return LANG_OK;
    }
    if (!strcmp(t, "double")) {
        int64_t i;
        double d;
        bool isd;
        if (!lang_to_number(v, &i, &d, &isd))
            return cast_error(I, at, v, "System.Double");
        *res = lang_double(isd ? d : (double)i);
        return LANG_OK;
    }
    if (!strcmp(t, "string")) {
        *res = v ? lang_str_take(lang_to_str(v)) : lang_str("");
        return LANG_OK;
    }
    if (!strcmp(t, "bool") || !strcmp(t, "switch")) {
        *res = lang_bool(lang_truthy(v));
        return LANG_OK;
    }
    size_t tl = strlen(t);
    if (tl > 2 && !strcmp(t + tl - 2, "[]") && strcmp(t, "string[]") != 0) {
        /* [int[]], [double[]], [object[]] ...: each element cast to the element type */
        char elem[128];
        snprintf(elem, sizeof elem, "%.*s", (int)(tl - 2), t);
        lang_value *a = lang_array_new();
        size_t n = v && v->type == LV_ARRAY ? v->u.arr.n : v ? 1 : 0;
        for (size_t i = 0; i < n; i++) {
            lang_value *x = NULL;
            lang_status st =
                lang_cast(I, at, elem, v->type == LV_ARRAY ? v->u.arr.items[i] : v, &x);
            if (st != LANG_OK) {
                lang_unref(a);
                return st;
            }
            lang_array_push_take(a, x);
        }
        *res = a;
        return LANG_OK;
    }
    if (!strcmp(t, "array") || !strcmp(t, "string[]") || !strcmp(t, "object")) {
        if (!strcmp(t, "object")) {
            *res = lang_ref(v);
            return LANG_OK;
        }
        if (v && v->type == LV_ARRAY) {
            if (!strcmp(t, "string[]")) {
                lang_value *a = lang_array_new();
                for (size_t i = 0; i < v->u.arr.n; i++)
                    lang_array_push_take(a, lang_str_take(lang_to_str(v->u.arr.items[i])));
                *res = a;
            } else {
                *res = lang_ref(v);
            }
            return LANG_OK;
        }
        lang_value *a = lang_array_new();
        if (v)
            lang_array_push_take(a, !strcmp(t, "string[]") ? lang_str_take(lang_to_str(v))
                                                           : lang_ref(v));
        *res = a;
        return LANG_OK;
    }
    if (!strcmp(t, "hashtable") || !strcmp(t, "ordered")) {
        if (v && v->type == LV_HASH) {
            *res = lang_ref(v);
            return LANG_OK;
        }
        return op_error(I, at, "ConvertToFinalInvalidCastException", "InvalidArgument",
                        "System.Management.Automation.RuntimeException",
                        "Cannot convert the \"%s\" value of type \"%s\" to type "
                        "\"System.Collections.Hashtable\".",
                        lang_type_name(v), lang_type_name(v));
    }
    if (!strcmp(t, "pscustomobject") || !strcmp(t, "psobject")) {
        if (v && v->type == LV_HASH) {
            lang_value *o = lang_object_new(NULL);
            for (size_t i = 0; i < v->u.obj.n; i++)
                lang_prop_set(o, v->u.obj.props[i].name, v->u.obj.props[i].value);
            *res = o;
            return LANG_OK;
        }
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (!strcmp(t, "void")) {
        *res = NULL;
        return LANG_OK;
    }
    if (!strcmp(t, "char")) {
        if (v && v->type == LV_INT) {
            char c[2] = {(char)v->u.i, 0};
            *res = lang_str(c);
            return LANG_OK;
        }
        char *s = lang_to_str(v);
        if (strlen(s) != 1) {
            lang_status st = op_error(I, at, "InvalidCastParseTargetInvocation", "InvalidArgument",
                                      "System.Management.Automation.RuntimeException",
                                      "Cannot convert value \"%s\" to type \"System.Char\". "
                                      "Error: \"String must be exactly one character long.\"",
                                      s);
            free(s);
            return st;
        }
        *res = lang_str_take(s);
        return LANG_OK;
    }
    if (!strcmp(t, "datetime") || !strcmp(t, "timespan")) {
        bool dt = !strcmp(t, "datetime");
        if (v && v->type == (dt ? LV_DATETIME : LV_TIMESPAN)) {
            *res = lang_ref(v);
            return LANG_OK;
        }
        if (v && v->type == LV_INT && v->u.i >= (dt ? 0 : INT64_MIN) &&
            v->u.i <= (dt ? LANG_MAX_TICKS : INT64_MAX)) {
            *res = dt ? lang_datetime(v->u.i, LANG_DT_UNSPECIFIED) : lang_timespan(v->u.i);
            return LANG_OK;
        }
        int64_t ticks;
        int kind = LANG_DT_UNSPECIFIED;
        if (v && v->type == LV_STRING &&
            (dt ? lang_dt_parse(v->u.str.s, &ticks, &kind) : lang_ts_parse(v->u.str.s, &ticks))) {
            *res = dt ? lang_datetime(ticks, kind) : lang_timespan(ticks);
            return LANG_OK;
        }
        if (!v)
            return op_error(I, at, "InvalidCastFromNullToDateTime", "InvalidArgument",
                            "System.Management.Automation.RuntimeException",
                            "Cannot convert null to type \"System.%s\".",
                            dt ? "DateTime" : "TimeSpan");
        char *s = lang_to_str(v);
        lang_status st;
        if (v->type == LV_STRING)
            st = op_error(I, at, "InvalidCastParseTargetInvocation", "InvalidArgument",
                          "System.Management.Automation.RuntimeException",
                          "Cannot convert value \"%s\" to type \"System.%s\". Error: \"String "
                          "'%s' was not recognized as a valid %s.\"",
                          s, dt ? "DateTime" : "TimeSpan", s, dt ? "DateTime" : "TimeSpan");
        else
            st = op_error(I, at, "ConvertToFinalInvalidCastException", "InvalidArgument",
                          "System.Management.Automation.RuntimeException",
                          "Cannot convert the \"%s\" value of type \"%s\" to type \"System.%s\".",
                          s, lang_type_name(v), dt ? "DateTime" : "TimeSpan");
        free(s);
        return st;
    }
    if (!strcmp(t, "regex"))
        return lang_regex_new(I, at, v, false, res);
    if (!strcmp(t, "guid") || !strcmp(t, "uri") || !strcmp(t, "version")) {
        if (!strcmp(t, "guid")) {
            char *s = lang_to_str(v);
            if (!rs_is_guid(s)) {
                lang_status st =
                    op_error(I, at, "InvalidCastParseTargetInvocation", "InvalidArgument",
                             "System.Management.Automation.RuntimeException",
                             "Cannot convert value \"%s\" to type \"System.Guid\". "
                             "Error: \"Guid should contain 32 digits with 4 dashes "
                             "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).\"",
                             s);
                free(s);
                return st;
            }
            *res = lang_str_take(s);
            return LANG_OK;
        }
        *res = v ? lang_str_take(lang_to_str(v)) : NULL;
        return LANG_OK;
    }
    if (!strcmp(t, "securestring")) {
        if (v && v->type == LV_SECURE) {
            *res = lang_ref(v);
            return LANG_OK;
        }
        return op_error(I, at, "ConvertToFinalInvalidCastException", "InvalidArgument",
                        "System.Management.Automation.RuntimeException",
                        "Cannot convert the \"%s\" value of type \"%s\" to type "
                        "\"System.Security.SecureString\".",
                        v && v->type == LV_STRING ? v->u.str.s : lang_type_name(v),
                        lang_type_name(v));
    }
    if (!strcmp(t, "scriptblock")) {
        if (v && v->type == LV_BLOCK) {
            *res = lang_ref(v);
            return LANG_OK;
        }
    }
    if (!strcmp(t, "pscredential")) {
        if (v && v->type == LV_OBJECT && lang_is_type(v, "pscredential")) {
            *res = lang_ref(v);
            return LANG_OK;
        }
    }
    if (!strcmp(t, "collections.arraylist") || !strncmp(t, "collections.generic.list[", 25)) {
        /* a new list holding the items */
        lang_value *a = lang_array_new();
        a->u.arr.kind = t[12] == 'a' ? LANG_ARR_ARRAYLIST : LANG_ARR_LIST;
        if (v && v->type == LV_ARRAY)
            for (size_t i = 0; i < v->u.arr.n; i++)
                lang_array_push(a, v->u.arr.items[i]);
        else if (v)
            lang_array_push(a, v);
        *res = a;
        return LANG_OK;
    }
    if (!strcmp(t, "ref") || !strcmp(t, "management.automation.psreference")) {
        if (is_psref(v)) { /* a [ref] parameter takes a reference as it is */
            *res = lang_ref(v);
            return LANG_OK;
        }
        return op_error(I, at, "RefTypeExpected", "InvalidArgument",
                        "System.Management.Automation.RuntimeException",
                        "Reference type is expected in argument.");
    }
    if (!strcmp(t, "datetimeoffset")) {
        if (lang_dto_convert(v, res))
            return LANG_OK;
        return cast_error(I, at, v, "System.DateTimeOffset");
    }
    if (!strcmp(t, "actionpreference")) {
        char *s = lang_to_str(v);
        lang_action a = lang_action_parse(s);
        free(s);
        if (a != ACT_NONE) {
            *res = lang_ref(v);
            return LANG_OK;
        }
    }
    return op_error(I, at, "TypeNotFound", "InvalidOperation",
                    "System.Management.Automation.RuntimeException", "Unable to find type [%s].",
                    type);
}

lang_value *lang_make_credential(const char *user, lang_value *password)
{
    lang_value *c = lang_object_new("System.Management.Automation.PSCredential");
    lang_prop_set_take(c, "UserName", lang_str(user));
    lang_prop_set(c, "Password", password);
    return c;
}

/* ---- the binary operator entry ---- */

lang_status lang_binary(lang_interp *I, int op, lang_value *a, lang_value *b, lang_value **res)
{
    return lang_binary_at(I, NULL, op, a, b, res);
}

lang_status lang_binary_at(lang_interp *I, const lang_node *at, int op, lang_value *a,
                           lang_value *b, lang_value **res)
{
    *res = NULL;
    switch (op) {
    case OP_ADD:
        return add(I, at, a, b, res);
    case OP_SUB:
        if (a && (a->type == LV_DATETIME || a->type == LV_TIMESPAN))
            return date_arith(I, at, true, a, b, res);
        if (lang_dto_is(a) && lang_dto_is(b)) {
            *res = lang_timespan(lang_dto_utc_ticks(a) - lang_dto_utc_ticks(b));
            return LANG_OK;
        }
        return arith(I, at, op, a, b, res);
    case OP_DIV:
    case OP_MOD:
        return arith(I, at, op, a, b, res);
    case OP_MUL:
        return multiply(I, at, a, b, res);
    case OP_EQ:
    case OP_NE:
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE:
    case OP_CEQ:
    case OP_CNE:
    case OP_CGT:
    case OP_CGE:
    case OP_CLT:
    case OP_CLE:
    case OP_LIKE:
    case OP_NOTLIKE:
    case OP_CLIKE:
    case OP_CNOTLIKE:
    case OP_MATCH:
    case OP_NOTMATCH:
    case OP_CMATCH:
    case OP_CNOTMATCH: {
        if (a && a->type == LV_ARRAY) {
            /* a collection on the left filters it */
            lang_value *r = lang_array_new();
            for (size_t i = 0; i < a->u.arr.n; i++) {
                bool hit;
                lang_status st = compare_op(I, at, op, a->u.arr.items[i], b, false, &hit);
                if (st != LANG_OK) {
                    lang_unref(r);
                    return st;
                }
                if (hit)
                    lang_array_push(r, a->u.arr.items[i]);
            }
            *res = r;
            return LANG_OK;
        }
        bool hit;
        lang_status st = compare_op(I, at, op, a, b, true, &hit);
        if (st == LANG_OK)
            *res = lang_bool(hit);
        return st;
    }
    case OP_CONTAINS:
    case OP_CCONTAINS:
        *res = lang_bool(contains(a, b, op == OP_CONTAINS));
        return LANG_OK;
    case OP_NOTCONTAINS:
    case OP_CNOTCONTAINS:
        *res = lang_bool(!contains(a, b, op == OP_NOTCONTAINS));
        return LANG_OK;
    case OP_IN:
    case OP_CIN:
        *res = lang_bool(contains(b, a, op == OP_IN));
        return LANG_OK;
    case OP_NOTIN:
    case OP_CNOTIN:
        *res = lang_bool(!contains(b, a, op == OP_NOTIN));
        return LANG_OK;
    case OP_REPLACE:
    case OP_CREPLACE:
        return replace_op(I, at, a, b, op == OP_REPLACE, res);
    case OP_SPLIT:
        return split_op(I, at, a, b, res);
    case OP_JOIN: {
        char *sep = lang_to_str(b);
        *res = join_values(a, sep);
        free(sep);
        return LANG_OK;
    }
    case OP_FORMAT:
        return format_op(I, at, a, b, res);
    case OP_RANGE: {
        int64_t x, y;
        double d;
        bool isd;
        lang_status st = to_num(I, at, a, &x, &d, &isd);
        if (st != LANG_OK)
            return st;
        if (isd)
            x = lang_d2i(nearbyint(d));
        st = to_num(I, at, b, &y, &d, &isd);
        if (st != LANG_OK)
            return st;
        if (isd)
            y = lang_d2i(nearbyint(d));
        if ((x > y ? x - y : y - x) > 10000000)
            return op_error(I, at, "RangeTooLarge", "InvalidOperation",
                            "System.Management.Automation.RuntimeException",
                            "The range is too large.");
        lang_value *r = lang_array_new();
        for (int64_t i = x;; i += x <= y ? 1 : -1) {
            lang_array_push_take(r, lang_int(i));
            if (i == y)
                break;
        }
        *res = r;
        return LANG_OK;
    }
    case OP_IS:
    case OP_ISNOT: {
        char *tn = b && b->type == LV_OBJECT && lang_is_type(b, "System.RuntimeType")
                       ? lang_to_str(lang_prop_get(b, "FullName", NULL))
                       : lang_to_str(b);
        bool r = lang_is_type(a, tn);
        free(tn);
        *res = lang_bool(op == OP_IS ? r : !r);
        return LANG_OK;
    }
    case OP_AS: {
        char *tn = b && b->type == LV_OBJECT && lang_is_type(b, "System.RuntimeType")
                       ? lang_to_str(lang_prop_get(b, "FullName", NULL))
                       : lang_to_str(b);
        lang_status st = lang_cast(I, at, tn, a, res);
        free(tn);
        if (st == LANG_THROW) {
            lang_error_free(I->pending);
            I->pending = NULL;
            *res = NULL;
        }
        return LANG_OK;
    }
    case OP_AND:
        *res = lang_bool(lang_truthy(a) && lang_truthy(b));
        return LANG_OK;
    case OP_OR:
        *res = lang_bool(lang_truthy(a) || lang_truthy(b));
        return LANG_OK;
    case OP_XOR:
        *res = lang_bool(lang_truthy(a) != lang_truthy(b));
        return LANG_OK;
    case OP_BAND:
    case OP_BOR:
    case OP_BXOR: {
        int64_t x, y;
        double d;
        bool isd;
        lang_status st = to_num(I, at, a, &x, &d, &isd);
        if (st == LANG_OK)
            st = to_num(I, at, b, &y, &d, &isd);
        if (st != LANG_OK)
            return st;
        *res = lang_int(op == OP_BAND ? (x & y) : op == OP_BOR ? (x | y) : (x ^ y));
        return LANG_OK;
    }
    }
    return op_error(I, at, "OperatorNotSupported", "InvalidOperation",
                    "System.Management.Automation.RuntimeException",
                    "The operator is not supported.");
}

/* ---- members ---- */

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* ---- [ref] (System.Management.Automation.PSReference) ---- */

/* A reference to a variable (by name, looked up when read or set) or, for
 * [ref] of any other expression, to a value of its own (the "Value" property). */
typedef struct psref {
    char *var; /* owned; NULL when the reference holds a value */
    int depth; /* the scope the variable was referenced in (lang_scope_depth) */
} psref;

static void psref_free(void *p)
{
    psref *r = p;
    if (r)
        free(r->var);
    free(r);
}

static const lang_native_type psref_native = {.name = "PSReference", .free = psref_free};

static lang_value *psref_new(const char *var, int depth, lang_value *value)
{
    lang_value *o = lang_object_new("System.Management.Automation.PSReference");
    psref *r = rs_calloc(1, sizeof *r);
    r->var = var ? rs_strdup(var) : NULL;
    r->depth = depth;
    if (!var)
        lang_prop_set(o, "Value", value);
    lang_object_set_native(o, &psref_native, r);
    return o;
}

static bool is_psref(const lang_value *v)
{
    return v && v->type == LV_OBJECT && lang_object_native(v, &psref_native);
}

/* Set what the reference r points to (v borrowed). */
static void psref_set(lang_interp *I, lang_value *r, lang_value *v)
{
    const psref *p = lang_object_native(r, &psref_native);
    if (p && p->var)
        lang_var_set_in(I, p->var, v, p->depth);
    else
        lang_prop_set(r, "Value", v);
}

bool lang_psref_assign(lang_interp *I, lang_value *r, const char *member, lang_value *v)
{
    if (!is_psref(r) || !rs_streq_ci(member, "Value"))
        return false;
    psref_set(I, r, v);
    return true;
}

/* ---- System.Diagnostics.Stopwatch ---- */

typedef struct stopwatch {
    int64_t acc_ns;   /* time measured before the last Start */
    int64_t start_ns; /* monotonic time of the last Start */
    bool running;
} stopwatch;

static void sw_free(void *p)
{
    free(p);
}

static const lang_native_type sw_native = {.name = "stopwatch", .free = sw_free};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static lang_value *stopwatch_new(bool start)
{
    lang_value *o = lang_object_new("System.Diagnostics.Stopwatch");
    stopwatch *w = rs_calloc(1, sizeof *w);
    if (start) {
        w->running = true;
        w->start_ns = mono_ns();
    }
    lang_object_set_native(o, &sw_native, w);
    return o;
}

static int64_t sw_elapsed_ns(const stopwatch *w)
{
    return w->acc_ns + (w->running ? mono_ns() - w->start_ns : 0);
}

/* Elapsed (TimeSpan), ElapsedMilliseconds, ElapsedTicks (ns: Frequency is 1e9 on
 * Linux), IsRunning; NULL with *found false for anything else. */
static lang_value *stopwatch_member(const stopwatch *w, const char *name, bool *found)
{
    *found = true;
    int64_t ns = sw_elapsed_ns(w);
    if (rs_streq_ci(name, "Elapsed"))
        return lang_timespan(ns / 100);
    if (rs_streq_ci(name, "ElapsedMilliseconds"))
        return lang_int(ns / 1000000);
    if (rs_streq_ci(name, "ElapsedTicks"))
        return lang_int(ns);
    if (rs_streq_ci(name, "IsRunning"))
        return lang_bool(w->running);
    *found = false;
    return NULL;
}

lang_value *lang_dynamic_snapshot(const lang_value *v)
{
    if (lang_sb_is(v))
        return lang_sb_snapshot(v);
    if (lang_dto_is(v))
        return lang_dto_snapshot(v);
    const stopwatch *w = v && v->type == LV_OBJECT ? lang_object_native(v, &sw_native) : NULL;
    if (!w)
        return NULL;
    lang_value *o = lang_object_new("System.Diagnostics.Stopwatch");
    static const char *const props[] = {"IsRunning", "Elapsed", "ElapsedMilliseconds",
                                        "ElapsedTicks"};
    for (size_t k = 0; k < sizeof props / sizeof props[0]; k++) {
        bool found;
        lang_prop_set_take(o, props[k], stopwatch_member(w, props[k], &found));
    }
    return o;
}

/* $o.PSObject: BaseObject, TypeNames and Properties (a snapshot: one
 * PSNoteProperty per property, Name, Value, MemberType, TypeNameOfValue,
 * IsSettable; found by name as .Properties['Name']). */
static lang_value *psobject_view(lang_value *v)
{
    lang_value *o = lang_object_new("System.Management.Automation.PSObject");
    lang_prop_set(o, "BaseObject", v);
    lang_value *tn = lang_array_new();
    lang_array_push_take(tn, lang_str(lang_type_name(v)));
    lang_array_push_take(tn, lang_str("System.Object"));
    lang_prop_set_take(o, "TypeNames", tn);
    lang_value *props = lang_array_new();
    props->u.arr.kind = LANG_ARR_MEMBERS;
    bool custom = !v->u.obj.type_name;
    for (size_t i = 0; i < v->u.obj.n; i++) {
        lang_value *p = lang_object_new(custom ? "System.Management.Automation.PSNoteProperty"
                                               : "System.Management.Automation.PSProperty");
        lang_prop_set_take(p, "Value", lang_ref(v->u.obj.props[i].value));
        lang_prop_set_take(p, "MemberType", lang_str(custom ? "NoteProperty" : "Property"));
        lang_prop_set_take(p, "IsSettable", lang_bool(true));
        lang_prop_set_take(p, "IsGettable", lang_bool(true));
        lang_prop_set_take(p, "TypeNameOfValue", lang_str(lang_type_name(v->u.obj.props[i].value)));
        lang_prop_set_take(p, "Name", lang_str(v->u.obj.props[i].name));
        lang_array_push_take(props, p);
    }
    lang_prop_set_take(o, "Properties", props);
    return o;
}

lang_value *lang_member(lang_interp *I, lang_value *v, const char *name)
{
    (void)I;
    if (!v)
        return rs_streq_ci(name, "Count") || rs_streq_ci(name, "Length") ? lang_int(0) : NULL;
    bool found = false;
    switch (v->type) {
    case LV_HASH: {
        lang_value *r = lang_prop_get(v, name, &found);
        if (found)
            return lang_ref(r);
        if (rs_streq_ci(name, "Count") || rs_streq_ci(name, "Length"))
            return lang_int((int64_t)v->u.obj.n);
        if (rs_streq_ci(name, "Keys") || rs_streq_ci(name, "Values")) {
            lang_value *a = lang_array_new();
            for (size_t i = 0; i < v->u.obj.n; i++)
                lang_array_push_take(a, rs_streq_ci(name, "Keys")
                                            ? lang_str(v->u.obj.props[i].name)
                                            : lang_ref(v->u.obj.props[i].value));
            return a;
        }
        return NULL;
    }
    case LV_OBJECT: {
        const stopwatch *w = lang_object_native(v, &sw_native);
        if (w) {
            lang_value *m = stopwatch_member(w, name, &found);
            if (found)
                return m;
        }
        if (lang_sb_is(v)) {
            lang_value *m = lang_sb_member(v, name, &found);
            if (found)
                return m;
        }
        if (lang_dto_is(v)) {
            lang_value *m = lang_dto_member(v, name, &found);
            if (found)
                return m;
        }
        if (is_psref(v) && rs_streq_ci(name, "Value")) {
            const psref *p = lang_object_native(v, &psref_native);
            if (p->var && I)
                return lang_var_get(I, p->var, NULL);
        }
        lang_value *r = lang_prop_get(v, name, &found);
        if (found)
            return lang_ref(r);
        if (rs_streq_ci(name, "Count") || rs_streq_ci(name, "Length"))
            return lang_int(1);
        if (rs_streq_ci(name, "PSTypeNames")) {
            lang_value *a = lang_array_new();
            lang_array_push_take(a, lang_str(lang_type_name(v)));
            return a;
        }
        if (rs_streq_ci(name, "PSObject"))
            return psobject_view(v);
        return NULL;
    }
    case LV_ARRAY: {
        if (rs_streq_ci(name, "Count") || rs_streq_ci(name, "Length"))
            return lang_int((int64_t)v->u.arr.n);
        /* member enumeration */
        lang_list l = {0};
        for (size_t i = 0; i < v->u.arr.n; i++) {
            lang_value *m = lang_member(I, v->u.arr.items[i], name);
            if (m)
                lang_list_push_enum(&l, m);
            lang_unref(m);
        }
        return lang_list_collapse(&l);
    }
    case LV_STRING:
        if (rs_streq_ci(name, "Length"))
            return lang_int((int64_t)utf8_len(v->u.str.s));
        if (rs_streq_ci(name, "Count"))
            return lang_int(1);
        return NULL;
    case LV_SECURE:
        if (rs_streq_ci(name, "Length"))
            return lang_int((int64_t)utf8_len(v->u.str.s));
        return NULL;
    case LV_DATETIME:
    case LV_TIMESPAN: {
        lang_value *r = lang_dt_member(v, name, &found);
        if (found)
            return r;
        if (rs_streq_ci(name, "Count") || rs_streq_ci(name, "Length"))
            return lang_int(1);
        return NULL;
    }
    default:
        if (rs_streq_ci(name, "Count") || rs_streq_ci(name, "Length"))
            return lang_int(1);
        return NULL;
    }
}

static lang_value *static_member(const char *type, const char *name)
{
    char buf[128];
    const char *t = norm_type(type, buf, sizeof buf);
    if (!strcmp(t, "string") && rs_streq_ci(name, "Empty"))
        return lang_str("");
    if (!strcmp(t, "int") && rs_streq_ci(name, "MaxValue"))
        return lang_int(INT32_MAX);
    if (!strcmp(t, "int") && rs_streq_ci(name, "MinValue"))
        return lang_int(INT32_MIN);
    if (!strcmp(t, "long") && rs_streq_ci(name, "MaxValue"))
        return lang_int(INT64_MAX);
    if (!strcmp(t, "environment") && rs_streq_ci(name, "NewLine"))
        return lang_str("\n");
    if (!strcmp(t, "environment") && rs_streq_ci(name, "UserName"))
        return lang_str(getenv("USER") ? getenv("USER") : "");
    if (!strcmp(t, "environment") && rs_streq_ci(name, "MachineName")) {
        char h[256] = "";
        gethostname(h, sizeof h - 1);
        return lang_str(h);
    }
    if (!strcmp(t, "environment") && rs_streq_ci(name, "ProcessorCount")) {
        long n = sysconf(_SC_NPROCESSORS_ONLN); /* for ForEach-Object -Parallel -ThrottleLimit */
        return lang_int(n > 0 ? n : 1);
    }
    if (!strcmp(t, "math") && rs_streq_ci(name, "PI"))
        return lang_double(M_PI);
    if (!strcmp(t, "datetime")) {
        if (rs_streq_ci(name, "Now"))
            return lang_dt_now();
        if (rs_streq_ci(name, "UtcNow") || rs_streq_ci(name, "Today")) {
            lang_value *now = lang_dt_now();
            lang_value *r = rs_streq_ci(name, "Today") ? lang_dt_member(now, "Date", &(bool){0})
                                                       : lang_dt_to_utc(now);
            lang_unref(now);
            return r;
        }
        if (rs_streq_ci(name, "MinValue"))
            return lang_datetime(0, LANG_DT_UNSPECIFIED);
        if (rs_streq_ci(name, "MaxValue"))
            return lang_datetime(LANG_MAX_TICKS, LANG_DT_UNSPECIFIED);
    }
    if (!strcmp(t, "timespan") && rs_streq_ci(name, "Zero"))
        return lang_timespan(0);
    if (!strcmp(t, "datetimeoffset"))
        return lang_dto_static_member(name);
    if (!strcmp(t, "text.regularexpressions.regexoptions"))
        return lang_str(name); /* an options value is its name ("IgnoreCase") */
    if (!strcmp(t, "io.path") && (rs_streq_ci(name, "DirectorySeparatorChar") ||
                                  rs_streq_ci(name, "AltDirectorySeparatorChar")))
        return lang_str("/");
    if (!strcmp(t, "io.path") && rs_streq_ci(name, "PathSeparator"))
        return lang_str(":");
    if ((!strcmp(t, "cultureinfo") || !strcmp(t, "globalization.cultureinfo")) &&
        (rs_streq_ci(name, "InvariantCulture") || rs_streq_ci(name, "CurrentCulture"))) {
        /* dates and numbers are always en-US / invariant here (ParseExact's provider) */
        lang_value *c = lang_object_new("System.Globalization.CultureInfo");
        bool inv = rs_streq_ci(name, "InvariantCulture");
        lang_prop_set_take(c, "LCID", lang_int(inv ? 127 : 1033));
        lang_prop_set_take(c, "Name", lang_str(inv ? "" : "en-US"));
        lang_prop_set_take(
            c, "DisplayName",
            lang_str(inv ? "Invariant Language (Invariant Country)" : "English (United States)"));
        return c;
    }
    return NULL;
}

/* ---- methods ---- */

static lang_status no_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name)
{
    return op_error(I, at, "MethodNotFound", "InvalidOperation",
                    "System.Management.Automation.RuntimeException",
                    "Method invocation failed because [%s] does not contain a method named '%s'.",
                    lang_type_name(v), name);
}

static char *arg_str(lang_value **args, size_t n, size_t i)
{
    return i < n ? lang_to_str(args[i]) : rs_strdup("");
}

static int64_t arg_int(lang_value **args, size_t n, size_t i, int64_t dflt)
{
    int64_t x;
    double d;
    bool isd;
    if (i >= n || !lang_to_number(args[i], &x, &d, &isd))
        return dflt;
    return isd ? lang_d2i(d) : x;
}

static lang_status string_method(lang_interp *I, const lang_node *at, lang_value *v,
                                 const char *name, lang_value **args, size_t n, lang_value **res)
{
    const char *s = v->u.str.s;
    size_t len = v->u.str.len;
    if (rs_streq_ci(name, "ToUpper") || rs_streq_ci(name, "ToUpperInvariant")) {
        char *r = rs_strdup(s);
        for (char *p = r; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        *res = lang_str_take(r);
    } else if (rs_streq_ci(name, "ToLower") || rs_streq_ci(name, "ToLowerInvariant")) {
        *res = lang_str_take(rs_lower_dup(s));
    } else if (rs_streq_ci(name, "Trim") || rs_streq_ci(name, "TrimStart") ||
               rs_streq_ci(name, "TrimEnd")) {
        char *set = n ? arg_str(args, n, 0) : rs_strdup(" \t\r\n\f\v");
        size_t a = 0, b = len;
        if (!rs_streq_ci(name, "TrimEnd"))
            while (a < b && strchr(set, s[a]))
                a++;
        if (!rs_streq_ci(name, "TrimStart"))
            while (b > a && strchr(set, s[b - 1]))
                b--;
        free(set);
        *res = lang_str_n(s + a, b - a);
    } else if (rs_streq_ci(name, "Split")) {
        char *seps = n ? arg_str(args, n, 0) : rs_strdup(" ");
        lang_value *arr = lang_array_new();
        size_t start = 0;
        for (size_t i = 0; i <= len; i++) {
            if (i == len || strchr(seps, s[i])) {
                lang_array_push_take(arr, lang_str_n(s + start, i - start));
                start = i + 1;
            }
        }
        free(seps);
        *res = arr;
    } else if (rs_streq_ci(name, "Replace")) {
        char *from = arg_str(args, n, 0), *to = arg_str(args, n, 1);
        rs_buf b = {0};
        size_t fl = strlen(from);
        for (size_t i = 0; i < len;) {
            if (fl && !strncmp(s + i, from, fl)) {
                rs_buf_puts(&b, to);
                i += fl;
            } else {
                rs_buf_putc(&b, s[i++]);
            }
        }
        free(from);
        free(to);
        *res = lang_str_take(b.data ? rs_buf_take(&b) : rs_strdup(""));
    } else if (rs_streq_ci(name, "Contains")) {
        char *x = arg_str(args, n, 0);
        *res = lang_bool(strstr(s, x) != NULL);
        free(x);
    } else if (rs_streq_ci(name, "StartsWith")) {
        char *x = arg_str(args, n, 0);
        *res = lang_bool(!strncmp(s, x, strlen(x)));
        free(x);
    } else if (rs_streq_ci(name, "EndsWith")) {
        char *x = arg_str(args, n, 0);
        size_t xl = strlen(x);
        *res = lang_bool(xl <= len && !strcmp(s + len - xl, x));
        free(x);
    } else if (rs_streq_ci(name, "IndexOf") || rs_streq_ci(name, "LastIndexOf")) {
        char *x = arg_str(args, n, 0);
        const char *p = NULL;
        if (rs_streq_ci(name, "IndexOf")) {
            p = strstr(s, x);
        } else {
            for (const char *q = strstr(s, x); q; q = strstr(q + 1, x))
                p = q;
        }
        *res = lang_int(p ? (int64_t)(p - s) : -1);
        free(x);
    } else if (rs_streq_ci(name, "Substring")) {
        int64_t a = arg_int(args, n, 0, 0);
        int64_t l = arg_int(args, n, 1, (int64_t)len - a);
        if (a < 0 || l < 0 || (size_t)(a + l) > len)
            return op_error(I, at, "ArgumentOutOfRangeException", "NotSpecified",
                            "System.ArgumentOutOfRangeException",
                            "Exception calling \"Substring\" with \"%zu\" argument(s): \"Index and "
                            "length must refer to a location within the string.\"",
                            n);
        *res = lang_str_n(s + a, (size_t)l);
    } else if (rs_streq_ci(name, "PadLeft") || rs_streq_ci(name, "PadRight")) {
        int64_t w = arg_int(args, n, 0, 0);
        char *pc = n > 1 ? arg_str(args, n, 1) : rs_strdup(" ");
        rs_buf b = {0};
        int64_t pad = w - (int64_t)utf8_len(s);
        if (rs_streq_ci(name, "PadRight"))
            rs_buf_puts(&b, s);
        for (int64_t i = 0; i < pad; i++)
            rs_buf_putc(&b, pc[0] ? pc[0] : ' ');
        if (rs_streq_ci(name, "PadLeft"))
            rs_buf_puts(&b, s);
        free(pc);
        *res = lang_str_take(b.data ? rs_buf_take(&b) : rs_strdup(""));
    } else if (rs_streq_ci(name, "ToString") || rs_streq_ci(name, "Clone")) {
        *res = lang_ref(v);
    } else if (rs_streq_ci(name, "Equals")) {
        char *x = arg_str(args, n, 0);
        *res = lang_bool(!strcmp(s, x));
        free(x);
    } else if (rs_streq_ci(name, "ToCharArray")) {
        lang_value *arr = lang_array_new();
        for (size_t i = 0; i < len; i++)
            lang_array_push_take(arr, lang_str_n(s + i, 1));
        *res = arr;
    } else if (rs_streq_ci(name, "Insert")) {
        int64_t a = arg_int(args, n, 0, 0);
        char *x = arg_str(args, n, 1);
        if (a < 0 || (size_t)a > len)
            a = (int64_t)len;
        *res = lang_str_take(rs_asprintf("%.*s%s%s", (int)a, s, x, s + a));
        free(x);
    } else {
        return no_method(I, at, v, name);
    }
    return LANG_OK;
}

static int64_t lang_int64_member(const lang_value *v, const char *name)
{
    bool found;
    lang_value *m = lang_dt_member(v, name, &found);
    int64_t r = m && m->type == LV_INT ? m->u.i : 0;
    lang_unref(m);
    return r;
}

/* Methods of DateTime and TimeSpan values. */
static double arg_double(lang_value **args, size_t n, size_t i)
{
    int64_t x;
    double d;
    bool isd;
    if (i >= n || !lang_to_number(args[i], &x, &d, &isd))
        return 0;
    return isd ? d : (double)x;
}

static lang_status date_range_error(lang_interp *I, const lang_node *at, const char *name, size_t n)
{
    return op_error(I, at, "ArgumentOutOfRangeException", "NotSpecified",
                    "System.Management.Automation.MethodInvocationException",
                    "Exception calling \"%s\" with \"%zu\" argument(s): \"The added or subtracted "
                    "value results in an un-representable DateTime.\"",
                    name, n);
}

static lang_status date_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                               lang_value **args, size_t n, lang_value **res)
{
    bool dt = v->type == LV_DATETIME;
    int64_t t = v->u.dt.ticks;
    if (rs_streq_ci(name, "ToString")) {
        char *fmt = n && args[0] ? lang_to_str(args[0]) : NULL;
        char *out =
            !dt ? (fmt && *fmt && strcmp(fmt, "c") && strcmp(fmt, "g") ? NULL : lang_ts_format(t))
                : lang_dt_format(v, fmt);
        free(fmt);
        if (!out)
            return op_error(I, at, "FormatException", "NotSpecified",
                            "System.Management.Automation.MethodInvocationException",
                            "Exception calling \"ToString\" with \"%zu\" argument(s): \"Input "
                            "string was not in a correct format.\"",
                            n);
        *res = lang_str_take(out);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Add") || rs_streq_ci(name, "Subtract")) {
        lang_value *b = n ? args[0] : NULL;
        if (!b || (b->type != LV_TIMESPAN &&
                   !(b->type == LV_DATETIME && dt && rs_streq_ci(name, "Subtract"))))
            return op_error(I, at, "MethodArgumentConversionInvalidCastArgument", "NotSpecified",
                            "System.Management.Automation.MethodException",
                            "Cannot convert argument \"value\", with value: \"%s\", for \"%s\" to "
                            "type \"System.TimeSpan\".",
                            b ? lang_type_name(b) : "", name);
        return date_arith(I, at, rs_streq_ci(name, "Subtract"), v, b, res);
    }
    if (rs_streq_ci(name, "CompareTo")) {
        bool ok;
        int c = lang_compare(v, n ? args[0] : NULL, true, &ok);
        *res = lang_int(c < 0 ? -1 : c > 0 ? 1 : 0);
        return LANG_OK;
    }
    if (!dt) {
        if (rs_streq_ci(name, "Negate")) {
            *res = lang_timespan(-t);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Duration")) {
            *res = lang_timespan(t < 0 ? -t : t);
            return LANG_OK;
        }
        return LANG_BREAK; /* not a TimeSpan method */
    }
    static const struct {
        const char *name;
        int64_t unit; /* ticks per unit; 0 = months, -1 = years */
    } adds[] = {{"AddTicks", 1},
                {"AddMilliseconds", LANG_TICKS_PER_MS},
                {"AddSeconds", LANG_TICKS_PER_SEC},
                {"AddMinutes", 60 * LANG_TICKS_PER_SEC},
                {"AddHours", 3600 * LANG_TICKS_PER_SEC},
                {"AddDays", LANG_TICKS_PER_DAY},
                {"AddMonths", 0},
                {"AddYears", -1}};
    for (size_t k = 0; k < sizeof adds / sizeof adds[0]; k++) {
        if (!rs_streq_ci(name, adds[k].name))
            continue;
        double x = arg_double(args, n, 0);
        int64_t r;
        if (adds[k].unit > 0) {
            /* .NET rounds the fractional units to whole milliseconds */
            double ticks = adds[k].unit == 1
                               ? x
                               : nearbyint(x * (double)(adds[k].unit / LANG_TICKS_PER_MS)) *
                                     (double)LANG_TICKS_PER_MS;
            if (!(fabs(ticks) < 4e18))
                return date_range_error(I, at, adds[k].name, n);
            r = t + (int64_t)ticks;
        } else {
            int64_t months = lang_d2i(x) * (adds[k].unit ? 12 : 1);
            int64_t y = lang_int64_member(v, "Year"), mo = lang_int64_member(v, "Month"),
                    d = lang_int64_member(v, "Day");
            if (months > 120000 || months < -120000)
                return date_range_error(I, at, adds[k].name, n);
            int64_t idx = y * 12 + (mo - 1) + months;
            int ny = (int)(idx / 12), nm = (int)(idx % 12) + 1;
            int64_t base;
            int dim = 31;
            while (dim > 27 && !lang_dt_make(ny, nm, dim, 0, 0, 0, 0, &base))
                dim--;
            if (ny < 1 || ny > 9999 ||
                !lang_dt_make(ny, nm, d < dim ? (int)d : dim, 0, 0, 0, 0, &base))
                return date_range_error(I, at, adds[k].name, n);
            r = base + t % LANG_TICKS_PER_DAY;
        }
        if (r < 0 || r > LANG_MAX_TICKS)
            return date_range_error(I, at, adds[k].name, n);
        *res = lang_datetime(r, v->u.dt.kind);
        return LANG_OK;
    }
    static const char *const fmts[][2] = {{"ToShortDateString", "d"},
                                          {"ToLongDateString", "D"},
                                          {"ToShortTimeString", "t"},
                                          {"ToLongTimeString", "T"}};
    for (size_t k = 0; k < sizeof fmts / sizeof fmts[0]; k++)
        if (rs_streq_ci(name, fmts[k][0])) {
            *res = lang_str_take(lang_dt_format(v, fmts[k][1]));
            return LANG_OK;
        }
    if (rs_streq_ci(name, "ToUniversalTime")) {
        *res = lang_dt_to_utc(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "ToLocalTime")) {
        *res = lang_dt_to_local(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "IsDaylightSavingTime")) {
        lang_value *u = lang_dt_to_utc(v);
        time_t tt = (time_t)((u->u.dt.ticks - LANG_UNIX_EPOCH_TICKS) / LANG_TICKS_PER_SEC);
        lang_unref(u);
        struct tm tm;
        *res = lang_bool(localtime_r(&tt, &tm) && tm.tm_isdst > 0);
        return LANG_OK;
    }
    return LANG_BREAK;
}

static lang_status call_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                               lang_value **args, size_t n, lang_value **res)
{
    *res = NULL;
    if (!v)
        return op_error(I, at, "InvokeMethodOnNull", "InvalidOperation",
                        "System.Management.Automation.RuntimeException",
                        "You cannot call a method on a null-valued expression.");
    if (rs_streq_ci(name, "GetType")) {
        *res = type_object(lang_type_name(v));
        return LANG_OK;
    }
    switch (v->type) {
    case LV_STRING:
        return string_method(I, at, v, name, args, n, res);
    case LV_DATETIME:
    case LV_TIMESPAN: {
        lang_status st = date_method(I, at, v, name, args, n, res);
        if (st != LANG_BREAK)
            return st;
        break;
    }
    case LV_HASH:
        if (rs_streq_ci(name, "Add")) {
            char *k = arg_str(args, n, 0);
            bool dup;
            lang_prop_get(v, k, &dup);
            if (dup) {
                lang_status st = op_error(I, at, "ArgumentException", "NotSpecified",
                                          "System.Management.Automation.MethodInvocationException",
                                          "Exception calling \"Add\" with \"2\" argument(s): "
                                          "\"Item has already been added. Key in dictionary: '%s'  "
                                          "Key being added: '%s'\"",
                                          k, k);
                free(k);
                return st;
            }
            lang_prop_set(v, k, n > 1 ? args[1] : NULL);
            free(k);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Remove")) {
            char *k = arg_str(args, n, 0);
            lang_prop_remove(v, k);
            free(k);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "ContainsValue")) {
            bool hit = false, ok;
            for (size_t i = 0; i < v->u.obj.n && !hit; i++)
                hit =
                    lang_compare(v->u.obj.props[i].value, n ? args[0] : NULL, true, &ok) == 0 && ok;
            *res = lang_bool(hit);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "ContainsKey") || rs_streq_ci(name, "Contains")) {
            char *k = arg_str(args, n, 0);
            bool f;
            lang_prop_get(v, k, &f);
            free(k);
            *res = lang_bool(f);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Clear")) {
            while (v->u.obj.n)
                lang_prop_remove(v, v->u.obj.props[0].name);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "GetEnumerator")) {
            lang_value *a = lang_array_new();
            for (size_t i = 0; i < v->u.obj.n; i++) {
                lang_value *e = lang_object_new("System.Collections.DictionaryEntry");
                lang_prop_set_take(e, "Name", lang_str(v->u.obj.props[i].name));
                lang_prop_set_take(e, "Key", lang_str(v->u.obj.props[i].name));
                lang_prop_set(e, "Value", v->u.obj.props[i].value);
                lang_array_push_take(a, e);
            }
            *res = a;
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Clone")) {
            lang_value *h = lang_hash_new();
            for (size_t i = 0; i < v->u.obj.n; i++)
                lang_prop_set(h, v->u.obj.props[i].name, v->u.obj.props[i].value);
            *res = h;
            return LANG_OK;
        }
        break;
    case LV_ARRAY:
        /* Object[] is fixed-size; ArrayList's Add returns the new index, List[T]'s nothing */
        if (v->u.arr.kind == LANG_ARR_FIXED &&
            (rs_streq_ci(name, "Add") || rs_streq_ci(name, "Remove") ||
             rs_streq_ci(name, "Insert") || rs_streq_ci(name, "RemoveAt")))
            return op_error(I, at, "NotSupportedException", "NotSpecified",
                            "System.Management.Automation.MethodInvocationException",
                            "Exception calling \"%s\" with \"%zu\" argument(s): \"Collection was "
                            "of a fixed size.\"",
                            name, n);
        if (rs_streq_ci(name, "Add")) {
            lang_array_push(v, n ? args[0] : NULL);
            if (v->u.arr.kind == LANG_ARR_ARRAYLIST)
                *res = lang_int((int64_t)v->u.arr.n - 1);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "ToArray") && v->u.arr.kind != LANG_ARR_FIXED) {
            lang_value *a = lang_array_new();
            for (size_t i = 0; i < v->u.arr.n; i++)
                lang_array_push(a, v->u.arr.items[i]);
            *res = a;
            return LANG_OK;
        }
        if (rs_streq_ci(name, "AddRange") && v->u.arr.kind != LANG_ARR_FIXED) {
            lang_value *src = n ? args[0] : NULL;
            if (src && src->type == LV_ARRAY)
                for (size_t i = 0; i < src->u.arr.n; i++)
                    lang_array_push(v, src->u.arr.items[i]);
            else if (src)
                lang_array_push(v, src);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Insert") || rs_streq_ci(name, "RemoveAt")) {
            bool ins = rs_streq_ci(name, "Insert");
            int64_t at_i = arg_int(args, n, 0, -1);
            if (at_i < 0 || (size_t)at_i > v->u.arr.n - (ins ? 0 : 1) || (!ins && !v->u.arr.n))
                return op_error(
                    I, at, "ArgumentOutOfRangeException", "NotSpecified",
                    "System.Management.Automation.MethodInvocationException",
                    "Exception calling \"%s\" with \"%zu\" argument(s): \"%s (Parameter "
                    "'index')\"",
                    name, n,
                    !ins ? "Index was out of range. Must be non-negative and less than the size "
                           "of the collection."
                    : v->u.arr.kind == LANG_ARR_LIST
                        ? "Index must be within the bounds of the List."
                        : "Insertion index was out of range. Must be non-negative and less than "
                          "or equal to size.");
            if (ins) {
                lang_array_push(v, NULL);
                memmove(&v->u.arr.items[at_i + 1], &v->u.arr.items[at_i],
                        (v->u.arr.n - 1 - (size_t)at_i) * sizeof(lang_value *));
                v->u.arr.items[at_i] = lang_ref(n > 1 ? args[1] : NULL);
            } else {
                lang_unref(v->u.arr.items[at_i]);
                memmove(&v->u.arr.items[at_i], &v->u.arr.items[at_i + 1],
                        (v->u.arr.n - (size_t)at_i - 1) * sizeof(lang_value *));
                v->u.arr.n--;
            }
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Clear")) {
            for (size_t i = 0; i < v->u.arr.n; i++)
                lang_unref(v->u.arr.items[i]);
            v->u.arr.n = 0;
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Remove")) {
            bool ok;
            for (size_t i = 0; i < v->u.arr.n; i++) {
                if (lang_compare(v->u.arr.items[i], n ? args[0] : NULL, true, &ok) == 0 && ok) {
                    lang_unref(v->u.arr.items[i]);
                    memmove(&v->u.arr.items[i], &v->u.arr.items[i + 1],
                            (v->u.arr.n - i - 1) * sizeof(lang_value *));
                    v->u.arr.n--;
                    break;
                }
            }
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Contains")) {
            *res = lang_bool(contains(v, n ? args[0] : NULL, false)); /* .NET Equals */
            return LANG_OK;
        }
        if (rs_streq_ci(name, "IndexOf")) {
            bool ok;
            for (size_t i = 0; i < v->u.arr.n; i++) {
                if (lang_compare(v->u.arr.items[i], n ? args[0] : NULL, false, &ok) == 0 && ok) {
                    *res = lang_int((int64_t)i);
                    return LANG_OK;
                }
            }
            *res = lang_int(-1);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "ForEach") || rs_streq_ci(name, "Where")) {
            lang_value *blk = n ? args[0] : NULL;
            lang_list r = {0};
            for (size_t i = 0; i < v->u.arr.n; i++) {
                lang_list one = {0};
                lang_status st = lang_invoke_block(I, blk, v->u.arr.items[i], NULL, 0, false, &one);
                if (st != LANG_OK) {
                    lang_list_clear(&one);
                    lang_list_clear(&r);
                    return st;
                }
                if (rs_streq_ci(name, "ForEach")) {
                    for (size_t k = 0; k < one.n; k++)
                        lang_list_push(&r, one.v[k]);
                } else {
                    lang_value *c = lang_list_collapse(&one);
                    if (lang_truthy(c))
                        lang_list_push(&r, v->u.arr.items[i]);
                    lang_unref(c);
                }
                lang_list_clear(&one);
            }
            *res = lang_list_to_array(&r);
            return LANG_OK;
        }
        break;
    case LV_OBJECT: {
        if (lang_sb_is(v)) {
            lang_status st = lang_sb_method(I, at, v, name, args, n, res);
            if (st != LANG_BREAK)
                return st;
        }
        if (lang_dto_is(v)) {
            lang_status st = lang_dto_method(I, at, v, name, args, n, res);
            if (st != LANG_BREAK)
                return st;
        }
        if (lang_regex_is(v)) {
            lang_status st = lang_regex_method(I, at, v, name, args, n, res);
            if (st != LANG_BREAK)
                return st;
        }
        stopwatch *w = lang_object_native(v, &sw_native);
        if (w && (rs_streq_ci(name, "Start") || rs_streq_ci(name, "Stop") ||
                  rs_streq_ci(name, "Reset") || rs_streq_ci(name, "Restart"))) {
            int64_t now = mono_ns();
            if (rs_streq_ci(name, "Stop") && w->running) {
                w->acc_ns += now - w->start_ns;
                w->running = false;
            } else if (rs_streq_ci(name, "Start") && !w->running) {
                w->start_ns = now;
                w->running = true;
            } else if (rs_streq_ci(name, "Reset") || rs_streq_ci(name, "Restart")) {
                w->acc_ns = 0;
                w->running = rs_streq_ci(name, "Restart");
                w->start_ns = now;
            }
            return LANG_OK;
        }
    }
        if (rs_streq_ci(name, "GetNetworkCredential") && lang_is_type(v, "pscredential")) {
            lang_value *pw = lang_prop_get(v, "Password", NULL);
            lang_value *nc = lang_object_new("System.Net.NetworkCredential");
            char *user = lang_to_str(lang_prop_get(v, "UserName", NULL));
            lang_prop_set_take(nc, "UserName", lang_str(user));
            lang_prop_set_take(nc, "Password",
                               pw && pw->type == LV_SECURE ? lang_str_n(pw->u.str.s, pw->u.str.len)
                                                           : lang_str(""));
            lang_prop_set_take(nc, "Domain", lang_str(""));
            free(user);
            *res = nc;
            return LANG_OK;
        }
        break;
    case LV_BLOCK:
        if (rs_streq_ci(name, "Invoke") || rs_streq_ci(name, "InvokeReturnAsIs")) {
            lang_list r = {0};
            lang_status st = lang_invoke_block(I, v, NULL, args, n, true, &r);
            *res = lang_list_collapse(&r);
            return st;
        }
        break;
    default:
        break;
    }
    if (rs_streq_ci(name, "ToString")) {
        *res = lang_str_take(lang_to_str(v));
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Equals")) {
        bool ok;
        *res = lang_bool(lang_compare(v, n ? args[0] : NULL, true, &ok) == 0 && ok);
        return LANG_OK;
    }
    return no_method(I, at, v, name);
}

lang_status lang_new_stringbuilder(lang_interp *I, const lang_node *at, lang_value **args, size_t n,
                                   lang_value **res)
{
    /* StringBuilder(), (int capacity), (string value), (string value, int capacity) */
    lang_value *a0 = n ? args[0] : NULL;
    if (n > 2 || (n == 2 && (!a0 || a0->type != LV_STRING)))
        return op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                        "System.Management.Automation.MethodException",
                        "Cannot find an overload for \"new\" and the argument count: \"%zu\".", n);
    int64_t cap = 16;
    char *init = NULL;
    if (n == 2 || (a0 && a0->type == LV_STRING)) {
        init = lang_to_str(a0);
        cap = n == 2 ? arg_int(args, n, 1, 16) : (int64_t)utf8_len(init);
    } else if (n == 1) {
        cap = arg_int(args, n, 0, 16);
    }
    *res = lang_sb_new(init, cap);
    free(init);
    return LANG_OK;
}

/* [datetime]::ParseExact(s, format or formats, provider[, styles]) */
static lang_status parse_exact(lang_interp *I, const lang_node *at, lang_value **args, size_t n,
                               lang_value **res)
{
    if (n < 3 || n > 4)
        return op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                        "System.Management.Automation.MethodException",
                        "Cannot find an overload for \"ParseExact\" and the argument count: "
                        "\"%zu\".",
                        n);
    char *s = lang_to_str(args[0]);
    lang_value *fmts = args[1];
    size_t nf = fmts && fmts->type == LV_ARRAY ? fmts->u.arr.n : 1;
    bool ok = false;
    int64_t ticks = 0;
    int kind = 0;
    for (size_t i = 0; i < nf && !ok; i++) {
        char *f = lang_to_str(fmts && fmts->type == LV_ARRAY ? fmts->u.arr.items[i] : fmts);
        ok = lang_dt_parse_exact(s, f, &ticks, &kind);
        free(f);
    }
    lang_status st = LANG_OK;
    if (ok)
        *res = lang_datetime(ticks, kind);
    else
        st = op_error(I, at, "FormatException", "NotSpecified",
                      "System.Management.Automation.MethodInvocationException",
                      "Exception calling \"ParseExact\" with \"%zu\" argument(s): \"String '%s' "
                      "was not recognized as a valid DateTime.\"",
                      n, s);
    free(s);
    return st;
}

/* [int]/[long]/[double]/[datetime]::TryParse(s, [ref]$x) and
 * [datetime]::TryParseExact(s, format, provider, styles, [ref]$x): True and
 * the value set, or False and the type's default set. */
static lang_status try_parse(lang_interp *I, const lang_node *at, const char *t, const char *name,
                             lang_value **args, size_t n, lang_value **res)
{
    bool exact = rs_streq_ci(name, "TryParseExact");
    if ((!exact && n != 2) || (exact && n != 5))
        return op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                        "System.Management.Automation.MethodException",
                        "Cannot find an overload for \"%s\" and the argument count: \"%zu\".", name,
                        n);
    if (!is_psref(args[n - 1]))
        return op_error(I, at, "NonRefArgumentToRefParameterMsg", "NotSpecified",
                        "System.Management.Automation.MethodException",
                        "Argument: '%zu' should be a System.Management.Automation.PSReference. Use "
                        "[ref].",
                        n);
    char *text = lang_to_str(args[0]);
    lang_value *val = NULL;
    bool ok = false;
    if (!strcmp(t, "datetime")) {
        int64_t ticks = 0;
        int kind = 0;
        if (exact) {
            lang_value *fmts = args[1];
            size_t nf = fmts && fmts->type == LV_ARRAY ? fmts->u.arr.n : 1;
            for (size_t i = 0; i < nf && !ok; i++) {
                char *f = lang_to_str(fmts && fmts->type == LV_ARRAY ? fmts->u.arr.items[i] : fmts);
                ok = lang_dt_parse_exact(text, f, &ticks, &kind);
                free(f);
            }
        } else {
            ok = lang_dt_parse(text, &ticks, &kind);
        }
        val = ok ? lang_datetime(ticks, kind) : lang_datetime(0, LANG_DT_UNSPECIFIED);
    } else {
        const char *p = text;
        while (isspace((unsigned char)*p))
            p++;
        char *end = NULL;
        errno = 0;
        if (!strcmp(t, "double")) {
            double d = *p ? strtod(p, &end) : 0;
            while (end && isspace((unsigned char)*end))
                end++;
            ok = *p && end && !*end && errno == 0;
            val = lang_double(ok ? d : 0);
        } else {
            long long x = *p && (isdigit((unsigned char)*p) || *p == '-' || *p == '+')
                              ? strtoll(p, &end, 10)
                              : 0;
            while (end && isspace((unsigned char)*end))
                end++;
            ok = *p && end && end != p && !*end && errno == 0 &&
                 (strcmp(t, "int") || (x >= INT32_MIN && x <= INT32_MAX));
            val = lang_int(ok ? x : 0);
        }
    }
    free(text);
    psref_set(I, args[n - 1], val);
    lang_unref(val);
    *res = lang_bool(ok);
    return LANG_OK;
}

/* ---- exceptions, NetworkCredential, Marshal's BSTR functions ---- */

static bool is_exception_type(const char *t)
{
    size_t n = strlen(t);
    return n >= 9 && !strcmp(t + n - 9, "exception");
}

lang_status lang_new_exception(lang_interp *I, const lang_node *at, const char *type,
                               lang_value **args, size_t n, lang_value **res)
{
    if (n > 2)
        return op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                        "System.Management.Automation.MethodException",
                        "Cannot find an overload for \"new\" and the argument count: \"%zu\".", n);
    /* the full name as written, System. added to a bare name ([ArgumentException]) */
    char *full = strchr(type, '.') ? rs_strdup(type) : rs_asprintf("System.%s", type);
    lang_value *o = lang_object_new(full);
    free(full);
    char *msg = n ? lang_to_str(args[0]) : NULL;
    if (!msg)
        msg = rs_asprintf("Exception of type '%s' was thrown.", lang_type_name(o));
    lang_prop_set_take(o, "Message", lang_str_take(msg));
    lang_prop_set(o, "InnerException", n > 1 ? args[1] : NULL);
    *res = o;
    return LANG_OK;
}

static lang_status new_exception(lang_interp *I, const lang_node *at, const char *type,
                                 lang_value **args, size_t n, lang_value **res)
{
    return lang_new_exception(I, at, type, args, n, res);
}

lang_status lang_new_network_credential(lang_interp *I, const lang_node *at, lang_value **args,
                                        size_t n, lang_value **res)
{
    if (n > 3)
        return op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                        "System.Management.Automation.MethodException",
                        "Cannot find an overload for \"new\" and the argument count: \"%zu\".", n);
    lang_value *nc = lang_object_new("System.Net.NetworkCredential");
    lang_prop_set_take(nc, "UserName", n ? lang_str_take(lang_to_str(args[0])) : lang_str(""));
    lang_value *pw = n > 1 ? args[1] : NULL;
    lang_prop_set_take(nc, "Password",
                       pw && pw->type == LV_SECURE ? lang_str_n(pw->u.str.s, pw->u.str.len)
                                                   : lang_str_take(lang_to_str(pw)));
    lang_prop_set_take(nc, "SecurePassword",
                       pw && pw->type == LV_SECURE ? lang_ref(pw) : lang_secure_new("", 0));
    lang_prop_set_take(nc, "Domain", n > 2 ? lang_str_take(lang_to_str(args[2])) : lang_str(""));
    *res = nc;
    return LANG_OK;
}

static lang_status new_network_credential(lang_interp *I, const lang_node *at, lang_value **args,
                                          size_t n, lang_value **res)
{
    return lang_new_network_credential(I, at, args, n, res);
}

/* A BSTR: the SecureString's text kept (wiped when freed); shows as a number. */
static void bstr_free(void *p)
{
    lang_value *v = p;
    lang_unref(v);
}

static char *bstr_to_str(const void *p)
{
    (void)p;
    return rs_strdup("1"); /* an IntPtr prints as its address; never the text */
}

static const lang_native_type bstr_native = {
    .name = "BSTR", .free = bstr_free, .to_str = bstr_to_str};

static lang_status marshal_static(lang_interp *I, const lang_node *at, const char *name,
                                  lang_value **args, size_t n, lang_value **res)
{
    if (rs_streq_ci(name, "SecureStringToBSTR") ||
        rs_streq_ci(name, "SecureStringToGlobalAllocUnicode") ||
        rs_streq_ci(name, "SecureStringToCoTaskMemUnicode")) {
        if (n != 1 || !args[0] || args[0]->type != LV_SECURE)
            return op_error(I, at, "ArgumentNullException", "NotSpecified",
                            "System.Management.Automation.MethodInvocationException",
                            "Exception calling \"%s\" with \"%zu\" argument(s): \"Value cannot be "
                            "null. (Parameter 's')\"",
                            name, n);
        lang_value *p = lang_object_new("System.IntPtr");
        lang_object_set_native(p, &bstr_native,
                               lang_secure_new(args[0]->u.str.s, args[0]->u.str.len));
        *res = p;
        return LANG_OK;
    }
    if (rs_streq_ci(name, "PtrToStringAuto") || rs_streq_ci(name, "PtrToStringBSTR") ||
        rs_streq_ci(name, "PtrToStringUni")) {
        lang_value *sec = n ? lang_object_native(args[0], &bstr_native) : NULL;
        if (!sec)
            return op_error(I, at, "ArgumentException", "NotSpecified",
                            "System.Management.Automation.MethodInvocationException",
                            "Exception calling \"%s\" with \"%zu\" argument(s): \"roomsys reads "
                            "only pointers that SecureStringToBSTR returned.\"",
                            name, n);
        *res = lang_str_n(sec->u.str.s, sec->u.str.len);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "ZeroFreeBSTR") || rs_streq_ci(name, "ZeroFreeGlobalAllocUnicode") ||
        rs_streq_ci(name, "ZeroFreeCoTaskMemUnicode") || rs_streq_ci(name, "FreeBSTR")) {
        lang_value *sec = n ? lang_object_native(args[0], &bstr_native) : NULL;
        if (sec && sec->u.str.len) {
            memset(sec->u.str.s, 0, sec->u.str.len);
            sec->u.str.len = 0;
        }
        return LANG_OK;
    }
    return LANG_BREAK;
}

static lang_status static_method(lang_interp *I, const lang_node *at, const char *type,
                                 const char *name, lang_value **args, size_t n, lang_value **res)
{
    char buf[128];
    const char *t = norm_type(type, buf, sizeof buf);
    *res = NULL;
    if ((!strcmp(t, "int") || !strcmp(t, "long") || !strcmp(t, "double") ||
         !strcmp(t, "datetime")) &&
        (rs_streq_ci(name, "TryParse") ||
         (!strcmp(t, "datetime") && rs_streq_ci(name, "TryParseExact"))))
        return try_parse(I, at, t, name, args, n, res);
    if (!strcmp(t, "timespan")) {
        static const struct {
            const char *name;
            int64_t unit;
        } from[] = {
            {"FromDays", LANG_TICKS_PER_DAY},         {"FromHours", 3600 * LANG_TICKS_PER_SEC},
            {"FromMinutes", 60 * LANG_TICKS_PER_SEC}, {"FromSeconds", LANG_TICKS_PER_SEC},
            {"FromMilliseconds", LANG_TICKS_PER_MS},  {"FromTicks", 1}};
        for (size_t k = 0; k < sizeof from / sizeof from[0]; k++)
            if (rs_streq_ci(name, from[k].name)) {
                double ticks = arg_double(args, n, 0) * (double)from[k].unit;
                if (!(fabs(ticks) < 9.2e18))
                    return op_error(I, at, "OverflowException", "NotSpecified",
                                    "System.Management.Automation.MethodInvocationException",
                                    "Exception calling \"%s\" with \"%zu\" argument(s): "
                                    "\"TimeSpan overflowed because the duration is too long.\"",
                                    from[k].name, n);
                *res = lang_timespan((int64_t)nearbyint(ticks));
                return LANG_OK;
            }
        if (rs_streq_ci(name, "Parse"))
            return lang_cast(I, at, "timespan", n ? args[0] : NULL, res);
        goto unknown;
    }
    if (!strcmp(t, "array") && (rs_streq_ci(name, "Sort") || rs_streq_ci(name, "Reverse") ||
                                rs_streq_ci(name, "IndexOf"))) {
        lang_value *a = n ? args[0] : NULL;
        if (!a || a->type != LV_ARRAY || (rs_streq_ci(name, "IndexOf") ? n != 2 : n != 1))
            return op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                            "System.Management.Automation.MethodException",
                            "Cannot find an overload for \"%s\" and the argument count: \"%zu\".",
                            name, n);
        size_t cnt = a->u.arr.n;
        lang_value **it = a->u.arr.items;
        if (rs_streq_ci(name, "IndexOf")) {
            bool ok;
            int64_t at_i = -1;
            for (size_t i = 0; i < cnt && at_i < 0; i++)
                if (lang_compare(it[i], args[1], false, &ok) == 0 && ok)
                    at_i = (int64_t)i;
            *res = lang_int(at_i);
        } else if (rs_streq_ci(name, "Reverse")) {
            for (size_t i = 0; i < cnt / 2; i++) {
                lang_value *x = it[i];
                it[i] = it[cnt - 1 - i];
                it[cnt - 1 - i] = x;
            }
        } else { /* in place, stable insertion sort (the arrays scripts sort are small) */
            for (size_t i = 1; i < cnt; i++) {
                lang_value *x = it[i];
                size_t j = i;
                bool ok;
                while (j > 0 && lang_compare(it[j - 1], x, true, &ok) > 0 && ok) {
                    it[j] = it[j - 1];
                    j--;
                }
                it[j] = x;
            }
        }
        return LANG_OK;
    }
    if (!strcmp(t, "regex")) {
        lang_status st = lang_regex_static(I, at, name, args, n, res);
        if (st != LANG_BREAK)
            return st;
        goto unknown;
    }
    if (is_exception_type(t) && rs_streq_ci(name, "new"))
        return new_exception(I, at, type, args, n, res);
    if (!strcmp(t, "net.networkcredential") && rs_streq_ci(name, "new"))
        return new_network_credential(I, at, args, n, res);
    if (!strcmp(t, "runtime.interopservices.marshal")) {
        lang_status st = marshal_static(I, at, name, args, n, res);
        if (st != LANG_BREAK)
            return st;
        goto unknown;
    }
    if (!strncmp(t, "io.", 3)) {
        lang_status st = lang_netio_static(I, at, t, name, args, n, res);
        if (st != LANG_BREAK)
            return st;
        goto unknown;
    }
    if (!strcmp(t, "datetimeoffset")) {
        lang_status st = lang_dto_static_method(I, at, name, args, n, res);
        if (st != LANG_BREAK)
            return st;
        goto unknown;
    }
    if (!strcmp(t, "datetime")) {
        if (rs_streq_ci(name, "Parse"))
            return lang_cast(I, at, "datetime", n ? args[0] : NULL, res);
        if (rs_streq_ci(name, "ParseExact"))
            return parse_exact(I, at, args, n, res);
        if (rs_streq_ci(name, "new") && (n == 3 || (n >= 6 && n <= 8))) {
            /* (y, M, d[, h, m, s[, ms][, kind]]) */
            int64_t p[7] = {1, 1, 1, 0, 0, 0, 0};
            size_t nums = n == 3                                  ? 3
                          : n == 6                                ? 6
                          : n == 8                                ? 7
                          : args[6] && args[6]->type == LV_STRING ? 6
                                                                  : 7;
            for (size_t k = 0; k < nums; k++)
                p[k] = arg_int(args, n, k, -1);
            int kind = LANG_DT_UNSPECIFIED;
            if (n > nums) {
                char *ks = lang_to_str(args[n - 1]);
                kind = rs_streq_ci(ks, "Utc")           ? LANG_DT_UTC
                       : rs_streq_ci(ks, "Local")       ? LANG_DT_LOCAL
                       : rs_streq_ci(ks, "Unspecified") ? LANG_DT_UNSPECIFIED
                                                        : -1;
                free(ks);
            }
            int64_t ticks;
            bool ok = kind >= 0;
            for (size_t k = 0; k < 7; k++)
                ok = ok && p[k] >= 0 && p[k] <= 9999;
            if (!ok || !lang_dt_make((int)p[0], (int)p[1], (int)p[2], (int)p[3], (int)p[4],
                                     (int)p[5], (int)p[6], &ticks))
                return op_error(I, at, "ArgumentOutOfRangeException", "NotSpecified",
                                "System.Management.Automation.MethodInvocationException",
                                "Exception calling \".ctor\" with \"%zu\" argument(s): \"Year, "
                                "Month, and Day parameters describe an un-representable "
                                "DateTime.\"",
                                n);
            *res = lang_datetime(ticks, kind);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "IsLeapYear")) {
            int64_t y = arg_int(args, n, 0, 1);
            *res = lang_bool((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "DaysInMonth")) {
            int64_t y = arg_int(args, n, 0, 1), m = arg_int(args, n, 1, 1), ticks;
            int dim = 31;
            while (dim > 27 && !lang_dt_make((int)y, (int)m, dim, 0, 0, 0, 0, &ticks))
                dim--;
            if (dim == 27)
                return op_error(I, at, "ArgumentOutOfRangeException", "NotSpecified",
                                "System.Management.Automation.MethodInvocationException",
                                "Exception calling \"DaysInMonth\" with \"%zu\" argument(s): "
                                "\"Year, Month, and Day parameters describe an un-representable "
                                "DateTime.\"",
                                n);
            *res = lang_int(dim);
            return LANG_OK;
        }
        goto unknown;
    }
    if (!strcmp(t, "string")) {
        if (rs_streq_ci(name, "IsNullOrEmpty")) {
            *res = lang_bool(!n || !args[0] ||
                             (args[0]->type == LV_STRING && args[0]->u.str.len == 0));
            return LANG_OK;
        }
        if (rs_streq_ci(name, "IsNullOrWhiteSpace")) {
            char *s = arg_str(args, n, 0);
            bool ws = true;
            for (char *p = s; *p; p++)
                if (!isspace((unsigned char)*p))
                    ws = false;
            free(s);
            *res = lang_bool(ws);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Join")) {
            char *sep = arg_str(args, n, 0);
            lang_value *items = lang_array_new();
            for (size_t i = 1; i < n; i++) {
                if (args[i] && args[i]->type == LV_ARRAY)
                    for (size_t k = 0; k < args[i]->u.arr.n; k++)
                        lang_array_push(items, args[i]->u.arr.items[k]);
                else
                    lang_array_push(items, args[i]);
            }
            *res = join_values(items, sep);
            lang_unref(items);
            free(sep);
            return LANG_OK;
        }
        if (rs_streq_ci(name, "Format")) {
            lang_value *rest = lang_array_new();
            for (size_t i = 1; i < n; i++)
                lang_array_push(rest, args[i]);
            lang_status st = format_op(I, at, n ? args[0] : NULL, rest, res);
            lang_unref(rest);
            return st;
        }
        if (rs_streq_ci(name, "Concat")) {
            rs_buf b = {0};
            for (size_t i = 0; i < n; i++) {
                char *s = lang_to_str(args[i]);
                rs_buf_puts(&b, s);
                free(s);
            }
            *res = lang_str_take(b.data ? rs_buf_take(&b) : rs_strdup(""));
            return LANG_OK;
        }
    }
    if (!strcmp(t, "math")) {
        double x = 0, y = 0;
        int64_t i;
        bool isd;
        if (n > 0 && lang_to_number(args[0], &i, &x, &isd) && !isd)
            x = (double)i;
        if (n > 1 && lang_to_number(args[1], &i, &y, &isd) && !isd)
            y = (double)i;
        if (rs_streq_ci(name, "Round")) {
            if (n > 1) {
                double p = pow(10, y);
                *res = lang_double(nearbyint(x * p) / p);
            } else {
                *res = num_value(nearbyint(x), false);
            }
        } else if (rs_streq_ci(name, "Floor"))
            *res = num_value(floor(x), false);
        else if (rs_streq_ci(name, "Ceiling"))
            *res = num_value(ceil(x), false);
        else if (rs_streq_ci(name, "Abs"))
            *res = num_value(fabs(x), n && args[0] && args[0]->type == LV_DOUBLE);
        else if (rs_streq_ci(name, "Max"))
            *res = num_value(x > y ? x : y, false);
        else if (rs_streq_ci(name, "Min"))
            *res = num_value(x < y ? x : y, false);
        else if (rs_streq_ci(name, "Pow"))
            *res = lang_double(pow(x, y));
        else if (rs_streq_ci(name, "Sqrt"))
            *res = lang_double(sqrt(x));
        else
            goto unknown;
        return LANG_OK;
    }
    if ((!strcmp(t, "int") || !strcmp(t, "long") || !strcmp(t, "double")) &&
        rs_streq_ci(name, "Parse"))
        return lang_cast(I, at, t, n ? args[0] : NULL, res);
    if (!strcmp(t, "guid") && rs_streq_ci(name, "NewGuid")) {
        char g[37];
        rs_guid(g);
        *res = lang_str(g);
        return LANG_OK;
    }
    if (!strcmp(t, "environment") && rs_streq_ci(name, "GetEnvironmentVariable")) {
        char *k = arg_str(args, n, 0);
        const char *e = getenv(k);
        free(k);
        *res = e ? lang_str(e) : NULL;
        return LANG_OK;
    }
    if (!strcmp(t, "pscredential") && rs_streq_ci(name, "new")) {
        char *user = arg_str(args, n, 0);
        lang_value *pw = n > 1 ? args[1] : NULL;
        if (!pw || pw->type != LV_SECURE) {
            free(user);
            return op_error(I, at, "MethodException", "NotSpecified",
                            "System.Management.Automation.MethodException",
                            "Cannot find an overload for \"PSCredential\" and the argument count: "
                            "\"%zu\".",
                            n);
        }
        *res = lang_make_credential(user, pw);
        free(user);
        return LANG_OK;
    }
    if (!strcmp(t, "diagnostics.stopwatch") &&
        (rs_streq_ci(name, "StartNew") || rs_streq_ci(name, "new"))) {
        *res = stopwatch_new(rs_streq_ci(name, "StartNew"));
        return LANG_OK;
    }
    if ((!strcmp(t, "collections.arraylist") || !strncmp(t, "collections.generic.list[", 25)) &&
        rs_streq_ci(name, "new")) {
        *res = lang_array_new();
        (*res)->u.arr.kind = t[12] == 'a' ? LANG_ARR_ARRAYLIST : LANG_ARR_LIST;
        return LANG_OK;
    }
    if (!strcmp(t, "text.stringbuilder") && rs_streq_ci(name, "new"))
        return lang_new_stringbuilder(I, at, args, n, res);
    if ((!strcmp(t, "pscustomobject") || !strcmp(t, "psobject")) && rs_streq_ci(name, "new")) {
        *res = lang_object_new(NULL);
        return LANG_OK;
    }
unknown:
    return op_error(I, at, "MethodNotFound", "InvalidOperation",
                    "System.Management.Automation.RuntimeException",
                    "Method invocation failed because [%s] does not contain a method named '%s'.",
                    type, name);
}

static lang_status index_value(lang_interp *I, const lang_node *at, lang_value *v, lang_value *idx,
                               lang_value **res)
{
    *res = NULL;
    if (!v)
        return op_error(I, at, "NullArray", "InvalidOperation",
                        "System.Management.Automation.RuntimeException",
                        "Cannot index into a null array.");
    if (idx && idx->type == LV_ARRAY) {
        lang_list l = {0};
        for (size_t i = 0; i < idx->u.arr.n; i++) {
            lang_value *r = NULL;
            lang_status st = index_value(I, at, v, idx->u.arr.items[i], &r);
            if (st != LANG_OK) {
                lang_list_clear(&l);
                return st;
            }
            if (r)
                lang_list_push_take(&l, r);
        }
        *res = lang_list_to_array(&l);
        return LANG_OK;
    }
    if (v->type == LV_ARRAY && v->u.arr.kind == LANG_ARR_MEMBERS && idx &&
        idx->type == LV_STRING) { /* .PSObject.Properties['Name'] */
        for (size_t i = 0; i < v->u.arr.n; i++) {
            lang_value *nm = lang_prop_get(v->u.arr.items[i], "Name", NULL);
            if (nm && nm->type == LV_STRING && rs_streq_ci(nm->u.str.s, idx->u.str.s)) {
                *res = lang_ref(v->u.arr.items[i]);
                break;
            }
        }
        return LANG_OK;
    }
    if (v->type == LV_HASH || (v->type == LV_OBJECT && idx && idx->type == LV_STRING)) {
        char *k = lang_to_str(idx);
        *res = lang_ref(lang_prop_get(v, k, NULL));
        free(k);
        return LANG_OK;
    }
    int64_t i;
    double d;
    bool isd;
    if (!lang_to_number(idx, &i, &d, &isd))
        return LANG_OK;
    if (isd)
        i = lang_d2i(d);
    if (v->type == LV_ARRAY) {
        *res = lang_ref(lang_array_get(v, i));
        return LANG_OK;
    }
    if (v->type == LV_STRING) {
        int64_t len = (int64_t)v->u.str.len;
        if (i < 0)
            i += len;
        if (i >= 0 && i < len)
            *res = lang_str_n(v->u.str.s + i, 1);
        return LANG_OK;
    }
    /* a scalar indexes like a one-element array */
    if (i == 0 || i == -1)
        *res = lang_ref(v);
    return LANG_OK;
}

/* ---- unary ---- */

static lang_status step(lang_interp *I, const lang_node *n, int delta, bool post, lang_value **res)
{
    lang_value *cur = NULL, *one = lang_int(delta), *nv = NULL;
    lang_status st = lang_eval_expr(I, n->a, &cur);
    if (st == LANG_OK)
        st = arith(I, n, OP_ADD, cur ? cur : NULL, one, &nv);
    if (st == LANG_OK)
        st = lang_assign(I, n->a, nv);
    if (st == LANG_OK)
        *res = lang_ref(post ? cur : nv); /* as a statement it outputs nothing (eval.c) */
    lang_unref(cur);
    lang_unref(one);
    lang_unref(nv);
    return st;
}

static lang_status eval_unary(lang_interp *I, const lang_node *n, lang_value **res)
{
    if (n->op == OP_PREINC || n->op == OP_PREDEC)
        return step(I, n, n->op == OP_PREINC ? 1 : -1, false, res);
    if (n->op == OP_POSTINC || n->op == OP_POSTDEC)
        return step(I, n, n->op == OP_POSTINC ? 1 : -1, true, res);
    lang_value *v = NULL;
    lang_status st = lang_eval_expr(I, n->a, &v);
    if (st != LANG_OK)
        return st;
    switch (n->op) {
    case OP_NOT:
        *res = lang_bool(!lang_truthy(v));
        break;
    case OP_NEG: {
        lang_value *zero = lang_int(0);
        st = arith(I, n, OP_SUB, zero, v, res);
        lang_unref(zero);
        break;
    }
    case OP_PLUS: {
        int64_t i;
        double d;
        bool isd;
        st = to_num(I, n, v, &i, &d, &isd);
        if (st == LANG_OK)
            *res = isd ? lang_double(d) : lang_int(i);
        break;
    }
    case OP_BNOT: {
        int64_t i;
        double d;
        bool isd;
        st = to_num(I, n, v, &i, &d, &isd);
        if (st == LANG_OK)
            *res = lang_int(~(isd ? lang_d2i(d) : i));
        break;
    }
    case OP_COMMA_UNARY: {
        lang_value *a = lang_array_new();
        lang_array_push(a, v);
        *res = a;
        break;
    }
    case OP_SPLIT:
        st = split_op(I, n, v, NULL, res);
        break;
    case OP_JOIN:
        *res = join_values(v, "");
        break;
    default:
        st = op_error(I, n, "OperatorNotSupported", "InvalidOperation",
                      "System.Management.Automation.RuntimeException",
                      "The operator is not supported.");
    }
    lang_unref(v);
    return st;
}

static lang_status member_name(lang_interp *I, const lang_node *nn, char **name)
{
    if (nn->kind == N_CONST) {
        *name = lang_to_str(nn->value);
        return LANG_OK;
    }
    lang_value *v = NULL;
    lang_status st = lang_eval_expr(I, nn, &v);
    *name = lang_to_str(v);
    lang_unref(v);
    return st;
}

lang_status lang_eval_op(lang_interp *I, const lang_node *n, lang_value **res)
{
    *res = NULL;
    lang_status st = LANG_OK;
    switch (n->kind) {
    case N_BINARY: {
        lang_value *a = NULL, *b = NULL;
        st = lang_eval_expr(I, n->a, &a);
        if (st != LANG_OK)
            return st;
        if (n->op == OP_AND || n->op == OP_OR) {
            bool ta = lang_truthy(a);
            lang_unref(a);
            if (n->op == OP_AND ? !ta : ta) {
                *res = lang_bool(ta);
                return LANG_OK;
            }
            st = lang_eval_expr(I, n->b, &b);
            if (st == LANG_OK)
                *res = lang_bool(lang_truthy(b));
            lang_unref(b);
            return st;
        }
        st = lang_eval_expr(I, n->b, &b);
        if (st == LANG_OK)
            st = lang_binary_at(I, n, n->op, a, b, res);
        lang_unref(a);
        lang_unref(b);
        return st;
    }
    case N_UNARY:
        return eval_unary(I, n, res);
    case N_TYPE:
        *res = type_object(n->name);
        return LANG_OK;
    case N_CAST: {
        lang_value *v = NULL;
        if (rs_streq_ci(n->name, "ref") ||
            rs_streq_ci(n->name, "System.Management.Automation.PSReference")) {
            if (n->a->kind == N_VAR && !strchr(n->a->name, ':')) {
                lang_value *cur = lang_var_get(I, n->a->name, NULL);
                /* the scope that holds the variable (reading finds it there), else this one */
                int depth = lang_scope_depth(I), found_at = -1;
                for (const lang_scope *sc = I->scope; sc && found_at < 0; sc = sc->parent, depth--)
                    for (size_t k = 0; k < sc->n && found_at < 0; k++)
                        if (rs_streq_ci(sc->vars[k].name, n->a->name))
                            found_at = depth;
                depth = found_at >= 0 ? found_at : lang_scope_depth(I);
                *res = psref_new(n->a->name, depth, cur);
                lang_unref(cur);
                return LANG_OK;
            }
            st = lang_eval_expr(I, n->a, &v);
            if (st == LANG_OK)
                *res = psref_new(NULL, 0, v);
            lang_unref(v);
            return st;
        }
        st = lang_eval_expr(I, n->a, &v);
        if (st == LANG_OK)
            st = lang_cast(I, n, n->name, v, res);
        lang_unref(v);
        return st;
    }
    case N_MEMBER: {
        char *name = NULL;
        if (n->flags & NF_STATIC) {
            st = member_name(I, n->b, &name);
            if (st == LANG_OK) {
                const char *tn = n->a->kind == N_TYPE ? n->a->name : "";
                *res = static_member(tn, name);
            }
            free(name);
            return st;
        }
        lang_value *v = NULL;
        st = lang_eval_expr(I, n->a, &v);
        if (st == LANG_OK)
            st = member_name(I, n->b, &name);
        if (st == LANG_OK)
            *res = lang_member(I, v, name);
        if (st == LANG_OK && !*res && I->strict >= 2 && v &&
            (v->type == LV_OBJECT || v->type == LV_STRING)) {
            bool found = false;
            if (v->type == LV_OBJECT)
                lang_prop_get(v, name, &found);
            if (!found) /* Set-StrictMode -Version 2+: a missing property is an error */
                st = op_error(I, n, "PropertyNotFoundStrict", "NotSpecified",
                              "System.Management.Automation.PropertyNotFoundException",
                              "The property '%s' cannot be found on this object. Verify that the "
                              "property exists.",
                              name);
        }
        free(name);
        lang_unref(v);
        return st;
    }
    case N_INVOKE: {
        char *name = NULL;
        lang_value *target = NULL;
        lang_value **args = n->nkids ? rs_calloc(n->nkids, sizeof(lang_value *)) : NULL;
        if (!(n->flags & NF_STATIC))
            st = lang_eval_expr(I, n->a, &target);
        if (st == LANG_OK)
            st = member_name(I, n->b, &name);
        for (size_t i = 0; i < n->nkids && st == LANG_OK; i++)
            st = lang_eval_expr(I, n->kids[i], &args[i]);
        if (st == LANG_OK) {
            if (n->flags & NF_STATIC)
                st = static_method(I, n, n->a->kind == N_TYPE ? n->a->name : "", name, args,
                                   n->nkids, res);
            else
                st = call_method(I, n, target, name, args, n->nkids, res);
        }
        for (size_t i = 0; i < n->nkids; i++)
            lang_unref(args[i]);
        free(args);
        free(name);
        lang_unref(target);
        return st;
    }
    case N_INDEX: {
        lang_value *v = NULL, *idx = NULL;
        st = lang_eval_expr(I, n->a, &v);
        if (st == LANG_OK)
            st = lang_eval_expr(I, n->b, &idx);
        if (st == LANG_OK)
            st = index_value(I, n, v, idx, res);
        lang_unref(v);
        lang_unref(idx);
        return st;
    }
    default:
        return op_error(I, n, "UnexpectedNode", "NotSpecified",
                        "System.Management.Automation.RuntimeException",
                        "This expression is not supported.");
    }
}
