/* builtins.c - the shell-local cmdlets: credentials and SecureStrings,
 * modules, output and formatting, pipeline utilities, help. Their metadata
 * (parameters, help text) is in src/cmdlets/cmdlet_params_local.inc and
 * cmdlet_table_local.inc. The session cmdlets are in remote.c.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "datetime.h"
#include "format.h"
#include "interp.h"
#include "members.h"
#include "ops.h"
#include "parallel.h"
#include "rs_util.h"

/* ---- helpers ---- */

/* The objects a cmdlet works on: its pipeline input, else -InputObject. */
static void items_of(lang_cmdctx *ctx, const char *param, lang_list *out)
{
    if (ctx->input) {
        for (size_t i = 0; i < ctx->input->n; i++)
            lang_list_push(out, ctx->input->v[i]);
        return;
    }
    if (param && lang_param_has(ctx, param))
        lang_list_push_enum(out, lang_param(ctx, param));
}

/* The values to work on: pipeline input when `param` was not given, else
 * the parameter's one value (borrowed references pushed onto out). */
static void input_or_param(lang_cmdctx *ctx, const char *param, lang_list *out)
{
    if (ctx->input && !lang_param_has(ctx, param))
        items_of(ctx, NULL, out);
    else
        lang_list_push(out, lang_param(ctx, param));
}

static char *param_str(lang_cmdctx *ctx, const char *name)
{
    lang_value *v = lang_param(ctx, name);
    return v ? lang_to_str(v) : NULL;
}

static int64_t param_int(lang_cmdctx *ctx, const char *name, int64_t dflt)
{
    lang_value *v = lang_param(ctx, name);
    int64_t i;
    double d;
    bool isd;
    if (!v || !lang_to_number(v, &i, &d, &isd))
        return dflt;
    return isd ? lang_d2i(d) : i;
}

/* A cmdlet error with PowerShell's shape: ErrorId and .NET class for the
 * FullyQualifiedErrorId ("<id>,<class>"). */
static lang_error *cmd_error_new(lang_cmdctx *ctx, const char *msg, const char *id,
                                 const char *category, const char *exception, const char *klass)
{
    lang_error *e = lang_error_new(msg);
    lang_error_set(&e->command, ctx->name);
    lang_error_set(&e->activity, ctx->name);
    lang_error_set(&e->category, category);
    lang_error_set_exception(e, exception);
    lang_error_set_fqid(e, id, klass ? klass : ctx->name);
    return e;
}

/* ---- Get-Credential ---- */

static char *first_line_of_file(const char *path, char **why)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *why = rs_asprintf("Cannot read the password file '%s': %s.", path, strerror(errno));
        return NULL;
    }
    rs_buf b = {0};
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n' && c != '\r')
        rs_buf_putc(&b, (char)c);
    fclose(f);
    return b.data ? rs_buf_take(&b) : rs_strdup("");
}

char *lang_read_password(lang_interp *I, const char *user, char **why)
{
    *why = NULL;
    if (I->host.interactive && I->host.read_line) {
        char *prompt = rs_asprintf("Password for user %s: ", user ? user : "");
        char *pw = I->host.read_line(I->host.ud, prompt, true);
        free(prompt);
        if (pw || lang_interrupted) {
            if (!pw)
                *why = rs_strdup("The operation was canceled.");
            return pw;
        }
    }
    const char *path = I->password_file ? I->password_file : getenv("ROOMSYS_PASSWORD_FILE");
    if (path && *path)
        return first_line_of_file(path, why);
    *why = rs_strdup("Cannot ask for a password: standard input is not a terminal. Put the "
                     "password on the first line of a file and name the file with roomsys "
                     "--password-file PATH or the ROOMSYS_PASSWORD_FILE environment variable.");
    return NULL;
}

/* Is a user name complete (user@domain)? "admin@" from `admin@$org` is not. */
static bool complete_upn(const char *u)
{
    const char *at = u ? strchr(u, '@') : NULL;
    return at && at != u && at[1];
}

static lang_status cmd_get_credential(lang_interp *I, lang_cmdctx *ctx)
{
    lang_value *given = lang_param(ctx, "Credential");
    if (given && given->type == LV_OBJECT) {
        lang_list_push(ctx->out, given);
        return LANG_OK;
    }
    char *user = param_str(ctx, "UserName");
    if (!user && given && given->type == LV_STRING)
        user = lang_to_str(given);
    bool interactive = I->host.interactive && I->host.read_line;
    if (interactive) {
        char *msg = param_str(ctx, "Message");
        char *head = rs_asprintf("\nPowerShell credential request\n%s\n",
                                 msg ? msg : "Enter your credentials.");
        lang_host_text(I, head, NULL);
        free(head);
        free(msg);
        if (!user || !*user || !complete_upn(user)) {
            char *prompt = rs_asprintf("User: %s", user ? user : "");
            char *typed = I->host.read_line(I->host.ud, prompt, false);
            free(prompt);
            if (typed) {
                char *full = rs_asprintf("%s%s", user ? user : "", typed);
                free(typed);
                free(user);
                user = full;
            }
        }
    } else {
        /* Nobody to ask: ROOMSYS_USER answers the user-name prompt when the
         * argument is missing or incomplete (admin@ from an unset $org). */
        const char *env = getenv("ROOMSYS_USER");
        if ((!user || !complete_upn(user)) && env && *env) {
            free(user);
            user = rs_strdup(env);
        }
        if (!user || !*user) {
            free(user);
            return lang_cmd_error(
                I, ctx,
                cmd_error_new(ctx,
                              "Cannot ask for a user name: standard input is not a terminal. "
                              "Give the user name as an argument (Get-Credential "
                              "admin@contoso.onmicrosoft.com) or in the ROOMSYS_USER environment "
                              "variable.",
                              "CouldNotPromptForCredential", "InvalidOperation",
                              "System.Management.Automation.PSInvalidOperationException",
                              "Microsoft.PowerShell.Commands.GetCredentialCommand"));
        }
    }
    char *why = NULL;
    char *pw = lang_interrupted ? NULL : lang_read_password(I, user, &why);
    if (!pw && lang_interrupted) {
        free(why);
        free(user);
        return lang_stop(I);
    }
    if (!pw) {
        lang_error *e = cmd_error_new(ctx, why, "CouldNotPromptForCredential", "InvalidOperation",
                                      "System.Management.Automation.PSInvalidOperationException",
                                      "Microsoft.PowerShell.Commands.GetCredentialCommand");
        free(why);
        free(user);
        return lang_cmd_error(I, ctx, e);
    }
    lang_value *sec = lang_secure_new(pw, strlen(pw));
    rs_wipe(pw, strlen(pw));
    free(pw);
    lang_list_push_take(ctx->out, lang_make_credential(user, sec));
    lang_unref(sec);
    free(user);
    return LANG_OK;
}

/* ---- SecureStrings ---- */

static lang_status cmd_convertto_securestring(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    input_or_param(ctx, "String", &items);
    lang_status st = LANG_OK;
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        if (!lang_param_switch(ctx, "AsPlainText")) {
            st = lang_cmd_error(
                I, ctx,
                cmd_error_new(ctx,
                              "Encrypted standard strings are not supported by roomsys. Use "
                              "ConvertTo-SecureString -String <text> -AsPlainText -Force.",
                              "ImportSecureString_InvalidArgument", "InvalidArgument",
                              "System.ArgumentException",
                              "Microsoft.PowerShell.Commands.ConvertToSecureStringCommand"));
            continue;
        }
        if (!lang_param_switch(ctx, "Force")) {
            rs_err err;
            rs_raise(&err, RS_E_SECURESTRING_FORCE);
            lang_error *e = lang_error_from_rs(&err, ctx->name);
            lang_error_set_fqid(e, err.error_id,
                                "Microsoft.PowerShell.Commands.ConvertToSecureStringCommand");
            st = lang_cmd_error(I, ctx, e);
            continue;
        }
        lang_value *v = items.v[i];
        if (v && v->type == LV_SECURE) {
            lang_list_push(ctx->out, v);
            continue;
        }
        char *s = lang_to_str(v);
        lang_list_push_take(ctx->out, lang_secure_new(s, strlen(s)));
        rs_wipe(s, strlen(s));
        free(s);
    }
    lang_list_clear(&items);
    return st;
}

static lang_status cmd_convertfrom_securestring(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    input_or_param(ctx, "SecureString", &items);
    lang_status st = LANG_OK;
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        lang_value *v = items.v[i];
        if (!lang_param_switch(ctx, "AsPlainText") || !v || v->type != LV_SECURE) {
            st = lang_cmd_error(
                I, ctx,
                cmd_error_new(ctx,
                              "Encrypted standard strings are not supported by roomsys; use "
                              "ConvertFrom-SecureString -AsPlainText.",
                              "ExportSecureString_InvalidArgument", "InvalidArgument",
                              "System.ArgumentException",
                              "Microsoft.PowerShell.Commands.ConvertFromSecureStringCommand"));
            continue;
        }
        lang_list_push_take(ctx->out, lang_str_n(v->u.str.s, v->u.str.len));
    }
    lang_list_clear(&items);
    return st;
}

/* ---- modules ---- */

static const char *const known_modules[] = {"LyncOnlineConnector",
                                            "SkypeOnlineConnector",
                                            "MSOnline",
                                            "ExchangeOnlineManagement",
                                            "MicrosoftTeams",
                                            "AzureAD",
                                            NULL};

static lang_status cmd_import_module(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list names = {0};
    lang_list_push_enum(&names, lang_param(ctx, "Name"));
    lang_status st = LANG_OK;
    for (size_t i = 0; i < names.n && st == LANG_OK; i++) {
        char *n = lang_to_str(names.v[i]);
        bool ok = false;
        for (int k = 0; known_modules[k]; k++)
            if (rs_streq_ci(known_modules[k], n))
                ok = true;
        if (!ok) {
            char *msg = rs_asprintf("The specified module '%s' was not loaded because no valid "
                                    "module file was found in any module directory.",
                                    n);
            lang_error *e = cmd_error_new(ctx, msg, "Modules_ModuleNotFound", "ResourceUnavailable",
                                          "System.IO.FileNotFoundException",
                                          "Microsoft.PowerShell.Commands.ImportModuleCommand");
            lang_error_set(&e->target_name, n);
            lang_error_set(&e->target_type, "String");
            free(msg);
            st = lang_cmd_error(I, ctx, e);
        }
        free(n);
    }
    lang_list_clear(&names);
    return st;
}

static lang_status cmd_get_module(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    if (!lang_param_switch(ctx, "ListAvailable"))
        return LANG_OK;
    for (int k = 0; known_modules[k]; k++) {
        lang_value *m = lang_object_new("System.Management.Automation.PSModuleInfo");
        lang_prop_set_take(m, "ModuleType", lang_str("Manifest"));
        lang_prop_set_take(m, "Version", lang_str("1.0"));
        lang_prop_set_take(m, "Name", lang_str(known_modules[k]));
        lang_prop_set_take(m, "ExportedCommands", lang_array_new());
        lang_list_push_take(ctx->out, m);
    }
    return LANG_OK;
}

/* ---- formatting and output ---- */

static lang_status cmd_format_list(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *text = fmt_list_text(items.v, items.n, lang_param(ctx, "Property"), I->host.width);
    lang_list_push_take(ctx->out, fmt_text_value(text));
    lang_list_clear(&items);
    return LANG_OK;
}

static lang_status cmd_format_table(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *text = (lang_param_switch(ctx, "AutoSize") ? fmt_table_text_autosize : fmt_table_text)(
        items.v, items.n, lang_param(ctx, "Property"), lang_param_switch(ctx, "HideTableHeaders"),
        I->host.width);
    lang_list_push_take(ctx->out, fmt_text_value(text));
    lang_list_clear(&items);
    return LANG_OK;
}

static void append_host_object(rs_buf *b, lang_value *v, const char *sep)
{
    if (v && v->type == LV_ARRAY) {
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                rs_buf_puts(b, sep);
            append_host_object(b, v->u.arr.items[i], sep);
        }
        return;
    }
    char *s = lang_to_str(v);
    rs_buf_puts(b, s);
    free(s);
}

static lang_status cmd_write_host(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list objs = {0};
    if (lang_param_has(ctx, "Object"))
        lang_list_push(&objs, lang_param(ctx, "Object"));
    for (size_t i = 0; i < ctx->b->remaining.n; i++)
        lang_list_push(&objs, ctx->b->remaining.v[i]);
    if (ctx->input)
        for (size_t i = 0; i < ctx->input->n; i++)
            lang_list_push(&objs, ctx->input->v[i]);
    char *sep = lang_param_has(ctx, "Separator") ? param_str(ctx, "Separator") : rs_strdup(" ");
    rs_buf b = {0};
    for (size_t i = 0; i < objs.n; i++) {
        if (i)
            rs_buf_puts(&b, sep);
        append_host_object(&b, objs.v[i], sep);
    }
    if (!lang_param_switch(ctx, "NoNewline"))
        rs_buf_putc(&b, '\n');
    char *color = param_str(ctx, "ForegroundColor");
    lang_host_text(I, b.data ? b.data : "", color);
    free(color);
    free(sep);
    rs_buf_free(&b);
    lang_list_clear(&objs);
    return LANG_OK;
}

static lang_status cmd_write_output(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    bool noenum = lang_param_switch(ctx, "NoEnumerate");
    if (lang_param_has(ctx, "InputObject")) {
        lang_value *v = lang_param(ctx, "InputObject");
        if (noenum)
            lang_list_push(ctx->out, v);
        else
            lang_list_push_enum(ctx->out, v);
    }
    for (size_t i = 0; i < ctx->b->remaining.n; i++)
        lang_list_push_enum(ctx->out, ctx->b->remaining.v[i]);
    if (ctx->input && !lang_param_has(ctx, "InputObject"))
        for (size_t i = 0; i < ctx->input->n; i++)
            lang_list_push(ctx->out, ctx->input->v[i]);
    return LANG_OK;
}

/* The messages of Write-Warning/-Verbose/-Debug: the parameter or the input. */
static void messages_of(lang_cmdctx *ctx, lang_list *out)
{
    if (lang_param_has(ctx, "Message"))
        lang_list_push(out, lang_param(ctx, "Message"));
    else
        items_of(ctx, NULL, out);
}

static lang_status cmd_write_warning(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list m = {0};
    messages_of(ctx, &m);
    for (size_t i = 0; i < m.n; i++) {
        char *s = lang_to_str(m.v[i]);
        lang_warning(I, ctx, s);
        free(s);
    }
    lang_list_clear(&m);
    return LANG_OK;
}

static lang_status write_stream(lang_interp *I, lang_cmdctx *ctx, const char *pref,
                                const char *label)
{
    lang_value *p = lang_var_get(I, pref, NULL);
    char *ps = lang_to_str(p);
    lang_unref(p);
    lang_action a = lang_action_parse(ps);
    free(ps);
    /* -Verbose / -Debug on the command win over the preference variable */
    int sw = label[0] == 'V' ? ctx->b->verbose : ctx->b->debug;
    if (sw == 0 || (sw < 0 && (a == ACT_NONE || a == ACT_SILENT || a == ACT_IGNORE)))
        return LANG_OK;
    lang_list m = {0};
    messages_of(ctx, &m);
    for (size_t i = 0; i < m.n; i++) {
        char *s = lang_to_str(m.v[i]);
        char *line = rs_asprintf("%s: %s\n", label, s);
        lang_host_text(I, line, "Yellow");
        free(line);
        free(s);
    }
    lang_list_clear(&m);
    return LANG_OK;
}

