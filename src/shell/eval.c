/* eval.c - the tree-walking evaluator: scopes, statements, pipelines,
 * commands, functions and the top-level run loop (see eval.h, interp.h).
 * Operators, members, methods and casts are in ops.c.
 */
#include "eval.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "interp.h"
#include "ops.h"
#include "parse.h"
#include "rs_util.h"
#include "sbuilder.h"

volatile sig_atomic_t lang_interrupted;

/* ---- scopes and variables ---- */

static lang_scope *scope_new(lang_scope *parent)
{
    lang_scope *s = rs_calloc(1, sizeof *s);
    s->parent = parent;
    return s;
}

static void scope_free(lang_scope *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->vars[i].name);
        lang_unref(s->vars[i].value);
    }
    free(s->vars);
    free(s);
}

static lang_var *scope_find(lang_scope *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (rs_streq_ci(s->vars[i].name, name))
            return &s->vars[i];
    return NULL;
}

static void scope_set(lang_scope *s, const char *name, lang_value *v)
{
    lang_var *var = scope_find(s, name);
    if (var) {
        lang_value *old = var->value;
        var->value = lang_ref(v);
        lang_unref(old);
        return;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->vars = rs_realloc(s->vars, s->cap * sizeof(lang_var));
    }
    s->vars[s->n].name = rs_strdup(name);
    s->vars[s->n].value = lang_ref(v);
    s->n++;
}

/* Split "scope:name"; returns the bare name and sets *scope to the scope word. */
static const char *split_scope(const char *name, char *scope, size_t scopesz)
{
    const char *colon = strchr(name, ':');
    scope[0] = '\0';
    if (!colon)
        return name;
    size_t n = (size_t)(colon - name);
    if (n >= scopesz)
        n = scopesz - 1;
    memcpy(scope, name, n);
    scope[n] = '\0';
    return colon + 1;
}

lang_value *lang_var_get(lang_interp *I, const char *name, bool *found)
{
    bool dummy;
    if (!found)
        found = &dummy;
    *found = true;
    char scope[32];
    const char *bare = split_scope(name, scope, sizeof scope);
    if (rs_streq_ci(scope, "env")) {
        const char *e = getenv(bare);
        *found = e != NULL;
        return e ? lang_str(e) : NULL;
    }
    if (rs_streq_ci(scope, "using")) { /* $using:x: copied in by ForEach-Object -Parallel */
        lang_var *u = scope_find(I->global, name);
        *found = u != NULL;
        return u ? lang_ref(u->value) : NULL;
    }
    if (rs_streq_ci(bare, "true"))
        return lang_bool(true);
    if (rs_streq_ci(bare, "false"))
        return lang_bool(false);
    if (rs_streq_ci(bare, "null"))
        return NULL;
    if (rs_streq_ci(bare, "?"))
        return lang_bool(I->last_ok);
    if (rs_streq_ci(bare, "Error"))
        return lang_ref(I->error_list);
    if (rs_streq_ci(bare, "PSItem"))
        bare = "_";
    if (rs_streq_ci(bare, "PWD")) {
        char buf[4096];
        return lang_str(getcwd(buf, sizeof buf) ? buf : "");
    }
    if (rs_streq_ci(bare, "PID"))
        return lang_int(getpid());
    lang_scope *s =
        rs_streq_ci(scope, "global") || rs_streq_ci(scope, "script") ? I->global : I->scope;
    bool local_only = rs_streq_ci(scope, "local") || rs_streq_ci(scope, "private");
    for (; s; s = local_only ? NULL : s->parent) {
        lang_var *v = scope_find(s, bare);
        if (v)
            return lang_ref(v->value);
    }
    *found = false;
    return NULL;
}

bool lang_var_set(lang_interp *I, const char *name, lang_value *v)
{
    char scope[32];
    const char *bare = split_scope(name, scope, sizeof scope);
    if (rs_streq_ci(scope, "env")) {
        if (v) {
            char *s = lang_to_str(v);
            setenv(bare, s, 1);
            free(s);
        } else {
            unsetenv(bare);
        }
        return true;
    }
    if (rs_streq_ci(bare, "null"))
        return true;
    if (rs_streq_ci(bare, "true") || rs_streq_ci(bare, "false") || rs_streq_ci(bare, "?") ||
        rs_streq_ci(bare, "Error")) {
        char *msg =
            rs_asprintf("Cannot overwrite variable %s because it is read-only or constant.", bare);
        lang_error *e = lang_error_new(msg);
        free(msg);
        lang_error_set(&e->category, "WriteError");
        lang_error_set_exception(
            e, "System.Management.Automation.SessionStateUnauthorizedAccessException");
        lang_error_set(&e->target_name, bare);
        lang_error_set(&e->target_type, "String");
        lang_error_set_fqid(e, "VariableNotWritable", NULL);
        lang_throw(I, e);
        return false;
    }
    if (rs_streq_ci(bare, "PSItem"))
        bare = "_";
    lang_scope *s =
        rs_streq_ci(scope, "global") || rs_streq_ci(scope, "script") ? I->global : I->scope;
    scope_set(s, bare, v);
    return true;
}

int lang_scope_depth(const lang_interp *I)
{
    int d = 0;
    for (const lang_scope *s = I->scope; s && s->parent; s = s->parent)
        d++;
    return d;
}

void lang_var_set_in(lang_interp *I, const char *name, lang_value *v, int depth)
{
    int cur = lang_scope_depth(I);
    lang_scope *s = I->scope;
    if (cur < depth) { /* that scope has ended: the current one */
        lang_var_set(I, name, v);
        return;
    }
    for (int k = cur; k > depth; k--)
        s = s->parent;
    if (rs_streq_ci(name, "PSItem"))
        name = "_";
    scope_set(s, name, v);
}

void lang_set_global(lang_interp *I, const char *name, lang_value *v)
{
    scope_set(I->global, name, v);
}

lang_value *lang_get_var(lang_interp *I, const char *name)
{
    return lang_var_get(I, name, NULL);
}

lang_action lang_action_parse(const char *s)
{
    if (!s)
        return ACT_NONE;
    if (rs_streq_ci(s, "SilentlyContinue"))
        return ACT_SILENT;
    if (rs_streq_ci(s, "Stop"))
        return ACT_STOP;
    if (rs_streq_ci(s, "Continue"))
        return ACT_CONTINUE;
    if (rs_streq_ci(s, "Inquire"))
        return ACT_INQUIRE;
    if (rs_streq_ci(s, "Ignore"))
        return ACT_IGNORE;
    return ACT_NONE;
}

static lang_action pref(lang_interp *I, const char *var)
{
    lang_value *v = lang_var_get(I, var, NULL);
    lang_action a = ACT_CONTINUE;
    if (v) {
        int64_t i;
        double d;
        bool isd;
        if (v->type == LV_INT || (v->type != LV_STRING && lang_to_number(v, &i, &d, &isd))) {
            a = v->type == LV_INT ? (lang_action)v->u.i : ACT_CONTINUE;
        } else {
            char *s = lang_to_str(v);
            a = lang_action_parse(s);
            free(s);
            if (a == ACT_NONE)
                a = ACT_CONTINUE;
        }
    }
    lang_unref(v);
    return a;
}

/* ---- aliases and commands ---- */

static const char *const aliases[][2] = {{"fl", "Format-List"},         {"ft", "Format-Table"},
                                         {"select", "Select-Object"},   {"where", "Where-Object"},
                                         {"?", "Where-Object"},         {"%", "ForEach-Object"},
                                         {"foreach", "ForEach-Object"}, {"echo", "Write-Output"},
                                         {"write", "Write-Output"},     {"sleep", "Start-Sleep"},
                                         {"gcm", "Get-Command"},        {"help", "Get-Help"},
                                         {"man", "Get-Help"},           {"sort", "Sort-Object"},
                                         {"measure", "Measure-Object"}, {"ipmo", "Import-Module"},
                                         {"ipcsv", "Import-Csv"},       {"nsn", "New-PSSession"},
                                         {"ipsn", "Import-PSSession"},  {"rsn", "Remove-PSSession"},
                                         {"gsn", "Get-PSSession"},      {"cls", "Clear-Host"},
                                         {"clear", "Clear-Host"},       {"oh", "Out-Host"},
                                         {"ogv", "Out-GridView"},       {"epcsv", "Export-Csv"},
                                         {"gc", "Get-Content"},         {"gm", "Get-Member"},
                                         {"group", "Group-Object"},     {"tee", "Tee-Object"},
                                         {"compare", "Compare-Object"}, {"diff", "Compare-Object"},
                                         {"sls", "Select-String"},      {NULL, NULL}};

const char *lang_alias_target(const char *name)
{
    for (int i = 0; aliases[i][0]; i++)
        if (rs_streq_ci(aliases[i][0], name))
            return aliases[i][1];
    return NULL;
}

const char *const *lang_alias_names(void)
{
    static const char *names[sizeof aliases / sizeof aliases[0]];
    if (!names[0])
        for (int i = 0; aliases[i][0]; i++)
            names[i] = aliases[i][0];
    return names;
}

void lang_register(lang_interp *I, const char *name, lang_cmd_fn fn, void *ud)
{
    for (size_t i = 0; i < I->ncmds; i++) {
        if (rs_streq_ci(I->cmds[i].name, name)) {
            I->cmds[i].fn = fn;
            I->cmds[i].ud = ud;
            return;
        }
    }
    if (I->ncmds == I->capcmds) {
        I->capcmds = I->capcmds ? I->capcmds * 2 : 64;
        I->cmds = rs_realloc(I->cmds, I->capcmds * sizeof(lang_cmd));
    }
    lang_cmd *c = &I->cmds[I->ncmds++];
    const cmdlet_def_t *def = cmdlet_find(name);
    c->name = rs_strdup(def ? def->name : name);
    c->fn = fn;
    c->ud = ud;
    c->def = def;
}

const lang_cmd *lang_find_cmd(const lang_interp *I, const char *name)
{
    for (size_t i = 0; i < I->ncmds; i++)
        if (rs_streq_ci(I->cmds[i].name, name))
            return &I->cmds[i];
    return NULL;
}

static lang_function *find_function(lang_interp *I, const char *name)
{
    for (size_t i = 0; i < I->nfuncs; i++)
        if (rs_streq_ci(I->funcs[i].name, name))
            return &I->funcs[i];
    return NULL;
}

static void define_function(lang_interp *I, const char *name, lang_value *block)
{
    lang_function *f = find_function(I, name);
    if (f) {
        lang_unref(f->block);
        f->block = lang_ref(block);
        return;
    }
    if (I->nfuncs == I->capfuncs) {
        I->capfuncs = I->capfuncs ? I->capfuncs * 2 : 8;
        I->funcs = rs_realloc(I->funcs, I->capfuncs * sizeof(lang_function));
    }
    I->funcs[I->nfuncs].name = rs_strdup(name);
    I->funcs[I->nfuncs].block = lang_ref(block);
    I->nfuncs++;
}

