/* parse.c - recursive-descent parser (see parse.h).
 *
 * Grammar (the PowerShell subset; [] optional, {} repeated, nl = newlines):
 *   script      := stmts EOF
 *   stmts       := { nl | ';' } [ stmt { (nl | ';') { nl | ';' } stmt } ]
 *   stmt        := if | foreach | while | do | for | switch | try | function
 *                | (throw | return | exit) [pipeline] | break | continue
 *                | pipeline_stmt
 *   if          := 'if' '(' pipeline_stmt ')' block { 'elseif' '(' ... ')' block } [ 'else' block ]
 *   foreach     := 'foreach' '(' $var 'in' pipeline_stmt ')' block
 *   try         := 'try' block { 'catch' [ '[' type ']' { ',' '[' type ']' } ] block } [ 'finally'
 * block ] block       := '{' stmts '}' pipeline_stmt := expr assign_op stmt            (assignment)
 *                | element { '|' nl* command }
 *   element     := expr | command                    (an expression only first)
 *   command     := [ '&' | '.' ] name { param | redirect | argument }   (command mode)
 *   param       := -Name | -Name: argument
 *   argument    := cmd_primary { ',' nl* cmd_primary }
 *   cmd_primary := bareword | number | string | $var postfix* | '(' stmt ')' postfix*
 *                | '$(' stmts ')' | '@(' stmts ')' | '@{' hash '}' | '{' stmts '}'
 *   expr        := logical                           (expression mode)
 *   logical     := bitwise { (-and | -or | -xor) nl* bitwise }
 *   bitwise     := compare { (-band | -bor | -bxor) nl* compare }
 *   compare     := additive { cmpop nl* additive }
 *   additive    := mult { ('+' | '-') nl* mult }
 *   mult        := format { ('*' | '/' | '%') nl* format }
 *   format      := range { -f nl* range }
 *   range       := array { '..' nl* array }
 *   array       := unary { ',' nl* unary }
 *   unary       := ('!' | -not | -bnot | '-' | '+' | ',' | '++' | '--' | '[' type ']' | -split |
 * -join) unary | postfix postfix     := primary { '.' member [ '(' args ')' ] | '::' member [...] |
 * '[' expr ']' | '++' | '--' } primary     := $var | number | string | '(' stmt ')' | '$(' stmts
 * ')' | '@(' stmts ')' | '@{' hash '}' | '{' [param_block] stmts '}' | '[' type ']' Member access
 * and indexing need the '.' or '[' glued to what precedes it.
 */
#include "parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "rs_util.h"

#define MAX_DEPTH 256

typedef struct parser {
    lang_lexer lx;
    lang_source *src;
    uint32_t pos;   /* offset after the last consumed token */
    uint32_t last;  /* end of the last consumed token (for extents) */
    lang_token tok; /* lookahead */
    bool have;
    lang_lexmode tmode;
    uint32_t tpos;
    lang_parse_error *err;
    bool failed;
    bool no_comma; /* inside method arguments: ',' separates arguments */
    int depth;
} parser;

static const char *const keywords[] = {
    "if",       "elseif",       "else",   "foreach", "for",   "while",   "do",   "until",
    "switch",   "try",          "catch",  "finally", "throw", "return",  "exit", "break",
    "continue", "function",     "filter", "param",   "begin", "process", "end",  "trap",
    "data",     "dynamicparam", "in",     "class",   "enum",  "using",   NULL};

bool lang_is_keyword(const char *name)
{
    for (int i = 0; keywords[i]; i++)
        if (rs_streq_ci(keywords[i], name))
            return true;
    return false;
}

static void *perr(parser *P, uint32_t pos, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void *perr(parser *P, uint32_t pos, const char *id, const char *fmt, ...)
{
    if (P->failed)
        return NULL;
    P->failed = true;
    P->err->errid = id;
    P->err->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err->msg, sizeof P->err->msg, fmt, ap);
    va_end(ap);
    return NULL;
}

static lang_token *peek(parser *P, lang_lexmode mode)
{
    if (P->have && P->tpos == P->pos && P->tmode == mode)
        return &P->tok;
    lang_token_clear(&P->tok);
    P->have = true;
    P->tpos = P->pos;
    P->tmode = mode;
    if (!lang_lex(&P->lx, P->pos, mode, &P->tok) && !P->failed) {
        P->failed = true;
        P->err->errid = P->tok.errid ? P->tok.errid : "ParseError";
        P->err->pos = P->tok.errpos;
        P->err->incomplete = (P->tok.flags & TF_INCOMPLETE) != 0;
        if (!strcmp(P->err->errid, "UnexpectedToken") && P->tok.text)
            snprintf(P->err->msg, sizeof P->err->msg,
                     "Unexpected token '%s' in expression or statement.", P->tok.text);
        else
            snprintf(P->err->msg, sizeof P->err->msg, "%s", P->tok.errmsg ? P->tok.errmsg : "");
    }
    return &P->tok;
}

static void advance(parser *P)
{
    P->pos = P->tok.end;
    P->last = P->tok.end;
    P->have = false;
    lang_token_clear(&P->tok);
}

/* Take the text of the lookahead (before advance). */
static char *take_text(parser *P)
{
    char *t = P->tok.text;
    P->tok.text = NULL;
    return t ? t : rs_strdup("");
}

static void skip_newlines(parser *P)
{
    for (;;) {
        lang_token *t = peek(P, LEX_EXPR);
        if (t->kind != T_NEWLINE)
            return;
        advance(P);
    }
}

static void skip_separators(parser *P)
{
    for (;;) {
        lang_token *t = peek(P, LEX_EXPR);
        if (t->kind != T_NEWLINE && t->kind != T_SEMI)
            return;
        advance(P);
    }
}

/* Report "unexpected token" at the lookahead. */
static void *unexpected(parser *P, lang_token *t)
{
    if (P->failed)
        return NULL;
    if (t->kind == T_EOF) {
        P->err->incomplete = true;
        return perr(P, t->start, "IncompleteInput", "Unexpected end of input.");
    }
    char *txt = rs_strndup(P->src->text + t->start, t->end - t->start);
    perr(P, t->start, "UnexpectedToken", "Unexpected token '%s' in expression or statement.", txt);
    free(txt);
    return NULL;
}

static bool at_eof_error(parser *P, lang_token *t)
{
    if (t->kind == T_EOF)
        P->err->incomplete = true;
    return t->kind == T_EOF;
}

static lang_node *parse_statement(parser *P);
static lang_node *parse_stmts(parser *P, lang_tok term);
static lang_node *parse_expression(parser *P);
static lang_node *parse_unary(parser *P);
static lang_node *parse_pipeline_stmt(parser *P);
static lang_node *parse_cmd_argument(parser *P);
static lang_node *parse_block(parser *P, const char *what);

static bool enter(parser *P)
{
    if (++P->depth > MAX_DEPTH) {
        perr(P, P->pos, "ScriptTooDeep", "The script is nested too deeply to be parsed.");
        return false;
    }
    return true;
}

/* ---- $( ) inside strings: the lexer calls back into a nested parser ---- */

static lang_node *subparse_cb(void *ud, uint32_t pos, uint32_t *end, const char **errid,
                              const char **errmsg, uint32_t *errpos, bool *incomplete);

static void parser_init(parser *P, lang_source *src, lang_parse_error *err)
{
    memset(P, 0, sizeof *P);
    P->src = src;
    P->lx.src = src->text;
    P->lx.len = src->len;
    P->lx.subparse = subparse_cb;
    P->lx.ud = P;
    P->err = err;
}

static lang_node *subparse_cb(void *ud, uint32_t pos, uint32_t *end, const char **errid,
                              const char **errmsg, uint32_t *errpos, bool *incomplete)
{
    parser *outer = ud;
    parser sub;
    /* The nested parser reports into the outer parser's error record. */
    parser_init(&sub, outer->src, outer->err);
    sub.failed = outer->failed;
    sub.pos = pos;
    sub.depth = outer->depth + 1;
    lang_node *stmts = NULL;
    if (enter(&sub)) {
        stmts = parse_stmts(&sub, T_RPAREN);
        lang_token *t = peek(&sub, LEX_EXPR);
        if (!sub.failed && t->kind != T_RPAREN) {
            if (at_eof_error(&sub, t))
                perr(&sub, pos - 2, "IncompleteDollarSubexpressionReference",
                     "Missing closing ')' in subexpression.");
            else
                unexpected(&sub, t);
        }
        if (!sub.failed)
            advance(&sub);
    }
    lang_token_clear(&sub.tok);
    if (sub.failed) {
        lang_node_free(stmts);
        outer->failed = true;
        *errid = outer->err->errid;
        *errmsg = outer->err->msg;
        *errpos = outer->err->pos;
        *incomplete = outer->err->incomplete;
        return NULL;
    }
    *end = sub.pos;
    return stmts;
}

