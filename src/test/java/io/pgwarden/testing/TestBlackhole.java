package io.pgwarden.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback addresses that never answer, for probe-timeout tests and benchmarks. Two kinds, because they exercise
 * different timeouts:
 * <ul>
 * <li>{@link #unanswered()}: a listener whose accept queue is full and that never accepts; Linux drops further
 * SYNs, so a client's TCP connect hangs until its <em>connect</em> timeout (like a host behind a dropping
 * firewall);</li>
 * <li>{@link #silent()}: a listener that accepts and then never speaks; the TCP connect succeeds and the client
 * waits for the server's first byte until its <em>socket/login</em> timeout (like a hung postmaster).</li>
 * </ul>
 */
public final class TestBlackhole implements AutoCloseable {
    private final ServerSocket server;
    private final List<AutoCloseable> held = new ArrayList<>();
    private final Thread acceptor;

    private TestBlackhole(ServerSocket server, Thread acceptor) {
        this.server = server;
        this.acceptor = acceptor;
    }

    /** A port whose connects time out: backlog 1, filled by connections nobody accepts. */
    public static TestBlackhole unanswered() {
        try {
            ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            TestBlackhole b = new TestBlackhole(s, null);
            // the kernel queues backlog + 1 connections; a few more make sure the queue is full
            for (int i = 0; i < 4; i++) {
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()));
                b.held.add(c);
            }
            return b;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port that accepts connections and never sends a byte. */
    public static TestBlackhole silent() {
        try {
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            List<AutoCloseable> sockets = new ArrayList<>();
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try {
                        Socket c = s.accept();
                        synchronized (sockets) {
                            sockets.add(c);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-blackhole");
            t.setDaemon(true);
            TestBlackhole b = new TestBlackhole(s, t);
            b.held.add(() -> {
                synchronized (sockets) {
                    for (AutoCloseable c : sockets) {
                        c.close();
                    }
                }
            });
            t.start();
            return b;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        for (AutoCloseable c : held) {
            try {
                c.close();
            } catch (Exception e) {
                // closing test sockets; nothing to do
            }
        }
        try {
            server.close();
        } catch (IOException e) {
            // closing test sockets; nothing to do
        }
        if (acceptor != null) {
            acceptor.interrupt();
        }
    }
}
