/* format.c - Out-Default, Format-List and Format-Table (see format.h for the
 * rules, docs/internals/shell.md for how they compare with PowerShell). */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "cmdlet_table.h"
#include "datetime.h"
#include "interp.h"
#include "members.h"
#include "ops.h"
#include "rs_util.h"

#define ENUM_LIMIT 4

struct fmt_state {
    lang_interp *I;    /* writes to I's host unless buf is set */
    bool members_prev; /* the last output was a Get-Member table (one blank line between) */
    rs_buf *buf;
    int width;
    /* the open table: rows wait in `pending` until the layout is fixed (shape
     * change, a scalar in between, the end, or 1 s later), as PowerShell waits
     * for the first objects before it sizes the columns */
    bool table_open;
    char *shape;
    char **cols;
    size_t ncols;
    int *widths; /* NULL until laid out */
    bool *right;
    bool hash_rows;   /* Name/Value rows of hashtables */
    char *table_type; /* .NET type of the object that opened the table */
    /* an open list group: objects keep printing as lists (PowerShell's first
     * object decides the format of what follows) */
    bool list_open;
    bool oob_prev; /* the last thing written was an out-of-band list entry */
    lang_list pending;
    int64_t pending_since;
    /* an open check report (cmdlets flagged CF_REPORT): counts for the summary */
    bool report_open;
    int rep_pass, rep_warn, rep_fail;
    char *rep_identity;
};

static void put(fmt_state *f, const char *s, size_t n)
{
    if (f->buf) {
        rs_buf_append(f->buf, s, n);
        return;
    }
    if (f->I && f->I->host.out)
        f->I->host.out(f->I->host.ud, s, n);
}

static void puts_(fmt_state *f, const char *s)
{
    put(f, s, strlen(s));
}

/* Display width of a UTF-8 string (code points). */
static int cells(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Byte offset of the first `n` cells of s. */
static size_t cells_prefix(const char *s, int n)
{
    size_t i = 0;
    int c = 0;
    while (s[i]) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == n)
                break;
            c++;
        }
        i++;
    }
    return i;
}

static void pad(rs_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        rs_buf_putc(b, ' ');
}

/* ---- formatted text values ---- */

static void free_text(void *p)
{
    free(p);
}

static const lang_native_type text_native = {.name = "FormatText", .free = free_text};

lang_value *fmt_text_value(char *text)
{
    lang_value *v =
        lang_object_new("Microsoft.PowerShell.Commands.Internal.Format.FormatEntryData");
    lang_object_set_native(v, &text_native, text);
    return v;
}

const char *fmt_text_of(const lang_value *v)
{
    return lang_object_native(v, &text_native);
}

/* ---- views ---- */

const char *const *fmt_table_view(const lang_value *v)
{
    if (!v || v->type != LV_OBJECT || !v->u.obj.type_name)
        return NULL;
    /* PowerShell's views of types no cmdlet in the table declares as its output */
    static const char *const group_noelem[] = {"Count", "Name", NULL};
    if (!strcmp(v->u.obj.type_name, "Microsoft.PowerShell.Commands.GroupInfoNoElement"))
        return group_noelem;
    for (size_t i = 0; i < cmdlet_table_len; i++) {
        const cmdlet_def_t *d = &cmdlet_table[i];
        if (d->table_view && d->output_type && !strcmp(d->output_type, v->u.obj.type_name))
            return d->table_view;
    }
    return NULL;
}

static bool is_plain_scalar(const lang_value *v)
{
    /* Select-String's MatchInfo has a view that shows its ToString() */
    return !v || (v->type != LV_OBJECT && v->type != LV_HASH && v->type != LV_ARRAY) ||
           (v->type == LV_OBJECT &&
            !strcmp(lang_type_name(v), "Microsoft.PowerShell.Commands.MatchInfo"));
}