/* ---- primaries ---- */

static lang_node *const_node(parser *P, lang_value *v, unsigned flags)
{
    lang_node *n = lang_node_new(N_CONST, P->tok.start, P->tok.end);
    n->value = v;
    n->flags = flags;
    return n;
}

/* A string-ish token (T_STRING, T_EXPSTR, T_GENERIC) as a node. */
static lang_node *string_node(parser *P, unsigned flags)
{
    lang_token *t = &P->tok;
    lang_node *n;
    if (t->expand) {
        n = t->expand;
        t->expand = NULL;
        n->flags |= flags;
    } else {
        n = const_node(P, lang_str_take(take_text(P)), flags);
    }
    n->start = t->start;
    n->end = t->end;
    advance(P);
    return n;
}

static lang_node *parse_paren(parser *P)
{
    uint32_t start = P->tok.start;
    advance(P); /* ( */
    bool saved = P->no_comma;
    P->no_comma = false;
    skip_newlines(P);
    lang_node *n = lang_node_new(N_PAREN, start, start);
    n->a = parse_pipeline_stmt(P);
    P->no_comma = saved;
    if (P->failed) {
        lang_node_free(n);
        return NULL;
    }
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_RPAREN) {
        lang_node_free(n);
        if (at_eof_error(P, t))
            return perr(P, t->start, "MissingEndParenthesisInExpression",
                        "Missing closing ')' in expression.");
        return unexpected(P, t);
    }
    advance(P);
    n->end = P->last;
    return n;
}

/* $( stmts ) or @( stmts ) */
static lang_node *parse_subexpr(parser *P, lang_nkind kind)
{
    uint32_t start = P->tok.start;
    advance(P);
    bool saved = P->no_comma;
    P->no_comma = false;
    lang_node *n = lang_node_new(kind, start, start);
    n->a = parse_stmts(P, T_RPAREN);
    P->no_comma = saved;
    if (P->failed) {
        lang_node_free(n);
        return NULL;
    }
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_RPAREN) {
        lang_node_free(n);
        if (at_eof_error(P, t))
            return perr(P, start, "IncompleteDollarSubexpressionReference",
                        kind == N_SUBEXPR ? "Missing closing ')' in subexpression."
                                          : "Missing closing ')' in array subexpression.");
        return unexpected(P, t);
    }
    advance(P);
    n->end = P->last;
    return n;
}

static lang_node *parse_hash(parser *P)
{
    uint32_t start = P->tok.start;
    advance(P); /* @{ */
    bool saved = P->no_comma;
    P->no_comma = false;
    lang_node *h = lang_node_new(N_HASH, start, start);
    for (;;) {
        skip_separators(P);
        lang_token *t = peek(P, LEX_EXPR);
        if (P->failed)
            break;
        if (t->kind == T_RBRACE) {
            advance(P);
            h->end = P->last;
            P->no_comma = saved;
            return h;
        }
        lang_node *key = NULL;
        switch (t->kind) {
        case T_IDENT: {
            /* bareword key: identifier characters plus '-' and '.' */
            uint32_t q = t->end;
            while (q < P->src->len &&
                   (isalnum((unsigned char)P->src->text[q]) || P->src->text[q] == '-' ||
                    P->src->text[q] == '_' || P->src->text[q] == '.'))
                q++;
            key = lang_node_new(N_CONST, t->start, q);
            key->value = lang_str_n(P->src->text + t->start, q - t->start);
            advance(P);
            P->pos = q;
            P->last = q;
            break;
        }
        case T_STRING:
        case T_EXPSTR:
            key = string_node(P, NF_QUOTED);
            break;
        case T_NUMBER:
            key = const_node(P, lang_ref(t->num), 0);
            advance(P);
            break;
        default:
            key = parse_unary(P);
            break;
        }
        if (!key) {
            if (!P->failed) {
                if (at_eof_error(P, t))
                    perr(P, start, "IncompleteHashLiteral", "The hash literal was incomplete.");
                else
                    unexpected(P, t);
            }
            break;
        }
        lang_node_add(h, key);
        t = peek(P, LEX_EXPR);
        if (t->kind != T_ASSIGN || t->op != '=') {
            if (at_eof_error(P, t))
                perr(P, start, "IncompleteHashLiteral", "The hash literal was incomplete.");
            else
                perr(P, t->start, "MissingEqualsInHashLiteral",
                     "Missing '=' operator after key in hash literal.");
            break;
        }
        advance(P);
        skip_newlines(P);
        t = peek(P, LEX_EXPR);
        if (t->kind == T_RBRACE || t->kind == T_SEMI || t->kind == T_EOF) {
            if (at_eof_error(P, t))
                perr(P, start, "IncompleteHashLiteral", "The hash literal was incomplete.");
            else
                perr(P, t->start, "MissingStatementInHashLiteral",
                     "Missing statement after '=' in hash literal.");
            break;
        }
        lang_node *val = parse_statement(P);
        if (!val)
            break;
        lang_node_add(h, val);
        t = peek(P, LEX_EXPR);
        if (t->kind != T_NEWLINE && t->kind != T_SEMI && t->kind != T_RBRACE) {
            if (at_eof_error(P, t))
                perr(P, start, "IncompleteHashLiteral", "The hash literal was incomplete.");
            else
                perr(P, t->start, "MissingEndCurlyBrace", "The hash literal was incomplete.");
            break;
        }
    }
    P->no_comma = saved;
    lang_node_free(h);
    return NULL;
}

/* param( [attributes] [type] $name [= default], ... ) */
static lang_node *parse_param_block(parser *P)
{
    uint32_t start = P->tok.start;
    advance(P); /* param */
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_LPAREN)
        return perr(P, t->start, "MissingOpenParenthesisAfterKeyword",
                    "Missing '(' after 'param'.");
    advance(P);
    lang_node *pb = lang_node_new(N_PARAMBLOCK, start, start);
    for (;;) {
        skip_newlines(P);
        t = peek(P, LEX_EXPR);
        if (t->kind == T_RPAREN) {
            advance(P);
            pb->end = P->last;
            return pb;
        }
        lang_node *d = lang_node_new(N_PARAMDECL, t->start, t->start);
        lang_node_add(pb, d);
        /* attributes and type constraints */
        while (!P->failed && (t = peek(P, LEX_EXPR))->kind == T_LBRACKET) {
            uint32_t end;
            char *ty = lang_lex_typename(&P->lx, t->start, &end);
            if (!ty) {
                lang_node_free(pb);
                return perr(P, t->start, "MissingEndSquareBracket",
                            "Missing ']' at end of attribute or type literal.");
            }
            if (rs_prefix_ci(ty, "Parameter")) {
                char *lower = rs_lower_dup(ty);
                if (strstr(lower, "mandatory") && !strstr(lower, "mandatory=$false") &&
                    !strstr(lower, "mandatory = $false"))
                    d->flags |= NF_MANDATORY;
                if (strstr(lower, "valuefrompipelinebypropertyname"))
                    d->flags |= NF_PIPE_PROP;
                char *vfp = strstr(lower, "valuefrompipeline");
                while (vfp && !strncmp(vfp, "valuefrompipelinebypropertyname", 31))
                    vfp = strstr(vfp + 31, "valuefrompipeline");
                if (vfp)
                    d->flags |= NF_PIPE_VALUE;
                free(lower);
                free(ty);
            } else if (rs_prefix_ci(ty, "ValidateSet(")) {
                /* the allowed values: quoted strings or barewords between the commas */
                lang_node *set = lang_node_new(N_ARRAY, t->start, end);
                const char *q = ty + 12;
                while (*q && *q != ')') {
                    while (*q == ' ' || *q == ',' || *q == '\t' || *q == '\n' || *q == '\r')
                        q++;
                    if (!*q || *q == ')')
                        break;
                    const char *v0, *v1;
                    if (*q == '\'' || *q == '"') {
                        char quote = *q++;
                        v0 = q;
                        while (*q && *q != quote)
                            q++;
                        v1 = q;
                        if (*q)
                            q++;
                    } else {
                        v0 = q;
                        while (*q && *q != ',' && *q != ')' && *q != ' ')
                            q++;
                        v1 = q;
                    }
                    lang_node *c = lang_node_new(N_CONST, t->start, end);
                    c->value = lang_str_n(v0, (size_t)(v1 - v0));
                    lang_node_add(set, c);
                }
                lang_node_free(d->b);
                d->b = set;
                free(ty);
            } else if (strchr(ty, '(')) {
                free(
                    ty); /* other attributes ([ValidateSet(...)] etc.) are accepted, not enforced */
            } else {
                d->types = rs_realloc(d->types, (d->ntypes + 1) * sizeof(char *));
                d->types[d->ntypes++] = ty;
            }
            advance(P);
            P->pos = end;
            P->last = end;
            skip_newlines(P);
        }
        t = peek(P, LEX_EXPR);
        if (t->kind != T_VAR) {
            lang_node_free(pb);
            if (at_eof_error(P, t))
                return perr(P, start, "MissingEndParenthesisInFunctionParameterList",
                            "Missing ')' in function parameter list.");
            return unexpected(P, t);
        }
        d->name = take_text(P);
        advance(P);
        t = peek(P, LEX_EXPR);
        if (t->kind == T_ASSIGN && t->op == '=') {
            advance(P);
            skip_newlines(P);
            bool saved = P->no_comma;
            P->no_comma = true; /* ',' separates parameters */
            d->a = parse_expression(P);
            P->no_comma = saved;
            if (!d->a) {
                lang_node_free(pb);
                return NULL;
            }
        }
        d->end = P->last;
        skip_newlines(P);
        t = peek(P, LEX_EXPR);
        if (t->kind == T_COMMA) {
            advance(P);
            continue;
        }
        if (t->kind != T_RPAREN) {
            lang_node_free(pb);
            if (at_eof_error(P, t))
                return perr(P, start, "MissingEndParenthesisInFunctionParameterList",
                            "Missing ')' in function parameter list.");
            return unexpected(P, t);
        }
    }
}

