#!/usr/bin/env python3
"""Results of a bench/sip run (bench/sip/run.sh calls this).

  report.py OUT CMD                 markdown report of OUT (results folder) on stdout
  report.py --passes RATE_DIR       exit 0 when the rate passed (median of its runs:
                                    < 1 % failures and >= 97 % of the target achieved)
  report.py --write-docs DOC MD     put MD as the body of DOC's "## Sign-in" section
"""
import glob
import json
import os
import re
import statistics
import sys

SERVERS = ("kamailio", "roomsysd")


def runs(rate_dir):
    out = []
    for f in sorted(glob.glob(os.path.join(rate_dir, "run*", "summary.json"))):
        try:
            out.append(json.load(open(f)))
        except (OSError, ValueError):
            pass
    return out


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def passes(rs):
    if not rs:
        return False
    return (med([r["fail_pct"] for r in rs]) < 1.0 and
            med([r["achieved"] for r in rs]) >= 0.97 * rs[0]["target_rate"])


def rtd(r, leg, key):
    v = r.get(f"rtd{leg}")
    return v.get(key) if v else None


def rate_rows(out, server):
    rows = []
    for d in glob.glob(os.path.join(out, server, "r*")):
        m = re.fullmatch(r"r(\d+)", os.path.basename(d))
        if not m:
            continue
        rs = runs(d)
        if not rs:
            continue
        rows.append(dict(
            rate=int(m.group(1)), n=len(rs), passed=passes(rs),
            achieved=med([r["achieved"] for r in rs]),
            fail_max=max(r["fail_pct"] for r in rs),
            retrans=med([r["retrans"] for r in rs]),
            us=med([r["server_us_per_ok"] for r in rs]),
            rx=med([r.get("rx_us_per_ok") for r in rs]),
            us_min=min((r["server_us_per_ok"] or 0) for r in rs),
            us_max=max((r["server_us_per_ok"] or 0) for r in rs),
            cores=med([r["server_cores"] for r in rs]),
            sipp=med([r["sipp_cores"] for r in rs]),
            procs=rs[0]["sipp_procs"],
            c50=med([rtd(r, 1, "p50") for r in rs]), c99=med([rtd(r, 1, "p99") for r in rs]),
            a50=med([rtd(r, 2, "p50") for r in rs]), a99=med([rtd(r, 2, "p99") for r in rs]),
            drops=med([r["udp_rcvbuf_drops"] for r in rs]),
            sdrops=med([r.get("server_socket_drops") for r in rs])))
    return sorted(rows, key=lambda x: x["rate"])


def fmt(v, nd=0):
    if v is None:
        return "–"
    return f"{v:,.{nd}f}"


def env(out):
    e = {}
    try:
        for line in open(os.path.join(out, "env.txt")):
            for m in re.finditer(r"(\w+)=('[^']*'|\S+)", line):
                e[m.group(1)] = m.group(2).strip("'")
            if line.startswith("cpu="):
                e["cpu_line"] = line.strip()
            if line.startswith("exempt:"):
                e["exempt"] = line.strip()[len("exempt: "):]
    except OSError:
        pass
    return e


