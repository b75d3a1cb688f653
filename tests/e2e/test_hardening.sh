#!/bin/bash
# HTTPS hardening (reliability.md sections 6 and 7), one check per limit
# against the real roomsysd: request body (413), header count (431), header
# size (the connection memory limit), connections per client, slow clients
# cut after [https] connection_timeout_seconds, and TLS on Mozilla's
# intermediate profile on HTTPS and SIP-TLS (TLS 1.1, CBC suites and RSA key
# exchange refused; TLS 1.2 ECDHE-AEAD and TLS 1.3 accepted).
. "$(dirname "$0")/lib.sh"

write_config
sed -i "/^\[https\]/a max_connections_per_client = 4\nconnection_timeout_seconds = 2\nmax_header_count = 40\nmax_header_bytes = 16384" "$WORK/roomsysd.conf"
# SIP-TLS gets an RSA certificate (HTTPS keeps its ECDSA one) so the RSA key
# exchange check below has something to refuse
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/rsa.key" -out "$WORK/rsa.pem" -days 2 \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
printf '[sip]\ntls_cert = %s\ntls_key = %s\n' "$WORK/rsa.pem" "$WORK/rsa.key" >>"$WORK/roomsysd.conf"
start_daemon || { not_ok "daemon starts"; finish; }
CA="$STATE/tls/cert.pem"
URL="https://127.0.0.1:$HTTPS_PORT"
code_of() { curl -s --cacert "$CA" -o "$WORK/body.out" -w '%{http_code}' "$@"; }

# ---- request body: 1 MiB limit ----
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$WORK/big.body"
code=$(code_of -X POST -H 'Content-Type: application/json' --data-binary @"$WORK/big.body" "$URL/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand")
[ "$code" = 413 ] && ok "body over 1 MiB: 413" || not_ok "body over 1 MiB: 413" "code=$code"
contains "413 says what the limit is" "$WORK/body.out" "1048576 bytes"
code=$(code_of -X POST -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big.body" "$URL/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand")
[ "$code" = 413 ] && ok "chunked body over 1 MiB: 413" || not_ok "chunked body over 1 MiB: 413" "code=$code"
head -c 1000 /dev/zero | tr '\0' 'a' >"$WORK/small.body"
code=$(code_of -X POST -H 'Content-Type: application/json' --data-binary @"$WORK/small.body" "$URL/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand")
[ "$code" = 401 ] && ok "a small body reaches the handler (401 without a token)" || not_ok "small body: 401" "code=$code"

# ---- header count: max_header_count = 40 ----
hdrs=()
for i in $(seq 1 41); do hdrs+=(-H "X-Filler-$i: $i"); done
code=$(code_of "${hdrs[@]}" "$URL/readyz")
[ "$code" = 431 ] && ok "more than max_header_count header fields: 431" || not_ok "too many headers: 431" "code=$code"
contains "431 names the limit" "$WORK/body.out" "the limit is 40"
code=$(code_of "${hdrs[@]:0:60}" "$URL/readyz")
[ "$code" = 200 ] && ok "30 extra header fields: 200" || not_ok "30 header fields: 200" "code=$code"

# ---- header size: max_header_bytes = 16384 (libmicrohttpd's connection memory) ----
big=$(head -c 20000 /dev/zero | tr '\0' 'b')
code=$(code_of -H "X-Big: $big" "$URL/readyz")
case "$code" in 413 | 431) ok "a 20 kB header field is refused ($code)" ;; *) not_ok "a 20 kB header field is refused" "code=$code" ;; esac
mid=$(head -c 4000 /dev/zero | tr '\0' 'b')
code=$(code_of -H "X-Mid: $mid" "$URL/readyz")
[ "$code" = 200 ] && ok "a 4 kB header field is fine" || not_ok "a 4 kB header field is fine" "code=$code"

# ---- connections per client (4) and slow clients (2 s) ----
python3 - "$HTTPS_PORT" "$CA" >"$WORK/conn.out" 2>&1 <<'PY'
import socket, ssl, sys, time
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)

def tls():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return ctx.wrap_socket(s, server_hostname="127.0.0.1")

def usable(s):
    try:
        s.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return s.recv(100).startswith(b"HTTP/1.1 200")
    except (OSError, ssl.SSLError):
        return False

# four connections from one address are served ...
held = [tls() for _ in range(4)]
print("four-served", all(usable(s) for s in held))
# ... the fifth is closed at once
try:
    fifth = tls()
    print("fifth-refused", not usable(fifth))
except (OSError, ssl.SSLError):
    print("fifth-refused", True)
# once one closes, a new connection is accepted again
held.pop().close()
time.sleep(0.3)
again = tls()
print("after-close-served", usable(again))
for s in held + [again]:
    s.close()
time.sleep(0.3)

# slow client: a request line without its end, then nothing; cut after 2 s
slow = tls()
slow.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
slow.settimeout(10)
t0 = time.monotonic()
try:
    data = slow.recv(100)
except (OSError, ssl.SSLError):
    data = b""
print("slow-cut", data == b"" or not data.startswith(b"HTTP/1.1 200"), "after %.1f" % (time.monotonic() - t0))
# an idle TLS connection that never sends a request is cut too
idle = tls()
idle.settimeout(10)
try:
    data = idle.recv(100)
