#!/usr/bin/env python3
"""sipcheck.py - stdlib-only SIP checks that SIPp cannot express: exact header
sets, byte-for-byte comparisons of two answers, silence after an ACK. Used by
tests/e2e/test_registrar*.sh against a real roomsysd on 127.0.0.1.

  sipcheck.py methods  --port P
  sipcheck.py retrans  --port P --user AOR --password PW
  sipcheck.py same401  --port P --user AOR --password PW [--wrong PW]
  sipcheck.py cseq     --port P --user AOR --password PW
  sipcheck.py digest   --port P --user AOR --password PW [--algorithms MD5,SHA-256]
                       [--stale-wait S]
  sipcheck.py register --port P --user AOR --password PW [--expires N]
                       [--contact C]... [--no-contact] [--expect CODE]
  (every command takes --src ADDR, the local address to send from; default 127.0.0.1)

Exit status 0 when every check of the command holds; each failure is printed
on stdout with the messages involved. `register` prints the final response.
Digest: the first challenge offered (MD5 or SHA-256), qop=auth, username =
the AoR, uri = the Request-URI (sip:127.0.0.1:PORT, as SIPp sends it).
"""
import argparse
import hashlib
import random
import re
import socket
import sys
import time

FAILS = []


def fail(msg, *msgs):
    FAILS.append(msg)
    print("FAIL: " + msg)
    for m in msgs:
        print("  | " + (m or "(nothing)").replace("\r\n", "\n  | "))


def hexid(n):
    return "%0*x" % (n, random.getrandbits(4 * n))


class Client:
    def __init__(self, port, src="127.0.0.1"):
        self.port = port
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((src, 0))
        self.s.connect(("127.0.0.1", port))
        self.src, self.lport = self.s.getsockname()
        self.ruri = "sip:127.0.0.1:%d" % port

    def send(self, text):
        self.s.send(text.encode())

    def recv(self, timeout=5.0):
        """The next datagram, or None after timeout seconds."""
        self.s.settimeout(timeout)
        try:
            return self.s.recv(65535).decode(errors="replace")
        except (socket.timeout, TimeoutError):
            return None

    def request(self, method, aor=None, cseq=1, call_id=None, tag=None, extra=(), contact=None,
                expires=None):
        aor = aor or "probe@contoso.onmicrosoft.com"
        lines = ["%s %s SIP/2.0" % (method, self.ruri),
                 "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport" % (self.src, self.lport, hexid(16)),
                 "Max-Forwards: 70",
                 "From: <sip:%s>;tag=%s" % (aor, tag or hexid(8)),
                 "To: <sip:%s>" % aor,
                 "Call-ID: %s" % (call_id or hexid(16) + "@sipcheck"),
                 "CSeq: %d %s" % (cseq, method)]
        if contact:
            lines.append("Contact: " + contact)
        if expires is not None:
            lines.append("Expires: %d" % expires)
        lines += list(extra)
        lines += ["Content-Length: 0", "", ""]
        return "\r\n".join(lines)


def status(resp):
    return int(resp.split(" ", 2)[1]) if resp else None


def header_lines(resp):
    out = []
    for line in resp.split("\r\n")[1:]:
        if not line:
            break
        out.append(line)
    return out


def headers(resp, name):
    return [l.partition(":")[2].strip() for l in header_lines(resp)
            if l.partition(":")[0].strip().lower() == name.lower()]


def names(resp):
    return [l.partition(":")[0].strip() for l in header_lines(resp)]