/* Cell text of a property value. */
static char *cell_text(const lang_value *v)
{
    char *s = lang_to_display(v, ENUM_LIMIT);
    /* table cells are single-line */
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return s;
}

static lang_value *prop_of(const lang_value *o, const char *name)
{
    if (!o || (o->type != LV_OBJECT && o->type != LV_HASH))
        return NULL;
    return lang_prop_get(o, name, NULL);
}

/* Expand property patterns (string or array of strings) against obj. */
static char **select_props(const lang_value *obj, const lang_value *props, size_t *n)
{
    size_t cap = 8;
    char **out = rs_malloc(cap * sizeof(char *));
    *n = 0;
    lang_list pats = {0};
    if (props)
        lang_list_push_enum(&pats, (lang_value *)props);
    bool all = pats.n == 0;
    size_t np = obj && (obj->type == LV_OBJECT || obj->type == LV_HASH) ? obj->u.obj.n : 0;
    for (size_t k = 0; k < (all ? 1 : pats.n); k++) {
        char *pat = all ? rs_strdup("*") : lang_to_str(pats.v[k]);
        bool wild = rs_has_wildcard(pat);
        for (size_t i = 0; i < np; i++) {
            const char *name = obj->u.obj.props[i].name;
            if (wild ? !rs_wildcard_match(pat, name) : !rs_streq_ci(pat, name))
                continue;
            bool dup = false;
            for (size_t j = 0; j < *n; j++)
                if (rs_streq_ci(out[j], name))
                    dup = true;
            if (dup)
                continue;
            if (*n == cap) {
                cap *= 2;
                out = rs_realloc(out, cap * sizeof(char *));
            }
            out[(*n)++] = rs_strdup(name);
        }
        free(pat);
    }
    lang_list_clear(&pats);
    return out;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ---- list ---- */

static void list_entry(rs_buf *b, const lang_value *obj, char **names, size_t n, int width)
{
    int lw = 0;
    for (size_t i = 0; i < n; i++) {
        int c = cells(names[i]);
        if (c > lw)
            lw = c;
    }
    for (size_t i = 0; i < n; i++) {
        rs_buf_puts(b, names[i]);
        pad(b, lw - cells(names[i]));
        rs_buf_puts(b, " : ");
        char *val = lang_to_display(prop_of(obj, names[i]), ENUM_LIMIT);
        /* continuation lines (embedded newlines, or wrapping at the width) are
         * indented under the value column */
        int avail = width > 0 ? width - lw - 3 : 0;
        const char *p = val;
        bool first = true;
        while (first || *p) {
            const char *nl = strchr(p, '\n');
            size_t linelen = nl ? (size_t)(nl - p) : strlen(p);
            if (avail > 8 && cells_prefix(p, avail) < linelen)
                linelen = cells_prefix(p, avail);
            if (!first)
                pad(b, lw + 3);
            size_t l = linelen;
            if (l && p[l - 1] == '\r')
                l--;
            rs_buf_append(b, p, l);
            rs_buf_putc(b, '\n');
            p += linelen;
            if (*p == '\n')
                p++;
            first = false;
        }
        free(val);
    }
}

/* A TimeSpan shows as a list of its properties (PowerShell's view). */
static lang_value *timespan_object(const lang_value *ts)
{
    lang_value *o = lang_object_new("System.TimeSpan");
    for (const char *const *p = lang_ts_props(); *p; p++) {
        bool found;
        lang_prop_set_take(o, *p, lang_dt_member(ts, *p, &found));
    }
    return o;
}

/* Values shown through a snapshot of their properties (TimeSpans, Stopwatches,
 * StringBuilders): a new array of n references with those replaced, or NULL
 * when there are none. Free with snapshots_free. */
static lang_value **snapshots(lang_value **items, size_t n)
{
    bool conv_any = false;
    for (size_t i = 0; i < n && !conv_any; i++) {
        lang_value *snap = lang_dynamic_snapshot(items[i]);
        conv_any = (items[i] && items[i]->type == LV_TIMESPAN) || snap;
        lang_unref(snap);
    }
    if (!conv_any)
        return NULL;
    lang_value **conv = rs_calloc(n, sizeof *conv);
    for (size_t i = 0; i < n; i++) {
        lang_value *snap = lang_dynamic_snapshot(items[i]);
        conv[i] = snap                                        ? snap
                  : items[i] && items[i]->type == LV_TIMESPAN ? timespan_object(items[i])
                                                              : lang_ref(items[i]);
    }
    return conv;
}

static void snapshots_free(lang_value **conv, size_t n)
{
    if (!conv)
        return;
    for (size_t i = 0; i < n; i++)
        lang_unref(conv[i]);
    free(conv);
}

static char *list_text(lang_value **objs, size_t n, const lang_value *props, int width);

char *fmt_list_text(lang_value **objs, size_t n, const lang_value *props, int width)
{
    lang_value **conv = snapshots(objs, n);
    char *t = list_text(conv ? conv : objs, n, props, width);
    snapshots_free(conv, n);
    return t;
}

static char *list_text(lang_value **objs, size_t n, const lang_value *props, int width)
{
    rs_buf b = {0};
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += objs[i] != NULL;
    if (!live)
        return rs_strdup("");
    rs_buf_putc(&b, '\n');
    for (size_t i = 0; i < n; i++) {
        lang_value *o = objs[i];
        if (!o)
            continue;
        if (is_plain_scalar(o) || o->type == LV_ARRAY) {
            char *s = lang_to_str(o);
            rs_buf_printf(&b, "%s\n\n", s);
            free(s);
            continue;
        }
        size_t nn;
        char **names = select_props(o, props, &nn);
        if (nn) {
            list_entry(&b, o, names, nn, width);
            rs_buf_putc(&b, '\n');
        }
        free_names(names, nn);
    }
    return rs_buf_take(&b);
}

/* ---- table ---- */

typedef struct table {
    char **cols;
    size_t ncols;
    int *widths;
    bool *right;
} table;

static void table_free(table *t)
{
    free_names(t->cols, t->ncols);
    free(t->widths);
    free(t->right);
    memset(t, 0, sizeof *t);
}

static bool numeric(const lang_value *v)
{
    return v && (v->type == LV_INT || v->type == LV_DOUBLE);
}

/* Columns and widths for objs[0..n) (all of one shape). */
static void table_layout(table *t, lang_value **objs, size_t n, char **cols, size_t ncols,
                         int width)
{
    t->cols = cols;
    t->ncols = ncols;
    t->widths = rs_calloc(ncols ? ncols : 1, sizeof(int));
    t->right = rs_calloc(ncols ? ncols : 1, sizeof(bool));
    for (size_t c = 0; c < ncols; c++) {
        t->widths[c] = cells(cols[c]);
        bool decided = false;
        for (size_t i = 0; i < n; i++) {
            lang_value *v = prop_of(objs[i], cols[c]);
            if (!decided && v) {
                t->right[c] = numeric(v);
                decided = true;
            }
            char *s = cell_text(v);
            int w = cells(s);
            if (w > t->widths[c])
                t->widths[c] = w;
            free(s);
        }
    }
    if (width <= 0 || ncols == 0)
        return;
    /* fit the console: shrink the widest column while the line is too long */
    for (;;) {
        int total = (int)ncols - 1;
        for (size_t c = 0; c < ncols; c++)
            total += t->widths[c];
        if (total < width)
            break;
        size_t wi = 0;
        for (size_t c = 1; c < ncols; c++)
            if (t->widths[c] > t->widths[wi])
                wi = c;
        if (t->widths[wi] <= 4)
            break;
        t->widths[wi]--;
    }
}

static void table_cell(rs_buf *b, const char *s, int w, bool right, bool last)
{
    int c = cells(s);
    if (c > w) {
        if (w > 3) {
            rs_buf_append(b, s, cells_prefix(s, w - 3));
            rs_buf_puts(b, "...");
        } else {
            rs_buf_append(b, s, cells_prefix(s, w));
        }
        return;
    }
    if (right)
        pad(b, w - c);
    rs_buf_puts(b, s);
    if (!right && !last)
        pad(b, w - c);
}

static void table_header(rs_buf *b, const table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            rs_buf_putc(b, ' ');
        table_cell(b, t->cols[c], t->widths[c], t->right[c], c + 1 == t->ncols);
    }
    rs_buf_putc(b, '\n');
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            rs_buf_putc(b, ' ');
        int hl = cells(t->cols[c]);
        if (hl > t->widths[c])
            hl = t->widths[c];
        if (t->right[c])
            pad(b, t->widths[c] - hl);
        for (int i = 0; i < hl; i++)
            rs_buf_putc(b, '-');
        if (!t->right[c] && c + 1 < t->ncols)
            pad(b, t->widths[c] - hl);
    }
    rs_buf_putc(b, '\n');
}