static int param_index(const lang_cmdctx *ctx, const char *name)
{
    if (!ctx->b || !ctx->def)
        return -1;
    for (size_t i = 0; i < ctx->b->n; i++)
        if (rs_streq_ci(ctx->def->params[i].name, name))
            return (int)i;
    return -1;
}

lang_value *lang_param(const lang_cmdctx *ctx, const char *name)
{
    int i = param_index(ctx, name);
    return i >= 0 && ctx->b->present[i] ? ctx->b->values[i] : NULL;
}

bool lang_param_has(const lang_cmdctx *ctx, const char *name)
{
    int i = param_index(ctx, name);
    return i >= 0 && ctx->b->present[i];
}

bool lang_param_switch(const lang_cmdctx *ctx, const char *name)
{
    int i = param_index(ctx, name);
    return i >= 0 && ctx->b->present[i] && lang_truthy(ctx->b->values[i]);
}

/* ---- errors ---- */

lang_status lang_throw(lang_interp *I, lang_error *e)
{
    lang_error_free(I->pending);
    I->pending = e;
    I->last_ok = false;
    return LANG_THROW;
}

void lang_record_error(lang_interp *I, const lang_error *e)
{
    lang_value *rec = lang_error_record(e);
    /* $Error holds the newest error first */
    lang_value *list = lang_array_new();
    lang_array_push_take(list, rec);
    for (size_t i = 0; i < I->error_list->u.arr.n && i < 255; i++)
        lang_array_push(list, I->error_list->u.arr.items[i]);
    lang_unref(I->error_list);
    I->error_list = list;
}

void lang_report(lang_interp *I, const lang_error *e)
{
    if (e->quiet)
        return;
    fmt_flush(I->fmt); /* output produced before the error shows before it */
    char *text = lang_error_format(e);
    if (I->host.err)
        I->host.err(I->host.ud, text, strlen(text));
    free(text);
    I->errors_shown++;
    if (e->unreachable)
        I->unreachable = true;
    lang_record_error(I, e);
}

void lang_warning(lang_interp *I, const lang_cmdctx *ctx, const char *text)
{
    lang_action a =
        ctx && ctx->warning_action != ACT_NONE ? ctx->warning_action : pref(I, "WarningPreference");
    if (a == ACT_SILENT || a == ACT_IGNORE)
        return;
    char *line = rs_asprintf("WARNING: %s\n", text);
    lang_host_text(I, line, "Yellow");
    free(line);
}

void lang_error_at_cmd(lang_error *e, const lang_cmdctx *ctx)
{
    if (!e->command)
        lang_error_set(&e->command, ctx->name);
    if (!e->activity || !*e->activity)
        lang_error_set(&e->activity, ctx->name);
    if (!e->fqid)
        lang_error_set_fqid(e, e->reason, ctx->name);
    if (!e->position)
        lang_error_set_position(e, ctx->prog, ctx->start, ctx->end);
}

lang_status lang_cmd_error(lang_interp *I, lang_cmdctx *ctx, lang_error *e)
{
    lang_error_at_cmd(e, ctx);
    I->last_ok = false;
    if (ctx->b && ctx->b->error_variable) {
        lang_value *rec = lang_error_record(e);
        lang_value *cur = lang_var_get(I, ctx->b->error_variable, NULL);
        lang_value *list = lang_array_concat(cur && cur->type == LV_ARRAY ? cur : NULL, rec);
        lang_var_set(I, ctx->b->error_variable, list);
        lang_unref(list);
        lang_unref(cur);
        lang_unref(rec);
    }
    switch (ctx->error_action) {
    case ACT_STOP:
        e->script_terminating = true;
        return lang_throw(I, e);
    case ACT_IGNORE:
        break;
    case ACT_SILENT:
        lang_record_error(I, e);
        break;
    default:
        if (I->redirect_err == 1) {
            lang_record_error(I, e);
        } else if (I->redirect_err == 2 && ctx->out) {
            lang_list_push_take(ctx->out, lang_error_record(e));
            lang_record_error(I, e);
        } else {
            lang_report(I, e);
        }
        break;
    }
    lang_error_free(e);
    return LANG_OK;
}

lang_status lang_stop(lang_interp *I)
{
    lang_error *e = lang_error_new("The pipeline has been stopped.");
    lang_error_set_exception(e, "System.Management.Automation.PipelineStoppedException");
    e->script_terminating = true;
    e->quiet = true;
    return lang_throw(I, e);
}

lang_status lang_cmd_fail(lang_interp *I, lang_cmdctx *ctx, lang_error *e)
{
    lang_error_at_cmd(e, ctx);
    if (ctx->error_action == ACT_STOP)
        e->script_terminating = true;
    return lang_throw(I, e);
}

void lang_out_text(lang_interp *I, const char *text)
{
    if (I->host.out)
        I->host.out(I->host.ud, text, strlen(text));
}

void lang_host_text(lang_interp *I, const char *text, const char *color)
{
    if (I->host.host)
        I->host.host(I->host.ud, text, strlen(text), color);
    else if (I->host.out)
        I->host.out(I->host.ud, text, strlen(text));
}

