/* bindings.h - roomsysd's write-behind persistence of SIP bindings
 * (soft state, docs/internals/sip.md "Binding persistence").
 *
 * Bindings live in the registrar core's memory. A persister thread takes the
 * AoRs changed since its last round (sip_core_take_dirty) every interval and
 * writes them in one transaction to state_dir/bindings.db, a database of its
 * own (store_open_soft: synchronous=NORMAL, its own lock), so a REGISTER's
 * reply never waits for a disk write. A clean stop writes the last changes;
 * a crash loses at most about one interval. At start the unexpired bindings
 * are loaded into the core before any socket opens, and saved AoRs whose
 * bindings all expired are deleted. Expiry is stored as absolute wall time.
 *
 * Use: open; fill the sip_options (persist_*); sip_server_start_opts; start
 * with the server's core; ... stop; sip_server_stop (final write); close.
 */
#ifndef RS_DAEMON_BINDINGS_H
#define RS_DAEMON_BINDINGS_H

#include "../base/rs_err.h"
#include "../sip/sip.h"

typedef struct rs_bindings rs_bindings;

/* Open (creating) state_dir/bindings.db. state_dir borrowed. *out freed with
 * rs_bindings_close. */
rs_status rs_bindings_open(const char *state_dir, rs_bindings **out, rs_err *err);
/* Set o's persist_load / persist_final / persist_ud to this persister. */
void rs_bindings_options(rs_bindings *b, sip_options *o);
/* Start the write-behind thread on core (borrowed; must outlive
 * rs_bindings_stop), one round every interval_ms. */
rs_status rs_bindings_start(rs_bindings *b, sip_core *core, int interval_ms, rs_err *err);
/* Stop and join the thread (NULL-safe). Call before the core is freed. */
void rs_bindings_stop(rs_bindings *b);
/* Close the database (NULL-safe); the core using it must be freed first. */
void rs_bindings_close(rs_bindings *b);
/* Write the changed AoRs now (what one round does); returns how many, or -1
 * when the write failed (the changes are then lost from the saved copy until
 * their AoRs change again; logged). */
long rs_bindings_flush(rs_bindings *b, sip_core *core);

#endif
