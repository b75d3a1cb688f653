/* graph_filter.h - OData $filter expressions of the Graph subset (graph.c):
 * parse once, evaluate against JSON objects. Network-free (rs_api_core) and
 * unit-tested on its own (tests/unit/api/test_api_graph_filter.c).
 *
 * Grammar (OData v4 subset Graph documents for users and places):
 *   expr    := term { "or" term }
 *   term    := factor { "and" factor }
 *   factor  := "not" factor | "(" expr ")" | call | compare
 *   call    := ("startsWith" | "endsWith") "(" prop "," literal ")"
 *   compare := prop ("eq"|"ne"|"gt"|"ge"|"lt"|"le") literal | prop "in" "(" literal {"," literal}
 * ")" literal := 'text' ('' escapes a quote) | true | false | null | number Keywords and function
 * names are case-insensitive, as Graph accepts them.
 */
#ifndef RS_API_GRAPH_FILTER_H
#define RS_API_GRAPH_FILTER_H

#include <jansson.h>
#include <stdbool.h>

#include "rs_err.h"

#define GF_TEXT_MAX  2048 /* longest accepted $filter */
#define GF_NODES_MAX 64   /* most comparisons and operators in one $filter */

typedef struct gf_node gf_node;

/* Parse `text`. `props` (NULL-terminated, borrowed) lists the properties the
 * caller can filter on (matched case-insensitively; NULL allows any). On RS_OK
 * *out is a new tree the caller frees with gf_free. Errors: RS_EPARSE for a
 * malformed expression (err->msg says where), RS_EINVAL for a property outside
 * `props` (err->msg is Graph's "Unsupported or invalid query filter clause
 * specified for property '<p>' of resource '<resource>'."). */
rs_status gf_parse(const char *text, const char *const *props, const char *resource, gf_node **out,
                   rs_err *err);

/* Does obj (borrowed; members looked up case-insensitively, a missing one is
 * null) satisfy the expression? Strings compare case-insensitively; numbers
 * numerically; a comparison between different types is false (ne: true). */
bool gf_eval(const gf_node *n, json_t *obj);

/* Does the expression use an "advanced query" operator (ne, not, endsWith),
 * which Graph serves only with ConsistencyLevel: eventual? */
bool gf_advanced(const gf_node *n);

/* Free a tree (NULL-safe). */
void gf_free(gf_node *n);

#endif
