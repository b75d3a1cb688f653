#!/usr/bin/env python3
"""Summarize one sipp_run.sh run (all its SIPp processes) into summary.json."""
import csv
import glob
import json
import os
import sys


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else None


def main():
    (out, rate, calls, procs, t0, t1, s0, s1, udpdrops, h0, h1) = sys.argv[1:12]
    rx_ticks = int(sys.argv[12]) if len(sys.argv) > 12 else 0
    srv_drops = int(sys.argv[13]) if len(sys.argv) > 13 else 0
    rate, calls, procs = int(rate), int(calls), int(procs)
    t0, t1, s0, s1 = float(t0), float(t1), int(s0), int(s1)
    hb0, ht0 = map(int, h0.split())
    hb1, ht1 = map(int, h1.split())
    tick = os.sysconf("SC_CLK_TCK")
    succ = fail = retr = 0
    elapsed = 0.0
    sipp_cpu = 0.0
    rtd = {}
    for k in range(1, procs + 1):
        d = os.path.join(out, f"p{k}")
        st = list(csv.reader(open(os.path.join(d, "stat.csv")), delimiter=";")) \
            if os.path.exists(os.path.join(d, "stat.csv")) else []
        if len(st) >= 2:
            h, last = st[0], st[-1]
            g = lambda key: last[h.index(key)]
            e = sum(float(x) * m for x, m in zip(g("ElapsedTime(C)").split(":"), (3600, 60, 1)))
            elapsed = max(elapsed, e)
            succ += int(g("SuccessfulCall(C)"))
            fail += int(g("FailedCall(C)"))
            retr += int(g("Retransmissions(C)"))
        try:
            e, u, s = open(os.path.join(d, "sipp_time.txt")).read().split()[-3:]
            sipp_cpu += float(u) + float(s)
        except (OSError, ValueError):
            pass
        for f in glob.glob(os.path.join(d, "*_rtt.csv")):
            for row in csv.reader(open(f), delimiter=";"):
                if len(row) < 3:
                    continue
                try:
                    v = float(row[1])
                except ValueError:
                    continue
                rtd.setdefault(row[2].strip(), []).append(v)
    calls = max(calls, succ + fail)  # the SIPp processes round their share up
    wall = t1 - t0
    cpu_s = (s1 - s0) / tick
    res = dict(target_rate=rate, calls=calls, sipp_procs=procs, successful=succ, failed=fail,
               incomplete=max(0, calls - succ - fail),
               fail_pct=100.0 * (calls - succ) / calls, retrans=retr,
               elapsed=elapsed, wall=wall,
               achieved=(succ / elapsed if elapsed else 0.0),
               udp_rcvbuf_drops=int(udpdrops), server_socket_drops=srv_drops,
               host_busy_pct=100.0 * (hb1 - hb0) / max(1, ht1 - ht0),
               server_cpu_s=cpu_s, server_cores=cpu_s / wall if wall else 0.0,
               server_us_per_ok=(1e6 * cpu_s / succ if succ else None),
               rx_us_per_ok=(1e6 * rx_ticks / tick / succ if succ and rx_ticks else None),
               sipp_cores=sipp_cpu / wall if wall else 0.0)
    for k, v in rtd.items():
        res[f"rtd{k}"] = dict(n=len(v), p50=pct(v, 50), p99=pct(v, 99), max=max(v))
    json.dump(res, open(os.path.join(out, "summary.json"), "w"), indent=1)
    us = res["server_us_per_ok"]
    print(f"rate {rate}/s: ok {succ} fail {fail} ({res['fail_pct']:.2f} %) achieved "
          f"{res['achieved']:.0f}/s retrans {retr} (server socket drops {srv_drops}) cpu/ok {us if us is None else round(us)} us "
          f"cores {res['server_cores']:.2f} sipp {res['sipp_cores']:.2f}")


if __name__ == "__main__":
    main()