static lang_status cmd_write_verbose(lang_interp *I, lang_cmdctx *ctx)
{
    return write_stream(I, ctx, "VerbosePreference", "VERBOSE");
}

static lang_status cmd_write_debug(lang_interp *I, lang_cmdctx *ctx)
{
    return write_stream(I, ctx, "DebugPreference", "DEBUG");
}

static const char *const categories[] = {
    "NotSpecified",        "OpenError",           "CloseError",
    "DeviceError",         "DeadlockDetected",    "InvalidArgument",
    "InvalidData",         "InvalidOperation",    "InvalidResult",
    "InvalidType",         "MetadataError",       "NotImplemented",
    "NotInstalled",        "ObjectNotFound",      "OperationStopped",
    "OperationTimeout",    "SyntaxError",         "ParserError",
    "PermissionDenied",    "ResourceBusy",        "ResourceExists",
    "ResourceUnavailable", "ReadError",           "WriteError",
    "FromStdErr",          "SecurityError",       "ProtocolError",
    "ConnectionError",     "AuthenticationError", "LimitsExceeded",
    "QuotaExceeded",       "NotEnabled",          NULL};

static lang_status cmd_write_error(lang_interp *I, lang_cmdctx *ctx)
{
    lang_value *rec = lang_param(ctx, "ErrorRecord");
    const lang_error *inner = lang_error_of_record(rec);
    lang_error *e;
    if (inner) {
        e = lang_error_copy(inner);
    } else {
        char *msg = param_str(ctx, "Message");
        if (!msg) {
            lang_value *ex = lang_param(ctx, "Exception");
            lang_value *m = ex && ex->type == LV_OBJECT ? lang_prop_get(ex, "Message", NULL) : ex;
            msg = lang_to_str(m);
        }
        if (!msg && ctx->input && ctx->input->n)
            msg = lang_to_str(ctx->input->v[0]);
        e = lang_error_new(msg ? msg : "");
        free(msg);
        lang_error_set_exception(e, "Microsoft.PowerShell.Commands.WriteErrorException");
        char *cat = param_str(ctx, "Category");
        if (cat) {
            for (int k = 0; categories[k]; k++)
                if (rs_streq_ci(categories[k], cat))
                    lang_error_set(&e->category, categories[k]);
            free(cat);
        }
        char *id = param_str(ctx, "ErrorId");
        const char *src = ctx->prog && ctx->prog->src->name ? ctx->prog->src->name : NULL;
        if (I->fn_name) {
            /* inside a function: PowerShell names the function and points at its call */
            lang_error_set_fqid(e, id ? id : "Microsoft.PowerShell.Commands.WriteErrorException",
                                I->fn_name);
            free(id);
            e->target = lang_ref(lang_param(ctx, "TargetObject"));
            lang_error_set(&e->command, I->fn_name);
            lang_error_set(&e->activity, "Write-Error");
            lang_error_set_position(e, I->fn_prog, I->fn_start, I->fn_end);
            return lang_cmd_error(I, ctx, e);
        }
        lang_error_set_fqid(e, id ? id : "Microsoft.PowerShell.Commands.WriteErrorException",
                            src ? strrchr(src, '/') ? strrchr(src, '/') + 1 : src : NULL);
        free(id);
        e->target = lang_ref(lang_param(ctx, "TargetObject"));
        /* PowerShell 5.1 names the script (or the command line) before the message */
        if (src) {
            lang_error_set(&e->command, src);
        } else if (ctx->prog) {
            char *txt = rs_strndup(ctx->prog->src->text + ctx->start, ctx->end - ctx->start);
            lang_error_set(&e->command, txt);
            free(txt);
        }
        lang_error_set(&e->activity, "Write-Error");
    }
    return lang_cmd_error(I, ctx, e);
}

/* Write-Progress: one line redrawn in place on a terminal (PowerShell 7's
 * minimal view): "Activity [=======>      ] 42% Status", fitted to the width;
 * -Completed (or the next output, see main.c) clears it. Nothing is drawn
 * off a terminal or when $ProgressPreference is SilentlyContinue. */
static lang_status cmd_write_progress(lang_interp *I, lang_cmdctx *ctx)
{
    if (!I->host.color)
        return LANG_OK;
    lang_value *pv = lang_var_get(I, "ProgressPreference", NULL);
    char *ps = lang_to_str(pv);
    lang_unref(pv);
    lang_action a = lang_action_parse(ps);
    free(ps);
    if (a == ACT_SILENT || a == ACT_IGNORE)
        return LANG_OK;
    if (lang_param_switch(ctx, "Completed")) {
        lang_host_text(I, "\r\033[K", NULL);
        return LANG_OK;
    }
    char *act = param_str(ctx, "Activity");
    char *status = param_str(ctx, "Status");
    int64_t pct = param_int(ctx, "PercentComplete", -1);
    int width = I->host.width > 20 ? I->host.width : 80;
    rs_buf b = {0};
    rs_buf_puts(&b, "\r\033[K");
    rs_buf_printf(&b, "%s ", act ? act : "");
    if (pct >= 0) {
        if (pct > 100)
            pct = 100;
        int barw = width / 3 > 50 ? 50 : width / 3;
        int fill = (int)(pct * barw / 100);
        rs_buf_putc(&b, '[');
        for (int i = 0; i < barw; i++)
            rs_buf_putc(&b, i < fill ? '=' : i == fill ? '>' : ' ');
        rs_buf_printf(&b, "] %lld%% ", (long long)pct);
    }
    rs_buf_puts(&b, status ? status : "");
    /* fit the terminal: the visible part (after \r\033[K) stays under the width */
    size_t visible = b.len - 4;
    if (visible >= (size_t)width) {
        b.len = 4 + (size_t)width - 1;
        b.data[b.len] = '\0';
    }
    lang_host_text(I, b.data, NULL);
    rs_buf_free(&b);
    free(act);
    free(status);
    return LANG_OK;
}

static lang_status cmd_out_null(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    (void)ctx;
    return LANG_OK;
}

static lang_status cmd_out_string(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    int width = (int)param_int(ctx, "Width", I->host.width);
    char *text = fmt_default_text(items.v, items.n, width);
    if (lang_param_switch(ctx, "Stream")) {
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            lang_list_push_take(ctx->out, lang_str(line));
        free(text);
    } else {
        lang_list_push_take(ctx->out, lang_str_take(text));
    }
    lang_list_clear(&items);
    return LANG_OK;
}

static lang_status cmd_out_host(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *text = fmt_default_text(items.v, items.n, I->host.width);
    lang_out_text(I, text);
    free(text);
    lang_list_clear(&items);
    return LANG_OK;
}

static lang_status cmd_read_host(lang_interp *I, lang_cmdctx *ctx)
{
    bool secure = lang_param_switch(ctx, "AsSecureString") || lang_param_switch(ctx, "MaskInput");
    if (!I->host.read_line)
        return lang_cmd_fail(
            I, ctx,
            cmd_error_new(ctx,
                          "Windows PowerShell is in NonInteractive mode. Read and Prompt "
                          "functionality is not available.",
                          "InvalidOperation", "InvalidOperation",
                          "System.Management.Automation.PSInvalidOperationException",
                          "Microsoft.PowerShell.Commands.ReadHostCommand"));
    char *p = param_str(ctx, "Prompt");
    char *prompt = p ? rs_asprintf("%s: ", p) : rs_strdup("");
    free(p);
    char *line = I->host.read_line(I->host.ud, prompt, secure);
    free(prompt);
    if (lang_interrupted) {
        free(line);
        return lang_stop(I);
    }
    if (!line)
        line = rs_strdup("");
    if (secure && lang_param_switch(ctx, "AsSecureString")) {
        lang_list_push_take(ctx->out, lang_secure_new(line, strlen(line)));
        rs_wipe(line, strlen(line));
        free(line);
    } else {
        lang_list_push_take(ctx->out, lang_str_take(line));
    }
    return LANG_OK;
}

/* ---- pipeline utilities ---- */

/* Evaluate a calculated property @{Name=..; Expression={..}} on obj. */
static lang_status calculated(lang_interp *I, lang_value *spec, lang_value *obj, char **name,
                              lang_value **val)
{
    lang_value *n = NULL, *ex = NULL;
    for (size_t i = 0; i < spec->u.obj.n; i++) {
        const char *k = spec->u.obj.props[i].name;
        if (rs_prefix_ci("Name", k) || rs_prefix_ci("Label", k))
            n = spec->u.obj.props[i].value;
        else if (rs_prefix_ci("Expression", k))
            ex = spec->u.obj.props[i].value;
    }
    *name = n ? lang_to_str(n) : rs_strdup("");
    *val = NULL;
    if (ex && ex->type == LV_BLOCK) {
        lang_list r = {0};
        lang_status st = lang_invoke_block(I, ex, obj, NULL, 0, false, &r);
        *val = lang_list_collapse(&r);
        return st;
    }
    if (ex) {
        char *pn = lang_to_str(ex);
        *val = lang_member(I, obj, pn);
        free(pn);
    }
    return LANG_OK;
}

static lang_value *project(lang_interp *I, lang_value *obj, lang_value *props, lang_value *exclude,
                           lang_status *st)
{
    lang_value *o = lang_object_new(NULL);
    lang_list pats = {0};
    lang_list_push_enum(&pats, props);
    for (size_t k = 0; k < pats.n && *st == LANG_OK; k++) {
        lang_value *p = pats.v[k];
        if (p && p->type == LV_HASH) {
            char *name;
            lang_value *val;
            *st = calculated(I, p, obj, &name, &val);
            lang_prop_set_take(o, name, val);
            free(name);
            continue;
        }
        char *pat = lang_to_str(p);
        if (rs_has_wildcard(pat)) {
            if (obj && (obj->type == LV_OBJECT || obj->type == LV_HASH))
                for (size_t i = 0; i < obj->u.obj.n; i++)
                    if (rs_wildcard_match(pat, obj->u.obj.props[i].name))
                        lang_prop_set(o, obj->u.obj.props[i].name, obj->u.obj.props[i].value);
        } else {
            lang_value *v = lang_member(I, obj, pat);
            /* use the object's own spelling of the name when it has one */
            const char *name = pat;
            if (obj && (obj->type == LV_OBJECT || obj->type == LV_HASH))
                for (size_t i = 0; i < obj->u.obj.n; i++)
                    if (rs_streq_ci(obj->u.obj.props[i].name, pat))
                        name = obj->u.obj.props[i].name;
            lang_prop_set_take(o, name, v);
        }
        free(pat);
    }
    lang_list_clear(&pats);
    if (exclude) {
        lang_list ex = {0};
        lang_list_push_enum(&ex, exclude);
        for (size_t k = 0; k < ex.n; k++) {
            char *pat = lang_to_str(ex.v[k]);
            for (size_t i = o->u.obj.n; i-- > 0;)
                if (rs_wildcard_match(pat, o->u.obj.props[i].name))
                    lang_prop_remove(o, o->u.obj.props[i].name);
            free(pat);
        }
        lang_list_clear(&ex);
    }
    return o;
}

static bool same_value(lang_value *a, lang_value *b)
{
    bool ok;
    if (lang_is_scalar(a) && lang_is_scalar(b))
        return lang_compare(a, b, true, &ok) == 0 && ok;
    char *sa = lang_to_str(a), *sb = lang_to_str(b);
    bool r = !strcmp(sa, sb);
    free(sa);
    free(sb);
    return r;
}

static lang_status cmd_select_object(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    int64_t skip = param_int(ctx, "Skip", 0);
    int64_t first = param_int(ctx, "First", -1);
    int64_t last = param_int(ctx, "Last", -1);
    size_t from = (size_t)(skip > 0 ? skip : 0), to = items.n;
    if (from > to)
        from = to;
    if (first >= 0 && from + (size_t)first < to)
        to = from + (size_t)first;
    if (last >= 0 && to - from > (size_t)last)
        from = to - (size_t)last;
    char *expand = param_str(ctx, "ExpandProperty");
    lang_value *props = lang_param(ctx, "Property");
    lang_value *exclude = lang_param(ctx, "ExcludeProperty");
    bool unique = lang_param_switch(ctx, "Unique");
    lang_status st = LANG_OK;
    lang_list produced = {0};
    for (size_t i = from; i < to && st == LANG_OK; i++) {
        lang_value *it = items.v[i];
        if (expand) {
            bool found = false;
            lang_value *v = NULL;
            if (it && (it->type == LV_OBJECT || it->type == LV_HASH)) {
                lang_prop_get(it, expand, &found);
                v = found ? lang_member(I, it, expand) : NULL;
            } else if (it) { /* .NET properties of strings and arrays: Length, Count */
                v = lang_member(I, it, expand);
                found = v != NULL;
            }
            if (!found) {
                char *msg = rs_asprintf("Property \"%s\" cannot be found.", expand);
                lang_error *e = cmd_error_new(ctx, msg, "ExpandPropertyNotFound", "InvalidArgument",
                                              "System.Management.Automation.PSArgumentException",
                                              "Microsoft.PowerShell.Commands.SelectObjectCommand");
                e->target = lang_ref(it);
                free(msg);
                st = lang_cmd_error(I, ctx, e);
                continue;
            }
            lang_list_push_enum(&produced, v);
            lang_unref(v);
        } else if (props) {
            lang_list_push_take(&produced, project(I, it, props, exclude, &st));
        } else {
            lang_list_push(&produced, it);
        }
    }
    for (size_t i = 0; i < produced.n; i++) {
        bool dup = false;
        for (size_t k = 0; unique && k < i && !dup; k++)
            dup = same_value(produced.v[k], produced.v[i]);
        if (!dup)
            lang_list_push(ctx->out, produced.v[i]);
    }
    lang_list_clear(&produced);
    free(expand);
    lang_list_clear(&items);
    return st;
}

static const struct {
    const char *param;
    int op;
} where_ops[] = {
    {"EQ", OP_EQ},
    {"NE", OP_NE},
    {"GT", OP_GT},
    {"GE", OP_GE},
    {"LT", OP_LT},
    {"LE", OP_LE},
    {"Like", OP_LIKE},
    {"NotLike", OP_NOTLIKE},
    {"Match", OP_MATCH},
    {"NotMatch", OP_NOTMATCH},
    {"Contains", OP_CONTAINS},
    {"NotContains", OP_NOTCONTAINS},
    {"In", OP_IN},
    {"NotIn", OP_NOTIN},
    {"CEQ", OP_CEQ},
};