/* begin { } process { } end { } at the lookahead, in any order, each at most
 * once (a repeated one replaces the earlier, as PowerShell reports no error
 * either). *nb is set to a new N_NAMEDBLOCKS when at least one block is there
 * (caller owns it). False on a parse error (*nb freed). Used by script blocks
 * and, at the top level, by script files. */
static bool parse_named_blocks(parser *P, lang_node **nb)
{
    *nb = NULL;
    lang_token *t = peek(P, LEX_EXPR);
    while (!P->failed && t->kind == T_IDENT &&
           (rs_streq_ci(t->text, "begin") || rs_streq_ci(t->text, "process") ||
            rs_streq_ci(t->text, "end"))) {
        uint32_t q = lang_lex_skip_blank(&P->lx, t->end);
        while (q < P->src->len && (P->src->text[q] == '\n' || P->src->text[q] == '\r'))
            q = lang_lex_skip_blank(&P->lx, q + 1);
        if (q >= P->src->len || P->src->text[q] != '{')
            break;
        if (!*nb)
            *nb = lang_node_new(N_NAMEDBLOCKS, t->start, t->start);
        char which = (char)tolower((unsigned char)t->text[0]);
        advance(P);
        skip_newlines(P);
        t = peek(P, LEX_EXPR);
        uint32_t bstart = t->start;
        advance(P); /* { */
        lang_node *body = parse_stmts(P, T_RBRACE);
        if (P->failed) {
            lang_node_free(body);
            lang_node_free(*nb);
            *nb = NULL;
            return false;
        }
        t = peek(P, LEX_EXPR);
        if (t->kind != T_RBRACE) {
            lang_node_free(body);
            lang_node_free(*nb);
            *nb = NULL;
            if (at_eof_error(P, t))
                perr(P, bstart, "MissingEndCurlyBrace",
                     "Missing closing '}' in statement block or type definition.");
            else
                unexpected(P, t);
            return false;
        }
        advance(P);
        lang_node **slot = which == 'b' ? &(*nb)->a : which == 'p' ? &(*nb)->b : &(*nb)->c;
        lang_node_free(*slot);
        *slot = body;
        (*nb)->end = P->last;
        skip_separators(P);
        t = peek(P, LEX_EXPR);
    }
    return !P->failed;
}

static lang_node *parse_scriptblock(parser *P)
{
    uint32_t start = P->tok.start;
    advance(P); /* { */
    bool saved = P->no_comma;
    P->no_comma = false;
    lang_node *sb = lang_node_new(N_SCRIPTBLOCK, start, start);
    skip_separators(P);
    lang_token *t = peek(P, LEX_EXPR);
    /* [CmdletBinding()] / [OutputType(...)] before param(...) (advanced functions) */
    while (t->kind == T_LBRACKET) {
        uint32_t end;
        char *ty = lang_lex_typename(&P->lx, t->start, &end);
        bool attr = ty && (rs_prefix_ci(ty, "CmdletBinding") || rs_prefix_ci(ty, "OutputType") ||
                           rs_prefix_ci(ty, "Alias("));
        free(ty);
        if (!attr)
            break;
        uint32_t q = lang_lex_skip_blank(&P->lx, end);
        while (q < P->src->len && (P->src->text[q] == '\n' || P->src->text[q] == '\r'))
            q = lang_lex_skip_blank(&P->lx, q + 1);
        if (q + 5 > P->src->len || !rs_prefix_ci(P->src->text + q, "param"))
            break; /* a cast such as [CmdletBinding()]$x is not an attribute */
        advance(P);
        P->pos = end;
        P->last = end;
        skip_separators(P);
        t = peek(P, LEX_EXPR);
    }
    if (t->kind == T_IDENT && rs_streq_ci(t->text, "param")) {
        sb->b = parse_param_block(P);
        if (!sb->b) {
            lang_node_free(sb);
            return NULL;
        }
        skip_separators(P);
        t = peek(P, LEX_EXPR);
    }
    /* begin { } process { } end { } */
    if (!parse_named_blocks(P, &sb->c)) {
        lang_node_free(sb);
        return NULL;
    }
    t = peek(P, LEX_EXPR);
    if (sb->c && t->kind != T_RBRACE && t->kind != T_EOF) {
        lang_node_free(sb);
        return unexpected(P, t);
    }
    sb->a = parse_stmts(P, T_RBRACE);
    P->no_comma = saved;
    if (P->failed) {
        lang_node_free(sb);
        return NULL;
    }
    t = peek(P, LEX_EXPR);
    if (t->kind != T_RBRACE) {
        lang_node_free(sb);
        if (at_eof_error(P, t))
            return perr(P, start, "MissingEndCurlyBrace",
                        "Missing closing '}' in statement block or type definition.");
        return unexpected(P, t);
    }
    advance(P);
    sb->end = P->last;
    return sb;
}

/* Type name at '[' (lookahead). Returns the name or NULL on error. */
static char *parse_typename(parser *P)
{
    uint32_t start = P->tok.start, end;
    char *ty = lang_lex_typename(&P->lx, start, &end);
    if (!ty) {
        P->err->incomplete = P->tok.end >= P->src->len;
        return perr(P, start, "EndSquareBracketExpectedAtEndOfAttribute",
                    "Missing ']' at end of attribute or type literal.");
    }
    advance(P);
    P->pos = end;
    P->last = end;
    return ty;
}

/* Member name after '.' or '::' (expression mode). */
static lang_node *parse_member_name(parser *P)
{
    lang_token *t = peek(P, LEX_EXPR);
    switch (t->kind) {
    case T_IDENT: {
        lang_node *n = const_node(P, lang_str_take(take_text(P)), NF_BAREWORD);
        advance(P);
        return n;
    }
    case T_STRING:
    case T_EXPSTR:
        return string_node(P, NF_QUOTED);
    case T_VAR: {
        lang_node *n = lang_node_new(N_VAR, t->start, t->end);
        n->name = take_text(P);
        advance(P);
        return n;
    }
    case T_LPAREN:
        return parse_paren(P);
    default:
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        return perr(P, t->start, "MissingPropertyName",
                    "Missing property name after reference operator.");
    }
}

