/* regexobj.h - [regex] (System.Text.RegularExpressions.Regex) objects and
 * statics: Match, Matches, IsMatch, Replace, Split, Escape, Unescape, with
 * Match objects (Success, Value, Index, Length, Groups by number and name).
 * .NET's Regex is case-sensitive unless RegexOptions IgnoreCase is given;
 * patterns go through the same .NET-to-POSIX translation as -match (ops.c).
 * Private to src/shell; ownership as value.h.
 */
#ifndef LANG_REGEXOBJ_H
#define LANG_REGEXOBJ_H

#include "interp.h"

/* [regex]$pattern: a Regex object (new reference; its text is the pattern),
 * or NULL with an error thrown for a bad pattern. */
lang_status lang_regex_new(lang_interp *I, const lang_node *at, lang_value *pattern, bool icase,
                           lang_value **res);
/* Is v a Regex object? */
bool lang_regex_is(const lang_value *v);
/* A Regex object's method; LANG_BREAK when it has none of that name. */
lang_status lang_regex_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                              lang_value **args, size_t n, lang_value **res);
/* [regex]::name(...); LANG_BREAK when there is no such static. */
lang_status lang_regex_static(lang_interp *I, const lang_node *at, const char *name,
                              lang_value **args, size_t n, lang_value **res);

#endif
