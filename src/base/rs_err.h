/* rs_err.h - the one error type of roomsys.
 *
 * Every fallible function returns an rs_status and, when the caller passes a
 * non-NULL rs_err, fills it with the details the outside world needs: the
 * PowerShell-style ErrorId, exception type and category, and the message text.
 * The catalogue of named errors (the texts Office 365 prints) is rs_errors.def;
 * api/ turns an rs_err into the three-layer JSON error, the shell prints it as
 * PowerShell does, and sip/ never shows it on the wire.
 */
#ifndef RS_ERR_H
#define RS_ERR_H

#include <stdarg.h>

typedef enum rs_status {
    RS_OK = 0,
    RS_ENOMEM,    /* allocation failed */
    RS_EINVAL,    /* bad input: parameter, value, syntax */
    RS_EPARSE,    /* malformed input that could not be parsed */
    RS_ENOTFOUND, /* the named object does not exist (in this tenant) */
    RS_ECONFLICT, /* the object already exists / state conflict */
    RS_EAUTH,     /* authentication failed */
    RS_EPERM,     /* authenticated but not allowed */
    RS_ESTATE,    /* operation refused by the object's state or policy */
    RS_ELIMIT,    /* a limit was reached */
    RS_EIO,       /* I/O error */
    RS_ESTORE,    /* the store failed */
    RS_EUNAVAIL,  /* service unavailable, try later */
    RS_EINTERNAL  /* a bug */
} rs_status;

/* Caller-owned error details. All pointers are static strings. */
typedef struct rs_err {
    rs_status code;
    const char *error_id;  /* Exchange-style ErrorId ("Ex6F9304") or "" */
    const char *exception; /* .NET exception type name, e.g. "ParameterBindingException" */
    const char *category;  /* PowerShell ErrorCategory, e.g. "InvalidArgument" */
    const char *fq_id;     /* FullyQualifiedErrorId stem, or NULL to derive from exception */
    char msg[768];
} rs_err;

/* Named errors from rs_errors.def: RS_E_<NAME>. */
typedef enum rs_errname {
#define RS_ERRDEF(name, status, error_id, exception, category, text) RS_E_##name,
#include "rs_errors.def"
#undef RS_ERRDEF
    RS_E__COUNT
} rs_errname;

/* Generic status text ("not found", ...). Never NULL. */
const char *rs_strerror(rs_status code);

/* Fill err (may be NULL) with code and a printf-formatted message, with a
 * generic exception type for the code. Returns code. */
rs_status rs_errf(rs_err *err, rs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill err (may be NULL) from the catalogue entry `name`, formatting its text
 * template with the variadic arguments. Returns the entry's status. */
rs_status rs_raise(rs_err *err, rs_errname name, ...);
/* rs_raise for catalogue entries whose text is just "%s" (ACCESS_DENIED,
 * TENANT_PREREQ, EXO_VALUE_INVALID ...): the message is fmt formatted with the
 * arguments, checked by the compiler. */
rs_status rs_raisef(rs_err *err, rs_errname name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear err to RS_OK with an empty message. err may be NULL. */
void rs_err_clear(rs_err *err);

/* HTTP status code that api/ uses for a status. */
int rs_status_http(rs_status code);

#endif
