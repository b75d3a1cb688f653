/* interp.h - interpreter internals shared by the files of src/shell
 * (eval.c, cmdbind.c, builtins.c, format.c, remote.c). Not for other modules.
 *
 * Control flow: every eval function returns a lang_status. A terminating
 * error is LANG_THROW with the error in I->pending; it unwinds to the nearest
 * try/catch. Outside any try, a statement-terminating error (binding errors,
 * unknown commands, cmdlet failures) stops only the statement it happened in
 * and is displayed; a script-terminating one (throw, -ErrorAction Stop) stops
 * the script. Non-terminating errors are written to the host right away and do
 * not change control flow (unless -ErrorAction Stop turns them terminating).
 */
#ifndef LANG_INTERP_H
#define LANG_INTERP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "cmdlet_table.h"
#include "errors.h"
#include "eval.h"
#include "value.h"

typedef enum lang_status {
    LANG_OK = 0,
    LANG_THROW, /* terminating error in I->pending */
    LANG_EXIT,  /* exit N: I->exit_code */
    LANG_BREAK,
    LANG_CONTINUE,
    LANG_RETURN
} lang_status;

/* ActionPreference values. */
typedef enum lang_action {
    ACT_NONE = -1,
    ACT_SILENT = 0, /* SilentlyContinue */
    ACT_STOP = 1,
    ACT_CONTINUE = 2,
    ACT_INQUIRE = 3,
    ACT_IGNORE = 4
} lang_action;

/* Parse an ActionPreference name; ACT_NONE when not one. */
lang_action lang_action_parse(const char *s);

typedef struct lang_var {
    char *name;
    lang_value *value;
} lang_var;

typedef struct lang_scope {
    struct lang_scope *parent;
    lang_var *vars;
    size_t n, cap;
} lang_scope;

/* One argument of a command as written and evaluated. */
typedef struct lang_arg {
    bool is_param;       /* -Name or -Name:value */
    char *name;          /* parameter name as written (without '-') */
    bool colon;          /* -Name:value */
    lang_value *value;   /* the value (positional, or after ':'); owned */
    uint32_t start, end; /* extent in the current program */
} lang_arg;

/* The result of binding arguments to a cmdlet's parameters. */
typedef struct lang_bound {
    const cmdlet_def_t *def;
    size_t n;                   /* def->nparams */
    lang_value **values;        /* per parameter: owned reference (NULL = $null) */
    bool *present;              /* bound by the caller */
    uint32_t *starts, *ends;    /* extents of the arguments that bound them */
    lang_action error_action;   /* -ErrorAction, or ACT_NONE */
    lang_action warning_action; /* -WarningAction, or ACT_NONE */
    char *error_variable;       /* -ErrorVariable name, or NULL */
    bool error_variable_append; /* -ErrorVariable +name: add to it instead of replacing it */
    char *out_variable;         /* -OutVariable name, or NULL */
    int whatif;                 /* -WhatIf: -1 absent, 0/1 */
    int confirm;                /* -Confirm: -1 absent, 0/1 */
    int verbose, debug;         /* -Verbose / -Debug: -1 absent, 0/1 */
    lang_list remaining;        /* ValueFromRemainingArguments (Write-Host a b c) */
} lang_bound;

typedef struct lang_cmdctx lang_cmdctx;
typedef lang_status (*lang_cmd_fn)(lang_interp *I, lang_cmdctx *ctx);

/* A command the shell runs itself (built-in or registered by remote.c). */
typedef struct lang_cmd {
    char *name;
    lang_cmd_fn fn;
    void *ud;
    const cmdlet_def_t *def; /* its table entry (cmdlet_find), or NULL */
} lang_cmd;

/* Everything a command implementation gets. */
struct lang_cmdctx {
    const char *name;        /* canonical name, e.g. "Format-List" */
    const cmdlet_def_t *def; /* may be NULL */
    lang_bound *b;
    lang_list *input;         /* pipeline input, or NULL when first in the pipeline */
    lang_list *out;           /* output stream */
    const lang_program *prog; /* extent of the command, for errors */
    uint32_t start, end;
    lang_action error_action;   /* effective */
    lang_action warning_action; /* effective */
    void *ud;                   /* lang_cmd.ud */
    int confirm_all;            /* -Confirm answered Yes to All (1) / No to All (-1) */
};

/* Services a remote cmdlet can reach (installed by remote.c). */
typedef struct lang_remote_ops {
    /* Have `service`'s cmdlets been imported (Import-PSSession / Connect-*)? */
    bool (*available)(void *ud, const char *service);
    /* Run def with the bound JSON parameters (borrowed). On success return 0 with
     * *out_body = the response (new reference). On failure return -1 with
     * *out_err set (owned by the caller). */
    int (*invoke)(void *ud, lang_interp *I, const cmdlet_def_t *def, json_t *params,
                  json_t **out_body, lang_error **out_err);
    void *ud;
    /* ForEach-Object -Parallel (parallel.c); NULL when not supported. thread_new
     * (called on the caller's thread) makes a view of the caller's imported
     * sessions with its own connection, for one worker thread (owned; release with
     * thread_free on that thread); thread_install routes a runspace's server
     * cmdlets and session cmdlets through such a view. */
    void *(*thread_new)(void *ud);
    void (*thread_install)(void *tud, lang_interp *I);
    void (*thread_free)(void *tud);
} lang_remote_ops;

