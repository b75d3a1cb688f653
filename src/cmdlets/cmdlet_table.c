/* cmdlet_table.c - the one table of cmdlets (see cmdlet_table.h).
 *
 * Parameter names, types, positions and defaults follow Microsoft's cmdlet
 * reference (spec/cmdlets.md sections 5-8; sources S12-S25 there). Shell-local
 * cmdlets come from cmdlet_params_local.inc / cmdlet_table_local.inc.
 */
#include "cmdlet_table.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../base/rs_util.h"

#define N(a)  (sizeof(a) / sizeof((a)[0]))
#define NAMED (-1)

static const char *const automate_values[] = {"None", "AutoUpdate", "AutoAccept", NULL};
static const char *const booking_type_values[] = {"Standard", "Reserved", NULL};
static const char *const rcm_values[] = {"DeclineInstances", "DoubleBook", NULL};
static const char *const mailbox_type_values[] = {"Regular",   "Room", "Equipment", "Shared",
                                                  "Workspace", "Desk", NULL};
static const char *const sip_address_type_values[] = {
    "FirstLastName", "EmailAddress", "UserPrincipalName", "SamAccountName", "None", NULL};
static const char *const recipient_type_values[] = {"RoomMailbox", "EquipmentMailbox",
                                                    "UserMailbox", "SharedMailbox", NULL};
static const char *const archiving_values[] = {"Uninitialized", "UseLyncArchivingPolicy",
                                               "NoArchiving", "ArchivingToExchange", NULL};
static const char *const enabled_filter_values[] = {"All", "EnabledOnly", "DisabledOnly", NULL};
static const char *const role_member_type_values[] = {"User", "ServicePrincipal", NULL};

#define P_ID_EXO                                                                                   \
    {                                                                                              \
        "Identity", PT_IDENTITY, "Microsoft.Exchange.Configuration.Tasks.MailboxIdParameter", 0,   \
            PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,                                     \
            "The mailbox: name, alias, email address, user principal name or GUID.", 0, 0          \
    }
#define P_ID_CS                                                                                    \
    {                                                                                              \
        "Identity", PT_IDENTITY, "Microsoft.Rtc.Management.AD.UserIdParameter", 0,                 \
            PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,                                     \
            "The account: SIP address, user principal name or display name.", 0, 0                 \
    }
#define P_DC                                                                                       \
    {                                                                                              \
        "DomainController", PT_FQDN, "Microsoft.Exchange.Data.Fqdn", NAMED, PF_IGNORED, NULL,      \
            "Accepted for compatibility with on-premises scripts; has no effect in roomsys.", 0, 0 \
    }
#define P_BOOL(n, h)                                                                               \
    {                                                                                              \
        n, PT_BOOL, "System.Boolean", NAMED, 0, NULL, h, 0, 0                                      \
    }
#define P_STR(n, h)                                                                                \
    {                                                                                              \
        n, PT_STRING, "System.String", NAMED, 0, NULL, h, 0, 0                                     \
    }
#define P_INT(n, lo, hi, h)                                                                        \
    {                                                                                              \
        n, PT_INT, "System.Int32", NAMED, 0, NULL, h, lo, hi                                       \
    }
#define P_IDS(n, h)                                                                                \
    {                                                                                              \
        n, PT_IDENTITIES, "Microsoft.Exchange.Configuration.Tasks.RecipientIdParameter[]", NAMED,  \
            PF_ALLOW_EMPTY, NULL, h, 0, 0                                                          \
    }

/* ---- Exchange ---- */

static const cmdlet_param_t new_mailbox_params[] = {
    {"Name", PT_STRING, "System.String", 0, PF_MANDATORY, NULL,
     "The unique name of the mailbox (up to 64 characters).", 0, 0},
    {"Room", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Creates a room mailbox. Without -EnableRoomMailboxAccount the room's account has an "
     "unknown random password and cannot sign in until one is set.",
     0, 0},
    {"EnableRoomMailboxAccount", PT_BOOL, "System.Boolean", NAMED, 0, NULL,
     "$true enables the room's account; -RoomMailboxPassword is then required.", 0, 0},
    {"RoomMailboxPassword", PT_SECURESTRING, "System.Security.SecureString", NAMED, PF_SECRET, NULL,
     "The password of the room's account, checked against the tenant password policy.", 0, 0},
    {"MicrosoftOnlineServicesID", PT_STRING, "Microsoft.Exchange.Data.WindowsLiveId", NAMED, 0,
     NULL, "The account's user name (UPN); also the primary SMTP address.", 0, 0},
    {"UserPrincipalName", PT_STRING, "System.String", NAMED, 0, NULL,
     "Synonym of -MicrosoftOnlineServicesID (on-premises name).", 0, 0},
    {"Alias", PT_STRING, "System.String", NAMED, 0, NULL,
     "Email alias (up to 64 characters); defaults to the left side of the user name.", 0, 0},
    {"DisplayName", PT_STRING, "System.String", NAMED, 0, NULL,
     "Display name (up to 256 characters); defaults to Name.", 0, 0},
    {"PrimarySmtpAddress", PT_STRING, "Microsoft.Exchange.Data.SmtpAddress", NAMED, 0, NULL,
     "Primary return email address.", 0, 0},
    P_INT("ResourceCapacity", 0, 2147483647, "Number of seats in the room."),
    {"Password", PT_SECURESTRING, "System.Security.SecureString", NAMED, PF_SECRET, NULL,
     "Password of the account (same as -RoomMailboxPassword for rooms).", 0, 0},
    P_BOOL("ResetPasswordOnNextLogon", "Accepted; room accounts never change passwords "
                                       "interactively."),
    P_STR("Office", "Office (location) of the room."),
    P_STR("Phone", "Phone number of the room."),
};
static const char *const mailbox_view[] = {
    "Name", "Alias", "Database", "ProhibitSendQuota", "ExternalDirectoryObjectId", NULL};

static const cmdlet_param_t set_mailbox_params[] = {
    P_ID_EXO,
    {"EnableRoomMailboxAccount", PT_BOOL, "System.Boolean", NAMED, 0, NULL,
     "$true enables the room's account (needs -RoomMailboxPassword unless it already has one); "
     "$false disables it.",
     0, 0},
    {"RoomMailboxPassword", PT_SECURESTRING, "System.Security.SecureString", NAMED, PF_SECRET, NULL,
     "New password of the room's account.", 0, 0},
    {"Type", PT_ENUM, "Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType",
     NAMED, 0, mailbox_type_values, "Converts the mailbox to another type.", 0, 0},
    {"MailTip", PT_STRING, "System.String", NAMED, PF_ALLOW_EMPTY, NULL,
     "Text shown to senders (up to 175 characters); stored as <html><body>TEXT</body></html>.", 0,
     0},
    {"MailTipTranslations", PT_HASHTABLE, "Microsoft.Exchange.Data.MultiValuedProperty", NAMED,
     PF_ALLOW_EMPTY, NULL,
     "Culture:Text translations of the MailTip; a list or @{Add=..;Remove=..}.", 0, 0},
    P_INT("ResourceCapacity", 0, 2147483647, "Number of seats in the room."),
    {"Name", PT_STRING, "System.String", NAMED, 0, NULL, "The unique name (up to 64).", 0, 0},
    {"DisplayName", PT_STRING, "System.String", NAMED, 0, NULL, "Display name.", 0, 0},
    {"Alias", PT_STRING, "System.String", NAMED, 0, NULL, "Email alias.", 0, 0},
    P_DC,
};

