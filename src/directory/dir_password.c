/* dir_password.c - password policy, argon2id verifiers, SIP digest HA1 values
 * and expiry (directory.md sections 5 and 7). */
#include "directory.h"

#include <argon2.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"

/* Built-in banned list: common base terms (case-insensitive, exact match after
 * stripping trailing digits and symbols). It must not ban the seed's examples
 * (pass@word1, MyPass@word1). */
static const char *const banned[] = {
    "password", "passw0rd", "p@ssw0rd", "p@ssword", "qwerty",        "qwertyuiop", "letmein",
    "welcome",  "abc123",   "iloveyou", "admin",    "administrator", "changeme",   "123456789",
    "contoso",  "summer",   "winter",   "spring",   "autumn",        "football",   NULL};

static const char allowed_symbols[] = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";

rs_status dir_password_check(json_t *tenant, const char *upn, const char *password, rs_err *err)
{
    size_t len = strlen(password);
    const char *why = NULL;
    int lower = 0, upper = 0, digit = 0, symbol = 0;
    for (const char *p = password; *p && !why; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x80 || c < 0x20)
            why = "it contains a character that is not allowed (Unicode characters and control "
                  "characters are not allowed)";
        else if (islower(c))
            lower = 1;
        else if (isupper(c))
            upper = 1;
        else if (isdigit(c))
            digit = 1;
        else if (strchr(allowed_symbols, c))
            symbol = 1;
        else
            why = "it contains a character that is not allowed";
    }
    if (!why && (len < 8 || len > 256))
        why = "it must be 8 to 256 characters long";
    if (!why && lower + upper + digit + symbol < 3)
        why = "it must contain characters from three of these four groups: lower case, upper "
              "case, digits, symbols";
    if (!why) {
        char base[257];
        size_t n = 0;
        for (const char *p = password; *p && n < sizeof base - 1; p++)
            base[n++] = (char)tolower((unsigned char)*p);
        while (n && !isalpha((unsigned char)base[n - 1]))
            n--;
        base[n] = '\0';
        for (const char *const *b = banned; *b && !why; b++)
            if (!strcmp(base, *b))
                why = "it is on the list of banned passwords";
        /* the tenant's own list (directory.md section 5.2): the same rule, and
         * a banned term anywhere in the password counts */
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(tenant, "BannedPasswords"), i, t)
        {
            const char *term = json_string_value(t);
            char *pl = rs_lower_dup(password);
            if (!why && term && strlen(term) >= 4 && strstr(pl, term))
                why = "it contains a term on the organization's list of banned passwords";
            rs_wipe(pl, strlen(pl));
            free(pl);
        }
    }
    if (!why && upn) {
        size_t ul = strcspn(upn, "@");
        if (ul >= 3) {
            char *name = rs_strndup(upn, ul);
            char *pl = rs_lower_dup(password);
            rs_lower(name);
            if (strstr(pl, name))
                why = "it must not contain the account name";
            free(name);
            rs_wipe(pl, strlen(pl));
            free(pl);
        }
    }
    if (!why)
        return RS_OK;
    rs_status rc = rs_raise(err, RS_E_PASSWORD_POLICY);
    if (err) {
        size_t used = strlen(err->msg);
        snprintf(err->msg + used, sizeof err->msg - used, " (roomsys: %s.)", why);
    }
    return rc;
}

char *dir_password_hash(const dir_settings *ds, const char *password)
{
    unsigned char salt[16];
    rs_random(salt, sizeof salt);
    size_t enclen = argon2_encodedlen((uint32_t)ds->argon2_t, (uint32_t)ds->argon2_m_kib,
                                      (uint32_t)ds->argon2_p, sizeof salt, 32, Argon2_id);
    char *out = rs_malloc(enclen);
    int rc = argon2id_hash_encoded((uint32_t)ds->argon2_t, (uint32_t)ds->argon2_m_kib,
                                   (uint32_t)ds->argon2_p, password, strlen(password), salt,
                                   sizeof salt, 32, out, enclen);
    if (rc != ARGON2_OK) {
        fprintf(stderr, "roomsys: argon2 failed: %s\n", argon2_error_message(rc));
        abort();
    }
    return out;
}

