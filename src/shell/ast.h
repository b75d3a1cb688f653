/* ast.h - syntax tree of the shell language, the source text it came from,
 * and the extents used by error messages ("At file:line char:col").
 *
 * A lang_program owns one tree and a reference on its lang_source; both are
 * refcounted because script blocks (values) point into the tree and outlive
 * the statement that created them. Node layout per kind is documented at
 * lang_nkind. Design: docs/internals/shell.md.
 */
#ifndef LANG_AST_H
#define LANG_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "value.h"

/* Script text with a line index. */
typedef struct lang_source {
    unsigned refs;
    char *name; /* file path, or NULL for interactive / -c / stdin ("line") */
    char *text; /* owned, NUL-terminated */
    size_t len;
    size_t *lines; /* start offset of each line */
    size_t nlines;
} lang_source;

/* A new source holding copies of text[0..len) and name (may be NULL). */
lang_source *lang_source_new(const char *name, const char *text, size_t len);
/* Everything left in f (borrowed) as text (malloc'd, NUL-terminated, caller
 * frees), without a UTF-8 byte-order mark; *len (if not NULL) its length. */
char *lang_read_text(FILE *f, size_t *len);
/* The same for the file at path; NULL when it cannot be opened (errno). */
char *lang_read_text_file(const char *path, size_t *len);
/* Add a reference (NULL-safe); returns s. */
lang_source *lang_source_ref(lang_source *s);
/* Drop a reference; frees at zero (NULL-safe). */
void lang_source_unref(lang_source *s);
/* 1-based line and column of offset. */
void lang_source_pos(const lang_source *s, size_t off, int *line, int *col);
/* The text of 1-based line `line` without its newline, malloc'd. */
char *lang_source_line(const lang_source *s, int line);

typedef enum lang_nkind {
    N_STMTS,      /* kids: statements; a: the script's N_PARAMBLOCK, c: its N_NAMEDBLOCKS
                     (top level only) */
    N_PIPELINE,   /* kids: N_COMMAND or (first only) an expression */
    N_COMMAND,    /* kids[0]: name (N_CONST/N_EXPAND, or any expr with flag NF_CALL);
                     kids[1..]: N_CMD_PARAM, N_REDIRECT or argument expressions */
    N_CMD_PARAM,  /* name: parameter name without '-'; a: value after ':' or NULL; NF_COLON */
    N_REDIRECT,   /* op: stream (1, 2, '*'); flags NF_APPEND; a: target or NULL for 2>&1 */
    N_ASSIGN,     /* op: '=' or '+','-','*','/','%' for +=...; a: target; b: statement */
    N_IF,         /* kids: cond1, body1, cond2, body2...; c: else body or NULL */
    N_FOREACH,    /* name: variable; a: collection (pipeline); b: body */
    N_WHILE,      /* a: condition; b: body */
    N_DO,         /* a: body; b: condition; NF_UNTIL for do..until */
    N_FOR,        /* kids[0..2]: init, condition, iterator (each may be NULL); a: body */
    N_SWITCH,     /* a: subject (pipeline); kids: pattern, body pairs (pattern NULL = default);
                     flags NF_WILDCARD / NF_REGEX / NF_EXACT */
    N_TRY,        /* a: body; kids: N_CATCH; b: finally body or NULL */
    N_CATCH,      /* types (names, may be 0); a: body */
    N_FUNCTION,   /* name; a: N_SCRIPTBLOCK */
    N_PARAMBLOCK, /* kids: N_PARAMDECL */
    N_PARAMDECL,  /* name: variable; a: default value expr or NULL; types[0]: type or none;
                     b: N_ARRAY of N_CONST strings of [ValidateSet(...)] or NULL;
                     flags NF_MANDATORY, NF_PIPE_VALUE, NF_PIPE_PROP */
    N_FLOW,    /* op: 'r' return, 'b' break, 'c' continue, 'x' exit, 't' throw; a: value or NULL */
    N_BINARY,  /* op: lang_op; a, b */
    N_UNARY,   /* op: lang_op; a */
    N_CONST,   /* value */
    N_VAR,     /* name; NF_SPLAT for @name */
    N_EXPAND,  /* kids: N_CONST string parts, N_VAR, N_SUBEXPR */
    N_SUBEXPR, /* $( ): a: N_STMTS */
    N_ARRAYEXPR,   /* @( ): a: N_STMTS */
    N_PAREN,       /* ( ): a: a statement (pipeline or assignment) */
    N_ARRAY,       /* kids: elements of a , list */
    N_HASH,        /* kids: key, value, key, value... (values are statements) */
    N_SCRIPTBLOCK, /* a: N_STMTS; b: N_PARAMBLOCK or NULL; c: named blocks or NULL */
    N_NAMEDBLOCKS, /* begin/process/end: a: begin, b: process, c: end (N_STMTS or NULL);
                      the script block's a is then an empty N_STMTS */
    N_MEMBER,      /* a: target; b: name expr; NF_STATIC for :: */
    N_INVOKE,      /* a: target; b: name expr; kids: arguments; NF_STATIC */
    N_INDEX,       /* a: target; b: index */
    N_CAST,        /* name: type; a: operand */
    N_TYPE         /* name: type literal [T] */
} lang_nkind;