static const cmdlet_param_t get_mailbox_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Exchange.Configuration.Tasks.MailboxIdParameter", 0,
     PF_PIPE_VALUE | PF_PIPE_PROP | PF_ALLOW_EMPTY, NULL,
     "The mailbox; omitted or $null returns all mailboxes (up to -ResultSize).", 0, 0},
    {"RecipientTypeDetails", PT_ENUM,
     "Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails[]", NAMED, 0,
     recipient_type_values, "Only mailboxes of this type.", 0, 0},
    {"ResultSize", PT_STRING, "Microsoft.Exchange.Data.Unlimited`1[System.UInt32]", NAMED, 0, NULL,
     "Maximum number of results: a number or Unlimited (default 1000).", 0, 0},
    {"Anr", PT_STRING, "System.String", NAMED, 0, NULL,
     "Ambiguous name resolution: prefix of name, display name or alias.", 0, 0},
    P_DC,
};

static const cmdlet_param_t remove_mailbox_params[] = {
    P_ID_EXO,
    {"Permanent", PT_BOOL, "System.Boolean", NAMED, 0, NULL,
     "Accepted; roomsys always removes the mailbox and its account permanently.", 0, 0},
    P_DC,
};

static const cmdlet_param_t set_calproc_params[] = {
    P_ID_EXO,
    {"AutomateProcessing", PT_ENUM, "Microsoft.Exchange.Data.Storage.CalendarProcessingFlags",
     NAMED, 0, automate_values, "None, AutoUpdate or AutoAccept (default for rooms: AutoAccept).",
     0, 0},
    P_BOOL("AddAdditionalResponse", "Add the AdditionalResponse text to replies (default $false)."),
    {"AdditionalResponse", PT_STRING, "System.String", NAMED, PF_ALLOW_EMPTY, NULL,
     "Text added to replies when AddAdditionalResponse is $true.", 0, 0},
    P_BOOL("AddNewRequestsTentatively", "Default $true."),
    P_BOOL("AddOrganizerToSubject", "Default $true."),
    P_BOOL("AllBookInPolicy", "Default $true."),
    P_BOOL("AllowConflicts", "Default $false."),
    P_BOOL("AllowRecurringMeetings", "Default $true."),
    P_BOOL("AllRequestInPolicy", "Default $false."),
    P_BOOL("AllRequestOutOfPolicy", "Default $false."),
    {"BookingType", PT_ENUM, "Microsoft.Exchange.Data.Storage.BookingType", NAMED, 0,
     booking_type_values, "Standard or Reserved (default Standard).", 0, 0},
    P_INT("BookingWindowInDays", 0, 1080, "Default 180."),
    P_IDS("BookInPolicy", "Who may book in policy."),
    P_INT("ConflictPercentageAllowed", 0, 100, "Default 0."),
    P_BOOL("DeleteAttachments", "Default $true."),
    P_BOOL("DeleteComments", "Default $true."),
    P_BOOL("DeleteNonCalendarItems", "Default $true."),
    P_BOOL("DeleteSubject", "Default $true."),
    P_BOOL("EnableAutoRelease", "Default $false."),
    P_BOOL("EnableResponseDetails", "Default $true."),
    P_BOOL("EnforceCapacity", "Default $false."),
    P_BOOL("EnforceSchedulingHorizon", "Default $true."),
    P_BOOL("ForwardRequestsToDelegates", "Default $true."),
    P_INT("MaximumConflictInstances", 0, 2147483647, "Default 0."),
    P_INT("MaximumDurationInMinutes", 0, 2147483647, "Default 1440; 0 = unlimited."),
    P_INT("MinimumDurationInMinutes", 0, 2147483647, "Default 0."),
    P_BOOL("OrganizerInfo", "Default $true."),
    P_INT("PostReservationMaxClaimTimeInMinutes", 0, 2147483647, "Default 10."),
    P_BOOL("ProcessExternalMeetingMessages", "Default $false."),
    P_BOOL("RemoveCanceledMeetings", "Default $false."),
    P_BOOL("RemoveForwardedMeetingNotifications", "Default $false."),
    P_BOOL("RemoveOldMeetingMessages", "Default $true."),
    P_BOOL("RemovePrivateProperty", "Default $true."),
    P_IDS("RequestInPolicy", "Who may request in policy."),
    P_IDS("RequestOutOfPolicy", "Who may request out of policy."),
    P_IDS("ResourceDelegates", "Delegates who approve requests."),
    P_BOOL("ScheduleOnlyDuringWorkHours", "Default $false."),
    P_BOOL("TentativePendingApproval", "Default $true."),
    {"RecurringConflictMode", PT_ENUM, "System.String", NAMED, 0, rcm_values,
     "roomsys: AllowConflicts $true with a series: DeclineInstances (default; conflicting "
     "occurrences are declined, as Exchange's product team describes) or DoubleBook (as the "
     "Set-CalendarProcessing reference reads).",
     0, 0},
    P_DC,
};
static const char *const calproc_view[] = {"Identity", "AutomateProcessing", NULL};

static const cmdlet_param_t get_calproc_params[] = {
    P_ID_EXO,
    {"ResultSize", PT_STRING, "Microsoft.Exchange.Data.Unlimited`1[System.UInt32]", NAMED, 0, NULL,
     "Maximum number of results (default 1000).", 0, 0},
    P_DC,
};

/* ---- MSOnline ---- */

#define P_UPN_MSOL                                                                                 \
    {"UserPrincipalName",                                                                          \
     PT_STRING,                                                                                    \
     "System.String",                                                                              \
     NAMED,                                                                                        \
     PF_PIPE_PROP,                                                                                 \
     NULL,                                                                                         \
     "The user's sign-in name.",                                                                   \
     0,                                                                                            \
     0},                                                                                           \
    {                                                                                              \
        "ObjectId", PT_STRING, "System.Guid", NAMED, PF_PIPE_PROP, NULL, "The user's ObjectId.",   \
            0, 0                                                                                   \
    }

static const cmdlet_param_t get_sku_params[] = {
    {"TenantId", PT_STRING, "System.Guid", NAMED, 0, NULL,
     "Must be your own tenant; partners' tenants are not supported.", 0, 0},
};
static const char *const sku_view[] = {"AccountSkuId", "ActiveUnits", "WarningUnits",
                                       "ConsumedUnits", NULL};

static const cmdlet_param_t new_msoluser_params[] = {
    {"UserPrincipalName", PT_STRING, "System.String", NAMED, PF_MANDATORY, NULL,
     "The new user's sign-in name; its domain must be a domain of the tenant.", 0, 0},
    P_STR("DisplayName", "Display name (defaults to the user name's left side)."),
    P_STR("FirstName", "Given name."),
    P_STR("LastName", "Surname."),
    {"Password", PT_STRING, "System.String", NAMED, PF_SECRET, NULL,
     "Initial password; a random one is generated and returned when omitted.", 0, 0},
    P_BOOL("ForceChangePassword", "Default $true."),
    P_BOOL("PasswordNeverExpires", "Default $false."),
    P_BOOL("StrongPasswordRequired", "Default $true."),
    P_BOOL("BlockCredential", "Default $false."),
    P_STR("UsageLocation", "Two-letter ISO 3166-1 country code; required before licensing."),
    {"LicenseAssignment", PT_STRINGS, "System.String[]", NAMED, 0, NULL,
     "AccountSkuIds (tenant:SKU) to assign.", 0, 0},
};
static const char *const msoluser_view[] = {"UserPrincipalName", "DisplayName", "isLicensed", NULL};

