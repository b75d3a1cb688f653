/* parse.h - recursive-descent parser of the shell language.
 *
 * The whole script is parsed before anything runs (as PowerShell does), so a
 * syntax error anywhere means nothing runs (exit status 65). The grammar is
 * written out at the top of parse.c.
 */
#ifndef LANG_PARSE_H
#define LANG_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

typedef struct lang_parse_error {
    const char *errid; /* PowerShell ParserError id, e.g. "MissingEndCurlyBrace" (static) */
    char msg[512];     /* PowerShell's message text */
    uint32_t pos;      /* offset the error points at */
    bool incomplete;   /* the input ended too early (the REPL then asks for more with >>) */
} lang_parse_error;

/* Parse the whole of src (borrowed; the program takes its own reference).
 * Returns a new program (free with lang_program_unref), or NULL with *err
 * filled on a syntax error. */
lang_program *lang_parse(lang_source *src, lang_parse_error *err);

/* Is `name` a language keyword (if, foreach, ...)? Case-insensitive. */
bool lang_is_keyword(const char *name);

#endif