static lang_status runtime_error(lang_interp *I, const lang_node *at, const char *id,
                                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static lang_status runtime_error(lang_interp *I, const lang_node *at, const char *id,
                                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lang_error *e = lang_error_new(buf);
    lang_error_set(&e->category, "InvalidOperation");
    lang_error_set_fqid(e, id, NULL);
    if (at)
        lang_error_set_position(e, I->prog, at->start, at->end);
    return lang_throw(I, e);
}

/* ---- evaluation ---- */

static lang_status eval_stmts(lang_interp *I, const lang_node *list, lang_list *out);
static lang_status eval_stmt(lang_interp *I, const lang_node *n, lang_list *out);
static lang_status eval_pipeline(lang_interp *I, const lang_node *n, lang_list *out);

/* Evaluate a statement and collapse its output to one value. */
static lang_status eval_stmt_value(lang_interp *I, const lang_node *n, lang_value **res)
{
    /* A pure expression keeps its value as is ($a = @() is an empty array,
     * $a = ,1 a one-element array); command output is collected. */
    if (n && n->kind == N_PIPELINE && n->nkids == 1 && n->kids[0]->kind != N_COMMAND)
        return lang_eval_expr(I, n->kids[0], res);
    lang_list l = {0};
    lang_status st = eval_stmt(I, n, &l);
    if (st != LANG_OK) {
        lang_list_clear(&l);
        *res = NULL;
        return st;
    }
    *res = lang_list_collapse(&l);
    return LANG_OK;
}

static lang_status eval_expand(lang_interp *I, const lang_node *n, lang_value **res)
{
    rs_buf b = {0};
    for (size_t i = 0; i < n->nkids; i++) {
        const lang_node *k = n->kids[i];
        lang_value *v = NULL;
        if (k->kind == N_CONST) {
            char *s = lang_to_str(k->value);
            rs_buf_puts(&b, s);
            free(s);
            continue;
        }
        lang_status st;
        if (k->kind == N_SUBEXPR) {
            lang_list l = {0};
            st = k->a ? eval_stmts(I, k->a, &l) : LANG_OK;
            if (st != LANG_OK) {
                lang_list_clear(&l);
                rs_buf_free(&b);
                return st;
            }
            v = lang_list_collapse(&l);
        } else {
            I->in_string++;
            st = lang_eval_expr(I, k, &v);
            I->in_string--;
            if (st != LANG_OK) {
                rs_buf_free(&b);
                return st;
            }
        }
        char *s = lang_to_str(v);
        rs_buf_puts(&b, s);
        free(s);
        lang_unref(v);
    }
    *res = lang_str_take(b.data ? rs_buf_take(&b) : rs_strdup(""));
    return LANG_OK;
}

static lang_status eval_hash(lang_interp *I, const lang_node *n, lang_value **res)
{
    lang_value *h = lang_hash_new();
    for (size_t i = 0; i + 1 < n->nkids; i += 2) {
        lang_value *k = NULL, *v = NULL;
        lang_status st = lang_eval_expr(I, n->kids[i], &k);
        if (st == LANG_OK)
            st = eval_stmt_value(I, n->kids[i + 1], &v);
        if (st != LANG_OK) {
            lang_unref(k);
            lang_unref(h);
            return st;
        }
        char *ks = lang_to_str(k);
        bool dup = false;
        lang_prop_get(h, ks, &dup);
        if (dup) {
            lang_unref(k);
            lang_unref(v);
            lang_unref(h);
            lang_status r =
                runtime_error(I, n->kids[i], "DuplicateKeyInHashLiteral",
                              "Duplicate keys '%s' are not allowed in hash literals.", ks);
            free(ks);
            return r;
        }
        lang_prop_set_take(h, ks, v);
        free(ks);
        lang_unref(k);
    }
    *res = h;
    return LANG_OK;
}

/* Which unset variables Set-StrictMode reports: not $env: ones, $using: ones
 * or the automatic variables PowerShell always has. */
static bool strict_checks_var(const char *name)
{
    char scope[32];
    const char *bare = split_scope(name, scope, sizeof scope);
    static const char *const automatic[] = {
        "_", "PSItem", "args", "input", "Matches", "this", "PSBoundParameters", "Host", NULL};
    if (rs_streq_ci(scope, "env") || rs_streq_ci(scope, "using"))
        return false;
    for (int k = 0; automatic[k]; k++)
        if (rs_streq_ci(bare, automatic[k]))
            return false;
    return true;
}

lang_status lang_eval_expr(lang_interp *I, const lang_node *n, lang_value **res)
{
    *res = NULL;
    if (!n)
        return LANG_OK;
    if (++I->call_depth > 1000) {
        I->call_depth--;
        return runtime_error(I, n, "CallDepthOverflow",
                             "The script failed due to call depth overflow.");
    }
    lang_status st = LANG_OK;
    switch (n->kind) {
    case N_CONST:
        *res = lang_ref(n->value);
        break;
    case N_VAR: {
        bool found = true;
        *res = lang_var_get(I, n->name, &found);
        if (!found && I->strict && strict_checks_var(n->name)) {
            /* Set-StrictMode: an unset variable is an error (version 1: outside strings) */
            if (I->strict >= 2 || !I->in_string) {
                char scope[32];
                const char *bare = split_scope(n->name, scope, sizeof scope);
                lang_error *e = lang_error_new("");
                free(e->message);
                e->message = rs_asprintf(
                    "The variable '$%s' cannot be retrieved because it has not been set.", bare);
                lang_error_set(&e->category, "InvalidOperation");
                lang_error_set_exception(e, "System.Management.Automation.RuntimeException");
                lang_error_set(&e->target_name, bare);
                lang_error_set(&e->target_type, "String");
                lang_error_set_fqid(e, "VariableIsUndefined", NULL);
                lang_error_set_position(e, I->prog, n->start, n->end);
                st = lang_throw(I, e);
            }
        }
        break;
    }
    case N_EXPAND:
        st = eval_expand(I, n, res);
        break;
    case N_SUBEXPR:
    case N_ARRAYEXPR: {
        lang_list l = {0};
        st = n->a ? eval_stmts(I, n->a, &l) : LANG_OK;
        if (st != LANG_OK) {
            lang_list_clear(&l);
            break;
        }
        *res = n->kind == N_SUBEXPR ? lang_list_collapse(&l) : lang_list_to_array(&l);
        break;
    }
    case N_PAREN:
        if (n->a && n->a->kind == N_ASSIGN) {
            lang_list l = {0};
            st = eval_stmt(I, n->a, &l);
            lang_list_clear(&l);
            if (st == LANG_OK)
                st = lang_eval_expr(I, n->a->a, res);
        } else {
            st = eval_stmt_value(I, n->a, res);
        }
        break;
    case N_ARRAY: {
        lang_value *arr = lang_array_new();
        for (size_t i = 0; i < n->nkids && st == LANG_OK; i++) {
            lang_value *v = NULL;
            st = lang_eval_expr(I, n->kids[i], &v);
            if (st == LANG_OK)
                lang_array_push_take(arr, v);
        }
        if (st != LANG_OK)
            lang_unref(arr);
        else
            *res = arr;
        break;
    }
    case N_HASH:
        st = eval_hash(I, n, res);
        break;
    case N_SCRIPTBLOCK:
        *res = lang_block_new((lang_program *)I->prog, n);
        break;
    case N_PIPELINE:
    case N_ASSIGN:
    case N_STMTS:
        st = eval_stmt_value(I, n, res);
        break;
    default:
        st = lang_eval_op(I, n, res);
        break;
    }
    I->call_depth--;
    return st;
}

/* ---- assignment ---- */

lang_status lang_assign(lang_interp *I, const lang_node *target, lang_value *v)
{
    switch (target->kind) {
    case N_VAR:
        return lang_var_set(I, target->name, v) ? LANG_OK : LANG_THROW;
    case N_CAST: {
        lang_value *cv = NULL;
        lang_status st = lang_cast(I, target, target->name, v, &cv);
        if (st == LANG_OK)
            st = lang_assign(I, target->a, cv);
        lang_unref(cv);
        return st;
    }
    case N_MEMBER: {
        lang_value *obj = NULL, *name = NULL;
        lang_status st = lang_eval_expr(I, target->a, &obj);
        if (st == LANG_OK)
            st = lang_eval_expr(I, target->b, &name);
        if (st == LANG_OK) {
            char *ns = lang_to_str(name);
            if (lang_psref_assign(I, obj, ns, v)) {
                /* done: the referenced variable is set */
            } else if (lang_sb_is(obj)) {
                st = lang_sb_set(I, target, obj, ns, v);
            } else if (obj && (obj->type == LV_HASH || obj->type == LV_OBJECT)) {
                lang_prop_set(obj, ns, v);
            } else {
                st = runtime_error(I, target, "PropertyAssignmentException",
                                   "The property '%s' cannot be found on this object. Verify "
                                   "that the property exists and can be set.",
                                   ns);
            }
            free(ns);
        }
        lang_unref(obj);
        lang_unref(name);
        return st;
    }
    case N_INDEX: {
        lang_value *obj = NULL, *idx = NULL;
        lang_status st = lang_eval_expr(I, target->a, &obj);
        if (st == LANG_OK)
            st = lang_eval_expr(I, target->b, &idx);
        if (st == LANG_OK) {
            if (obj && obj->type == LV_HASH) {
                char *ks = lang_to_str(idx);
                lang_prop_set(obj, ks, v);
                free(ks);
            } else if (obj && obj->type == LV_ARRAY) {
                int64_t i;
                double d;
                bool isd;
                if (!lang_to_number(idx, &i, &d, &isd)) {
                    st = runtime_error(I, target, "InvalidIndex", "Array index is not valid.");
                } else {
                    if (isd)
                        i = lang_d2i(d);
                    if (i < 0)
                        i += (int64_t)obj->u.arr.n;
                    if (i < 0 || i >= (int64_t)obj->u.arr.n) {
                        st = runtime_error(I, target, "IndexOutOfRange",
                                           "Index was outside the bounds of the array.");
                    } else {
                        lang_unref(obj->u.arr.items[i]);
                        obj->u.arr.items[i] = lang_ref(v);
                    }
                }
            } else {
                st = runtime_error(I, target, "CannotIndex", "Cannot index into a null array.");
            }
        }
        lang_unref(obj);
        lang_unref(idx);
        return st;
    }
    case N_ARRAY: {
        /* $a, $b = 1, 2, 3 : the last variable takes the rest */
        size_t nt = target->nkids;
        for (size_t i = 0; i < nt; i++) {
            lang_value *part = NULL;
            if (v && v->type == LV_ARRAY) {
                if (i + 1 < nt) {
                    part = lang_ref(lang_array_get(v, (int64_t)i));
                } else {
                    lang_value *rest = lang_array_new();
                    for (size_t k = i; k < v->u.arr.n; k++)
                        lang_array_push(rest, v->u.arr.items[k]);
                    part = rest->u.arr.n == 1 ? lang_ref(rest->u.arr.items[0]) : lang_ref(rest);
                    if (rest->u.arr.n == 0) {
                        lang_unref(part);
                        part = NULL;
                    }
                    lang_unref(rest);
                }
            } else if (i == 0) {
                part = lang_ref(v);
            }
            lang_status st = lang_assign(I, target->kids[i], part);
            lang_unref(part);
            if (st != LANG_OK)
                return st;
        }
        return LANG_OK;
    }
    default:
        return runtime_error(I, target, "InvalidLeftHandSide",
                             "The assignment expression is not valid.");
    }
}

static lang_status eval_assign(lang_interp *I, const lang_node *n)
{
    lang_value *rhs = NULL;
    lang_status st = eval_stmt_value(I, n->b, &rhs);
    if (st != LANG_OK)
        return st;
    if (n->op != '=') {
        lang_value *cur = NULL;
        st = lang_eval_expr(I, n->a, &cur);
        if (st != LANG_OK) {
            lang_unref(rhs);
            return st;
        }
        int op = n->op == '+'   ? OP_ADD
                 : n->op == '-' ? OP_SUB
                 : n->op == '*' ? OP_MUL
                 : n->op == '/' ? OP_DIV
                                : OP_MOD;
        lang_value *nv = NULL;
        st = lang_binary_at(I, n, op, cur, rhs, &nv);
        lang_unref(cur);
        lang_unref(rhs);
        if (st != LANG_OK)
            return st;
        rhs = nv;
    }
    st = lang_assign(I, n->a, rhs);
    lang_unref(rhs);
    return st;
}

/* ---- control flow ---- */

static lang_status eval_if(lang_interp *I, const lang_node *n, lang_list *out)
{
    for (size_t i = 0; i + 1 < n->nkids; i += 2) {
        lang_value *c = NULL;
        lang_status st = eval_stmt_value(I, n->kids[i], &c);
        if (st != LANG_OK)
            return st;
        bool t = lang_truthy(c);
        lang_unref(c);
        if (t)
            return eval_stmts(I, n->kids[i + 1], out);
    }
    if (n->c)
        return eval_stmts(I, n->c, out);
    return LANG_OK;
}

/* Loop body result: returns true when the loop must stop, with *st the status to return. */
static bool loop_control(lang_status *st)
{
    if (*st == LANG_BREAK) {
        *st = LANG_OK;
        return true;
    }
    if (*st == LANG_CONTINUE) {
        *st = LANG_OK;
        return false;
    }
    return *st != LANG_OK;
}

static lang_status eval_foreach(lang_interp *I, const lang_node *n, lang_list *out)
{
    lang_list items = {0};
    lang_value *coll = NULL;
    lang_status st = eval_stmt_value(I, n->a, &coll);
    if (st != LANG_OK)
        return st;
    if (coll)
        lang_list_push_enum(&items, coll);
    lang_unref(coll);
    for (size_t i = 0; i < items.n; i++) {
        if (!lang_var_set(I, n->name, items.v[i])) {
            st = LANG_THROW;
            break;
        }
        st = eval_stmts(I, n->b, out);
        if (loop_control(&st))
            break;
    }
    lang_list_clear(&items);
    return st;
}

static lang_status eval_cond(lang_interp *I, const lang_node *c, bool *t)
{
    lang_value *v = NULL;
    lang_status st = c ? eval_stmt_value(I, c, &v) : LANG_OK;
    *t = c ? lang_truthy(v) : true;
    lang_unref(v);
    return st;
}

static lang_status eval_while(lang_interp *I, const lang_node *n, lang_list *out)
{
    for (;;) {
        bool t;
        lang_status st = eval_cond(I, n->a, &t);
        if (st != LANG_OK || !t)
            return st;
        st = eval_stmts(I, n->b, out);
        if (loop_control(&st))
            return st;
    }
}

static lang_status eval_do(lang_interp *I, const lang_node *n, lang_list *out)
{
    for (;;) {
        lang_status st = eval_stmts(I, n->a, out);
        if (loop_control(&st))
            return st;
        bool t;
        st = eval_cond(I, n->b, &t);
        if (st != LANG_OK)
            return st;
        if ((n->flags & NF_UNTIL) ? t : !t)
            return LANG_OK;
    }
}

static lang_status eval_for(lang_interp *I, const lang_node *n, lang_list *out)
{
    lang_list discard = {0};
    lang_status st = n->kids[0] ? eval_stmt(I, n->kids[0], &discard) : LANG_OK;
    lang_list_clear(&discard);
    while (st == LANG_OK) {
        bool t;
        st = eval_cond(I, n->kids[1], &t);
        if (st != LANG_OK || !t)
            break;
        st = eval_stmts(I, n->a, out);
        if (loop_control(&st))
            break;
        if (n->kids[2]) {
            st = eval_stmt(I, n->kids[2], &discard);
            lang_list_clear(&discard);
        }
    }
    return st;
}

static lang_status eval_switch(lang_interp *I, const lang_node *n, lang_list *out)
{
    lang_value *subj = NULL;
    lang_status st = eval_stmt_value(I, n->a, &subj);
    if (st != LANG_OK)
        return st;
    lang_list items = {0};
    lang_list_push_enum(&items, subj);
    lang_unref(subj);
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        lang_value *item = items.v[i];
        bool matched = false, stop = false;
        const lang_node *deflt = NULL;
        lang_value *saved = lang_var_get(I, "_", NULL);
        lang_var_set(I, "_", item);
        for (size_t k = 0; k + 1 < n->nkids && !stop; k += 2) {
            const lang_node *pat = n->kids[k];
            if (!pat) {
                deflt = n->kids[k + 1];
                continue;
            }
            bool hit = false;
            if (pat->kind == N_SCRIPTBLOCK) {
                lang_list r = {0};
                lang_value *blk = lang_block_new((lang_program *)I->prog, pat);
                st = lang_invoke_block(I, blk, item, NULL, 0, false, &r);
                lang_unref(blk);
                lang_value *rv = lang_list_collapse(&r);
                hit = lang_truthy(rv);
                lang_unref(rv);
            } else {
                lang_value *pv = NULL;
                st = lang_eval_expr(I, pat, &pv);
                if (st == LANG_OK) {
                    lang_value *r = NULL;
                    int op = (n->flags & NF_REGEX)      ? OP_MATCH
                             : (n->flags & NF_WILDCARD) ? OP_LIKE
                                                        : OP_EQ;
                    st = lang_binary_at(I, pat, op, item, pv, &r);
                    hit = lang_truthy(r);
                    lang_unref(r);
                }
                lang_unref(pv);
            }
            if (st != LANG_OK)
                break;
            if (hit) {
                matched = true;
                st = eval_stmts(I, n->kids[k + 1], out);
                if (st == LANG_BREAK) {
                    st = LANG_OK;
                    stop = true;
                    i = items.n;
                } else if (st == LANG_CONTINUE) {
                    st = LANG_OK;
                    stop = true;
                }
            }
        }
        if (st == LANG_OK && !matched && deflt)
            st = eval_stmts(I, deflt, out);
        lang_var_set(I, "_", saved);
        lang_unref(saved);
    }
    lang_list_clear(&items);
    return st;
}

