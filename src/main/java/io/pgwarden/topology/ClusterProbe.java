package io.pgwarden.topology;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes every node of the node list in parallel and returns one {@link ClusterSnapshot}. Each node has the same
 * hard deadline (the probe timeout, counted from the start of the snapshot), so a node that never answers costs
 * one timeout, not one per node. Threads come from a bounded pool: four per node, so probes of a blackholed node
 * that are still stuck in a connect from earlier cycles never starve the next cycle; a probe that cannot get a
 * thread is reported as down with that reason.
 */
public final class ClusterProbe implements AutoCloseable {
    /** Per-node thread budget: a stuck probe lasts at most one timeout, so four cycles' worth is plenty. */
    private static final int THREADS_PER_NODE = 4;
    /** Hard cap on probe threads whatever the node list's size. */
    private static final int MAX_THREADS = 256;
    /** Idle probe threads are released after this, so a CronJob-style one-shot exits without lingering threads. */
    private static final long KEEP_ALIVE_SECONDS = 30;

    private final List<NodeAddress> nodes;
    private final NodeProbe probe;
    private final Duration timeout;
    private final Clock clock;
    private final ThreadPoolExecutor pool;

    public ClusterProbe(List<NodeAddress> nodes, NodeProbe probe, Duration timeout, Clock clock) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("the node list is empty");
        }
        this.nodes = List.copyOf(nodes);
        this.probe = probe;
        this.timeout = timeout;
        this.clock = clock;
        int threads = Math.min(MAX_THREADS, THREADS_PER_NODE * nodes.size());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "pgwarden-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public List<NodeAddress> nodes() {
        return nodes;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Probes all nodes; returns within about one probe timeout, whatever the nodes do. */
    public ClusterSnapshot snapshot() {
        Instant takenAt = clock.now();
        long start = clock.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Future<NodeState>> futures = new ArrayList<>(nodes.size());
        for (NodeAddress node : nodes) {
            try {
                futures.add(pool.submit(() -> probe.probe(node, deadline)));
            } catch (RejectedExecutionException e) {
                futures.add(null);
            }
        }
        List<NodeState> states = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            states.add(await(nodes.get(i), futures.get(i), deadline));
        }
        return ClusterSnapshot.of(takenAt, Duration.ofNanos(clock.nanoTime() - start), states);
    }

    private NodeState await(NodeAddress node, Future<NodeState> future, long deadline) {
        if (future == null) {
            return NodeState.unreachable(node, "not probed: all " + pool.getMaximumPoolSize()
                    + " probe threads are busy with nodes that do not answer", Duration.ZERO);
        }
        try {
            return future.get(Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return NodeState.unreachable(node, "no answer within " + Durations.format(timeout), timeout);
        } catch (ExecutionException e) {
            return NodeState.unreachable(node, "probe failed: " + e.getCause(), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return NodeState.unreachable(node, "probe interrupted", Duration.ZERO);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
