/* graph_filter.c - OData $filter parsing and evaluation (see graph_filter.h). */
#include "graph_filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

typedef enum gf_kind { GF_OR, GF_AND, GF_NOT, GF_CMP, GF_STARTS, GF_ENDS, GF_IN } gf_kind;
typedef enum gf_op { GF_EQ, GF_NE, GF_GT, GF_GE, GF_LT, GF_LE } gf_op;

struct gf_node {
    gf_kind kind;
    gf_op op;
    gf_node *a, *b; /* operands of and/or/not */
    char *prop;     /* owned */
    json_t *value;  /* owned: literal (in: array of literals) */
};

typedef struct parser {
    const char *s;
    size_t pos;
    int nodes;
    const char *const *props;
    const char *resource;
    rs_err *err;
    rs_status rc;
} parser;

static void skip_ws(parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
        p->pos++;
}

static rs_status fail(parser *p, const char *what)
{
    if (p->rc == RS_OK)
        p->rc = rs_errf(p->err, RS_EPARSE, "Invalid filter clause: %s at position %zu.", what,
                        p->pos + 1);
    return p->rc;
}

/* The identifier at the cursor (letters, digits, '_', '/', '.'); its length. */
static size_t ident_len(parser *p)
{
    size_t n = 0;
    const char *s = p->s + p->pos;
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '/' || s[n] == '.')
        n++;
    return n;
}

/* Is the next word `kw` (case-insensitive, whole word)? Consumes it if so. */
static bool accept_kw(parser *p, const char *kw)
{
    skip_ws(p);
    size_t n = ident_len(p);
    if (n != strlen(kw) || strncasecmp(p->s + p->pos, kw, n))
        return false;
    p->pos += n;
    return true;
}

static bool accept_ch(parser *p, char c)
{
    skip_ws(p);
    if (p->s[p->pos] != c)
        return false;
    p->pos++;
    return true;
}

static gf_node *node(parser *p, gf_kind k)
{
    if (++p->nodes > GF_NODES_MAX) {
        fail(p, "too many clauses");
        return NULL;
    }
    gf_node *n = rs_calloc(1, sizeof *n);
    n->kind = k;
    return n;
}

static char *parse_prop(parser *p)
{
    skip_ws(p);
    size_t n = ident_len(p);
    if (!n) {
        fail(p, "a property name was expected");
        return NULL;
    }
    char *name = rs_strndup(p->s + p->pos, n);
    if (p->props) {
        bool known = false;
        for (const char *const *q = p->props; *q && !known; q++)
            known = rs_streq_ci(*q, name);
        if (!known) {
            p->rc = rs_errf(p->err, RS_EINVAL,
                            "Unsupported or invalid query filter clause specified for property "
                            "'%s' of resource '%s'.",
                            name, p->resource ? p->resource : "");
            free(name);
            return NULL;
        }
    }
    p->pos += n;
    return name;
}

static json_t *parse_literal(parser *p)
{
    skip_ws(p);
    const char *s = p->s + p->pos;
    if (*s == '\'') {
        size_t cap = strlen(s) + 1, n = 0;
        char *buf = rs_calloc(cap, 1);
        size_t i = 1;
        for (;;) {
            if (!s[i]) {
                free(buf);
                fail(p, "an unterminated string literal");
                return NULL;
            }
            if (s[i] == '\'') {
                if (s[i + 1] != '\'')
                    break;
                i++;
            }
            buf[n++] = s[i++];
        }
        p->pos += i + 1;
        json_t *v = json_stringn(buf, n);
        free(buf);
        if (!v)
            fail(p, "a string literal that is not UTF-8");
        return v;
    }
    if (*s == '-' || isdigit((unsigned char)*s)) {
        char *end;
        double d = strtod(s, &end);
        size_t n = (size_t)(end - s);
        if (!n || isalpha((unsigned char)*end)) {
            fail(p, "a malformed number");
            return NULL;
        }
        p->pos += n;
        bool integral = !memchr(s, '.', n) && !memchr(s, 'e', n) && !memchr(s, 'E', n);
        return integral ? json_integer((json_int_t)strtoll(s, NULL, 10)) : json_real(d);
    }
    if (accept_kw(p, "true"))
        return json_true();
    if (accept_kw(p, "false"))
        return json_false();
    if (accept_kw(p, "null"))
        return json_null();
    fail(p, "a literal value was expected");
    return NULL;
}