static void table_row(rs_buf *b, const table *t, const lang_value *o)
{
    size_t start = b->len;
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            rs_buf_putc(b, ' ');
        char *s = cell_text(prop_of(o, t->cols[c]));
        table_cell(b, s, t->widths[c], t->right[c], c + 1 == t->ncols);
        free(s);
    }
    /* no trailing blanks */
    while (b->len > start && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
    rs_buf_putc(b, '\n');
}

static char *table_text(lang_value **objs, size_t n, const lang_value *props, bool hide_headers,
                        int width, bool autosize);

char *fmt_table_text(lang_value **objs, size_t n, const lang_value *props, bool hide_headers,
                     int width)
{
    lang_value **conv = snapshots(objs, n);
    char *t = table_text(conv ? conv : objs, n, props, hide_headers, width, false);
    snapshots_free(conv, n);
    return t;
}

char *fmt_table_text_autosize(lang_value **objs, size_t n, const lang_value *props,
                              bool hide_headers, int width)
{
    lang_value **conv = snapshots(objs, n);
    char *t = table_text(conv ? conv : objs, n, props, hide_headers, width, true);
    snapshots_free(conv, n);
    return t;
}

static char *table_text(lang_value **objs, size_t n, const lang_value *props, bool hide_headers,
                        int width, bool autosize)
{
    rs_buf b = {0};
    size_t first = 0;
    while (first < n && !objs[first])
        first++;
    if (first == n)
        return rs_strdup("");
    lang_value *o = objs[first];
    size_t ncols = 0;
    char **cols;
    const char *const *view = props ? NULL : fmt_table_view(o);
    if (view) {
        size_t k = 0;
        while (view[k])
            k++;
        cols = rs_malloc((k ? k : 1) * sizeof(char *));
        for (size_t i = 0; i < k; i++)
            cols[i] = rs_strdup(view[i]);
        ncols = k;
    } else if (o->type == LV_HASH && !props) {
        cols = rs_malloc(2 * sizeof(char *));
        cols[0] = rs_strdup("Name");
        cols[1] = rs_strdup("Value");
        ncols = 2;
    } else {
        cols = select_props(o, props, &ncols);
    }
    /* hashtables show as Name/Value rows */
    lang_list rows = {0};
    for (size_t i = first; i < n; i++) {
        lang_value *r = objs[i];
        if (!r)
            continue;
        if (r->type == LV_HASH && ncols == 2 && !strcmp(cols[0], "Name")) {
            for (size_t k = 0; k < r->u.obj.n; k++) {
                lang_value *row = lang_object_new(NULL);
                lang_prop_set_take(row, "Name", lang_str(r->u.obj.props[k].name));
                lang_prop_set(row, "Value", r->u.obj.props[k].value);
                lang_list_push_take(&rows, row);
            }
        } else {
            lang_list_push(&rows, r);
        }
    }
    table t;
    table_layout(&t, rows.v, rows.n, cols, ncols, width);
    if (ncols == 2 && o->type == LV_HASH && !props) {
        if (t.widths[0] < 30 && !autosize)
            t.widths[0] = 30; /* PowerShell's hashtable view: Name is 30 wide */
        t.right[0] = t.right[1] = false;
    }
    rs_buf_putc(&b, '\n');
    if (!hide_headers)
        table_header(&b, &t);
    for (size_t i = 0; i < rows.n; i++) {
        if (is_plain_scalar(rows.v[i])) {
            char *s = lang_to_str(rows.v[i]);
            rs_buf_printf(&b, "%s\n", s);
            free(s);
            continue;
        }
        table_row(&b, &t, rows.v[i]);
    }
    rs_buf_putc(&b, '\n');
    table_free(&t);
    lang_list_clear(&rows);
    return rs_buf_take(&b);
}

