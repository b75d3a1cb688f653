/* netio.h - the static members of System.IO.Path, System.IO.File and
 * System.IO.Directory that admin scripts use (paths with '/', UTF-8 text).
 * Private to src/shell; ownership as value.h.
 */
#ifndef LANG_NETIO_H
#define LANG_NETIO_H

#include "interp.h"

/* [IO.Path]/[IO.File]/[IO.Directory]::name(args): t is the normalized type
 * ("io.path", "io.file", "io.directory"). LANG_BREAK when there is no such
 * method; errors as .NET's MethodInvocationException texts. *res new. */
lang_status lang_netio_static(lang_interp *I, const lang_node *at, const char *t, const char *name,
                              lang_value **args, size_t n, lang_value **res);

#endif