static lang_status cmd_where_object(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    lang_value *filter = lang_param(ctx, "FilterScript");
    lang_value *prop = lang_param(ctx, "Property");
    if (!filter && prop && prop->type == LV_BLOCK)
        filter = prop;
    int op = OP_NONE;
    for (size_t k = 0; k < sizeof where_ops / sizeof where_ops[0]; k++)
        if (lang_param_switch(ctx, where_ops[k].param))
            op = where_ops[k].op;
    bool negate = lang_param_switch(ctx, "Not");
    char *pname = !filter && prop ? lang_to_str(prop) : NULL;
    lang_value *value = lang_param(ctx, "Value");
    lang_status st = LANG_OK;
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        lang_value *it = items.v[i];
        bool keep = false;
        if (filter) {
            lang_list r = {0};
            st = lang_invoke_block(I, filter, it, NULL, 0, false, &r);
            lang_value *rv = lang_list_collapse(&r);
            keep = lang_truthy(rv);
            lang_unref(rv);
        } else if (pname) {
            lang_value *pv = lang_member(I, it, pname);
            if (op == OP_NONE) {
                keep = negate ? !lang_truthy(pv) : lang_truthy(pv);
            } else {
                lang_value *r = NULL;
                st = lang_binary(I, op, pv, value, &r);
                keep = lang_truthy(r);
                lang_unref(r);
            }
            lang_unref(pv);
        }
        if (keep && st == LANG_OK)
            lang_list_push(ctx->out, it);
    }
    free(pname);
    lang_list_clear(&items);
    return st;
}

static lang_status cmd_foreach_object(lang_interp *I, lang_cmdctx *ctx)
{
    if (lang_parallel_requested(ctx))
        return lang_foreach_parallel(I, ctx); /* parallel.c */
    lang_value *begin = lang_param(ctx, "Begin");
    lang_value *process = lang_param(ctx, "Process");
    lang_value *end = lang_param(ctx, "End");
    char *member = param_str(ctx, "MemberName");
    if (!member && process && process->type != LV_BLOCK) {
        member = lang_to_str(process);
        process = NULL;
    }
    lang_status st = LANG_OK;
    if (begin)
        st = lang_invoke_block(I, begin, NULL, NULL, 0, false, ctx->out);
    lang_list items = {0};
    if (ctx->input)
        items_of(ctx, NULL, &items);
    else if (lang_param_has(ctx, "InputObject"))
        lang_list_push(&items, lang_param(ctx, "InputObject"));
    else
        lang_list_push(&items, NULL); /* no input: the block runs once */
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        if (member) {
            lang_value *v = lang_member(I, items.v[i], member);
            lang_list_push_enum(ctx->out, v);
            lang_unref(v);
        } else if (process) {
            st = lang_invoke_block(I, process, items.v[i], NULL, 0, false, ctx->out);
        }
    }
    if (st == LANG_OK && end)
        st = lang_invoke_block(I, end, NULL, NULL, 0, false, ctx->out);
    lang_list_clear(&items);
    free(member);
    return st;
}

typedef struct sort_item {
    lang_value *v;
    lang_value **keys; /* one per sort key */
    size_t idx;
} sort_item;

typedef struct sort_spec {
    size_t nkeys;
    bool *desc; /* per key */
} sort_spec;

/* Key by key (each ascending or descending), then input order: a stable sort. */
static int sort_cmp(const void *a, const void *b, void *ud)
{
    const sort_item *x = a, *y = b;
    const sort_spec *sp = ud;
    for (size_t k = 0; k < sp->nkeys; k++) {
        bool ok;
        int c = lang_compare(x->keys[k], y->keys[k], true, &ok);
        if (ok && c)
            return sp->desc[k] ? -c : c;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sort-Object [-Property] a, {block}, @{Expression=...; Descending=$true} [-Descending] [-Unique]
 */
static lang_status cmd_sort_object(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    lang_list props = {0};
    if (lang_param(ctx, "Property"))
        lang_list_push_enum(&props, lang_param(ctx, "Property"));
    bool desc_all = lang_param_switch(ctx, "Descending");
    bool unique = lang_param_switch(ctx, "Unique");
    sort_spec sp = {.nkeys = props.n ? props.n : 1};
    sp.desc = rs_calloc(sp.nkeys, sizeof(bool));
    lang_value **expr = rs_calloc(sp.nkeys, sizeof(lang_value *)); /* borrowed */
    for (size_t k = 0; k < props.n; k++) {
        lang_value *p = props.v[k];
        sp.desc[k] = desc_all;
        expr[k] = p;
        if (p && p->type == LV_HASH) {
            bool found;
            lang_value *e = lang_prop_get(p, "Expression", &found);
            if (!found)
                e = lang_prop_get(p, "E", &found);
            expr[k] = e;
            lang_value *d = lang_prop_get(p, "Descending", &found);
            if (found)
                sp.desc[k] = lang_truthy(d);
            lang_value *asc = lang_prop_get(p, "Ascending", &found);
            if (found)
                sp.desc[k] = !lang_truthy(asc);
        }
    }
    if (!props.n)
        sp.desc[0] = desc_all;
    sort_item *si = rs_calloc(items.n ? items.n : 1, sizeof(sort_item));
    lang_status st = LANG_OK;
    for (size_t i = 0; i < items.n; i++) {
        si[i].v = items.v[i];
        si[i].idx = i;
        si[i].keys = rs_calloc(sp.nkeys, sizeof(lang_value *));
        for (size_t k = 0; k < sp.nkeys && st == LANG_OK; k++) {
            lang_value *e = props.n ? expr[k] : NULL;
            if (e && e->type == LV_BLOCK) {
                lang_list r = {0};
                st = lang_invoke_block(I, e, items.v[i], NULL, 0, false, &r);
                si[i].keys[k] = lang_list_collapse(&r);
            } else if (e) {
                char *pn = lang_to_str(e);
                si[i].keys[k] = lang_member(I, items.v[i], pn);
                free(pn);
            } else {
                si[i].keys[k] = lang_ref(items.v[i]);
            }
        }
    }
    if (st == LANG_OK)
        qsort_r(si, items.n, sizeof(sort_item), sort_cmp, &sp);
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        if (unique && i > 0) {
            bool same = true;
            for (size_t k = 0; k < sp.nkeys && same; k++)
                same = same_value(si[i - 1].keys[k], si[i].keys[k]);
            if (same)
                continue;
        }
        lang_list_push(ctx->out, si[i].v);
    }
    for (size_t i = 0; i < items.n; i++) {
        for (size_t k = 0; k < sp.nkeys && si[i].keys; k++)
            lang_unref(si[i].keys[k]);
        free(si[i].keys);
    }
    free(si);
    free(sp.desc);
    free(expr);
    lang_list_clear(&props);
    lang_list_clear(&items);
    return st;
}

/* Measure-Object: PowerShell 7's GenericMeasureInfo (Count, Average, Sum,
 * Maximum, Minimum, StandardDeviation, Property); the statistics not asked
 * for are $null. -AllStats asks for all of them. */
static lang_status cmd_measure_object(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *pname = param_str(ctx, "Property");
    double sum = 0, sumsq = 0, mx = 0, mn = 0;
    size_t count = 0, nnum = 0;
    bool any = false;
    for (size_t i = 0; i < items.n; i++) {
        if (!items.v[i])
            continue;
        count++;
        lang_value *v = pname ? lang_member(I, items.v[i], pname) : lang_ref(items.v[i]);
        int64_t iv;
        double dv;
        bool isd;
        if (v && lang_to_number(v, &iv, &dv, &isd)) {
            double x = isd ? dv : (double)iv;
            sum += x;
            sumsq += x * x;
            nnum++;
            if (!any || x > mx)
                mx = x;
            if (!any || x < mn)
                mn = x;
            any = true;
        }
        lang_unref(v);
    }
    bool all = lang_param_switch(ctx, "AllStats");
    bool want_avg = all || lang_param_switch(ctx, "Average");
    bool want_sum = all || lang_param_switch(ctx, "Sum");
    bool want_max = all || lang_param_switch(ctx, "Maximum");
    bool want_min = all || lang_param_switch(ctx, "Minimum");
    bool want_sd = all || lang_param_switch(ctx, "StandardDeviation");
    lang_value *o = lang_object_new("Microsoft.PowerShell.Commands.GenericMeasureInfo");
    lang_prop_set_take(o, "Count", lang_int((int64_t)count));
    lang_prop_set_take(o, "Average", want_avg && count ? lang_double(sum / (double)count) : NULL);
    lang_prop_set_take(o, "Sum",
                       want_sum ? (sum == (int64_t)sum ? lang_int((int64_t)sum) : lang_double(sum))
                                : NULL);
    lang_prop_set_take(o, "Maximum", want_max && any ? lang_double(mx) : NULL);
    lang_prop_set_take(o, "Minimum", want_min && any ? lang_double(mn) : NULL);
    /* the sample standard deviation, as PowerShell computes it */
    double var = nnum > 1 ? (sumsq - sum * sum / (double)nnum) / (double)(nnum - 1) : 0;
    lang_prop_set_take(o, "StandardDeviation",
                       want_sd && nnum ? lang_double(var > 0 ? sqrt(var) : 0) : NULL);
    lang_prop_set_take(o, "Property", pname ? lang_str(pname) : NULL);
    lang_list_push_take(ctx->out, o);
    free(pname);
    lang_list_clear(&items);
    return LANG_OK;
}

static lang_status cmd_new_object(lang_interp *I, lang_cmdctx *ctx)
{
    char *t = param_str(ctx, "TypeName");
    lang_value *args = lang_param(ctx, "ArgumentList");
    lang_value *props = lang_param(ctx, "Property");
    const char *tn = rs_prefix_ci(t, "System.") ? t + 7 : t;
    lang_value *o = NULL;
    if (rs_streq_ci(tn, "Management.Automation.PSObject") || rs_streq_ci(tn, "PSObject") ||
        rs_streq_ci(tn, "PSCustomObject") ||
        rs_streq_ci(tn, "Management.Automation.PSCustomObject") || rs_streq_ci(tn, "Object")) {
        o = lang_object_new(NULL);
    } else if (rs_streq_ci(tn, "Collections.Hashtable") || rs_streq_ci(tn, "Hashtable")) {
        o = lang_hash_new();
    } else if (rs_streq_ci(tn, "Collections.ArrayList") ||
               rs_prefix_ci(tn, "Collections.Generic.List")) {
        o = lang_array_new();
        o->u.arr.kind =
            rs_prefix_ci(tn, "Collections.Generic.List") ? LANG_ARR_LIST : LANG_ARR_ARRAYLIST;
    } else if ((strlen(tn) > 9 && rs_streq_ci(tn + strlen(tn) - 9, "Exception")) ||
               rs_streq_ci(tn, "Net.NetworkCredential") || rs_streq_ci(tn, "Text.StringBuilder")) {
        /* the types with a .NET constructor of their own (ops.h) */
        size_t na = args && args->type == LV_ARRAY ? args->u.arr.n : args ? 1 : 0;
        lang_value **av = args && args->type == LV_ARRAY ? args->u.arr.items : &args;
        lang_status st = rs_streq_ci(tn, "Net.NetworkCredential")
                             ? lang_new_network_credential(I, NULL, av, na, &o)
                         : rs_streq_ci(tn, "Text.StringBuilder")
                             ? lang_new_stringbuilder(I, NULL, av, na, &o)
                             : lang_new_exception(I, NULL, t, av, na, &o);
        if (st != LANG_OK) {
            free(t);
            return st;
        }
    } else if (rs_streq_ci(tn, "Management.Automation.PSCredential") ||
               rs_streq_ci(tn, "PSCredential")) {
        lang_value *user = lang_array_get(args, 0);
        lang_value *pw = lang_array_get(args, 1);
        if (!pw || pw->type != LV_SECURE) {
            free(t);
            return lang_cmd_fail(
                I, ctx,
                cmd_error_new(ctx,
                              "A constructor was not found. Cannot find an appropriate "
                              "constructor for type System.Management.Automation.PSCredential.",
                              "CannotFindAppropriateCtor", "ObjectNotFound",
                              "System.Management.Automation.PSArgumentException",
                              "Microsoft.PowerShell.Commands.NewObjectCommand"));
        }
        char *u = lang_to_str(user);
        o = lang_make_credential(u, pw);
        free(u);
    } else {
        char *msg = rs_asprintf("Cannot find type [%s]: verify that the assembly containing this "
                                "type is loaded.",
                                t);
        lang_error *e = cmd_error_new(ctx, msg, "TypeNotFound", "InvalidType",
                                      "System.Management.Automation.PSArgumentException",
                                      "Microsoft.PowerShell.Commands.NewObjectCommand");
        free(msg);
        free(t);
        return lang_cmd_fail(I, ctx, e);
    }
    if (props && props->type == LV_HASH && (o->type == LV_OBJECT || o->type == LV_HASH))
        for (size_t i = 0; i < props->u.obj.n; i++)
            lang_prop_set(o, props->u.obj.props[i].name, props->u.obj.props[i].value);
    lang_list_push_take(ctx->out, o);
    free(t);
    return LANG_OK;
}

/* ---- files ---- */

static char *read_file(const char *path, char **why)
{
    char *s = lang_read_text_file(path, NULL);
    if (!s) {
        *why = rs_asprintf("Cannot find path '%s' because it does not exist.", path);
        return NULL;
    }
    return s;
}

/* The absolute form of path (malloc'd), as PowerShell names a file target. */
static char *full_path(const char *path)
{
    if (!path || path[0] == '/')
        return rs_strdup(path ? path : "");
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        return rs_strdup(path);
    if (path[0] == '.' && path[1] == '/')
        path += 2;
    return rs_asprintf("%s/%s", cwd, path);
}

static lang_status path_error(lang_interp *I, lang_cmdctx *ctx, const char *why, const char *path,
                              const char *klass)
{
    lang_error *e = cmd_error_new(ctx, why, "PathNotFound", "ObjectNotFound",
                                  "System.Management.Automation.ItemNotFoundException", klass);
    lang_error_set(&e->target_name, path);
    lang_error_set(&e->target_type, "String");
    return lang_cmd_error(I, ctx, e);
}

/* Split one CSV record starting at *p; returns fields, advances *p. */
static size_t csv_record(const char **p, char delim, char ***fields)
{
    size_t n = 0, cap = 8;
    char **out = rs_malloc(cap * sizeof(char *));
    const char *s = *p;
    for (;;) {
        rs_buf f = {0};
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    break;
                if (*s == '"' && s[1] == '"') {
                    rs_buf_putc(&f, '"');
                    s += 2;
                    continue;
                }
                if (*s == '"') {
                    s++;
                    break;
                }
                rs_buf_putc(&f, *s++);
            }
            while (*s && *s != delim && *s != '\n' && *s != '\r')
                rs_buf_putc(&f, *s++);
        } else {
            while (*s && *s != delim && *s != '\n' && *s != '\r')
                rs_buf_putc(&f, *s++);
        }
        if (n == cap) {
            cap *= 2;
            out = rs_realloc(out, cap * sizeof(char *));
        }
        out[n++] = f.data ? rs_buf_take(&f) : rs_strdup("");
        if (*s == delim) {
            s++;
            continue;
        }
        break;
    }
    if (*s == '\r')
        s++;
    if (*s == '\n')
        s++;
    *p = s;
    *fields = out;
    return n;
}

/* CSV text -> PSCustomObjects (strings) pushed onto out; the first record
 * names the columns unless header (a string or strings) does; #TYPE lines
 * are skipped. */