static bool catch_matches(const lang_node *c, const lang_error *e)
{
    if (c->ntypes == 0)
        return true;
    for (size_t i = 0; i < c->ntypes; i++) {
        const char *t = c->types[i];
        if (rs_prefix_ci(t, "System."))
            t += 7;
        const char *ex = e->exception ? e->exception : "";
        const char *exs = rs_prefix_ci(ex, "System.") ? ex + 7 : ex;
        if (rs_streq_ci(t, "Exception") ||
            rs_streq_ci(t, "Management.Automation.RuntimeException") ||
            rs_streq_ci(t, "RuntimeException"))
            return true;
        if (rs_streq_ci(t, exs) || rs_streq_ci(t, e->reason ? e->reason : ""))
            return true;
        /* PowerShell also matches the exception a RuntimeException wraps
         * (catch [DivideByZeroException] around 1/0) */
        const char *in = e->inner ? e->inner : "";
        if (*in && (rs_streq_ci(t, rs_prefix_ci(in, "System.") ? in + 7 : in) ||
                    rs_streq_ci(t, strrchr(in, '.') ? strrchr(in, '.') + 1 : in)))
            return true;
        if (rs_streq_ci(t, "Management.Automation.ActionPreferenceStopException") &&
            e->script_terminating)
            return true;
    }
    return false;
}

static lang_status eval_try(lang_interp *I, const lang_node *n, lang_list *out)
{
    I->try_depth++;
    lang_status st = eval_stmts(I, n->a, out);
    I->try_depth--;
    if (st == LANG_THROW && I->pending && !I->pending->quiet) {
        for (size_t i = 0; i < n->nkids; i++) {
            const lang_node *c = n->kids[i];
            if (!catch_matches(c, I->pending))
                continue;
            lang_error *e = I->pending;
            I->pending = NULL;
            lang_value *rec = lang_error_record(e);
            lang_record_error(I, e);
            lang_error_free(e);
            lang_value *saved = lang_var_get(I, "_", NULL);
            lang_var_set(I, "_", rec);
            st = eval_stmts(I, c->a, out);
            lang_var_set(I, "_", saved);
            lang_unref(saved);
            lang_unref(rec);
            break;
        }
    }
    if (n->b) {
        lang_error *pending = I->pending;
        I->pending = NULL;
        int exit_code = I->exit_code;
        lang_status fst = eval_stmts(I, n->b, out);
        if (fst != LANG_OK) {
            lang_error_free(pending);
            return fst;
        }
        I->pending = pending;
        I->exit_code = exit_code;
    }
    return st;
}

static lang_status eval_flow(lang_interp *I, const lang_node *n, lang_list *out)
{
    lang_value *v = NULL;
    lang_status st = LANG_OK;
    if (n->a) {
        st = eval_stmt_value(I, n->a, &v);
        if (st != LANG_OK)
            return st;
    }
    switch (n->op) {
    case 'b':
        return LANG_BREAK;
    case 'c':
        return LANG_CONTINUE;
    case 'r':
        if (v)
            lang_list_push_enum(out, v);
        lang_unref(v);
        return LANG_RETURN;
    case 'x': {
        int64_t i = 0;
        double d;
        bool isd;
        if (v && lang_to_number(v, &i, &d, &isd) && isd)
            i = lang_d2i(d);
        I->exit_code = v ? (int)i : -1;
        I->exited = true;
        lang_unref(v);
        return LANG_EXIT;
    }
    case 't': {
        lang_error *e;
        const lang_error *inner = lang_error_of_record(v);
        const char *tn = v && v->type == LV_OBJECT ? lang_type_name(v) : "";
        size_t tl = strlen(tn);
        if (inner) {
            e = lang_error_copy(inner);
        } else if (tl > 9 && !strcmp(tn + tl - 9, "Exception")) {
            /* throw [ArgumentException]::new('text'): that exception, its message */
            char *msg = lang_to_str(lang_prop_get(v, "Message", NULL));
            e = lang_error_new(msg);
            lang_error_set(&e->category, "OperationStopped");
            lang_error_set_exception(e, tn);
            lang_error_set_fqid(e, msg, NULL);
            free(msg);
        } else {
            char *msg = v ? lang_to_str(v) : rs_strdup("ScriptHalted");
            e = lang_error_new(msg);
            lang_error_set(&e->category, "OperationStopped");
            lang_error_set(&e->target_name, v ? msg : "");
            lang_error_set(&e->target_type, v ? "String" : "");
            lang_error_set_fqid(e, msg, NULL);
            e->target = lang_ref(v);
            free(msg);
        }
        free(e->command);
        e->command = NULL;
        lang_error_set_position(e, I->prog, n->start, n->end);
        e->script_terminating = true;
        lang_unref(v);
        return lang_throw(I, e);
    }
    }
    lang_unref(v);
    return LANG_OK;
}

/* ---- commands ---- */

static void args_free(lang_arg *args, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(args[i].name);
        lang_unref(args[i].value);
    }
    free(args);
}

static void args_push(lang_arg **args, size_t *n, size_t *cap, lang_arg a)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *args = rs_realloc(*args, *cap * sizeof(lang_arg));
    }
    (*args)[(*n)++] = a;
}

/* Evaluate the arguments of a command node into args. */
static lang_status eval_args(lang_interp *I, const lang_node *cmd, lang_arg **out_args,
                             size_t *out_n, const lang_node **redirs, size_t *nredirs)
{
    lang_arg *args = NULL;
    size_t n = 0, cap = 0;
    *nredirs = 0;
    for (size_t i = 1; i < cmd->nkids; i++) {
        const lang_node *k = cmd->kids[i];
        lang_arg a = {0};
        a.start = k->start;
        a.end = k->end;
        if (k->kind == N_REDIRECT) {
            if (*nredirs < 4)
                redirs[(*nredirs)++] = k;
            continue;
        }
        if (k->kind == N_CMD_PARAM) {
            a.is_param = true;
            a.name = rs_strdup(k->name);
            if (k->flags & NF_COLON) {
                a.colon = true;
                lang_status st = lang_eval_expr(I, k->a, &a.value);
                if (st != LANG_OK) {
                    free(a.name);
                    args_free(args, n);
                    return st;
                }
            }
            args_push(&args, &n, &cap, a);
            continue;
        }
        if (k->kind == N_VAR && (k->flags & NF_SPLAT)) {
            lang_value *v = lang_var_get(I, k->name, NULL);
            if (v && v->type == LV_HASH) {
                for (size_t p = 0; p < v->u.obj.n; p++) {
                    lang_arg sa = {0};
                    sa.is_param = true;
                    sa.colon = true;
                    sa.name = rs_strdup(v->u.obj.props[p].name);
                    sa.value = lang_ref(v->u.obj.props[p].value);
                    sa.start = k->start;
                    sa.end = k->end;
                    args_push(&args, &n, &cap, sa);
                }
            } else if (v && v->type == LV_ARRAY) {
                for (size_t p = 0; p < v->u.arr.n; p++) {
                    lang_arg sa = {0};
                    sa.value = lang_ref(v->u.arr.items[p]);
                    sa.start = k->start;
                    sa.end = k->end;
                    args_push(&args, &n, &cap, sa);
                }
            } else if (v) {
                a.value = lang_ref(v);
                args_push(&args, &n, &cap, a);
            }
            lang_unref(v);
            continue;
        }
        lang_status st = lang_eval_expr(I, k, &a.value);
        if (st != LANG_OK) {
            args_free(args, n);
            return st;
        }
        args_push(&args, &n, &cap, a);
    }
    *out_args = args;
    *out_n = n;
    return LANG_OK;
}

/* Bind a function's param block (or $args) in the new scope. */
/* Does an unbound parameter of this type start as the type's default value
 * (0, '', $false) rather than $null, as .NET value types and [string] do? */
static bool value_type_default(const char *type)
{
    static const char *const types[] = {
        "int",          "long",          "double",         "string",        "bool",
        "System.Int32", "System.String", "System.Boolean", "System.Double", "System.Int64"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (rs_streq_ci(type, types[i]))
            return true;
    return false;
}

/* [ValidateSet(...)] of a function or script parameter: v must be one of
 * the values (case-insensitive), as PowerShell checks after conversion. */
static lang_status validate_set(lang_interp *I, const lang_node *d, lang_value *v,
                                const char *fname, uint32_t start, uint32_t end)
{
    if (!d->b || !d->b->nkids)
        return LANG_OK;
    lang_list items = {0};
    lang_list_push_enum(&items, v);
    lang_status st = LANG_OK;
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        char *txt = lang_to_str(items.v[i]);
        bool ok = false;
        rs_buf set = {0};
        for (size_t k = 0; k < d->b->nkids; k++) {
            const char *allowed = d->b->kids[k]->value ? d->b->kids[k]->value->u.str.s : "";
            ok |= rs_streq_ci(txt, allowed);
            rs_buf_printf(&set, "%s%s", k ? "," : "", allowed);
        }
        if (!ok) {
            char *msg = rs_asprintf(
                "Cannot validate argument on parameter '%s'. The argument \"%s\" does not belong "
                "to the set \"%s\" specified by the ValidateSet attribute. Supply an argument "
                "that is in the set and then try the command again.",
                d->name, txt, set.data ? set.data : "");
            st = lang_throw(I, lang_binding_error(msg, "ParameterArgumentValidationError",
                                                  "InvalidData", fname, I->prog, start, end));
            free(msg);
        }
        rs_buf_free(&set);
        free(txt);
    }
    lang_list_clear(&items);
    return st;
}