static const cmdlet_param_t get_msoluser_params[] = {
    P_UPN_MSOL,
    {"MaxResults", PT_INT, "System.Int32", NAMED, 0, NULL, "Default 500.", 1, 2147483647},
    {"All", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Return every user.", 0, 0},
    {"UnlicensedUsersOnly", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0,
     NULL, "Only users without licenses.", 0, 0},
    P_STR("UsageLocation", "Only users with this usage location."),
    {"EnabledFilter", PT_ENUM, "Microsoft.Online.Administration.UserEnabledFilter", NAMED, 0,
     enabled_filter_values, "All, EnabledOnly or DisabledOnly.", 0, 0},
    P_STR("SearchString", "Users whose name or address starts with this text."),
    P_STR("DomainName", "Only users of this domain."),
};

static const cmdlet_param_t set_msoluser_params[] = {
    P_UPN_MSOL,
    P_BOOL("PasswordNeverExpires", "$true: the password never expires."),
    P_STR("UsageLocation", "Two-letter ISO 3166-1 country code."),
    P_BOOL("BlockCredential", "$true blocks sign-in."),
    P_BOOL("StrongPasswordRequired", "Require a strong password."),
    P_STR("DisplayName", "Display name."),
    P_STR("FirstName", "Given name."),
    P_STR("LastName", "Surname."),
    P_STR("PhoneNumber", "Phone number."),
    P_STR("Title", "Job title."),
    P_STR("Department", "Department."),
    P_STR("City", "City."),
    P_STR("Country", "Country."),
};

static const cmdlet_param_t set_msolpw_params[] = {
    P_UPN_MSOL,
    {"NewPassword", PT_STRING, "System.String", NAMED, PF_SECRET, NULL,
     "New password; a random one is generated and returned when omitted.", 0, 0},
    P_BOOL("ForceChangePassword", "Default $true."),
};

static const cmdlet_param_t set_msollicense_params[] = {
    P_UPN_MSOL,
    {"AddLicenses", PT_STRINGS, "System.String[]", NAMED, 0, NULL,
     "AccountSkuIds to assign, e.g. contoso:MCOSTANDARD.", 0, 0},
    {"RemoveLicenses", PT_STRINGS, "System.String[]", NAMED, 0, NULL, "AccountSkuIds to remove.", 0,
     0},
    {"LicenseOptions", PT_OBJECT, "Microsoft.Online.Administration.LicenseOption[]", NAMED, 0, NULL,
     "Service plans to disable, as {AccountSkuId, DisabledServicePlans} objects.", 0, 0},
};

/* ---- Skype for Business Online ---- */

static const cmdlet_param_t get_cstenant_params[] = {
    {"Identity", PT_STRING, "Microsoft.Rtc.Management.AD.OUIdParameter", 0, 0, NULL,
     "Your tenant (GUID); other tenants are not visible.", 0, 0},
};
static const cmdlet_param_t get_csonlineuser_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Rtc.Management.AD.UserIdParameter", 0,
     PF_PIPE_VALUE | PF_PIPE_PROP | PF_ALLOW_EMPTY, NULL,
     "The user; omitted returns every user homed online.", 0, 0},
    {"ResultSize", PT_INT, "System.Int32", NAMED, 0, NULL, "Maximum number of results.", 0,
     2147483647},
    {"UnassignedUser", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Only enabled users without a registrar pool.", 0, 0},
};

static const cmdlet_param_t enable_csroom_params[] = {
    P_ID_CS,
    {"RegistrarPool", PT_FQDN, "Microsoft.Rtc.Management.Deploy.Fqdn", NAMED, 0, NULL,
     "The pool that homes the room; must be the account's assigned pool (defaults to it).", 0, 0},
    {"SipAddress", PT_STRING, "System.String", NAMED, 0, NULL,
     "Explicit sip: address; not with -SipAddressType.", 0, 0},
    {"SipAddressType", PT_ENUM, "Microsoft.Rtc.Management.ADConnect.Core.AddressType", NAMED, 0,
     sip_address_type_values,
     "How to build the SIP address: EmailAddress, UserPrincipalName, "
     "FirstLastName or SamAccountName (the last two need -SipDomain).",
     0, 0},
    {"SipDomain", PT_FQDN, "Microsoft.Rtc.Management.Deploy.Fqdn", NAMED, 0, NULL,
     "SIP domain for FirstLastName and SamAccountName.", 0, 0},
    {"HostingProviderProxyFqdn", PT_FQDN, "Microsoft.Rtc.Management.Deploy.Fqdn", NAMED, 0, NULL,
     "Stored; shown as HostingProvider.", 0, 0},
    {"ProxyPool", PT_FQDN, "Microsoft.Rtc.Management.Deploy.Fqdn", NAMED, 0, NULL, "Stored.", 0, 0},
    {"OriginatorSid", PT_STRING, "System.Security.Principal.SecurityIdentifier", NAMED, 0, NULL,
     "Stored.", 0, 0},
    {"PassThru", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Output the meeting room.", 0, 0},
    P_DC,
};
static const char *const csroom_view[] = {"Identity", "SipAddress", "RegistrarPool", "Enabled",
                                          NULL};

static const cmdlet_param_t get_csroom_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Rtc.Management.AD.UserIdParameter", 0,
     PF_PIPE_VALUE | PF_PIPE_PROP | PF_ALLOW_EMPTY, NULL,
     "The room; omitted returns every meeting room. Wildcards match display names.", 0, 0},
    {"ResultSize", PT_INT, "System.Int32", NAMED, 0, NULL,
     "Maximum number of results; 0 returns none.", 0, 2147483647},
    P_DC,
};

