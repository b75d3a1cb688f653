/* remote.c - sessions and the InvokeCommand transport (see remote.h). */
#include "remote.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "client.h"
#include "interp.h"
#include "ops.h"
#include "rs_util.h"

enum { SVC_EXCHANGE, SVC_SFB, SVC_MSOL, SVC_COUNT };
static const char *const svc_names[SVC_COUNT] = {"exchange", "sfb", "msol"};

typedef struct shell_session {
    int id;
    int svc;
    char *name;
    char *user;
    char *tenant;
    char *password; /* kept to sign in again when the token expires; wiped on close */
    char *token;
    int64_t expires_at_ms;
    char *computer; /* ComputerName shown for the session */
    char *config;   /* ConfigurationName */
    bool open;
} shell_session;

struct shell_remote {
    shell_client *client;
    shell_session **sessions;
    size_t n, cap;
    shell_session *imported[SVC_COUNT]; /* in a thread view: borrowed from the caller */
    int next_id;
    bool view; /* a thread view (thread_new) */
};

/* ROOMSYS_TIMING=FILE: per server cmdlet, calls, wall time of the InvokeCommand
 * exchanges and the CPU time the calling thread spent in them (JSON, TLS,
 * libcurl), written to FILE as JSON when the shell exits (bench/provision). */
typedef struct cmd_timing {
    long calls;
    double wall_s, cpu_s;
} cmd_timing;
static pthread_mutex_t timing_lock = PTHREAD_MUTEX_INITIALIZER;
static cmd_timing *timings; /* indexed like cmdlet_table; NULL when not timing */