static void csv_parse(const char *text, char delim, lang_value *hv, lang_list *out)
{
    const char *p = text;
    char **hdr = NULL;
    size_t nh = 0;
    if (hv) {
        lang_list hl = {0};
        lang_list_push_enum(&hl, hv);
        nh = hl.n;
        hdr = rs_malloc((nh ? nh : 1) * sizeof(char *));
        for (size_t k = 0; k < nh; k++)
            hdr[k] = lang_to_str(hl.v[k]);
        lang_list_clear(&hl);
    } else {
        while (*p == '#') /* #TYPE line */
            while (*p && *p++ != '\n')
                ;
        if (*p)
            nh = csv_record(&p, delim, &hdr);
    }
    while (*p) {
        if (*p == '\n' || *p == '\r') {
            p++;
            continue;
        }
        char **f;
        size_t nf = csv_record(&p, delim, &f);
        lang_value *o = lang_object_new(NULL);
        for (size_t k = 0; k < nh; k++)
            lang_prop_set_take(o, hdr[k], k < nf ? lang_str(f[k]) : NULL);
        for (size_t k = 0; k < nf; k++)
            free(f[k]);
        free(f);
        lang_list_push_take(out, o);
    }
    for (size_t k = 0; k < nh; k++)
        free(hdr[k]);
    free(hdr);
}

static lang_status cmd_import_csv(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list paths = {0};
    lang_list_push_enum(&paths, lang_param(ctx, "Path"));
    char *d = param_str(ctx, "Delimiter");
    char delim = d && *d ? d[0] : ',';
    free(d);
    lang_status st = LANG_OK;
    for (size_t pi = 0; pi < paths.n && st == LANG_OK; pi++) {
        char *path = lang_to_str(paths.v[pi]);
        char *why = NULL;
        char *text = read_file(path, &why);
        if (!text) {
            st = path_error(I, ctx, why, path, "Microsoft.PowerShell.Commands.ImportCsvCommand");
            free(why);
            free(path);
            continue;
        }
        csv_parse(text, delim, lang_param(ctx, "Header"), ctx->out);
        free(text);
        free(path);
    }
    lang_list_clear(&paths);
    return st;
}

static void csv_field(rs_buf *b, const char *s)
{
    rs_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            rs_buf_putc(b, '"');
        rs_buf_putc(b, *s);
    }
    rs_buf_putc(b, '"');
}

/* CSV text of the objects in items (PowerShell 7: every field quoted, the
 * first object's properties are the columns, no #TYPE line). */
static void csv_text(rs_buf *b, lang_list *items, char delim, bool header)
{
    lang_value *first = NULL;
    for (size_t i = 0; i < items->n && !first; i++)
        if (items->v[i] && (items->v[i]->type == LV_OBJECT || items->v[i]->type == LV_HASH))
            first = items->v[i];
    if (!first)
        return;
    if (header) {
        for (size_t k = 0; k < first->u.obj.n; k++) {
            if (k)
                rs_buf_putc(b, delim);
            csv_field(b, first->u.obj.props[k].name);
        }
        rs_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < items->n; i++) {
        lang_value *o = items->v[i];
        if (!o || (o->type != LV_OBJECT && o->type != LV_HASH))
            continue;
        for (size_t k = 0; k < first->u.obj.n; k++) {
            if (k)
                rs_buf_putc(b, delim);
            lang_value *v = lang_prop_get(o, first->u.obj.props[k].name, NULL);
            char *t = v && v->type == LV_ARRAY ? rs_strdup("System.Object[]") : lang_to_str(v);
            csv_field(b, t);
            free(t);
        }
        rs_buf_putc(b, '\n');
    }
}

static lang_status cmd_convertto_csv(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *d = param_str(ctx, "Delimiter");
    char delim = d && *d ? d[0] : ',';
    free(d);
    rs_buf b = {0};
    csv_text(&b, &items, delim, !lang_param_switch(ctx, "NoHeader"));
    for (char *line = b.data; line && *line;) {
        char *nl = strchr(line, '\n');
        lang_list_push_take(ctx->out, lang_str_n(line, nl ? (size_t)(nl - line) : strlen(line)));
        line = nl ? nl + 1 : line + strlen(line);
    }
    rs_buf_free(&b);
    lang_list_clear(&items);
    return LANG_OK;
}

static lang_status cmd_convertfrom_csv(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *d = param_str(ctx, "Delimiter");
    char delim = d && *d ? d[0] : ',';
    free(d);
    rs_buf b = {0};
    for (size_t i = 0; i < items.n; i++) {
        char *t = lang_to_str(items.v[i]);
        rs_buf_puts(&b, t);
        rs_buf_putc(&b, '\n');
        free(t);
    }
    if (b.data)
        csv_parse(b.data, delim, lang_param(ctx, "Header"), ctx->out);
    rs_buf_free(&b);
    lang_list_clear(&items);
    return LANG_OK;
}

static lang_status cmd_export_csv(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *path = param_str(ctx, "Path");
    char *d = param_str(ctx, "Delimiter");
    char delim = d && *d ? d[0] : ',';
    free(d);
    bool append = lang_param_switch(ctx, "Append");
    char *full = full_path(path);
    bool go = true;
    lang_status sp = lang_should_process(I, ctx, full, &go);
    free(full);
    if (sp != LANG_OK || !go) {
        free(path);
        lang_list_clear(&items);
        return sp;
    }
    FILE *f = fopen(path, append ? "a" : "w");
    if (!f) {
        char *why = rs_asprintf("Could not find a part of the path '%s'.", path);
        lang_status st =
            path_error(I, ctx, why, path, "Microsoft.PowerShell.Commands.ExportCsvCommand");
        free(why);
        free(path);
        lang_list_clear(&items);
        return st;
    }
    rs_buf b = {0};
    csv_text(&b, &items, delim, !append || ftell(f) == 0);
    if (b.data)
        fputs(b.data, f);
    fclose(f);
    rs_buf_free(&b);
    free(path);
    lang_list_clear(&items);
    return LANG_OK;
}

/* Write text to path (replacing it, or appending); false with *why (malloc'd) on failure. */
static bool write_file(const char *path, const char *text, bool append, char **why)
{
    FILE *f = fopen(path, append ? "a" : "w");
    if (!f) {
        *why = errno == EACCES ? rs_asprintf("Access to the path '%s' is denied.", path)
                               : rs_asprintf("Could not find a part of the path '%s'.", path);
        return false;
    }
    fputs(text, f);
    bool ok = fclose(f) == 0;
    if (!ok)
        *why = rs_asprintf("The file '%s' could not be written.", path);
    return ok;
}

/* Set-Content (replace) and Add-Content (append): one line per value. */
static lang_status write_content(lang_interp *I, lang_cmdctx *ctx, bool append, const char *klass)
{
    lang_list items = {0};
    items_of(ctx, "Value", &items);
    char *path = param_str(ctx, "Path");
    char *full = full_path(path);
    char *target = rs_asprintf("Path: %s", full);
    bool go = true;
    lang_status st = lang_should_process(I, ctx, target, &go);
    free(target);
    free(full);
    if (st == LANG_OK && go) {
        bool nonl = lang_param_switch(ctx, "NoNewline");
        rs_buf b = {0};
        for (size_t i = 0; i < items.n; i++) {
            char *t = lang_to_str(items.v[i]);
            rs_buf_append(&b, t, strlen(t));
            if (!nonl)
                rs_buf_putc(&b, '\n');
            free(t);
        }
        char *why = NULL;
        if (!write_file(path, b.data ? b.data : "", append, &why)) {
            st = path_error(I, ctx, why, path, klass);
            free(why);
        }
        rs_buf_free(&b);
    }
    free(path);
    lang_list_clear(&items);
    return st;
}

static lang_status cmd_set_content(lang_interp *I, lang_cmdctx *ctx)
{
    return write_content(I, ctx, false, "Microsoft.PowerShell.Commands.SetContentCommand");
}

static lang_status cmd_add_content(lang_interp *I, lang_cmdctx *ctx)
{
    return write_content(I, ctx, true, "Microsoft.PowerShell.Commands.AddContentCommand");
}

/* ---- Get-Random, New-Guid, Get-/Set-Location ---- */

static char *expand_home(const char *p);

static uint64_t random_u64(void)
{
    uint64_t r;
    rs_random(&r, sizeof r);
    return r;
}

/* Uniform in [0, n) without modulo bias; n > 0. */
static uint64_t random_below(uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, r;
    do
        r = random_u64();
    while (r >= lim);
    return r % n;
}

static lang_status cmd_get_random(lang_interp *I, lang_cmdctx *ctx)
{
    static const char *const cls = "Microsoft.PowerShell.Commands.GetRandomCommand";
    lang_list items = {0};
    bool from_input = ctx->input || lang_param_has(ctx, "InputObject");
    if (from_input) {
        items_of(ctx, "InputObject", &items);
        bool shuffle = lang_param_switch(ctx, "Shuffle");
        int64_t count = shuffle ? (int64_t)items.n : param_int(ctx, "Count", 1);
        /* a partial Fisher-Yates shuffle: `count` distinct objects */
        for (size_t i = 0; i < items.n && (int64_t)i < count; i++) {
            size_t j = i + (size_t)random_below(items.n - i);
            lang_value *t = items.v[i];
            items.v[i] = items.v[j];
            items.v[j] = t;
            lang_list_push(ctx->out, items.v[i]);
        }
        lang_list_clear(&items);
        return LANG_OK;
    }
    lang_value *maxv = lang_param(ctx, "Maximum"), *minv = lang_param(ctx, "Minimum");
    int64_t imax = INT32_MAX, imin = 0;
    double dmax = 0, dmin = 0;
    bool dbl = false, isd;
    int64_t iv;
    double dv;
    if (maxv) {
        if (!lang_to_number(maxv, &iv, &dv, &isd))
            iv = 0;
        if (isd) {
            dbl = true;
            dmax = dv;
        } else {
            imax = iv;
            dmax = (double)iv;
        }
    } else {
        dmax = (double)imax;
    }
    if (minv) {
        if (!lang_to_number(minv, &iv, &dv, &isd))
            iv = 0;
        if (isd) {
            dbl = true;
            dmin = dv;
        } else {
            imin = iv;
            dmin = (double)iv;
        }
    }
    if (dbl ? dmin >= dmax : imin >= imax) {
        char a[40], b[40];
        if (dbl) {
            lang_format_double(dmin, a, sizeof a);
            lang_format_double(dmax, b, sizeof b);
        } else {
            snprintf(a, sizeof a, "%lld", (long long)imin);
            snprintf(b, sizeof b, "%lld", (long long)imax);
        }
        char *msg = rs_asprintf("The Minimum value (%s) cannot be greater than or equal to the "
                                "Maximum value (%s).",
                                a, b);
        lang_error *e = cmd_error_new(ctx, msg, "MinGreaterThanOrEqualMax", "InvalidArgument",
                                      "System.ArgumentException", cls);
        free(msg);
        return lang_cmd_fail(I, ctx, e);
    }
    if (dbl) {
        double u = (double)(random_u64() >> 11) / 9007199254740992.0; /* [0, 1) */
        lang_list_push_take(ctx->out, lang_double(dmin + u * (dmax - dmin)));
    } else {
        uint64_t span = (uint64_t)imax - (uint64_t)imin;
        lang_list_push_take(ctx->out, lang_int(imin + (int64_t)random_below(span)));
    }
    return LANG_OK;
}

static lang_status cmd_new_guid(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    unsigned char b[16];
    rs_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char *g = rs_asprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                          b[12], b[13], b[14], b[15]);
    lang_value *o = lang_object_new("System.Guid");
    lang_prop_set_take(o, "Guid", lang_str_take(g));
    lang_list_push_take(ctx->out, o);
    return LANG_OK;
}

static lang_status cmd_get_location(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    char cwd[4096];
    lang_value *o = lang_object_new("System.Management.Automation.PathInfo");
    lang_prop_set_take(o, "Path", lang_str(getcwd(cwd, sizeof cwd) ? cwd : ""));
    lang_list_push_take(ctx->out, o);
    return LANG_OK;
}

static lang_status cmd_set_location(lang_interp *I, lang_cmdctx *ctx)
{
    char *path = param_str(ctx, "Path");
    char *p = expand_home(path ? path : "~");
    lang_status st = LANG_OK;
    if (chdir(p) != 0) {
        char *why =
            rs_asprintf("Cannot find path '%s' because it does not exist.", path ? path : p);
        st = path_error(I, ctx, why, path ? path : p,
                        "Microsoft.PowerShell.Commands.SetLocationCommand");
        free(why);
    }
    free(p);
    free(path);
    return st;
}

/* ---- Start-Transcript / Stop-Transcript ---- */

typedef struct transcript {
    FILE *f;
    char *path;
    lang_host inner; /* the host before the transcript */
} transcript;

static void tr_out(void *ud, const char *text, size_t n)
{
    transcript *t = ud;
    fwrite(text, 1, n, t->f);
    fflush(t->f);
    if (t->inner.out)
        t->inner.out(t->inner.ud, text, n);
}

static void tr_err(void *ud, const char *text, size_t n)
{
    transcript *t = ud;
    fwrite(text, 1, n, t->f);
    fflush(t->f);
    if (t->inner.err)
        t->inner.err(t->inner.ud, text, n);
}

static void tr_host(void *ud, const char *text, size_t n, const char *color)
{
    transcript *t = ud;
    fwrite(text, 1, n, t->f);
    fflush(t->f);
    if (t->inner.host)
        t->inner.host(t->inner.ud, text, n, color);
    else if (t->inner.out)
        t->inner.out(t->inner.ud, text, n);
}

static char *(*const tr_no_read)(void *, const char *, bool) = NULL;

static char *tr_read(void *ud, const char *prompt, bool secret)
{
    transcript *t = ud;
    return t->inner.read_line ? t->inner.read_line(t->inner.ud, prompt, secret) : NULL;
}

static void transcript_stamp(char *out, size_t outsz)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, outsz, "%Y%m%d%H%M%S", &tm);
}

void lang_transcript_end(lang_interp *I)
{
    transcript *t = I ? I->transcript : NULL;
    if (!t)
        return;
    char stamp[32];
    transcript_stamp(stamp, sizeof stamp);
    fprintf(t->f,
            "**********************\nPowerShell transcript end\nEnd time: %s\n"
            "**********************\n",
            stamp);
    fclose(t->f);
    I->host = t->inner;
    I->transcript = NULL;
    free(t->path);
    free(t);
}

