/* sbuilder.c - System.Text.StringBuilder (see sbuilder.h). */
#include "sbuilder.h"

#include <stdlib.h>
#include <string.h>

#include "ops.h"
#include "rs_util.h"

#define SB_TYPE         "System.Text.StringBuilder"
#define SB_MAX_CAPACITY 2147483647
#define SB_MAX_CHUNK    8000 /* .NET's MaxChunkSize: capacity grows by at most this */

typedef struct sbuilder {
    char *s;         /* owned, NUL-terminated UTF-8 */
    size_t len, cap; /* bytes used / allocated */
    int64_t chars;   /* length in characters */
    int64_t net_cap; /* .NET's Capacity (characters) */
} sbuilder;

static void sb_free(void *p)
{
    sbuilder *b = p;
    if (b)
        free(b->s);
    free(b);
}

static char *sb_to_str(const void *p)
{
    const sbuilder *b = p;
    return rs_strndup(b->s, b->len);
}

static const lang_native_type sb_native = {
    .name = "StringBuilder", .free = sb_free, .to_str = sb_to_str};

static int64_t count_chars(const char *s, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* Byte offset of character idx (idx <= chars). */
static size_t char_off(const sbuilder *b, int64_t idx)
{
    size_t i = 0;
    for (int64_t c = 0; c < idx && i < b->len; c++) {
        i++;
        while (i < b->len && ((unsigned char)b->s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* .NET grows a builder by a chunk of max(what is missing, min(Length, 8000)). */
static void grow_capacity(sbuilder *b)
{
    while (b->chars > b->net_cap) {
        int64_t missing = b->chars - b->net_cap;
        int64_t chunk = b->net_cap < SB_MAX_CHUNK ? b->net_cap : SB_MAX_CHUNK;
        b->net_cap += missing > chunk ? missing : chunk;
    }
}

static void sb_insert_bytes(sbuilder *b, size_t off, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 32;
        while (nc < b->len + n + 1)
            nc *= 2;
        b->s = rs_realloc(b->s, nc);
        b->cap = nc;
    }
    memmove(b->s + off + n, b->s + off, b->len - off);
    memcpy(b->s + off, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    b->chars += count_chars(s, n);
    grow_capacity(b);
}

static void sb_remove_bytes(sbuilder *b, size_t off, size_t n)
{
    b->chars -= count_chars(b->s + off, n);
    memmove(b->s + off, b->s + off + n, b->len - off - n);
    b->len -= n;
    b->s[b->len] = '\0';
}

lang_value *lang_sb_new(const char *init, int64_t capacity)
{
    lang_value *o = lang_object_new(SB_TYPE);
    sbuilder *b = rs_calloc(1, sizeof *b);
    b->s = rs_strdup("");
    b->cap = 1;
    b->net_cap = capacity > 16 ? capacity : 16;
    if (init)
        sb_insert_bytes(b, 0, init, strlen(init));
    lang_object_set_native(o, &sb_native, b);
    return o;
}

bool lang_sb_is(const lang_value *v)
{
    return v && v->type == LV_OBJECT && lang_object_native(v, &sb_native);
}

lang_value *lang_sb_member(const lang_value *v, const char *name, bool *found)
{
    const sbuilder *b = lang_object_native(v, &sb_native);
    *found = b != NULL;
    if (b && rs_streq_ci(name, "Length"))
        return lang_int(b->chars);
    if (b && rs_streq_ci(name, "Capacity"))
        return lang_int(b->net_cap);
    if (b && rs_streq_ci(name, "MaxCapacity"))
        return lang_int(SB_MAX_CAPACITY);
    *found = false;
    return NULL;
}

lang_value *lang_sb_snapshot(const lang_value *v)
{
    lang_value *o = lang_object_new(SB_TYPE);
    static const char *const props[] = {"Capacity", "MaxCapacity", "Length"};
    for (size_t k = 0; k < 3; k++) {
        bool found;
        lang_prop_set_take(o, props[k], lang_sb_member(v, props[k], &found));
    }
    return o;
}

static lang_status sb_error(lang_interp *I, const lang_node *at, const char *id, const char *method,
                            size_t n, const char *text)
{
    return lang_op_error(
        I, at, id, "NotSpecified", "System.Management.Automation.MethodInvocationException",
        "Exception calling \"%s\" with \"%zu\" argument(s): \"%s\"", method, n, text);
}

static lang_status set_error(lang_interp *I, const lang_node *at, const char *prop,
                             const char *text)
{
    return lang_op_error(I, at, "ExceptionWhenSetting", "NotSpecified",
                         "System.Management.Automation.SetValueInvocationException",
                         "Exception setting \"%s\": \"%s\"", prop, text);
}

static bool arg_int64(lang_value **args, size_t n, size_t i, int64_t *out)
{
    double d;
    bool isd;
    if (i >= n || !lang_to_number(args[i], out, &d, &isd))
        return false;
    if (isd)
        *out = lang_d2i(d);
    return true;
}

lang_status lang_sb_set(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                        lang_value *x)
{
    sbuilder *b = lang_object_native(v, &sb_native);
    int64_t want;
    if (!arg_int64(&x, 1, 0, &want))
        want = -1;
    if (rs_streq_ci(name, "Length")) {
        if (want < 0 || want > b->chars)
            return set_error(I, at, "Length",
                             want < 0 ? "Value must be positive. (Parameter 'value')"
                                      : "roomsys cannot lengthen a StringBuilder by setting "
                                        "Length (.NET pads it with NUL characters).");
        size_t off = char_off(b, want);
        sb_remove_bytes(b, off, b->len - off);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Capacity")) {
        if (want < b->chars)
            return set_error(I, at, "Capacity",
                             "Capacity must be greater than or equal to the current length. "
                             "(Parameter 'value')");
        b->net_cap = want;
        return LANG_OK;
    }
    return lang_op_error(I, at, "PropertyAssignmentException", "InvalidOperation",
                         "System.Management.Automation.RuntimeException",
                         "'%s' is a ReadOnly property.", name);
}

lang_status lang_sb_method(lang_interp *I, const lang_node *at, lang_value *v, const char *name,
                           lang_value **args, size_t n, lang_value **res)
{
    sbuilder *b = lang_object_native(v, &sb_native);
    *res = NULL;
    if (!b)
        return LANG_BREAK;
    if (rs_streq_ci(name, "Append") || rs_streq_ci(name, "AppendLine")) {
        bool line = rs_streq_ci(name, "AppendLine");
        if ((!line && n != 1) || n > 1)
            return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                                 "System.Management.Automation.MethodException",
                                 "Cannot find an overload for \"%s\" and the argument count: "
                                 "\"%zu\".",
                                 name, n);
        char *s = n ? lang_to_str(args[0]) : rs_strdup("");
        sb_insert_bytes(b, b->len, s, strlen(s));
        if (line)
            sb_insert_bytes(b, b->len, "\n", 1); /* Environment.NewLine on Linux */
        free(s);
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "AppendFormat")) {
        lang_value *rest = lang_array_new();
        for (size_t i = 1; i < n; i++)
            lang_array_push(rest, args[i]);
        lang_value *text = NULL;
        lang_status st = lang_format_text(I, at, n ? args[0] : NULL, rest, &text);
        lang_unref(rest);
        if (st != LANG_OK)
            return st;
        char *s = lang_to_str(text);
        sb_insert_bytes(b, b->len, s, strlen(s));
        free(s);
        lang_unref(text);
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Insert")) {
        int64_t idx;
        if (n != 2 || !arg_int64(args, n, 0, &idx))
            return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                                 "System.Management.Automation.MethodException",
                                 "Cannot find an overload for \"Insert\" and the argument count: "
                                 "\"%zu\".",
                                 n);
        if (idx < 0 || idx > b->chars)
            return sb_error(I, at, "ArgumentOutOfRangeException", "Insert", n,
                            "Index was out of range. Must be non-negative and less than or "
                            "equal to the size of the collection. (Parameter 'index')");
        char *s = lang_to_str(args[1]);
        sb_insert_bytes(b, char_off(b, idx), s, strlen(s));
        free(s);
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Remove")) {
        int64_t start, count;
        if (n != 2 || !arg_int64(args, n, 0, &start) || !arg_int64(args, n, 1, &count))
            return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                                 "System.Management.Automation.MethodException",
                                 "Cannot find an overload for \"Remove\" and the argument count: "
                                 "\"%zu\".",
                                 n);
        if (start < 0 || count < 0 || count > b->chars - start)
            return sb_error(I, at, "ArgumentOutOfRangeException", "Remove", n,
                            start < 0   ? "StartIndex cannot be less than zero. (Parameter "
                                          "'startIndex')"
                            : count < 0 ? "Length cannot be less than zero. (Parameter 'length')"
                                        : "Index and length must refer to a location within the "
                                          "string. (Parameter 'length')");
        size_t off = char_off(b, start);
        sb_remove_bytes(b, off, char_off(b, start + count) - off);
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Replace")) {
        if (n != 2)
            return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                                 "System.Management.Automation.MethodException",
                                 "Cannot find an overload for \"Replace\" and the argument "
                                 "count: \"%zu\".",
                                 n);
        char *old = lang_to_str(args[0]), *rep = lang_to_str(args[1]);
        size_t ol = strlen(old), rl = strlen(rep);
        if (!ol) {
            free(old);
            free(rep);
            return sb_error(I, at, "ArgumentException", "Replace", n,
                            "The value cannot be an empty string. (Parameter 'oldValue')");
        }
        for (size_t i = 0; i + ol <= b->len;) { /* ordinal, case-sensitive, as .NET */
            if (!memcmp(b->s + i, old, ol)) {
                sb_remove_bytes(b, i, ol);
                sb_insert_bytes(b, i, rep, rl);
                i += rl;
            } else {
                i++;
            }
        }
        free(old);
        free(rep);
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "Clear")) {
        sb_remove_bytes(b, 0, b->len);
        *res = lang_ref(v);
        return LANG_OK;
    }
    if (rs_streq_ci(name, "ToString")) {
        if (n == 0) {
            *res = lang_str_n(b->s, b->len);
            return LANG_OK;
        }
        int64_t start, count;
        if (n != 2 || !arg_int64(args, n, 0, &start) || !arg_int64(args, n, 1, &count))
            return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                                 "System.Management.Automation.MethodException",
                                 "Cannot find an overload for \"ToString\" and the argument "
                                 "count: \"%zu\".",
                                 n);
        if (start < 0 || count < 0 || count > b->chars - start)
            return sb_error(I, at, "ArgumentOutOfRangeException", "ToString", n,
                            "Index and length must refer to a location within the string. "
                            "(Parameter 'length')");
        size_t off = char_off(b, start);
        *res = lang_str_n(b->s + off, char_off(b, start + count) - off);
        return LANG_OK;
    }
    return LANG_BREAK;
}
