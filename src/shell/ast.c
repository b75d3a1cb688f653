/* ast.c - sources, programs and syntax tree nodes (see ast.h). */
#include "ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

lang_source *lang_source_new(const char *name, const char *text, size_t len)
{
    lang_source *s = rs_calloc(1, sizeof *s);
    s->refs = 1;
    s->name = name ? rs_strdup(name) : NULL;
    s->text = rs_strndup(text, len);
    s->len = len;
    size_t cap = 16;
    s->lines = rs_malloc(cap * sizeof(size_t));
    s->lines[s->nlines++] = 0;
    for (size_t i = 0; i < len; i++) {
        bool nl = text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'));
        if (!nl)
            continue;
        if (s->nlines == cap) {
            cap *= 2;
            s->lines = rs_realloc(s->lines, cap * sizeof(size_t));
        }
        s->lines[s->nlines++] = i + 1;
    }
    return s;
}

lang_source *lang_source_ref(lang_source *s)
{
    if (s) /* atomic: ForEach-Object -Parallel runspaces share programs (parallel.c) */
        __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
    return s;
}

void lang_source_unref(lang_source *s)
{
    if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    free(s->name);
    free(s->text);
    free(s->lines);
    free(s);
}

void lang_source_pos(const lang_source *s, size_t off, int *line, int *col)
{
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int)lo + 1;
    *col = (int)(off - s->lines[lo]) + 1;
}

char *lang_source_line(const lang_source *s, int line)
{
    if (line < 1 || (size_t)line > s->nlines)
        return rs_strdup("");
    size_t start = s->lines[line - 1];
    size_t end = start;
    while (end < s->len && s->text[end] != '\n' && s->text[end] != '\r')
        end++;
    return rs_strndup(s->text + start, end - start);
}

lang_program *lang_program_ref(lang_program *p)
{
    if (p) /* atomic: ForEach-Object -Parallel runspaces share programs (parallel.c) */
        __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    return p;
}

void lang_program_unref(lang_program *p)
{
    if (!p || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    lang_node_free(p->root);
    lang_source_unref(p->src);
    free(p);
}

lang_node *lang_node_new(lang_nkind kind, uint32_t start, uint32_t end)
{
    lang_node *n = rs_calloc(1, sizeof *n);
    n->kind = kind;
    n->start = start;
    n->end = end;
    return n;
}

void lang_node_add(lang_node *parent, lang_node *kid)
{
    if (parent->nkids == parent->capkids) {
        parent->capkids = parent->capkids ? parent->capkids * 2 : 4;
        parent->kids = rs_realloc(parent->kids, parent->capkids * sizeof(lang_node *));
    }
    parent->kids[parent->nkids++] = kid;
}

void lang_node_free(lang_node *n)
{
    if (!n)
        return;
    free(n->name);
    lang_unref(n->value);
    lang_node_free(n->a);
    lang_node_free(n->b);
    lang_node_free(n->c);
    for (size_t i = 0; i < n->nkids; i++)
        lang_node_free(n->kids[i]);
    free(n->kids);
    for (size_t i = 0; i < n->ntypes; i++)
        free(n->types[i]);
    free(n->types);
    free(n);
}

char *lang_node_text(const lang_program *p, const lang_node *n)
{
    if (!p || !n || n->end < n->start || n->end > p->src->len)
        return rs_strdup("");
    return rs_strndup(p->src->text + n->start, n->end - n->start);
}

char *lang_read_text(FILE *f, size_t *len)
{
    rs_buf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rs_buf_append(&b, chunk, got);
    size_t n = b.len;
    char *s = b.data ? rs_buf_take(&b) : rs_strdup("");
    /* a UTF-8 byte order mark is not part of the text */
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF) {
        memmove(s, s + 3, n - 3 + 1);
        n -= 3;
    }
    if (len)
        *len = n;
    return s;
}

char *lang_read_text_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = lang_read_text(f, len);
    fclose(f);
    return s;
}
