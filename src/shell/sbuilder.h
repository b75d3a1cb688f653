/* sbuilder.h - System.Text.StringBuilder for the roomsys shell: a mutable
 * text whose methods return the builder itself, as in .NET (so a bare
 * `$sb.Append('x')` outputs the builder, shown as its Capacity / MaxCapacity
 * / Length table, unless [void], $null = or Out-Null swallow it).
 * Lengths and indexes count characters (UTF-8 code points). Private to
 * src/shell. Design notes: docs/internals/shell.md.
 */
#ifndef LANG_SBUILDER_H
#define LANG_SBUILDER_H

#include <stdbool.h>

#include "interp.h"

/* A new StringBuilder holding a copy of init (NULL = empty) with at least
 * `capacity` characters of capacity (new reference). */
lang_value *lang_sb_new(const char *init, int64_t capacity);
/* Is v a StringBuilder? */
bool lang_sb_is(const lang_value *v);
/* Property of a StringBuilder (Length, Capacity, MaxCapacity): a new reference
 * with *found true, or NULL with *found false. v is borrowed. */
lang_value *lang_sb_member(const lang_value *v, const char *name, bool *found);
/* $sb.Length = x (shrinking only) and $sb.Capacity = x; returns false
 * (nothing changed) with an error thrown for anything else. */
lang_status lang_sb_set(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                        lang_value *x);
/* Call a StringBuilder method; LANG_BREAK when it has no method of that name
 * (the caller reports MethodNotFound). args are borrowed; *res is a new
 * reference (the builder itself for Append, Insert, ...). */
lang_status lang_sb_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                           lang_value **args, size_t n, lang_value **res);
/* For display: an object of its Capacity, MaxCapacity and Length (new reference). */
lang_value *lang_sb_snapshot(const lang_value *v);

#endif
