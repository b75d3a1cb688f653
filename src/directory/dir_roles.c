/* dir_roles.c - the admin role catalog and a user's roles and rights. */
#include "dir_roles.h"

#include <string.h>

#include "../base/rs_util.h"
#include "principal.h"

const dir_role dir_roles[] = {
    {"Global Administrator", "Company Administrator", "62e90394-69f5-4237-9190-012177145e10",
     ROLE_GLOBAL_ADMIN,
     "Can manage all aspects of Azure AD and Microsoft services that use Azure AD identities."},
    {"User Administrator", "User Account Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1",
     ROLE_USER_ADMIN,
     "Can manage all aspects of users and groups, including resetting passwords for limited "
     "admins."},
    {"License Administrator", "License Administrator", "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
     ROLE_LICENSE_ADMIN, "Can manage product licenses on users and groups."},
    {"Exchange Administrator", "Exchange Service Administrator",
     "29232cdf-9323-42fd-ade2-1d097af3e4de", ROLE_EXCHANGE_ADMIN,
     "Can manage all aspects of the Exchange product."},
    {"Skype for Business Administrator", "Lync Service Administrator",
     "75941009-915a-4869-abe7-691bff18279e", ROLE_SFB_ADMIN,
     "Can manage all aspects of the Skype for Business product."},
    {"Teams Administrator", "Teams Service Administrator", "69091246-20e8-4a56-aa4d-066075b2a7a8",
     ROLE_SFB_ADMIN, "Can manage the Microsoft Teams service (and meeting rooms)."},
    {"Global Reader", "Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451", ROLE_GLOBAL_READER,
     "Can read everything that a Global Administrator can, but not update anything."},
};
const int dir_nroles = (int)(sizeof dir_roles / sizeof dir_roles[0]);

const dir_role *dir_role_find(const char *s)
{
    for (int i = 0; s && i < dir_nroles; i++)
        if (rs_streq_ci(s, dir_roles[i].name) || rs_streq_ci(s, dir_roles[i].msol_name) ||
            rs_streq_ci(s, dir_roles[i].object_id))
            return &dir_roles[i];
    return NULL;
}

unsigned dir_user_roles(json_t *user)
{
    unsigned r = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(user, "Roles"), i, v)
    {
        const dir_role *role = dir_role_find(json_string_value(v));
        if (role)
            r |= role->bit;
    }
    return r;
}

unsigned dir_user_rights(json_t *user)
{
    unsigned r = 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(user, "RemotePowerShellAccess"), i, v)
    {
        const char *s = json_string_value(v);
        if (rs_streq_ci(s, "Exchange"))
            r |= RIGHT_EXCHANGE;
        else if (rs_streq_ci(s, "SkypeForBusiness"))
            r |= RIGHT_SFB;
        else if (rs_streq_ci(s, "MSOnline"))
            r |= RIGHT_MSOL;
    }
    return r;
}