/* ---- Out-Default ---- */

fmt_state *fmt_new(struct lang_interp *I)
{
    fmt_state *f = rs_calloc(1, sizeof *f);
    f->I = I;
    f->width = I ? I->host.width : 0;
    return f;
}

/* Lay out and print the header and the waiting rows of the open table. */
static void flush_pending(fmt_state *f)
{
    if (!f->table_open || f->widths)
        return;
    table t;
    char **colcopy = rs_malloc((f->ncols ? f->ncols : 1) * sizeof(char *));
    for (size_t c = 0; c < f->ncols; c++)
        colcopy[c] = rs_strdup(f->cols[c]);
    table_layout(&t, f->pending.v, f->pending.n, colcopy, f->ncols, f->width);
    if (f->hash_rows) {
        if (t.widths[0] < 30)
            t.widths[0] = 30; /* PowerShell's hashtable view: Name is 30 wide */
        t.right[0] = t.right[1] = false;
    }
    free_names(t.cols, t.ncols);
    f->widths = t.widths;
    f->right = t.right;
    rs_buf b = {0};
    rs_buf_putc(&b, '\n');
    table_header(&b, &(table){f->cols, f->ncols, f->widths, f->right});
    for (size_t i = 0; i < f->pending.n; i++)
        table_row(&b, &(table){f->cols, f->ncols, f->widths, f->right}, f->pending.v[i]);
    put(f, b.data, b.len);
    rs_buf_free(&b);
    lang_list_clear(&f->pending);
}