except (OSError, ssl.SSLError):
    data = b""
print("idle-cut", data == b"")
# a client that finishes in time is answered
ok = tls()
ok.sendall(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n")
time.sleep(0.5)
ok.sendall(b"\r\n")
print("prompt-served", ok.recv(100).startswith(b"HTTP/1.1 200"))
PY
contains "four connections from one client are served" "$WORK/conn.out" "four-served True"
contains "a fifth connection from the same client is refused" "$WORK/conn.out" "fifth-refused True"
contains "after one closes, the client may connect again" "$WORK/conn.out" "after-close-served True"
contains "a slow client is cut after connection_timeout_seconds" "$WORK/conn.out" "slow-cut True"
contains "an idle connection is cut after connection_timeout_seconds" "$WORK/conn.out" "idle-cut True"
contains "a client that completes in time is answered" "$WORK/conn.out" "prompt-served True"
check "the daemon still serves after the limits" curl -sf --cacert "$CA" "$URL/readyz"

# ---- TLS: Mozilla intermediate on HTTPS and SIP-TLS ----
tls_ok() { # tls_ok PORT ARGS...: handshake succeeds
    port=$1; shift
    openssl s_client -connect "127.0.0.1:$port" "$@" </dev/null >"$WORK/tls.out" 2>&1 &&
        grep -q 'Cipher is [A-Z0-9]' "$WORK/tls.out" && ! grep -q 'Cipher is (NONE)' "$WORK/tls.out"
}
for p in "HTTPS:$HTTPS_PORT:ECDSA" "SIP-TLS:$SIP_TLS_PORT:RSA"; do
    IFS=: read -r name port au <<<"$p"
    tls_ok "$port" -tls1_3 && ok "$name: TLS 1.3 accepted" || not_ok "$name: TLS 1.3 accepted" "$(tail -5 "$WORK/tls.out")"
    tls_ok "$port" -tls1_2 -cipher ECDHE-$au-AES128-GCM-SHA256 && ok "$name: TLS 1.2 ECDHE-$au-AES128-GCM accepted" || not_ok "$name: TLS 1.2 AEAD accepted" "$(tail -5 "$WORK/tls.out")"
    tls_ok "$port" -tls1_2 -cipher ECDHE-$au-AES256-GCM-SHA384 && ok "$name: TLS 1.2 ECDHE-$au-AES256-GCM accepted" || not_ok "$name: TLS 1.2 AES256-GCM accepted" "$(tail -5 "$WORK/tls.out")"
    tls_ok "$port" -tls1_2 -cipher ECDHE-$au-CHACHA20-POLY1305 && ok "$name: TLS 1.2 CHACHA20-POLY1305 accepted" || not_ok "$name: TLS 1.2 CHACHA20 accepted" "$(tail -5 "$WORK/tls.out")"
    tls_ok "$port" -tls1_3 -groups X25519 && ok "$name: group X25519" || not_ok "$name: group X25519"
    tls_ok "$port" -tls1_3 -groups ffdhe2048 && not_ok "$name: finite-field groups refused" || ok "$name: finite-field groups refused"
    tls_ok "$port" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' && not_ok "$name: TLS 1.1 refused" || ok "$name: TLS 1.1 refused"
    tls_ok "$port" -tls1 -cipher 'DEFAULT:@SECLEVEL=0' && not_ok "$name: TLS 1.0 refused" || ok "$name: TLS 1.0 refused"
    tls_ok "$port" -tls1_2 -cipher "ECDHE-$au-AES128-SHA:ECDHE-$au-AES256-SHA:ECDHE-$au-AES128-SHA256:ECDHE-$au-AES256-SHA384" &&
        not_ok "$name: CBC-only client refused" || ok "$name: CBC-only client refused"
    tls_ok "$port" -tls1_2 -cipher 'AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA' &&
        not_ok "$name: RSA key exchange refused" || ok "$name: RSA key exchange refused"
    tls_ok "$port" -tls1_2 -cipher 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384' &&
        not_ok "$name: DHE refused (Mozilla 6.0)" || ok "$name: DHE refused (Mozilla 6.0)"
done
if command -v gnutls-cli >/dev/null; then
    gnutls-cli --x509cafile "$CA" -p "$HTTPS_PORT" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.1' 127.0.0.1 </dev/null >"$WORK/gnutls.out" 2>&1 &&
        not_ok "gnutls-cli: TLS 1.1 refused" "$(tail -3 "$WORK/gnutls.out")" || ok "gnutls-cli: TLS 1.1 refused"
    gnutls-cli --x509cafile "$CA" -p "$HTTPS_PORT" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC' 127.0.0.1 </dev/null >"$WORK/gnutls.out" 2>&1 &&
        not_ok "gnutls-cli: CBC-only TLS 1.2 refused" "$(tail -3 "$WORK/gnutls.out")" || ok "gnutls-cli: CBC-only TLS 1.2 refused"
    gnutls-cli --x509cafile "$CA" -p "$HTTPS_PORT" 127.0.0.1 </dev/null >"$WORK/gnutls.out" 2>&1 &&
        ok "gnutls-cli: default priorities connect" || not_ok "gnutls-cli: default priorities connect" "$(tail -3 "$WORK/gnutls.out")"
fi
finish
