/* format.h - PowerShell's output formatting: the default formatter
 * (Out-Default), Format-List and Format-Table.
 *
 * Rules (as PowerShell 7 prints, see docs/internals/shell.md):
 *   - strings and numbers print as themselves, one per line; $null prints nothing;
 *   - an object prints as a table when its cmdlet declares a default view
 *     (cmdlet_def_t.table_view) or it has at most 4 properties, else as a list;
 *   - a list is a blank line, then per object "Name : Value" lines (names padded
 *     to the longest name) followed by a blank line;
 *   - a table is a blank line, the header, a dash line (dashes as long as each
 *     header), the rows, and a blank line; numbers are right-aligned;
 *     consecutive objects of the same shape share one table;
 *   - values: True/False, collections as {a, b} (at most 4 items, then ...),
 *     nested objects as @{A=1; B=2}, SecureStrings as System.Security.SecureString.
 */
#ifndef LANG_FORMAT_H
#define LANG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

struct lang_interp;
typedef struct fmt_state fmt_state;

/* A formatter writing to I's host with I->host.width columns. */
fmt_state *fmt_new(struct lang_interp *I);
/* Format and write items in order (items are borrowed). */
void fmt_push(fmt_state *f, lang_value **items, size_t n);
/* Print the header and rows of an open table now (its columns become fixed). */
void fmt_flush(fmt_state *f);
/* Print a table whose rows have waited for their layout for 300 ms or more. */
void fmt_tick(fmt_state *f);
/* Close an open table (writes its final blank line). */
void fmt_end(fmt_state *f);
/* Close and free (NULL-safe). */
void fmt_free(fmt_state *f);

/* Format-List text for objs with the property patterns in props (a string,
 * an array of strings, or NULL for all; wildcards allowed). Malloc'd. */
char *fmt_list_text(lang_value **objs, size_t n, const lang_value *props, int width);
/* Format-Table text (header, dashes, rows) for objs. Malloc'd. */
char *fmt_table_text(lang_value **objs, size_t n, const lang_value *props, bool hide_headers,
                     int width);
/* The same with -AutoSize: a hashtable's Name column sized to its keys (without
 * it, PowerShell's hashtable view makes Name 30 wide). */
char *fmt_table_text_autosize(lang_value **objs, size_t n, const lang_value *props,
                              bool hide_headers, int width);
/* The text Out-Default would write for items (Out-String). Malloc'd. */
char *fmt_default_text(lang_value **items, size_t n, int width);

/* A value carrying already formatted text (the output of Format-List /
 * Format-Table); Out-Default writes it as is. Takes text. */
lang_value *fmt_text_value(char *text);
/* The text inside a formatted-text value (borrowed), or NULL. */
const char *fmt_text_of(const lang_value *v);

/* Names of v's properties to show by default (NULL-terminated, borrowed from
 * the cmdlet table) when its type has a declared table view, else NULL. */
const char *const *fmt_table_view(const lang_value *v);

#endif
