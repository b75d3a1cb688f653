/* repl.h - the interactive shell: libedit line editing, history in
 * ~/.roomsys_history, tab completion of cmdlet names, parameter names and
 * enum values from the cmdlet table, and ">> " continuation lines. */
#ifndef SHELL_REPL_H
#define SHELL_REPL_H

#include "eval.h"

/* Run the read-eval-print loop on the terminal until exit or end of input.
 * Returns the exit status (exit N, else 0/1 by the errors shown). */
int shell_repl(lang_interp *I);

/* Completion candidates for the word text[start..end) of line (the whole input
 * line): cmdlet names at the command position, parameter names after '-',
 * enum values after an enum parameter. Returns a NULL-terminated malloc'd array
 * of malloc'd strings, or NULL. I may be NULL (then only the table is used). */
char **shell_complete(lang_interp *I, const char *line, int start, int end);

#endif
