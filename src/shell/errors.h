/* errors.h - PowerShell error records as the shell shows them.
 *
 * A lang_error is what a cmdlet or the language raises: the message, the
 * command it came from, the category/reason/target that make up the
 * CategoryInfo line, the FullyQualifiedErrorId and the script position. It
 * prints exactly as Windows PowerShell 5.1 prints an ErrorRecord:
 *
 *   Set-Mailbox : <message>
 *   At /path/script.ps1:3 char:1
 *   + Set-Mailbox -Identity $rm ...
 *   + ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
 *       + CategoryInfo          : NotSpecified: (:) [Set-Mailbox],
 * ManagementObjectNotFoundException
 *       + FullyQualifiedErrorId : Ex6F9304,Set-Mailbox
 *
 * In scripts it is also a value: $_ in a catch block, $Error[0].
 */
#ifndef LANG_ERRORS_H
#define LANG_ERRORS_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "rs_err.h"
#include "value.h"

typedef struct lang_error {
    char *message;     /* the exception message */
    char *command;     /* "Set-Mailbox" for the "Set-Mailbox : " prefix, or NULL */
    char *category;    /* PowerShell ErrorCategory: "NotSpecified", "InvalidArgument", ... */
    char *activity;    /* the [..] part of CategoryInfo (usually the command), may be "" */
    char *reason;      /* exception short name: "ParameterBindingException" */
    char *exception;   /* full exception type name */
    char *inner;       /* full type name of the InnerException (catch matches it too), or NULL */
    char *target_name; /* the (name:type) part of CategoryInfo, may be "" */
    char *target_type;
    char *fqid;              /* FullyQualifiedErrorId */
    char *position;          /* "At ... char:N\n+ ...\n+ ~~~" or NULL */
    char *extra;             /* extra "    + Name : value" lines (e.g. PSComputerName), or NULL */
    lang_value *target;      /* TargetObject (owned reference) */
    bool script_terminating; /* throw and -ErrorAction Stop: unwinds to the nearest catch */
    bool unreachable;        /* the server could not be reached (exit status 69) */
    bool quiet;              /* Ctrl-C stopped the pipeline: not displayed, not counted */
} lang_error;

/* A new error with a copy of message and defaults (NotSpecified,
 * RuntimeException). Free with lang_error_free. */
lang_error *lang_error_new(const char *message);
/* Free e and what it owns (NULL-safe). */
void lang_error_free(lang_error *e);
/* A deep copy of e. */
lang_error *lang_error_copy(const lang_error *e);

/* Setters copy their strings (NULL allowed). */
void lang_error_set(char **field, const char *value);
/* Set exception type (full name) and derive reason (its last dotted segment). */
void lang_error_set_exception(lang_error *e, const char *full_type);

/* An error from a catalogue/rs_err (borrowed): message, ErrorId, exception and
 * category; FullyQualifiedErrorId becomes "<ErrorId or reason>,<command>". */
lang_error *lang_error_from_rs(const rs_err *err, const char *command);

/* Set the FullyQualifiedErrorId to "<id>,<command>" (or just id when command is NULL). */
void lang_error_set_fqid(lang_error *e, const char *id, const char *command);

/* Compute the "At ..." position text for the extent [start, end) of src. */
char *lang_position_message(const lang_source *src, uint32_t start, uint32_t end);
/* Set e's position from a program extent (prog may be NULL: no position). */
void lang_error_set_position(lang_error *e, const lang_program *prog, uint32_t start, uint32_t end);

/* The full text PowerShell prints for the error (ends with a newline). Malloc'd. */
char *lang_error_format(const lang_error *e);
/* The CategoryInfo text: "NotSpecified: (:) [Set-Mailbox], ManagementObjectNotFoundException". */
char *lang_error_category_info(const lang_error *e);

/* The ErrorRecord value for e (new reference): properties Exception (with
 * Message), CategoryInfo, FullyQualifiedErrorId, TargetObject,
 * InvocationInfo; keeps a copy of e for printing. */
lang_value *lang_error_record(const lang_error *e);
/* The error inside an ErrorRecord value (borrowed), or NULL. */
const lang_error *lang_error_of_record(const lang_value *v);

#endif