static lang_status cmd_start_transcript(lang_interp *I, lang_cmdctx *ctx)
{
    static const char *const cls = "Microsoft.PowerShell.Commands.StartTranscriptCommand";
    char *path = param_str(ctx, "Path");
    char stamp[32];
    transcript_stamp(stamp, sizeof stamp);
    if (!path) {
        char host[256] = "localhost", id[9];
        gethostname(host, sizeof host - 1);
        unsigned char r[4];
        rs_random(r, sizeof r);
        static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int k = 0; k < 8; k++)
            id[k] = al[r[k / 2] >> (k % 2 ? 4 : 0) & 0x0f];
        id[8] = '\0';
        char *dir = param_str(ctx, "OutputDirectory");
        char *base = expand_home(dir ? dir : "~");
        path = rs_asprintf("%s/PowerShell_transcript.%s.%s.%s.txt", base, host, id, stamp);
        free(base);
        free(dir);
    } else {
        char *p = expand_home(path);
        free(path);
        path = p;
    }
    char *full = full_path(path);
    free(path);
    bool append = lang_param_switch(ctx, "Append");
    if (lang_param_switch(ctx, "NoClobber") && !append && access(full, F_OK) == 0) {
        char *msg = rs_asprintf("The file '%s' already exists.", full);
        lang_error *e =
            cmd_error_new(ctx, msg, "NoClobber", "ResourceExists", "System.IO.IOException", cls);
        free(msg);
        free(full);
        return lang_cmd_fail(I, ctx, e);
    }
    FILE *f = fopen(full, append ? "a" : "w");
    if (!f) {
        char *why = rs_asprintf("Could not find a part of the path '%s'.", full);
        lang_status st = path_error(I, ctx, why, full, cls);
        free(why);
        free(full);
        return st;
    }
    if (I->transcript) /* PowerShell nests transcripts; roomsys keeps one: the new file */
        lang_transcript_end(I);
    if (lang_param_switch(ctx, "UseMinimalHeader"))
        fprintf(f,
                "**********************\nPowerShell transcript start\nStart time: %s\n"
                "**********************\n",
                stamp);
    else {
        char host[256] = "localhost";
        gethostname(host, sizeof host - 1);
        const char *user = getenv("USER");
        fprintf(f,
                "**********************\nPowerShell transcript start\nStart time: %s\n"
                "Username: %s\nMachine: %s\nHost Application: roomsys\nProcess ID: %ld\n"
                "**********************\n",
                stamp, user ? user : "", host, (long)getpid());
    }
    fflush(f);
    transcript *t = rs_calloc(1, sizeof *t);
    t->f = f;
    t->path = full;
    t->inner = I->host;
    I->host.ud = t;
    I->host.out = tr_out;
    I->host.err = tr_err;
    I->host.host = tr_host;
    I->host.read_line = t->inner.read_line ? tr_read : tr_no_read;
    I->transcript = t;
    char *msg = rs_asprintf("Transcript started, output file is %s\n", full);
    lang_host_text(I, msg, NULL);
    free(msg);
    return LANG_OK;
}

static lang_status cmd_stop_transcript(lang_interp *I, lang_cmdctx *ctx)
{
    transcript *t = I->transcript;
    if (!t) {
        lang_error *e = cmd_error_new(ctx,
                                      "An error occurred stopping transcription: The host is not "
                                      "currently transcribing.",
                                      "InvalidOperation", "InvalidOperation",
                                      "System.Management.Automation.PSInvalidOperationException",
                                      "Microsoft.PowerShell.Commands.StopTranscriptCommand");
        return lang_cmd_fail(I, ctx, e);
    }
    char *msg = rs_asprintf("Transcript stopped, output file is %s\n", t->path);
    lang_transcript_end(I);
    lang_host_text(I, msg, NULL);
    free(msg);
    return LANG_OK;
}

static lang_status cmd_out_file(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *path = param_str(ctx, "FilePath");
    char *full = full_path(path);
    bool go = true;
    lang_status st = lang_should_process(I, ctx, full, &go);
    free(full);
    bool append = lang_param_switch(ctx, "Append");
    if (st == LANG_OK && go && lang_param_switch(ctx, "NoClobber") && !append) {
        FILE *e = fopen(path, "r");
        if (e) {
            fclose(e);
            char *why = rs_asprintf("The file '%s' already exists.", path);
            lang_error *err =
                cmd_error_new(ctx, why, "NoClobber", "ResourceExists", "System.IO.IOException",
                              "Microsoft.PowerShell.Commands.OutFileCommand");
            free(why);
            go = false;
            st = lang_cmd_error(I, ctx, err);
        }
    }
    if (st == LANG_OK && go) {
        int64_t w = 0;
        lang_value *wv = lang_param(ctx, "Width");
        if (wv)
            lang_to_number(wv, &w, NULL, NULL);
        char *text = fmt_default_text(items.v, items.n, (int)w);
        char *why = NULL;
        if (!write_file(path, text, append, &why)) {
            st = path_error(I, ctx, why, path, "Microsoft.PowerShell.Commands.OutFileCommand");
            free(why);
        }
        free(text);
    }
    free(path);
    lang_list_clear(&items);
    return st;
}

/* Add-Member: NoteProperty members (-MemberType NoteProperty -Name -Value,
 * -NotePropertyName/-NotePropertyValue, -NotePropertyMembers @{...}) on
 * objects and hashtables; -Force replaces an existing one; -PassThru
 * outputs the object. Other member types are refused clearly. */
static lang_status cmd_add_member(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    char *mtype = param_str(ctx, "MemberType");
    lang_status st = LANG_OK;
    lang_error *bad =
        mtype ? lang_member_type_error(mtype, "Microsoft.PowerShell.Commands.AddMemberCommand")
              : NULL;
    if (bad) {
        free(mtype);
        lang_list_clear(&items);
        return lang_cmd_fail(I, ctx, bad);
    }
    if (mtype && !rs_streq_ci(mtype, "NoteProperty")) {
        char *msg = rs_asprintf("roomsys's Add-Member adds NoteProperty members only, not %s "
                                "(compute the value and add it as a NoteProperty).",
                                mtype);
        st = lang_cmd_fail(I, ctx,
                           cmd_error_new(ctx, msg, "MemberTypeNotSupported", "NotImplemented",
                                         "System.NotSupportedException",
                                         "Microsoft.PowerShell.Commands.AddMemberCommand"));
        free(msg);
        free(mtype);
        lang_list_clear(&items);
        return st;
    }
    free(mtype);
    /* the members to add, as name/value pairs */
    lang_value *add = lang_object_new(NULL);
    lang_value *members = lang_param(ctx, "NotePropertyMembers");
    if (members && (members->type == LV_HASH || members->type == LV_OBJECT)) {
        for (size_t i = 0; i < members->u.obj.n; i++)
            lang_prop_set(add, members->u.obj.props[i].name, members->u.obj.props[i].value);
    } else {
        char *name = param_str(ctx, "NotePropertyName");
        lang_value *val = lang_param(ctx, "NotePropertyValue");
        if (!name) {
            name = param_str(ctx, "Name");
            val = lang_param(ctx, "Value");
        }
        if (name)
            lang_prop_set(add, name, val);
        free(name);
    }
    if (!add->u.obj.n)
        st = lang_cmd_fail(
            I, ctx,
            cmd_error_new(ctx,
                          "Parameter set cannot be resolved using the specified named parameters. "
                          "One or more parameters issued cannot be used together or an "
                          "insufficient number of parameters were provided.",
                          "AmbiguousParameterSet", "InvalidArgument",
                          "System.Management.Automation.ParameterBindingException",
                          "Microsoft.PowerShell.Commands.AddMemberCommand"));
    bool force = lang_param_switch(ctx, "Force");
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        lang_value *o = items.v[i];
        if (!o || (o->type != LV_OBJECT && o->type != LV_HASH)) {
            char *msg = rs_asprintf(
                "roomsys can add members to objects and hashtables only, not to a %s value.",
                lang_type_name(o));
            st = lang_cmd_error(I, ctx,
                                cmd_error_new(ctx, msg, "CannotAddMember", "InvalidOperation",
                                              "System.InvalidOperationException",
                                              "Microsoft.PowerShell.Commands.AddMemberCommand"));
            free(msg);
            continue;
        }
        bool ok = true;
        for (size_t k = 0; k < add->u.obj.n && ok; k++) {
            bool exists;
            lang_prop_get(o, add->u.obj.props[k].name, &exists);
            if (exists && !force) {
                char *msg = rs_asprintf(
                    "Cannot add a member with the name \"%s\" because a member with that name "
                    "already exists. To overwrite the member anyway, add the Force parameter to "
                    "your command.",
                    add->u.obj.props[k].name);
                st = lang_cmd_error(
                    I, ctx,
                    cmd_error_new(ctx, msg, "MemberAlreadyExists", "InvalidOperation",
                                  "System.InvalidOperationException",
                                  "Microsoft.PowerShell.Commands.AddMemberCommand"));
                free(msg);
                ok = false;
            }
        }
        if (!ok)
            continue;
        for (size_t k = 0; k < add->u.obj.n; k++)
            lang_prop_set(o, add->u.obj.props[k].name, add->u.obj.props[k].value);
        if (lang_param_switch(ctx, "PassThru"))
            lang_list_push(ctx->out, o);
    }
    lang_unref(add);
    lang_list_clear(&items);
    return st;
}

/* ---- New-Item, Remove-Item (the file system only) ---- */

static lang_value *item_info(const char *full)
{
    struct stat sb;
    bool dir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
    lang_value *o = lang_object_new(dir ? "System.IO.DirectoryInfo" : "System.IO.FileInfo");
    const char *leaf = strrchr(full, '/') ? strrchr(full, '/') + 1 : full;
    lang_prop_set_take(o, "Name", lang_str(leaf));
    lang_prop_set_take(o, "FullName", lang_str(full));
    if (!dir)
        lang_prop_set_take(o, "Length", lang_int((int64_t)sb.st_size));
    return o;
}

/* New-Item -ItemType Directory|File -Path p [-Name n] [-Value text] [-Force]:
 * a folder (with its parents under -Force; an existing one is fine under
 * -Force) or a file (replaced under -Force); outputs its DirectoryInfo /
 * FileInfo (Name, FullName, Length). */
static lang_status cmd_new_item(lang_interp *I, lang_cmdctx *ctx)
{
    char *path = param_str(ctx, "Path");
    char *name = param_str(ctx, "Name");
    char *type = param_str(ctx, "ItemType");
    bool force = lang_param_switch(ctx, "Force");
    lang_status st = LANG_OK;
    bool dir = type && (rs_streq_ci(type, "Directory") || rs_streq_ci(type, "Container"));
    if (type && !dir && !rs_streq_ci(type, "File")) {
        char *msg = rs_asprintf("roomsys's New-Item creates files and directories only, not "
                                "'%s'.",
                                type);
        st = lang_cmd_fail(I, ctx,
                           cmd_error_new(ctx, msg, "NotSupported", "InvalidArgument",
                                         "System.NotSupportedException",
                                         "Microsoft.PowerShell.Commands.NewItemCommand"));
        free(msg);
        goto out;
    }
    char *joined =
        name ? rs_asprintf("%s/%s", path ? path : ".", name) : rs_strdup(path ? path : "");
    char *full = full_path(joined);
    free(joined);
    bool go = true;
    char *target = rs_asprintf("Destination: %s", full);
    st = lang_should_process_action(I, ctx, dir ? "Create Directory" : "Create File", target, &go);
    free(target);
    if (st == LANG_OK && go) {
        struct stat sb;
        bool exists = stat(full, &sb) == 0;
        char *msg = NULL;
        if (exists && (!force || (dir != S_ISDIR(sb.st_mode)))) {
            msg = rs_asprintf("An item with the specified name %s already exists.", full);
        } else if (dir) {
            for (char *q = full + 1; !msg; q++) {
                if (*q != '/' && *q)
                    continue;
                char c = *q;
                *q = '\0';
                /* the parent folders are created too, as PowerShell does */
                if (mkdir(full, 0777) != 0 && errno != EEXIST)
                    msg = rs_asprintf("Could not find a part of the path '%s'.", full);
                *q = c;
                if (!c)
                    break;
            }
        } else {
            lang_value *v = lang_param(ctx, "Value");
            char *text = v ? lang_to_str(v) : rs_strdup("");
            char *err = NULL;
            if (!write_file(full, text, false, &err))
                msg = rs_asprintf("Could not find a part of the path '%s'.", full);
            free(err);
            free(text);
        }
        if (msg) {
            lang_error *e =
                cmd_error_new(ctx, msg, exists ? "DirectoryExist" : "NewItemIOError",
                              exists ? "ResourceExists" : "WriteError", "System.IO.IOException",
                              "Microsoft.PowerShell.Commands.NewItemCommand");
            lang_error_set(&e->target_name, full);
            lang_error_set(&e->target_type, "String");
            st = lang_cmd_error(I, ctx, e);
            free(msg);
        } else {
            lang_list_push_take(ctx->out, item_info(full));
        }
    }
    free(full);
out:
    free(path);
    free(name);
    free(type);
    return st;
}

/* Remove a file, or a folder and (with recurse) everything in it. */
static bool remove_tree(const char *p, bool recurse, char **why)
{
    struct stat sb;
    if (lstat(p, &sb) != 0) {
        *why = rs_asprintf("Cannot find path '%s' because it does not exist.", p);
        return false;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (unlink(p) == 0)
            return true;
        *why = rs_asprintf("Cannot remove item %s: %s", p, strerror(errno));
        return false;
    }
    if (rmdir(p) == 0)
        return true;
    if (!recurse) {
        *why = rs_asprintf("The item at %s has children and the Recurse parameter was not "
                           "specified. Nothing was removed.",
                           p);
        return false;
    }
    char *pat = rs_asprintf("%s/*", p);
    char *dotpat = rs_asprintf("%s/.[!.]*", p);
    glob_t g = {0};
    int r1 = glob(pat, 0, NULL, &g);
    int r2 = glob(dotpat, r1 == 0 ? GLOB_APPEND : 0, NULL, &g);
    (void)r2;
    bool ok = true;
    for (size_t i = 0; i < g.gl_pathc && ok; i++)
        ok = remove_tree(g.gl_pathv[i], true, why);
    globfree(&g);
    free(pat);
    free(dotpat);
    if (ok && rmdir(p) != 0) {
        *why = rs_asprintf("Cannot remove item %s: %s", p, strerror(errno));
        ok = false;
    }
    return ok;
}

/* Remove-Item -Path p... [-Recurse] [-Force]: files and folders (wildcards
 * as Test-Path takes them). */
static lang_status cmd_remove_item(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list paths = {0};
    input_or_param(ctx, "Path", &paths);
    lang_list all = {0};
    for (size_t i = 0; i < paths.n; i++)
        lang_list_push_enum(&all, paths.v[i]);
    lang_status st = LANG_OK;
    bool recurse = lang_param_switch(ctx, "Recurse");
    for (size_t i = 0; i < all.n && st == LANG_OK; i++) {
        char *p = lang_to_str(all.v[i]);
        glob_t g = {0};
        bool wild = strpbrk(p, "*?[") != NULL;
        if (wild)
            glob(p, 0, NULL, &g);
        size_t count = wild ? g.gl_pathc : 1;
        if (wild && !count) {
            globfree(&g);
            free(p);
            continue; /* a wildcard that matches nothing removes nothing, silently */
        }
        for (size_t k = 0; k < count && st == LANG_OK; k++) {
            char *full = full_path(wild ? g.gl_pathv[k] : p);
            struct stat sb;
            bool isdir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
            char *target = rs_asprintf("Item: %s", full);
            bool go = true;
            st = lang_should_process_action(I, ctx, isdir ? "Remove Directory" : "Remove File",
                                            target, &go);
            free(target);
            char *why = NULL;
            if (st == LANG_OK && go && !remove_tree(full, recurse, &why)) {
                lang_error *e = cmd_error_new(ctx, why, "PathNotFound", "ObjectNotFound",
                                              "System.Management.Automation.ItemNotFoundException",
                                              "Microsoft.PowerShell.Commands.RemoveItemCommand");
                lang_error_set(&e->target_name, full);
                lang_error_set(&e->target_type, "String");
                st = lang_cmd_error(I, ctx, e);
            }
            free(why);
            free(full);
        }
        if (wild)
            globfree(&g);
        free(p);
    }
    lang_list_clear(&paths);
    lang_list_clear(&all);
    return st;
}

/* Set-StrictMode -Version 1|2|3|Latest (as 2: unset variables, also in
 * strings, and missing properties are errors) or -Off; for the whole run,
 * not per scope (see docs/internals/shell.md). */
