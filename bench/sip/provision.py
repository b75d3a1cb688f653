#!/usr/bin/env python3
"""Provision the bench's room accounts into roomsysd through its own admin path:
the HTTPS InvokeCommand API (the same calls the roomsys shell makes), with
several client processes in parallel (bench/sip/run.sh calls this).

Per account, the minimal sign-in-ready flow of examples/seed-demo.ps1:
  New-Mailbox -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword ...
  Set-MsolUser -UsageLocation US
  Set-MsolUserLicense -AddLicenses <tenant>:MCOSTANDARD
  Enable-CsMeetingRoom -RegistrarPool <pool> -SipAddressType EmailAddress
Usage: provision.py URL CAFILE TENANT ADMIN_UPN ADMIN_PASSWORD_FILE POOL ACCOUNTS_TSV PROCS
An account whose New-Mailbox answers "already exists" is taken as done by an
earlier, interrupted run and its remaining steps are repeated (they are
idempotent). Exit 1 when any account failed.
"""
import http.client
import json
import multiprocessing as mp
import ssl
import sys
import time
import urllib.parse

SCOPES = {
    "exchange": ("/adminapi/beta", "https://outlook.office365.com/.default"),
    "msol": ("/msol/adminapi/beta", "https://graph.windows.net/.default"),
    "sfb": ("/sfb/adminapi/beta", "https://api.interfaces.records.teams.microsoft.com/.default"),
}


class Client:
    def __init__(self, url, cafile, tenant, admin, password):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.tenant, self.admin, self.password = tenant, admin, password
        self.conn = None
        self.tokens = {}

    def _request(self, method, path, body, headers):
        for attempt in range(6):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx,
                                                            timeout=60)
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.status == 503:  # worker ring full: back off and retry
                    time.sleep(0.05 * (attempt + 1))
                    continue
                return r.status, data
            except (http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                time.sleep(0.1 * (attempt + 1))
        raise RuntimeError(f"{method} {path}: no answer after retries")

    def token(self, svc):
        if svc not in self.tokens:
            form = urllib.parse.urlencode({"grant_type": "password", "username": self.admin,
                                           "password": self.password, "scope": SCOPES[svc][1]})
            st, data = self._request("POST", f"/{self.tenant}/oauth2/v2.0/token", form,
                                     {"Content-Type": "application/x-www-form-urlencoded"})
            if st != 200:
                raise RuntimeError(f"token for {svc}: HTTP {st}: {data[:300]!r}")
            self.tokens[svc] = json.loads(data)["access_token"]
        return self.tokens[svc]

    def invoke(self, svc, cmdlet, params):
        body = json.dumps({"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}})
        st, data = self._request("POST", f"{SCOPES[svc][0]}/{self.tenant}/InvokeCommand", body,
                                 {"Content-Type": "application/json",
                                  "Authorization": "Bearer " + self.token(svc)})
        return st, data


def work(args):
    url, cafile, tenant, admin, password, pool, rows = args
    c = Client(url, cafile, tenant, admin, password)
    failed = []
    for addr, pw in rows:
        name = addr.split("@")[0]
        st, data = c.invoke("exchange", "New-Mailbox", {
            "Name": name, "MicrosoftOnlineServicesID": addr, "Room": True,
            "EnableRoomMailboxAccount": True, "RoomMailboxPassword": pw})
        if st != 200 and b"already" not in data:
            failed.append(f"{addr}: New-Mailbox: HTTP {st}: {data[:200]!r}")
            continue
        steps = [("msol", "Set-MsolUser", {"UserPrincipalName": addr, "UsageLocation": "US"}),
                 ("msol", "Set-MsolUserLicense", {"UserPrincipalName": addr,
                                                  "AddLicenses": f"{tenant.split('.')[0]}:MCOSTANDARD"}),
                 ("sfb", "Enable-CsMeetingRoom", {"Identity": addr, "RegistrarPool": pool,
                                                  "SipAddressType": "EmailAddress"})]
        for svc, cmd, params in steps:
            st, data = c.invoke(svc, cmd, params)
            if st != 200 and not (st != 500 and b"already" in data):
                failed.append(f"{addr}: {cmd}: HTTP {st}: {data[:200]!r}")
                break
    return len(rows), failed


def main():
    url, cafile, tenant, admin, pwfile, pool, tsv, procs = sys.argv[1:9]
    procs = int(procs)
    password = open(pwfile).readline().rstrip("\n")
    rows = [tuple(l.rstrip("\n").split("\t")) for l in open(tsv) if l.strip()]
    chunk = 200
    jobs = [(url, cafile, tenant, admin, password, pool, rows[i:i + chunk])
            for i in range(0, len(rows), chunk)]
    t0 = time.time()
    done, failures = 0, []
    with mp.Pool(procs) as p:
        for n, f in p.imap_unordered(work, jobs):
            done += n
            failures += f
            if done % 5000 < chunk:
                el = time.time() - t0
                print(f"provisioned {done}/{len(rows)} in {el:.0f} s ({done / el:.0f} rooms/s)",
                      flush=True)
    for f in failures[:20]:
        print("FAILED", f, file=sys.stderr)
    print(f"{len(rows)} accounts, {len(failures)} failures, {time.time() - t0:.0f} s", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