/* Operators (N_BINARY / N_UNARY op). */
typedef enum lang_op {
    OP_NONE = 0,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_RANGE,
    OP_FORMAT,
    OP_EQ,
    OP_NE,
    OP_GT,
    OP_GE,
    OP_LT,
    OP_LE,
    OP_CEQ,
    OP_CNE,
    OP_CGT,
    OP_CGE,
    OP_CLT,
    OP_CLE,
    OP_LIKE,
    OP_NOTLIKE,
    OP_CLIKE,
    OP_CNOTLIKE,
    OP_MATCH,
    OP_NOTMATCH,
    OP_CMATCH,
    OP_CNOTMATCH,
    OP_CONTAINS,
    OP_NOTCONTAINS,
    OP_IN,
    OP_NOTIN,
    OP_CCONTAINS, /* case-sensitive forms of the four above */
    OP_CNOTCONTAINS,
    OP_CIN,
    OP_CNOTIN,
    OP_REPLACE,
    OP_CREPLACE,
    OP_SPLIT,
    OP_JOIN,
    OP_IS,
    OP_ISNOT,
    OP_AS,
    OP_AND,
    OP_OR,
    OP_XOR,
    OP_BAND,
    OP_BOR,
    OP_BXOR,
    OP_NOT,
    OP_NEG,
    OP_PLUS,
    OP_BNOT,
    OP_COMMA_UNARY,
    OP_PREINC,
    OP_PREDEC,
    OP_POSTINC,
    OP_POSTDEC
} lang_op;

enum {
    NF_COLON = 1u << 0,
    NF_SPLAT = 1u << 1,
    NF_STATIC = 1u << 2,
    NF_UNTIL = 1u << 3,
    NF_APPEND = 1u << 4,
    NF_CALL = 1u << 5, /* command invoked with & */
    NF_DOT = 1u << 6,  /* command invoked with . (dot-source) */
    NF_MANDATORY = 1u << 7,
    NF_WILDCARD = 1u << 8,
    NF_REGEX = 1u << 9,
    NF_EXACT = 1u << 10,
    NF_BAREWORD = 1u << 11,   /* N_CONST from an unquoted command-mode word */
    NF_QUOTED = 1u << 12,     /* N_CONST / N_EXPAND from a quoted string */
    NF_PIPE_VALUE = 1u << 13, /* N_PARAMDECL: [Parameter(ValueFromPipeline)] */
    NF_PIPE_PROP = 1u << 14   /* N_PARAMDECL: [Parameter(ValueFromPipelineByPropertyName)] */
};

typedef struct lang_node lang_node;
struct lang_node {
    lang_nkind kind;
    int op;
    unsigned flags;
    uint32_t start, end; /* byte offsets of the extent in the source */
    char *name;          /* owned */
    lang_value *value;   /* owned reference (N_CONST) */
    lang_node *a, *b, *c;
    lang_node **kids;
    size_t nkids, capkids;
    char **types; /* owned strings (N_CATCH, N_PARAMDECL) */
    size_t ntypes;
};

/* A parsed script: the tree plus its source. */
typedef struct lang_program {
    unsigned refs;
    lang_source *src; /* owned reference */
    lang_node *root;  /* owned: N_STMTS */
} lang_program;

lang_program *lang_program_ref(lang_program *p);
void lang_program_unref(lang_program *p);

/* Node helpers used by the parser. */
lang_node *lang_node_new(lang_nkind kind, uint32_t start, uint32_t end);
void lang_node_add(lang_node *parent, lang_node *kid); /* takes kid (may be NULL) */
void lang_node_free(lang_node *n);                     /* recursive, NULL-safe */
/* Source text of node n in program p, malloc'd. */
char *lang_node_text(const lang_program *p, const lang_node *n);

#endif