static const cmdlet_param_t set_csroom_params[] = {
    P_ID_CS,
    P_BOOL("Enabled", "$false blocks sign-in but keeps the room's settings."),
    P_BOOL("EnterpriseVoiceEnabled", "Needs Phone System (MCOEV) or E5."),
    {"LineURI", PT_STRING, "System.String", NAMED, PF_ALLOW_EMPTY, NULL,
     "TEL: E.164 number, e.g. \"TEL:+14255551297;ext=51297\".", 0, 0},
    {"LineServerURI", PT_STRING, "System.String", NAMED, PF_ALLOW_EMPTY, NULL,
     "sip: URI of the RCC gateway.", 0, 0},
    {"PrivateLine", PT_STRING, "System.String", NAMED, PF_ALLOW_EMPTY, NULL,
     "Unpublished TEL: number.", 0, 0},
    P_BOOL("RemoteCallControlTelephonyEnabled", "Needs LineURI and LineServerURI."),
    P_BOOL("AudioVideoDisabled", "Cannot be $true while RCC or EV is on."),
    P_BOOL("HostedVoiceMail", "Hosted voice mail."),
    {"ExchangeArchivingPolicy", PT_ENUM,
     "Microsoft.Rtc.Management.ADConnect.Schema.ExchangeArchivingPolicyOptionsEnum", NAMED, 0,
     archiving_values, "Archiving policy.", 0, 0},
    {"SipAddress", PT_STRING, "System.String", NAMED, 0, NULL,
     "New sip: address in a SIP domain of the tenant.", 0, 0},
    {"PassThru", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Output the meeting room.", 0, 0},
    P_DC,
};

static const cmdlet_param_t disable_csroom_params[] = {
    P_ID_CS,
    {"PassThru", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Output the meeting room.", 0, 0},
    P_DC,
};

static const cmdlet_param_t get_csregistrar_params[] = {
    {"Identity", PT_STRING, "Microsoft.Rtc.Management.Xds.XdsGlobalRelativeIdentity", 0, 0, NULL,
     "The registrar pool: its FQDN or \"Registrar:<FQDN>\"; omitted returns every pool.", 0, 0},
};
static const char *const csregistrar_view[] = {
    "PoolFqdn", "ActiveRegistrations", "RegisteredRooms", "Registered", "AuthFailed", "Banned",
    NULL};

static const cmdlet_param_t move_csroom_params[] = {
    P_ID_CS,
    {"Target", PT_FQDN, "Microsoft.Rtc.Management.Deploy.Fqdn", 1, PF_MANDATORY, NULL,
     "The registrar pool to move the room to.", 0, 0},
    {"Force", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Accepted; moves never need confirmation in roomsys.", 0, 0},
    P_DC,
};

#define P_MVP(n, h)                                                                                \
    {                                                                                              \
        n, PT_STRINGS, "Microsoft.Exchange.Data.MultiValuedProperty", NAMED, 0, NULL, h, 0, 0      \
    }
static const cmdlet_param_t search_audit_params[] = {
    P_MVP("Cmdlets", "Cmdlet names to return (wildcards allowed), e.g. New-Mailbox,Set-MsolUser."),
    P_MVP("Parameters", "Return only changes that used every one of these parameters."),
    P_MVP("ObjectIds", "The changed objects (identity, UPN or name; wildcards allowed)."),
    P_MVP("UserIds", "The admins who made the changes (UPN; wildcards allowed)."),
    {"StartDate", PT_STRING, "Microsoft.Exchange.ExchangeSystem.ExDateTime", NAMED, 0, NULL,
     "Start of the range, UTC (\"2026-11-29\", \"11/29/2026 8:00 AM\"). Without StartDate and "
     "EndDate the last 14 days are searched.",
     0, 0},
    {"EndDate", PT_STRING, "Microsoft.Exchange.ExchangeSystem.ExDateTime", NAMED, 0, NULL,
     "End of the range, UTC.", 0, 0},
    P_BOOL("IsSuccess", "$true: successful changes only; $false: refused or failed ones only."),
    P_BOOL("ExternalAccess", "$true returns changes made by Microsoft-internal access: none in "
                             "roomsys."),
    P_INT("ResultSize", 0, 250000, "Maximum number of entries (default 1000)."),
    P_INT("StartIndex", 0, 2147483647, "Entries to skip, newest first (paging)."),
    P_DC,
};

static const cmdlet_param_t get_pwpolicy_params[] = {
    {"DomainName", PT_STRING, "System.String", NAMED, PF_PIPE_VALUE, NULL,
     "A domain of the tenant; omitted: the initial domain.", 0, 0},
    {"TenantId", PT_STRING, "System.Guid", NAMED, 0, NULL,
     "Accepted for partner scripts; must be the signed-in tenant.", 0, 0},
};
static const cmdlet_param_t set_pwpolicy_params[] = {
    {"DomainName", PT_STRING, "System.String", NAMED, PF_MANDATORY | PF_PIPE_VALUE, NULL,
     "The domain whose users the policy applies to (by user principal name).", 0, 0},
    {"ValidityPeriod", PT_INT, "System.UInt32", NAMED, PF_MANDATORY, NULL,
     "Days a password stays valid: 1 to 730, or 2147483647 for never.", 1, 2147483647},
    {"NotificationDays", PT_INT, "System.UInt32", NAMED, PF_MANDATORY, NULL,
     "Days before expiry when users are first notified: 1 to 30.", 1, 2147483647},
    {"TenantId", PT_STRING, "System.Guid", NAMED, 0, NULL,
     "Accepted for partner scripts; must be the signed-in tenant.", 0, 0},
};

#define P_GUID(n, flags, h)                                                                        \
    {                                                                                              \
        n, PT_STRING, "System.Guid", NAMED, flags, NULL, h, 0, 0                                   \
    }
static const cmdlet_param_t get_role_params[] = {
    {"RoleName", PT_STRING, "System.String", NAMED, 0, NULL,
     "A role by name (Entra or MSOnline name, e.g. \"Exchange Administrator\" or \"Exchange "
     "Service Administrator\").",
     0, 0},
    P_GUID("ObjectId", 0, "A role by its object id."),
    P_GUID("TenantId", PF_IGNORED, "Accepted for partner scripts; has no effect."),
};
static const cmdlet_param_t role_member_params[] = {
    {"RoleName", PT_STRING, "System.String", NAMED, 0, NULL, "The role, by name.", 0, 0},
    P_GUID("RoleObjectId", 0, "The role, by object id (Get-MsolRole)."),
    {"RoleMemberEmailAddress", PT_STRING, "System.String", NAMED, 0, NULL,
     "The user, by user principal name.", 0, 0},
    P_GUID("RoleMemberObjectId", 0, "The user, by object id."),
    {"RoleMemberType", PT_ENUM, "Microsoft.Online.Administration.RoleMemberType", NAMED, 0,
     role_member_type_values,
     "User (default) or ServicePrincipal (an app registration, by -RoleMemberObjectId).", 0, 0},
    P_GUID("TenantId", PF_IGNORED, "Accepted for partner scripts; has no effect."),
};
static const cmdlet_param_t get_role_member_params[] = {
    {"RoleObjectId", PT_STRING, "System.Guid", NAMED, PF_MANDATORY | PF_PIPE_PROP, NULL,
     "The role, by object id (Get-MsolRole).", 0, 0},
    P_GUID("TenantId", PF_IGNORED, "Accepted for partner scripts; has no effect."),
};
static const cmdlet_param_t get_user_role_params[] = {
    {"UserPrincipalName", PT_STRING, "System.String", NAMED, PF_PIPE_PROP, NULL, "The user.", 0, 0},
    P_GUID("ObjectId", PF_PIPE_PROP, "The user, by object id."),
    P_GUID("TenantId", PF_IGNORED, "Accepted for partner scripts; has no effect."),
};
/* ---- MSOnline service principals (handlers_apps.c) ---- */
static const char *const sp_cred_type_values[] = {"Symmetric", "Asymmetric", "Password", NULL};
static const char *const sp_cred_usage_values[] = {"Sign", "Verify", NULL};
#define P_SP_ID                                                                                    \
    P_GUID("ObjectId", PF_PIPE_PROP, "The service principal, by object id."),                      \
        P_GUID("AppPrincipalId", PF_PIPE_PROP, "The service principal, by application id."),       \
        P_STR("ServicePrincipalName", "The service principal, by one of its names."),              \
        P_GUID("TenantId", PF_IGNORED, "Accepted for partner scripts; has no effect.")
#define P_SP_CRED                                                                                  \
    {"Type",                                                                                       \
     PT_ENUM,                                                                                      \
     "Microsoft.Online.Administration.Automation.ServicePrincipalCredentialType",                  \
     NAMED,                                                                                        \
     0,                                                                                            \
     sp_cred_type_values,                                                                          \
     "The credential type; roomsys supports Password.",                                            \
     0,                                                                                            \
     0},                                                                                           \
        {"Value",                                                                                  \
         PT_STRING,                                                                                \
         "System.String",                                                                          \
         NAMED,                                                                                    \
         PF_SECRET,                                                                                \
         NULL,                                                                                     \
         "The client secret (at least 16 characters). Without it roomsys generates a 256-bit "     \
         "secret and shows it once.",                                                              \
         0,                                                                                        \
         0},                                                                                       \
        {"Usage",                                                                                  \
         PT_ENUM,                                                                                  \
         "Microsoft.Online.Administration.Automation.ServicePrincipalCredentialUsage",             \
         NAMED,                                                                                    \
         0,                                                                                        \
         sp_cred_usage_values,                                                                     \
         "Verify (the only use of a password credential).",                                        \
         0,                                                                                        \
         0},                                                                                       \
        P_STR("StartDate", "When the credential becomes valid (default: now)."),                   \
        P_STR("EndDate", "When it expires (default: one year after StartDate).")
static const cmdlet_param_t new_sp_params[] = {
    {"DisplayName", PT_STRING, "System.String", NAMED, PF_MANDATORY, NULL,
     "The app's display name.", 0, 0},
    P_GUID("AppPrincipalId", 0, "The application (client) id; a new GUID when absent."),
    {"ServicePrincipalNames", PT_STRINGS, "System.String[]", NAMED, 0, NULL,
     "More names of the service principal (its AppPrincipalId is always one).", 0, 0},
    P_BOOL("AccountEnabled", "$false keeps the app from signing in (default $true)."),
    P_GUID("TenantId", PF_IGNORED, "Accepted for partner scripts; has no effect."),
    P_SP_CRED,
};
static const cmdlet_param_t get_sp_params[] = {
    P_SP_ID,
    {"All", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Return every service principal.", 0, 0},
    P_INT("MaxResults", 1, 100000, "At most this many (default 500)."),
};
static const cmdlet_param_t remove_sp_params[] = {P_SP_ID};
static const cmdlet_param_t new_sp_cred_params[] = {P_SP_ID, P_SP_CRED};
static const cmdlet_param_t get_sp_cred_params[] = {
    P_SP_ID,
    P_BOOL("ReturnKeyValues", "Accepted for compatibility; secrets are never returned."),
};
static const cmdlet_param_t remove_sp_cred_params[] = {
    P_SP_ID,
    {"KeyIds", PT_STRINGS, "System.Guid[]", NAMED, PF_MANDATORY, NULL,
     "The credentials to remove (KeyId from Get-MsolServicePrincipalCredential).", 0, 0},
};
static const char *const sp_view_cols[] = {"DisplayName", "AppPrincipalId", "ObjectId", NULL};
static const char *const sp_cred_view_cols[] = {"Type",    "KeyId", "StartDate",
                                                "EndDate", "Usage", NULL};

static const cmdlet_param_t set_access_params[] = {
    {"Identity", PT_IDENTITY, "System.String", 0, PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,
     "The admin, by user principal name or object id.", 0, 0},
    P_BOOL("Exchange", "Exchange Online remote PowerShell access."),
    P_BOOL("SkypeForBusiness", "Skype for Business Online remote PowerShell access."),
    P_BOOL("MSOnline", "Directory (MSOnline) access."),
    {"PassThru", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Output the admin's access rights.", 0, 0},
};
static const char *const role_view_cols[] = {"ObjectId", "Name", "Description", NULL};
static const char *const role_member_view[] = {"RoleMemberType", "EmailAddress", "DisplayName",
                                               "isLicensed", NULL};

static const cmdlet_param_t no_params[] = {P_DC};

/* ---- calendar processing (src/calendar; roomsys's own names except
 * Set-/Get-MailboxCalendarConfiguration) ---- */
#define P_ROOM_ID                                                                                  \
    {                                                                                              \
        "Identity", PT_IDENTITY, "Microsoft.Exchange.Configuration.Tasks.MailboxIdParameter", 0,   \
            PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,                                     \
            "The room mailbox: name, alias, email address or GUID.", 0, 0                          \
    }
#define P_RANGE                                                                                    \
    {"Start",                                                                                      \
     PT_STRING,                                                                                    \
     "System.DateTime",                                                                            \
     NAMED,                                                                                        \
     0,                                                                                            \
     NULL,                                                                                         \
     "Start of the range, UTC (\"2026-12-01\" or \"2026-12-01T08:00:00Z\"); default today.",       \
     0,                                                                                            \
     0},                                                                                           \
    {                                                                                              \
        "End", PT_STRING, "System.DateTime", NAMED, 0, NULL,                                       \
            "End of the range (exclusive), UTC; default Start + 7 days.", 0, 0                     \
    }
static const cmdlet_param_t submit_meeting_params[] = {
    {"Identity", PT_STRINGS, "Microsoft.Exchange.Configuration.Tasks.MailboxIdParameter[]", 0,
     PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,
     "The room mailbox(es) the request is for; each room decides on its own.", 0, 0},
    {"ICalendar", PT_STRING, "System.String", 1, PF_MANDATORY, NULL,
     "The iTIP message: an iCalendar object with METHOD:REQUEST or METHOD:CANCEL (RFC 5546), "
     "e.g. (Get-Content -Raw invite.ics).",
     0, 0},
    {"Sender", PT_STRING, "System.String", NAMED, 0, NULL,
     "The transport sender's address (default: ORGANIZER's SENT-BY, else ORGANIZER). A sender "
     "outside the tenant's domains is external (ProcessExternalMeetingMessages).",
     0, 0},
};
static const char *const meeting_response_view[] = {"Identity", "Response", "Action", "Reasons",
                                                    NULL};
static const cmdlet_param_t room_calendar_params[] = {P_ROOM_ID, P_RANGE};
static const char *const room_calendar_view[] = {"Start",   "End",       "Status",
                                                 "Subject", "Organizer", NULL};
static const cmdlet_param_t room_freebusy_params[] = {
    P_ROOM_ID,
    P_RANGE,
    P_INT("IntervalMinutes", 5, 1440, "Length of each MergedFreeBusy interval (default 30)."),
};
static const cmdlet_param_t pending_meeting_params[] = {
    P_ROOM_ID,
    {"Uid", PT_STRING, "System.String", 1, PF_MANDATORY, NULL,
     "The UID of the request waiting for approval (Get-RoomCalendar shows PendingApproval).", 0, 0},
    {"Delegate", PT_STRING, "Microsoft.Exchange.Configuration.Tasks.RecipientIdParameter", NAMED,
     PF_MANDATORY, NULL, "The resource delegate who decides; must be in ResourceDelegates.", 0, 0},
    P_STR("Comment", "Text added to the reply to the organizer."),
};
static const cmdlet_param_t set_calconfig_params[] = {
    P_ID_EXO,
    P_STR("WorkingHoursStartTime", "Start of the working day, hh:mm:ss (default 08:00:00)."),
    P_STR("WorkingHoursEndTime", "End of the working day, hh:mm:ss (default 17:00:00)."),
    {"WorkingHoursDaysOfWeek", PT_STRINGS, "Microsoft.Exchange.Data.DaysOfWeek", NAMED, 0, NULL,
     "Working days: Sunday ... Saturday, Weekdays (default), WeekendDays, AllDays or None.", 0, 0},
    P_STR("WorkingHoursTimeZone",
          "The room's time zone: a Windows name (\"W. Europe Standard Time\") or an IANA name "
          "(roomsys); default UTC. Also the zone of floating times in requests."),
    P_DC,
};
static const cmdlet_param_t get_calconfig_params[] = {P_ID_EXO, P_DC};

static const cmdlet_param_t test_room_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Exchange.Configuration.Tasks.MailboxIdParameter", 0,
     PF_PIPE_VALUE | PF_PIPE_PROP, NULL,
     "The room: name, alias, email address or user principal name; omitted tests every room "
     "mailbox.",
     0, 0},
    {"SignIn", PT_SWITCH, "System.Management.Automation.SwitchParameter", NAMED, 0, NULL,
     "Also sign in as the room: a real SIP REGISTER (a query, which changes no registration) at "
     "its home pool, with -Password.",
     0, 0},
    {"Password", PT_SECURESTRING, "System.Security.SecureString", NAMED, PF_SECRET, NULL,
     "The room's password, for -SignIn. Never stored or logged.", 0, 0},
};
static const char *const check_view[] = {"Result", "Check", "Detail", NULL};

static const cmdlet_param_t unlock_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Online.Administration.User", 0,
     PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,
     "The account: user principal name, object id, or the room mailbox's identity.", 0, 0},
};

/* ---- places (Exchange Online Set-Place / Get-Place; Graph /places) ---- */
static const char *const place_type_values[] = {"Room", "Workspace", NULL};
static const cmdlet_param_t set_place_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Exchange.Configuration.Tasks.RecipientIdParameter", 0,
     PF_MANDATORY | PF_PIPE_VALUE | PF_PIPE_PROP, NULL,
     "The room mailbox: name, alias, email address or GUID.", 0, 0},
    P_STR("AudioDeviceName", "Name of the room's audio device."),
    P_STR("Building", "The building name or number the room is in."),
    P_INT("Capacity", 0, 2147483647, "Number of seats (the mailbox's ResourceCapacity)."),
    P_STR("City", "The room's city."),
    P_STR("CountryOrRegion", "The room's country or region: a two-letter ISO 3166-1 code."),
    P_STR("DisplayDeviceName", "Name of the room's display device."),
    P_INT("Floor", -2147483647, 2147483647, "The floor number the room is on."),
    P_STR("FloorLabel", "A descriptive label for the floor."),
    P_BOOL("IsWheelChairAccessible", "$true: the room is wheelchair accessible."),
    P_STR("Label", "A descriptive label for the room (a number or name)."),
    P_STR("Phone", "The room's telephone number."),
    P_STR("PostalCode", "The room's postal code."),
    P_STR("State", "The room's state or province."),
    P_STR("Street", "The room's street address."),
    {"Tags", PT_STRINGS, "System.String[]", NAMED, PF_ALLOW_EMPTY, NULL,
     "Additional features of the room (for example, details like the type of view or furniture "
     "type); replaces the list.",
     0, 0},
    P_STR("VideoDeviceName", "Name of the room's video device."),
};
static const cmdlet_param_t get_place_params[] = {
    {"Identity", PT_IDENTITY, "Microsoft.Exchange.Configuration.Tasks.RecipientIdParameter", 0,
     PF_PIPE_VALUE | PF_PIPE_PROP, NULL,
     "The room: name, alias, email address or GUID; omitted lists every room.", 0, 0},
    {"Type", PT_ENUM, "Microsoft.Exchange.Management.RecipientTasks.PlaceType", NAMED, 0,
     place_type_values, "Only places of this type (Room or Workspace).", 0, 0},
};
static const char *const place_view[] = {"Identity", "Capacity", "Building", "Floor", NULL};