static lang_status cmd_set_strict_mode(lang_interp *I, lang_cmdctx *ctx)
{
    if (lang_param_switch(ctx, "Off")) {
        I->strict = 0;
        return LANG_OK;
    }
    char *v = param_str(ctx, "Version");
    int level = -1;
    if (v) {
        if (rs_streq_ci(v, "Latest"))
            level = 3;
        else if (!strcmp(v, "1") || !strcmp(v, "1.0"))
            level = 1;
        else if (!strcmp(v, "2") || !strcmp(v, "2.0"))
            level = 2;
        else if (!strcmp(v, "3") || !strcmp(v, "3.0"))
            level = 3;
    }
    if (level < 0) {
        char *msg =
            v ? rs_asprintf("Cannot validate argument on parameter 'Version'. The \"%s\" argument "
                            "is not a valid strict mode version (1.0, 2.0, 3.0 or Latest).",
                            v)
              : rs_strdup("Parameter set cannot be resolved using the specified named "
                          "parameters. Use -Version or -Off.");
        lang_status st = lang_cmd_fail(
            I, ctx,
            cmd_error_new(ctx, msg,
                          v ? "ParameterArgumentValidationError" : "AmbiguousParameterSet",
                          "InvalidData", "System.Management.Automation.ParameterBindingException",
                          "Microsoft.PowerShell.Commands.SetStrictModeCommand"));
        free(msg);
        free(v);
        return st;
    }
    free(v);
    I->strict = level;
    return LANG_OK;
}

/* ---- Tee-Object, Compare-Object, Select-String ---- */

/* Tee-Object: passes its input on and also saves it to a file (-FilePath,
 * as Out-File writes it; -Append) or a variable (-Variable). */
static lang_status cmd_tee_object(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    lang_status st = LANG_OK;
    char *var = param_str(ctx, "Variable");
    char *path = param_str(ctx, "FilePath");
    if (!path)
        path = param_str(ctx, "LiteralPath");
    if (!var && !path) {
        st = lang_cmd_fail(I, ctx,
                           cmd_error_new(ctx,
                                         "Parameter set cannot be resolved using the specified "
                                         "named parameters. One or more parameters issued cannot "
                                         "be used together or an insufficient number of "
                                         "parameters were provided.",
                                         "AmbiguousParameterSet", "InvalidArgument",
                                         "System.Management.Automation.ParameterBindingException",
                                         "Microsoft.PowerShell.Commands.TeeObjectCommand"));
    } else if (var) {
        lang_value *a = lang_array_new();
        for (size_t i = 0; i < items.n; i++)
            lang_array_push(a, items.v[i]);
        lang_value *v = a->u.arr.n == 1 ? lang_ref(a->u.arr.items[0]) : lang_ref(a);
        lang_var_set(I, var, v);
        lang_unref(v);
        lang_unref(a);
    } else {
        char *text = fmt_default_text(items.v, items.n, 0);
        char *why = NULL;
        if (!write_file(path, text, lang_param_switch(ctx, "Append"), &why)) {
            st = path_error(I, ctx, why, path, "Microsoft.PowerShell.Commands.TeeObjectCommand");
            free(why);
        }
        free(text);
    }
    if (st == LANG_OK)
        for (size_t i = 0; i < items.n; i++)
            lang_list_push(ctx->out, items.v[i]);
    free(var);
    free(path);
    lang_list_clear(&items);
    return st;
}

/* The comparison key of x: the -Property values (an object of them), or x. */
static lang_value *compare_key(const lang_value *x, lang_list *props)
{
    if (!props->n)
        return lang_ref((lang_value *)x);
    lang_value *o = lang_object_new(NULL);
    for (size_t k = 0; k < props->n; k++) {
        char *name = lang_to_str(props->v[k]);
        lang_prop_set_take(o, name, lang_member(NULL, (lang_value *)x, name));
        free(name);
    }
    return o;
}

static bool keys_equal(const lang_value *a, const lang_value *b, bool cs, lang_list *props)
{
    bool ok;
    if (!props->n)
        return lang_compare(a, b, !cs, &ok) == 0 && ok;
    for (size_t k = 0; k < a->u.obj.n; k++)
        if (!(lang_compare(a->u.obj.props[k].value, b->u.obj.props[k].value, !cs, &ok) == 0 && ok))
            return false;
    return true;
}

static void compare_emit(lang_cmdctx *ctx, const lang_value *orig, const lang_value *key,
                         const char *side, bool passthru, lang_list *props)
{
    if (passthru) {
        lang_value *o = (lang_value *)orig;
        if (o && (o->type == LV_OBJECT || o->type == LV_HASH))
            lang_prop_set_take(o, "SideIndicator", lang_str(side));
        lang_list_push(ctx->out, o);
        return;
    }
    lang_value *r = lang_object_new(NULL);
    if (props->n) {
        for (size_t k = 0; k < key->u.obj.n; k++)
            lang_prop_set(r, key->u.obj.props[k].name, key->u.obj.props[k].value);
    } else {
        lang_prop_set(r, "InputObject", (lang_value *)orig);
    }
    lang_prop_set_take(r, "SideIndicator", lang_str(side));
    lang_list_push_take(ctx->out, r);
}

/* Compare-Object: for each difference object in order, "==" when the
 * reference has an equal one not yet matched (shown with -IncludeEqual),
 * else "=>"; then the reference objects never matched, "<=". */
static lang_status cmd_compare_object(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    lang_list ref = {0}, dif = {0}, props = {0};
    lang_list_push_enum(&ref, lang_param(ctx, "ReferenceObject"));
    if (ctx->input && !lang_param_has(ctx, "DifferenceObject"))
        items_of(ctx, NULL, &dif);
    else
        lang_list_push_enum(&dif, lang_param(ctx, "DifferenceObject"));
    if (lang_param(ctx, "Property"))
        lang_list_push_enum(&props, lang_param(ctx, "Property"));
    bool cs = lang_param_switch(ctx, "CaseSensitive");
    bool eq = lang_param_switch(ctx, "IncludeEqual");
    bool nodiff = lang_param_switch(ctx, "ExcludeDifferent");
    bool pass = lang_param_switch(ctx, "PassThru");
    lang_value **rk = rs_calloc(ref.n ? ref.n : 1, sizeof *rk);
    bool *used = rs_calloc(ref.n ? ref.n : 1, sizeof *used);
    for (size_t i = 0; i < ref.n; i++)
        rk[i] = compare_key(ref.v[i], &props);
    for (size_t j = 0; j < dif.n; j++) {
        lang_value *dk = compare_key(dif.v[j], &props);
        size_t hit = ref.n;
        for (size_t i = 0; i < ref.n && hit == ref.n; i++)
            if (!used[i] && keys_equal(rk[i], dk, cs, &props))
                hit = i;
        if (hit < ref.n) {
            used[hit] = true;
            if (eq || nodiff)
                compare_emit(ctx, dif.v[j], dk, "==", pass, &props);
        } else if (!nodiff) {
            compare_emit(ctx, dif.v[j], dk, "=>", pass, &props);
        }
        lang_unref(dk);
    }
    for (size_t i = 0; i < ref.n; i++) {
        if (!used[i] && !nodiff)
            compare_emit(ctx, ref.v[i], rk[i], "<=", pass, &props);
        lang_unref(rk[i]);
    }
    free(rk);
    free(used);
    lang_list_clear(&ref);
    lang_list_clear(&dif);
    lang_list_clear(&props);
    return LANG_OK;
}

/* Does line match pattern k of Select-String? */
static bool sls_match(const char *line, regex_t *res, char **pats, size_t np, bool simple, bool cs,
                      size_t *which)
{
    for (size_t k = 0; k < np; k++) {
        bool hit = simple ? (cs ? strstr(line, pats[k]) : strcasestr(line, pats[k])) != NULL
                          : regexec(&res[k], line, 0, NULL, 0) == 0;
        if (hit) {
            *which = k;
            return true;
        }
    }
    return false;
}

/* Select-String: lines of the input strings or of -Path files that match a
 * pattern (regular expression, or -SimpleMatch text; case-insensitive unless
 * -CaseSensitive; -NotMatch inverts, -Quiet gives True/False, -List the
 * first match per source). MatchInfo objects print as the line, or as
 * path:line:text for files (PowerShell 7 without emphasis). */
static lang_status cmd_select_string(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list pl = {0}, paths = {0}, items = {0};
    lang_list_push_enum(&pl, lang_param(ctx, "Pattern"));
    bool simple = lang_param_switch(ctx, "SimpleMatch");
    bool cs = lang_param_switch(ctx, "CaseSensitive");
    bool notm = lang_param_switch(ctx, "NotMatch");
    bool quiet = lang_param_switch(ctx, "Quiet");
    bool list = lang_param_switch(ctx, "List");
    char **pats = rs_calloc(pl.n ? pl.n : 1, sizeof *pats);
    regex_t *res = rs_calloc(pl.n ? pl.n : 1, sizeof *res);
    size_t np = 0;
    lang_status st = LANG_OK;
    for (size_t k = 0; k < pl.n && st == LANG_OK; k++) {
        pats[k] = lang_to_str(pl.v[k]);
        char *why = NULL;
        if (!simple && !lang_regex_compile(pats[k], !cs, &res[k], &why)) {
            char *msg = rs_asprintf("The string %s is not a valid regular expression: %s", pats[k],
                                    why ? why : "");
            st = lang_cmd_fail(I, ctx,
                               cmd_error_new(ctx, msg, "InvalidRegex", "InvalidArgument",
                                             "System.ArgumentException",
                                             "Microsoft.PowerShell.Commands.SelectStringCommand"));
            free(msg);
            free(why);
            free(pats[k]);
            break;
        }
        np++;
    }
    if (lang_param(ctx, "Path"))
        lang_list_push_enum(&paths, lang_param(ctx, "Path"));
    else
        items_of(ctx, "InputObject", &items);
    bool any = false;
    /* sources: each file, or each input object (a string each, "InputStream") */
    size_t nsrc = paths.n ? paths.n : items.n;
    for (size_t s = 0; s < nsrc && st == LANG_OK; s++) {
        char *path = paths.n ? lang_to_str(paths.v[s]) : NULL;
        char *text;
        if (path) {
            char *why = NULL;
            text = read_file(path, &why);
            if (!text) {
                st = path_error(I, ctx, why, path,
                                "Microsoft.PowerShell.Commands.SelectStringCommand");
                free(why);
                free(path);
                continue;
            }
        } else {
            text = lang_to_str(items.v[s]);
        }
        int lineno = 0;
        for (char *line = text, *next; line && st == LANG_OK; line = next) {
            next = path ? strchr(line, '\n') : NULL;
            if (next)
                *next++ = '\0';
            if (path && !*line && !next)
                break; /* the newline at the end of the file */
            lineno++;
            size_t len = strlen(line);
            if (len && line[len - 1] == '\r')
                line[len - 1] = '\0';
            size_t which = 0;
            bool hit = sls_match(line, res, pats, np, simple, cs, &which);
            if (hit == notm)
                continue;
            any = true;
            if (quiet)
                break;
            lang_value *m = lang_object_new("Microsoft.PowerShell.Commands.MatchInfo");
            lang_prop_set_take(m, "IgnoreCase", lang_bool(!cs));
            lang_prop_set_take(m, "LineNumber", lang_int(lineno));
            lang_prop_set_take(m, "Line", lang_str(line));
            lang_prop_set_take(m, "Filename",
                               lang_str(path ? (strrchr(path, '/') ? strrchr(path, '/') + 1 : path)
                                             : "InputStream"));
            lang_prop_set_take(m, "Path", lang_str(path ? path : "InputStream"));
            lang_prop_set_take(m, "Pattern", lang_str(np ? pats[notm ? 0 : which] : ""));
            lang_list_push_take(ctx->out, m);
            if (list)
                break;
        }
        free(text);
        free(path);
        if (quiet && any)
            break;
    }
    if (quiet && st == LANG_OK)
        lang_list_push_take(ctx->out, lang_bool(any));
    for (size_t k = 0; k < np; k++) {
        free(pats[k]);
        if (!simple)
            regfree(&res[k]);
    }
    free(pats);
    free(res);
    lang_list_clear(&pl);
    lang_list_clear(&paths);
    lang_list_clear(&items);
    return st;
}

/* Group-Object: GroupInfo objects (Count, Name, Group, Values) in order of
 * first appearance; Name is the grouping values joined with ", ", Values the
 * values themselves. -AsHashTable returns one hashtable (key: the Name text,
 * value: the group's objects), as -AsHashTable -AsString does in PowerShell. */
static lang_status cmd_group_object(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    lang_list props = {0};
    if (lang_param(ctx, "Property"))
        lang_list_push_enum(&props, lang_param(ctx, "Property"));
    bool cs = lang_param_switch(ctx, "CaseSensitive");
    bool noelem = lang_param_switch(ctx, "NoElement");
    bool as_hash = lang_param_switch(ctx, "AsHashTable");
    lang_list groups = {0};
    lang_status st = LANG_OK;
    for (size_t i = 0; i < items.n && st == LANG_OK; i++) {
        rs_buf key = {0};
        lang_value *values = lang_array_new();
        for (size_t k = 0; k < props.n || (k == 0 && !props.n); k++) {
            lang_value *v = NULL;
            if (!props.n) {
                v = lang_ref(items.v[i]);
            } else if (props.v[k] && props.v[k]->type == LV_BLOCK) {
                lang_list r = {0};
                st = lang_invoke_block(I, props.v[k], items.v[i], NULL, 0, false, &r);
                v = lang_list_collapse(&r);
            } else {
                char *pn = lang_to_str(props.v[k]);
                v = lang_member(I, items.v[i], pn);
                free(pn);
            }
            char *t = lang_to_str(v);
            if (k)
                rs_buf_append(&key, ", ", 2);
            rs_buf_append(&key, t, strlen(t));
            free(t);
            lang_array_push_take(values, v);
        }
        const char *name = key.data ? key.data : "";
        lang_value *g = NULL;
        for (size_t j = 0; j < groups.n && !g; j++) {
            lang_value *n = lang_prop_get(groups.v[j], "Name", NULL);
            const char *gn = n && n->type == LV_STRING ? n->u.str.s : "";
            if (cs ? !strcmp(gn, name) : rs_streq_ci(gn, name))
                g = groups.v[j];
        }
        if (!g) {
            g = lang_object_new(noelem && !as_hash
                                    ? "Microsoft.PowerShell.Commands.GroupInfoNoElement"
                                    : "Microsoft.PowerShell.Commands.GroupInfo");
            lang_prop_set_take(g, "Count", lang_int(0));
            lang_prop_set_take(g, "Name", lang_str(name));
            if (!noelem || as_hash)
                lang_prop_set_take(g, "Group", lang_array_new());
            lang_prop_set(g, "Values", values);
            lang_list_push_take(&groups, g);
        }
        lang_unref(values);
        lang_value *c = lang_prop_get(g, "Count", NULL);
        lang_prop_set_take(g, "Count", lang_int(c->u.i + 1));
        if (!noelem || as_hash)
            lang_array_push(lang_prop_get(g, "Group", NULL), items.v[i]);
        rs_buf_free(&key);
    }
    if (as_hash && st == LANG_OK) {
        lang_value *h = lang_hash_new();
        for (size_t j = 0; j < groups.n; j++) {
            lang_value *n = lang_prop_get(groups.v[j], "Name", NULL);
            lang_prop_set(h, n && n->type == LV_STRING ? n->u.str.s : "",
                          lang_prop_get(groups.v[j], "Group", NULL));
        }
        lang_list_push_take(ctx->out, h);
    } else {
        for (size_t j = 0; j < groups.n && st == LANG_OK; j++)
            lang_list_push(ctx->out, groups.v[j]);
    }
    lang_list_clear(&groups);
    lang_list_clear(&props);
    lang_list_clear(&items);
    return st;
}