/* Method arguments after '(' (lookahead is '('). */
static bool parse_method_args(parser *P, lang_node *inv)
{
    advance(P); /* ( */
    bool saved = P->no_comma;
    P->no_comma = true;
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind == T_RPAREN) {
        advance(P);
        P->no_comma = saved;
        return true;
    }
    for (;;) {
        skip_newlines(P);
        lang_node *arg = parse_expression(P);
        if (!arg) {
            P->no_comma = saved;
            return false;
        }
        lang_node_add(inv, arg);
        skip_newlines(P);
        t = peek(P, LEX_EXPR);
        if (t->kind == T_COMMA) {
            advance(P);
            continue;
        }
        if (t->kind == T_RPAREN) {
            advance(P);
            P->no_comma = saved;
            return true;
        }
        P->no_comma = saved;
        if (at_eof_error(P, t))
            perr(P, t->start, "MissingEndParenthesisInMethodCall",
                 "Missing closing ')' in method call.");
        else
            unexpected(P, t);
        return false;
    }
}

/* Postfix operators glued to n: .member, .method(), [index], ::static. */
static lang_node *parse_postfix(parser *P, lang_node *n)
{
    for (;;) {
        if (P->failed) {
            lang_node_free(n);
            return NULL;
        }
        int c = P->pos < P->src->len ? (unsigned char)P->src->text[P->pos] : 0;
        int c1 = P->pos + 1 < P->src->len ? (unsigned char)P->src->text[P->pos + 1] : 0;
        bool is_static = c == ':' && c1 == ':';
        if ((c == '.' && c1 != '.') || is_static) {
            int nc = is_static
                         ? (P->pos + 2 < P->src->len ? (unsigned char)P->src->text[P->pos + 2] : 0)
                         : c1;
            if (!(isalpha(nc) || nc == '_' || nc == '$' || nc == '\'' || nc == '"' || nc == '(' ||
                  nc >= 0x80))
                return n;
            uint32_t start = n->start;
            P->have = false;
            lang_token_clear(&P->tok);
            P->pos += is_static ? 2 : 1;
            lang_node *name = parse_member_name(P);
            if (!name) {
                lang_node_free(n);
                return NULL;
            }
            int pc = P->pos < P->src->len ? (unsigned char)P->src->text[P->pos] : 0;
            if (pc == '(') {
                lang_node *inv = lang_node_new(N_INVOKE, start, start);
                inv->a = n;
                inv->b = name;
                if (is_static)
                    inv->flags |= NF_STATIC;
                peek(P, LEX_EXPR);
                if (!parse_method_args(P, inv)) {
                    lang_node_free(inv);
                    return NULL;
                }
                inv->end = P->last;
                n = inv;
            } else {
                lang_node *m = lang_node_new(N_MEMBER, start, P->last);
                m->a = n;
                m->b = name;
                if (is_static)
                    m->flags |= NF_STATIC;
                n = m;
            }
            continue;
        }
        if (c == '[') {
            uint32_t start = n->start;
            P->have = false;
            lang_token_clear(&P->tok);
            P->pos++;
            bool saved = P->no_comma;
            P->no_comma = false;
            skip_newlines(P);
            lang_node *idx = parse_expression(P);
            P->no_comma = saved;
            if (!idx) {
                lang_node_free(n);
                return NULL;
            }
            skip_newlines(P);
            lang_token *t = peek(P, LEX_EXPR);
            if (t->kind != T_RBRACKET) {
                lang_node_free(n);
                lang_node_free(idx);
                if (at_eof_error(P, t))
                    return perr(P, t->start, "MissingEndSquareBracket",
                                "Array index expression is missing or not valid.");
                return unexpected(P, t);
            }
            advance(P);
            lang_node *ix = lang_node_new(N_INDEX, start, P->last);
            ix->a = n;
            ix->b = idx;
            n = ix;
            continue;
        }
        return n;
    }
}
/* The primaries that parse alike in expression and argument mode: variables,
 * quoted strings, ( ), $( ), @( ), @{ } and script blocks. Sets *handled to
 * false, and returns NULL, for any other token. */
static lang_node *parse_common_primary(parser *P, const lang_token *t, bool *handled)
{
    lang_node *n = NULL;
    *handled = true;
    switch (t->kind) {
    case T_VAR:
    case T_SPLAT:
        n = lang_node_new(N_VAR, t->start, t->end);
        if (t->kind == T_SPLAT)
            n->flags |= NF_SPLAT;
        n->name = take_text(P);
        advance(P);
        break;
    case T_STRING:
    case T_EXPSTR:
        n = string_node(P, NF_QUOTED);
        break;
    case T_LPAREN:
        n = parse_paren(P);
        break;
    case T_DOLLAR_PAREN:
        n = parse_subexpr(P, N_SUBEXPR);
        break;
    case T_AT_PAREN:
        n = parse_subexpr(P, N_ARRAYEXPR);
        break;
    case T_AT_BRACE:
        n = parse_hash(P);
        break;
    case T_LBRACE:
        n = parse_scriptblock(P);
        break;
    default:
        *handled = false;
        break;
    }
    return n;
}

static lang_node *parse_primary(parser *P)
{
    lang_token *t = peek(P, LEX_EXPR);
    lang_node *n = NULL;
    bool common;
    n = parse_common_primary(P, t, &common);
    if (!common)
        switch (t->kind) {
        case T_NUMBER:
            n = const_node(P, lang_ref(t->num), 0);
            advance(P);
            break;
        case T_LBRACKET: {
            uint32_t start = t->start;
            char *ty = parse_typename(P);
            if (!ty)
                return NULL;
            n = lang_node_new(N_TYPE, start, P->last);
            n->name = ty;
            break;
        }
        default:
            return NULL;
        }
    if (!n)
        return NULL;
    return parse_postfix(P, n);
}

static bool starts_unary(lang_token *t)
{
    switch (t->kind) {
    case T_VAR:
    case T_SPLAT:
    case T_NUMBER:
    case T_STRING:
    case T_EXPSTR:
    case T_LPAREN:
    case T_DOLLAR_PAREN:
    case T_AT_PAREN:
    case T_AT_BRACE:
    case T_LBRACE:
    case T_LBRACKET:
    case T_MINUS:
    case T_PLUS:
    case T_EXCL:
    case T_COMMA:
    case T_PLUSPLUS:
    case T_MINUSMINUS:
        return true;
    case T_OP:
        return t->op == OP_NOT || t->op == OP_BNOT || t->op == OP_SPLIT || t->op == OP_JOIN;
    default:
        return false;
    }
}

static lang_node *parse_unary(parser *P)
{
    if (!enter(P))
        return NULL;
    lang_token *t = peek(P, LEX_EXPR);
    lang_node *n = NULL;
    uint32_t start = t->start;
    int op = OP_NONE;
    switch (t->kind) {
    case T_EXCL:
        op = OP_NOT;
        break;
    case T_MINUS:
        op = OP_NEG;
        break;
    case T_PLUS:
        op = OP_PLUS;
        break;
    case T_COMMA:
        op = OP_COMMA_UNARY;
        break;
    case T_PLUSPLUS:
        op = OP_PREINC;
        break;
    case T_MINUSMINUS:
        op = OP_PREDEC;
        break;
    case T_OP:
        if (t->op == OP_NOT || t->op == OP_BNOT || t->op == OP_SPLIT || t->op == OP_JOIN)
            op = t->op;
        break;
    case T_LBRACKET: {
        char *ty = parse_typename(P);
        if (!ty)
            break;
        lang_token *nt = peek(P, LEX_EXPR);
        if (nt->kind == T_COLONCOLON || (P->pos < P->src->len && P->src->text[P->pos] == '.' &&
                                         nt->kind == T_DOT && !nt->space_before)) {
            n = lang_node_new(N_TYPE, start, P->last);
            n->name = ty;
            n = parse_postfix(P, n);
            break;
        }
        if (starts_unary(nt) && nt->kind != T_COMMA && nt->kind != T_MINUS && nt->kind != T_PLUS) {
            lang_node *operand = parse_unary(P);
            if (!operand) {
                free(ty);
                break;
            }
            n = lang_node_new(N_CAST, start, P->last);
            n->name = ty;
            n->a = operand;
            break;
        }
        n = lang_node_new(N_TYPE, start, P->last);
        n->name = ty;
        break;
    }
    default:
        n = parse_primary(P);
        break;
    }
    if (op != OP_NONE) {
        char *optext = rs_strndup(P->src->text + t->start, t->end - t->start);
        advance(P);
        skip_newlines(P);
        lang_node *operand = parse_unary(P);
        if (!operand) {
            if (!P->failed) {
                lang_token *nt = peek(P, LEX_EXPR);
                if (nt->kind == T_EOF)
                    P->err->incomplete = true;
                perr(P, nt->start, "MissingExpressionAfterOperator",
                     "Missing expression after unary operator '%s'.", optext);
            }
            free(optext);
            P->depth--;
            return NULL;
        }
        free(optext);
        n = lang_node_new(N_UNARY, start, P->last);
        n->op = op;
        n->a = operand;
    }
    if (n && (op == OP_NONE)) {
        /* postfix ++ / -- */
        lang_token *pt = peek(P, LEX_EXPR);
        if ((pt->kind == T_PLUSPLUS || pt->kind == T_MINUSMINUS) && !pt->space_before) {
            lang_node *u = lang_node_new(N_UNARY, start, pt->end);
            u->op = pt->kind == T_PLUSPLUS ? OP_POSTINC : OP_POSTDEC;
            u->a = n;
            advance(P);
            n = u;
        }
    }
    P->depth--;
    return n;
}