typedef struct lang_function {
    char *name;
    lang_value *block; /* LV_BLOCK (owned) */
} lang_function;

struct fmt_state;

struct lang_interp {
    lang_host host;
    int strict;       /* Set-StrictMode: 0 off, 1 (unset variables outside strings), 2+ (also in
                         strings, and missing properties of objects and strings) */
    int in_string;    /* > 0 while a "...$x..." variable is evaluated (strict mode 1 skips it) */
    void *transcript; /* Start-Transcript's state (builtins.c), or NULL */
    lang_scope *global;
    lang_scope *scope; /* current */
    lang_cmd *cmds;
    size_t ncmds, capcmds;
    lang_function *funcs;
    size_t nfuncs, capfuncs;
    lang_error *pending; /* the terminating error in flight */
    int exit_code;       /* set by exit N */
    bool exited;
    int try_depth;
    int call_depth;
    int errors_shown; /* errors displayed on the host */
    bool unreachable; /* some error was "server unreachable" */
    bool parse_failed;
    bool last_ok;             /* $? */
    lang_value *error_list;   /* $Error (newest first) */
    const lang_program *prog; /* program being executed (for positions) */
    lang_remote_ops remote;
    char *password_file;
    lang_list *top_out;    /* the top-level output list (flushed after each statement) */
    struct fmt_state *fmt; /* Out-Default state */
    int redirect_err;      /* >0 while 2>$null applies to the current command */
    /* the innermost function call running (Write-Error names it, as PowerShell
     * names the InvocationInfo's command): name, call extent, its program */
    const char *fn_name;
    uint32_t fn_start, fn_end;
    const lang_program *fn_prog;
};

/* ---- variables ---- */
/* New reference to the value of $name (scope prefixes and $env: handled). */
lang_value *lang_var_get(lang_interp *I, const char *name, bool *found);
/* Set $name in the current scope (or the scope its prefix names); v borrowed.
 * Returns false (with I->pending set) for read-only variables. */
bool lang_var_set(lang_interp *I, const char *name, lang_value *v);
/* How many scopes the current one is below the global one (0 = global). */
int lang_scope_depth(const lang_interp *I);
/* Set name in the scope `depth` levels below the global one when it is the
 * current scope or one of its parents (a [ref] made there), else in the
 * current scope. v is borrowed. */
void lang_var_set_in(lang_interp *I, const char *name, lang_value *v, int depth);

/* ---- commands ---- */
/* Register a shell-run command under its name (copied); def is looked up in cmdlet_table. */
void lang_register(lang_interp *I, const char *name, lang_cmd_fn fn, void *ud);
/* Find a registered command (case-insensitive), or NULL. */
const lang_cmd *lang_find_cmd(const lang_interp *I, const char *name);
/* Canonical name of an alias (fl -> Format-List), or NULL when name is no alias. */
const char *lang_alias_target(const char *name);
/* All alias names, NULL-terminated (for completion and Get-Command). */
const char *const *lang_alias_names(void);

/* Bound value of a parameter (borrowed; NULL when absent or $null). */
lang_value *lang_param(const lang_cmdctx *ctx, const char *name);
/* Was the parameter given? */
bool lang_param_has(const lang_cmdctx *ctx, const char *name);
/* A switch parameter's value (absent -> false). */
bool lang_param_switch(const lang_cmdctx *ctx, const char *name);

/* ---- errors ---- */
/* Raise a terminating error: store e (taken) in I->pending and return LANG_THROW. */
lang_status lang_throw(lang_interp *I, lang_error *e);
/* A parameter-binding error (ParameterBindingException) of command cmd with
 * PowerShell's category and FullyQualifiedErrorId id, positioned at
 * [start, end) of prog. New; strings borrowed. */
lang_error *lang_binding_error(const char *msg, const char *id, const char *category,
                               const char *cmd, const lang_program *prog, uint32_t start,
                               uint32_t end);
/* A cmdlet's error (taken): fills command name, position and FullyQualifiedErrorId
 * suffix, then treats it by ctx->error_action. Non-terminating: displays or
 * records it and returns LANG_OK; Stop: returns LANG_THROW. */
lang_status lang_cmd_error(lang_interp *I, lang_cmdctx *ctx, lang_error *e);
/* Ctrl-C: stop the running pipeline quietly (returns LANG_THROW). */
lang_status lang_stop(lang_interp *I);
/* A cmdlet's statement-terminating error (taken): returns LANG_THROW. */
lang_status lang_cmd_fail(lang_interp *I, lang_cmdctx *ctx, lang_error *e);
/* Display e (borrowed) on the host as an error and count it; also adds it to $Error. */
void lang_report(lang_interp *I, const lang_error *e);
/* Add e (borrowed) to $Error without displaying it. */
void lang_record_error(lang_interp *I, const lang_error *e);
/* Write "WARNING: text" unless warnings are silenced for ctx (ctx may be NULL). */
void lang_warning(lang_interp *I, const lang_cmdctx *ctx, const char *text);
/* Fill command, activity and position of e from ctx (FullyQualifiedErrorId unchanged). */
void lang_error_at_cmd(lang_error *e, const lang_cmdctx *ctx);