/* Bind the parameters that take pipeline input ([Parameter(ValueFromPipeline)]
 * / ValueFromPipelineByPropertyName) to one input object, skipping those the
 * command line bound (bound[], may be NULL). */
static lang_status bind_pipeline_params(lang_interp *I, const lang_node *params, const bool *bound,
                                        lang_value *item, const char *fname, uint32_t start,
                                        uint32_t end)
{
    lang_status st = LANG_OK;
    for (size_t p = 0; params && p < params->nkids && st == LANG_OK; p++) {
        const lang_node *d = params->kids[p];
        if ((bound && bound[p]) || !(d->flags & (NF_PIPE_VALUE | NF_PIPE_PROP)))
            continue;
        lang_value *v = NULL;
        bool found = false;
        if ((d->flags & NF_PIPE_PROP) && item &&
            (item->type == LV_OBJECT || item->type == LV_HASH)) {
            v = lang_ref(lang_prop_get(item, d->name, &found));
        }
        if (!found && (d->flags & NF_PIPE_VALUE)) {
            v = lang_ref(item);
            found = true;
        }
        if (!found)
            continue;
        if (d->ntypes) {
            lang_value *cv = NULL;
            st = lang_cast(I, d, d->types[0], v, &cv);
            lang_unref(v);
            v = cv;
        }
        if (st == LANG_OK)
            st = validate_set(I, d, v, fname, start, end);
        if (st == LANG_OK)
            lang_var_set(I, d->name, v);
        lang_unref(v);
    }
    return st;
}

/* bound_out (np entries, may be NULL) receives which parameters the arguments
 * bound; with `piped` a parameter that takes pipeline input is not reported
 * missing (the input binds it). */
static lang_status bind_function_params(lang_interp *I, const lang_node *params, lang_arg *args,
                                        size_t nargs, const char *fname, uint32_t start,
                                        uint32_t end, bool piped, bool *bound_out)
{
    size_t np = params ? params->nkids : 0;
    bool *bound = rs_calloc(np ? np : 1, sizeof(bool));
    lang_value *rest = lang_array_new();
    lang_status st = LANG_OK;
    for (size_t i = 0; i < nargs && st == LANG_OK; i++) {
        lang_arg *a = &args[i];
        if (a->is_param && np) {
            int hit = -1, cands = 0;
            for (size_t p = 0; p < np; p++) {
                const char *pn = params->kids[p]->name;
                if (rs_streq_ci(pn, a->name)) {
                    hit = (int)p;
                    cands = 1;
                    break;
                }
                if (rs_prefix_ci(pn, a->name)) {
                    hit = (int)p;
                    cands++;
                }
            }
            if (cands == 1) {
                const lang_node *d = params->kids[hit];
                bool is_switch = d->ntypes && rs_streq_ci(d->types[0], "switch");
                lang_value *v = NULL;
                if (a->colon) {
                    v = lang_ref(a->value);
                } else if (is_switch) {
                    v = lang_bool(true);
                } else if (i + 1 < nargs && !args[i + 1].is_param) {
                    v = lang_ref(args[++i].value);
                } else {
                    char *msg = rs_asprintf("Missing an argument for parameter '%s'. Specify a "
                                            "parameter of type '%s' and try again.",
                                            d->name, d->ntypes ? d->types[0] : "System.Object");
                    st = lang_throw(I, lang_binding_error(msg, "MissingArgument", "InvalidArgument",
                                                          fname, I->prog, a->start, a->end));
                    free(msg);
                    break;
                }
                if (d->ntypes) {
                    lang_value *cv = NULL;
                    st = lang_cast(I, d, d->types[0], v, &cv);
                    lang_unref(v);
                    v = cv;
                }
                if (st == LANG_OK)
                    st = validate_set(I, d, v, fname, args[i].start, args[i].end);
                if (st == LANG_OK)
                    lang_var_set(I, d->name, v);
                lang_unref(v);
                bound[hit] = true;
                continue;
            }
        }
        if (a->is_param) {
            lang_array_push_take(rest,
                                 lang_str_take(rs_asprintf("-%s%s", a->name, a->colon ? ":" : "")));
            if (a->colon)
                lang_array_push(rest, a->value);
            continue;
        }
        /* positional */
        size_t p = 0;
        while (p < np && bound[p])
            p++;
        if (p < np) {
            const lang_node *d = params->kids[p];
            lang_value *v = lang_ref(a->value);
            if (d->ntypes && !rs_streq_ci(d->types[0], "switch")) {
                lang_value *cv = NULL;
                st = lang_cast(I, d, d->types[0], v, &cv);
                lang_unref(v);
                v = cv;
            }
            if (st == LANG_OK)
                st = validate_set(I, d, v, fname, a->start, a->end);
            if (st == LANG_OK)
                lang_var_set(I, d->name, v);
            lang_unref(v);
            bound[p] = true;
        } else {
            lang_array_push(rest, a->value);
        }
    }
    for (size_t p = 0; p < np && st == LANG_OK; p++) {
        if (bound[p])
            continue;
        const lang_node *d = params->kids[p];
        if ((d->flags & NF_MANDATORY) && !(piped && (d->flags & (NF_PIPE_VALUE | NF_PIPE_PROP)))) {
            char *msg = rs_asprintf("Cannot process command because of one or more missing "
                                    "mandatory parameters: %s.",
                                    d->name);
            st = lang_throw(I, lang_binding_error(msg, "MissingMandatoryParameter",
                                                  "InvalidArgument", fname, I->prog, start, end));
            free(msg);
            break;
        }
        lang_value *v = NULL;
        if (d->a)
            st = lang_eval_expr(I, d->a, &v);
        else if (d->ntypes && rs_streq_ci(d->types[0], "switch"))
            v = lang_bool(false);
        else if (d->ntypes && value_type_default(d->types[0]))
            st = lang_cast(I, d, d->types[0], NULL, &v); /* [int] -> 0, [string] -> '' */
        if (st == LANG_OK)
            lang_var_set(I, d->name, v);
        lang_unref(v);
    }
    if (st == LANG_OK)
        lang_var_set(I, "args", rest);
    lang_unref(rest);
    if (bound_out)
        memcpy(bound_out, bound, np * sizeof(bool));
    free(bound);
    return st;
}

/* begin { } process { } end { }: begin once, process once per pipeline
 * object ($_ and the pipeline parameters bound to it; once without input),
 * end once. `return` ends only the block it is in. */
static lang_status run_named_blocks(lang_interp *I, const lang_node *sb, lang_list *input,
                                    const bool *bound, const char *fname, uint32_t start,
                                    uint32_t end, lang_list *out)
{
    const lang_node *nb = sb->c;
    const lang_node *params = sb->kind == N_SCRIPTBLOCK ? sb->b : sb->a;
    lang_status st = LANG_OK;
    if (nb->a) {
        st = eval_stmts(I, nb->a, out);
        if (st == LANG_RETURN)
            st = LANG_OK;
    }
    if (st == LANG_OK && nb->b) {
        size_t n = input ? input->n : 1;
        for (size_t i = 0; i < n && st == LANG_OK; i++) {
            if (input) {
                lang_var_set(I, "_", input->v[i]);
                st = bind_pipeline_params(I, params, bound, input->v[i], fname, start, end);
            }
            if (st == LANG_OK)
                st = eval_stmts(I, nb->b, out);
            if (st == LANG_RETURN)
                st = LANG_OK;
        }
    }
    if (st == LANG_OK && nb->c) {
        st = eval_stmts(I, nb->c, out);
        if (st == LANG_RETURN)
            st = LANG_OK;
    }
    return st;
}

/* Run a script block / function with arguments in a new scope (or the current one). */
static lang_status call_block(lang_interp *I, lang_value *block, const char *name, lang_arg *args,
                              size_t nargs, lang_list *input, bool new_scope, uint32_t start,
                              uint32_t end, lang_list *out)
{
    const lang_node *sb = block->u.blk.body;
    if (I->call_depth > 200)
        return runtime_error(I, NULL, "CallDepthOverflow",
                             "The script failed due to call depth overflow.");
    I->call_depth += 5; /* a call costs more stack than an expression */
    const lang_program *saved_prog = I->prog;
    lang_scope *saved_scope = I->scope;
    if (new_scope)
        I->scope = scope_new(I->scope);
    lang_status st = LANG_OK;
    if (input) {
        lang_value *in = lang_array_new();
        for (size_t i = 0; i < input->n; i++)
            lang_array_push(in, input->v[i]);
        lang_var_set(I, "input", in);
        lang_unref(in);
    }
    /* a script block, or a script file's program (N_STMTS: a = param, c = named blocks) */
    const lang_node *params = sb->kind == N_SCRIPTBLOCK ? sb->b : sb->a;
    bool *bound = rs_calloc(params && params->nkids ? params->nkids : 1, sizeof(bool));
    st = bind_function_params(I, params, args, nargs, name ? name : "", start, end, input != NULL,
                              bound);
    /* without a process block, pipeline parameters get the last input object */
    if (st == LANG_OK && input && input->n && !sb->c)
        st = bind_pipeline_params(I, params, bound, input->v[input->n - 1], name ? name : "", start,
                                  end);
    const char *saved_fn = I->fn_name;
    uint32_t saved_fs = I->fn_start, saved_fe = I->fn_end;
    const lang_program *saved_fp = I->fn_prog;
    if (name) {
        I->fn_name = name;
        I->fn_start = start;
        I->fn_end = end;
        I->fn_prog = saved_prog;
    }
    I->prog = block->u.blk.prog;
    if (st == LANG_OK && sb->c) {
        st = run_named_blocks(I, sb, input, bound, name ? name : "", start, end, out);
    } else if (st == LANG_OK) {
        const lang_node *body = sb->kind == N_SCRIPTBLOCK ? sb->a : sb;
        st = eval_stmts(I, body, out);
    }
    free(bound);
    I->prog = saved_prog;
    I->fn_name = saved_fn;
    I->fn_start = saved_fs;
    I->fn_end = saved_fe;
    I->fn_prog = saved_fp;
    if (new_scope) {
        scope_free(I->scope);
        I->scope = saved_scope;
    }
    I->call_depth -= 5;
    if (st == LANG_RETURN)
        st = LANG_OK;
    return st;
}