def challenge(resp):
    h = headers(resp, "WWW-Authenticate")
    if not h:
        return None
    d = {}
    for m in re.finditer(r'(\w+)\s*=\s*("([^"]*)"|[^,\s]+)', h[0]):
        d[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return d


def challenges(resp):
    """Every WWW-Authenticate of a 401, parsed, in order."""
    out = []
    for h in headers(resp, "WWW-Authenticate"):
        d = {"_raw": h}
        for m in re.finditer(r'(\w+)\s*=\s*("([^"]*)"|[^,\s]+)', h):
            d[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
        out.append(d)
    return out


def H(alg, s):
    f = hashlib.sha256 if alg.upper() == "SHA-256" else hashlib.md5
    return f(s.encode()).hexdigest()


def authorization(ch, user, password, uri, nc=1, cnonce=None):
    alg = ch.get("algorithm", "MD5")
    ha1 = H(alg, "%s:%s:%s" % (user, ch["realm"], password))
    ha2 = H(alg, "REGISTER:" + uri)
    ncs = "%08x" % nc
    cnonce = cnonce or hexid(8)
    resp = H(alg, "%s:%s:%s:%s:auth:%s" % (ha1, ch["nonce"], ncs, cnonce, ha2))
    return ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s"'
            % (user, ch["realm"], ch["nonce"], uri, resp, alg, ncs, cnonce))


def exchange(c, user, password, call_id=None, cseq=1, auth_cseq=None, tag=None, **kw):
    """REGISTER -> 401 -> REGISTER with digest (CSeq cseq, then auth_cseq or cseq + 1).
    Returns (challenge, request sent, final answer)."""
    call_id = call_id or hexid(16) + "@sipcheck"
    tag = tag or hexid(8)
    c.send(c.request("REGISTER", user, cseq, call_id, tag, **kw))
    r1 = c.recv()
    ch = challenge(r1) if status(r1) == 401 else None
    if not ch:
        fail("REGISTER without credentials: expected a 401 challenge", r1)
        return None, None, r1
    extra = list(kw.pop("extra", ())) + [authorization(ch, user, password, c.ruri)]
    req = c.request("REGISTER", user, auth_cseq or cseq + 1, call_id, tag, extra=extra, **kw)
    c.send(req)
    return ch, req, c.recv()


def cmd_methods(a):
    c = Client(a.port, a.src)
    # OPTIONS: 200 with exactly these headers, in this order
    c.send(c.request("OPTIONS"))
    r = c.recv()
    want = ["Via", "From", "To", "Call-ID", "CSeq", "Allow", "Supported", "Content-Length"]
    if status(r) != 200:
        fail("OPTIONS: expected 200", r)
    elif names(r) != want:
        fail("OPTIONS: header set %s, expected %s" % (names(r), want), r)
    elif headers(r, "Allow") != ["REGISTER, OPTIONS"]:
        fail("OPTIONS: Allow must be 'REGISTER, OPTIONS'", r)
    # every other method: 405 + Allow (RFC 3261 section 8.2.1), same header set
    want405 = ["Via", "From", "To", "Call-ID", "CSeq", "Allow", "Content-Length"]
    for m in ("INVITE", "MESSAGE", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "BYE", "CANCEL",
              "PRACK", "UPDATE", "REFER", "FOO"):
        c.send(c.request(m))
        r = c.recv()
        if status(r) != 405 or not r.startswith("SIP/2.0 405 Method Not Allowed\r\n"):
            fail("%s: expected '405 Method Not Allowed'" % m, r)
        elif names(r) != want405 or headers(r, "Allow") != ["REGISTER, OPTIONS"]:
            fail("%s: 405 header set %s, expected %s with Allow: REGISTER, OPTIONS"
                 % (m, names(r), want405), r)
        elif "\r\nCSeq: 1 %s\r\n" % m not in r:
            fail("%s: the 405 must copy the request's CSeq" % m, r)
    # ACK is never answered: send ACK then OPTIONS on one socket; the server reads
    # one socket in order, so the first answer that comes back must be the OPTIONS one
    ack_call = hexid(16) + "@sipcheck-ack"
    c.send(c.request("ACK", call_id=ack_call))
    c.send(c.request("OPTIONS", call_id="after-ack@sipcheck"))
    r = c.recv()
    if not r or "after-ack@sipcheck" not in r:
        fail("ACK: an answer came back before the next OPTIONS's", r)
    elif status(r) != 200:
        fail("OPTIONS after ACK: expected 200", r)


def cmd_retrans(a):
    c = Client(a.port, a.src)
    ch, req, r1 = exchange(c, a.user, a.password, contact="<sip:rt@127.0.0.1:%d>" % c.lport,
                           expires=600)
    if status(r1) != 200:
        fail("authenticated REGISTER: expected 200", r1)
        return
    # an identical retransmission gets the identical bytes (Date and expires included)
    c.send(req)
    r2 = c.recv()
    if r2 != r1:
        fail("retransmission: the answer differs from the first one", r1, r2)
    # ... and it was not re-authenticated: the same credentials (nc=1) in a new
    # transaction are a replay (401 stale=true), so a re-run of auth could not give 200
    newtx = re.sub(r"branch=z9hG4bK\w+", "branch=z9hG4bK" + hexid(16), req)
    newtx = re.sub(r"CSeq: (\d+) ", lambda m: "CSeq: %d " % (int(m.group(1)) + 1), newtx)
    c.send(newtx)
    r3 = c.recv()
    if status(r3) != 401 or "stale=true" not in r3:
        fail("same credentials in a new transaction: expected 401 stale=true (replay)", r3)


def cmd_cseq(a):
    """RFC 3261 10.3 step 7 ordering: same Call-ID needs a higher CSeq (else 400, no
    change); another Call-ID replaces. (SIPp misreads a reason phrase containing
    "CSeq", such as 400 Invalid CSeq, as the CSeq header, so this is not a scenario.)"""
    c = Client(a.port, a.src)
    ct = "<sip:cs@127.0.0.1:%d>" % c.lport
    cid, tag = hexid(16) + "@sipcheck", hexid(8)
    _, _, r = exchange(c, a.user, a.password, cid, 1, 2, tag, contact=ct, expires=600)
    if status(r) != 200 or headers(r, "Contact") != [ct + ";expires=600"]:
        fail("CSeq 2: expected 200 with the one binding for 600 s", r)
        return
    for n, what in ((2, "equal"), (1, "lower")):
        _, _, r = exchange(c, a.user, a.password, cid, n, n, tag, contact=ct, expires=300)
        if status(r) != 400 or headers(r, "Contact"):
            fail("same Call-ID, %s CSeq %d: expected 400 without bindings" % (what, n), r)
    _, _, r = exchange(c, a.user, a.password, cid, 3, 4, tag)
    got = headers(r, "Contact")
    if status(r) != 200 or len(got) != 1 or not re.match(re.escape(ct) + r";expires=(600|59\d)$", got[0]):
        fail("query: expected the binding unchanged (600 s, not 300)", r)
    _, _, r = exchange(c, a.user, a.password, None, 1, 1, None, contact=ct, expires=300)
    if status(r) != 200 or headers(r, "Contact") != [ct + ";expires=300"]:
        fail("another Call-ID with CSeq 1: expected 200, the binding replaced (300 s)", r)


def cmd_digest(a):
    """Digest rows of sign-in.md 5 and 9: one challenge per offered algorithm (order as
    configured, one nonce, qop="auth", realm = the To domain); each algorithm verifies;
    a cached nonce with a higher nc refreshes; an nc already used is a replay (401
    stale=true) that leaves the client undisturbed; a wrong response does not move nc;
    with --stale-wait, a nonce older than its lifetime gets 401 stale=true."""
    c = Client(a.port, a.src)
    cid, tag = hexid(16) + "@sipcheck", hexid(8)
    ct = "<sip:dg@127.0.0.1:%d>" % c.lport
    realm = a.user.split("@", 1)[1]
    c.send(c.request("REGISTER", a.user, 1, cid, tag, contact=ct, expires=600))
    r = c.recv()
    chs = challenges(r) if status(r) == 401 else []
    if [ch.get("algorithm") for ch in chs] != a.algorithms.split(","):
        fail("challenge: expected one WWW-Authenticate per algorithm, in the order %s" % a.algorithms, r)
        return
    if (len({ch.get("nonce") for ch in chs}) != 1 or any(
            ch.get("qop") != "auth" or ch.get("realm") != realm or "stale" in ch for ch in chs)):
        fail("challenge: expected one nonce, qop=\"auth\" and realm=\"%s\" in each" % realm, r)
        return
    cseq = [1]

    def answer(ch, nc, password=a.password, expect=200, stale=False, what=""):
        cseq[0] += 1
        c.send(c.request("REGISTER", a.user, cseq[0], cid, tag, contact=ct, expires=600,
                         extra=[authorization(ch, a.user, password, c.ruri, nc=nc)]))
        r = c.recv()
        if status(r) != expect or (expect == 401 and ("stale=true" in r) != stale):
            fail("%s: expected %d%s" % (what, expect, " stale=true" if stale else ""), r)
        return r

    nc = 0
    for ch in chs:
        nc += 1
        answer(ch, nc, what="%s answer, nc=%d" % (ch.get("algorithm"), nc))
    ch = chs[0]
    nc += 1
    answer(ch, nc, what="refresh with the cached nonce, nc=%d" % nc)
    answer(ch, nc, expect=401, stale=True, what="replay of nc=%d in a new transaction" % nc)
    nc += 1
    answer(ch, nc, what="the client after the replay, nc=%d" % nc)
    nc += 1
    answer(ch, nc, password=a.wrong, expect=401, what="wrong password, nc=%d" % nc)
    answer(ch, nc, what="the right password with that nc=%d (a failure does not move nc)" % nc)
    if a.stale_wait:
        cseq[0] += 1
        c.send(c.request("REGISTER", a.user, cseq[0], cid, tag, contact=ct, expires=600))
        fresh = challenges(c.recv())
        time.sleep(a.stale_wait)
        r = answer(fresh[0], 1, expect=401, stale=True, what="nonce older than its lifetime")
        if status(r) == 401:
            answer(challenges(r)[0], 1, what="the nonce of the stale=true challenge")


def normalise(resp):
    resp = re.sub(r'nonce="[^"]*"', 'nonce="N"', resp)
    resp = re.sub(r"tag=[^;>\r\n]+", "tag=T", resp)
    resp = re.sub(r"branch=[^;\r\n]+", "branch=B", resp)
    return re.sub(r"(?m)^Call-ID: .*$", "Call-ID: C", resp)


def cmd_same401(a):
    """The account's right password (refused by a gate) and a wrong one get the same answer."""
    c = Client(a.port, a.src)
    ct = "<sip:same@127.0.0.1:%d>" % c.lport
    _, _, right = exchange(c, a.user, a.password, contact=ct, expires=600)
    _, _, wrong = exchange(c, a.user, a.wrong, contact=ct, expires=600)
    if status(wrong) != 401:
        fail("wrong password: expected 401", wrong)
    elif status(right) != 401:
        fail("right password of a refused account: expected 401", right)
    elif len(right) != len(wrong) or normalise(right) != normalise(wrong):
        fail("refused and wrong-password answers differ", right, wrong)


def cmd_register(a):
    c = Client(a.port, a.src)
    kw = {}
    if a.contact:
        kw["contact"] = ", ".join(a.contact)
    elif not a.no_contact:
        kw["contact"] = "<sip:check@127.0.0.1:%d>" % c.lport
    if a.expires is not None:
        kw["expires"] = a.expires
    _, _, r = exchange(c, a.user, a.password, **kw)
    print(r or "(no answer)")
    if a.expect and status(r) != a.expect:
        fail("expected %d" % a.expect, r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["methods", "retrans", "same401", "register", "cseq", "digest"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", default="probe@contoso.onmicrosoft.com")
    ap.add_argument("--password", default="")
    ap.add_argument("--wrong", default="Wr0ng-pass!x")
    ap.add_argument("--expires", type=int)
    ap.add_argument("--contact", action="append")
    ap.add_argument("--no-contact", action="store_true")
    ap.add_argument("--expect", type=int)
    ap.add_argument("--src", default="127.0.0.1", help="local address (any of 127/8)")
    ap.add_argument("--algorithms", default="MD5,SHA-256", help="digest: the expected challenge order")
    ap.add_argument("--stale-wait", type=float, default=0, help="digest: seconds past the nonce lifetime")
    a = ap.parse_args()
    {"methods": cmd_methods, "retrans": cmd_retrans, "same401": cmd_same401,
     "register": cmd_register, "cseq": cmd_cseq, "digest": cmd_digest}[a.cmd](a)
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
