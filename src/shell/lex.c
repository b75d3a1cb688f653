/* lex.c - the two-mode tokenizer (see lex.h). */
#include "lex.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rs_util.h"

static int ch(const lang_lexer *lx, size_t pos)
{
    return pos < lx->len ? (unsigned char)lx->src[pos] : 0;
}

/* Length of a dash character at pos: '-' or the Unicode dashes PowerShell
 * accepts (en dash, em dash, horizontal bar), which copy-paste from web pages
 * produces. 0 if none. */
static int dash_len(const lang_lexer *lx, size_t pos)
{
    if (ch(lx, pos) == '-')
        return 1;
    if (ch(lx, pos) == 0xE2 && ch(lx, pos + 1) == 0x80 && ch(lx, pos + 2) >= 0x93 &&
        ch(lx, pos + 2) <= 0x95)
        return 3;
    return 0;
}

/* Length of a single quote (' or U+2018..U+201B) at pos, else 0. */
static int squote_len(const lang_lexer *lx, size_t pos)
{
    if (ch(lx, pos) == '\'')
        return 1;
    if (ch(lx, pos) == 0xE2 && ch(lx, pos + 1) == 0x80 && ch(lx, pos + 2) >= 0x98 &&
        ch(lx, pos + 2) <= 0x9B)
        return 3;
    return 0;
}

/* Length of a double quote (" or U+201C..U+201E) at pos, else 0. */
static int dquote_len(const lang_lexer *lx, size_t pos)
{
    if (ch(lx, pos) == '"')
        return 1;
    if (ch(lx, pos) == 0xE2 && ch(lx, pos + 1) == 0x80 && ch(lx, pos + 2) >= 0x9C &&
        ch(lx, pos + 2) <= 0x9E)
        return 3;
    return 0;
}

/* Blank (not newline) at pos: returns its length (NBSP is 2 bytes), else 0. */
static int blank_len(const lang_lexer *lx, size_t pos)
{
    int c = ch(lx, pos);
    if (c == ' ' || c == '\t' || c == '\f' || c == '\v')
        return 1;
    if (c == 0xC2 && ch(lx, pos + 1) == 0xA0)
        return 2;
    return 0;
}

bool lang_lex_force_new_token(int c)
{
    switch (c) {
    case 0:
    case ' ':
    case '\t':
    case '\f':
    case '\v':
    case '\r':
    case '\n':
    case '{':
    case '}':
    case '(':
    case ')':
    case ';':
    case ',':
    case '|':
    case '&':
        return true;
    default:
        return false;
    }
}

static bool force_new_at(const lang_lexer *lx, size_t pos)
{
    if (pos >= lx->len)
        return true;
    return lang_lex_force_new_token(ch(lx, pos)) || blank_len(lx, pos) > 0;
}