static double clock_s(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void timing_write(void)
{
    const char *path = getenv("ROOMSYS_TIMING");
    if (!timings || !path || !*path)
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    fprintf(f, "{\"process_user_s\":%.3f,\"process_sys_s\":%.3f,\"cmdlets\":{", user, sys);
    bool first = true;
    for (size_t i = 0; i < cmdlet_table_len; i++) {
        if (!timings[i].calls)
            continue;
        fprintf(f, "%s\"%s\":{\"calls\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f}", first ? "" : ",",
                cmdlet_table[i].name, timings[i].calls, timings[i].wall_s, timings[i].cpu_s);
        first = false;
    }
    fprintf(f, "}}\n");
    fclose(f);
}

/* Guards every session's token and expiry: the worker threads of ForEach-Object
 * -Parallel (thread views below) share the caller's sessions. */
static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;

const char *shell_remote_scope(const char *service)
{
    if (!strcmp(service, "sfb"))
        return "https://api.interfaces.records.teams.microsoft.com/.default";
    if (!strcmp(service, "msol"))
        return "https://graph.windows.net/.default";
    return "https://outlook.office365.com/.default";
}

static int svc_index(const char *service)
{
    for (int i = 0; i < SVC_COUNT; i++)
        if (!strcmp(svc_names[i], service))
            return i;
    return -1;
}

static void wipe_free(char *s)
{
    if (s) {
        rs_wipe(s, strlen(s));
        free(s);
    }
}

static void session_close(shell_session *s)
{
    s->open = false;
    wipe_free(s->password);
    s->password = NULL;
    wipe_free(s->token);
    s->token = NULL;
}

static void session_free(shell_session *s)
{
    session_close(s);
    free(s->name);
    free(s->user);
    free(s->tenant);
    free(s->computer);
    free(s->config);
    free(s);
}

shell_remote *shell_remote_new(const char *server, const char *ca_file)
{
    shell_remote *R = rs_calloc(1, sizeof *R);
    R->client = shell_client_new(server, ca_file);
    R->next_id = 1;
    const char *timing = getenv("ROOMSYS_TIMING");
    if (timing && *timing && !timings)
        timings = rs_calloc(cmdlet_table_len, sizeof(cmd_timing));
    return R;
}

void shell_remote_free(shell_remote *R)
{
    if (!R)
        return;
    if (!R->view) {
        timing_write();
        free(timings);
        timings = NULL;
    }
    for (size_t i = 0; i < R->n; i++)
        session_free(R->sessions[i]);
    free(R->sessions);
    shell_client_free(R->client);
    free(R);
}

static shell_session *find_session(shell_remote *R, int id)
{
    for (size_t i = 0; i < R->n; i++)
        if (R->sessions[i]->id == id)
            return R->sessions[i];
    return NULL;
}

/* ---- session objects ---- */

static void free_id(void *p)
{
    free(p);
}

static const lang_native_type session_native = {.name = "PSSession", .free = free_id};

static lang_value *session_value(const shell_session *s)
{
    lang_value *o = lang_object_new("System.Management.Automation.Runspaces.PSSession");
    lang_prop_set_take(o, "Id", lang_int(s->id));
    lang_prop_set_take(o, "Name", lang_str(s->name));
    lang_prop_set_take(o, "ComputerName", lang_str(s->computer));
    lang_prop_set_take(o, "ComputerType", lang_str("RemoteMachine"));
    lang_prop_set_take(o, "State", lang_str(s->open ? "Opened" : "Closed"));
    lang_prop_set_take(o, "ConfigurationName", lang_str(s->config));
    lang_prop_set_take(o, "Availability", lang_str(s->open ? "Available" : "None"));
    int *id = rs_malloc(sizeof *id);
    *id = s->id;
    lang_object_set_native(o, &session_native, id);
    return o;
}

static shell_session *session_of(shell_remote *R, const lang_value *v)
{
    const int *id = lang_object_native(v, &session_native);
    return id ? find_session(R, *id) : NULL;
}

/* ---- errors ---- */

static lang_error *remoting_error(const char *cmd, const char *computer, const char *why,
                                  const char *id, bool unreachable)
{
    char *msg = rs_asprintf("[%s] Connecting to remote server %s failed with the following error "
                            "message : %s For more information, see the "
                            "about_Remote_Troubleshooting Help topic.",
                            computer, computer, why);
    lang_error *e = lang_error_new(msg);
    free(msg);
    lang_error_set(&e->command, cmd);
    lang_error_set(&e->activity, cmd);
    lang_error_set(&e->category, "OpenError");
    lang_error_set(&e->target_name, "System.Manageme....RemoteRunspace");
    lang_error_set(&e->target_type, "RemoteRunspace");
    lang_error_set_exception(e,
                             "System.Management.Automation.Remoting.PSRemotingTransportException");
    lang_error_set_fqid(e, id, "PSSessionOpenFailed");
    e->unreachable = unreachable;
    return e;
}

static lang_error *signin_error(const char *cmd, const char *why, bool unreachable,
                                const char *server)
{
    char *msg = unreachable
                    ? rs_asprintf("The roomsys server %s could not be reached: %s", server, why)
                    : rs_asprintf("Authentication Error: %s", why);
    lang_error *e = lang_error_new(msg);
    free(msg);
    lang_error_set(&e->command, cmd);
    lang_error_set(&e->activity, cmd);
    lang_error_set(&e->category, unreachable ? "ConnectionError" : "AuthenticationError");
    lang_error_set_exception(e, unreachable ? "System.Net.Http.HttpRequestException"
                                            : "System.UnauthorizedAccessException");
    lang_error_set_fqid(e, unreachable ? "ServerUnreachable" : "AuthenticationError", cmd);
    e->unreachable = unreachable;
    return e;
}

struct lang_error *shell_remote_error(const char *cmdlet, long status, void *json_body)
{
    json_t *body = json_body;
    json_t *err = json_object_get(body, "error");
    json_t *d0 = json_array_get(json_object_get(err, "details"), 0);
    const char *dmsg = json_string_value(json_object_get(d0, "message"));
    const char *category = json_string_value(json_object_get(d0, "category"));
    char *errid = NULL, *extype = NULL, *text = NULL;
    if (dmsg) {
        const char *p1 = strchr(dmsg, '|');
        const char *p2 = p1 ? strchr(p1 + 1, '|') : NULL;
        if (p1 && p2) {
            errid = rs_strndup(dmsg, (size_t)(p1 - dmsg));
            extype = rs_strndup(p1 + 1, (size_t)(p2 - p1 - 1));
            text = rs_strdup(p2 + 1);
        } else {
            text = rs_strdup(dmsg);
        }
    }
    if (!text) {
        const char *inner = json_string_value(json_object_get(
            json_object_get(json_object_get(err, "innererror"), "internalexception"), "message"));
        const char *em = json_string_value(json_object_get(err, "message"));
        if (inner)
            text = rs_strdup(inner);
        else if (em)
            text = rs_strdup(em);
        else
            text = rs_asprintf("The server answered HTTP %ld.", status);
    }
    lang_error *e = lang_error_new(text);
    lang_error_set(&e->command, cmdlet);
    lang_error_set(&e->activity, cmdlet);
    if (!category)
        category = status == 404   ? "NotSpecified"
                   : status == 403 ? "PermissionDenied"
                   : status == 401 ? "AuthenticationError"
                   : status == 429 ? "LimitsExceeded"
                   : status >= 500 ? "NotSpecified"
                                   : "NotSpecified";
    lang_error_set(&e->category, category);
    if (extype && *extype)
        lang_error_set_exception(e, extype);
    else
        lang_error_set_exception(e, status == 403 ? "System.UnauthorizedAccessException"
                                    : status == 401
                                        ? "System.UnauthorizedAccessException"
                                        : "System.Management.Automation.RemoteException");
    lang_error_set_fqid(e, errid && *errid ? errid : e->reason, cmdlet);
    free(errid);
    free(extype);
    free(text);
    return e;
}

/* ---- signing in ---- */

static int sign_in(shell_remote *R, shell_session *s, char **why, bool *unreachable)
{
    char *token = NULL;
    long expires = 0;
    int rc = shell_client_token(R->client, s->tenant, s->user, s->password,
                                shell_remote_scope(svc_names[s->svc]), &token, &expires, why,
                                unreachable);
    if (rc != 0)
        return -1;
    wipe_free(s->token);
    s->token = token;
    s->expires_at_ms = rs_time_now_ms() + (expires > 0 ? expires : 3599) * 1000;
    return 0;
}

/* A copy of s's token (caller wipes and frees), signing in again first when it
 * is about to expire or is `stale` (the token the server just refused). NULL
 * with *why (malloc'd, may stay NULL) when that fails or s is closed. */
static char *session_token(shell_remote *R, shell_session *s, const char *stale, char **why,
                           bool *unreachable)
{
    pthread_mutex_lock(&session_lock);
    int rc = 0;
    if (!s->open || !s->token)
        rc = -1;
    else if (rs_time_now_ms() + 30000 >= s->expires_at_ms || (stale && !strcmp(stale, s->token)))
        rc = sign_in(R, s, why, unreachable);
    char *t = rc == 0 ? rs_strdup(s->token) : NULL;
    pthread_mutex_unlock(&session_lock);
    return t;
}

/* Credential from a bound value, or asked for as Get-Credential does. Sets
 * *user / *password (malloc'd) or returns an error. */
static lang_error *credential(lang_interp *I, lang_cmdctx *ctx, lang_value *cred,
                              const char *user_hint, char **user, char **password)
{
    *user = NULL;
    *password = NULL;
    if (cred && cred->type == LV_OBJECT && lang_is_type(cred, "pscredential")) {
        lang_value *pw = lang_prop_get(cred, "Password", NULL);
        *user = lang_to_str(lang_prop_get(cred, "UserName", NULL));
        *password =
            pw && pw->type == LV_SECURE ? rs_strndup(pw->u.str.s, pw->u.str.len) : rs_strdup("");
        return NULL;
    }
    if (cred && cred->type == LV_STRING)
        user_hint = cred->u.str.s;
    /* as Get-Credential [-UserName hint] */
    const char *env = getenv("ROOMSYS_USER");
    char *u = user_hint && *user_hint ? rs_strdup(user_hint) : NULL;
    bool complete = u && strchr(u, '@') && strchr(u, '@')[1];
    if (!complete) {
        if (I->host.interactive && I->host.read_line) {
            char *prompt = rs_asprintf("User: %s", u ? u : "");
            char *typed = I->host.read_line(I->host.ud, prompt, false);
            free(prompt);
            char *full = rs_asprintf("%s%s", u ? u : "", typed ? typed : "");
            free(typed);
            free(u);
            u = full;
        } else if (env && *env) {
            free(u);
            u = rs_strdup(env);
        }
    }
    if (!u || !*u) {
        free(u);
        lang_error *e = lang_error_new(
            "Cannot ask for a user name: standard input is not a terminal. Pass -Credential "
            "(Get-Credential admin@contoso.onmicrosoft.com) or set the ROOMSYS_USER environment "
            "variable.");
        lang_error_set(&e->category, "InvalidOperation");
        lang_error_set_exception(e, "System.Management.Automation.PSInvalidOperationException");
        lang_error_set_fqid(e, "CouldNotPromptForCredential", ctx->name);
        return e;
    }
    char *why = NULL;
    char *pw = lang_read_password(I, u, &why);
    if (!pw && lang_interrupted) {
        free(why);
        free(u);
        lang_error *e = lang_error_new("The pipeline has been stopped.");
        e->quiet = true;
        return e;
    }
    if (!pw) {
        lang_error *e = lang_error_new(why);
        free(why);
        free(u);
        lang_error_set(&e->category, "InvalidOperation");
        lang_error_set_exception(e, "System.Management.Automation.PSInvalidOperationException");
        lang_error_set_fqid(e, "CouldNotPromptForCredential", ctx->name);
        return e;
    }
    *user = u;
    *password = pw;
    return NULL;
}

/* Open a session for svc; on failure returns NULL with *err set. */
static shell_session *open_session(shell_remote *R, lang_interp *I, lang_cmdctx *ctx, int svc,
                                   lang_value *cred, const char *user_hint,
                                   const char *tenant_override, const char *computer,
                                   const char *config, bool remoting_style, lang_error **err)
{
    char *user, *password;
    *err = credential(I, ctx, cred, user_hint, &user, &password);
    if (*err)
        return NULL;
    const char *at = strrchr(user, '@');
    const char *tenant = tenant_override && *tenant_override ? tenant_override
                         : at && at[1]                       ? at + 1
                                                             : NULL;
    if (!tenant) {
        char *why = rs_asprintf("AADSTS90002: The user name '%s' has no domain, so its tenant "
                                "cannot be found. Use user@domain, for example "
                                "admin@contoso.onmicrosoft.com.",
                                user);
        *err = remoting_style ? remoting_error(ctx->name, computer, why, "AccessDenied", false)
                              : signin_error(ctx->name, why, false, NULL);
        free(why);
        free(user);
        wipe_free(password);
        return NULL;
    }
    shell_session *s = rs_calloc(1, sizeof *s);
    s->id = R->next_id++;
    s->svc = svc;
    s->name = rs_asprintf("WinRM%d", s->id);
    s->user = user;
    s->tenant = rs_strdup(tenant);
    s->password = password;
    s->computer = rs_strdup(computer);
    s->config = rs_strdup(config);
    char *why = NULL;
    bool unreachable = false;
    if (sign_in(R, s, &why, &unreachable) != 0) {
        *err = remoting_style
                   ? remoting_error(ctx->name, computer, why,
                                    unreachable ? "ConnectionFailed" : "AccessDenied", unreachable)
                   : signin_error(ctx->name, why, unreachable, shell_client_server(R->client));
        free(why);
        session_free(s);
        return NULL;
    }
    s->open = true;
    if (R->n == R->cap) {
        R->cap = R->cap ? R->cap * 2 : 4;
        R->sessions = rs_realloc(R->sessions, R->cap * sizeof(shell_session *));
    }
    R->sessions[R->n++] = s;
    return s;
}

/* Host name of a URI ("https://ps.outlook.com/powershell" -> "ps.outlook.com"). */
static char *uri_host(const char *uri, const char *dflt)
{
    if (!uri || !*uri)
        return rs_strdup(dflt);
    const char *p = strstr(uri, "://");
    p = p ? p + 3 : uri;
    size_t n = strcspn(p, "/:?#");
    return n ? rs_strndup(p, n) : rs_strdup(dflt);
}

static lang_value *module_value(shell_session *s)
{
    lang_value *m = lang_object_new("System.Management.Automation.PSModuleInfo");
    lang_prop_set_take(m, "ModuleType", lang_str("Script"));
    lang_prop_set_take(m, "Version", lang_str("1.0"));
    lang_prop_set_take(m, "Name",
                       lang_str_take(rs_asprintf("tmp_roomsys_%s_%d", svc_names[s->svc], s->id)));
    lang_value *cmds = lang_array_new();
    for (size_t i = 0; i < cmdlet_table_len; i++)
        if (!strcmp(cmdlet_table[i].service, svc_names[s->svc]))
            lang_array_push_take(cmds, lang_str(cmdlet_table[i].name));
    lang_prop_set_take(m, "ExportedCommands", cmds);
    return m;
}

/* ---- cmdlets ---- */

static char *pstr(lang_cmdctx *ctx, const char *name)
{
    lang_value *v = lang_param(ctx, name);
    return v ? lang_to_str(v) : NULL;
}

static lang_status cmd_new_pssession(lang_interp *I, lang_cmdctx *ctx)
{
    shell_remote *R = ctx->ud;
    char *config = pstr(ctx, "ConfigurationName");
    if (lang_param_has(ctx, "ComputerName") && !lang_param_has(ctx, "ConnectionUri")) {
        free(config);
        lang_error *e =
            lang_error_new("roomsys sessions need -ConnectionUri (an Exchange Online "
                           "URI such as https://outlook.office365.com/powershell-liveid/).");
        lang_error_set(&e->category, "InvalidArgument");
        lang_error_set_exception(e, "System.ArgumentException");
        return lang_cmd_error(I, ctx, e);
    }
    if (config && !rs_streq_ci(config, "Microsoft.Exchange")) {
        char *msg = rs_asprintf("The session configuration '%s' is not served by roomsys; use "
                                "-ConfigurationName Microsoft.Exchange.",
                                config);
        lang_error *e = lang_error_new(msg);
        free(msg);
        free(config);
        lang_error_set(&e->category, "InvalidArgument");
        lang_error_set_exception(e, "System.ArgumentException");
        return lang_cmd_error(I, ctx, e);
    }
    char *uri = pstr(ctx, "ConnectionUri");
    char *computer = uri_host(uri, "outlook.office365.com");
    lang_error *err = NULL;
    shell_session *s = open_session(R, I, ctx, SVC_EXCHANGE, lang_param(ctx, "Credential"), NULL,
                                    NULL, computer, "Microsoft.Exchange", true, &err);
    free(uri);
    free(computer);
    free(config);
    if (!s)
        return lang_cmd_error(I, ctx, err);
    char *name = pstr(ctx, "Name");
    if (name) {
        free(s->name);
        s->name = name;
    }
    lang_list_push_take(ctx->out, session_value(s));
    return LANG_OK;
}

static lang_status cmd_new_csonlinesession(lang_interp *I, lang_cmdctx *ctx)
{
    shell_remote *R = ctx->ud;
    char *hint = pstr(ctx, "UserName");
    char *domain = pstr(ctx, "OverrideAdminDomain");
    lang_error *err = NULL;
    shell_session *s = open_session(R, I, ctx, SVC_SFB, lang_param(ctx, "Credential"), hint, domain,
                                    "admin1a.online.lync.com", "Microsoft.PowerShell", true, &err);
    free(hint);
    free(domain);
    if (!s)
        return lang_cmd_error(I, ctx, err);
    lang_list_push_take(ctx->out, session_value(s));
    return LANG_OK;
}

/* Import s; returns false (error already written) when refused. */
static lang_status import_session(lang_interp *I, lang_cmdctx *ctx, shell_remote *R,
                                  shell_session *s, bool clobber, bool output)
{
    shell_session *cur = R->imported[s->svc];
    if (cur && cur != s && cur->open && !clobber) {
        lang_error *e = lang_error_new(
            "No command proxies have been created, because all of the requested remote commands "
            "would shadow existing local commands. Use the AllowClobber parameter if you want to "
            "shadow existing local commands.");
        lang_error_set(&e->category, "InvalidResult");
        lang_error_set_exception(e, "System.ArgumentException");
        lang_error_set_fqid(e, "ErrorNoCommandsImportedBecauseOfSkipping",
                            "Microsoft.PowerShell.Commands.ImportPSSessionCommand");
        return lang_cmd_error(I, ctx, e);
    }
    R->imported[s->svc] = s;
    if (output)
        lang_list_push_take(ctx->out, module_value(s));
    return LANG_OK;
}

static lang_status cmd_import_pssession(lang_interp *I, lang_cmdctx *ctx)
{
    shell_remote *R = ctx->ud;
    lang_value *v = lang_param(ctx, "Session");
    if (!v) {
        rs_err err;
        rs_raise(&err, RS_E_PARAM_NULL, "Session");
        lang_error *e = lang_error_from_rs(&err, ctx->name);
        return lang_cmd_fail(I, ctx, e);
    }
    shell_session *s = session_of(R, v);
    if (!s || !s->open) {
        lang_error *e = lang_error_new(
            s ? "The session is closed. Open a new session with New-PSSession or "
                "New-CsOnlineSession."
              : "Cannot bind parameter 'Session'. The value is not a PSSession: use the object "
                "returned by New-PSSession or New-CsOnlineSession.");
        lang_error_set(&e->category, "InvalidArgument");
        lang_error_set_exception(e, "System.Management.Automation.ParameterBindingException");
        lang_error_set_fqid(e, "CannotConvertArgument",
                            "Microsoft.PowerShell.Commands.ImportPSSessionCommand");
        return lang_cmd_fail(I, ctx, e);
    }
    return import_session(I, ctx, R, s, lang_param_switch(ctx, "AllowClobber"), true);
}

static lang_status connect_and_import(lang_interp *I, lang_cmdctx *ctx, int svc,
                                      const char *hint_param, const char *tenant_param,
                                      const char *computer, const char *config)
{
    shell_remote *R = ctx->ud;
    char *hint = hint_param ? pstr(ctx, hint_param) : NULL;
    char *tenant = tenant_param ? pstr(ctx, tenant_param) : NULL;
    lang_error *err = NULL;
    shell_session *s = open_session(R, I, ctx, svc, lang_param(ctx, "Credential"), hint, tenant,
                                    computer, config, false, &err);
    free(hint);
    free(tenant);
    if (!s)
        return lang_cmd_error(I, ctx, err);
    return import_session(I, ctx, R, s, true, false);
}

static lang_status cmd_connect_exchange(lang_interp *I, lang_cmdctx *ctx)
{
    lang_status st =
        connect_and_import(I, ctx, SVC_EXCHANGE, "UserPrincipalName", "DelegatedOrganization",
                           "outlook.office365.com", "Microsoft.Exchange");
    bool banner = !lang_param_has(ctx, "ShowBanner") || lang_param_switch(ctx, "ShowBanner");
    shell_remote *R = ctx->ud;
    if (st == LANG_OK && banner && I->host.interactive && R->imported[SVC_EXCHANGE])
        lang_host_text(I,
                       "\nConnected to Exchange Online on the roomsys server. Use "
                       "-ShowBanner:$false to hide this message.\n\n",
                       NULL);
    return st;
}

static lang_status cmd_connect_msol(lang_interp *I, lang_cmdctx *ctx)
{
    return connect_and_import(I, ctx, SVC_MSOL, NULL, NULL, "provisioningapi.microsoftonline.com",
                              "Microsoft.PowerShell");
}

static lang_status cmd_connect_teams(lang_interp *I, lang_cmdctx *ctx)
{
    lang_status st =
        connect_and_import(I, ctx, SVC_SFB, "AccountId", "TenantId",
                           "api.interfaces.records.teams.microsoft.com", "Microsoft.PowerShell");
    shell_remote *R = ctx->ud;
    shell_session *s = R->imported[SVC_SFB];
    if (st == LANG_OK && s) {
        lang_value *o = lang_object_new("Microsoft.Open.Teams.CommonLibrary.PSAzureContext");
        lang_prop_set_take(o, "Account", lang_str(s->user));
        lang_prop_set_take(o, "Environment", lang_str("AzureCloud"));
        lang_prop_set_take(o, "Tenant", lang_str(s->tenant));
        lang_prop_set_take(o, "TenantId", lang_str(s->tenant));
        lang_list_push_take(ctx->out, o);
    }
    return st;
}

static void close_session(shell_remote *R, shell_session *s)
{
    for (int k = 0; k < SVC_COUNT; k++)
        if (R->imported[k] == s)
            R->imported[k] = NULL;
    session_close(s);
}

static lang_status cmd_disconnect_exchange(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    shell_remote *R = ctx->ud;
    for (size_t i = 0; i < R->n; i++)
        if (R->sessions[i]->svc == SVC_EXCHANGE && R->sessions[i]->open)
            close_session(R, R->sessions[i]);
    return LANG_OK;
}

static lang_status cmd_remove_pssession(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    shell_remote *R = ctx->ud;
    lang_list items = {0};
    if (ctx->input)
        for (size_t i = 0; i < ctx->input->n; i++)
            lang_list_push(&items, ctx->input->v[i]);
    if (lang_param_has(ctx, "Session"))
        lang_list_push_enum(&items, lang_param(ctx, "Session"));
    for (size_t i = 0; i < items.n; i++) {
        shell_session *s = session_of(R, items.v[i]);
        if (s)
            close_session(R, s);
    }
    lang_list_clear(&items);
    lang_value *idv = lang_param(ctx, "Id");
    if (idv && idv->type == LV_INT) {
        shell_session *s = find_session(R, (int)idv->u.i);
        if (s)
            close_session(R, s);
    }
    return LANG_OK;
}

static lang_status cmd_get_pssession(lang_interp *I, lang_cmdctx *ctx)
{
    (void)I;
    shell_remote *R = ctx->ud;
    for (size_t i = 0; i < R->n; i++)
        if (R->sessions[i]->open)
            lang_list_push_take(ctx->out, session_value(R->sessions[i]));
    return LANG_OK;
}

/* ---- InvokeCommand ---- */

static bool remote_available(void *ud, const char *service)
{
    shell_remote *R = ud;
    int k = svc_index(service);
    return k >= 0 && R->imported[k] && R->imported[k]->open;
}

static void sleep_seconds(long s)
{
    struct timespec ts = {s, 0};
    nanosleep(&ts, NULL);
}

static int remote_invoke_timed(shell_remote *R, const cmdlet_def_t *def, json_t *params,
                               json_t **out_body, lang_error **out_err);

static int remote_invoke(void *ud, lang_interp *I, const cmdlet_def_t *def, json_t *params,
                         json_t **out_body, lang_error **out_err)
{
    (void)I;
    if (!timings)
        return remote_invoke_timed(ud, def, params, out_body, out_err);
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    int rc = remote_invoke_timed(ud, def, params, out_body, out_err);
    double w1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    size_t k = 0;
    while (k < cmdlet_table_len && &cmdlet_table[k] != def)
        k++;
    if (k < cmdlet_table_len) {
        pthread_mutex_lock(&timing_lock);
        timings[k].calls++;
        timings[k].wall_s += w1 - w0;
        timings[k].cpu_s += c1 - c0;
        pthread_mutex_unlock(&timing_lock);
    }
    return rc;
}

/* One InvokeCommand (following next-page links, signing in again once on 401,
 * waiting on 429). */
static int remote_invoke_timed(shell_remote *R, const cmdlet_def_t *def, json_t *params,
                               json_t **out_body, lang_error **out_err)
{
    *out_body = NULL;
    *out_err = NULL;
    int k = svc_index(def->service);
    shell_session *s = k >= 0 ? R->imported[k] : NULL;
    if (!s || !s->open) {
        *out_err = lang_error_new("The session for this command is closed. Open and import a "
                                  "new session.");
        return -1;
    }
    char *why = NULL;
    bool unreachable = false;
    char *token = session_token(R, s, NULL, &why, &unreachable);
    if (!token) {
        *out_err = signin_error(def->name, why ? why : "the session is closed", unreachable,
                                shell_client_server(R->client));
        free(why);
        return -1;
    }
    char *path = rs_asprintf("%s/%s/InvokeCommand", cmdlet_service_path(def->service), s->tenant);
    json_t *body =
        json_pack("{s:{s:s,s:O}}", "CmdletInput", "CmdletName", def->name, "Parameters", params);
    json_t *values = json_array();
    json_t *warnings = json_array();
    char *url = rs_strdup(path);
    bool reauthed = false;
    int throttled = 0;
    int rc = -1;
    for (;;) {
        shell_http r;
        if (shell_client_post_json(R->client, url, token, def->name, body, &r) != 0) {
            lang_error *e = signin_error(def->name, r.error ? r.error : "connection failed", true,
                                         shell_client_server(R->client));
            *out_err = e;
            shell_http_clear(&r);
            break;
        }
        if (r.status == 401 && !reauthed) {
            shell_http_clear(&r);
            reauthed = true;
            char *fresh = session_token(R, s, token, &why, &unreachable);
            if (!fresh) {
                *out_err = signin_error(def->name, why ? why : "the session is closed", unreachable,
                                        shell_client_server(R->client));
                free(why);
                break;
            }
            wipe_free(token);
            token = fresh;
            continue;
        }
        if (r.status == 429 && throttled < 5) {
            throttled++;
            long wait = r.retry_after > 0 ? r.retry_after : 1;
            shell_http_clear(&r);
            sleep_seconds(wait > 10 ? 10 : wait);
            continue;
        }
        if (r.status != 200) {
            *out_err = shell_remote_error(def->name, r.status, r.json);
            shell_http_clear(&r);
            break;
        }
        json_t *v = json_object_get(r.json, "value");
        if (json_is_array(v))
            json_array_extend(values, v);
        json_t *w = json_object_get(r.json, "@adminapi.warnings");
        if (json_is_array(w))
            json_array_extend(warnings, w);
        const char *next = json_string_value(json_object_get(r.json, "@odata.nextLink"));
        const char *srv = shell_client_server(R->client);
        if (next && *next && (strncmp(next, srv, strlen(srv)) != 0 || next[strlen(srv)] != '/')) {
            /* never send the token to another origin */
            shell_http_clear(&r);
            *out_err = lang_error_new("The server's next-page link points to another server; "
                                      "roomsys does not follow it.");
            lang_error_set(&(*out_err)->category, "SecurityError");
            break;
        }
        if (next && *next) {
            free(url);
            url = rs_strdup(next);
            shell_http_clear(&r);
            continue;
        }
        shell_http_clear(&r);
        *out_body = json_pack("{s:o,s:o}", "value", values, "@adminapi.warnings", warnings);
        values = warnings = NULL;
        rc = 0;
        break;
    }
    json_decref(values);
    json_decref(warnings);
    json_decref(body);
    wipe_free(token);
    free(url);
    free(path);
    return rc;
}

/* ---- thread views (ForEach-Object -Parallel) ---- */

/* A view of R's imported sessions with its own HTTPS connection (new; freed by
 * thread_free). Sessions opened inside the view belong to the view. */
static void *thread_new(void *ud)
{
    shell_remote *R = ud;
    shell_remote *V =
        shell_remote_new(shell_client_server(R->client), shell_client_ca_file(R->client));
    for (int k = 0; k < SVC_COUNT; k++)
        V->imported[k] = R->imported[k];
    V->next_id = 1000;
    V->view = true;
    return V;
}

static void thread_install(void *tud, lang_interp *I)
{
    shell_remote_install(tud, I);
}

static void thread_free(void *tud)
{
    shell_remote_free(tud);
}

void shell_remote_install(shell_remote *R, lang_interp *I)
{
    I->remote.available = remote_available;
    I->remote.invoke = remote_invoke;
    I->remote.ud = R;
    I->remote.thread_new = thread_new;
    I->remote.thread_install = thread_install;
    I->remote.thread_free = thread_free;
    lang_register(I, "New-PSSession", cmd_new_pssession, R);
    lang_register(I, "New-CsOnlineSession", cmd_new_csonlinesession, R);
    lang_register(I, "Import-PSSession", cmd_import_pssession, R);
    lang_register(I, "Remove-PSSession", cmd_remove_pssession, R);
    lang_register(I, "Get-PSSession", cmd_get_pssession, R);
    lang_register(I, "Connect-ExchangeOnline", cmd_connect_exchange, R);
    lang_register(I, "Disconnect-ExchangeOnline", cmd_disconnect_exchange, R);
    lang_register(I, "Connect-MsolService", cmd_connect_msol, R);
    lang_register(I, "Connect-MicrosoftTeams", cmd_connect_teams, R);
}