/* Binary operator of token t at precedence level lvl, or OP_NONE. */
enum { PL_LOGICAL, PL_BITWISE, PL_COMPARE, PL_ADD, PL_MUL, PL_FORMAT, PL_RANGE, PL_ARRAY };

static int binop_at(lang_token *t, int lvl, bool no_comma)
{
    switch (lvl) {
    case PL_LOGICAL:
        return t->kind == T_OP && (t->op == OP_AND || t->op == OP_OR || t->op == OP_XOR) ? t->op
                                                                                         : 0;
    case PL_BITWISE:
        return t->kind == T_OP && (t->op == OP_BAND || t->op == OP_BOR || t->op == OP_BXOR) ? t->op
                                                                                            : 0;
    case PL_COMPARE:
        if (t->kind != T_OP)
            return 0;
        if (t->op >= OP_EQ && t->op <= OP_AS)
            return t->op;
        return 0;
    case PL_ADD:
        return t->kind == T_PLUS ? OP_ADD : t->kind == T_MINUS ? OP_SUB : 0;
    case PL_MUL:
        return t->kind == T_STAR      ? OP_MUL
               : t->kind == T_SLASH   ? OP_DIV
               : t->kind == T_PERCENT ? OP_MOD
                                      : 0;
    case PL_FORMAT:
        return t->kind == T_OP && t->op == OP_FORMAT ? OP_FORMAT : 0;
    case PL_RANGE:
        return t->kind == T_DOTDOT ? OP_RANGE : 0;
    case PL_ARRAY:
        return t->kind == T_COMMA && !no_comma ? 1 : 0;
    }
    return 0;
}

static lang_node *parse_level(parser *P, int lvl)
{
    if (lvl > PL_ARRAY)
        return parse_unary(P);
    if (!enter(P))
        return NULL;
    lang_node *left = parse_level(P, lvl + 1);
    if (!left) {
        P->depth--;
        return NULL;
    }
    if (lvl == PL_ARRAY) {
        lang_token *t = peek(P, LEX_EXPR);
        if (binop_at(t, lvl, P->no_comma)) {
            lang_node *arr = lang_node_new(N_ARRAY, left->start, left->end);
            lang_node_add(arr, left);
            while (binop_at(peek(P, LEX_EXPR), lvl, P->no_comma)) {
                advance(P);
                skip_newlines(P);
                lang_node *e = parse_unary(P);
                if (!e) {
                    if (!P->failed) {
                        lang_token *nt = peek(P, LEX_EXPR);
                        if (nt->kind == T_EOF)
                            P->err->incomplete = true;
                        perr(P, nt->start, "MissingExpressionAfterToken",
                             "Missing expression after ','.");
                    }
                    lang_node_free(arr);
                    P->depth--;
                    return NULL;
                }
                lang_node_add(arr, e);
                arr->end = P->last;
            }
            left = arr;
        }
        P->depth--;
        return left;
    }
    for (;;) {
        lang_token *t = peek(P, LEX_EXPR);
        int op = binop_at(t, lvl, P->no_comma);
        if (!op)
            break;
        char *optext = rs_strndup(P->src->text + t->start, t->end - t->start);
        advance(P);
        skip_newlines(P);
        lang_node *right = parse_level(P, lvl + 1);
        if (!right) {
            if (!P->failed) {
                lang_token *nt = peek(P, LEX_EXPR);
                if (nt->kind == T_EOF)
                    P->err->incomplete = true;
                perr(P, nt->start, "ExpectedValueExpression",
                     "You must provide a value expression following the '%s' operator.", optext);
            }
            free(optext);
            lang_node_free(left);
            P->depth--;
            return NULL;
        }
        free(optext);
        lang_node *b = lang_node_new(N_BINARY, left->start, P->last);
        b->op = op;
        b->a = left;
        b->b = right;
        left = b;
    }
    P->depth--;
    return left;
}

static lang_node *parse_expression(parser *P)
{
    return parse_level(P, PL_LOGICAL);
}

/* ---- commands (argument mode) ---- */

static lang_node *parse_cmd_primary(parser *P)
{
    lang_token *t = peek(P, LEX_CMD);
    lang_node *n = NULL;
    bool common;
    n = parse_common_primary(P, t, &common);
    if (!common)
        switch (t->kind) {
        case T_GENERIC:
            n = string_node(P, NF_BAREWORD);
            return n;
        case T_NUMBER:
            n = const_node(P, lang_ref(t->num), NF_BAREWORD);
            n->name = take_text(P);
            advance(P);
            return n;
        case T_DOT:
            n = const_node(P, lang_str("."), NF_BAREWORD);
            advance(P);
            return n;
        default:
            if (!P->failed) {
                if (t->kind == T_EOF)
                    P->err->incomplete = true;
                if (t->kind == T_COMMA || t->kind == T_EOF || t->kind == T_NEWLINE)
                    perr(P, t->start, "MissingExpression", "Missing argument in parameter list.");
                else
                    unexpected(P, t);
            }
            return NULL;
        }
    if (!n)
        return NULL;
    return parse_postfix(P, n);
}

static lang_node *parse_cmd_argument(parser *P)
{
    lang_node *first = parse_cmd_primary(P);
    if (!first)
        return NULL;
    lang_token *t = peek(P, LEX_CMD);
    if (t->kind != T_COMMA)
        return first;
    lang_node *arr = lang_node_new(N_ARRAY, first->start, first->end);
    lang_node_add(arr, first);
    while ((t = peek(P, LEX_CMD))->kind == T_COMMA) {
        advance(P);
        /* newlines may follow a comma */
        for (;;) {
            t = peek(P, LEX_CMD);
            if (t->kind != T_NEWLINE)
                break;
            advance(P);
        }
        lang_node *e = parse_cmd_primary(P);
        if (!e) {
            lang_node_free(arr);
            return NULL;
        }
        lang_node_add(arr, e);
        arr->end = P->last;
    }
    return arr;
}

static bool ends_command(lang_token *t)
{
    switch (t->kind) {
    case T_PIPE:
    case T_NEWLINE:
    case T_SEMI:
    case T_EOF:
    case T_RPAREN:
    case T_RBRACE:
    case T_ANDAND:
    case T_OROR:
    case T_ERROR:
        return true;
    default:
        return false;
    }
}