/* Distribution groups and room lists. */
#include "cmdlet_params_groups.inc"

/* Shell-local parameter arrays. */
#include "cmdlet_params_local.inc"

#define DEF(name, service, flags, synopsis, params, out, view, example)                            \
    {                                                                                              \
        name, service, flags, synopsis, NULL, params, N(params), out, view, example                \
    }

const cmdlet_def_t cmdlet_table[] = {
    DEF("New-Mailbox", "exchange", CF_CHANGES,
        "Creates a mailbox; with -Room, a room mailbox and its directory account.",
        new_mailbox_params, "Microsoft.Exchange.Data.Directory.Management.Mailbox", mailbox_view,
        "New-Mailbox -Name \"Conf Room 2\" -MicrosoftOnlineServicesID "
        "confrm2@contoso.onmicrosoft.com "
        "-Room -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString "
        "'pass@word1' -AsPlainText -Force)"),
    DEF("Set-Mailbox", "exchange", CF_CHANGES,
        "Changes a mailbox: room account, password, type, MailTip, capacity.", set_mailbox_params,
        NULL, NULL,
        "Set-Mailbox -Identity confrm1@contoso.onmicrosoft.com -EnableRoomMailboxAccount $true "
        "-RoomMailboxPassword (ConvertTo-SecureString 'pass@word1' -AsPlainText -Force)"),
    {"Get-Mailbox", "exchange", CF_NULL_ID_ALL, "Shows mailboxes.", NULL, get_mailbox_params,
     N(get_mailbox_params), "Microsoft.Exchange.Data.Directory.Management.Mailbox", mailbox_view,
     "Get-Mailbox -RecipientTypeDetails RoomMailbox"},
    DEF("Remove-Mailbox", "exchange", CF_CHANGES | CF_CONFIRM,
        "Removes a mailbox and its directory account (and the SfB meeting room).",
        remove_mailbox_params, NULL, NULL, "Remove-Mailbox -Identity confrm2 -Confirm:$false"),
    DEF("Set-CalendarProcessing", "exchange", CF_CHANGES,
        "Changes how a room mailbox processes meeting requests.", set_calproc_params, NULL, NULL,
        "Set-CalendarProcessing -Identity confrm2 -AutomateProcessing AutoAccept "
        "-AddOrganizerToSubject $false -DeleteSubject $false -RemovePrivateProperty $false"),
    {"Get-CalendarProcessing", "exchange", CF_NULL_ID_ALL,
     "Shows how a room mailbox processes meeting requests.", NULL, get_calproc_params,
     N(get_calproc_params), "Microsoft.Exchange.Management.StoreTasks.CalendarConfiguration",
     calproc_view, "Get-CalendarProcessing -Identity confrm2 | Format-List"},

    DEF("Get-MsolAccountSku", "msol", 0, "Shows the tenant's subscriptions and seats.",
        get_sku_params, "Microsoft.Online.Administration.AccountSKU", sku_view,
        "Get-MsolAccountSku"),
    DEF("New-MsolUser", "msol", CF_CHANGES, "Creates a user in the directory.", new_msoluser_params,
        "Microsoft.Online.Administration.User", msoluser_view,
        "New-MsolUser -UserPrincipalName alice@contoso.onmicrosoft.com -DisplayName Alice "
        "-UsageLocation US -LicenseAssignment contoso:ENTERPRISEPACK"),
    DEF("Get-MsolUser", "msol", 0, "Shows directory users.", get_msoluser_params,
        "Microsoft.Online.Administration.User", msoluser_view,
        "Get-MsolUser -UserPrincipalName confrm2@contoso.onmicrosoft.com | fl"),
    DEF("Set-MsolUser", "msol", CF_CHANGES,
        "Changes a user's basic properties (usage location, password expiry, sign-in block).",
        set_msoluser_params, NULL, NULL,
        "Set-MsolUser -UserPrincipalName confrm1@contoso.onmicrosoft.com -PasswordNeverExpires "
        "$true"),
    DEF("Set-MsolUserPassword", "msol", CF_CHANGES, "Sets a user's password.", set_msolpw_params,
        NULL, NULL,
        "Set-MsolUserPassword -UserPrincipalName confrm2@contoso.onmicrosoft.com -NewPassword "
        "'pass@word2' -ForceChangePassword $false"),
    DEF("Set-MsolUserLicense", "msol", CF_CHANGES,
        "Assigns or removes licenses, atomically; needs a usage location.", set_msollicense_params,
        NULL, NULL,
        "Set-MsolUserLicense -UserPrincipalName confrm2@contoso.onmicrosoft.com -AddLicenses "
        "contoso:MCOSTANDARD"),

    DEF("Get-CsTenant", "sfb", 0, "Shows the tenant as Skype for Business Online sees it.",
        get_cstenant_params, "Microsoft.Rtc.Management.Hosted.Tenant", NULL,
        "(Get-CsTenant).RegistrarPool"),
    DEF("Get-CsOnlineUser", "sfb", 0, "Shows users homed in Skype for Business Online.",
        get_csonlineuser_params, "Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser", NULL,
        "Get-CsOnlineUser -Identity 'alice@contoso.onmicrosoft.com' | fl *registrarpool*"),
    DEF("Enable-CsMeetingRoom", "sfb", CF_CHANGES,
        "Enables a synced, licensed room account for Skype for Business on its registrar pool.",
        enable_csroom_params, "Microsoft.Rtc.Management.ADConnect.Schema.OCSADMeetingRoom",
        csroom_view,
        "Enable-CsMeetingRoom -Identity confrm2@contoso.onmicrosoft.com -RegistrarPool "
        "\"sippoolbl20a04.infra.lync.com\" -SipAddressType EmailAddress"),
    DEF("Get-CsMeetingRoom", "sfb", 0, "Shows meeting rooms.", get_csroom_params,
        "Microsoft.Rtc.Management.ADConnect.Schema.OCSADMeetingRoom", NULL,
        "Get-CsMeetingRoom -Identity confrm2@contoso.onmicrosoft.com"),
    DEF("Set-CsMeetingRoom", "sfb", CF_CHANGES,
        "Changes a meeting room (enabled, Enterprise Voice, line URI, SIP address).",
        set_csroom_params, "Microsoft.Rtc.Management.ADConnect.Schema.OCSADMeetingRoom",
        csroom_view, "Set-CsMeetingRoom -Identity confrm2 -Enabled $false"),
    DEF("Disable-CsMeetingRoom", "sfb", CF_CHANGES,
        "Removes a room's Skype for Business settings; the account and mailbox stay.",
        disable_csroom_params, "Microsoft.Rtc.Management.ADConnect.Schema.OCSADMeetingRoom",
        csroom_view, "Disable-CsMeetingRoom -Identity confrm2"),
    DEF("Move-CsMeetingRoom", "sfb", CF_CHANGES, "Moves a meeting room to another registrar pool.",
        move_csroom_params, NULL, NULL,
        "Move-CsMeetingRoom -Identity confrm2 -Target \"sippool2.infra.lync.com\""),
    DEF("Get-CsRegistrarStatus", "sfb", 0,
        "Shows each registrar pool's live registrations and REGISTER outcomes since the daemon "
        "started (figures cover every tenant homed on the pool).",
        get_csregistrar_params, "Roomsys.Registrar.PoolStatus", csregistrar_view,
        "Get-CsRegistrarStatus -Identity sippoolbl20a04.infra.lync.com | Format-List"),

    DEF("Get-MsolPasswordPolicy", "msol", 0,
        "Shows the password expiry policy of a domain (or of the initial domain).",
        get_pwpolicy_params, "Microsoft.Online.Administration.PasswordPolicy", NULL,
        "Get-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com"),
    DEF("Set-MsolPasswordPolicy", "msol", CF_CHANGES,
        "Sets how long passwords of a domain's users stay valid and when users are notified.",
        set_pwpolicy_params, NULL, NULL,
        "Set-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com -ValidityPeriod 60 "
        "-NotificationDays 14"),
    DEF("Get-MsolRole", "msol", 0, "Lists the admin roles (or one).", get_role_params,
        "Microsoft.Online.Administration.Role", role_view_cols,
        "Get-MsolRole -RoleName \"Exchange Service Administrator\""),
    DEF("Get-MsolRoleMember", "msol", 0, "Lists the members of a role.", get_role_member_params,
        "Microsoft.Online.Administration.RoleMember", role_member_view,
        "Get-MsolRoleMember -RoleObjectId (Get-MsolRole -RoleName \"Company "
        "Administrator\").ObjectId"),
    DEF("Get-MsolUserRole", "msol", 0, "Lists the roles of a user.", get_user_role_params,
        "Microsoft.Online.Administration.Role", role_view_cols,
        "Get-MsolUserRole -UserPrincipalName admin@contoso.onmicrosoft.com"),
    DEF("Add-MsolRoleMember", "msol", CF_CHANGES,
        "Gives a user an admin role (Global Administrator only).", role_member_params, NULL, NULL,
        "Add-MsolRoleMember -RoleName \"Exchange Administrator\" -RoleMemberEmailAddress "
        "eve@contoso.onmicrosoft.com"),
    DEF("Remove-MsolRoleMember", "msol", CF_CHANGES,
        "Takes an admin role from a user (Global Administrator only; never the last one).",
        role_member_params, NULL, NULL,
        "Remove-MsolRoleMember -RoleName \"Exchange Administrator\" -RoleMemberEmailAddress "
        "eve@contoso.onmicrosoft.com"),
    DEF("Set-RoomSystemAdminAccess", "msol", CF_CHANGES,
        "Grants or revokes an admin's Exchange, Skype for Business and MSOnline remote PowerShell "
        "access (roomsys; Global Administrator only).",
        set_access_params, "Roomsys.AdminAccess", NULL,
        "Set-RoomSystemAdminAccess -Identity eve@contoso.onmicrosoft.com -Exchange $true "
        "-SkypeForBusiness $false -MSOnline $true"),
    DEF("New-MsolServicePrincipal", "msol", CF_CHANGES,
        "Registers an app (service principal) that signs in with the client-credentials grant; "
        "without -Value a client secret is generated and shown once.",
        new_sp_params, "Microsoft.Online.Administration.ServicePrincipal", sp_view_cols,
        "New-MsolServicePrincipal -DisplayName \"Room reports\""),
    DEF("Get-MsolServicePrincipal", "msol", 0, "Lists the tenant's service principals (or one).",
        get_sp_params, "Microsoft.Online.Administration.ServicePrincipal", sp_view_cols,
        "Get-MsolServicePrincipal -AppPrincipalId 3a5b2c1d-0000-4000-8000-000000000001"),
    DEF("Remove-MsolServicePrincipal", "msol", CF_CHANGES,
        "Deletes a service principal; its tokens stop working at once.", remove_sp_params, NULL,
        NULL, "Remove-MsolServicePrincipal -AppPrincipalId 3a5b2c1d-0000-4000-8000-000000000001"),
    DEF("New-MsolServicePrincipalCredential", "msol", CF_CHANGES,
        "Adds a client secret to a service principal (generated and shown once without -Value).",
        new_sp_cred_params, "Microsoft.Online.Administration.ServicePrincipalCredential",
        sp_cred_view_cols,
        "New-MsolServicePrincipalCredential -AppPrincipalId 3a5b2c1d-0000-4000-8000-000000000001"),
    DEF("Get-MsolServicePrincipalCredential", "msol", 0,
        "Lists a service principal's credentials (never their values).", get_sp_cred_params,
        "Microsoft.Online.Administration.ServicePrincipalCredential", sp_cred_view_cols,
        "Get-MsolServicePrincipalCredential -AppPrincipalId 3a5b2c1d-0000-4000-8000-000000000001"),
    DEF("Remove-MsolServicePrincipalCredential", "msol", CF_CHANGES,
        "Removes credentials from a service principal.", remove_sp_cred_params, NULL, NULL,
        "Remove-MsolServicePrincipalCredential -AppPrincipalId "
        "3a5b2c1d-0000-4000-8000-000000000001 -KeyIds 0f1e2d3c-0000-4000-8000-000000000002"),
    DEF("Search-AdminAuditLog", "exchange", 0,
        "Searches the audit log of admin changes: who, when, cmdlet, object, parameters "
        "(secrets masked), success or the error.",
        search_audit_params,
        "Microsoft.Exchange.Management.SystemConfigurationTasks.AdminAuditLogEvent", NULL,
        "Search-AdminAuditLog -Cmdlets Set-CalendarProcessing -ObjectIds confrm2"),
    DEF("Test-RoomSystemAccount", "sfb", CF_REPORT,
        "Checks every step of a room's provisioning and says how to fix what is wrong "
        "(roomsys).",
        test_room_params, "Roomsys.RoomSystemAccountCheck", check_view,
        "Test-RoomSystemAccount -Identity confrm2@contoso.onmicrosoft.com -SignIn -Password "
        "(ConvertTo-SecureString 'pass@word1' -AsPlainText -Force)"),
    DEF("Get-RoomSystemSyncStatus", "sfb", 0,
        "Shows the directory to Skype for Business sync: lag, pending changes, last sync "
        "(roomsys).",
        no_params, "Roomsys.SyncStatus", NULL, "Get-RoomSystemSyncStatus"),
    DEF("Unlock-RoomSystemAccount", "msol", CF_CHANGES,
        "Ends an account's smart lockout for every source address, audited (roomsys).",
        unlock_params, NULL, NULL,
        "Unlock-RoomSystemAccount -Identity confrm2@contoso.onmicrosoft.com"),

    DEF("Submit-RoomMeetingRequest", "exchange", CF_CHANGES,
        "Delivers a meeting request or cancellation (iCalendar) to one or more rooms; each room "
        "answers Accepted, Tentative or Declined with reasons and its iTIP REPLY (roomsys).",
        submit_meeting_params, "Roomsys.Calendar.MeetingResponse", meeting_response_view,
        "Submit-RoomMeetingRequest -Identity confrm2,confrm3 -ICalendar (Get-Content -Raw "
        "invite.ics)"),
    DEF("Get-RoomCalendar", "exchange", 0,
        "Lists a room's bookings in a time range, as a room device shows them (roomsys).",
        room_calendar_params, "Roomsys.Calendar.Booking", room_calendar_view,
        "Get-RoomCalendar -Identity confrm2 -Start 2026-12-01 -End 2026-12-02"),
    DEF("Get-RoomFreeBusy", "exchange", 0,
        "Shows a room's free/busy in a time range: MergedFreeBusy digits (0 free, 1 tentative, "
        "2 busy) and busy intervals (roomsys).",
        room_freebusy_params, "Roomsys.Calendar.FreeBusy", NULL,
        "Get-RoomFreeBusy -Identity confrm2 -Start 2026-12-01 -End 2026-12-02 -IntervalMinutes "
        "60"),
    DEF("Approve-RoomMeetingRequest", "exchange", CF_CHANGES,
        "A resource delegate accepts a request waiting for approval (roomsys).",
        pending_meeting_params, "Roomsys.Calendar.MeetingResponse", meeting_response_view,
        "Approve-RoomMeetingRequest -Identity confrm2 -Uid 040000008200E000 -Delegate "
        "d@contoso.onmicrosoft.com"),
    DEF("Deny-RoomMeetingRequest", "exchange", CF_CHANGES,
        "A resource delegate declines a request waiting for approval (roomsys).",
        pending_meeting_params, "Roomsys.Calendar.MeetingResponse", meeting_response_view,
        "Deny-RoomMeetingRequest -Identity confrm2 -Uid 040000008200E000 -Delegate "
        "d@contoso.onmicrosoft.com -Comment 'Room under renovation'"),
    DEF("Set-MailboxCalendarConfiguration", "exchange", CF_CHANGES,
        "Sets a room's working hours and time zone (used by ScheduleOnlyDuringWorkHours and the "
        "booking window).",
        set_calconfig_params, NULL, NULL,
        "Set-MailboxCalendarConfiguration -Identity confrm2 -WorkingHoursStartTime 07:00:00 "
        "-WorkingHoursEndTime 19:00:00 -WorkingHoursTimeZone \"W. Europe Standard Time\""),
    DEF("Get-MailboxCalendarConfiguration", "exchange", 0,
        "Shows a room's working hours and time zone.", get_calconfig_params,
        "Microsoft.Exchange.Data.Storage.Management.MailboxCalendarConfiguration", NULL,
        "Get-MailboxCalendarConfiguration -Identity confrm2 | Format-List WorkingHours*"),

    DEF("Set-Place", "exchange", CF_CHANGES,
        "Sets a room's place metadata (building, floor, capacity, devices, accessibility, "
        "address, tags) that Microsoft Graph's /places shows.",
        set_place_params, NULL, NULL,
        "Set-Place -Identity \"Conference Room 01\" -IsWheelChairAccessible $true "
        "-AudioDeviceName PolyCom -DisplayDeviceName \"InFocus WXGA Projector\""),
    DEF("Get-Place", "exchange", 0, "Shows the place metadata of rooms.", get_place_params,
        "Microsoft.Exchange.Management.RecipientTasks.Place", place_view,
        "Get-Place -Type Room | Format-List Identity,Building,Floor,Capacity"),

#include "cmdlet_table_groups.inc"

#include "cmdlet_table_local.inc"
};

