/* parallel.c - ForEach-Object -Parallel on worker threads (see parallel.h).
 *
 * Thread safety. Each iteration runs in its own interpreter (lang_interp_new)
 * on a worker thread, so scopes, $Error, the formatter and the command table
 * are never shared. Values are refcounted without atomics, so no value is
 * shared between threads either:
 *   - the input object and the $using: values are deep-copied by the worker
 *     from the caller's values, which nobody changes while the caller waits
 *     here (copying reads them, it takes no references);
 *   - what an iteration produces (output objects, $Error records) is handed
 *     to the caller only after its interpreter is freed, so the caller holds
 *     the only references.
 * Programs (the parsed script the block belongs to) are shared: their
 * reference counts are atomic (ast.c). Host text is captured per iteration and
 * written by the caller's thread. Server cmdlets go through a per-thread view
 * of the caller's sessions with its own libcurl handle (lang_remote_ops
 * thread_new, remote.c); tokens are refreshed under a lock there.
 */
#include "parallel.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "rs_util.h"

#define PAR_MAX_THREADS      256 /* -ThrottleLimit above this runs this many at once */
#define PAR_DEFAULT_THROTTLE 5
#define PAR_COPY_DEPTH       100 /* deeper nesting is copied as $null */

static const char foreach_cmd[] = "Microsoft.PowerShell.Commands.ForEachObjectCommand";

/* Host text captured from one iteration. */
typedef enum { CH_OUT, CH_ERR, CH_HOST } chunk_kind;
typedef struct chunk {
    chunk_kind kind;
    char *color; /* CH_HOST: console color or NULL */
    char *text;
    size_t n;
} chunk;

typedef struct task {
    lang_value *item; /* borrowed from the caller's input */
    /* results, filled by the worker */
    lang_list out;
    chunk *chunks;
    size_t nchunks, capchunks;
    lang_value *errors; /* the runspace's $Error (newest first), owned */
    int errors_shown;
    bool unreachable;
    struct task *next_done;
} task;

typedef struct par {
    lang_interp *caller;
    lang_host host; /* the caller's host, for flags and width */
    char *password_file;
    lang_program *prog;
    const lang_node *body;
    char **using_names;        /* "using:x" */
    lang_value **using_values; /* the caller's values (owned references, read-only) */
    size_t nusing;
    task *tasks;
    size_t ntasks;
    lang_remote_ops remote;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t next; /* next task to start */
    int alive;   /* workers still running */
    task *done;  /* finished, not yet delivered (newest first) */
} par;

typedef struct worker {
    par *P;
    void *tud; /* the remote thread view, or NULL */
    pthread_t th;
} worker;

bool lang_parallel_requested(const lang_cmdctx *ctx)
{
    return lang_param_has(ctx, "Parallel") || lang_param_has(ctx, "ThrottleLimit") ||
           lang_param_has(ctx, "AsJob") || lang_param_has(ctx, "UseNewRunspace") ||
           lang_param_has(ctx, "TimeoutSeconds");
}

/* ---- copying values into a runspace ---- */

/* A deep copy of v (new reference). Host data attached to objects (sessions,
 * error records) is not copied: the copy is a plain object of the same type. */
static lang_value *copy_value(const lang_value *v, int depth)
{
    if (!v || depth > PAR_COPY_DEPTH)
        return NULL;
    switch (v->type) {
    case LV_BOOL:
        return lang_bool(v->u.b);
    case LV_INT:
        return lang_int(v->u.i);
    case LV_DOUBLE:
        return lang_double(v->u.d);
    case LV_STRING:
        return lang_str_n(v->u.str.s, v->u.str.len);
    case LV_SECURE:
        return lang_secure_new(v->u.str.s, v->u.str.len);
    case LV_ARRAY: {
        lang_value *a = lang_array_new();
        a->u.arr.kind = v->u.arr.kind;
        for (size_t i = 0; i < v->u.arr.n; i++)
            lang_array_push_take(a, copy_value(v->u.arr.items[i], depth + 1));
        return a;
    }
    case LV_HASH:
    case LV_OBJECT: {
        lang_value *o = v->type == LV_HASH ? lang_hash_new() : lang_object_new(v->u.obj.type_name);
        for (size_t i = 0; i < v->u.obj.n; i++)
            lang_prop_set_take(o, v->u.obj.props[i].name,
                               copy_value(v->u.obj.props[i].value, depth + 1));
        return o;
    }
    case LV_BLOCK:
        return lang_block_new(v->u.blk.prog, v->u.blk.body);
    case LV_DATETIME:
        return lang_datetime(v->u.dt.ticks, v->u.dt.kind);
    case LV_TIMESPAN:
        return lang_timespan(v->u.dt.ticks);
    }
    return NULL;
}