void fmt_flush(fmt_state *f)
{
    if (f)
        flush_pending(f);
}

void fmt_tick(fmt_state *f)
{
    if (f && f->table_open && !f->widths && f->pending.n &&
        rs_time_mono_ms() - f->pending_since >= 300)
        flush_pending(f);
}

/* ---- check reports (Test-RoomSystemAccount) ---- */

static bool is_report(const lang_value *v)
{
    if (!v || v->type != LV_OBJECT || !v->u.obj.type_name)
        return false;
    for (size_t i = 0; i < cmdlet_table_len; i++) {
        const cmdlet_def_t *d = &cmdlet_table[i];
        if ((d->flags & CF_REPORT) && d->output_type && !strcmp(d->output_type, v->u.obj.type_name))
            return true;
    }
    return false;
}

static char *prop_text(const lang_value *o, const char *name)
{
    bool found = false;
    lang_value *v = lang_prop_get(o, name, &found);
    return found && v ? lang_to_str(v) : rs_strdup("");
}

/* One check: "  [Fail]    Check: detail" and, unless it passed, the fix. */
static void report_line(fmt_state *f, const lang_value *v)
{
    char *id = prop_text(v, "Identity"), *check = prop_text(v, "Check");
    char *result = prop_text(v, "Result"), *detail = prop_text(v, "Detail");
    char *fix = prop_text(v, "Fix");
    rs_buf b = {0};
    if (!f->rep_identity || strcmp(f->rep_identity, id)) {
        rs_buf_printf(&b, "\n%s\n", id);
        free(f->rep_identity);
        f->rep_identity = rs_strdup(id);
    }
    bool pass = !strcmp(result, "Pass"), warn = !strcmp(result, "Warning");
    f->rep_pass += pass;
    f->rep_warn += warn;
    f->rep_fail += !pass && !warn;
    char tag[16];
    snprintf(tag, sizeof tag, "[%s]", result);
    rs_buf_printf(&b, "  %-10s%s: %s\n", tag, check, detail);
    if (!pass && *fix)
        rs_buf_printf(&b, "            Fix: %s\n", fix);
    put(f, b.data, b.len);
    rs_buf_free(&b);
    free(id), free(check), free(result), free(detail), free(fix);
}