static bool is_name_char(int c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

uint32_t lang_lex_skip_blank(const lang_lexer *lx, uint32_t pos)
{
    for (;;) {
        int b = blank_len(lx, pos);
        if (b) {
            pos += (uint32_t)b;
            continue;
        }
        int c = ch(lx, pos);
        if (c == '#') {
            while (pos < lx->len && ch(lx, pos) != '\n' && ch(lx, pos) != '\r')
                pos++;
            continue;
        }
        if (c == '<' && ch(lx, pos + 1) == '#') {
            pos += 2;
            while (pos < lx->len && !(ch(lx, pos) == '#' && ch(lx, pos + 1) == '>'))
                pos++;
            pos = pos < lx->len ? pos + 2 : (uint32_t)lx->len;
            continue;
        }
        if (c == '`' && (ch(lx, pos + 1) == '\n' || ch(lx, pos + 1) == '\r')) {
            pos += 2;
            if (ch(lx, pos - 1) == '\r' && ch(lx, pos) == '\n')
                pos++;
            continue;
        }
        return pos;
    }
}

void lang_token_clear(lang_token *tok)
{
    free(tok->text);
    lang_node_free(tok->expand);
    lang_unref(tok->num);
    memset(tok, 0, sizeof *tok);
}

static bool lex_error(lang_token *tok, uint32_t pos, const char *id, const char *msg,
                      bool incomplete)
{
    free(tok->text);
    tok->text = NULL;
    lang_node_free(tok->expand);
    tok->expand = NULL;
    tok->kind = T_ERROR;
    tok->errid = id;
    tok->errmsg = msg;
    tok->errpos = pos;
    if (incomplete)
        tok->flags |= TF_INCOMPLETE;
    return false;
}

/* Value of the escape `c (PowerShell's Backtick()). */
static int backtick_char(int c)
{
    switch (c) {
    case '0':
        return '\0';
    case 'a':
        return '\a';
    case 'b':
        return '\b';
    case 'e':
        return 0x1b;
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'v':
        return '\v';
    default:
        return c;
    }
}

/* ---- expandable text: literal parts plus $var / $( ) parts ---- */

typedef struct parts {
    rs_buf lit;     /* literal text not yet flushed */
    rs_buf all;     /* the whole decoded literal (used when nothing expands) */
    lang_node *exp; /* N_EXPAND once something expands */
    uint32_t start; /* token start */
} parts;

static void parts_flush(parts *p)
{
    if (!p->lit.len)
        return;
    lang_node *k = lang_node_new(N_CONST, p->start, p->start);
    k->value = lang_str_n(p->lit.data, p->lit.len);
    lang_node_add(p->exp, k);
    rs_buf_reset(&p->lit);
}

static void parts_putc(parts *p, int c)
{
    char cc = (char)c;
    rs_buf_append(&p->lit, &cc, 1);
    rs_buf_append(&p->all, &cc, 1);
}

static void parts_puts(parts *p, const char *s, size_t n)
{
    rs_buf_append(&p->lit, s, n);
    rs_buf_append(&p->all, s, n);
}

static void parts_add(parts *p, lang_node *k)
{
    if (!p->exp) {
        p->exp = lang_node_new(N_EXPAND, p->start, p->start);
    }
    parts_flush(p);
    lang_node_add(p->exp, k);
}

static void parts_free(parts *p)
{
    rs_buf_free(&p->lit);
    rs_buf_free(&p->all);
    lang_node_free(p->exp);
    memset(p, 0, sizeof *p);
}

/* Store the parts into tok (text always set; expand when something expanded). */
static void parts_finish(const lang_lexer *lx, parts *p, lang_token *tok, uint32_t end)
{
    tok->end = end;
    if (p->exp) {
        parts_flush(p);
        p->exp->start = tok->start;
        p->exp->end = end;
        tok->expand = p->exp;
        p->exp = NULL;
        tok->text = rs_strndup(lx->src + tok->start, end - tok->start);
    } else {
        tok->text = p->all.data ? rs_buf_take(&p->all) : rs_strdup("");
    }
    parts_free(p);
}

/* Scan a variable name after '$' at pos (pos points at the first name char).
 * Returns the end offset and the malloc'd name in *name, or pos with *name
 * NULL when no name starts here. */
static uint32_t scan_var_name(const lang_lexer *lx, uint32_t pos, char **name, bool *braced,
                              lang_token *tok, bool *bad)
{
    *name = NULL;
    *braced = false;
    *bad = false;
    int c = ch(lx, pos);
    if (c == '{') {
        rs_buf b = {0};
        uint32_t q = pos + 1;
        while (q < lx->len && ch(lx, q) != '}') {
            if (ch(lx, q) == '`' && q + 1 < lx->len) {
                rs_buf_putc(&b, (char)backtick_char(ch(lx, q + 1)));
                q += 2;
                continue;
            }
            rs_buf_putc(&b, (char)ch(lx, q));
            q++;
        }
        if (q >= lx->len) {
            rs_buf_free(&b);
            *bad = true;
            lex_error(tok, pos - 1, "IncompleteDollarVariableReference",
                      "Missing '}' in variable reference.", true);
            return pos;
        }
        *braced = true;
        *name = b.data ? rs_buf_take(&b) : rs_strdup("");
        return q + 1;
    }
    if (c == '$' || c == '?' || c == '^') {
        *name = rs_strndup(lx->src + pos, 1);
        return pos + 1;
    }
    if (!is_name_char(c))
        return pos;
    uint32_t q = pos;
    while (is_name_char(ch(lx, q)))
        q++;
    /* scope / drive qualifier: $env:PATH, $script:x (but not $x::y) */
    if (ch(lx, q) == ':' && ch(lx, q + 1) != ':' && is_name_char(ch(lx, q + 1))) {
        q++;
        while (is_name_char(ch(lx, q)))
            q++;
    }
    *name = rs_strndup(lx->src + pos, q - pos);
    return q;
}

/* Naive $( ) matcher used when no sub-parser is installed (lexer unit tests). */
static uint32_t match_paren(const lang_lexer *lx, uint32_t pos)
{
    int depth = 1;
    while (pos < lx->len) {
        int c = ch(lx, pos++);
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return pos;
    }
    return 0;
}

/* At '$' inside expandable text: add a $var or $( ) part. Returns the offset
 * after it, 0 when '$' is literal here, or UINT32_MAX on error (tok set). */
static uint32_t scan_dollar_part(const lang_lexer *lx, uint32_t pos, parts *p, lang_token *tok)
{
    if (ch(lx, pos + 1) == '(') {
        uint32_t end = 0;
        lang_node *stmts = NULL;
        if (lx->subparse) {
            const char *eid = NULL, *emsg = NULL;
            uint32_t epos = 0;
            bool inc = false;
            stmts = lx->subparse(lx->ud, pos + 2, &end, &eid, &emsg, &epos, &inc);
            if (!stmts) {
                lex_error(tok, epos, eid, emsg, inc);
                return UINT32_MAX;
            }
        } else {
            end = match_paren(lx, pos + 2);
            if (!end) {
                lex_error(tok, pos, "IncompleteDollarSubexpressionReference",
                          "Missing closing ')' in subexpression.", true);
                return UINT32_MAX;
            }
            stmts = lang_node_new(N_STMTS, pos + 2, end - 1);
        }
        lang_node *k = lang_node_new(N_SUBEXPR, pos, end);
        k->a = stmts;
        parts_add(p, k);
        return end;
    }
    char *name;
    bool braced, bad;
    uint32_t end = scan_var_name(lx, pos + 1, &name, &braced, tok, &bad);
    if (bad)
        return UINT32_MAX;
    if (!name)
        return 0;
    lang_node *k = lang_node_new(N_VAR, pos, end);
    k->name = name;
    parts_add(p, k);
    return end;
}

/* Scan the inside of a double-quoted string; pos is after the opening quote.
 * Returns the offset after the closing quote, or UINT32_MAX on error. */
static uint32_t scan_dq_body(const lang_lexer *lx, uint32_t pos, parts *p, lang_token *tok)
{
    for (;;) {
        if (pos >= lx->len) {
            lex_error(tok, tok->start, "TerminatorExpectedAtEndOfString",
                      "The string is missing the terminator: \".", true);
            return UINT32_MAX;
        }
        int q = dquote_len(lx, pos);
        if (q) {
            if (dquote_len(lx, pos + (uint32_t)q)) {
                parts_putc(p, '"');
                pos += (uint32_t)q + (uint32_t)dquote_len(lx, pos + (uint32_t)q);
                continue;
            }
            return pos + (uint32_t)q;
        }
        int c = ch(lx, pos);
        if (c == '`' && pos + 1 < lx->len) {
            parts_putc(p, backtick_char(ch(lx, pos + 1)));
            pos += 2;
            continue;
        }
        if (c == '$') {
            uint32_t e = scan_dollar_part(lx, pos, p, tok);
            if (e == UINT32_MAX)
                return e;
            if (e) {
                pos = e;
                continue;
            }
        }
        parts_putc(p, c);
        pos++;
    }
}

/* Scan the inside of a single-quoted string; pos after the opening quote. */
static uint32_t scan_sq_body(const lang_lexer *lx, uint32_t pos, parts *p, lang_token *tok)
{
    for (;;) {
        if (pos >= lx->len) {
            lex_error(tok, tok->start, "TerminatorExpectedAtEndOfString",
                      "The string is missing the terminator: '.", true);
            return UINT32_MAX;
        }
        int q = squote_len(lx, pos);
        if (q) {
            int q2 = squote_len(lx, pos + (uint32_t)q);
            if (q2) {
                parts_putc(p, '\'');
                pos += (uint32_t)(q + q2);
                continue;
            }
            return pos + (uint32_t)q;
        }
        parts_putc(p, ch(lx, pos));
        pos++;
    }
}

/* Generic (command-mode) token from pos; p may already hold a prefix. */
static bool scan_generic(const lang_lexer *lx, uint32_t pos, parts *p, lang_token *tok)
{
    tok->kind = T_GENERIC;
    while (!force_new_at(lx, pos)) {
        int c = ch(lx, pos);
        if (c == '`') {
            if (ch(lx, pos + 1) == '\n' || ch(lx, pos + 1) == '\r')
                break; /* line continuation ends the word */
            if (pos + 1 < lx->len) {
                parts_putc(p, backtick_char(ch(lx, pos + 1)));
                pos += 2;
                continue;
            }
        }
        int q = squote_len(lx, pos);
        if (q) {
            tok->flags |= TF_QUOTED;
            pos = scan_sq_body(lx, pos + (uint32_t)q, p, tok);
            if (pos == UINT32_MAX) {
                parts_free(p);
                return false;
            }
            continue;
        }
        q = dquote_len(lx, pos);
        if (q) {
            tok->flags |= TF_QUOTED;
            pos = scan_dq_body(lx, pos + (uint32_t)q, p, tok);
            if (pos == UINT32_MAX) {
                parts_free(p);
                return false;
            }
            continue;
        }
        if (c == '$') {
            uint32_t e = scan_dollar_part(lx, pos, p, tok);
            if (e == UINT32_MAX) {
                parts_free(p);
                return false;
            }
            if (e) {
                pos = e;
                continue;
            }
        }
        parts_putc(p, c);
        pos++;
    }
    parts_finish(lx, p, tok, pos);
    return true;
}

/* Here-string @' '@ or @" "@ starting at pos ('@'). */
static bool scan_here_string(const lang_lexer *lx, uint32_t pos, bool expandable, lang_token *tok)
{
    uint32_t q = pos + 2;
    while (blank_len(lx, q))
        q += (uint32_t)blank_len(lx, q);
    if (ch(lx, q) == '\r')
        q++;
    if (ch(lx, q) != '\n') {
        if (q >= lx->len)
            return lex_error(tok, pos, "TerminatorExpectedAtEndOfString",
                             expandable ? "The string is missing the terminator: \"@."
                                        : "The string is missing the terminator: '@.",
                             true);
        return lex_error(tok, q, "UnexpectedCharactersAfterHereStringHeader",
                         "No characters are allowed after a here-string header but before the "
                         "end of the line.",
                         false);
    }
    q++;
    parts p = {.start = pos};
    int quote = expandable ? '"' : '\'';
    bool at_line_start = true;
    for (;;) {
        if (q >= lx->len) {
            parts_free(&p);
            return lex_error(tok, pos, "TerminatorExpectedAtEndOfString",
                             expandable ? "The string is missing the terminator: \"@."
                                        : "The string is missing the terminator: '@.",
                             true);
        }
        int c = ch(lx, q);
        if (at_line_start && c == quote && ch(lx, q + 1) == '@') {
            /* drop the newline before the footer */
            if (p.all.len && p.all.data[p.all.len - 1] == '\n') {
                p.all.len--;
                p.all.data[p.all.len] = '\0';
                if (p.lit.len) {
                    p.lit.len--;
                    p.lit.data[p.lit.len] = '\0';
                }
                if (p.all.len && p.all.data[p.all.len - 1] == '\r') {
                    p.all.len--;
                    p.all.data[p.all.len] = '\0';
                    if (p.lit.len) {
                        p.lit.len--;
                        p.lit.data[p.lit.len] = '\0';
                    }
                }
            }
            tok->kind = expandable ? T_EXPSTR : T_STRING;
            parts_finish(lx, &p, tok, q + 2);
            return true;
        }
        at_line_start = false;
        if (c == '\n')
            at_line_start = true;
        if (expandable && c == '`' && q + 1 < lx->len) {
            parts_putc(&p, backtick_char(ch(lx, q + 1)));
            q += 2;
            continue;
        }
        if (expandable && c == '$') {
            uint32_t e = scan_dollar_part(lx, q, &p, tok);
            if (e == UINT32_MAX) {
                parts_free(&p);
                return false;
            }
            if (e) {
                q = e;
                continue;
            }
        }
        parts_putc(&p, c);
        q++;
    }
}

static const struct {
    const char *name;
    int op;
} dash_ops[] = {
    {"eq", OP_EQ},
    {"ieq", OP_EQ},
    {"ceq", OP_CEQ},
    {"ne", OP_NE},
    {"ine", OP_NE},
    {"cne", OP_CNE},
    {"gt", OP_GT},
    {"igt", OP_GT},
    {"cgt", OP_CGT},
    {"ge", OP_GE},
    {"ige", OP_GE},
    {"cge", OP_CGE},
    {"lt", OP_LT},
    {"ilt", OP_LT},
    {"clt", OP_CLT},
    {"le", OP_LE},
    {"ile", OP_LE},
    {"cle", OP_CLE},
    {"like", OP_LIKE},
    {"ilike", OP_LIKE},
    {"clike", OP_CLIKE},
    {"notlike", OP_NOTLIKE},
    {"inotlike", OP_NOTLIKE},
    {"cnotlike", OP_CNOTLIKE},
    {"match", OP_MATCH},
    {"imatch", OP_MATCH},
    {"cmatch", OP_CMATCH},
    {"notmatch", OP_NOTMATCH},
    {"inotmatch", OP_NOTMATCH},
    {"cnotmatch", OP_CNOTMATCH},
    {"contains", OP_CONTAINS},
    {"icontains", OP_CONTAINS},
    {"ccontains", OP_CCONTAINS},
    {"notcontains", OP_NOTCONTAINS},
    {"inotcontains", OP_NOTCONTAINS},
    {"cnotcontains", OP_CNOTCONTAINS},
    {"in", OP_IN},
    {"iin", OP_IN},
    {"cin", OP_CIN},
    {"notin", OP_NOTIN},
    {"inotin", OP_NOTIN},
    {"cnotin", OP_CNOTIN},
    {"replace", OP_REPLACE},
    {"ireplace", OP_REPLACE},
    {"creplace", OP_CREPLACE},
    {"split", OP_SPLIT},
    {"isplit", OP_SPLIT},
    {"csplit", OP_SPLIT},
    {"join", OP_JOIN},
    {"is", OP_IS},
    {"isnot", OP_ISNOT},
    {"as", OP_AS},
    {"and", OP_AND},
    {"or", OP_OR},
    {"xor", OP_XOR},
    {"not", OP_NOT},
    {"band", OP_BAND},
    {"bor", OP_BOR},
    {"bxor", OP_BXOR},
    {"bnot", OP_BNOT},
    {"f", OP_FORMAT},
};

int lang_lex_dash_op(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof dash_ops / sizeof dash_ops[0]; i++)
        if (strlen(dash_ops[i].name) == n && !strncasecmp(dash_ops[i].name, name, n))
            return dash_ops[i].op;
    return OP_NONE;
}

