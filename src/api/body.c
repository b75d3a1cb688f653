/* body.c - InvokeCommand request bodies and $select (see api_internal.h). */
#include "api_internal.h"

#include <string.h>
#include <strings.h>

#include "rs_util.h"

#define BODY_SHAPE "{\"CmdletInput\":{\"CmdletName\":\"<name>\",\"Parameters\":{...}}}"

int api_json_depth(const char *text, size_t len, int limit)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        switch (c) {
        case '"':
            in_str = true;
            break;
        case '{':
        case '[':
            if (++depth > max) {
                max = depth;
                if (max > limit)
                    return limit + 1;
            }
            break;
        case '}':
        case ']':
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
    }
    return max;
}

/* The member of obj whose name equals `name` case-insensitively. Sets *dup when
 * more than one member matches. Borrowed. */
static json_t *get_ci(json_t *obj, const char *name, bool *dup)
{
    const char *k;
    json_t *v, *found = NULL;
    *dup = false;
    json_object_foreach(obj, k, v)
    {
        if (rs_streq_ci(k, name)) {
            if (found)
                *dup = true;
            found = v;
        }
    }
    return found;
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

rs_status api_parse_invoke_body(const char *body, size_t len, char **out_name, json_t **out_params,
                                rs_err *err)
{
    *out_name = NULL;
    *out_params = NULL;
    if (!body || len == 0)
        return rs_errf(err, RS_EPARSE, "The request body is empty. Send %s.", BODY_SHAPE);
    if (len > API_BODY_MAX)
        return rs_errf(err, RS_EPARSE, "The request body is larger than %u bytes.", API_BODY_MAX);
    if (api_json_depth(body, len, API_JSON_DEPTH_MAX) > API_JSON_DEPTH_MAX)
        return rs_errf(err, RS_EPARSE, "The request body is nested more than %d levels deep.",
                       API_JSON_DEPTH_MAX);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return rs_errf(err, RS_EPARSE,
                       "The request body is not valid JSON: %s (line %d, column %d).", jerr.text,
                       jerr.line, jerr.column);
    rs_status st = RS_OK;
    bool dup;
    if (!json_is_object(root)) {
        st = rs_errf(err, RS_EPARSE,
                     "The request body must be a JSON object of the form %s, not %s.", BODY_SHAPE,
                     json_type_name(root));
        goto out;
    }
    json_t *input = get_ci(root, "CmdletInput", &dup);
    if (dup) {
        st = rs_errf(err, RS_EPARSE, "The request body has more than one 'CmdletInput' member.");
        goto out;
    }
    if (!input) {
        st = rs_errf(err, RS_EPARSE, "The request body has no 'CmdletInput' member. Send %s.",
                     BODY_SHAPE);
        goto out;
    }
    if (!json_is_object(input)) {
        st = rs_errf(err, RS_EPARSE, "'CmdletInput' must be a JSON object, not %s.",
                     json_type_name(input));
        goto out;
    }
    json_t *name = get_ci(input, "CmdletName", &dup);
    if (dup) {
        st = rs_errf(err, RS_EPARSE, "'CmdletInput' has more than one 'CmdletName' member.");
        goto out;
    }
    if (!name) {
        st = rs_errf(err, RS_EPARSE, "'CmdletInput' has no 'CmdletName' member.");
        goto out;
    }
    if (!json_is_string(name)) {
        st =
            rs_errf(err, RS_EPARSE, "'CmdletName' must be a string, not %s.", json_type_name(name));
        goto out;
    }
    size_t nlen = json_string_length(name);
    if (nlen == 0 || nlen > API_CMDLET_NAME_MAX) {
        st = rs_errf(err, RS_EPARSE, "'CmdletName' must be 1 to %d characters long.",
                     API_CMDLET_NAME_MAX);
        goto out;
    }
    json_t *params = get_ci(input, "Parameters", &dup);
    if (dup) {
        st = rs_errf(err, RS_EPARSE, "'CmdletInput' has more than one 'Parameters' member.");
        goto out;
    }
    if (params && !json_is_null(params) && !json_is_object(params)) {
        st = rs_errf(err, RS_EPARSE,
                     "'Parameters' must be a JSON object of parameter names and values, not %s.",
                     json_type_name(params));
        goto out;
    }
    *out_name = rs_strndup(json_string_value(name), nlen);
    *out_params = (params && json_is_object(params)) ? json_incref(params) : json_object();
out:
    json_decref(root);
    return st;
}

/* Is property key k (possibly "Name@odata.type") selected by the comma list? */
static bool selected(const char *k, const char *select)
{
    size_t klen = strcspn(k, "@");
    if (klen == 0)
        return false;
    const char *p = select;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        size_t m = n;
        while (m > 0 && p[m - 1] == ' ')
            m--;
        if (m == klen && strncasecmp(p, k, klen) == 0)
            return true;
        p += n;
    }
    return false;
}

void api_apply_select(json_t *value, const char *select)
{
    if (!select || !*select || !json_is_array(value))
        return;
    size_t i;
    json_t *obj;
    json_array_foreach(value, i, obj)
    {
        if (!json_is_object(obj))
            continue;
        json_t *keep = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(obj, k, v)
        {
            if (selected(k, select))
                json_object_set(keep, k, v);
        }
        json_array_set_new(value, i, keep);
    }
}