/* The summary line SHAccountValidate.ps1 ends with, counted once per check. */
static void report_end(fmt_state *f)
{
    if (!f->report_open)
        return;
    char line[160];
    int n =
        snprintf(line, sizeof line, "\n%d tests executed: %d failures %d warnings %d passes\n\n",
                 f->rep_pass + f->rep_warn + f->rep_fail, f->rep_fail, f->rep_warn, f->rep_pass);
    put(f, line, (size_t)n);
    f->report_open = false;
    f->rep_pass = f->rep_warn = f->rep_fail = 0;
    free(f->rep_identity);
    f->rep_identity = NULL;
}

void fmt_end(fmt_state *f)
{
    if (f)
        report_end(f);
    if (f)
        f->list_open = f->oob_prev = false;
    if (!f || !f->table_open)
        return;
    flush_pending(f);
    puts_(f, "\n");
    f->table_open = false;
    free(f->shape);
    f->shape = NULL;
    free(f->table_type);
    f->table_type = NULL;
    free_names(f->cols, f->ncols);
    f->cols = NULL;
    f->ncols = 0;
    free(f->widths);
    f->widths = NULL;
    free(f->right);
    f->right = NULL;
    lang_list_clear(&f->pending);
}

void fmt_free(fmt_state *f)
{
    if (!f)
        return;
    fmt_end(f);
    free(f);
}

/* Columns for the default view of o, or NULL when it prints as a list. */
static char **default_columns(const lang_value *o, size_t *n)
{
    const char *const *view = fmt_table_view(o);
    if (view) {
        size_t k = 0;
        while (view[k])
            k++;
        char **cols = rs_malloc((k ? k : 1) * sizeof(char *));
        for (size_t i = 0; i < k; i++)
            cols[i] = rs_strdup(view[i]);
        *n = k;
        return cols;
    }
    if (o->type == LV_HASH) {
        char **cols = rs_malloc(2 * sizeof(char *));
        cols[0] = rs_strdup("Name");
        cols[1] = rs_strdup("Value");
        *n = 2;
        return cols;
    }
    if (o->u.obj.n <= 4 && o->u.obj.n > 0)
        return select_props(o, NULL, n);
    return NULL;
}

static char *shape_key(const lang_value *o, char **cols, size_t n)
{
    rs_buf b = {0};
    rs_buf_puts(&b, lang_type_name(o));
    for (size_t i = 0; i < n; i++)
        rs_buf_printf(&b, "|%s", cols[i]);
    return rs_buf_take(&b);
}

