# conn_memory.py PID HOST TCP_PORT TLS_PORT N: daemon RSS growth per idle TCP / TLS
# connection (each sends one OPTIONS and reads the 200, then stays open) and the
# connection set-up rate. Used by bench/transport/run.sh; loopback only.
import socket, ssl, sys, time
pid, host, tport, sport, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def rss():
    for l in open(f'/proc/{pid}/status'):
        if l.startswith('VmRSS:'): return int(l.split()[1])
OPT = ("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-%d\r\n"
       "From: <sip:p@contoso.onmicrosoft.com>;tag=%d\r\nTo: <sip:127.0.0.1>\r\nCall-ID: m%d\r\n"
       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
for name, port, wrap in (('tcp', tport, False), ('tls', sport, True)):
    time.sleep(0.5); before = rss(); conns = []
    t0 = time.time()
    for i in range(n):
        s = socket.create_connection((host, port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if wrap: s = ctx.wrap_socket(s)
        s.sendall((OPT % (i, i, i)).encode())
        buf = b''
        while b'\r\n\r\n' not in buf: buf += s.recv(4096)
        assert buf.startswith(b'SIP/2.0 200'), buf[:40]
        conns.append(s)
    dt = time.time() - t0
    time.sleep(1.0); after = rss()
    print(f'{name}: {n} connections, each answered; daemon RSS +{after-before} KiB = {(after-before)*1024/n:.0f} B per connection; setup {n/dt:.0f} conn/s')
    for s in conns: s.close()