lang_status lang_invoke_block(lang_interp *I, lang_value *block, lang_value *dollar_under,
                              lang_value **args, size_t nargs, bool new_scope, lang_list *out)
{
    if (!block || block->type != LV_BLOCK)
        return LANG_OK;
    lang_value *saved = lang_var_get(I, "_", NULL);
    lang_var_set(I, "_", dollar_under);
    lang_arg *a = nargs ? rs_calloc(nargs, sizeof(lang_arg)) : NULL;
    for (size_t i = 0; i < nargs; i++)
        a[i].value = args[i];
    const lang_node *sb = block->u.blk.body;
    lang_status st;
    if (!new_scope && (sb->kind != N_SCRIPTBLOCK || (!sb->b && !sb->c)) && nargs == 0) {
        const lang_program *saved_prog = I->prog;
        I->prog = block->u.blk.prog;
        st = eval_stmts(I, sb->kind == N_SCRIPTBLOCK ? sb->a : sb, out);
        I->prog = saved_prog;
        if (st == LANG_RETURN)
            st = LANG_OK;
    } else {
        st = call_block(I, block, NULL, a, nargs, NULL, new_scope, sb->start, sb->end, out);
    }
    free(a);
    lang_var_set(I, "_", saved);
    lang_unref(saved);
    return st;
}

static lang_status command_not_found(lang_interp *I, const char *name, const lang_node *at)
{
    rs_err err;
    rs_raise(&err, RS_E_COMMAND_NOT_FOUND, name);
    lang_error *e = lang_error_from_rs(&err, NULL);
    lang_error_set(&e->command, name);
    lang_error_set(&e->activity, "");
    lang_error_set(&e->target_name, name);
    lang_error_set(&e->target_type, "String");
    lang_error_set_fqid(e, "CommandNotFoundException", NULL);
    lang_error_set_position(e, I->prog, at->start, at->end);
    return lang_throw(I, e);
}

/* Apply output redirection of a finished command. */
static lang_status apply_redirects(lang_interp *I, const lang_node **redirs, size_t nredirs,
                                   lang_list *produced, lang_list *out)
{
    for (size_t r = 0; r < nredirs; r++) {
        const lang_node *rd = redirs[r];
        if (rd->op == '2' || !rd->a)
            continue;
        lang_value *target = NULL;
        lang_status st = lang_eval_expr(I, rd->a, &target);
        if (st != LANG_OK)
            return st;
        if (target) {
            char *path = lang_to_str(target);
            char *text = fmt_default_text(produced->v, produced->n, 0);
            FILE *f = fopen(path, (rd->flags & NF_APPEND) ? "a" : "w");
            if (!f) {
                lang_status rs = runtime_error(I, rd, "FileOpenFailure",
                                               "Could not open file '%s' for writing.", path);
                free(path);
                free(text);
                lang_unref(target);
                return rs;
            }
            fputs(text[0] == '\n' ? text + 1 : text, f);
            fclose(f);
            free(path);
            free(text);
        }
        lang_unref(target);
        lang_list_clear(produced); /* > $null and > file: nothing goes on */
        return LANG_OK;
    }
    for (size_t i = 0; i < produced->n; i++)
        lang_list_push(out, produced->v[i]);
    lang_list_clear(produced);
    return LANG_OK;
}

/* ---- script files run as commands (`& ./x.ps1`, `.\x.ps1`, `. "$PSScriptRoot\lib.ps1"`) ---- */

/* $PSCommandPath, $PSScriptRoot and $MyInvocation for the script at path (absolute). */
static void script_vars_set(lang_interp *I, const char *path)
{
    lang_value *p = lang_str(path);
    lang_set_global(I, "PSCommandPath", p);
    lang_unref(p);
    char *dir = rs_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    lang_value *root = lang_str(slash ? (slash == dir ? "/" : dir) : ".");
    lang_set_global(I, "PSScriptRoot", root);
    lang_value *mi = lang_object_new("System.Management.Automation.InvocationInfo");
    lang_value *mc = lang_object_new("System.Management.Automation.ExternalScriptInfo");
    const char *leaf = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    lang_prop_set_take(mc, "Name", lang_str(leaf));
    lang_prop_set_take(mc, "Path", lang_str(path));
    lang_prop_set_take(mc, "Source", lang_str(path));
    lang_prop_set_take(mc, "CommandType", lang_str("ExternalScript"));
    lang_prop_set_take(mi, "MyCommand", mc);
    lang_prop_set_take(mi, "ScriptName", lang_str(""));
    lang_prop_set_take(mi, "InvocationName", lang_str(path));
    lang_prop_set_take(mi, "PSScriptRoot", lang_ref(root));
    lang_prop_set_take(mi, "PSCommandPath", lang_str(path));
    lang_set_global(I, "MyInvocation", mi);
    lang_unref(mi);
    lang_unref(root);
    free(dir);
}

/* Save the caller's script variables into saved[3] and set those of path. */
static void script_vars_enter(lang_interp *I, const char *path, lang_value **saved)
{
    static const char *const names[3] = {"PSCommandPath", "PSScriptRoot", "MyInvocation"};
    for (int i = 0; i < 3; i++) {
        char g[32];
        snprintf(g, sizeof g, "global:%s", names[i]);
        saved[i] = lang_var_get(I, g, NULL);
    }
    script_vars_set(I, path);
}

/* Restore what script_vars_enter saved (consumes the references). */
static void script_vars_leave(lang_interp *I, lang_value **saved)
{
    static const char *const names[3] = {"PSCommandPath", "PSScriptRoot", "MyInvocation"};
    for (int i = 0; i < 3; i++) {
        lang_set_global(I, names[i], saved[i]);
        lang_unref(saved[i]);
    }
}

/* When name is a path to a .ps1 file (it has a '/' or '\', as PowerShell
 * requires to run a script from a folder), parse it into a script block
 * (*block, new reference) and set *path to its absolute path (malloc'd).
 * Leaves both NULL when name is no such path. A file that does not parse
 * throws its parse error. */
static lang_status load_script_command(lang_interp *I, const char *name, const lang_node *at,
                                       lang_value **block, char **path)
{
    *block = NULL;
    *path = NULL;
    if (!strchr(name, '/') && !strchr(name, '\\'))
        return LANG_OK;
    size_t n = strlen(name);
    if (n < 4 || !rs_streq_ci(name + n - 4, ".ps1"))
        return LANG_OK;
    char *p = rs_strdup(name);
    for (char *q = p; *q; q++)
        if (*q == '\\')
            *q = '/';
    char *abs = realpath(p, NULL);
    free(p);
    if (!abs)
        return LANG_OK; /* not recognized, as PowerShell says */
    size_t len;
    char *text = lang_read_text_file(abs, &len);
    if (!text) {
        free(abs);
        return LANG_OK;
    }
    lang_source *src = lang_source_new(abs, text, len);
    free(text);
    lang_parse_error pe;
    lang_program *prog = lang_parse(src, &pe);
    if (!prog) { /* the parse error, statement-terminating where the script is called */
        (void)at;
        lang_error *e = lang_error_new(pe.msg);
        e->position = lang_position_message(src, pe.pos, pe.pos + 1);
        lang_error_set(&e->category, "ParserError");
        lang_error_set_exception(e, "System.Management.Automation.ParseException");
        lang_error_set_fqid(e, pe.errid ? pe.errid : "ParseException", NULL);
        lang_source_unref(src);
        free(abs);
        return lang_throw(I, e);
    }
    *block = lang_block_new(prog, prog->root);
    lang_program_unref(prog);
    lang_source_unref(src);
    *path = abs;
    return LANG_OK;
}

static lang_status eval_command(lang_interp *I, const lang_node *cmd, lang_list *input,
                                lang_list *out)
{
    const lang_node *nn = cmd->kids[0];
    lang_value *callee = NULL;
    char *name = NULL;
    lang_status st;
    if (cmd->flags & (NF_CALL | NF_DOT) || nn->kind != N_CONST) {
        st = lang_eval_expr(I, nn, &callee);
        if (st != LANG_OK)
            return st;
        if (!callee || callee->type != LV_BLOCK) {
            name = lang_to_str(callee);
            lang_unref(callee);
            callee = NULL;
        }
    } else {
        name = lang_to_str(nn->value);
    }
    /* resolve the command before evaluating its arguments (PowerShell does too) */
    const char *canon = name ? lang_alias_target(name) : NULL;
    if (!canon)
        canon = name;
    lang_function *fn = (!callee && canon) ? find_function(I, canon) : NULL;
    const lang_cmd *lc = (!callee && !fn && canon) ? lang_find_cmd(I, canon) : NULL;
    const cmdlet_def_t *def = lc ? lc->def : NULL;
    bool remote = false;
    if (!callee && !fn && !lc && canon) {
        def = cmdlet_find(canon);
        if (def && !(def->flags & CF_LOCAL) && I->remote.available &&
            I->remote.available(I->remote.ud, def->service))
            remote = true;
        else
            def = NULL;
    }
    char *script_path = NULL;
    if (!callee && !fn && !lc && !remote && name) {
        st = load_script_command(I, name, nn, &callee, &script_path);
        if (st != LANG_OK) {
            free(name);
            return st;
        }
    }
    if (!callee && !fn && !lc && !remote) {
        st = command_not_found(I, name ? name : "", nn);
        free(name);
        return st;
    }
    lang_arg *args = NULL;
    size_t nargs = 0, nredirs = 0;
    const lang_node *redirs[4];
    st = eval_args(I, cmd, &args, &nargs, redirs, &nredirs);
    if (st != LANG_OK) {
        free(name);
        lang_unref(callee);
        return st;
    }
    int saved_redirect = I->redirect_err;
    for (size_t r = 0; r < nredirs; r++) {
        if (redirs[r]->op == '2' || redirs[r]->op == '*') {
            if (!redirs[r]->a)
                I->redirect_err = 2; /* 2>&1 */
            else
                I->redirect_err = 1; /* 2>$null (or a file: not kept) */
        }
    }
    lang_list produced = {0};
    if (callee || fn) {
        lang_value *blk = callee ? callee : fn->block;
        lang_value *saved_vars[3] = {NULL, NULL, NULL};
        if (script_path)
            script_vars_enter(I, script_path, saved_vars);
        st = call_block(I, blk, fn ? fn->name : script_path, args, nargs, input,
                        !(cmd->flags & NF_DOT), cmd->start, cmd->end, &produced);
        if (script_path) {
            script_vars_leave(I, saved_vars);
            if (st == LANG_EXIT) { /* exit ends the script file only: $LASTEXITCODE */
                lang_value *code = lang_int(I->exit_code >= 0 ? I->exit_code : 0);
                lang_set_global(I, "LASTEXITCODE", code);
                lang_unref(code);
                I->exited = false;
                I->exit_code = -1;
                st = LANG_OK;
            }
        }
    } else {
        lang_bound b;
        lang_error *berr = NULL;
        const char *cname = def ? def->name : canon;
        if (lang_bind(I, def, cname, args, nargs, I->prog, &b, &berr) && !remote && def) {
            /* mandatory parameters of shell cmdlets (the server's are checked by cmdlet_bind) */
            rs_buf missing = {0};
            for (size_t i = 0; i < def->nparams; i++) {
                const cmdlet_param_t *p = &def->params[i];
                if ((p->flags & PF_MANDATORY) && !b.present[i] &&
                    !(input && (p->flags & (PF_PIPE_VALUE | PF_PIPE_PROP))))
                    rs_buf_printf(&missing, "%s%s", missing.len ? ", " : "", p->name);
            }
            if (missing.len) {
                rs_err re;
                rs_raise(&re, RS_E_PARAM_MISSING, missing.data);
                berr = lang_error_from_rs(&re, cname);
                lang_error_set_position(berr, I->prog, cmd->start, cmd->end);
                lang_bound_free(&b);
            }
            rs_buf_free(&missing);
        }
        if (!berr && def && (def->flags & CF_LOCAL))
            berr = lang_convert_local(def, cname, I->prog, &b);
        if (berr && def && (def->flags & CF_LOCAL))
            lang_error_local_fqid(berr, def);
        if (berr) {
            st = lang_throw(I, berr);
        } else {
            lang_cmdctx ctx = {0};
            ctx.name = cname;
            ctx.def = def;
            ctx.b = &b;
            ctx.input = input;
            ctx.out = &produced;
            ctx.prog = I->prog;
            ctx.start = cmd->start;
            ctx.end = cmd->end;
            ctx.error_action =
                b.error_action != ACT_NONE ? b.error_action : pref(I, "ErrorActionPreference");
            ctx.warning_action = b.warning_action;
            ctx.ud = lc ? lc->ud : NULL;
            int errors_before = I->errors_shown;
            I->last_ok = true;
            if (b.error_variable && !b.error_variable_append) { /* a fresh list per command */
                lang_value *none = lang_array_new();
                lang_var_set(I, b.error_variable, none);
                lang_unref(none);
            }
            st = remote ? lang_run_remote(I, &ctx) : lc->fn(I, &ctx);
            if (I->errors_shown != errors_before)
                I->last_ok = false;
            if (st == LANG_THROW && I->pending)
                lang_error_at_cmd(I->pending, &ctx);
            if (b.out_variable) {
                lang_value *ov = lang_array_new();
                for (size_t i = 0; i < produced.n; i++)
                    lang_array_push(ov, produced.v[i]);
                lang_var_set(I, b.out_variable, ov);
                lang_unref(ov);
            }
            lang_bound_free(&b);
        }
    }
    I->redirect_err = saved_redirect;
    if (st == LANG_OK)
        st = apply_redirects(I, redirs, nredirs, &produced, out);
    else
        lang_list_clear(&produced);
    args_free(args, nargs);
    free(name);
    free(script_path);
    lang_unref(callee);
    return st;
}

