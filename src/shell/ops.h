/* ops.h - expression evaluation internals: operators, members, methods,
 * casts and regular expressions (ops.c), and the expression entry point
 * (eval.c). Private to src/shell.
 */
#ifndef LANG_OPS_H
#define LANG_OPS_H

#include <regex.h>
#include <stdbool.h>

#include "interp.h"

/* Evaluate an expression node; *res is a new reference. */
lang_status lang_eval_expr(lang_interp *I, const lang_node *n, lang_value **res);
/* Operators, member access, method calls, indexing, casts and type literals. */
lang_status lang_eval_op(lang_interp *I, const lang_node *n, lang_value **res);
/* Assign v (borrowed) to the lvalue node target. */
lang_status lang_assign(lang_interp *I, const lang_node *target, lang_value *v);
/* Binary operator op on a, b (borrowed); errors point at `at` (may be NULL). */
lang_status lang_binary_at(lang_interp *I, const lang_node *at, int op, lang_value *a,
                           lang_value *b, lang_value **res);
/* Convert v (borrowed) to the type named `type` ([int], [string], ...). */
lang_status lang_cast(lang_interp *I, const lang_node *at, const char *type, lang_value *v,
                      lang_value **res);
/* Compile a .NET-style pattern with POSIX regcomp (\d and (?i) translated).
 * Returns false with *why (malloc'd) on a bad pattern. */
bool lang_regex_compile(const char *pattern, bool icase, regex_t *re, char **why);
/* Capture groups a match reports ($0..$9). */
#define LANG_REGEX_GROUPS 10
/* As lang_regex_compile; also names[i] = the name of group i for (?<name>...)
 * groups (malloc'd, caller frees), NULL for the others. names may be NULL. */
bool lang_regex_compile_named(const char *pattern, bool icase, regex_t *re, char **why,
                              char *names[LANG_REGEX_GROUPS]);
/* Scalar comparison of a with b converted to a's type: 0 equal, <0, >0.
 * *ok is false when the values cannot be ordered. */
int lang_compare(const lang_value *a, const lang_value *b, bool ci, bool *ok);
/* A PSCredential object (UserName, Password); password is borrowed (a SecureString). */
lang_value *lang_make_credential(const char *user, lang_value *password);
/* Is v of the type named `type` (-is)? */
bool lang_is_type(const lang_value *v, const char *type);

/* Throw a runtime error (message from fmt) positioned at `at` (may be NULL);
 * returns LANG_THROW. */
lang_status lang_op_error(lang_interp *I, const lang_node *at, const char *id, const char *category,
                          const char *exception, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* .NET composite formatting (-f): fmt and args (an array) borrowed; *res new. */
lang_status lang_format_text(lang_interp *I, const lang_node *at, lang_value *fmt, lang_value *args,
                             lang_value **res);
/* [System.Text.StringBuilder]::new(...) / New-Object: *res new; args borrowed. */
lang_status lang_new_stringbuilder(lang_interp *I, const lang_node *at, lang_value **args, size_t n,
                                   lang_value **res);

/* $r.Value = v for a [ref] r (sets the variable it refers to); false when r is
 * no reference or member is not Value. */
bool lang_psref_assign(lang_interp *I, lang_value *r, const char *member, lang_value *v);

/* [SomeException]::new([message[, inner]]) / New-Object: an exception object
 * (type as written, System. added to a bare name; Message, InnerException). */
lang_status lang_new_exception(lang_interp *I, const lang_node *at, const char *type,
                               lang_value **args, size_t n, lang_value **res);
/* [System.Net.NetworkCredential]::new(user, password (text or SecureString)[, domain]). */
lang_status lang_new_network_credential(lang_interp *I, const lang_node *at, lang_value **args,
                                        size_t n, lang_value **res);

/* For display: a snapshot object of the properties of a value whose members
 * are computed when read (a Stopwatch), or NULL for any other value. */
lang_value *lang_dynamic_snapshot(const lang_value *v);

#endif
