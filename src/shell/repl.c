/* repl.c - interactive loop and completion (see repl.h). */
#include "repl.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <editline/readline.h>

#include "interp.h"
#include "rs_util.h"

static lang_interp *repl_interp;

static void add_candidate(char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    if (*n + 1 >= *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = rs_realloc(*v, *cap * sizeof(char *));
    }
    (*v)[(*n)++] = rs_strdup(s);
    (*v)[*n] = NULL;
}

/* The command word of the pipeline element the cursor is in (malloc'd) and
 * the previous word before `start` (malloc'd, may be NULL). */
static char *current_command(const char *line, int start, char **prev, bool *at_command)
{
    int seg = 0;
    bool in_sq = false, in_dq = false;
    for (int i = 0; i < start; i++) {
        char c = line[i];
        if (c == '\'' && !in_dq)
            in_sq = !in_sq;
        else if (c == '"' && !in_sq)
            in_dq = !in_dq;
        else if (!in_sq && !in_dq && (c == '|' || c == ';' || c == '(' || c == '{' || c == '}'))
            seg = i + 1;
    }
    while (line[seg] == ' ' || line[seg] == '\t')
        seg++;
    int e = seg;
    while (line[e] && line[e] != ' ' && line[e] != '\t')
        e++;
    *at_command = start <= seg;
    /* previous word */
    *prev = NULL;
    int p = start - 1;
    while (p >= 0 && (line[p] == ' ' || line[p] == '\t'))
        p--;
    if (p >= seg && p < start) {
        int q = p;
        while (q >= 0 && line[q] != ' ' && line[q] != '\t')
            q--;
        *prev = rs_strndup(line + q + 1, (size_t)(p - q));
    }
    if (*at_command)
        return NULL;
    return rs_strndup(line + seg, (size_t)(e - seg));
}

char **shell_complete(lang_interp *I, const char *line, int start, int end)
{
    char *text = rs_strndup(line + start, (size_t)(end - start));
    char *prev = NULL;
    bool at_cmd = false;
    char *cmd = current_command(line, start, &prev, &at_cmd);
    char **v = NULL;
    size_t n = 0, cap = 0;
    if (at_cmd) {
        for (size_t i = 0; i < cmdlet_table_len; i++)
            if (rs_prefix_ci(cmdlet_table[i].name, text))
                add_candidate(&v, &n, &cap, cmdlet_table[i].name);
        const char *const *al = lang_alias_names();
        for (int i = 0; al[i]; i++)
            if (rs_prefix_ci(al[i], text) && *text)
                add_candidate(&v, &n, &cap, al[i]);
        if (I)
            for (size_t i = 0; i < I->nfuncs; i++)
                if (rs_prefix_ci(I->funcs[i].name, text))
                    add_candidate(&v, &n, &cap, I->funcs[i].name);
    } else if (cmd) {
        const char *target = lang_alias_target(cmd);
        const cmdlet_def_t *def = cmdlet_find(target ? target : cmd);
        if (def && text[0] == '-') {
            for (size_t i = 0; i < def->nparams; i++) {
                char *cand = rs_asprintf("-%s", def->params[i].name);
                if (rs_prefix_ci(cand, text))
                    add_candidate(&v, &n, &cap, cand);
                free(cand);
            }
            static const char *const commons[] = {
                "-ErrorAction", "-WarningAction", "-ErrorVariable", "-OutVariable",
                "-WhatIf",      "-Confirm",       "-Verbose",       NULL};
            for (int i = 0; commons[i]; i++) {
                /* -WhatIf / -Confirm only where the binder accepts them */
                bool sp = !strcmp(commons[i], "-WhatIf") || !strcmp(commons[i], "-Confirm");
                if (sp && !(def->flags & CF_CHANGES))
                    continue;
                if (rs_prefix_ci(commons[i], text) && strlen(text) > 1)
                    add_candidate(&v, &n, &cap, commons[i]);
            }
        } else if (def && prev && prev[0] == '-') {
            bool amb = false;
            const cmdlet_param_t *p = cmdlet_param_resolve(def, prev + 1, &amb, NULL, 0);
            if (p && p->type == PT_ENUM && p->enum_values) {
                for (int k = 0; p->enum_values[k]; k++)
                    if (rs_prefix_ci(p->enum_values[k], text))
                        add_candidate(&v, &n, &cap, p->enum_values[k]);
            } else if (p && (p->type == PT_BOOL) && text[0] == '$') {
                if (rs_prefix_ci("$true", text))
                    add_candidate(&v, &n, &cap, "$true");
                if (rs_prefix_ci("$false", text))
                    add_candidate(&v, &n, &cap, "$false");
            } else if (prev && (rs_streq_ci(prev, "-ErrorAction") || rs_streq_ci(prev, "-ea"))) {
                static const char *const acts[] = {"SilentlyContinue", "Stop",   "Continue",
                                                   "Inquire",          "Ignore", NULL};
                for (int k = 0; acts[k]; k++)
                    if (rs_prefix_ci(acts[k], text))
                        add_candidate(&v, &n, &cap, acts[k]);
            }
        }
    }
    free(text);
    free(prev);
    free(cmd);
    return v;
}

