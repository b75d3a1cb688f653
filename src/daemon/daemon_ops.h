/* daemon_ops.h - roomsysd's operations helpers: systemd readiness
 * notification, --check-config and what a SIGHUP reload may change. */
#ifndef RS_DAEMON_OPS_H
#define RS_DAEMON_OPS_H

#include "../base/rs_config.h"
#include "../base/rs_err.h"

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path,
 * or an abstract socket when it starts with '@'). state is e.g. "READY=1" or
 * several "KEY=value" lines. Returns 1 when sent, 0 when not under systemd
 * (no NOTIFY_SOCKET), -1 on error. Thread-safe. */
int rs_sd_notify(const char *state);

/* Printf form; the text is cut at 1 KiB. */
int rs_sd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "RELOADING=1\nMONOTONIC_USEC=<now>" as systemd 252 expects on SIGHUP. */
int rs_sd_notify_reloading(void);

/* --check-config beyond parsing: certificate/key pairs that are configured
 * can be read and belong together, the state folder exists and is writable
 * (or can be created). Creates nothing. On a problem returns RS_EINVAL with
 * err naming it. */
rs_status rs_config_check_files(const rs_config *cfg, rs_err *err);

/* Log (warning) every setting that differs between the running and the new
 * configuration and needs a restart to take effect. Returns how many. */
int rs_config_log_restart_needed(const rs_config *running, const rs_config *next);

#endif