/* Number at pos. In command mode a number that runs into other characters is
 * a generic token instead (e.g. 10s, 192.168.0.1). */
static bool scan_number(const lang_lexer *lx, uint32_t pos, lang_lexmode mode, lang_token *tok)
{
    uint32_t q = pos;
    bool neg = false;
    int dl = dash_len(lx, q);
    if (dl) {
        neg = true;
        q += (uint32_t)dl;
    } else if (ch(lx, q) == '+') {
        q++;
    }
    bool is_double = false, hex = false;
    uint32_t dstart = q;
    if (ch(lx, q) == '0' && (ch(lx, q + 1) == 'x' || ch(lx, q + 1) == 'X') &&
        isxdigit(ch(lx, q + 2))) {
        hex = true;
        q += 2;
        dstart = q;
        while (isxdigit(ch(lx, q)))
            q++;
    } else {
        while (isdigit(ch(lx, q)))
            q++;
        if (ch(lx, q) == '.' && isdigit(ch(lx, q + 1))) {
            is_double = true;
            q++;
            while (isdigit(ch(lx, q)))
                q++;
        }
        if ((ch(lx, q) == 'e' || ch(lx, q) == 'E') &&
            (isdigit(ch(lx, q + 1)) ||
             ((ch(lx, q + 1) == '+' || ch(lx, q + 1) == '-') && isdigit(ch(lx, q + 2))))) {
            is_double = true;
            q += 2;
            while (isdigit(ch(lx, q)))
                q++;
        }
    }
    uint32_t dend = q;
    bool decimal = false;
    if (ch(lx, q) == 'l' || ch(lx, q) == 'L') {
        q++;
    } else if (!hex && (ch(lx, q) == 'd' || ch(lx, q) == 'D')) {
        decimal = true;
        q++;
    }
    double mult = 1;
    static const char mults[] = "kmgtp";
    const char *m = ch(lx, q) ? strchr(mults, tolower(ch(lx, q))) : NULL;
    if (m && (ch(lx, q + 1) == 'b' || ch(lx, q + 1) == 'B')) {
        for (const char *k = mults; k <= m; k++)
            mult *= 1024;
        q += 2;
    }
    bool ends = force_new_at(lx, q);
    if (mode == LEX_CMD && !ends) {
        parts p = {.start = pos};
        return scan_generic(lx, pos, &p, tok);
    }
    if (mode == LEX_EXPR && !ends && (is_name_char(ch(lx, q)))) {
        return lex_error(tok, pos, "BadNumericConstant", "The numeric constant is not valid.",
                         false);
    }
    char *txt = rs_strndup(lx->src + dstart, dend - dstart);
    tok->kind = T_NUMBER;
    tok->end = q;
    tok->text = rs_strndup(lx->src + pos, q - pos);
    if (is_double || decimal) {
        double d = strtod(txt, NULL) * mult;
        tok->num = lang_double(neg ? -d : d);
    } else {
        errno = 0;
        unsigned long long u = strtoull(txt, NULL, hex ? 16 : 10);
        if (errno || u > (unsigned long long)INT64_MAX / (unsigned long long)mult) {
            double d = strtod(txt, NULL) * mult;
            tok->num = lang_double(neg ? -d : d);
        } else {
            int64_t v = (int64_t)u * (int64_t)mult;
            if (hex && !neg && v > INT32_MAX && v <= UINT32_MAX && dend - dstart <= 8)
                v = (int32_t)(uint32_t)v; /* 0xFFFFFFFF is -1 as Int32 */
            tok->num = lang_int(neg ? -v : v);
        }
    }
    free(txt);
    return true;
}