/* ---- streaming ----
 * Pipelines run command after command on whole lists, except runs of
 * ForEach-Object, Where-Object and Select-Object (the per-object forms
 * below): those take the objects one at a time, each object going through
 * the whole run before the next one starts, as in PowerShell, so their side
 * effects interleave in PowerShell's order and Select-Object -First N stops
 * the run (and what feeds it) after N objects. */

/* Is cmd a per-object stage? *first_arg is set to the -First argument node
 * of Select-Object (NULL when none). Stages with -Begin/-End, -Parallel,
 * -Last, -Skip, -Unique, variables or redirections are not: they need all
 * their input at once. */
static bool stream_stage(lang_interp *I, const lang_node *cmd, const lang_node **first_arg)
{
    *first_arg = NULL;
    if (cmd->kind != N_COMMAND || (cmd->flags & (NF_CALL | NF_DOT)) || !cmd->nkids ||
        cmd->kids[0]->kind != N_CONST)
        return false;
    char *name = lang_to_str(cmd->kids[0]->value);
    const char *canon = lang_alias_target(name) ? lang_alias_target(name) : name;
    static const char *const stages[][8] = {
        {"ForEach-Object", "Process", "MemberName", NULL},
        {"Where-Object", "FilterScript", "Property", "Value", "*", NULL},
        {"Select-Object", "Property", "ExpandProperty", "First", "ExcludeProperty", NULL},
    };
    int which = -1;
    for (int k = 0; k < 3; k++)
        if (rs_streq_ci(canon, stages[k][0]))
            which = k;
    const cmdlet_def_t *def = which >= 0 ? cmdlet_find(stages[which][0]) : NULL;
    bool ok = def && !find_function(I, canon);
    free(name);
    if (ok && which == 0) { /* % {begin} {process} {end}: three blocks need all the input */
        size_t values = 0;
        for (size_t i = 1; i < cmd->nkids; i++)
            values += cmd->kids[i]->kind != N_CMD_PARAM;
        ok = values <= 1;
    }
    for (size_t i = 1; ok && i < cmd->nkids; i++) {
        const lang_node *a = cmd->kids[i];
        if (a->kind == N_REDIRECT) {
            ok = false;
        } else if (a->kind == N_CMD_PARAM) {
            bool amb = false;
            const cmdlet_param_t *p = cmdlet_param_resolve(def, a->name, &amb, NULL, 0);
            bool allowed = rs_streq_ci(a->name, "ErrorAction") || rs_streq_ci(a->name, "ea");
            for (int k = 1; !allowed && p && stages[which][k]; k++)
                allowed = !strcmp(stages[which][k], "*") ? p->type == PT_SWITCH
                                                         : !strcmp(stages[which][k], p->name);
            ok = allowed;
            if (ok && p && !strcmp(p->name, "First"))
                *first_arg = a->a ? a->a : (i + 1 < cmd->nkids ? cmd->kids[i + 1] : NULL);
        }
    }
    return ok;
}

static void flush_top(lang_interp *I);

typedef struct stream_run {
    const lang_node **stages;
    size_t n;
    bool flush;     /* out is the script's output: format each object as it arrives */
    int64_t *limit; /* Select-Object -First N, or -1 */
    int64_t *taken; /* objects that entered the stage */
    bool stop;      /* a -First limit was reached: no more objects */
} stream_run;

static lang_status stream_push(lang_interp *I, stream_run *r, size_t k, lang_value *item,
                               lang_list *out)
{
    if (k == r->n) {
        lang_list_push(out, item);
        if (r->flush)
            flush_top(I);
        return LANG_OK;
    }
    if (r->limit[k] >= 0 && r->taken[k] >= r->limit[k]) {
        r->stop = true;
        return LANG_OK;
    }
    r->taken[k]++;
    lang_list one = {0}, res = {0};
    lang_list_push(&one, item);
    lang_status st = eval_command(I, r->stages[k], &one, &res);
    for (size_t i = 0; i < res.n && st == LANG_OK && !r->stop; i++)
        st = stream_push(I, r, k + 1, res.v[i], out);
    lang_list_clear(&one);
    lang_list_clear(&res);
    if (r->limit[k] >= 0 && r->taken[k] >= r->limit[k])
        r->stop = true;
    return st;
}

/* Run stages[0..n) object by object over input. */
static lang_status stream_stages(lang_interp *I, const lang_node **stages,
                                 const lang_node **first_args, size_t n, lang_list *input,
                                 lang_list *out)
{
    stream_run r = {.stages = stages, .n = n, .flush = out == I->top_out};
    r.limit = rs_calloc(n, sizeof(int64_t));
    r.taken = rs_calloc(n, sizeof(int64_t));
    lang_status st = LANG_OK;
    for (size_t k = 0; k < n && st == LANG_OK; k++) {
        r.limit[k] = -1;
        if (!first_args[k])
            continue;
        lang_value *v = NULL;
        st = lang_eval_expr(I, first_args[k], &v);
        int64_t num;
        double d;
        bool isd;
        if (st == LANG_OK && v && lang_to_number(v, &num, &d, &isd))
            r.limit[k] = isd ? lang_d2i(d) : num;
        else if (st == LANG_OK)
            r.limit[k] = -2; /* not a number: Select-Object reports it */
        lang_unref(v);
    }
    for (size_t k = 0; k < n; k++)
        if (r.limit[k] == -2)
            r.limit[k] = -1;
    for (size_t i = 0; i < input->n && st == LANG_OK && !r.stop; i++) {
        if (lang_interrupted)
            st = lang_stop(I);
        else
            st = stream_push(I, &r, 0, input->v[i], out);
    }
    free(r.limit);
    free(r.taken);
    return st;
}

static lang_status eval_pipeline(lang_interp *I, const lang_node *n, lang_list *out)
{
    lang_list cur = {0};
    bool have_input = false;
    lang_status st = LANG_OK;
    for (size_t i = 0; i < n->nkids; i++) {
        const lang_node *el = n->kids[i];
        lang_list next = {0};
        const lang_node *first = NULL;
        if (have_input && stream_stage(I, el, &first)) {
            /* a run of per-object stages */
            size_t j = i;
            const lang_node **firsts = rs_calloc(n->nkids, sizeof(*firsts));
            firsts[0] = first;
            while (j + 1 < n->nkids && stream_stage(I, n->kids[j + 1], &first))
                firsts[++j - i] = first;
            /* the last stages of a script-level pipeline write straight to its output */
            bool last = j + 1 == n->nkids && out == I->top_out;
            st = stream_stages(I, (const lang_node **)&n->kids[i], firsts, j - i + 1, &cur,
                               last ? out : &next);
            free(firsts);
            i = j;
        } else if (el->kind == N_COMMAND) {
            st = eval_command(I, el, have_input ? &cur : NULL, &next);
        } else {
            lang_value *v = NULL;
            st = lang_eval_expr(I, el, &v);
            /* $i++ / ++$i as a statement output nothing; (++$i) does */
            bool step = el->kind == N_UNARY && n->nkids == 1 &&
                        (el->op == OP_POSTINC || el->op == OP_POSTDEC || el->op == OP_PREINC ||
                         el->op == OP_PREDEC);
            if (st == LANG_OK && !step)
                lang_list_push_enum(&next, v);
            lang_unref(v);
        }
        lang_list_clear(&cur);
        cur = next;
        have_input = true;
        if (st != LANG_OK)
            break;
    }
    if (st == LANG_OK) {
        for (size_t i = 0; i < cur.n; i++)
            lang_list_push(out, cur.v[i]);
    }
    lang_list_clear(&cur);
    return st;
}

