/* rs_err.c - status texts and the error catalogue (rs_errors.def). */
#include "rs_err.h"

#include <stdio.h>
#include <string.h>

typedef struct errdef {
    rs_status status;
    const char *error_id;
    const char *exception;
    const char *category;
    const char *text;
} errdef;

static const errdef catalogue[RS_E__COUNT] = {
#define RS_ERRDEF(name, status, error_id, exception, category, text)                               \
    {status, error_id, exception, category, text},
#include "rs_errors.def"
#undef RS_ERRDEF
};

const char *rs_strerror(rs_status code)
{
    switch (code) {
    case RS_OK:
        return "success";
    case RS_ENOMEM:
        return "out of memory";
    case RS_EINVAL:
        return "invalid argument";
    case RS_EPARSE:
        return "malformed input";
    case RS_ENOTFOUND:
        return "not found";
    case RS_ECONFLICT:
        return "already exists";
    case RS_EAUTH:
        return "authentication failed";
    case RS_EPERM:
        return "permission denied";
    case RS_ESTATE:
        return "operation not allowed in the current state";
    case RS_ELIMIT:
        return "limit reached";
    case RS_EIO:
        return "input/output error";
    case RS_ESTORE:
        return "store error";
    case RS_EUNAVAIL:
        return "service unavailable";
    case RS_EINTERNAL:
        return "internal error";
    }
    return "unknown error";
}

static const char *generic_exception(rs_status code)
{
    switch (code) {
    case RS_EINVAL:
    case RS_EPARSE:
        return "System.ArgumentException";
    case RS_ENOTFOUND:
        return "System.Management.Automation.ItemNotFoundException";
    case RS_EPERM:
    case RS_EAUTH:
        return "System.UnauthorizedAccessException";
    case RS_ESTATE:
    case RS_ECONFLICT:
        return "System.InvalidOperationException";
    default:
        return "System.Exception";
    }
}

static const char *generic_category(rs_status code)
{
    switch (code) {
    case RS_EINVAL:
    case RS_EPARSE:
        return "InvalidArgument";
    case RS_ENOTFOUND:
        return "ObjectNotFound";
    case RS_EPERM:
    case RS_EAUTH:
        return "PermissionDenied";
    case RS_ESTATE:
    case RS_ECONFLICT:
        return "InvalidOperation";
    case RS_ELIMIT:
        return "LimitsExceeded";
    case RS_EIO:
    case RS_ESTORE:
        return "WriteError";
    default:
        return "NotSpecified";
    }
}

rs_status rs_errf(rs_err *err, rs_status code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->error_id = "";
    err->exception = generic_exception(code);
    err->category = generic_category(code);
    err->fq_id = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

rs_status rs_raise(rs_err *err, rs_errname name, ...)
{
    const errdef *d = &catalogue[name];
    if (!err)
        return d->status;
    err->code = d->status;
    err->error_id = d->error_id;
    err->exception = d->exception;
    err->category = d->category;
    err->fq_id = NULL;
    va_list ap;
    va_start(ap, name);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(err->msg, sizeof err->msg, d->text, ap);
#pragma GCC diagnostic pop
    va_end(ap);
    return d->status;
}

rs_status rs_raisef(rs_err *err, rs_errname name, const char *fmt, ...)
{
    char text[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return rs_raise(err, name, text);
}

void rs_err_clear(rs_err *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->error_id = "";
    err->exception = "";
    err->category = "";
}

int rs_status_http(rs_status code)
{
    switch (code) {
    case RS_OK:
        return 200;
    case RS_ENOTFOUND:
        return 404;
    case RS_EAUTH:
        return 401;
    case RS_EPERM:
        return 403;
    case RS_ELIMIT:
        return 400;
    case RS_EUNAVAIL:
        return 503;
    case RS_EIO:
    case RS_ESTORE:
        return 503;
    case RS_ENOMEM:
    case RS_EINTERNAL:
        return 500;
    default:
        return 400;
    }
}
