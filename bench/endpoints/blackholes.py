#!/usr/bin/env python3
"""Opens N loopback ports that never answer a TCP connect (accept queue full, never accepted), prints
them one per line, then holds them until stdin closes. Linux drops SYNs to a full queue, so a client's
connect hangs until its connect timeout, like a host behind a dropping firewall."""
import socket
import sys

n = int(sys.argv[1])
held = []
for _ in range(n):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(0)
    port = s.getsockname()[1]
    for _ in range(4):  # the kernel queues backlog + 1; a few more make sure it is full
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(c)
    held.append(s)
    print(port, flush=True)
sys.stdin.read()
