/* client.h - the shell's HTTPS client for roomsysd (libcurl, peer
 * verification always on): the OAuth2 password grant and InvokeCommand
 * (spec/admin-api.md sections 1.2-1.4, 3). One connection is kept and reused.
 * Passwords and tokens are never logged or echoed; error texts name the
 * server, never the credentials.
 */
#ifndef SHELL_CLIENT_H
#define SHELL_CLIENT_H

#include <jansson.h>
#include <stdbool.h>

typedef struct shell_client shell_client;

/* server: base URL such as "https://127.0.0.1:8443" (copied); ca_file: PEM
 * bundle for libcurl CAINFO, or NULL for the system store (copied). */
shell_client *shell_client_new(const char *server, const char *ca_file);
/* Close the connection and free (NULL-safe). */
void shell_client_free(shell_client *c);
/* The server base URL (borrowed). */
const char *shell_client_server(const shell_client *c);
/* The CA bundle given to shell_client_new, or NULL (borrowed). */
const char *shell_client_ca_file(const shell_client *c);

/* The result of one HTTP exchange. Free with shell_http_clear. */
typedef struct shell_http {
    long status;      /* HTTP status, 0 when no response */
    json_t *json;     /* parsed body when it is JSON, else NULL (owned) */
    char *error;      /* transport error text when status is 0 (owned) */
    bool unreachable; /* connection failed (DNS, refused, TLS, timeout) */
    long retry_after; /* Retry-After seconds, or -1 */
} shell_http;

/* Free what r owns and reset it. */
void shell_http_clear(shell_http *r);

/* POST {server}/{tenant}/oauth2/v2.0/token with grant_type=password. On 200,
 * returns 0 with *token (malloc'd; caller wipes and frees) and *expires_in.
 * Otherwise returns -1 and *why holds a malloc'd message: the AAD
 * error_description's first line, or the transport error; *unreachable tells
 * a connection failure. */
int shell_client_token(shell_client *c, const char *tenant, const char *user, const char *password,
                       const char *scope, char **token, long *expires_in, char **why,
                       bool *unreachable);

/* POST JSON body (borrowed) to url_or_path (a path under the server, or an
 * absolute https URL such as an @odata.nextLink) with "Authorization: Bearer
 * token". Fills *out (always; clear it afterwards). Returns 0 when an HTTP
 * response arrived (any status), -1 on a transport failure. */
int shell_client_post_json(shell_client *c, const char *url_or_path, const char *token,
                           const char *cmdlet, json_t *body, shell_http *out);

#endif
