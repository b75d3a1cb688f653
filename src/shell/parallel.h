/* parallel.h - ForEach-Object -Parallel (PowerShell 7): each input object runs
 * the script block in its own runspace on a pool of worker threads.
 *
 * Semantics (docs/internals/shell.md, "ForEach-Object -Parallel"):
 *   - every iteration gets a fresh interpreter: the caller's variables and
 *     functions are not visible; $_ / $PSItem is the (copied) input object and
 *     $using:name a copy of the caller's $name taken when the command starts;
 *   - the caller's imported sessions (Connect-*, Import-PSSession) are usable:
 *     each worker thread has its own HTTPS connection to the same server and
 *     shares the sessions' tokens (roomsys's choice; PowerShell 7 would need a
 *     new session per runspace);
 *   - -ThrottleLimit N (default 5) iterations run at once; output objects,
 *     host text, warnings and errors of an iteration reach the caller when it
 *     completes (so the order of iterations is not kept);
 *   - an iteration's errors are reported (and count for the exit status and
 *     $Error) without stopping the others; `exit`, `return`, `break` end only
 *     that iteration;
 *   - -AsJob is refused with a clear error.
 */
#ifndef LANG_PARALLEL_H
#define LANG_PARALLEL_H

#include "interp.h"

/* Does this ForEach-Object call belong to the -Parallel parameter set
 * (-Parallel, -ThrottleLimit, -AsJob, -UseNewRunspace or -TimeoutSeconds given)? */
bool lang_parallel_requested(const lang_cmdctx *ctx);

/* Run ForEach-Object -Parallel for ctx (pipeline input or -InputObject);
 * outputs are appended to ctx->out. Returns LANG_THROW for binding problems
 * (with I->pending set) and when Ctrl-C stopped the run, else LANG_OK. */
lang_status lang_foreach_parallel(lang_interp *I, lang_cmdctx *ctx);

#endif
