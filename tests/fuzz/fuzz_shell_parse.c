/* fuzz_shell_parse.c - libFuzzer target for the shell's lexer and parser
 * (src/shell/lex.c, parse.c): the whole input is parsed as a script, and it is
 * tokenized from the start in both lexer modes, token after token, as the
 * parser would ask. Nothing is evaluated. Any crash, leak, sanitizer report
 * or hang is a bug: bad input must get a parse error, never more.
 *   build-fuzz/tests/fuzz/fuzz_shell_parse -dict=tests/fuzz/shell.dict \
 *       -max_total_time=300 /tmp/new-corpus tests/fuzz/corpus/shell_parse tests/shell examples */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lex.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Tokenize all of text in one mode; every token must advance. */
static void lex_all(const char *text, size_t len, lang_lexmode mode)
{
    lang_lexer lx = {.src = text, .len = len, .subparse = NULL, .ud = NULL};
    uint32_t pos = 0;
    for (int guard = 0; guard < 100000; guard++) {
        lang_token tok = {0};
        bool ok = lang_lex(&lx, pos, mode, &tok);
        lang_tok kind = tok.kind;
        uint32_t end = tok.end;
        lang_token_clear(&tok);
        if (!ok || kind == T_EOF)
            return;
        if (end <= pos || end > len)
            abort(); /* no progress, or a token past the end */
        pos = end;
    }
    abort(); /* more tokens than bytes: the lexer loops */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    lang_source *src = lang_source_new("fuzz.ps1", (const char *)data, size);
    lang_parse_error err;
    memset(&err, 0, sizeof err);
    lang_program *p = lang_parse(src, &err);
    if (p) {
        lang_program_unref(p);
    } else if (!err.errid || !err.msg[0] || err.pos > size) {
        abort(); /* a failed parse must say why and where */
    }
    /* tokenize up to the first NUL (lang_parse refuses the rest, and the
     * lexer's callers never pass one) */
    const char *nul = memchr(src->text, '\0', src->len);
    size_t n = nul ? (size_t)(nul - src->text) : src->len;
    lex_all(src->text, n, LEX_EXPR);
    lex_all(src->text, n, LEX_CMD);
    lang_source_unref(src);
    return 0;
}
