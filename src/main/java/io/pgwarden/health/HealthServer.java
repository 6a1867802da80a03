package io.pgwarden.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one HTTP server: probe endpoints (see {@link Endpoint}, {@link ProbeRules}) answering
 * 200 or 503 with the JSON status document, and {@code /metrics}. GET and HEAD only (405
 * otherwise), unknown paths 404; a bad or repeated {@code lag} (or one that looks like a misspelt {@code lag}) 400, other
 * query parameters ignored, as other tools' probes send them ({@link ProbeQuery}). Runs on the JDK's HttpServer with a
 * small fixed pool, so it starts in milliseconds and answers liveness before any database work.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    /** The health port when neither --health-port nor HEALTH_PORT is given (Patroni's REST API port too). */
    public static final int DEFAULT_PORT = 8008;
    /** Probes are short and CPU-bound once the status is cached; two threads match the small nodes we target. */
    static final int THREADS = 2;
    /** Pending connections the kernel queues while both threads are busy; bursts from load balancers fit. */
    private static final int BACKLOG = 128;
    /** Time in-flight requests get to finish on stop; probes answer in milliseconds. */
    private static final long STOP_GRACE_MILLIS = 1_000;
    /** The JDK server's period for closing idle keep-alive connections; read once, like nodelay. */
    static final String CLOCK_TICK_PROPERTY = "sun.net.httpserver.clockTick";
    /** Equal to the JDK's idle-connection limit (sun.net.httpserver.idleInterval, 30 s): a finer check buys nothing. */
    static final long IDLE_CHECK_MILLIS = 30_000;
    private static final String JSON = "application/json; charset=utf-8";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Object inFlightLock = new Object();
    /** Requests being answered; guarded by {@link #inFlightLock}. */
    private int inFlight;
    private final StatusSource status;
    private final AgentMetrics metrics;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    private HealthServer(HttpServer server, ExecutorService executor, StatusSource status, AgentMetrics metrics) {
        this.server = server;
        this.executor = executor;
        this.status = status;
        this.metrics = metrics;
    }

    /**
     * Binds {@code address} and starts serving.
     *
     * @throws PgWardenException ENVIRONMENT when the port cannot be bound (in use, no permission); INVALID_INPUT when
     *                           the address is not one of this machine's
     */
    public static HealthServer start(InetSocketAddress address, StatusSource status, AgentMetrics metrics) {
        // The JDK server writes headers and body separately; with Nagle's algorithm on, the body waits for
        // the client's delayed ACK (40 ms on Linux), capping a keep-alive client at ~25 requests/s per
        // connection. Read once when the JDK's ServerConfig class loads, so it must be set before create().
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // The JDK server closes keep-alive connections idle for sun.net.httpserver.idleInterval (30 s), and accepted
        // ones that never sent a request, from a timer thread that wakes every clockTick (10 s by default) even with
        // no connection at all. Checking at the idle interval itself still closes such a connection within 30-60 s
        // and wakes a third as often (bench/agent: idle CPU per thread).
        if (System.getProperty(CLOCK_TICK_PROPERTY) == null) {
            System.setProperty(CLOCK_TICK_PROPERTY, Long.toString(IDLE_CHECK_MILLIS));
        }
        HttpServer http;
        try {
            http = HttpServer.create(address, BACKLOG);
        } catch (IOException e) {
            if (e instanceof java.net.BindException && String.valueOf(e.getMessage()).contains("assign requested address")) {
                throw notLocal(address, e);
            }
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot listen for health requests on "
                    + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage()
                    + ". Choose another port with --health-port or HEALTH_PORT.", e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "pgwarden-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HealthServer hs = new HealthServer(http, executor, status, metrics);
        http.createContext("/", hs::handle);
        http.setExecutor(executor);
        http.start();
        log.info("health server listening on {}:{}", address.getHostString(), hs.port());
        return hs;
    }

    /** The address is not one of this machine's: an input error (exit 2) naming the setting to fix. */
    private static PgWardenException notLocal(InetSocketAddress address, IOException e) {
        return new PgWardenException(ErrorCode.INVALID_INPUT, "Cannot listen for health requests on "
                + address.getHostString() + ":" + address.getPort() + ": " + address.getHostString()
                + " is not an address of this machine. Choose one of its addresses, 127.0.0.1 or 0.0.0.0 (all) with"
                + " --health-address or HEALTH_ADDRESS.", e);
    }

    /** Serves {@code path} (GET and HEAD) from {@code route}, e.g. {@code /topology}; see {@link TopologyEndpoint}. */
    public void addRoute(String path, Route route) {
        routes.put(path, route);
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        synchronized (inFlightLock) {
            inFlight++;
        }
        try (exchange) {
            try {
                respond(exchange);
            } catch (RuntimeException e) {
                // A bug, not a probe answer: say so with 500 rather than dropping the connection.
                log.warn("health request {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
                log.debug("health request failure", e);
                if (exchange.getResponseCode() == -1) {
                    send(exchange, 500, JSON, StatusDocument.error(exchange.getRequestURI().getPath(), 500,
                            "internal error " + e.getClass().getSimpleName() + ": " + e.getMessage()
                                    + " (a bug in pgwarden; please report it)"), false);
                }
            }
        } finally {
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, JSON, StatusDocument.error(path, 405, "method " + method
                    + " is not allowed; use GET or HEAD"), false);
            return;
        }
        Route route = routes.get(path);
        if (route != null) {
            Route.Response r = route.respond();
            send(exchange, r.status(), JSON, r.body(), head);
            return;
        }
        if ("/metrics".equals(path)) {
            String text = metrics.scrape(status.snapshot(StatusSource.Freshness.CURRENT));
            send(exchange, 200, PROMETHEUS_TEXT, text, head);
            return;
        }
        Optional<Endpoint> endpoint = Endpoint.forPath(path);
        if (endpoint.isEmpty()) {
            send(exchange, 404, JSON, StatusDocument.error(path, 404, "no endpoint " + path
                    + "; use /liveness, /readiness, /primary, /read-write, /replica, /read-only, /health or /metrics"),
                    head);
            return;
        }
        io.pgwarden.topology.LagLimit lag;
        try {
            lag = ProbeQuery.lag(endpoint.get(), path, exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, JSON, StatusDocument.error(path, 400, e.getMessage()), head);
            return;
        }
        // Liveness must not depend on PostgreSQL: it reads the last observation, never queries.
        NodeStatus snapshot = status.snapshot(endpoint.get() == Endpoint.LIVENESS
                ? StatusSource.Freshness.LAST_KNOWN : StatusSource.Freshness.CURRENT);
        ProbeDecision decision = ProbeRules.evaluate(endpoint.get(), snapshot, lag);
        send(exchange, decision.httpStatus(), JSON, StatusDocument.render(path, decision, snapshot), head);
    }

    private static void send(HttpExchange exchange, int code, String contentType, String body, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Lets in-flight requests finish (at most {@link #STOP_GRACE_MILLIS}), then stops at once. JDK 17's
     * {@code HttpServer.stop(n)} always waits the full n seconds, which would hold every shutdown up by a second.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        synchronized (inFlightLock) {
            long left;
            while (inFlight > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    inFlightLock.wait(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        server.stop(0);
        executor.shutdownNow();
        log.info("health server stopped");
    }
}