static lang_node *parse_command(parser *P)
{
    lang_token *t = peek(P, LEX_CMD);
    lang_node *cmd = lang_node_new(N_COMMAND, t->start, t->start);
    if (t->kind == T_AMP || t->kind == T_DOT) {
        cmd->flags |= t->kind == T_AMP ? NF_CALL : NF_DOT;
        advance(P);
        lang_node *name = parse_cmd_primary(P);
        if (!name) {
            lang_node_free(cmd);
            if (!P->failed)
                perr(P, P->pos, "MissingExpression", "Missing expression after '&'.");
            return NULL;
        }
        lang_node_add(cmd, name);
    } else if (t->kind == T_GENERIC) {
        lang_node_add(cmd, string_node(P, NF_BAREWORD));
    } else {
        lang_node_free(cmd);
        if (t->kind == T_PIPE)
            return perr(P, t->start, "EmptyPipeElement", "An empty pipe element is not allowed.");
        return unexpected(P, t);
    }
    for (;;) {
        t = peek(P, LEX_CMD);
        if (P->failed)
            break;
        if (ends_command(t))
            break;
        if (t->kind == T_PARAM) {
            lang_node *pn = lang_node_new(N_CMD_PARAM, t->start, t->end);
            pn->name = take_text(P);
            bool colon = (t->flags & TF_COLON) != 0;
            advance(P);
            if (colon) {
                pn->flags |= NF_COLON;
                lang_token *nt = peek(P, LEX_CMD);
                if (ends_command(nt)) {
                    if (nt->kind == T_EOF)
                        P->err->incomplete = true;
                    perr(P, nt->start, "ParameterRequiresArgument",
                         "Parameter -%s: requires an argument.", pn->name);
                    lang_node_free(pn);
                    break;
                }
                pn->a = parse_cmd_argument(P);
                if (!pn->a) {
                    lang_node_free(pn);
                    break;
                }
            }
            lang_node_add(cmd, pn);
            continue;
        }
        if (t->kind == T_REDIRECT) {
            lang_node *rn = lang_node_new(N_REDIRECT, t->start, t->end);
            rn->op = t->op;
            if (t->flags & TF_APPEND)
                rn->flags |= NF_APPEND;
            bool merge = (t->flags & TF_MERGE) != 0;
            advance(P);
            if (!merge) {
                rn->a = parse_cmd_primary(P);
                if (!rn->a) {
                    lang_node_free(rn);
                    break;
                }
            }
            rn->end = P->last;
            lang_node_add(cmd, rn);
            continue;
        }
        lang_node *arg = parse_cmd_argument(P);
        if (!arg)
            break;
        lang_node_add(cmd, arg);
    }
    if (P->failed) {
        lang_node_free(cmd);
        return NULL;
    }
    cmd->end = P->last;
    return cmd;
}

static bool is_lvalue(const lang_node *n)
{
    if (!n)
        return false;
    if (n->kind == N_VAR && !(n->flags & NF_SPLAT))
        return true;
    if (n->kind == N_MEMBER && !(n->flags & NF_STATIC))
        return true;
    if (n->kind == N_INDEX)
        return true;
    if (n->kind == N_CAST)
        return is_lvalue(n->a);
    if (n->kind == N_ARRAY) {
        for (size_t i = 0; i < n->nkids; i++)
            if (!is_lvalue(n->kids[i]) || n->kids[i]->kind == N_ARRAY)
                return false;
        return n->nkids > 0;
    }
    return false;
}

static bool starts_expression(lang_token *t)
{
    return starts_unary(t) && t->kind != T_SPLAT;
}

static lang_node *parse_pipeline_stmt(parser *P)
{
    if (!enter(P))
        return NULL;
    lang_token *t = peek(P, LEX_EXPR);
    if (P->failed && t->kind == T_ERROR) {
        /* An expression-mode lexical error (e.g. -x) may be fine as a command. */
        lang_token *ct = peek(P, LEX_CMD);
        (void)ct;
        P->depth--;
        return NULL;
    }
    lang_node *pipe = lang_node_new(N_PIPELINE, t->start, t->start);
    lang_node *first = NULL;
    if (starts_expression(t)) {
        first = parse_expression(P);
        if (!first) {
            if (!P->failed)
                unexpected(P, peek(P, LEX_EXPR));
            lang_node_free(pipe);
            P->depth--;
            return NULL;
        }
        lang_token *at = peek(P, LEX_EXPR);
        if (at->kind == T_ASSIGN) {
            if (!is_lvalue(first)) {
                perr(P, first->start, "InvalidLeftHandSide",
                     "The assignment expression is not valid. The input to an assignment "
                     "operator must be an object that is able to accept assignments, such as a "
                     "variable or a property.");
                lang_node_free(first);
                lang_node_free(pipe);
                P->depth--;
                return NULL;
            }
            int op = at->op;
            char opt[3] = {(char)(op == '=' ? '=' : op), op == '=' ? 0 : '=', 0};
            advance(P);
            skip_newlines(P);
            lang_node *asg = lang_node_new(N_ASSIGN, first->start, first->start);
            asg->op = op;
            asg->a = first;
            lang_token *rt = peek(P, LEX_EXPR);
            if (rt->kind == T_EOF || rt->kind == T_SEMI || rt->kind == T_RPAREN ||
                rt->kind == T_RBRACE) {
                if (rt->kind == T_EOF)
                    P->err->incomplete = true;
                perr(P, rt->start, "ExpectedValueExpression",
                     "You must provide a value expression following the '%s' operator.", opt);
                lang_node_free(asg);
                lang_node_free(pipe);
                P->depth--;
                return NULL;
            }
            asg->b = parse_statement(P);
            if (!asg->b) {
                lang_node_free(asg);
                lang_node_free(pipe);
                P->depth--;
                return NULL;
            }
            asg->end = P->last;
            lang_node_free(pipe);
            P->depth--;
            return asg;
        }
    } else {
        first = parse_command(P);
        if (!first) {
            lang_node_free(pipe);
            P->depth--;
            return NULL;
        }
    }
    lang_node_add(pipe, first);
    for (;;) {
        t = peek(P, LEX_CMD);
        if (t->kind != T_PIPE)
            break;
        advance(P);
        for (;;) {
            t = peek(P, LEX_CMD);
            if (t->kind != T_NEWLINE)
                break;
            advance(P);
        }
        if (t->kind == T_EOF) {
            P->err->incomplete = true;
            perr(P, t->start, "EmptyPipeElement", "An empty pipe element is not allowed.");
            break;
        }
        lang_token *et = peek(P, LEX_EXPR);
        if (starts_expression(et) && et->kind != T_LBRACE) {
            perr(P, et->start, "ExpressionsMustBeFirstInPipeline",
                 "Expressions are only allowed as the first element of a pipeline.");
            break;
        }
        lang_node *c = parse_command(P);
        if (!c)
            break;
        lang_node_add(pipe, c);
    }
    if (P->failed) {
        lang_node_free(pipe);
        P->depth--;
        return NULL;
    }
    pipe->end = P->last;
    P->depth--;
    return pipe;
}

/* ---- statements ---- */

static lang_node *parse_block(parser *P, const char *what)
{
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_LBRACE) {
        if (at_eof_error(P, t))
            return perr(P, t->start, "MissingStatementBlock", "Missing statement block %s.", what);
        return perr(P, t->start, "MissingStatementBlock", "Missing statement block %s.", what);
    }
    uint32_t start = t->start;
    advance(P);
    lang_node *body = parse_stmts(P, T_RBRACE);
    if (P->failed) {
        lang_node_free(body);
        return NULL;
    }
    t = peek(P, LEX_EXPR);
    if (t->kind != T_RBRACE) {
        lang_node_free(body);
        if (at_eof_error(P, t))
            return perr(P, start, "MissingEndCurlyBrace",
                        "Missing closing '}' in statement block or type definition.");
        return unexpected(P, t);
    }
    advance(P);
    body->start = start;
    body->end = P->last;
    return body;
}

/* '(' pipeline_stmt ')' after a keyword. */
static lang_node *parse_condition(parser *P, const char *kw)
{
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_LPAREN) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        return perr(P, t->start, "MissingOpenParenthesisInIfStatement",
                    "Missing '(' after '%s' in %s statement.", kw, kw);
    }
    advance(P);
    skip_newlines(P);
    t = peek(P, LEX_EXPR);
    if (t->kind == T_RPAREN)
        return perr(P, t->start, "IfStatementMissingCondition",
                    "Missing condition in %s statement after '%s ('.", kw, kw);
    lang_node *cond = parse_pipeline_stmt(P);
    if (!cond)
        return NULL;
    skip_newlines(P);
    t = peek(P, LEX_EXPR);
    if (t->kind != T_RPAREN) {
        lang_node_free(cond);
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        return perr(P, t->start, "MissingEndParenthesisAfterStatement",
                    "Missing closing ')' after expression in '%s' statement.", kw);
    }
    advance(P);
    return cond;
}