/* ---- capturing a runspace's host text ---- */

static void capture(task *t, chunk_kind kind, const char *text, size_t n, const char *color)
{
    if (t->nchunks == t->capchunks) {
        t->capchunks = t->capchunks ? t->capchunks * 2 : 8;
        t->chunks = rs_realloc(t->chunks, t->capchunks * sizeof(chunk));
    }
    t->chunks[t->nchunks++] = (chunk){
        .kind = kind,
        .color = color ? rs_strdup(color) : NULL,
        .text = rs_strndup(text, n),
        .n = n,
    };
}

static void cap_out(void *ud, const char *text, size_t n)
{
    capture(ud, CH_OUT, text, n, NULL);
}

static void cap_err(void *ud, const char *text, size_t n)
{
    capture(ud, CH_ERR, text, n, NULL);
}

static void cap_host(void *ud, const char *text, size_t n, const char *color)
{
    capture(ud, CH_HOST, text, n, color);
}

/* ---- workers ---- */

/* Run one iteration in a fresh runspace (worker thread). */
static void run_task(par *P, void *tud, task *t)
{
    lang_host h = {
        .out = cap_out,
        .err = cap_err,
        .host = cap_host,
        .read_line = NULL, /* nobody can answer a prompt from a worker */
        .interactive = false,
        .color = P->host.color,
        .width = P->host.width,
        .ud = t,
    };
    lang_interp *C = lang_interp_new(&h);
    if (tud)
        P->remote.thread_install(tud, C);
    lang_set_password_file(C, P->password_file);
    for (size_t i = 0; i < P->nusing; i++) {
        lang_value *cp = copy_value(P->using_values[i], 0);
        lang_set_global(C, P->using_names[i], cp);
        lang_unref(cp);
    }
    lang_value *item = copy_value(t->item, 0);
    lang_value *blk = lang_block_new(P->prog, P->body);
    lang_status st = lang_invoke_block(C, blk, item, NULL, 0, false, &t->out);
    if (st == LANG_THROW && C->pending) {
        lang_report(C, C->pending);
        lang_error_free(C->pending);
        C->pending = NULL;
    }
    fmt_end(C->fmt); /* text an Out-Host left pending */
    t->errors = lang_ref(C->error_list);
    t->errors_shown = C->errors_shown;
    t->unreachable = C->unreachable;
    lang_unref(blk);
    lang_unref(item);
    lang_interp_free(C); /* from here on the results have no other owner */
}

static void *worker_main(void *arg)
{
    worker *W = arg;
    par *P = W->P;
    pthread_mutex_lock(&P->mu);
    while (P->next < P->ntasks && !lang_interrupted) {
        task *t = &P->tasks[P->next++];
        pthread_mutex_unlock(&P->mu);
        run_task(P, W->tud, t);
        pthread_mutex_lock(&P->mu);
        t->next_done = P->done;
        P->done = t;
        pthread_cond_signal(&P->cv);
    }
    P->alive--;
    pthread_cond_signal(&P->cv);
    pthread_mutex_unlock(&P->mu);
    return NULL;
}

/* ---- delivering results (caller's thread) ---- */

static void deliver(lang_interp *I, lang_cmdctx *ctx, task *t)
{
    for (size_t i = 0; i < t->nchunks; i++) {
        chunk *c = &t->chunks[i];
        if (c->kind == CH_ERR) {
            fmt_flush(I->fmt); /* output shown so far goes first, as lang_report does */
            if (I->host.err)
                I->host.err(I->host.ud, c->text, c->n);
        } else if (c->kind == CH_OUT) {
            if (I->host.out)
                I->host.out(I->host.ud, c->text, c->n);
        } else if (I->host.host) {
            I->host.host(I->host.ud, c->text, c->n, c->color);
        } else if (I->host.out) {
            I->host.out(I->host.ud, c->text, c->n);
        }
        free(c->color);
        free(c->text);
    }
    free(t->chunks);
    t->chunks = NULL;
    t->nchunks = 0;
    I->errors_shown += t->errors_shown;
    if (t->unreachable)
        I->unreachable = true;
    if (t->errors && t->errors->type == LV_ARRAY && t->errors->u.arr.n) {
        /* $Error: this iteration's records (newest first), then the older ones */
        lang_value *list = lang_array_new();
        for (size_t i = 0; i < t->errors->u.arr.n && list->u.arr.n < 256; i++)
            lang_array_push(list, t->errors->u.arr.items[i]);
        for (size_t i = 0; i < I->error_list->u.arr.n && list->u.arr.n < 256; i++)
            lang_array_push(list, I->error_list->u.arr.items[i]);
        lang_unref(I->error_list);
        I->error_list = list;
        I->last_ok = false;
    }
    lang_unref(t->errors);
    t->errors = NULL;
    for (size_t i = 0; i < t->out.n; i++) {
        lang_list_push_take(ctx->out, t->out.v[i]);
        t->out.v[i] = NULL;
    }
    t->out.n = 0;
    lang_list_clear(&t->out);
}