/* Command-mode parameter at pos (a dash followed by a letter). */
static bool scan_parameter(const lang_lexer *lx, uint32_t pos, lang_token *tok)
{
    uint32_t q = pos + (uint32_t)dash_len(lx, pos);
    rs_buf name = {0};
    bool colon = false;
    for (;;) {
        if (q >= lx->len || blank_len(lx, q))
            break;
        int c = ch(lx, q);
        if (c == ':') {
            colon = true;
            q++;
            break;
        }
        if (strchr("\r\n&(),.;[{|}", c))
            break;
        if (squote_len(lx, q) || dquote_len(lx, q)) {
            /* Quotes are never part of a parameter: the whole word is an
             * argument, e.g. -RegistrarPool'x' is the string "-RegistrarPoolx". */
            parts p = {.start = pos};
            parts_puts(&p, "-", 1);
            if (name.len)
                parts_puts(&p, name.data, name.len);
            rs_buf_free(&name);
            return scan_generic(lx, q, &p, tok);
        }
        rs_buf_putc(&name, (char)c);
        q++;
    }
    tok->kind = T_PARAM;
    tok->text = name.data ? rs_buf_take(&name) : rs_strdup("");
    tok->end = q;
    if (colon)
        tok->flags |= TF_COLON;
    return true;
}