static lang_status eval_stmt(lang_interp *I, const lang_node *n, lang_list *out)
{
    switch (n->kind) {
    case N_PIPELINE:
        return eval_pipeline(I, n, out);
    case N_ASSIGN:
        return eval_assign(I, n);
    case N_IF:
        return eval_if(I, n, out);
    case N_FOREACH:
        return eval_foreach(I, n, out);
    case N_WHILE:
        return eval_while(I, n, out);
    case N_DO:
        return eval_do(I, n, out);
    case N_FOR:
        return eval_for(I, n, out);
    case N_SWITCH:
        return eval_switch(I, n, out);
    case N_TRY:
        return eval_try(I, n, out);
    case N_FLOW:
        return eval_flow(I, n, out);
    case N_STMTS:
        return eval_stmts(I, n, out);
    case N_FUNCTION: {
        lang_value *blk = lang_block_new((lang_program *)I->prog, n->a);
        define_function(I, n->name, blk);
        lang_unref(blk);
        return LANG_OK;
    }
    default: {
        lang_value *v = NULL;
        lang_status st = lang_eval_expr(I, n, &v);
        if (st == LANG_OK)
            lang_list_push_enum(out, v);
        lang_unref(v);
        return st;
    }
    }
}

static void flush_top(lang_interp *I)
{
    fmt_tick(I->fmt);
    if (!I->top_out || !I->top_out->n)
        return;
    fmt_push(I->fmt, I->top_out->v, I->top_out->n);
    lang_list_clear(I->top_out);
}

static lang_status eval_stmts(lang_interp *I, const lang_node *list, lang_list *out)
{
    if (!list)
        return LANG_OK;
    for (size_t i = 0; i < list->nkids; i++) {
        if (lang_interrupted)
            return lang_stop(I);
        lang_status st = eval_stmt(I, list->kids[i], out);
        if (st == LANG_THROW && I->pending && I->try_depth == 0 &&
            !I->pending->script_terminating && pref(I, "ErrorActionPreference") != ACT_STOP) {
            /* statement-terminating: show it and go on with the next statement */
            if (out == I->top_out) {
                flush_top(I);
                fmt_end(I->fmt);
            }
            lang_report(I, I->pending);
            lang_error_free(I->pending);
            I->pending = NULL;
            st = LANG_OK;
        }
        if (out == I->top_out)
            flush_top(I);
        if (st != LANG_OK)
            return st;
    }
    return LANG_OK;
}

/* ---- top level ---- */

static void report_parse_error(lang_interp *I, lang_source *src, const lang_parse_error *pe)
{
    lang_error *e = lang_error_new(pe->msg);
    e->position = lang_position_message(src, pe->pos, pe->pos + 1);
    lang_error_set(&e->category, "ParserError");
    lang_error_set_exception(e, "System.Management.Automation.ParseException");
    lang_error_set_fqid(e, pe->errid ? pe->errid : "ParseException", NULL);
    /* PowerShell prints the position first for parse errors */
    rs_buf b = {0};
    if (e->position)
        rs_buf_printf(&b, "%s\n", e->position);
    rs_buf_printf(&b, "%s\n", e->message);
    rs_buf_printf(&b, "    + CategoryInfo          : ParserError: (:) [], ParseException\n");
    rs_buf_printf(&b, "    + FullyQualifiedErrorId : %s\n", e->fqid);
    if (I->host.err)
        I->host.err(I->host.ud, b.data, b.len);
    rs_buf_free(&b);
    I->errors_shown++;
    lang_record_error(I, e);
    lang_error_free(e);
}

/* Run a parsed program at the top level; output is formatted as it comes. */
static lang_status run_program(lang_interp *I, lang_program *prog)
{
    lang_list top = {0};
    lang_list *saved_top = I->top_out;
    const lang_program *saved_prog = I->prog;
    I->top_out = &top;
    I->prog = prog;
    lang_status st = LANG_OK;
    if (prog->root->a) {
        /* script parameters from $args: "-Name value", "-Name:value" or positional */
        lang_value *argv = lang_var_get(I, "args", NULL);
        size_t n = argv && argv->type == LV_ARRAY ? argv->u.arr.n : 0;
        lang_arg *args = rs_calloc(n ? n : 1, sizeof(lang_arg));
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            lang_value *v = argv->u.arr.items[i];
            if (v && v->type == LV_STRING && v->u.str.s[0] == '-' && v->u.str.len > 1 &&
                !isdigit((unsigned char)v->u.str.s[1])) {
                const char *colon = strchr(v->u.str.s, ':');
                args[k].is_param = true;
                args[k].name = colon ? rs_strndup(v->u.str.s + 1, (size_t)(colon - v->u.str.s - 1))
                                     : rs_strdup(v->u.str.s + 1);
                if (colon) {
                    args[k].colon = true;
                    args[k].value = lang_str(colon + 1);
                }
            } else {
                args[k].value = lang_ref(v);
            }
            k++;
        }
        st = bind_function_params(I, prog->root->a, args, k, prog->src->name, 0, 0, false, NULL);
        args_free(args, k);
        lang_unref(argv);
    }
    if (st == LANG_OK && prog->root->c) /* begin { } process { } end { } */
        st = run_named_blocks(I, prog->root, NULL, NULL, prog->src->name ? prog->src->name : "", 0,
                              0, &top);
    else if (st == LANG_OK)
        st = eval_stmts(I, prog->root, &top);
    flush_top(I);
    if (st == LANG_THROW && I->pending) {
        fmt_end(I->fmt);
        lang_report(I, I->pending);
        lang_error_free(I->pending);
        I->pending = NULL;
    } else if (st == LANG_BREAK || st == LANG_CONTINUE || st == LANG_RETURN) {
        st = LANG_OK; /* break/continue/return outside a loop end the script quietly */
    }
    fmt_end(I->fmt);
    lang_list_clear(&top);
    I->top_out = saved_top;
    I->prog = saved_prog;
    return st;
}

int lang_run_script(lang_interp *I, const char *name, const char *text, size_t len)
{
    lang_source *src = lang_source_new(name, text, len);
    lang_parse_error pe;
    lang_program *prog = lang_parse(src, &pe);
    if (!prog) {
        report_parse_error(I, src, &pe);
        I->parse_failed = true;
        lang_source_unref(src);
        return lang_exit_status(I);
    }
    if (name) {
        /* PowerShell's $PSCommandPath / $PSScriptRoot are absolute */
        char *abs = realpath(name, NULL);
        script_vars_set(I, abs ? abs : name);
        free(abs);
    }
    run_program(I, prog);
    lang_program_unref(prog);
    lang_source_unref(src);
    return lang_exit_status(I);
}

lang_chunk_result lang_run_chunk(lang_interp *I, const char *text, size_t len)
{
    lang_source *src = lang_source_new(NULL, text, len);
    lang_parse_error pe;
    lang_program *prog = lang_parse(src, &pe);
    if (!prog) {
        if (pe.incomplete) {
            lang_source_unref(src);
            return LANG_CHUNK_INCOMPLETE;
        }
        report_parse_error(I, src, &pe);
        lang_source_unref(src);
        return LANG_CHUNK_SYNTAX;
    }
    lang_status st = run_program(I, prog);
    lang_program_unref(prog);
    lang_source_unref(src);
    return st == LANG_EXIT ? LANG_CHUNK_EXIT : LANG_CHUNK_DONE;
}

int lang_exit_status(const lang_interp *I)
{
    if (I->exited && I->exit_code >= 0)
        return I->exit_code & 0xff;
    if (I->parse_failed)
        return LANG_EXIT_PARSE;
    if (I->unreachable)
        return LANG_EXIT_UNREACHABLE;
    if (I->errors_shown > 0)
        return 1;
    return 0;
}

void lang_set_password_file(lang_interp *I, const char *path)
{
    free(I->password_file);
    I->password_file = path ? rs_strdup(path) : NULL;
}

static void set_pref(lang_interp *I, const char *name, const char *value)
{
    lang_value *v = lang_str(value);
    lang_set_global(I, name, v);
    lang_unref(v);
}

lang_interp *lang_interp_new(const lang_host *host)
{
    lang_interp *I = rs_calloc(1, sizeof *I);
    I->host = *host;
    I->global = scope_new(NULL);
    I->scope = I->global;
    I->error_list = lang_array_new();
    I->last_ok = true;
    I->exit_code = -1;
    I->fmt = fmt_new(I);
    set_pref(I, "ErrorActionPreference", "Continue");
    set_pref(I, "WarningPreference", "Continue");
    set_pref(I, "VerbosePreference", "SilentlyContinue");
    set_pref(I, "DebugPreference", "SilentlyContinue");
    set_pref(I, "ProgressPreference", "Continue");
    set_pref(I, "ConfirmPreference", "High");
    set_pref(I, "OFS", " ");
    lang_value *lim = lang_int(4);
    lang_set_global(I, "FormatEnumerationLimit", lim);
    lang_unref(lim);
    /* $LASTEXITCODE stays unset until something sets it, as in PowerShell */
    lang_value *no = lang_bool(false);
    lang_set_global(I, "WhatIfPreference", no);
    lang_unref(no);
    const char *home = getenv("HOME");
    set_pref(I, "HOME", home ? home : "");
    lang_value *ver = lang_hash_new();
    /* a System.Version, so $PSVersionTable.PSVersion.Major works (5: scripts that
     * choose ForEach-Object -Parallel by version take their sequential path) */
    lang_value *psv = lang_object_new("System.Version");
    static const char *const vparts[] = {"Major", "Minor", "Build", "Revision"};
    static const int vvals[] = {5, 1, -1, -1};
    for (int k = 0; k < 4; k++)
        lang_prop_set_take(psv, vparts[k], lang_int(vvals[k]));
    lang_prop_set_take(ver, "PSVersion", psv);
    lang_prop_set_take(ver, "PSEdition", lang_str("Desktop"));
    lang_prop_set_take(ver, "roomsys", lang_str(RS_VERSION));
    lang_set_global(I, "PSVersionTable", ver);
    lang_unref(ver);
    lang_value *args = lang_array_new();
    lang_set_global(I, "args", args);
    lang_unref(args);
    lang_register_builtins(I);
    return I;
}

void lang_interp_free(lang_interp *I)
{
    if (!I)
        return;
    lang_transcript_end(I); /* a transcript still open gets its footer, as at PowerShell's exit */
    while (I->scope && I->scope != I->global) {
        lang_scope *p = I->scope->parent;
        scope_free(I->scope);
        I->scope = p;
    }
    scope_free(I->global);
    for (size_t i = 0; i < I->ncmds; i++)
        free(I->cmds[i].name);
    free(I->cmds);
    for (size_t i = 0; i < I->nfuncs; i++) {
        free(I->funcs[i].name);
        lang_unref(I->funcs[i].block);
    }
    free(I->funcs);
    lang_error_free(I->pending);
    lang_unref(I->error_list);
    fmt_free(I->fmt);
    free(I->password_file);
    free(I);
}