/* ---- binding checks ---- */

static lang_status bind_error(lang_interp *I, lang_cmdctx *ctx, const char *msg, const char *cat,
                              const char *exception, const char *id)
{
    lang_error *e = lang_error_new(msg);
    lang_error_set(&e->category, cat);
    lang_error_set_exception(e, exception);
    lang_error_set_fqid(e, id, foreach_cmd);
    return lang_cmd_fail(I, ctx, e);
}

/* The names of the $using: variables in text[start, end) ("using:x", unique). */
static void find_using(const char *text, uint32_t start, uint32_t end, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    size_t cap = 0;
    for (uint32_t i = start; i + 7 < end; i++) {
        if (text[i] != '$')
            continue;
        uint32_t p = i + 1;
        bool braced = text[p] == '{';
        if (braced)
            p++;
        if (p + 6 > end || strncasecmp(text + p, "using:", 6) != 0)
            continue;
        uint32_t q = p + 6;
        while (q < end &&
               (braced ? text[q] != '}'
                       : (isalnum((unsigned char)text[q]) || text[q] == '_' || text[q] == '?')))
            q++;
        if (q == p + 6)
            continue;
        char *name = rs_strndup(text + p, q - p);
        bool dup = false;
        for (size_t k = 0; k < *n && !dup; k++)
            dup = rs_streq_ci((*names)[k], name);
        if (dup) {
            free(name);
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *names = rs_realloc(*names, cap * sizeof(char *));
        }
        (*names)[(*n)++] = name;
    }
}