/* libedit's completion hook: readline wants element 0 = the common prefix. */
static char **rl_complete_hook(const char *text, int start, int end)
{
    (void)text;
    rl_attempted_completion_over = 1;
    char **c = shell_complete(repl_interp, rl_line_buffer, start, end);
    if (!c || !c[0]) {
        free(c);
        return NULL;
    }
    size_t n = 0;
    while (c[n])
        n++;
    /* zeroed: libedit looks at out[2] even for a single match */
    char **out = calloc(n + 2, sizeof(char *));
    if (!out)
        return NULL;
    /* longest common prefix */
    size_t lcp = strlen(c[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < lcp && c[i][k] && (c[i][k] | 32) == (c[0][k] | 32))
            k++;
        lcp = k;
    }
    out[0] = n == 1 ? strdup(c[0]) : strndup(c[0], lcp);
    for (size_t i = 0; i < n; i++) {
        out[i + 1] = n == 1 ? NULL : strdup(c[i]);
        free(c[i]);
    }
    out[n == 1 ? 1 : n + 1] = NULL;
    free(c);
    return out;
}

/* Like PSReadLine, keep lines that look like they hold a secret out of the
 * history file. */
static bool sensitive(const char *line)
{
    static const char *const words[] = {"password", "asplaintext", "token",
                                        "apikey",   "secret",      NULL};
    char *low = rs_lower_dup(line);
    bool hit = false;
    for (int i = 0; words[i] && !hit; i++)
        hit = strstr(low, words[i]) != NULL;
    free(low);
    return hit;
}

static char *history_path(void)
{
    const char *home = getenv("HOME");
    return home && *home ? rs_asprintf("%s/.roomsys_history", home) : NULL;
}

static void on_sigint(int sig)
{
    (void)sig;
    lang_interrupted = 1;
}

int shell_repl(lang_interp *I)
{
    repl_interp = I;
    /* Ctrl-C stops the running command or discards the line being typed */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    rl_readline_name = "roomsys";
    rl_attempted_completion_function = rl_complete_hook;
    rl_completer_word_break_characters = " \t\n|;(){},=";
    char *hist = history_path();
    using_history();
    if (hist)
        read_history(hist);
    rs_buf chunk = {0};
    for (;;) {
        lang_interrupted = 0;
        char *line = readline(chunk.len ? ">> " : "PS roomsys> ");
        if (lang_interrupted) {
            /* ^C at the prompt: drop what was typed */
            lang_interrupted = 0;
            free(line);
            rs_buf_reset(&chunk);
            fputc('\n', stdout);
            continue;
        }
        if (!line) {
            if (chunk.len) {
                /* end of input inside an unfinished block: run it to show the error */
                lang_run_chunk(I, chunk.data, chunk.len);
            }
            fputc('\n', stdout);
            break;
        }
        if (chunk.len)
            rs_buf_putc(&chunk, '\n');
        rs_buf_puts(&chunk, line);
        free(line);
        lang_chunk_result r = lang_run_chunk(I, chunk.data, chunk.len);
        if (lang_interrupted)
            fputc('\n', stdout);
        if (r == LANG_CHUNK_INCOMPLETE)
            continue;
        char *trim = chunk.data;
        while (*trim == ' ' || *trim == '\t')
            trim++;
        if (*trim && !sensitive(chunk.data))
            add_history(chunk.data);
        rs_buf_reset(&chunk);
        if (r == LANG_CHUNK_EXIT)
            break;
    }
    rs_buf_free(&chunk);
    if (hist) {
        mode_t old = umask(077); /* the history is private */
        write_history(hist);
        umask(old);
        chmod(hist, 0600);
        free(hist);
    }
    return lang_exit_status(I);
}