def report(out, cmd):
    e = env(out)
    data = {s: rate_rows(out, s) for s in SERVERS}
    best = {}
    for s in SERVERS:
        # sustained: the highest rate below which every rate tried passed too (a
        # pass above a failed rate is luck of that run, not a capacity)
        best[s] = None
        for r in data[s]:
            if not r["passed"]:
                break
            best[s] = r
    L = []
    L.append(f"Command: `{cmd}` — run {e.get('date', '?')}, {int(e.get('accounts', 0)):,} accounts, "
             f"{e.get('repeats', '?')} run(s) of {e.get('duration', '?')} per rate, servers "
             "alternated run by run; medians.")
    L.append("")
    L.append(f"Machine: {e.get('cpu', '?')}, {e.get('cores', '?')} cores, kernel {e.get('kernel', '?')}; "
             f"Kamailio {e.get('kamailio', '?')}, SIPp {e.get('sipp', '?')}, roomsysd {e.get('roomsysd', '?')} "
             f"({e.get('commit', '?')}). Both servers and SIPp share the machine (the build machine is "
             "shared with other work, so absolute figures are noisy; ratios come from the same run).")
    L.append("")
    L.append("Setup: one SIPp scenario (REGISTER → 401 → REGISTER + digest MD5 qop=auth → 200, Request-URI "
             "`sip:127.0.0.1:port`), one SIPp process per 5,000/s, at most 6 (each `-t u1`, its own slice "
             "of the accounts). Kamailio 5.6: `bench/sip/kamailio-registrar.cfg`, auth_db on SQLite "
             "(`calculate_ha1`), usrloc `db_mode 2` (write-back to the same SQLite file), 4 UDP "
             "children. roomsysd: one UDP pool, every sign-in gate on (room enabled, licence, account "
             "enabled, password expiry, lockout, home pool); cheap argon2 parameters in the bench's "
             "daemon config (the bench measures sign-in, not password hashing). Accounts provisioned "
             "through roomsysd's HTTPS admin API (New-Mailbox -Room, Set-MsolUser, Set-MsolUserLicense, "
             "Enable-CsMeetingRoom) and, for Kamailio, into its subscriber table. Flood protection: "
             f"{e.get('exempt', '?')} — 127.0.0.1 exempt in both. Every account registered once on "
             "each server before the sweep.")
    L.append("")
    k, r = best["kamailio"], best["roomsysd"]
    L.append("| | Kamailio 5.6 (SQLite) | roomsysd | roomsysd / Kamailio |")
    L.append("|---|---:|---:|---:|")

    def ratio(a, b):
        return f"{a / b:.2f}" if a and b else "–"
    L.append(f"| Highest sustained rate: < 1 % failures there and at every lower rate (exchanges/s) | {fmt(k and k['rate'])} | "
             f"{fmt(r and r['rate'])} | {ratio(r and r['rate'], k and k['rate'])} |")
    # CPU per OK at the highest rate both passed (equal load), and at each one's best
    common = sorted(set(x["rate"] for x in data["kamailio"] if x["passed"]) &
                    set(x["rate"] for x in data["roomsysd"] if x["passed"]))
    if common:
        cr = common[-1]
        kc = next(x for x in data["kamailio"] if x["rate"] == cr)
        rc = next(x for x in data["roomsysd"] if x["rate"] == cr)
        L.append(f"| CPU µs per successful registration at {cr:,}/s | {fmt(kc['us'])} | {fmt(rc['us'])} | "
                 f"{ratio(rc['us'], kc['us'])} |")
        if rc.get("rx"):
            L.append(f"| … of which roomsysd's SIP receive threads (parse, digest, registrar, "
                     f"sockets) | | {fmt(rc['rx'])} | {ratio(rc['rx'], kc['us'])} |")
        L.append(f"| Authenticated leg p50 / p99 at {cr:,}/s (ms) | {fmt(kc['a50'], 1)} / {fmt(kc['a99'], 1)} | "
                 f"{fmt(rc['a50'], 1)} / {fmt(rc['a99'], 1)} | |")
    if k and r:
        L.append(f"| CPU µs per successful registration at the highest rate | {fmt(k['us'])} | {fmt(r['us'])} | "
                 f"{ratio(r['us'], k['us'])} |")
        L.append(f"| Authenticated leg p50 / p99 at the highest rate (ms) | {fmt(k['a50'], 1)} / {fmt(k['a99'], 1)} | "
                 f"{fmt(r['a50'], 1)} / {fmt(r['a99'], 1)} | |")

    def kib(key):
        v = e.get(key)
        return f"{int(v) / 1024:,.0f} MiB" if v and v.isdigit() and int(v) else "–"
    L.append(f"| Memory idle, {int(e.get('accounts', 0)):,} accounts (PSS, all processes) | "
             f"{kib('idle_pss_kib_kamailio')} | {kib('idle_pss_kib_roomsysd')} | |")
    L.append(f"| Memory with every account registered (PSS) | {kib('registered_pss_kib_kamailio')} | "
             f"{kib('registered_pss_kib_roomsysd')} | |")
    L.append(f"| Memory at the end of the sweep (PSS) | {kib('end_pss_kib_kamailio')} | "
             f"{kib('end_pss_kib_roomsysd')} | |")
    L.append("")
    if k and r:
        cpu_ok = common and rc["us"] <= 0.5 * kc["us"]
        rate_ok = r["rate"] >= 1.5 * k["rate"]
        L.append(f"Targets: CPU per registration ≤ ½ of Kamailio's: **{'met' if cpu_ok else 'not met'}**; "
                 f"highest rate ≥ 1.5 × Kamailio's: **{'met' if rate_ok else 'not met'}**"
                 + ("" if r is not data["roomsysd"][-1] else
                    " (roomsysd passed the highest rate tried: its limit is above it, or the load "
                    "generator's)") + ".")
        L.append("")
    for s in SERVERS:
        if not data[s]:
            continue
        L.append(f"{'Kamailio' if s == 'kamailio' else 'roomsysd'} per rate (pass = median < 1 % failures and "
                 "≥ 97 % of the target achieved):")
        L.append("")
        rxcol = s == "roomsysd"
        L.append("| Target/s | Achieved/s | Fail % (max) | Retrans (server socket drops) | CPU µs/OK (min–max) | "
                 + ("of which receive threads | " if rxcol else "") +
                 "Server cores | SIPp cores (procs) | 401 p50/p99 ms | 200 p50/p99 ms | Pass |")
        L.append("|---:|---:|---:|---:|---:|" + ("---:|" if rxcol else "") + "---:|---:|---:|---:|:---:|")
        for x in data[s]:
            L.append(f"| {x['rate']:,} | {fmt(x['achieved'])} | {x['fail_max']:.2f} | {fmt(x['retrans'])} ({fmt(x['sdrops'])}) | "
                     f"{fmt(x['us'])} ({fmt(x['us_min'])}–{fmt(x['us_max'])}) | "
                     + (f"{fmt(x['rx'])} | " if rxcol else "") + f"{x['cores']:.2f} | "
                     f"{x['sipp']:.2f} ({x['procs']}) | {fmt(x['c50'], 1)}/{fmt(x['c99'], 1)} | "
                     f"{fmt(x['a50'], 1)}/{fmt(x['a99'], 1)} | {'yes' if x['passed'] else 'no'} |")
        L.append("")
    L.append("SIPp measures response times in whole milliseconds on this machine (its clock "
             "granularity), so sub-millisecond latencies show as 0–1 ms.")
    return "\n".join(L) + "\n"


def write_docs(doc, md):
    text = open(doc).read()
    body = open(md).read()
    m = re.search(r"^## Sign-in[^\n]*\n", text, flags=re.M)
    if not m:
        sys.exit(f"{doc}: no '## Sign-in' section")
    nxt = re.search(r"^## ", text[m.end():], flags=re.M)
    end = m.end() + nxt.start() if nxt else len(text)
    text = text[:m.end()] + "\n" + body.rstrip() + "\n\n" + text[end:]
    open(doc, "w").write(text)


def main():
    if sys.argv[1] == "--passes":
        sys.exit(0 if passes(runs(sys.argv[2])) else 1)
    if sys.argv[1] == "--write-docs":
        write_docs(sys.argv[2], sys.argv[3])
        return
    sys.stdout.write(report(sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    main()