static lang_node *parse_if(parser *P)
{
    lang_node *n = lang_node_new(N_IF, P->tok.start, P->tok.start);
    advance(P); /* if */
    const char *kw = "if";
    for (;;) {
        lang_node *cond = parse_condition(P, kw);
        if (!cond)
            goto fail;
        lang_node_add(n, cond);
        lang_node *body = parse_block(P, "after if ( condition )");
        if (!body)
            goto fail;
        lang_node_add(n, body);
        /* look past newlines for elseif / else */
        uint32_t save = P->pos;
        skip_newlines(P);
        lang_token *t = peek(P, LEX_EXPR);
        if (t->kind == T_IDENT && rs_streq_ci(t->text, "elseif")) {
            advance(P);
            kw = "elseif";
            continue;
        }
        if (t->kind == T_IDENT && rs_streq_ci(t->text, "else")) {
            advance(P);
            n->c = parse_block(P, "after 'else' keyword");
            if (!n->c)
                goto fail;
            break;
        }
        P->have = false;
        lang_token_clear(&P->tok);
        P->pos = save;
        break;
    }
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

/* After a loop keyword: skip newlines and consume the '(' that must follow.
 * False (with the parse error set, incomplete at end of input) when missing. */
static bool expect_keyword_paren(parser *P, const char *kw)
{
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_LPAREN) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingOpenParenthesisAfterKeyword",
             "Missing opening '(' after keyword '%s'.", kw);
        return false;
    }
    advance(P);
    return true;
}