const size_t cmdlet_table_len = N(cmdlet_table);

const cmdlet_def_t *cmdlet_find(const char *name)
{
    for (size_t i = 0; i < cmdlet_table_len; i++)
        if (rs_streq_ci(cmdlet_table[i].name, name))
            return &cmdlet_table[i];
    return NULL;
}

const cmdlet_param_t *cmdlet_param_find(const cmdlet_def_t *def, const char *name)
{
    for (size_t i = 0; i < def->nparams; i++)
        if (rs_streq_ci(def->params[i].name, name))
            return &def->params[i];
    return NULL;
}

const cmdlet_param_t *cmdlet_param_resolve(const cmdlet_def_t *def, const char *name,
                                           bool *out_ambiguous, char *matches, size_t matches_sz)
{
    const cmdlet_param_t *found = cmdlet_param_find(def, name);
    if (out_ambiguous)
        *out_ambiguous = false;
    if (found || !*name)
        return found;
    int n = 0;
    size_t used = 0;
    if (matches && matches_sz)
        matches[0] = '\0';
    for (size_t i = 0; i < def->nparams; i++) {
        if (!rs_prefix_ci(def->params[i].name, name))
            continue;
        if (matches && used < matches_sz)
            used += (size_t)snprintf(matches + used, matches_sz - used, "%s-%s", n ? " " : "",
                                     def->params[i].name);
        found = &def->params[i];
        n++;
    }
    if (n > 1) {
        if (out_ambiguous)
            *out_ambiguous = true;
        return NULL;
    }
    return found;
}