lang_status lang_foreach_parallel(lang_interp *I, lang_cmdctx *ctx)
{
    if (lang_param_has(ctx, "Begin") || lang_param_has(ctx, "End") ||
        lang_param_has(ctx, "MemberName") || lang_param_has(ctx, "Process") ||
        !lang_param_has(ctx, "Parallel"))
        return bind_error(I, ctx,
                          "Parameter set cannot be resolved using the specified named parameters. "
                          "One or more parameters issued cannot be used together or an "
                          "insufficient number of parameters were provided.",
                          "InvalidArgument",
                          "System.Management.Automation.ParameterBindingException",
                          "AmbiguousParameterSet");
    if (lang_param_switch(ctx, "AsJob"))
        return bind_error(I, ctx,
                          "roomsys does not run background jobs: ForEach-Object -Parallel "
                          "-AsJob is not supported. Leave out -AsJob; the iterations still run "
                          "in parallel and their output comes straight to the pipeline.",
                          "NotImplemented", "System.NotSupportedException", "AsJobNotSupported");
    lang_value *blockv = lang_param(ctx, "Parallel");
    if (!blockv || blockv->type != LV_BLOCK) {
        char *s = lang_to_str(blockv);
        char *msg = rs_asprintf("Cannot bind parameter 'Parallel'. Cannot convert the \"%s\" value "
                                "of type \"%s\" to type "
                                "\"System.Management.Automation.ScriptBlock\".",
                                s, blockv ? lang_type_name(blockv) : "$null");
        free(s);
        lang_status st = bind_error(I, ctx, msg, "InvalidArgument",
                                    "System.Management.Automation.ParameterBindingException",
                                    "CannotConvertArgumentNoMessage");
        free(msg);
        return st;
    }
    int64_t throttle = PAR_DEFAULT_THROTTLE;
    if (lang_param_has(ctx, "ThrottleLimit")) {
        int64_t i = 0;
        double d = 0;
        bool isd = false;
        if (!lang_to_number(lang_param(ctx, "ThrottleLimit"), &i, &d, &isd) || isd || i < 1) {
            char *s = lang_to_str(lang_param(ctx, "ThrottleLimit"));
            char *msg = rs_asprintf(
                "Cannot validate argument on parameter 'ThrottleLimit'. The %s argument is less "
                "than the minimum allowed range of 1. Supply an argument that is greater than or "
                "equal to 1 and then try the command again.",
                s);
            free(s);
            lang_status st =
                bind_error(I, ctx, msg, "InvalidData",
                           "System.Management.Automation.ParameterBindingValidationException",
                           "ParameterArgumentValidationError");
            free(msg);
            return st;
        }
        throttle = i;
    }

    if (ctx->input && ctx->input->n == 0)
        return LANG_OK; /* no input objects: nothing runs */
    par P = {
        .caller = I,
        .host = I->host,
        .password_file = I->password_file,
        .prog = blockv->u.blk.prog,
        .body = blockv->u.blk.body,
        .remote = I->remote,
    };
    /* the input objects */
    lang_list items = {0};
    if (ctx->input)
        for (size_t i = 0; i < ctx->input->n; i++)
            lang_list_push(&items, ctx->input->v[i]);
    else if (lang_param_has(ctx, "InputObject"))
        lang_list_push(&items, lang_param(ctx, "InputObject"));
    else
        lang_list_push(&items, NULL); /* no input: the block runs once */
    /* the $using: values, read now */
    const lang_source *src = P.prog->src;
    find_using(src->text, P.body->start, P.body->end < src->len ? P.body->end : (uint32_t)src->len,
               &P.using_names, &P.nusing);
    P.using_values = rs_calloc(P.nusing ? P.nusing : 1, sizeof(lang_value *));
    for (size_t i = 0; i < P.nusing; i++)
        P.using_values[i] = lang_var_get(I, P.using_names[i] + 6, NULL);

    P.ntasks = items.n;
    P.tasks = rs_calloc(items.n, sizeof(task));
    for (size_t i = 0; i < items.n; i++)
        P.tasks[i].item = items.v[i];
    pthread_mutex_init(&P.mu, NULL);
    pthread_cond_init(&P.cv, NULL);

    size_t nw = (size_t)(throttle < PAR_MAX_THREADS ? throttle : PAR_MAX_THREADS);
    if (nw > P.ntasks)
        nw = P.ntasks;
    worker *W = rs_calloc(nw, sizeof(worker));
    size_t started = 0;
    pthread_mutex_lock(&P.mu);
    for (size_t k = 0; k < nw; k++) {
        W[k].P = &P;
        W[k].tud = P.remote.thread_new ? P.remote.thread_new(P.remote.ud) : NULL;
        if (!P.remote.thread_new || !P.remote.thread_install || !P.remote.thread_free)
            W[k].tud = NULL;
        if (pthread_create(&W[k].th, NULL, worker_main, &W[k]) != 0) {
            if (W[k].tud)
                P.remote.thread_free(W[k].tud);
            W[k].tud = NULL;
            break;
        }
        started++;
        P.alive++;
    }
    lang_status st = LANG_OK;
    if (started == 0) {
        pthread_mutex_unlock(&P.mu);
        lang_error *e = lang_error_new("ForEach-Object -Parallel could not start a thread.");
        lang_error_set(&e->category, "ResourceUnavailable");
        lang_error_set_exception(e, "System.InvalidOperationException");
        st = lang_cmd_fail(I, ctx, e);
    } else {
        /* deliver iterations as they complete */
        for (;;) {
            while (!P.done && P.alive > 0)
                pthread_cond_wait(&P.cv, &P.mu);
            if (!P.done)
                break;
            task *list = P.done;
            P.done = NULL;
            pthread_mutex_unlock(&P.mu);
            task *rev = NULL; /* oldest completion first */
            while (list) {
                task *nx = list->next_done;
                list->next_done = rev;
                rev = list;
                list = nx;
            }
            for (task *t = rev; t; t = t->next_done)
                deliver(I, ctx, t);
            pthread_mutex_lock(&P.mu);
        }
        pthread_mutex_unlock(&P.mu);
    }
    for (size_t k = 0; k < started; k++) {
        pthread_join(W[k].th, NULL);
        if (W[k].tud)
            P.remote.thread_free(W[k].tud);
    }
    free(W);
    pthread_mutex_destroy(&P.mu);
    pthread_cond_destroy(&P.cv);
    for (size_t i = 0; i < P.ntasks; i++) /* tasks never started (Ctrl-C) hold nothing */
        lang_list_clear(&P.tasks[i].out);
    free(P.tasks);
    for (size_t i = 0; i < P.nusing; i++) {
        free(P.using_names[i]);
        lang_unref(P.using_values[i]);
    }
    free(P.using_names);
    free(P.using_values);
    lang_list_clear(&items);
    if (st == LANG_OK && lang_interrupted)
        return lang_stop(I);
    return st;
}