/* Add one table row (a hashtable adds one row per entry). */
static void table_add(fmt_state *f, lang_value *v)
{
    f->oob_prev = false;
    lang_list rows = {0};
    if (v->type == LV_HASH) {
        for (size_t k = 0; k < v->u.obj.n; k++) {
            lang_value *row = lang_object_new(NULL);
            lang_prop_set_take(row, "Name", lang_str(v->u.obj.props[k].name));
            lang_prop_set(row, "Value", v->u.obj.props[k].value);
            lang_list_push_take(&rows, row);
        }
    } else {
        lang_list_push(&rows, v);
    }
    if (!f->widths) {
        if (!f->pending.n)
            f->pending_since = rs_time_mono_ms();
        for (size_t i = 0; i < rows.n; i++)
            lang_list_push(&f->pending, rows.v[i]);
    } else {
        rs_buf b = {0};
        for (size_t i = 0; i < rows.n; i++)
            table_row(&b, &(table){f->cols, f->ncols, f->widths, f->right}, rows.v[i]);
        put(f, b.data, b.len);
        rs_buf_free(&b);
    }
    lang_list_clear(&rows);
}

static void push_items(fmt_state *f, lang_value **items, size_t n);

void fmt_push(fmt_state *f, lang_value **items, size_t n)
{
    lang_value **conv = snapshots(items, n);
    push_items(f, conv ? conv : items, n);
    snapshots_free(conv, n);
}

static bool is_memberdef(const lang_value *v)
{
    return v && v->type == LV_OBJECT && !strcmp(lang_type_name(v), LANG_MEMBERDEF_TYPE);
}

/* Get-Member's view: per TypeName a "   TypeName: X" header and a table of
 * Name, MemberType, Definition sized to the rows (the last column is not
 * padded). Shows the run of member definitions at items; returns its length. */
static size_t members_view(fmt_state *f, lang_value **items, size_t n)
{
    size_t run = 0;
    while (run < n && is_memberdef(items[run]))
        run++;
    bool cont = f->members_prev;
    fmt_end(f);
    static const char *const cols[3] = {"Name", "MemberType", "Definition"};
    for (size_t g = 0; g < run;) {
        char *type = lang_to_str(lang_prop_get(items[g], "TypeName", NULL));
        size_t e = g;
        size_t w[2] = {strlen(cols[0]), strlen(cols[1])};
        for (; e < run; e++) {
            char *t = lang_to_str(lang_prop_get(items[e], "TypeName", NULL));
            bool same = !strcmp(t, type);
            free(t);
            if (!same)
                break;
            for (int c = 0; c < 2; c++) {
                char *cell = lang_to_str(lang_prop_get(items[e], cols[c], NULL));
                size_t len = strlen(cell);
                if (len > w[c])
                    w[c] = len;
                free(cell);
            }
        }
        rs_buf b = {0};
        rs_buf_printf(&b, "%s   TypeName: %s\n\n", g || cont ? "" : "\n",
                      type); /* one blank line between the blocks */
        rs_buf_printf(&b, "%-*s %-*s %s\n", (int)w[0], cols[0], (int)w[1], cols[1], cols[2]);
        rs_buf_printf(&b, "%-*s %-*s %s\n", (int)w[0], "----", (int)w[1], "----------",
                      "----------");
        for (size_t k = g; k < e; k++) {
            char *c0 = lang_to_str(lang_prop_get(items[k], cols[0], NULL));
            char *c1 = lang_to_str(lang_prop_get(items[k], cols[1], NULL));
            char *c2 = lang_to_str(lang_prop_get(items[k], cols[2], NULL));
            int width = f->width;
            size_t used = w[0] + w[1] + 2;
            if (width > 0 && used + strlen(c2) > (size_t)width && (size_t)width > used + 3) {
                c2[width - used - 3] = '\0'; /* cut to the terminal, as a table is */
                rs_buf_printf(&b, "%-*s %-*s %s...\n", (int)w[0], c0, (int)w[1], c1, c2);
            } else {
                rs_buf_printf(&b, "%-*s %-*s %s\n", (int)w[0], c0, (int)w[1], c1, c2);
            }
            free(c0);
            free(c1);
            free(c2);
        }
        rs_buf_putc(&b, '\n');
        puts_(f, b.data);
        rs_buf_free(&b);
        free(type);
        g = e;
    }
    f->members_prev = true;
    return run;
}