static bool simple(lang_token *tok, lang_tok kind, uint32_t end)
{
    tok->kind = kind;
    tok->end = end;
    return true;
}

/* String token (quoted) at pos; in command mode, characters glued after the
 * closing quote continue the same word (PowerShell: "abc"def is abcdef). */
static bool scan_quoted(const lang_lexer *lx, uint32_t pos, lang_lexmode mode, bool dq,
                        lang_token *tok)
{
    parts p = {.start = pos};
    int ql = dq ? dquote_len(lx, pos) : squote_len(lx, pos);
    uint32_t end = dq ? scan_dq_body(lx, pos + (uint32_t)ql, &p, tok)
                      : scan_sq_body(lx, pos + (uint32_t)ql, &p, tok);
    if (end == UINT32_MAX) {
        parts_free(&p);
        return false;
    }
    if (mode == LEX_CMD && !force_new_at(lx, end)) {
        tok->flags |= TF_QUOTED;
        return scan_generic(lx, end, &p, tok);
    }
    tok->kind = dq ? T_EXPSTR : T_STRING;
    parts_finish(lx, &p, tok, end);
    return true;
}

static bool scan_redirect(const lang_lexer *lx, uint32_t pos, int stream, lang_token *tok)
{
    uint32_t q = pos;
    if (stream != '1' || ch(lx, q) != '>')
        q++; /* the stream digit or '*' */
    q++;     /* '>' */
    tok->kind = T_REDIRECT;
    tok->op = stream;
    if (ch(lx, q) == '>') {
        tok->flags |= TF_APPEND;
        q++;
    } else if (ch(lx, q) == '&' && isdigit(ch(lx, q + 1))) {
        tok->flags |= TF_MERGE;
        q += 2;
    }
    tok->end = q;
    return true;
}

