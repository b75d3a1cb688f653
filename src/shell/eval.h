/* eval.h - the shell interpreter: run scripts and interactive chunks.
 *
 * The interpreter walks the tree from parse.h. Output objects of each
 * top-level statement go to PowerShell's default formatter (format.h) and then
 * to the host; errors go to the host's error stream as PowerShell prints them.
 * The host (lang_host) is the only I/O the interpreter does, so tests can run
 * scripts against string buffers.
 *
 * Exit status of a script (lang_exit_status), documented in
 * docs/internals/shell.md and `roomsys --help`:
 *   exit N              -> N
 *   a syntax error      -> 65 (EX_DATAERR); nothing ran
 *   the server could not be reached (any error marked unreachable) -> 69 (EX_UNAVAILABLE)
 *   any error reached the host (was displayed) -> 1
 *   otherwise           -> 0
 */
#ifndef LANG_EVAL_H
#define LANG_EVAL_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>

#include "value.h"

#define LANG_EXIT_PARSE       65
#define LANG_EXIT_UNREACHABLE 69
#define LANG_EXIT_USAGE       64

typedef struct lang_interp lang_interp;

/* Set (to 1) by the REPL's SIGINT handler: the running pipeline stops at the
 * next statement, Start-Sleep and HTTP requests return early. */
extern volatile sig_atomic_t lang_interrupted;

/* Everything the interpreter reads from or writes to the outside world. */
typedef struct lang_host {
    /* Standard output (formatted objects, Write-Output at the end of a pipeline). */
    void (*out)(void *ud, const char *text, size_t n);
    /* Error stream (error records, usage problems). */
    void (*err)(void *ud, const char *text, size_t n);
    /* Host-only text (Write-Host, warnings, prompts): stdout on a console. color is
     * a console color name or NULL. */
    void (*host)(void *ud, const char *text, size_t n, const char *color);
    /* Read one line from the user after showing prompt; secret: no echo.
     * Returns a malloc'd line without its newline, or NULL when nobody can answer. */
    char *(*read_line)(void *ud, const char *prompt, bool secret);
    bool interactive; /* a person is at the keyboard (stdin is a terminal) */
    bool color;       /* the output is a terminal: colored warnings */
    int width;        /* formatting width in columns; 0 = unlimited */
    void *ud;
} lang_host;

/* A new interpreter with the built-in cmdlets registered. host is copied. */
lang_interp *lang_interp_new(const lang_host *host);
/* Free the interpreter and everything it owns (NULL-safe). */
void lang_interp_free(lang_interp *I);

/* Parse and run a whole script. name is the path shown in "At <name>:N"
 * messages (NULL: "line"). Returns lang_exit_status() after the run. */
int lang_run_script(lang_interp *I, const char *name, const char *text, size_t len);

/* Result of running one interactive chunk. */
typedef enum lang_chunk_result {
    LANG_CHUNK_DONE,       /* ran (errors, if any, were displayed) */
    LANG_CHUNK_INCOMPLETE, /* the input ends inside a block or string: read more (">> ") */
    LANG_CHUNK_SYNTAX,     /* syntax error (displayed); nothing ran */
    LANG_CHUNK_EXIT        /* the chunk ran `exit` */
} lang_chunk_result;

/* Run one chunk of interactive input (each chunk formats its own output). */
lang_chunk_result lang_run_chunk(lang_interp *I, const char *text, size_t len);

/* The exit status so far, by the rules above. */
int lang_exit_status(const lang_interp *I);

/* Set $name to v (borrowed) in the global scope. */
void lang_set_global(lang_interp *I, const char *name, lang_value *v);
/* Value of $name (new reference; NULL when unset). */
lang_value *lang_get_var(lang_interp *I, const char *name);

/* Where Get-Credential takes the password from when nobody can be asked
 * (first line of this file). Copied; NULL to unset. */
void lang_set_password_file(lang_interp *I, const char *path);

#endif