static void push_items(fmt_state *f, lang_value **items, size_t n)
{
    size_t i = 0;
    while (i < n) {
        lang_value *v = items[i];
        if (!v) {
            i++;
            continue;
        }
        if (is_report(v)) {
            if (!f->report_open) {
                fmt_end(f);
                f->report_open = true;
            }
            report_line(f, v);
            i++;
            continue;
        }
        report_end(f);
        if (is_memberdef(v)) {
            i += members_view(f, items + i, n - i);
            continue;
        }
        f->members_prev = false;
        const char *txt = fmt_text_of(v);
        if (txt) {
            fmt_end(f);
            puts_(f, txt);
            i++;
            continue;
        }
        if (v->type == LV_ARRAY) {
            /* nested arrays in the output stream print element by element */
            fmt_push(f, v->u.arr.items, v->u.arr.n);
            i++;
            continue;
        }
        if (v->type == LV_DATETIME) {
            /* PowerShell's DateTime view: the long date and time between blank lines */
            fmt_end(f);
            puts_(f, "\n");
            for (; i < n && items[i] && items[i]->type == LV_DATETIME; i++) {
                char *s = lang_dt_format(items[i], "F");
                puts_(f, s);
                puts_(f, "\n");
                free(s);
            }
            puts_(f, "\n");
            continue;
        }
        if (is_plain_scalar(v)) {
            /* scalars print at once; an open table keeps going after them */
            flush_pending(f);
            f->oob_prev = false;
            char *s = lang_to_str(v);
            puts_(f, s);
            puts_(f, "\n");
            free(s);
            i++;
            continue;
        }
        /* PowerShell's Out-Default: the first object decides. Objects of the
         * table's type become rows under its columns (missing properties
         * blank, extra ones not shown); other objects print as lists "out of
         * band" while the table stays open. After an object shown as a list,
         * every object prints as a list. */
        if (f->table_open && !f->hash_rows && v->type == LV_OBJECT &&
            !strcmp(lang_type_name(v), f->table_type)) {
            table_add(f, v);
            i++;
            continue;
        }
        size_t ncols = 0;
        char **cols = default_columns(v, &ncols);
        bool as_list =
            v->type == LV_OBJECT && (!cols || f->list_open || (f->table_open && !f->hash_rows) ||
                                     (f->table_open && f->hash_rows && v->type != LV_HASH));
        if (as_list) {
            free_names(cols, ncols);
            rs_buf b = {0};
            if (f->table_open) {
                flush_pending(f); /* out of band: the table goes on after it */
                if (!f->oob_prev)
                    rs_buf_putc(&b, '\n');
                f->oob_prev = true;
            } else if (!f->list_open) {
                rs_buf_putc(&b, '\n');
                f->list_open = true;
            }
            size_t nn;
            char **names = select_props(v, NULL, &nn);
            list_entry(&b, v, names, nn, f->width);
            rs_buf_putc(&b, '\n');
            free_names(names, nn);
            put(f, b.data, b.len);
            rs_buf_free(&b);
            i++;
            continue;
        }
        if (!cols) {
            i++;
            continue;
        }
        f->list_open = false;
        char *key = shape_key(v, cols, ncols);
        if (!f->table_open || strcmp(f->shape, key) != 0) {
            fmt_end(f);
            f->table_open = true;
            f->shape = key;
            f->cols = cols;
            f->ncols = ncols;
            f->hash_rows = v->type == LV_HASH;
            f->table_type = rs_strdup(lang_type_name(v));
        } else {
            free(key);
            free_names(cols, ncols);
        }
        table_add(f, v);
        i++;
    }
}

char *fmt_default_text(lang_value **items, size_t n, int width)
{
    rs_buf b = {0};
    fmt_state f = {0};
    f.buf = &b;
    f.width = width;
    fmt_push(&f, items, n);
    fmt_end(&f);
    return b.data ? rs_buf_take(&b) : rs_strdup("");
}
