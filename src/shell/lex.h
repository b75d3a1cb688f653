/* lex.h - the tokenizer of the shell language.
 *
 * PowerShell tokenizes in two modes, and so does this lexer: expression mode
 * (operators such as -eq, numbers, identifiers) and command/argument mode
 * (barewords such as admin@$org become one "generic" token with expansions,
 * -Name is a parameter token, * and % are ordinary characters). The parser
 * asks for one token at a time at a byte offset and says which mode it is in;
 * the lexer keeps no state between calls. The rules follow PowerShell's
 * tokenizer (tokenizer.cs: ScanParameter, ScanGenericToken, ScanVariable);
 * docs/internals/shell.md lists them and the known differences.
 */
#ifndef LANG_LEX_H
#define LANG_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"

typedef enum lang_tok {
    T_EOF,
    T_NEWLINE,
    T_SEMI,
    T_PIPE,
    T_LPAREN,
    T_RPAREN,
    T_LBRACE,
    T_RBRACE,
    T_LBRACKET,
    T_RBRACKET,
    T_AT_PAREN,     /* @( */
    T_AT_BRACE,     /* @{ */
    T_DOLLAR_PAREN, /* $( */
    T_COMMA,
    T_DOT,
    T_COLONCOLON,
    T_AMP,
    T_ASSIGN, /* op: '=' or '+', '-', '*', '/', '%' for the compound forms */
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_DOTDOT,
    T_EXCL,
    T_PLUSPLUS,
    T_MINUSMINUS,
    T_OP,       /* dash operator (-eq, -and, ...): op = lang_op */
    T_PARAM,    /* command mode -Name / -Name: ; text = name, flags TF_COLON */
    T_VAR,      /* text = variable name (scope prefix kept, e.g. "env:PATH") */
    T_SPLAT,    /* @name */
    T_NUMBER,   /* num */
    T_STRING,   /* literal string ('...', @'...'@): text */
    T_EXPSTR,   /* expandable string ("...", @"..."@): text if literal, else expand */
    T_GENERIC,  /* command-mode bareword: text if literal, else expand */
    T_IDENT,    /* expression-mode identifier (keywords, member names) */
    T_REDIRECT, /* op = stream ('1', '2', '*'); flags TF_APPEND, TF_MERGE (2>&1) */
    T_ANDAND,
    T_OROR,
    T_ERROR /* errid / errmsg; TF_INCOMPLETE when the input ended too early */
} lang_tok;

typedef enum lang_lexmode { LEX_EXPR, LEX_CMD } lang_lexmode;

enum {
    TF_COLON = 1u << 0,      /* parameter ended with ':' */
    TF_APPEND = 1u << 1,     /* >> */
    TF_MERGE = 1u << 2,      /* 2>&1 */
    TF_INCOMPLETE = 1u << 3, /* error caused by end of input (REPL continues with >>) */
    TF_TERMINATED = 1u << 4, /* T_IDENT followed by a character that starts a new token */
    TF_QUOTED = 1u << 5      /* T_GENERIC that contained quotes */
};

typedef struct lang_token {
    lang_tok kind;
    uint32_t start, end; /* extent in the source */
    bool space_before;   /* whitespace or start of input right before the token */
    int op;
    unsigned flags;
    char *text;         /* owned */
    lang_node *expand;  /* owned N_EXPAND, or NULL when the token is literal */
    lang_value *num;    /* owned (T_NUMBER) */
    const char *errid;  /* T_ERROR: PowerShell ErrorId, static */
    const char *errmsg; /* T_ERROR: message, static */
    uint32_t errpos;    /* T_ERROR: offset the message points at */
} lang_token;

/* Callback used for $( ... ) inside strings and barewords: parse a statement
 * list starting at `pos` (just after "$(") up to its ')' and return it (an
 * N_STMTS node, owned by the caller) with *end set after the ')'. Returns NULL
 * on a syntax error (then *err_* describe it). */
typedef lang_node *(*lang_subparse_fn)(void *ud, uint32_t pos, uint32_t *end, const char **errid,
                                       const char **errmsg, uint32_t *errpos, bool *incomplete);

typedef struct lang_lexer {
    const char *src; /* borrowed */
    size_t len;
    lang_subparse_fn subparse; /* may be NULL: then $( ) is matched by counting parens */
    void *ud;
} lang_lexer;

/* Scan the token at offset pos (whitespace, comments and line continuations
 * are skipped first) in the given mode into *tok (which must be cleared with
 * lang_token_clear afterwards). Returns false, with tok->kind == T_ERROR, on a
 * lexical error. */
bool lang_lex(const lang_lexer *lx, uint32_t pos, lang_lexmode mode, lang_token *tok);

/* Free what tok owns and zero it. */
void lang_token_clear(lang_token *tok);

/* Scan a type name after '[' at pos (pos is the '[' itself) up to the matching
 * ']'. Returns the malloc'd name and sets *end after ']', or NULL when there
 * is no ']' before the end of the line. */
char *lang_lex_typename(const lang_lexer *lx, uint32_t pos, uint32_t *end);

/* Offset of the first character at or after pos that is not blank, a comment
 * or a line continuation (newlines are not skipped). */
uint32_t lang_lex_skip_blank(const lang_lexer *lx, uint32_t pos);

/* Is c a character that ends a command-mode word (PowerShell's
 * ForceStartNewToken): whitespace, newline, end, { } ( ) ; , | & */
bool lang_lex_force_new_token(int c);

/* Operator code of "-name" (name without the dash, case-insensitive), or OP_NONE. */
int lang_lex_dash_op(const char *name, size_t n);

#endif