static lang_status cmd_get_content(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list paths = {0};
    lang_list_push_enum(&paths, lang_param(ctx, "Path"));
    lang_status st = LANG_OK;
    for (size_t pi = 0; pi < paths.n && st == LANG_OK; pi++) {
        char *path = lang_to_str(paths.v[pi]);
        char *why = NULL;
        char *text = read_file(path, &why);
        if (!text) {
            st = path_error(I, ctx, why, path, "Microsoft.PowerShell.Commands.GetContentCommand");
            free(why);
            free(path);
            continue;
        }
        if (lang_param_switch(ctx, "Raw")) {
            lang_list_push_take(ctx->out, lang_str_take(text));
        } else {
            const char *p = text;
            while (*p) {
                const char *e = p;
                while (*e && *e != '\n')
                    e++;
                size_t l = (size_t)(e - p);
                if (l && p[l - 1] == '\r')
                    l--;
                lang_list_push_take(ctx->out, lang_str_n(p, l));
                p = *e ? e + 1 : e;
            }
            free(text);
        }
        free(path);
    }
    lang_list_clear(&paths);
    return st;
}

static lang_status cmd_convertto_json(lang_interp *I, lang_cmdctx *ctx)
{
    lang_list items = {0};
    items_of(ctx, "InputObject", &items);
    lang_value *v = ctx->input ? (items.n == 1 ? lang_ref(items.v[0]) : lang_list_to_array(&items))
                               : lang_ref(lang_param(ctx, "InputObject"));
    const char *why = NULL;
    json_t *j = lang_to_json_ps(v, &why);
    lang_unref(v);
    lang_list_clear(&items);
    if (!j)
        return lang_cmd_error(I, ctx,
                              cmd_error_new(ctx, why, "ConvertToJsonFailed", "InvalidArgument",
                                            "System.ArgumentException",
                                            "Microsoft.PowerShell.Commands.ConvertToJsonCommand"));
    size_t flags = JSON_ENCODE_ANY | JSON_PRESERVE_ORDER |
                   (lang_param_switch(ctx, "Compress") ? JSON_COMPACT : JSON_INDENT(2));
    char *s = json_dumps(j, flags);
    json_decref(j);
    lang_list_push_take(ctx->out, lang_str_take(s));
    return LANG_OK;
}

static lang_status cmd_convertfrom_json(lang_interp *I, lang_cmdctx *ctx)
{
    rs_buf b = {0};
    lang_list items = {0};
    if (lang_param_has(ctx, "InputObject"))
        lang_list_push(&items, lang_param(ctx, "InputObject"));
    else
        items_of(ctx, NULL, &items);
    for (size_t i = 0; i < items.n; i++) {
        char *s = lang_to_str(items.v[i]);
        rs_buf_printf(&b, "%s\n", s);
        free(s);
    }
    lang_list_clear(&items);
    json_error_t jerr;
    json_t *j = json_loads(b.data ? b.data : "", JSON_DECODE_ANY, &jerr);
    rs_buf_free(&b);
    if (!j) {
        char *msg = rs_asprintf("Conversion from JSON failed with error: %s", jerr.text);
        lang_error *e = cmd_error_new(ctx, msg, "System.ArgumentException", "NotSpecified",
                                      "System.ArgumentException",
                                      "Microsoft.PowerShell.Commands.ConvertFromJsonCommand");
        free(msg);
        return lang_cmd_error(I, ctx, e);
    }
    lang_value *v = lang_from_json_ps(j);
    json_decref(j);
    lang_list_push_enum(ctx->out, v);
    lang_unref(v);
    return LANG_OK;
}

/* ---- time ---- */

static lang_status cmd_start_sleep(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    double secs = 0;
    lang_value *s = lang_param(ctx, "Seconds");
    int64_t iv;
    double dv;
    bool isd;
    if (s && lang_to_number(s, &iv, &dv, &isd))
        secs = isd ? dv : (double)iv;
    secs += (double)param_int(ctx, "Milliseconds", 0) / 1000.0;
    /* ROOMSYS_SLEEP_SCALE (e.g. 0 in tests) scales every sleep */
    const char *scale = getenv("ROOMSYS_SLEEP_SCALE");
    if (scale && *scale)
        secs *= strtod(scale, NULL);
    if (secs <= 0)
        return LANG_OK;
    struct timespec ts = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !lang_interrupted)
        ;
    return LANG_OK;
}

/* Out-GridView needs a desktop (PowerShell 7 has it on Windows only): refused
 * with a clear error that says what to use instead; the input is not consumed. */
static lang_status cmd_out_gridview(lang_interp *I, lang_cmdctx *ctx)
{
    return lang_cmd_fail(
        I, ctx,
        cmd_error_new(ctx,
                      "Out-GridView is not available: roomsys is a console shell with no "
                      "window to show a grid in. Use Format-Table, Out-File or Export-Csv, or "
                      "a filter (Where-Object) where -PassThru picked rows.",
                      "OutGridViewNotSupported", "NotImplemented",
                      "System.PlatformNotSupportedException",
                      "Microsoft.PowerShell.Commands.OutGridViewCommand"));
}

/* ---- paths (Test-Path, Join-Path, Split-Path; the file system only) ---- */

/* "~" and "~/x" name the home folder, as in PowerShell. Malloc'd. */
static char *expand_home(const char *p)
{
    const char *home = getenv("HOME");
    if (home && p[0] == '~' && (p[1] == '\0' || p[1] == '/'))
        return rs_asprintf("%s%s", home, p + 1);
    return rs_strdup(p);
}

static lang_status cmd_test_path(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    lang_list paths = {0};
    items_of(ctx, "Path", &paths);
    char *type = param_str(ctx, "PathType");
    for (size_t i = 0; i < paths.n; i++) {
        char *raw = lang_to_str(paths.v[i]);
        char *path = expand_home(raw);
        free(raw);
        bool hit = false;
        glob_t g;
        /* wildcards match as in PowerShell; a plain name is looked up as is */
        if (strpbrk(path, "*?[") && glob(path, GLOB_NOSORT, NULL, &g) == 0) {
            for (size_t k = 0; k < g.gl_pathc && !hit; k++) {
                struct stat st;
                hit =
                    stat(g.gl_pathv[k], &st) == 0 &&
                    (!type || rs_streq_ci(type, "Any") ||
                     (rs_streq_ci(type, "Container") ? S_ISDIR(st.st_mode) : !S_ISDIR(st.st_mode)));
            }
            globfree(&g);
        } else {
            struct stat st;
            hit = *path && stat(path, &st) == 0 &&
                  (!type || rs_streq_ci(type, "Any") ||
                   (rs_streq_ci(type, "Container") ? S_ISDIR(st.st_mode) : !S_ISDIR(st.st_mode)));
        }
        free(path);
        lang_list_push_take(ctx->out, lang_bool(hit));
    }
    free(type);
    lang_list_clear(&paths);
    return LANG_OK;
}

/* a/ + /b -> a/b (one separator between the parts). Malloc'd. */
static char *join_two(const char *a, const char *b)
{
    size_t n = strlen(a);
    while (n > 1 && a[n - 1] == '/')
        n--;
    while (*b == '/')
        b++;
    if (!*b)
        return rs_strndup(a, n);
    if (n == 1 && a[0] == '/')
        return rs_asprintf("/%s", b);
    return rs_asprintf("%.*s/%s", (int)n, a, b);
}

static lang_status cmd_join_path(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    lang_list paths = {0}, more = {0};
    items_of(ctx, "Path", &paths);
    if (lang_param(ctx, "AdditionalChildPath"))
        lang_list_push_enum(&more, lang_param(ctx, "AdditionalChildPath"));
    char *child = param_str(ctx, "ChildPath");
    for (size_t i = 0; i < paths.n; i++) {
        char *acc = lang_to_str(paths.v[i]);
        for (size_t k = 0; k < more.n + 1; k++) {
            char *c = k == 0 ? (child ? rs_strdup(child) : NULL) : lang_to_str(more.v[k - 1]);
            if (!c)
                continue;
            char *j = join_two(acc, c);
            free(acc);
            free(c);
            acc = j;
        }
        lang_list_push_take(ctx->out, lang_str_take(acc));
    }
    free(child);
    lang_list_clear(&paths);
    lang_list_clear(&more);
    return LANG_OK;
}

static lang_status cmd_split_path(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    lang_list paths = {0};
    items_of(ctx, "Path", &paths);
    bool leaf = lang_param_switch(ctx, "Leaf"), base = lang_param_switch(ctx, "LeafBase"),
         ext = lang_param_switch(ctx, "Extension"), absl = lang_param_switch(ctx, "IsAbsolute");
    for (size_t i = 0; i < paths.n; i++) {
        char *p = lang_to_str(paths.v[i]);
        if (absl) {
            lang_list_push_take(ctx->out, lang_bool(p[0] == '/' || p[0] == '~'));
            free(p);
            continue;
        }
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/')
            n--;
        p[n] = '\0';
        char *slash = strrchr(p, '/');
        const char *name = slash ? slash + 1 : p;
        const char *dot = strrchr(name, '.');
        if (dot == name)
            dot = NULL; /* ".profile" has no extension */
        lang_value *r;
        if (leaf)
            r = lang_str(name);
        else if (base)
            r = dot ? lang_str_n(name, (size_t)(dot - name)) : lang_str(name);
        else if (ext)
            r = lang_str(dot ? dot : "");
        else if (!slash)
            r = lang_str("");
        else if (slash == p)
            r = lang_str(p[1] ? "/" : "");
        else
            r = lang_str_n(p, (size_t)(slash - p));
        lang_list_push_take(ctx->out, r);
        free(p);
    }
    lang_list_clear(&paths);
    return LANG_OK;
}

/* A DateTime parameter of a local cmdlet: a DateTime as is, text parsed as
 * [datetime] does. NULL with the binding error in *e when it is neither. */
static lang_value *date_param(lang_cmdctx *ctx, const char *name, const char *cmdlet_class,
                              lang_error **e)
{
    lang_value *v = lang_param(ctx, name);
    *e = NULL;
    if (!v)
        return NULL;
    if (v->type == LV_DATETIME)
        return lang_ref(v);
    int64_t ticks;
    int kind;
    char *txt = lang_to_str(v);
    if (v->type == LV_STRING && lang_dt_parse(txt, &ticks, &kind)) {
        free(txt);
        return lang_datetime(ticks, kind);
    }
    char *msg = rs_asprintf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type "
                            "\"System.DateTime\". Error: \"String '%s' was not recognized as a "
                            "valid DateTime.\"",
                            name, txt, txt);
    *e = cmd_error_new(ctx, msg, "CannotConvertArgumentNoMessage", "InvalidArgument",
                       "System.Management.Automation.ParameterBindingException", cmdlet_class);
    free(msg);
    free(txt);
    return NULL;
}

/* Get-Date: a Local DateTime (now, or -Date), with -Year ... -Millisecond
 * replacing parts; -Format / -UFormat make it text. */
static lang_status cmd_get_date(lang_interp *I, lang_cmdctx *ctx)
{
    static const char *const cls = "Microsoft.PowerShell.Commands.GetDateCommand";
    lang_error *e = NULL;
    lang_value *d = date_param(ctx, "Date", cls, &e);
    if (e)
        return lang_cmd_fail(I, ctx, e);
    if (!d)
        d = lang_dt_now();
    static const char *const parts[] = {"Year",   "Month",  "Day",        "Hour",
                                        "Minute", "Second", "Millisecond"};
    int v[7];
    bool changed = false;
    for (int k = 0; k < 7; k++) {
        bool found;
        lang_value *m = lang_dt_member(d, parts[k], &found);
        v[k] = (int)m->u.i;
        lang_unref(m);
        if (lang_param(ctx, parts[k])) {
            int64_t x = param_int(ctx, parts[k], 0);
            v[k] = x < -1 || x > 10000 ? -1 : (int)x;
            changed = true;
        }
    }
    if (changed) {
        int64_t ticks;
        /* PowerShell clamps the day to the month's last one */
        int dim = 31;
        while (dim > 28 && v[0] >= 1 && v[0] <= 9999 && v[1] >= 1 && v[1] <= 12 &&
               !lang_dt_make(v[0], v[1], dim, 0, 0, 0, 0, &ticks))
            dim--;
        if (v[2] > dim && v[2] <= 31)
            v[2] = dim;
        if (!lang_dt_make(v[0], v[1], v[2], v[3], v[4], v[5], v[6], &ticks)) {
            lang_unref(d);
            e = cmd_error_new(ctx,
                              "Year, Month, and Day parameters describe an un-representable "
                              "DateTime.",
                              "GetDateCommand", "InvalidArgument",
                              "System.ArgumentOutOfRangeException", cls);
            return lang_cmd_fail(I, ctx, e);
        }
        int kind = d->u.dt.kind;
        lang_unref(d);
        d = lang_datetime(ticks, kind);
    }
    if (lang_param_switch(ctx, "AsUTC")) {
        lang_value *u = lang_dt_to_utc(d);
        lang_unref(d);
        d = u;
    }
    char *fmt = param_str(ctx, "Format");
    char *ufmt = param_str(ctx, "UFormat");
    if (fmt && ufmt) {
        free(fmt);
        free(ufmt);
        lang_unref(d);
        e = cmd_error_new(ctx,
                          "Parameter set cannot be resolved using the specified named "
                          "parameters. One or more parameters issued cannot be used together "
                          "or an insufficient number of parameters were provided.",
                          "AmbiguousParameterSet", "InvalidArgument",
                          "System.Management.Automation.ParameterBindingException", cls);
        return lang_cmd_fail(I, ctx, e);
    }
    if (fmt) {
        char *out = lang_dt_format(d, fmt);
        if (!out) {
            free(fmt);
            lang_unref(d);
            e = cmd_error_new(ctx, "Input string was not in a correct format.",
                              "System.FormatException", "NotSpecified", "System.FormatException",
                              cls);
            return lang_cmd_fail(I, ctx, e);
        }
        lang_list_push_take(ctx->out, lang_str_take(out));
    } else if (ufmt) {
        lang_list_push_take(ctx->out, lang_str_take(lang_dt_uformat(d, ufmt)));
    } else {
        lang_list_push(ctx->out, d);
    }
    free(fmt);
    free(ufmt);
    lang_unref(d);
    return LANG_OK;
}

/* New-TimeSpan [-Start] [-End] (End - Start, each defaulting to now) or
 * -Days/-Hours/-Minutes/-Seconds/-Milliseconds. */
