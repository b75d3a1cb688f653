/* errors.c - error records and their PowerShell 5.1 rendering (see errors.h). */
#include "errors.h"

#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

void lang_error_set(char **field, const char *value)
{
    free(*field);
    *field = value ? rs_strdup(value) : NULL;
}

lang_error *lang_error_new(const char *message)
{
    lang_error *e = rs_calloc(1, sizeof *e);
    e->message = rs_strdup(message ? message : "");
    e->category = rs_strdup("NotSpecified");
    e->activity = rs_strdup("");
    e->target_name = rs_strdup("");
    e->target_type = rs_strdup("");
    lang_error_set_exception(e, "System.Management.Automation.RuntimeException");
    return e;
}

void lang_error_free(lang_error *e)
{
    if (!e)
        return;
    free(e->message);
    free(e->command);
    free(e->category);
    free(e->activity);
    free(e->reason);
    free(e->exception);
    free(e->inner);
    free(e->target_name);
    free(e->target_type);
    free(e->fqid);
    free(e->position);
    free(e->extra);
    lang_unref(e->target);
    free(e);
}

lang_error *lang_error_copy(const lang_error *e)
{
    lang_error *c = rs_calloc(1, sizeof *c);
    c->message = rs_strdup(e->message);
    c->command = rs_strdup(e->command);
    c->category = rs_strdup(e->category);
    c->activity = rs_strdup(e->activity);
    c->reason = rs_strdup(e->reason);
    c->exception = rs_strdup(e->exception);
    c->inner = e->inner ? rs_strdup(e->inner) : NULL;
    c->target_name = rs_strdup(e->target_name);
    c->target_type = rs_strdup(e->target_type);
    c->fqid = rs_strdup(e->fqid);
    c->position = rs_strdup(e->position);
    c->extra = rs_strdup(e->extra);
    c->target = lang_ref(e->target);
    c->script_terminating = e->script_terminating;
    c->unreachable = e->unreachable;
    c->quiet = e->quiet;
    return c;
}

void lang_error_set_exception(lang_error *e, const char *full_type)
{
    lang_error_set(&e->exception, full_type ? full_type : "System.Exception");
    const char *dot = strrchr(e->exception, '.');
    lang_error_set(&e->reason, dot ? dot + 1 : e->exception);
}

void lang_error_set_fqid(lang_error *e, const char *id, const char *command)
{
    free(e->fqid);
    if (command && *command)
        e->fqid = rs_asprintf("%s,%s", id, command);
    else
        e->fqid = rs_strdup(id);
}

lang_error *lang_error_from_rs(const rs_err *err, const char *command)
{
    lang_error *e = lang_error_new(err->msg);
    lang_error_set(&e->command, command);
    lang_error_set(&e->activity, command ? command : "");
    if (err->category && *err->category)
        lang_error_set(&e->category, err->category);
    if (err->exception && *err->exception)
        lang_error_set_exception(e, err->exception);
    const char *id = err->fq_id && *err->fq_id         ? err->fq_id
                     : err->error_id && *err->error_id ? err->error_id
                                                       : e->reason;
    lang_error_set_fqid(e, id, command);
    return e;
}

char *lang_position_message(const lang_source *src, uint32_t start, uint32_t end)
{
    if (!src)
        return NULL;
    int line, col, eline, ecol;
    lang_source_pos(src, start, &line, &col);
    lang_source_pos(src, end > start ? end : start, &eline, &ecol);
    char *text = lang_source_line(src, line);
    /* TrimEnd */
    size_t tl = strlen(text);
    while (tl > 0 && (text[tl - 1] == ' ' || text[tl - 1] == '\t'))
        text[--tl] = '\0';
    rs_buf out = {0};
    rs_buf_printf(&out, "At %s:%d char:%d", src->name ? src->name : "line", line, col);
    if (tl == 0) {
        free(text);
        return rs_buf_take(&out);
    }
    /* The algorithm of PowerShell 5.1's PositionUtilities.VerboseMessage. */
    int spaces = col - 1;
    int errlen = (line == eline && (size_t)ecol <= tl + 1) ? ecol - col : (int)tl - col + 1;
    if (spaces > (int)tl)
        spaces = (int)tl;
    if (errlen < 0)
        errlen = 0;
    if (spaces + errlen > (int)tl)
        errlen = (int)tl - spaces;
    /* expand tabs */
    rs_buf exp = {0};
    int espaces = 0, eerr = 0;
    for (int i = 0; i < (int)tl; i++) {
        int w = text[i] == '\t' ? 4 : 1;
        if (text[i] == '\t')
            rs_buf_puts(&exp, "    ");
        else
            rs_buf_putc(&exp, text[i]);
        if (i < spaces)
            espaces += w;
        else if (i < spaces + errlen)
            eerr += w;
    }
    free(text);
    const char *s = exp.data ? exp.data : "";
    int len = (int)exp.len;
    int n = espaces, n2 = eerr;
    const int max = 69;
    bool prefix_dots = false, suffix_dots = false;
    int start_index = 0, shown = len;
    if (len > max) {
        int total_prefix = n;
        int prefix = total_prefix < 12 ? total_prefix : 12;
        int total_suffix = len - n2 - n;
        int suffix = total_suffix < 8 ? total_suffix : 8;
        int cand = prefix + n2 + suffix;
        if (cand >= max) {
            if (prefix + n2 >= max)
                n2 = max - prefix;
            suffix_dots = true;
        } else {
            int avail = total_prefix - prefix;
            if (avail > 0) {
                int add = max - cand;
                prefix += avail < add ? avail : add;
                cand = prefix + n2 + suffix;
            }
            if (cand < max && total_suffix > 0) {
                int add = max - cand;
                suffix += total_suffix < add ? total_suffix : add;
            }
            suffix_dots = suffix < total_suffix;
        }
        prefix_dots = prefix < total_prefix;
        start_index = n - prefix > 0 ? n - prefix : 0;
        shown = max;
        if (start_index + shown > len)
            shown = len - start_index;
        n = n < prefix ? n : prefix;
        n2 = n2 < max - n ? n2 : max - n;
    }
    rs_buf_puts(&out, "\n+ ");
    if (prefix_dots)
        rs_buf_puts(&out, "... ");
    rs_buf_append(&out, s + start_index, (size_t)shown);
    if (suffix_dots)
        rs_buf_puts(&out, " ...");
    rs_buf_puts(&out, "\n+ ");
    for (int i = 0; i < n + (prefix_dots ? 4 : 0); i++)
        rs_buf_putc(&out, ' ');
    for (int i = 0; i < (n2 > 0 ? n2 : 1); i++)
        rs_buf_putc(&out, '~');
    rs_buf_free(&exp);
    return rs_buf_take(&out);
}

