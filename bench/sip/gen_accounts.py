#!/usr/bin/env python3
"""Generate the bench's N room accounts (bench/sip/run.sh calls this).

roomNNNNNN@REALM with password Pw-NNNNNN-x9 (deterministic, so every file can be
regenerated identically). Digest username = the SIP address (user@domain), the
roomsys convention (spec sign-in.md section 2). Writes into OUTDIR:
  users.csv            SIPp injection file (SEQUENTIAL)
  accounts.tsv         address<TAB>password, for provisioning roomsysd
  kamailio.sqlite      Kamailio 5.6 schema (version, subscriber, location) with
                       the same accounts in subscriber (plaintext password +
                       ha1/ha1b, calculate_ha1 on) and an empty location table
                       that usrloc writes back to (db_mode 2)
Usage: gen_accounts.py N REALM OUTDIR [KAMAILIO_SQL_DIR]
"""
import hashlib
import os
import sqlite3
import sys


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def main():
    n, realm, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    sqldir = sys.argv[4] if len(sys.argv) > 4 else "/usr/share/kamailio/db_sqlite"
    os.makedirs(out, exist_ok=True)
    users = []
    for i in range(1, n + 1):
        u = "room%06d" % i
        p = "Pw-%06d-x9" % i
        users.append((i, u, realm, p, md5(f"{u}:{realm}:{p}"), md5(f"{u}@{realm}:{realm}:{p}")))
    db = os.path.join(out, "kamailio.sqlite")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode=WAL")  # persistent: auth_db reads while usrloc writes back
    for f in ("standard-create.sql", "auth_db-create.sql", "usrloc-create.sql"):
        with open(os.path.join(sqldir, f)) as fh:
            c.executescript(fh.read())
    c.executemany(
        "INSERT INTO subscriber (id, username, domain, password, ha1, ha1b) VALUES (?,?,?,?,?,?)",
        users)
    c.commit()
    c.close()
    with open(os.path.join(out, "users.csv"), "w") as f:
        f.write("SEQUENTIAL\n")
        for r in users:
            f.write(f"{r[1]};{realm};[authentication username={r[1]}@{realm} password={r[3]}]\n")
    with open(os.path.join(out, "accounts.tsv"), "w") as f:
        for r in users:
            f.write(f"{r[1]}@{realm}\t{r[3]}\n")
    print(f"generated {n} accounts for {realm} in {out}")


if __name__ == "__main__":
    main()