const char *cmdlet_service_path(const char *service)
{
    if (!strcmp(service, "sfb"))
        return "/sfb/adminapi/beta";
    if (!strcmp(service, "msol"))
        return "/msol/adminapi/beta";
    return "/adminapi/beta";
}

/* ShouldProcess texts of the cmdlets that change something (CF_CHANGES):
 * "What if: Performing the operation "<action>" on target "<target>"." and the
 * -Confirm prompt. The target is the value of target_param. PowerShell's own
 * cmdlets keep their texts (Set-Content "Set Content", Out-File "Output to
 * File"); a cmdlet missing here uses its name, as ShouldProcess(target) does. */
static const struct {
    const char *cmdlet, *action, *target_param;
} should_process[] = {
    {"New-Mailbox", "Create Mailbox", "Name"},
    {"Set-Mailbox", "Set Mailbox", "Identity"},
    {"Remove-Mailbox", "Remove Mailbox", "Identity"},
    {"Set-CalendarProcessing", "Set Calendar Processing", "Identity"},
    {"New-MsolUser", "Create User", "UserPrincipalName"},
    {"Set-MsolUser", "Set User", "UserPrincipalName"},
    {"Set-MsolUserPassword", "Set User Password", "UserPrincipalName"},
    {"Set-MsolUserLicense", "Set User License", "UserPrincipalName"},
    {"Enable-CsMeetingRoom", "Enable Meeting Room", "Identity"},
    {"Set-CsMeetingRoom", "Set Meeting Room", "Identity"},
    {"Disable-CsMeetingRoom", "Disable Meeting Room", "Identity"},
    {"Move-CsMeetingRoom", "Move Meeting Room", "Identity"},
    {"Unlock-RoomSystemAccount", "Unlock Account", "Identity"},
    {"Submit-RoomMeetingRequest", "Submit Meeting Request", "Identity"},
    {"Approve-RoomMeetingRequest", "Approve Meeting Request", "Uid"},
    {"Deny-RoomMeetingRequest", "Decline Meeting Request", "Uid"},
    {"Set-MailboxCalendarConfiguration", "Set Mailbox Calendar Configuration", "Identity"},
    {"New-MsolServicePrincipal", "Create Service Principal", "DisplayName"},
    {"Remove-MsolServicePrincipal", "Remove Service Principal", "AppPrincipalId"},
    {"New-MsolServicePrincipalCredential", "Add Service Principal Credential", "AppPrincipalId"},
    {"Remove-MsolServicePrincipalCredential", "Remove Service Principal Credential",
     "AppPrincipalId"},
    {"Set-Place", "Set Place", "Identity"},
    {"New-DistributionGroup", "Create Distribution Group", "Name"},
    {"Remove-DistributionGroup", "Remove Distribution Group", "Identity"},
    {"Add-DistributionGroupMember", "Add Distribution Group Member", "Identity"},
    {"Remove-DistributionGroupMember", "Remove Distribution Group Member", "Identity"},
    {"Export-Csv", "Export-Csv", "Path"},
    {"Set-Content", "Set Content", "Path"},
    {"Add-Content", "Add Content", "Path"},
    {"Out-File", "Output to File", "FilePath"},
};

const char *cmdlet_action(const cmdlet_def_t *def)
{
    for (size_t i = 0; i < N(should_process); i++)
        if (!strcmp(should_process[i].cmdlet, def->name))
            return should_process[i].action;
    return def->name;
}

const char *cmdlet_target_param(const cmdlet_def_t *def)
{
    for (size_t i = 0; i < N(should_process); i++)
        if (!strcmp(should_process[i].cmdlet, def->name))
            return should_process[i].target_param;
    return cmdlet_param_find(def, "Identity") ? "Identity" : NULL;
}