bool lang_lex(const lang_lexer *lx, uint32_t pos, lang_lexmode mode, lang_token *tok)
{
    memset(tok, 0, sizeof *tok);
    uint32_t p = lang_lex_skip_blank(lx, pos);
    tok->start = p;
    tok->end = p;
    tok->space_before = p == 0 || p != pos || isspace(ch(lx, p - 1));
    if (p >= lx->len)
        return simple(tok, T_EOF, p);
    int c = ch(lx, p);
    int c1 = ch(lx, p + 1);
    switch (c) {
    case '\0': /* a NUL byte inside the text (lang_parse refuses it first) */
        return lex_error(tok, p, "UnrecognizedToken", "Unrecognized token in source text.", false);
    case '\r':
        return simple(tok, T_NEWLINE, c1 == '\n' ? p + 2 : p + 1);
    case '\n':
        return simple(tok, T_NEWLINE, p + 1);
    case ';':
        return simple(tok, T_SEMI, p + 1);
    case ',':
        return simple(tok, T_COMMA, p + 1);
    case '(':
        return simple(tok, T_LPAREN, p + 1);
    case ')':
        return simple(tok, T_RPAREN, p + 1);
    case '{':
        return simple(tok, T_LBRACE, p + 1);
    case '}':
        return simple(tok, T_RBRACE, p + 1);
    case '|':
        return c1 == '|' ? simple(tok, T_OROR, p + 2) : simple(tok, T_PIPE, p + 1);
    case '&':
        return c1 == '&' ? simple(tok, T_ANDAND, p + 2) : simple(tok, T_AMP, p + 1);
    case '>':
        return scan_redirect(lx, p, '1', tok);
    default:
        break;
    }
    if (squote_len(lx, p))
        return scan_quoted(lx, p, mode, false, tok);
    if (dquote_len(lx, p))
        return scan_quoted(lx, p, mode, true, tok);
    if ((c == '*' || (c >= '1' && c <= '6')) && c1 == '>')
        return scan_redirect(lx, p, c, tok);
    if (c == '@') {
        if (c1 == '(')
            return simple(tok, T_AT_PAREN, p + 2);
        if (c1 == '{')
            return simple(tok, T_AT_BRACE, p + 2);
        if (c1 == '\'' || c1 == '"')
            return scan_here_string(lx, p, c1 == '"', tok);
        if (is_name_char(c1)) {
            uint32_t q = p + 1;
            while (is_name_char(ch(lx, q)))
                q++;
            if (mode == LEX_EXPR || force_new_at(lx, q)) {
                tok->kind = T_SPLAT;
                tok->text = rs_strndup(lx->src + p + 1, q - p - 1);
                tok->end = q;
                return true;
            }
        }
        if (mode == LEX_CMD) {
            parts pp = {.start = p};
            return scan_generic(lx, p, &pp, tok);
        }
        return lex_error(tok, p, "UnrecognizedToken", "Unrecognized token in source text.", false);
    }
    if (c == '$') {
        if (c1 == '(')
            return simple(tok, T_DOLLAR_PAREN, p + 2);
        char *name;
        bool braced, bad;
        uint32_t end = scan_var_name(lx, p + 1, &name, &braced, tok, &bad);
        if (bad)
            return false;
        if (!name) {
            if (mode == LEX_CMD) {
                parts pp = {.start = p};
                return scan_generic(lx, p, &pp, tok);
            }
            return lex_error(tok, p, "InvalidVariableReference",
                             "Variable reference is not valid. '$' was not followed by a valid "
                             "variable name character. Consider using ${} to delimit the name.",
                             false);
        }
        if (mode == LEX_CMD && !force_new_at(lx, end) && ch(lx, end) != '.' && ch(lx, end) != '[') {
            free(name);
            parts pp = {.start = p};
            return scan_generic(lx, p, &pp, tok);
        }
        tok->kind = T_VAR;
        tok->text = name;
        tok->end = end;
        return true;
    }
    if (isdigit(c))
        return scan_number(lx, p, mode, tok);
    int dl = dash_len(lx, p);
    if (dl) {
        int n1 = ch(lx, p + (uint32_t)dl);
        if (mode == LEX_CMD) {
            if (isalpha(n1) || n1 == '_' || n1 == '?' || n1 >= 0x80)
                return scan_parameter(lx, p, tok);
            if (isdigit(n1) || (n1 == '.' && isdigit(ch(lx, p + (uint32_t)dl + 1))))
                return scan_number(lx, p, mode, tok);
            parts pp = {.start = p};
            return scan_generic(lx, p, &pp, tok);
        }
        if (isalpha(n1)) {
            uint32_t q = p + (uint32_t)dl;
            while (isalpha(ch(lx, q)))
                q++;
            int op = lang_lex_dash_op(lx->src + p + dl, q - p - (uint32_t)dl);
            tok->text = rs_strndup(lx->src + p, q - p);
            if (op == OP_NONE)
                return lex_error(tok, p, "UnexpectedToken",
                                 "Unexpected token in expression or statement.", false);
            tok->kind = T_OP;
            tok->op = op;
            tok->end = q;
            return true;
        }
        if (dash_len(lx, p + (uint32_t)dl))
            return simple(tok, T_MINUSMINUS, p + (uint32_t)dl + 1);
        if (n1 == '=') {
            tok->op = '-';
            return simple(tok, T_ASSIGN, p + (uint32_t)dl + 1);
        }
        return simple(tok, T_MINUS, p + (uint32_t)dl);
    }
    if (mode == LEX_EXPR) {
        switch (c) {
        case '=':
            tok->op = '=';
            return simple(tok, T_ASSIGN, p + 1);
        case '+':
            if (c1 == '+')
                return simple(tok, T_PLUSPLUS, p + 2);
            if (c1 == '=') {
                tok->op = '+';
                return simple(tok, T_ASSIGN, p + 2);
            }
            return simple(tok, T_PLUS, p + 1);
        case '*':
        case '/':
        case '%':
            if (c1 == '=') {
                tok->op = c;
                return simple(tok, T_ASSIGN, p + 2);
            }
            return simple(tok, c == '*' ? T_STAR : c == '/' ? T_SLASH : T_PERCENT, p + 1);
        case '!':
            return simple(tok, T_EXCL, p + 1);
        case '[':
            return simple(tok, T_LBRACKET, p + 1);
        case ']':
            return simple(tok, T_RBRACKET, p + 1);
        case '.':
            if (c1 == '.')
                return simple(tok, T_DOTDOT, p + 2);
            if (isdigit(c1) && tok->space_before)
                return scan_number(lx, p, mode, tok);
            return simple(tok, T_DOT, p + 1);
        case ':':
            if (c1 == ':')
                return simple(tok, T_COLONCOLON, p + 2);
            break;
        default:
            if (isalpha(c) || c == '_' || c >= 0x80) {
                uint32_t q = p;
                while (is_name_char(ch(lx, q)))
                    q++;
                tok->kind = T_IDENT;
                tok->text = rs_strndup(lx->src + p, q - p);
                tok->end = q;
                if (force_new_at(lx, q))
                    tok->flags |= TF_TERMINATED;
                return true;
            }
            break;
        }
        if (c == '<')
            return lex_error(tok, p, "RedirectionNotSupported",
                             "The '<' operator is reserved for future use.", false);
        /* Anything else is not an expression; let the parser treat it as a
         * command word (e.g. the aliases ? and %) or report it. */
        parts pp = {.start = p};
        return scan_generic(lx, p, &pp, tok);
    }
    /* command mode */
    if (c == '.' && force_new_at(lx, p + 1))
        return simple(tok, T_DOT, p + 1);
    if (c == '<' && c1 != '#')
        return lex_error(tok, p, "RedirectionNotSupported",
                         "The '<' operator is reserved for future use.", false);
    parts pp = {.start = p};
    return scan_generic(lx, p, &pp, tok);
}

char *lang_lex_typename(const lang_lexer *lx, uint32_t pos, uint32_t *end)
{
    int depth = 0;
    uint32_t q = pos;
    for (; q < lx->len; q++) {
        int c = ch(lx, q);
        if (c == '\n' || c == '\r')
            return NULL;
        if (c == '[')
            depth++;
        else if (c == ']' && --depth == 0)
            break;
    }
    if (q >= lx->len)
        return NULL;
    *end = q + 1;
    uint32_t a = pos + 1, b = q;
    while (a < b && isspace(ch(lx, a)))
        a++;
    while (b > a && isspace(ch(lx, b - 1)))
        b--;
    return rs_strndup(lx->src + a, b - a);
}
