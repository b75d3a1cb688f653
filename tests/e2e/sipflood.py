#!/usr/bin/env python3
"""sipflood.py SRC_IP DST_PORT COUNT: send COUNT SIP OPTIONS over UDP from
SRC_IP (any 127/8 address works on Linux) to 127.0.0.1:DST_PORT, then print
how many got a response. Used by test_flood.sh."""
import socket
import sys

src, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
lport = s.getsockname()[1]
for i in range(count):
    msg = (f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP {src}:{lport};branch=z9hG4bK-flood-{i};rport\r\n"
           f"From: <sip:flood@example.com>;tag=f{i}\r\n"
           f"To: <sip:127.0.0.1:{port}>\r\n"
           f"Call-ID: flood-{i}@{src}\r\n"
           "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    s.sendto(msg.encode(), ("127.0.0.1", port))
s.settimeout(1.0)
got = 0
try:
    while True:
        data = s.recv(65535)
        if data.startswith(b"SIP/2.0 200"):
            got += 1
except socket.timeout:
    pass
print(got)
