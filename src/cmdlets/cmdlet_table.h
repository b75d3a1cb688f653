/* cmdlet_table.h - the one description of every server cmdlet.
 *
 * This table is the single source for: the server's parameter binding
 * (bind.c), the shell's tab completion and Get-Help / Get-Command, and the API
 * docs (tools/gen_cmdlet_docs). It carries metadata only, no handlers, so the
 * shell links it without linking the services. Handlers live in the daemon
 * (cmdlets/handlers_*.c) and are matched to this table by name at start-up.
 */
#ifndef CMDLET_TABLE_H
#define CMDLET_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Parameter value types. */
typedef enum cmdlet_ptype {
    PT_STRING,       /* System.String */
    PT_STRINGS,      /* System.String[] (also accepts one string) */
    PT_INT,          /* System.Int32 */
    PT_BOOL,         /* System.Boolean: needs a value ($true/$false) */
    PT_SWITCH,       /* SwitchParameter: present = $true; -X:$false allowed */
    PT_SECURESTRING, /* System.Security.SecureString: JSON string on the wire */
    PT_ENUM,         /* one of enum_values, case-insensitive */
    PT_FQDN,         /* Microsoft.Rtc.Management.Deploy.Fqdn */
    PT_IDENTITY,     /* an identity parameter (string form) */
    PT_IDENTITIES,   /* a list of identities (RecipientIdParameter[]) */
    PT_HASHTABLE,    /* multi-valued edit: @{Add=..;Remove=..} or a list */
    PT_CREDENTIAL,   /* PSCredential (shell-local cmdlets only) */
    PT_OBJECT        /* any value (shell-local cmdlets only) */
} cmdlet_ptype;

/* Parameter flags. */
enum {
    PF_MANDATORY = 1u << 0,  /* mandatory in every parameter set it belongs to */
    PF_PIPE_VALUE = 1u << 1, /* ValueFromPipeline */
    PF_PIPE_PROP = 1u << 2,  /* ValueFromPipelineByPropertyName */
    PF_IGNORED = 1u << 3,    /* accepted for script compatibility; documented as no effect */
    PF_SECRET = 1u << 4,     /* never logged, audited or echoed */
    PF_ALLOW_EMPTY = 1u << 5 /* "" and $null are accepted */
};

typedef struct cmdlet_param {
    const char *name; /* PowerShell name, canonical case */
    cmdlet_ptype type;
    const char *type_name;          /* .NET type shown in errors and help */
    int position;                   /* 0-based positional index, or -1 for named only */
    unsigned flags;                 /* PF_* */
    const char *const *enum_values; /* PT_ENUM: NULL-terminated list */
    const char *help;               /* one-paragraph description for Get-Help */
    int min, max;                   /* PT_INT range when min < max */
} cmdlet_param_t;

/* Cmdlet flags. */
enum {
    CF_CHANGES = 1u << 0,     /* changes state: supports -WhatIf and -Confirm */
    CF_CONFIRM = 1u << 1,     /* confirms by default (ConfirmImpact High) */
    CF_LOCAL = 1u << 2,       /* runs in the shell, never sent to the server */
    CF_NULL_ID_ALL = 1u << 3, /* -Identity $null returns all objects (Get-Mailbox) */
    CF_REPORT = 1u << 4       /* outputs check results {Identity, Check, Result, Detail, Fix}:
                                 the shell prints them as a report with a summary line and
                                 reports an error when any Result is "Fail" */
};

typedef struct cmdlet_def {
    const char *name;        /* "New-Mailbox" */
    const char *service;     /* "exchange", "sfb", "msol" or "local" */
    unsigned flags;          /* CF_* */
    const char *synopsis;    /* one line for Get-Help / Get-Command */
    const char *description; /* longer text for Get-Help -Full */
    const cmdlet_param_t *params;
    size_t nparams;
    const char *output_type;       /* .NET-like type name of the output objects, or NULL */
    const char *const *table_view; /* default Format-Table columns, NULL-terminated, or NULL */
    const char *example;           /* one example line for Get-Help */
} cmdlet_def_t;

/* All cmdlets, server and shell-local. */
extern const cmdlet_def_t cmdlet_table[];
extern const size_t cmdlet_table_len;

/* Find a cmdlet by name, case-insensitively. NULL when unknown. */
const cmdlet_def_t *cmdlet_find(const char *name);

/* Find a parameter of def by exact (case-insensitive) name. NULL when unknown. */
const cmdlet_param_t *cmdlet_param_find(const cmdlet_def_t *def, const char *name);

/* Resolve a possibly abbreviated parameter name as PowerShell does: an exact
 * match wins, otherwise a unique prefix. Returns the parameter, or NULL with
 * *out_ambiguous set when several match (then `matches` receives
 * "-A, -B" text of the candidates, if non-NULL, up to matches_sz bytes). */
const cmdlet_param_t *cmdlet_param_resolve(const cmdlet_def_t *def, const char *name,
                                           bool *out_ambiguous, char *matches, size_t matches_sz);

/* The InvokeCommand URL path prefix for a service:
 * "exchange" -> "/adminapi/beta", "sfb" -> "/sfb/adminapi/beta", "msol" -> "/msol/adminapi/beta".
 */
const char *cmdlet_service_path(const char *service);

/* ShouldProcess texts of a cmdlet that changes something (CF_CHANGES), for
 * -WhatIf ("What if: Performing the operation "<action>" on target
 * "<target>".") and -Confirm, in the server and the shell alike: the action
 * (static; the cmdlet's name when the table has none) and the name of the
 * parameter whose value is the target (static; NULL when there is none). */
const char *cmdlet_action(const cmdlet_def_t *def);
const char *cmdlet_target_param(const cmdlet_def_t *def);

#endif