void lang_error_set_position(lang_error *e, const lang_program *prog, uint32_t start, uint32_t end)
{
    if (!prog)
        return;
    free(e->position);
    e->position = lang_position_message(prog->src, start, end);
}

char *lang_error_category_info(const lang_error *e)
{
    return rs_asprintf("%s: (%s:%s) [%s], %s", e->category ? e->category : "NotSpecified",
                       e->target_name ? e->target_name : "", e->target_type ? e->target_type : "",
                       e->activity ? e->activity : "", e->reason ? e->reason : "");
}

char *lang_error_format(const lang_error *e)
{
    rs_buf b = {0};
    if (e->command && *e->command)
        rs_buf_printf(&b, "%s : %s\n", e->command, e->message);
    else
        rs_buf_printf(&b, "%s\n", e->message);
    if (e->position)
        rs_buf_printf(&b, "%s\n", e->position);
    char *ci = lang_error_category_info(e);
    rs_buf_printf(&b, "    + CategoryInfo          : %s\n", ci);
    free(ci);
    rs_buf_printf(&b, "    + FullyQualifiedErrorId : %s\n",
                  e->fqid ? e->fqid : (e->reason ? e->reason : ""));
    if (e->extra)
        rs_buf_printf(&b, "%s\n", e->extra);
    return rs_buf_take(&b);
}

static void free_native_error(void *p)
{
    lang_error_free(p);
}

static const lang_native_type error_native = {.name = "ErrorRecord", .free = free_native_error};

lang_value *lang_error_record(const lang_error *e)
{
    lang_value *rec = lang_object_new("System.Management.Automation.ErrorRecord");
    lang_value *ex = lang_object_new(e->exception);
    lang_prop_set_take(ex, "Message", lang_str(e->message));
    lang_prop_set_take(rec, "Exception", ex);
    lang_prop_set(rec, "TargetObject", e->target);
    lang_value *ci = lang_object_new("System.Management.Automation.ErrorCategoryInfo");
    lang_prop_set_take(ci, "Category", lang_str(e->category));
    lang_prop_set_take(ci, "Activity", lang_str(e->activity));
    lang_prop_set_take(ci, "Reason", lang_str(e->reason));
    lang_prop_set_take(ci, "TargetName", lang_str(e->target_name));
    lang_prop_set_take(ci, "TargetType", lang_str(e->target_type));
    lang_prop_set_take(rec, "CategoryInfo", ci);
    lang_prop_set_take(rec, "FullyQualifiedErrorId", lang_str(e->fqid ? e->fqid : e->reason));
    lang_prop_set_take(rec, "ErrorDetails", NULL);
    lang_value *inv = lang_object_new("System.Management.Automation.InvocationInfo");
    lang_prop_set_take(inv, "MyCommand", e->command ? lang_str(e->command) : NULL);
    lang_prop_set_take(inv, "PositionMessage", e->position ? lang_str(e->position) : NULL);
    lang_prop_set_take(rec, "InvocationInfo", inv);
    lang_object_set_native(rec, &error_native, lang_error_copy(e));
    return rec;
}

const lang_error *lang_error_of_record(const lang_value *v)
{
    return lang_object_native(v, &error_native);
}