bool dir_password_verify(const char *phc, const char *password)
{
    return phc && password && argon2id_verify(phc, password, strlen(password)) == ARGON2_OK;
}

void dir_user_add_ha1(json_t *user, const char *address, const char *password)
{
    json_t *ha1 = json_object_get(user, "Ha1");
    if (!ha1) {
        ha1 = json_object();
        json_object_set_new(user, "Ha1", ha1);
    }
    char *addr = rs_lower_dup(address);
    const char *at = strchr(addr, '@');
    char *input = rs_asprintf("%s:%s:%s", addr, at ? at + 1 : "", password);
    char md5[33], sha[65];
    rs_md5_hex(input, strlen(input), md5);
    rs_sha256_hex(input, strlen(input), sha);
    rs_wipe(input, strlen(input));
    free(input);
    json_object_set_new(ha1, addr, json_pack("{s:s,s:s}", "md5", md5, "sha256", sha));
    free(addr);
}

void dir_user_set_password(json_t *user, const char *phc, const char *password, int64_t now_ms)
{
    json_object_set_new(user, "PasswordVerifier", json_string(phc));
    json_object_set_new(user, "Ha1", json_object());
    json_object_set_new(user, "LastPasswordChangeTimestamp", json_integer(now_ms));
    dir_user_add_ha1(user, json_string_value(json_object_get(user, "UserPrincipalName")), password);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(user, "ProxyAddresses"), i, p)
        dir_user_add_ha1(user, json_string_value(p), password);
}

void dir_password_policy(json_t *tenant, const char *upn, int *validity_days,
                         int *notification_days)
{
    json_int_t days = json_integer_value(json_object_get(tenant, "PasswordValidityDays"));
    json_t *notify = json_object_get(tenant, "PasswordNotificationDays");
    const char *at = upn ? strchr(upn, '@') : NULL;
    if (at) {
        char *dom = rs_lower_dup(at + 1);
        json_t *p = json_object_get(json_object_get(tenant, "PasswordPolicies"), dom);
        free(dom);
        if (p) {
            days = json_integer_value(json_object_get(p, "ValidityPeriod"));
            notify = json_object_get(p, "NotificationDays");
        }
    }
    *validity_days = days <= 0 || days >= DIR_PASSWORD_NEVER ? 0 : (int)days;
    *notification_days = json_is_integer(notify) ? (int)json_integer_value(notify) : 14;
}

int64_t dir_password_expires_at(json_t *tenant, json_t *user)
{
    if (json_is_true(json_object_get(user, "PasswordNeverExpires")))
        return INT64_MAX;
    int days = 0, notify = 0;
    dir_password_policy(tenant, json_string_value(json_object_get(user, "UserPrincipalName")),
                        &days, &notify);
    json_t *changed = json_object_get(user, "LastPasswordChangeTimestamp");
    if (days <= 0 || !json_is_integer(changed))
        return INT64_MAX;
    return json_integer_value(changed) + (int64_t)days * 86400 * 1000;
}

bool dir_password_expired(json_t *tenant, json_t *user, int64_t now_ms)
{
    return dir_password_expires_at(tenant, user) <= now_ms;
}

char *dir_password_random(void)
{
    /* 16 characters from four classes, like Office 365's generated passwords. */
    static const char *const classes[] = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz",
                                          "23456789", "!@#$%^*-_+="};
    unsigned char r[16];
    rs_random(r, sizeof r);
    char *pw = rs_malloc(17);
    for (int i = 0; i < 16; i++) {
        const char *c = classes[i % 4];
        pw[i] = c[r[i] % strlen(c)];
    }
    pw[16] = '\0';
    return pw;
}