/* ---- evaluation helpers for built-ins ---- */
/* Invoke script block `block` with $_ = dollar_under (borrowed) and args; output
 * appended to out. The block runs in the current scope (as ForEach-Object does)
 * unless new_scope. */
lang_status lang_invoke_block(lang_interp *I, lang_value *block, lang_value *dollar_under,
                              lang_value **args, size_t nargs, bool new_scope, lang_list *out);
/* Evaluate the comparison operator `op` (lang_op) on two values; new reference. */
lang_status lang_binary(lang_interp *I, int op, lang_value *a, lang_value *b, lang_value **res);
/* Get member `name` of v (property, hashtable key, Count/Length, member
 * enumeration over arrays). New reference; NULL when absent. */
lang_value *lang_member(lang_interp *I, lang_value *v, const char *name);
/* Write text (borrowed) to standard output as is. */
void lang_out_text(lang_interp *I, const char *text);
/* Write text (borrowed) to the console, in a console color name when a terminal. */
void lang_host_text(lang_interp *I, const char *text, const char *color);

/* ---- binding (cmdbind.c) ---- */
/* Bind args to def (may be NULL: everything goes to remaining/positional).
 * On failure returns false with *err (owned by caller) set; the error carries
 * the position of the offending argument in prog. */
bool lang_bind(lang_interp *I, const cmdlet_def_t *def, const char *cmdname, lang_arg *args,
               size_t nargs, const lang_program *prog, lang_bound *out, lang_error **err);
/* Shell-local cmdlets: convert and check bound values as PowerShell's binder
 * does (Int32 parameters become numbers, enum values must be one of the
 * list). Returns NULL, or the binding error (owned by the caller) after
 * releasing b. */
lang_error *lang_convert_local(const cmdlet_def_t *def, const char *cmdname,
                               const lang_program *prog, lang_bound *b);
/* PowerShell's own cmdlets name their .NET class in FullyQualifiedErrorId
 * ("NamedParameterNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand");
 * rewrite e's suffix so for a shell-local cmdlet def (module functions such as
 * Connect-ExchangeOnline keep their name). */
void lang_error_local_fqid(lang_error *e, const cmdlet_def_t *def);
/* Release what a successful lang_bind stored in b. */
void lang_bound_free(lang_bound *b);
/* Convert a value to JSON for the admin API (new reference). SecureStrings
 * become their plain text; credentials and script blocks are refused (NULL
 * and *why set to a static reason). */
json_t *lang_to_json(const lang_value *v, const char **why);
/* Close an open Start-Transcript file with its footer and restore the host (NULL-safe). */
void lang_transcript_end(lang_interp *I);
/* Same with ConvertTo-Json's forms of DateTime and TimeSpan (PowerShell 7's). */
json_t *lang_to_json_ps(const lang_value *v, const char **why);
/* Convert a JSON value to a shell value (new reference); objects become
 * PSCustomObjects of type type_name (NULL: hashtable-like PSCustomObject);
 * keys containing '@' are annotations, used for DateTime display. */
lang_value *lang_from_json(json_t *j, const char *type_name);
/* ConvertFrom-Json's conversion (PowerShell 7): every key is a property (no
 * annotations), and ISO 8601 date-time strings become DateTime values. */
lang_value *lang_from_json_ps(json_t *j);
/* ShouldProcess for ctx's cmdlet (target borrowed, may be NULL). For a cmdlet
 * that changes something (CF_CHANGES): -WhatIf (or $WhatIfPreference) writes
 * PowerShell's "What if: Performing the operation ..." line and sets *go false;
 * -Confirm, or a CF_CONFIRM cmdlet without -Confirm:$false, asks Confirm /
 * [Y] Yes [A] Yes to All [N] No [L] No to All ... on the host (terminal or
 * standard input) and sets *go to the answer. When nobody can answer, *go is
 * false and a non-terminating error is reported (its status is returned). */
lang_status lang_should_process(lang_interp *I, lang_cmdctx *ctx, const char *target, bool *go);
/* The same with the action text given (NULL: the cmdlet table's), for cmdlets
 * whose action depends on the target (New-Item: "Create Directory"). */
lang_status lang_should_process_action(lang_interp *I, lang_cmdctx *ctx, const char *action,
                                       const char *target, bool *go);
/* Run a server cmdlet (remote ops) once per input item. */
lang_status lang_run_remote(lang_interp *I, lang_cmdctx *ctx);

/* ---- built-ins (builtins.c) ---- */
void lang_register_builtins(lang_interp *I);

/* Read a password for Get-Credential: prompt on a terminal, else the password file.
 * Returns a malloc'd string (caller wipes and frees) or NULL with *why set. */
char *lang_read_password(lang_interp *I, const char *user, char **why);

#endif