static gf_node *parse_or(parser *p);

static gf_node *parse_factor(parser *p)
{
    if (accept_kw(p, "not")) {
        gf_node *n = node(p, GF_NOT);
        if (!n)
            return NULL;
        if (!(n->a = parse_factor(p))) {
            gf_free(n);
            return NULL;
        }
        return n;
    }
    if (accept_ch(p, '(')) {
        gf_node *n = parse_or(p);
        if (n && !accept_ch(p, ')')) {
            fail(p, "')' was expected");
            gf_free(n);
            return NULL;
        }
        return n;
    }
    bool starts = false, ends = false;
    size_t save = p->pos;
    if ((starts = accept_kw(p, "startsWith")) || (ends = accept_kw(p, "endsWith"))) {
        if (!accept_ch(p, '(')) { /* a property that happens to be named so */
            p->pos = save;
            starts = ends = false;
        }
    }
    if (starts || ends) {
        gf_node *n = node(p, starts ? GF_STARTS : GF_ENDS);
        if (!n)
            return NULL;
        if (!(n->prop = parse_prop(p)) || (!accept_ch(p, ',') && fail(p, "',' was expected")) ||
            !(n->value = parse_literal(p)) || (!accept_ch(p, ')') && fail(p, "')' was expected"))) {
            gf_free(n);
            return NULL;
        }
        if (!json_is_string(n->value)) {
            fail(p, "the second argument must be a string");
            gf_free(n);
            return NULL;
        }
        return n;
    }
    gf_node *n = node(p, GF_CMP);
    if (!n)
        return NULL;
    if (!(n->prop = parse_prop(p))) {
        gf_free(n);
        return NULL;
    }
    static const struct {
        const char *kw;
        gf_op op;
    } ops[] = {{"eq", GF_EQ}, {"ne", GF_NE}, {"gt", GF_GT},
               {"ge", GF_GE}, {"lt", GF_LT}, {"le", GF_LE}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (accept_kw(p, ops[i].kw)) {
            n->op = ops[i].op;
            if (!(n->value = parse_literal(p))) {
                gf_free(n);
                return NULL;
            }
            return n;
        }
    if (accept_kw(p, "in")) {
        n->kind = GF_IN;
        n->value = json_array();
        if (!accept_ch(p, '(')) {
            fail(p, "'(' was expected after 'in'");
            gf_free(n);
            return NULL;
        }
        do {
            json_t *v = parse_literal(p);
            if (!v) {
                gf_free(n);
                return NULL;
            }
            json_array_append_new(n->value, v);
            if (json_array_size(n->value) > GF_NODES_MAX) {
                fail(p, "too many values");
                gf_free(n);
                return NULL;
            }
        } while (accept_ch(p, ','));
        if (!accept_ch(p, ')')) {
            fail(p, "')' was expected");
            gf_free(n);
            return NULL;
        }
        return n;
    }
    fail(p, "an operator (eq, ne, gt, ge, lt, le, in) was expected");
    gf_free(n);
    return NULL;
}

static gf_node *parse_chain(parser *p, bool is_or)
{
    gf_node *left = is_or ? parse_chain(p, false) : parse_factor(p);
    while (left && accept_kw(p, is_or ? "or" : "and")) {
        gf_node *right = is_or ? parse_chain(p, false) : parse_factor(p);
        if (!right) {
            gf_free(left);
            return NULL;
        }
        gf_node *n = node(p, is_or ? GF_OR : GF_AND);
        if (!n) {
            gf_free(left);
            gf_free(right);
            return NULL;
        }
        n->a = left;
        n->b = right;
        left = n;
    }
    return left;
}

static gf_node *parse_or(parser *p)
{
    return parse_chain(p, true);
}

rs_status gf_parse(const char *text, const char *const *props, const char *resource, gf_node **out,
                   rs_err *err)
{
    *out = NULL;
    if (!text || !*text)
        return rs_errf(err, RS_EPARSE, "Invalid filter clause: the expression is empty.");
    if (strlen(text) > GF_TEXT_MAX)
        return rs_errf(err, RS_EPARSE, "Invalid filter clause: longer than %d characters.",
                       GF_TEXT_MAX);
    parser p = {.s = text, .props = props, .resource = resource, .err = err};
    gf_node *n = parse_or(&p);
    if (n) {
        skip_ws(&p);
        if (p.s[p.pos]) {
            fail(&p, "unexpected text");
            gf_free(n);
            n = NULL;
        }
    }
    if (!n)
        return p.rc ? p.rc : fail(&p, "syntax error");
    *out = n;
    return RS_OK;
}

static json_t *member_ci(json_t *obj, const char *name)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        if (rs_streq_ci(k, name))
            return v;
    }
    return NULL;
}

