/* remote.h - remote sessions: New-PSSession, New-CsOnlineSession,
 * Import-PSSession, Connect-ExchangeOnline, Connect-MsolService and friends,
 * and the InvokeCommand transport for server cmdlets.
 *
 * A session is a bearer token for one service (exchange, sfb or msol) from
 * roomsysd's OAuth2 endpoint, obtained with the admin's credential; the
 * service's cmdlets become callable once the session is imported. Microsoft
 * URIs (ps.outlook.com, outlook.office365.com, *.online.lync.com, ...) all
 * mean the configured roomsys server.
 */
#ifndef SHELL_REMOTE_H
#define SHELL_REMOTE_H

#include "eval.h"

typedef struct shell_remote shell_remote;

/* A remote context talking to `server` (e.g. "https://127.0.0.1:8443") with
 * ca_file as the trusted CA bundle (NULL: system store). Strings are copied. */
shell_remote *shell_remote_new(const char *server, const char *ca_file);
/* Close every session (wiping tokens and passwords) and free R (NULL-safe). */
void shell_remote_free(shell_remote *R);
/* Register the session cmdlets in I and route server cmdlets through R.
 * R must outlive I's use of it. */
void shell_remote_install(shell_remote *R, lang_interp *I);

/* The OAuth2 scope requested for a service ("exchange", "sfb", "msol"). */
const char *shell_remote_scope(const char *service);
/* Turn an InvokeCommand error response (borrowed JSON body, HTTP status) into
 * an error of cmdlet `cmdlet` (admin-api.md 1.4: details[0].message is
 * ErrorId|ExceptionType|text, details[0].category the PowerShell category).
 * Returns a new error (caller frees). */
struct lang_error *shell_remote_error(const char *cmdlet, long status, void *json_body);

#endif