static lang_status cmd_new_timespan(lang_interp *I, lang_cmdctx *ctx)
{
    static const char *const cls = "Microsoft.PowerShell.Commands.NewTimeSpanCommand";
    static const char *const parts[] = {"Days", "Hours", "Minutes", "Seconds", "Milliseconds"};
    static const int64_t unit[] = {LANG_TICKS_PER_DAY, 3600 * LANG_TICKS_PER_SEC,
                                   60 * LANG_TICKS_PER_SEC, LANG_TICKS_PER_SEC, LANG_TICKS_PER_MS};
    bool by_parts = false;
    int64_t ticks = 0;
    for (int k = 0; k < 5; k++)
        if (lang_param(ctx, parts[k])) {
            by_parts = true;
            ticks += param_int(ctx, parts[k], 0) * unit[k];
        }
    lang_error *e = NULL;
    lang_value *start = date_param(ctx, "Start", cls, &e);
    lang_value *end = e ? NULL : date_param(ctx, "End", cls, &e);
    if (!e && by_parts && (start || end))
        e = cmd_error_new(ctx,
                          "Parameter set cannot be resolved using the specified named "
                          "parameters. One or more parameters issued cannot be used together "
                          "or an insufficient number of parameters were provided.",
                          "AmbiguousParameterSet", "InvalidArgument",
                          "System.Management.Automation.ParameterBindingException", cls);
    if (e) {
        lang_unref(start);
        lang_unref(end);
        return lang_cmd_fail(I, ctx, e);
    }
    if (!by_parts) {
        if (!start)
            start = lang_dt_now();
        if (!end)
            end = lang_dt_now();
        ticks = end->u.dt.ticks - start->u.dt.ticks;
    }
    lang_unref(start);
    lang_unref(end);
    lang_list_push_take(ctx->out, lang_timespan(ticks));
    return LANG_OK;
}

static lang_status cmd_clear_host(lang_interp *I, lang_cmdctx *ctx)
{
    (void)ctx;
    if (I->host.color)
        lang_out_text(I, "\033[H\033[2J");
    return LANG_OK;
}

/* ---- help ---- */

static const char *short_type(const cmdlet_param_t *p, char *buf, size_t bufsz)
{
    const char *t = p->type_name ? p->type_name : "Object";
    const char *dot = strrchr(t, '.');
    snprintf(buf, bufsz, "%s", dot ? dot + 1 : t);
    return buf;
}

static void syntax_param(rs_buf *b, const cmdlet_param_t *p)
{
    char tb[128];
    bool mand = p->flags & PF_MANDATORY;
    rs_buf_putc(b, ' ');
    if (!mand)
        rs_buf_putc(b, '[');
    if (p->position >= 0)
        rs_buf_printf(b, "[-%s]", p->name);
    else
        rs_buf_printf(b, "-%s", p->name);
    if (p->type != PT_SWITCH) {
        if (p->type == PT_ENUM && p->enum_values) {
            rs_buf_puts(b, " {");
            for (int k = 0; p->enum_values[k]; k++)
                rs_buf_printf(b, "%s%s", k ? " | " : "", p->enum_values[k]);
            rs_buf_putc(b, '}');
        } else {
            rs_buf_printf(b, " <%s>", short_type(p, tb, sizeof tb));
        }
    }
    if (!mand)
        rs_buf_putc(b, ']');
}

static lang_status cmd_get_help(lang_interp *I, lang_cmdctx *ctx)
{
    char *name = param_str(ctx, "Name");
    if (!name) {
        lang_list_push_take(ctx->out,
                            lang_str("\nTOPIC\n    roomsys shell help\n\nSHORT DESCRIPTION\n"
                                     "    Get-Command lists the commands; Get-Help <cmdlet> "
                                     "describes one.\n    Server cmdlets become available after "
                                     "Import-PSSession, Connect-ExchangeOnline or "
                                     "Connect-MsolService.\n"));
        return LANG_OK;
    }
    const char *target = lang_alias_target(name);
    const cmdlet_def_t *def = cmdlet_find(target ? target : name);
    if (!def) {
        char *msg = rs_asprintf("Get-Help could not find %s in a help file in this session.", name);
        lang_error *e = cmd_error_new(ctx, msg, "HelpNotFound", "ResourceUnavailable",
                                      "System.Management.Automation.HelpNotFoundException",
                                      "Microsoft.PowerShell.Commands.GetHelpCommand");
        free(msg);
        free(name);
        return lang_cmd_error(I, ctx, e);
    }
    free(name);
    rs_buf b = {0};
    rs_buf_printf(&b, "\nNAME\n    %s\n\nSYNOPSIS\n    %s\n\n\nSYNTAX\n    %s", def->name,
                  def->synopsis ? def->synopsis : "", def->name);
    /* positional parameters first, in position order */
    for (int pos = 0; pos < 16; pos++)
        for (size_t i = 0; i < def->nparams; i++)
            if (def->params[i].position == pos)
                syntax_param(&b, &def->params[i]);
    for (size_t i = 0; i < def->nparams; i++)
        if (def->params[i].position < 0)
            syntax_param(&b, &def->params[i]);
    if (def->flags & CF_CHANGES) /* SupportsShouldProcess, as PowerShell's syntax shows it */
        rs_buf_puts(&b, " [-WhatIf] [-Confirm]");
    rs_buf_puts(&b, " [<CommonParameters>]\n\n\n");
    if (def->description)
        rs_buf_printf(&b, "DESCRIPTION\n    %s\n\n", def->description);
    char *only = param_str(ctx, "Parameter");
    bool full = lang_param_switch(ctx, "Full") || lang_param_switch(ctx, "Detailed") || only;
    if (def->nparams) {
        rs_buf_puts(&b, "PARAMETERS\n");
        for (size_t i = 0; i < def->nparams; i++) {
            const cmdlet_param_t *p = &def->params[i];
            if (only && !rs_wildcard_match(only, p->name))
                continue;
            char tb[128];
            rs_buf_printf(&b, "    -%s", p->name);
            if (p->type != PT_SWITCH)
                rs_buf_printf(&b, " <%s>", short_type(p, tb, sizeof tb));
            rs_buf_printf(&b, "\n        %s\n", p->help ? p->help : "");
            if (p->type == PT_ENUM && p->enum_values) {
                rs_buf_puts(&b, "        Accepted values:");
                for (int k = 0; p->enum_values[k]; k++)
                    rs_buf_printf(&b, "%s %s", k ? "," : "", p->enum_values[k]);
                rs_buf_putc(&b, '\n');
            }
            if (!full) {
                rs_buf_putc(&b, '\n');
                continue;
            }
            rs_buf_printf(&b, "\n        Required?                    %s\n",
                          (p->flags & PF_MANDATORY) ? "true" : "false");
            if (p->position >= 0)
                rs_buf_printf(&b, "        Position?                    %d\n", p->position);
            else
                rs_buf_puts(&b, "        Position?                    named\n");
            const char *pipe = (p->flags & PF_PIPE_VALUE) && (p->flags & PF_PIPE_PROP)
                                   ? "True (ByPropertyName, ByValue)"
                               : (p->flags & PF_PIPE_VALUE) ? "True (ByValue)"
                               : (p->flags & PF_PIPE_PROP)  ? "True (ByPropertyName)"
                                                            : "False";
            rs_buf_printf(&b, "        Accept pipeline input?       %s\n", pipe);
            if (p->flags & PF_IGNORED)
                rs_buf_puts(&b, "        (accepted for compatibility; no effect)\n");
            rs_buf_putc(&b, '\n');
        }
        if (!only && full)
            rs_buf_puts(&b, "    <CommonParameters>\n        This cmdlet supports the common "
                            "parameters: ErrorAction, WarningAction, ErrorVariable, "
                            "OutVariable, Verbose and Debug.\n\n");
        if (!only && full && (def->flags & CF_CHANGES))
            rs_buf_printf(&b,
                          "    -WhatIf\n        Shows what would happen: What if: Performing the "
                          "operation \"%s\" on target \"...\". Nothing changes.\n\n"
                          "    -Confirm\n        Asks before the change%s.\n\n",
                          cmdlet_action(def),
                          (def->flags & CF_CONFIRM) ? " (this cmdlet asks unless -Confirm:$false)"
                                                    : "");
    }
    free(only);
    if (def->example)
        rs_buf_printf(&b, "EXAMPLE\n    PS> %s\n\n", def->example);
    rs_buf_printf(&b, "REMARKS\n    Runs %s.\n",
                  (def->flags & CF_LOCAL) ? "in the roomsys shell"
                                          : "on the roomsys server (import a session first)");
    lang_list_push_take(ctx->out, lang_str_take(rs_buf_take(&b)));
    return LANG_OK;
}

static const char *module_of(const cmdlet_def_t *def)
{
    if (!def || (def->flags & CF_LOCAL))
        return "Microsoft.PowerShell.Utility";
    if (!strcmp(def->service, "exchange"))
        return "ExchangeOnlineManagement";
    if (!strcmp(def->service, "sfb"))
        return "SkypeOnlineConnector";
    if (!strcmp(def->service, "msol"))
        return "MSOnline";
    return def->service;
}

static bool name_matches(lang_value *patterns, const char *name)
{
    if (!patterns)
        return true;
    lang_list pats = {0};
    lang_list_push_enum(&pats, patterns);
    bool hit = false;
    for (size_t i = 0; i < pats.n && !hit; i++) {
        char *p = lang_to_str(pats.v[i]);
        hit = rs_wildcard_match(p, name);
        free(p);
    }
    lang_list_clear(&pats);
    return hit;
}

static lang_value *command_info(const char *type, const char *name, const char *source)
{
    lang_value *o = lang_object_new("System.Management.Automation.CmdletInfo");
    lang_prop_set_take(o, "CommandType", lang_str(type));
    lang_prop_set_take(o, "Name", lang_str(name));
    lang_prop_set_take(o, "Version", lang_str("1.0"));
    lang_prop_set_take(o, "Source", lang_str(source));
    return o;
}

static lang_status cmd_get_command(lang_interp *I, lang_cmdctx *ctx)
{
    lang_value *names = lang_param(ctx, "Name");
    lang_value *mods = lang_param(ctx, "Module");
    lang_value *verbs = lang_param(ctx, "Verb");
    lang_value *nouns = lang_param(ctx, "Noun");
    lang_list found = {0};
    for (size_t i = 0; i < cmdlet_table_len; i++) {
        const cmdlet_def_t *d = &cmdlet_table[i];
        bool avail = (d->flags & CF_LOCAL)
                         ? lang_find_cmd(I, d->name) != NULL
                         : I->remote.available && I->remote.available(I->remote.ud, d->service);
        if (!avail || !name_matches(names, d->name) || !name_matches(mods, module_of(d)))
            continue;
        const char *dash = strchr(d->name, '-');
        if (verbs || nouns) {
            char *verb = rs_strndup(d->name, dash ? (size_t)(dash - d->name) : strlen(d->name));
            bool ok = name_matches(verbs, verb) && name_matches(nouns, dash ? dash + 1 : "");
            free(verb);
            if (!ok)
                continue;
        }
        lang_list_push_take(&found, command_info("Cmdlet", d->name, module_of(d)));
    }
    if (!mods && !verbs && !nouns) {
        const char *const *al = lang_alias_names();
        for (int i = 0; al[i]; i++) {
            if (!names || name_matches(names, al[i])) {
                char *n = rs_asprintf("%s -> %s", al[i], lang_alias_target(al[i]));
                if (names)
                    lang_list_push_take(&found, command_info("Alias", n, ""));
                free(n);
            }
        }
        for (size_t i = 0; i < I->nfuncs; i++)
            if (name_matches(names, I->funcs[i].name))
                lang_list_push_take(&found, command_info("Function", I->funcs[i].name, ""));
    }
    char *n = found.n == 0 && names ? lang_to_str(names) : NULL;
    if (n && rs_has_wildcard(n)) {
        free(n);
        n = NULL;
    }
    if (n) {
        char *msg = rs_asprintf("The term '%s' is not recognized as the name of a cmdlet, "
                                "function, script file, or operable program. Check the spelling "
                                "of the name, or if a path was included, verify that the path is "
                                "correct and try again.",
                                n);
        lang_error *e = cmd_error_new(ctx, msg, "CommandNotFoundException", "ObjectNotFound",
                                      "System.Management.Automation.CommandNotFoundException",
                                      "Microsoft.PowerShell.Commands.GetCommandCommand");
        lang_error_set(&e->target_name, n);
        lang_error_set(&e->target_type, "String");
        free(msg);
        free(n);
        lang_list_clear(&found);
        return lang_cmd_error(I, ctx, e);
    }
    for (size_t i = 0; i < found.n; i++)
        lang_list_push(ctx->out, found.v[i]);
    lang_list_clear(&found);
    return LANG_OK;
}

void lang_register_builtins(lang_interp *I)
{
    static const struct {
        const char *name;
        lang_cmd_fn fn;
    } table[] = {
        {"Get-Credential", cmd_get_credential},
        {"ConvertTo-SecureString", cmd_convertto_securestring},
        {"ConvertFrom-SecureString", cmd_convertfrom_securestring},
        {"Import-Module", cmd_import_module},
        {"Get-Module", cmd_get_module},
        {"Format-List", cmd_format_list},
        {"Format-Table", cmd_format_table},
        {"Write-Host", cmd_write_host},
        {"Write-Output", cmd_write_output},
        {"Write-Warning", cmd_write_warning},
        {"Write-Error", cmd_write_error},
        {"Write-Verbose", cmd_write_verbose},
        {"Write-Debug", cmd_write_debug},
        {"Write-Progress", cmd_write_progress},
        {"Out-Null", cmd_out_null},
        {"Out-String", cmd_out_string},
        {"Out-Host", cmd_out_host},
        {"Out-Default", cmd_out_host},
        {"Read-Host", cmd_read_host},
        {"Select-Object", cmd_select_object},
        {"Where-Object", cmd_where_object},
        {"ForEach-Object", cmd_foreach_object},
        {"Sort-Object", cmd_sort_object},
        {"Measure-Object", cmd_measure_object},
        {"New-Object", cmd_new_object},
        {"Get-Member", lang_cmd_get_member},
        {"Tee-Object", cmd_tee_object},
        {"Add-Member", cmd_add_member},
        {"Set-StrictMode", cmd_set_strict_mode},
        {"New-Item", cmd_new_item},
        {"Remove-Item", cmd_remove_item},
        {"Compare-Object", cmd_compare_object},
        {"Select-String", cmd_select_string},
        {"Import-Csv", cmd_import_csv},
        {"Export-Csv", cmd_export_csv},
        {"Get-Content", cmd_get_content},
        {"Set-Content", cmd_set_content},
        {"Out-File", cmd_out_file},
        {"Group-Object", cmd_group_object},
        {"ConvertTo-Json", cmd_convertto_json},
        {"ConvertFrom-Json", cmd_convertfrom_json},
        {"Start-Sleep", cmd_start_sleep},
        {"Get-Date", cmd_get_date},
        {"New-TimeSpan", cmd_new_timespan},
        {"Out-GridView", cmd_out_gridview},
        {"Add-Content", cmd_add_content},
        {"ConvertTo-Csv", cmd_convertto_csv},
        {"ConvertFrom-Csv", cmd_convertfrom_csv},
        {"Get-Random", cmd_get_random},
        {"New-Guid", cmd_new_guid},
        {"Get-Location", cmd_get_location},
        {"Set-Location", cmd_set_location},
        {"Start-Transcript", cmd_start_transcript},
        {"Stop-Transcript", cmd_stop_transcript},
        {"Test-Path", cmd_test_path},
        {"Join-Path", cmd_join_path},
        {"Split-Path", cmd_split_path},
        {"Clear-Host", cmd_clear_host},
        {"Get-Help", cmd_get_help},
        {"Get-Command", cmd_get_command},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        lang_register(I, table[i].name, table[i].fn, NULL);
}