/* <0, 0, >0, or 2 for "not comparable". */
static int compare(json_t *a, json_t *b)
{
    if (!a || json_is_null(a))
        return (!b || json_is_null(b)) ? 0 : 2;
    if (json_is_string(a) && json_is_string(b)) {
        int c = strcasecmp(json_string_value(a), json_string_value(b));
        return c < 0 ? -1 : c > 0;
    }
    if (json_is_number(a) && json_is_number(b)) {
        double x = json_number_value(a), y = json_number_value(b);
        return x < y ? -1 : x > y;
    }
    if (json_is_boolean(a) && json_is_boolean(b))
        return json_is_true(a) == json_is_true(b) ? 0 : 1;
    return 2;
}

bool gf_eval(const gf_node *n, json_t *obj)
{
    switch (n->kind) {
    case GF_OR:
        return gf_eval(n->a, obj) || gf_eval(n->b, obj);
    case GF_AND:
        return gf_eval(n->a, obj) && gf_eval(n->b, obj);
    case GF_NOT:
        return !gf_eval(n->a, obj);
    case GF_STARTS:
    case GF_ENDS: {
        const char *s = json_string_value(member_ci(obj, n->prop));
        const char *w = json_string_value(n->value);
        if (!s)
            return false;
        size_t ls = strlen(s), lw = strlen(w);
        if (lw > ls)
            return false;
        return !strncasecmp(n->kind == GF_STARTS ? s : s + ls - lw, w, lw);
    }
    case GF_IN: {
        size_t i;
        json_t *v;
        json_array_foreach(n->value, i,
                           v) if (compare(member_ci(obj, n->prop), v) == 0) return true;
        return false;
    }
    case GF_CMP: {
        int c = compare(member_ci(obj, n->prop), n->value);
        switch (n->op) {
        case GF_EQ:
            return c == 0;
        case GF_NE:
            return c != 0;
        case GF_GT:
            return c == 1;
        case GF_GE:
            return c == 0 || c == 1;
        case GF_LT:
            return c == -1;
        case GF_LE:
            return c == 0 || c == -1;
        }
    }
    }
    return false;
}

bool gf_advanced(const gf_node *n)
{
    if (!n)
        return false;
    if (n->kind == GF_NOT || n->kind == GF_ENDS || (n->kind == GF_CMP && n->op == GF_NE))
        return true;
    return gf_advanced(n->a) || gf_advanced(n->b);
}

void gf_free(gf_node *n)
{
    if (!n)
        return;
    gf_free(n->a);
    gf_free(n->b);
    free(n->prop);
    json_decref(n->value);
    free(n);
}