static lang_node *parse_foreach(parser *P)
{
    lang_node *n = lang_node_new(N_FOREACH, P->tok.start, P->tok.start);
    advance(P);
    if (!expect_keyword_paren(P, "foreach"))
        goto fail;
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_VAR) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingVariableNameAfterForeach",
             "Missing variable name after foreach.");
        goto fail;
    }
    n->name = take_text(P);
    advance(P);
    skip_newlines(P);
    t = peek(P, LEX_EXPR);
    if (t->kind != T_IDENT || !rs_streq_ci(t->text, "in")) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingInInForeach", "Missing 'in' after variable in foreach loop.");
        goto fail;
    }
    advance(P);
    skip_newlines(P);
    n->a = parse_pipeline_stmt(P);
    if (!n->a)
        goto fail;
    skip_newlines(P);
    t = peek(P, LEX_EXPR);
    if (t->kind != T_RPAREN) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingEndParenthesisAfterForeach",
             "Missing closing ')' after expression in 'foreach' statement.");
        goto fail;
    }
    advance(P);
    n->b = parse_block(P, "in foreach loop");
    if (!n->b)
        goto fail;
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static lang_node *parse_while(parser *P)
{
    lang_node *n = lang_node_new(N_WHILE, P->tok.start, P->tok.start);
    advance(P);
    n->a = parse_condition(P, "while");
    if (!n->a)
        goto fail;
    n->b = parse_block(P, "in while loop");
    if (!n->b)
        goto fail;
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static lang_node *parse_do(parser *P)
{
    lang_node *n = lang_node_new(N_DO, P->tok.start, P->tok.start);
    advance(P);
    n->a = parse_block(P, "in do loop");
    if (!n->a)
        goto fail;
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind == T_IDENT && rs_streq_ci(t->text, "until")) {
        n->flags |= NF_UNTIL;
    } else if (!(t->kind == T_IDENT && rs_streq_ci(t->text, "while"))) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingWhileOrUntilInDoWhile",
             "Missing while or until keyword in do loop.");
        goto fail;
    }
    advance(P);
    n->b = parse_condition(P, (n->flags & NF_UNTIL) ? "until" : "while");
    if (!n->b)
        goto fail;
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static lang_node *parse_for(parser *P)
{
    lang_node *n = lang_node_new(N_FOR, P->tok.start, P->tok.start);
    advance(P);
    if (!expect_keyword_paren(P, "for"))
        goto fail;
    for (int part = 0; part < 3; part++) {
        skip_newlines(P);
        lang_token *t = peek(P, LEX_EXPR);
        lang_node *e = NULL;
        if (!(t->kind == T_SEMI || t->kind == T_RPAREN)) {
            e = parse_pipeline_stmt(P);
            if (!e)
                goto fail;
        }
        lang_node_add(n, e);
        skip_newlines(P);
        t = peek(P, LEX_EXPR);
        if (part < 2 && t->kind == T_SEMI) {
            advance(P);
            continue;
        }
        if (t->kind == T_RPAREN) {
            while (n->nkids < 3)
                lang_node_add(n, NULL);
            break;
        }
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingEndParenthesisAfterFor",
             "Missing closing ')' after expression in 'for' statement.");
        goto fail;
    }
    advance(P); /* ) */
    n->a = parse_block(P, "in for loop");
    if (!n->a)
        goto fail;
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static lang_node *parse_switch(parser *P)
{
    lang_node *n = lang_node_new(N_SWITCH, P->tok.start, P->tok.start);
    advance(P);
    for (;;) {
        lang_token *t = peek(P, LEX_CMD);
        if (t->kind != T_PARAM)
            break;
        if (rs_streq_ci(t->text, "regex"))
            n->flags |= NF_REGEX;
        else if (rs_streq_ci(t->text, "wildcard"))
            n->flags |= NF_WILDCARD;
        else if (rs_streq_ci(t->text, "exact"))
            n->flags |= NF_EXACT;
        else if (!rs_streq_ci(t->text, "casesensitive")) {
            perr(P, t->start, "InvalidSwitchFlag", "Invalid switch statement flag '-%s'.", t->text);
            goto fail;
        }
        advance(P);
    }
    n->a = parse_condition(P, "switch");
    if (!n->a)
        goto fail;
    skip_newlines(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (t->kind != T_LBRACE) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingCurlyBraceInSwitchStatement", "Missing '{' in switch statement.");
        goto fail;
    }
    advance(P);
    for (;;) {
        skip_separators(P);
        t = peek(P, LEX_CMD);
        if (t->kind == T_RBRACE) {
            advance(P);
            break;
        }
        if (t->kind == T_EOF) {
            P->err->incomplete = true;
            perr(P, n->start, "MissingEndCurlyBrace",
                 "Missing closing '}' in statement block or type definition.");
            goto fail;
        }
        lang_node *pat = NULL;
        if (t->kind == T_GENERIC && !t->expand && rs_streq_ci(t->text, "default")) {
            advance(P);
        } else {
            pat = parse_cmd_primary(P);
            if (!pat)
                goto fail;
        }
        lang_node_add(n, pat);
        lang_node *body = parse_block(P, "in switch statement");
        if (!body)
            goto fail;
        lang_node_add(n, body);
    }
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static lang_node *parse_try(parser *P)
{
    lang_node *n = lang_node_new(N_TRY, P->tok.start, P->tok.start);
    advance(P);
    n->a = parse_block(P, "after 'try' keyword");
    if (!n->a)
        goto fail;
    for (;;) {
        uint32_t save = P->pos;
        skip_newlines(P);
        lang_token *t = peek(P, LEX_EXPR);
        if (t->kind == T_IDENT && rs_streq_ci(t->text, "catch")) {
            lang_node *c = lang_node_new(N_CATCH, t->start, t->start);
            lang_node_add(n, c);
            advance(P);
            for (;;) {
                skip_newlines(P);
                t = peek(P, LEX_EXPR);
                if (t->kind != T_LBRACKET)
                    break;
                char *ty = parse_typename(P);
                if (!ty)
                    goto fail;
                c->types = rs_realloc(c->types, (c->ntypes + 1) * sizeof(char *));
                c->types[c->ntypes++] = ty;
                skip_newlines(P);
                t = peek(P, LEX_EXPR);
                if (t->kind != T_COMMA)
                    break;
                advance(P);
            }
            c->a = parse_block(P, "after 'catch' keyword");
            if (!c->a)
                goto fail;
            c->end = P->last;
            continue;
        }
        if (t->kind == T_IDENT && rs_streq_ci(t->text, "finally")) {
            advance(P);
            n->b = parse_block(P, "after 'finally' keyword");
            if (!n->b)
                goto fail;
            break;
        }
        P->have = false;
        lang_token_clear(&P->tok);
        P->pos = save;
        break;
    }
    if (n->nkids == 0 && !n->b) {
        lang_token *t = peek(P, LEX_EXPR);
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, P->last, "MissingCatchOrFinally",
             "The Try statement is missing its Catch or Finally block.");
        goto fail;
    }
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static lang_node *parse_function(parser *P)
{
    lang_node *n = lang_node_new(N_FUNCTION, P->tok.start, P->tok.start);
    advance(P);
    lang_token *t = peek(P, LEX_CMD);
    if (t->kind != T_GENERIC || t->expand) {
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingNameAfterKeyword", "Missing name after function keyword.");
        goto fail;
    }
    n->name = take_text(P);
    advance(P);
    lang_node *params = NULL;
    skip_newlines(P);
    t = peek(P, LEX_EXPR);
    if (t->kind == T_LPAREN) {
        /* function f($a, $b) { } : reuse the param-block parser */
        uint32_t start = t->start;
        P->have = false;
        lang_token_clear(&P->tok);
        /* parse_param_block expects the 'param' keyword first; emulate it */
        P->tok.kind = T_IDENT;
        P->tok.start = start;
        P->tok.end = start;
        P->have = true;
        P->tpos = P->pos;
        P->tmode = LEX_EXPR;
        params = parse_param_block(P);
        if (!params)
            goto fail;
    }
    skip_newlines(P);
    t = peek(P, LEX_EXPR);
    if (t->kind != T_LBRACE) {
        lang_node_free(params);
        if (t->kind == T_EOF)
            P->err->incomplete = true;
        perr(P, t->start, "MissingFunctionBody", "Function declaration not valid.");
        goto fail;
    }
    n->a = parse_scriptblock(P);
    if (!n->a) {
        lang_node_free(params);
        goto fail;
    }
    if (params) {
        if (n->a->b)
            lang_node_free(params);
        else
            n->a->b = params;
    }
    n->end = P->last;
    return n;
fail:
    lang_node_free(n);
    return NULL;
}

static bool ends_statement(lang_token *t)
{
    return t->kind == T_NEWLINE || t->kind == T_SEMI || t->kind == T_EOF || t->kind == T_RBRACE ||
           t->kind == T_RPAREN;
}

static lang_node *parse_flow(parser *P, int op)
{
    lang_node *n = lang_node_new(N_FLOW, P->tok.start, P->tok.end);
    n->op = op;
    advance(P);
    lang_token *t = peek(P, LEX_EXPR);
    if (op == 'b' || op == 'c') {
        if (!ends_statement(t) && t->kind == T_IDENT)
            advance(P); /* loop label: accepted, ignored */
        n->end = P->last;
        return n;
    }
    if (!ends_statement(t) && t->kind != T_PIPE) {
        n->a = parse_pipeline_stmt(P);
        if (!n->a) {
            lang_node_free(n);
            return NULL;
        }
    }
    n->end = P->last;
    return n;
}

static lang_node *parse_statement(parser *P)
{
    if (!enter(P))
        return NULL;
    lang_token *t = peek(P, LEX_EXPR);
    lang_node *n = NULL;
    if (t->kind == T_IDENT && ((t->flags & TF_TERMINATED) || t->end >= P->src->len)) {
        const char *k = t->text;
        if (rs_streq_ci(k, "if"))
            n = parse_if(P);
        else if (rs_streq_ci(k, "foreach"))
            n = parse_foreach(P);
        else if (rs_streq_ci(k, "while"))
            n = parse_while(P);
        else if (rs_streq_ci(k, "do"))
            n = parse_do(P);
        else if (rs_streq_ci(k, "for"))
            n = parse_for(P);
        else if (rs_streq_ci(k, "switch"))
            n = parse_switch(P);
        else if (rs_streq_ci(k, "try"))
            n = parse_try(P);
        else if (rs_streq_ci(k, "function") || rs_streq_ci(k, "filter"))
            n = parse_function(P);
        else if (rs_streq_ci(k, "throw"))
            n = parse_flow(P, 't');
        else if (rs_streq_ci(k, "return"))
            n = parse_flow(P, 'r');
        else if (rs_streq_ci(k, "exit"))
            n = parse_flow(P, 'x');
        else if (rs_streq_ci(k, "break"))
            n = parse_flow(P, 'b');
        else if (rs_streq_ci(k, "continue"))
            n = parse_flow(P, 'c');
        else if (rs_streq_ci(k, "else") || rs_streq_ci(k, "elseif") || rs_streq_ci(k, "catch") ||
                 rs_streq_ci(k, "finally") || rs_streq_ci(k, "until") || rs_streq_ci(k, "in"))
            n = unexpected(P, t);
        else
            n = parse_pipeline_stmt(P);
    } else if (t->kind == T_ERROR) {
        /* e.g. "-Foo" at the start: not an operator; report it as PowerShell does */
        n = NULL;
    } else {
        n = parse_pipeline_stmt(P);
    }
    P->depth--;
    return n;
}

static lang_node *parse_stmts(parser *P, lang_tok term)
{
    lang_node *list = lang_node_new(N_STMTS, P->pos, P->pos);
    for (;;) {
        skip_separators(P);
        if (P->failed)
            break;
        lang_token *t = peek(P, LEX_EXPR);
        if (t->kind == term || t->kind == T_EOF) {
            list->end = P->last;
            return list;
        }
        if (t->kind == T_RBRACE || t->kind == T_RPAREN) {
            unexpected(P, t);
            break;
        }
        lang_node *s = parse_statement(P);
        if (!s)
            break;
        lang_node_add(list, s);
        t = peek(P, LEX_EXPR);
        if (P->failed)
            break;
        if (!ends_statement(t)) {
            unexpected(P, t);
            break;
        }
    }
    lang_node_free(list);
    return NULL;
}

lang_program *lang_parse(lang_source *src, lang_parse_error *err)
{
    memset(err, 0, sizeof *err);
    /* A NUL byte is no PowerShell character; the lexer treats it as the end
     * of the text, so refuse it here rather than parse half a script. */
    const char *nul = memchr(src->text, '\0', src->len);
    if (nul) {
        err->errid = "UnrecognizedToken";
        snprintf(err->msg, sizeof err->msg, "Unrecognized token in source text.");
        err->pos = (uint32_t)(nul - src->text);
        return NULL;
    }
    parser P;
    parser_init(&P, src, err);
    /* a script may start with [CmdletBinding()] param(...) */
    lang_node *params = NULL;
    skip_separators(&P);
    lang_token *t = peek(&P, LEX_EXPR);
    if (t->kind == T_LBRACKET) {
        uint32_t end;
        char *ty = lang_lex_typename(&P.lx, t->start, &end);
        if (ty && rs_prefix_ci(ty, "CmdletBinding")) {
            advance(&P);
            P.pos = end;
            P.last = end;
            skip_separators(&P);
            t = peek(&P, LEX_EXPR);
        }
        free(ty);
    }
    if (t->kind == T_IDENT && rs_streq_ci(t->text, "param")) {
        uint32_t q = lang_lex_skip_blank(&P.lx, t->end);
        if (q < src->len && src->text[q] == '(')
            params = parse_param_block(&P);
    }
    /* a script file may consist of begin { } process { } end { } */
    lang_node *named = NULL;
    if (!P.failed) {
        skip_separators(&P);
        parse_named_blocks(&P, &named);
    }
    if (!P.failed && named) {
        t = peek(&P, LEX_EXPR);
        if (t->kind != T_EOF)
            unexpected(&P, t); /* statements outside the named blocks */
    }
    lang_node *root = P.failed ? NULL : parse_stmts(&P, T_EOF);
    if (root) {
        root->a = params;
        root->c = named;
    } else {
        lang_node_free(params);
        lang_node_free(named);
    }
    if (root && !P.failed) {
        t = peek(&P, LEX_EXPR);
        if (t->kind != T_EOF) {
            unexpected(&P, t);
            lang_node_free(root);
            root = NULL;
        }
    }
    lang_token_clear(&P.tok);
    if (!root || P.failed) {
        lang_node_free(root);
        if (!err->errid) {
            err->errid = "ParseError";
            snprintf(err->msg, sizeof err->msg, "The script could not be parsed.");
        }
        return NULL;
    }
    lang_program *prog = rs_calloc(1, sizeof *prog);
    prog->refs = 1;
    prog->src = lang_source_ref(src);
    prog->root = root;
    root->start = 0;
    root->end = (uint32_t)src->len;
    return prog;
}
