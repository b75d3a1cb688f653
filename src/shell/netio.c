/* netio.c - System.IO.Path / File / Directory statics (see netio.h). */
#include "netio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops.h"
#include "rs_util.h"

static char *arg(lang_value **args, size_t n, size_t i)
{
    return i < n ? lang_to_str(args[i]) : rs_strdup("");
}

static lang_status io_error(lang_interp *I, const lang_node *at, const char *name, size_t n,
                            const char *exc, const char *text)
{
    return lang_op_error(
        I, at, exc, "NotSpecified", "System.Management.Automation.MethodInvocationException",
        "Exception calling \"%s\" with \"%zu\" argument(s): \"%s\"", name, n, text);
}

static lang_status count_error(lang_interp *I, const lang_node *at, const char *name, size_t n)
{
    return lang_op_error(I, at, "MethodCountCouldNotFindBest", "NotSpecified",
                         "System.Management.Automation.MethodException",
                         "Cannot find an overload for \"%s\" and the argument count: \"%zu\".",
                         name, n);
}

/* The leaf of p (after the last '/'), borrowed from p. */
static const char *leaf(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static lang_status path_static(lang_interp *I, const lang_node *at, const char *name,
                               lang_value **args, size_t n, lang_value **res)
{
    if (rs_streq_ci(name, "Combine") || rs_streq_ci(name, "Join")) {
        if (!n)
            return count_error(I, at, name, n);
        rs_buf b = {0};
        for (size_t i = 0; i < n; i++) {
            char *p = lang_to_str(args[i]);
            if (rs_streq_ci(name, "Combine") && p[0] == '/')
                rs_buf_reset(&b); /* a rooted part starts over, as .NET's Combine */
            if (*p && b.len && b.data[b.len - 1] != '/' && p[0] != '/')
                rs_buf_putc(&b, '/');
            rs_buf_puts(&b, p);
            free(p);
        }
        *res = lang_str_take(b.data ? rs_buf_take(&b) : rs_strdup(""));
        return LANG_OK;
    }
    if (rs_streq_ci(name, "GetTempPath")) {
        const char *t = getenv("TMPDIR");
        char *p = rs_strdup(t && *t ? t : "/tmp");
        size_t l = strlen(p);
        while (l > 1 && p[l - 1] == '/')
            p[--l] = '\0';
        *res = lang_str_take(rs_asprintf("%s/", p));
        free(p);
        return LANG_OK;
    }
    if (n != 1 && !(rs_streq_ci(name, "ChangeExtension") && n == 2))
        return count_error(I, at, name, n);
    char *p = arg(args, n, 0);
    const char *lf = leaf(p);
    const char *dot = strrchr(lf, '.');
    if (rs_streq_ci(name, "GetFileName")) {
        *res = lang_str(lf);
    } else if (rs_streq_ci(name, "GetFileNameWithoutExtension")) {
        *res = dot ? lang_str_n(lf, (size_t)(dot - lf)) : lang_str(lf);
    } else if (rs_streq_ci(name, "GetExtension")) {
        *res = lang_str(dot && dot[1] ? dot : "");
    } else if (rs_streq_ci(name, "GetDirectoryName")) {
        const char *s = strrchr(p, '/');
        *res = !s       ? lang_str("")
               : s == p ? (p[1] ? lang_str("/") : NULL)
                        : lang_str_n(p, (size_t)(s - p));
    } else if (rs_streq_ci(name, "IsPathRooted")) {
        *res = lang_bool(p[0] == '/');
    } else if (rs_streq_ci(name, "GetFullPath")) {
        char cwd[4096];
        *res =
            p[0] == '/' || !getcwd(cwd, sizeof cwd)
                ? lang_str(p)
                : lang_str_take(rs_asprintf("%s/%s", cwd, p[0] == '.' && p[1] == '/' ? p + 2 : p));
    } else if (rs_streq_ci(name, "ChangeExtension")) {
        char *ext = arg(args, n, 1);
        size_t keep = dot ? (size_t)(dot - p) : strlen(p);
        *res = lang_str_take(
            rs_asprintf("%.*s%s%s", (int)keep, p, ext[0] && ext[0] != '.' ? "." : "", ext));
        free(ext);
    } else {
        free(p);
        return LANG_BREAK;
    }
    free(p);
    return LANG_OK;
}

static lang_status file_static(lang_interp *I, const lang_node *at, const char *name,
                               lang_value **args, size_t n, lang_value **res)
{
    bool read_all = rs_streq_ci(name, "ReadAllText") || rs_streq_ci(name, "ReadAllLines");
    bool write = rs_streq_ci(name, "WriteAllText") || rs_streq_ci(name, "AppendAllText") ||
                 rs_streq_ci(name, "WriteAllLines") || rs_streq_ci(name, "AppendAllLines");
    if (!rs_streq_ci(name, "Exists") && !read_all && !write && !rs_streq_ci(name, "Delete"))
        return LANG_BREAK;
    if (n < 1 || n > 3 || (write && n < 2) || (!write && n > 2))
        return count_error(I, at, name, n);
    char *p = arg(args, n, 0);
    lang_status st = LANG_OK;
    struct stat sb;
    if (rs_streq_ci(name, "Exists")) {
        *res = lang_bool(stat(p, &sb) == 0 && S_ISREG(sb.st_mode));
    } else if (rs_streq_ci(name, "Delete")) {
        if (unlink(p) != 0 && errno != ENOENT) {
            char *why = rs_asprintf("Access to the path '%s' is denied.", p);
            st = io_error(I, at, name, n, "UnauthorizedAccessException", why);
            free(why);
        }
    } else if (read_all) {
        char *text = lang_read_text_file(p, NULL);
        if (!text) {
            char *why = rs_asprintf("Could not find file '%s'.", p);
            st = io_error(I, at, name, n, "FileNotFoundException", why);
            free(why);
        } else {
            char *body = text;
            if (rs_streq_ci(name, "ReadAllText")) {
                *res = lang_str(body);
            } else {
                lang_value *a = lang_array_new();
                for (char *line = body, *next; *line; line = next) {
                    next = strchr(line, '\n');
                    size_t len = next ? (size_t)(next - line) : strlen(line);
                    if (len && line[len - 1] == '\r')
                        len--;
                    lang_array_push_take(a, lang_str_n(line, len));
                    if (!next)
                        break;
                    next++;
                }
                *res = a;
            }
            free(text);
        }
    } else {
        bool append = rs_prefix_ci(name, "Append");
        bool lines = strstr(name, "Lines") || strstr(name, "lines");
        rs_buf b = {0};
        lang_value *v = args[1];
        if (lines) {
            size_t k = v && v->type == LV_ARRAY ? v->u.arr.n : 1;
            for (size_t i = 0; i < k; i++) {
                char *s = lang_to_str(v && v->type == LV_ARRAY ? v->u.arr.items[i] : v);
                rs_buf_printf(&b, "%s\n", s);
                free(s);
            }
        } else {
            char *s = lang_to_str(v);
            rs_buf_puts(&b, s);
            free(s);
        }
        FILE *f = fopen(p, append ? "ab" : "wb");
        if (!f || (b.len && fwrite(b.data, 1, b.len, f) != b.len)) {
            char *why = rs_asprintf("Could not find a part of the path '%s'.", p);
            st = io_error(I, at, name, n, "DirectoryNotFoundException", why);
            free(why);
        }
        if (f && fclose(f) != 0 && st == LANG_OK)
            st = io_error(I, at, name, n, "IOException", strerror(errno));
        rs_buf_free(&b);
    }
    free(p);
    return st;
}

static lang_status dir_static(lang_interp *I, const lang_node *at, const char *name,
                              lang_value **args, size_t n, lang_value **res)
{
    if (!rs_streq_ci(name, "Exists") && !rs_streq_ci(name, "CreateDirectory"))
        return LANG_BREAK;
    if (n != 1)
        return count_error(I, at, name, n);
    char *p = arg(args, n, 0);
    struct stat sb;
    lang_status st = LANG_OK;
    if (rs_streq_ci(name, "Exists")) {
        *res = lang_bool(stat(p, &sb) == 0 && S_ISDIR(sb.st_mode));
    } else {
        /* every missing folder of the path, as .NET does */
        for (char *q = p + 1;; q++) {
            if (*q == '/' || !*q) {
                char c = *q;
                *q = '\0';
                if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                    char *why =
                        rs_asprintf("Could not create the folder '%s': %s.", p, strerror(errno));
                    st = io_error(I, at, name, n, "IOException", why);
                    free(why);
                    *q = c;
                    break;
                }
                *q = c;
                if (!c)
                    break;
            }
        }
        if (st == LANG_OK) {
            lang_value *d = lang_object_new("System.IO.DirectoryInfo");
            lang_prop_set_take(d, "Name", lang_str(leaf(p)));
            lang_prop_set_take(d, "FullName", lang_str(p));
            *res = d;
        }
    }
    free(p);
    return st;
}

lang_status lang_netio_static(lang_interp *I, const lang_node *at, const char *t, const char *name,
                              lang_value **args, size_t n, lang_value **res)
{
    *res = NULL;
    if (!strcmp(t, "io.path"))
        return path_static(I, at, name, args, n, res);
    if (!strcmp(t, "io.file"))
        return file_static(I, at, name, args, n, res);
    if (!strcmp(t, "io.directory"))
        return dir_static(I, at, name, args, n, res);
    return LANG_BREAK;
}
