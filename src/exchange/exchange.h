/* exchange.h - Exchange Online's part: recipients (room mailboxes) and their
 * calendar processing settings. Records are JSON documents (kind "mailbox")
 * named with Exchange's output property names. Every lookup is scoped by
 * tenant. Blocking (store): worker threads only.
 */
#ifndef EXCHANGE_H
#define EXCHANGE_H

#include <jansson.h>
#include <stdbool.h>

#include "../base/rs_err.h"
#include "../store/store.h"

/* Resolve an Exchange identity to a recipient document of `kind` ("mailbox",
 * "dgroup") in the tenant: its GUID, then each unique key prefix in `keys`
 * (NULL-terminated, e.g. "smtp", "alias", "name"), then a scan by display
 * name (several: RS_E_EXO_AMBIGUOUS) and, with by_oid, ExternalDirectoryObjectId.
 * Not found: Exchange's ManagementObjectNotFound naming dc. *out: new
 * reference on RS_OK. Strings borrowed. */
rs_status exo_recipient_resolve(store_t *st, const char *tenant_id, const char *kind,
                                const char *const *keys, int by_oid, const char *identity,
                                const char *dc, json_t **out, rs_err *err);

/* A name or address (key prefix:value) a recipient wants is taken by the
 * recipient `owner` of `owner_kind` ("mailbox", "dgroup"): raise Exchange's
 * name-in-use error, or the proxy-address one naming smtp and the owner's
 * Name, and return it. Strings borrowed. */
rs_status exo_key_in_use(store_t *st, const char *tenant_id, const char *owner_kind,
                         const char *owner, const char *prefix, const char *value, const char *smtp,
                         rs_err *err);

/* Resolve an Exchange identity (GUID, SMTP address/UPN, alias, name, display
 * name; case-insensitive) in the tenant. Not found: E1 with `identity` and
 * `dc` in the text. Several display-name matches: the ambiguous error.
 * *out: new reference. */
rs_status exo_mailbox_resolve(store_t *st, const char *tenant_id, const char *identity,
                              const char *dc, json_t **out, rs_err *err);
/* A new room mailbox document (not stored). All strings borrowed. */
json_t *exo_room_new(const char *name, const char *alias, const char *display_name,
                     const char *smtp, const char *user_object_id);
/* Store a new mailbox: name, alias and address must be free (E12). */
rs_status exo_mailbox_create(store_t *st, const char *tenant_id, json_t *mbx, rs_err *err);
/* Store changes; old_keys is the previous document (borrowed) so renamed
 * names/aliases move their unique keys. */
rs_status exo_mailbox_save(store_t *st, const char *tenant_id, json_t *old, json_t *mbx,
                           rs_err *err);
rs_status exo_mailbox_delete(store_t *st, const char *tenant_id, json_t *mbx, rs_err *err);
rs_status exo_mailbox_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud,
                           rs_err *err);

/* Check a Name (<=64 chars, printable) / Alias (Exchange's alias characters). */
rs_status exo_check_name(const char *name, rs_err *err);
rs_status exo_check_alias(const char *alias, rs_err *err);

/* Default calendar processing of a room created with PowerShell
 * (cmdlets.md 6.5; AutomateProcessing AutoAccept). New reference. */
json_t *exo_calproc_defaults(void);

/* Output objects (cmdlets.md section 9). user may be NULL. New references. */
json_t *exo_mailbox_view(json_t *mbx, json_t *user);
json_t *exo_calproc_view(json_t *mbx);

/* Distribution groups (dgroup.c; kind "dgroup"): room lists are the groups
 * whose RecipientTypeDetails is RoomList. Resolve by GUID, SMTP address,
 * alias, name, ExternalDirectoryObjectId or display name (E1 when not found). *out: new reference.
 */
rs_status exo_dgroup_resolve(store_t *st, const char *tenant_id, const char *identity,
                             const char *dc, json_t **out, rs_err *err);
/* A new group document (not stored), no members. Strings borrowed. */
json_t *exo_dgroup_new(const char *name, const char *alias, const char *display_name,
                       const char *smtp, bool room_list);
bool exo_dgroup_is_room_list(json_t *g);
/* Store a new group: its name, alias and address must be free among groups
 * and mailboxes (E12). */
rs_status exo_dgroup_create(store_t *st, const char *tenant_id, json_t *g, rs_err *err);
/* Store a changed group (members; names unchanged). */
rs_status exo_dgroup_save(store_t *st, const char *tenant_id, json_t *g, rs_err *err);
rs_status exo_dgroup_delete(store_t *st, const char *tenant_id, json_t *g, rs_err *err);
rs_status exo_dgroup_each(store_t *st, const char *tenant_id, store_each_cb cb, void *ud,
                          rs_err *err);
/* The member mailboxes that still exist, in the group's order (members are
 * held by ExchangeGuid; a removed mailbox is skipped). New reference. */
json_t *exo_dgroup_members(store_t *st, const char *tenant_id, json_t *g);
/* Get-DistributionGroup's object. New reference. */
json_t *exo_dgroup_view(json_t *g);

#endif
