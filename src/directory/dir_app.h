/* dir_app.h - app registrations (MSOnline service principals): documents of
 * kind "app" in their tenant, keyed by ObjectId, with a unique key
 * "app"/<lower-case AppPrincipalId>. Password credentials are kept only as
 * verifiers (see dir_app_secret_hash). Roles are role names in "Roles", as on
 * users (dir_roles.h). Blocking (store): worker threads only. */
#ifndef DIR_APP_H
#define DIR_APP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../base/rs_err.h"
#include "../store/store.h"

/* A service principal by ObjectId, AppPrincipalId or one of its
 * ServicePrincipalNames (case-insensitive). RS_ENOTFOUND (err untouched)
 * when absent. *out new reference. */
rs_status dir_app_find(store_t *st, const char *tenant_id, const char *id, json_t **out,
                       rs_err *err);
/* A new service principal document (ObjectId assigned; AppPrincipalId given or
 * new). display_name and app_id (may be NULL) borrowed. */
json_t *dir_app_new(const char *display_name, const char *app_id);
/* Store a new one; RS_ECONFLICT when its AppPrincipalId is taken in the tenant. */
rs_status dir_app_create(store_t *st, const char *tenant_id, json_t *app, rs_err *err);
rs_status dir_app_save(store_t *st, const char *tenant_id, json_t *app, rs_err *err);
rs_status dir_app_delete(store_t *st, const char *tenant_id, json_t *app, rs_err *err);
rs_status dir_app_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud, rs_err *err);

/* A new client secret: 32 random bytes, base64url (44 bytes with NUL). */
void dir_app_secret_new(char out[48]);
/* Verifier of a generated secret: "sha256$<salt>$<hex>" (malloc'd). */
char *dir_app_secret_hash(const char *secret);
/* Add a Password credential (verifier `phc`: an argon2id PHC string or
 * dir_app_secret_hash's output; copied) valid [start_ms, end_ms) to app;
 * *key_id (37 bytes) gets its KeyId. */
void dir_app_add_password(json_t *app, const char *phc, int64_t start_ms, int64_t end_ms,
                          char key_id[37]);
/* Does `secret` match one of app's Password credentials valid at now_ms? */
bool dir_app_secret_verify(json_t *app, const char *secret, int64_t now_ms);

/* MSOnline output objects. */
json_t *dir_app_msol_view(json_t *app);
json_t *dir_app_credential_views(json_t *app);

#endif
