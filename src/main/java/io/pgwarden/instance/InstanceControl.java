package io.pgwarden.instance;

import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.pg.ConnectionSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands an agent (and, next, automatic failover) gives the PostgreSQL it supervises: {@link #promote},
 * {@link #restartAsStandby}, {@link #fence}, {@link #stop} and {@link #start}. The role is not fixed at start: a node
 * started as a replica can be promoted and a primary turned into a standby while supervision goes on. A commanded
 * stop or restart does not end supervision ({@link Supervisor#hold}); a crash is still restarted with backoff.
 *
 * <p>Contract: every command blocks until it is done or has failed, and commands are serialised (one at a time,
 * in the order they arrive; a second caller waits). What each waits for is bounded: the promotion timeout given to
 * {@link #promote}, the instance's start timeout ({@link InstanceConfig#startTimeout()}) for a start, its stop
 * timeout per shutdown mode for a stop. A failure throws {@link PgWardenException} (FAILED: the command cannot apply
 * in this state, or the server did not get there in time; POSTGRES_FAILED: it did not start again) and leaves
 * {@link #state()} saying where the server is. Thread-safe; {@link #state()} never blocks.
 */
public final class InstanceControl {
    private static final Logger log = LoggerFactory.getLogger(InstanceControl.class);
    /** A restart is a stop plus a start: the stop timeout for each of three modes, then the start timeout. */
    private static final int STOP_MODES = 3;

    /** Where the supervised server is. Never a set of booleans: exactly one of these at a time. */
    public enum State {
        /** Being started (first start, or again after a crash or a commanded stop). */
        STARTING,
        /** Running and out of recovery: accepts writes. */
        PRIMARY,
        /** Running in recovery: a streaming (or archive) standby. */
        STANDBY,
        /** {@link #promote} is in progress. */
        PROMOTING,
        /** {@link #restartAsStandby} is in progress (stopping, rewriting the standby settings, starting). */
        DEMOTING,
        /** Stopped at once by {@link #fence}; stays stopped until {@link #start} or {@link #restartAsStandby}. */
        FENCED,
        /** Stopped on command ({@link #stop}) or for good (supervision ended). */
        STOPPED,
        /** Exited unexpectedly; the supervisor restarts it with backoff (or gives up: POSTGRES_FAILED). */
        CRASHED
    }

    private final Supervisor supervisor;
    private final InstanceConfig config;
    private final ServerFiles files;
    private final ConnectionSpec superuser;
    private final Clock clock;
    private final Object commands = new Object();
    private final Object stateLock = new Object();
    /** Guarded by {@link #stateLock}. */
    private State state = State.STARTING;
    /** Guarded by {@link #stateLock}: counts starts, so a command can wait for the next one. */
    private long starts;

    /**
     * @param instance  the local instance to supervise
     * @param superuser the agent's superuser connection to it (for promotion)
     * @param events    hears the supervisor's events too (started, crashed, restarted)
     */
    public InstanceControl(LocalInstance instance, ServerFiles files, ConnectionSpec superuser, Clock clock,
            Consumer<Supervisor.Event> events) {
        this.config = instance.config();
        this.files = files;
        this.superuser = superuser;
        this.clock = clock;
        this.supervisor = instance.supervisor(event -> {
            onEvent(event);
            events.accept(event);
        });
    }

    /** The supervisor to run (on its own thread: {@link Supervisor#run()} blocks for the node's life). */
    public Supervisor supervisor() {
        return supervisor;
    }

    /**
     * Runs the supervision ({@link Supervisor#run()}) on the calling thread for the node's life; the state is
     * STOPPED once it returns or throws.
     */
    public Supervisor.Outcome run() throws InterruptedException {
        try {
            return supervisor.run();
        } finally {
            set(State.STOPPED);
        }
    }

    /** The server's state now; never blocks. */
    public State state() {
        synchronized (stateLock) {
            return state;
        }
    }

    private void onEvent(Supervisor.Event event) {
        synchronized (stateLock) {
            switch (event.kind()) {
                case STARTED, RESTARTED -> {
                    // the signal file is what the server started from: no query needed, and it is right at this instant
                    if (state != State.DEMOTING) {
                        state = StandbyConfig.isStandby(config.dataDir()) ? State.STANDBY : State.PRIMARY;
                    }
                    starts++;
                }
                case CRASHED -> state = State.CRASHED;
                default -> { }
            }
            stateLock.notifyAll();
        }
    }

    private void set(State s) {
        synchronized (stateLock) {
            state = s;
            stateLock.notifyAll();
        }
    }

    /**
     * Promotes the standby ({@link Promoter}: {@code pg_promote()}, then a test write) and returns once it accepts
     * writes. A server that is already a primary is left alone (the result says {@code promoted=false}).
     *
     * @throws PgWardenException FAILED when the server is not running (fenced, stopped, crashed, starting) or did not
     *         accept writes within {@code timeout}; the state is then STANDBY again (or what the server is)
     */
    public Promoter.Result promote(Duration timeout) {
        synchronized (commands) {
            State before = state();
            if (before != State.STANDBY && before != State.PRIMARY) {
                throw new PgWardenException(ErrorCode.FAILED, "Cannot promote " + config.dataDir() + ": PostgreSQL is "
                        + before.name().toLowerCase() + ", not a running standby. Start it first.");
            }
            set(State.PROMOTING);
            try {
                Promoter.Result r = new Promoter(clock).execute(superuser, timeout);
                set(State.PRIMARY);
                return r;
            } catch (RuntimeException e) {
                set(StandbyConfig.isStandby(config.dataDir()) ? State.STANDBY : State.PRIMARY);
                throw e;
            }
        }
    }

    /**
     * Makes the server a standby of {@code upstream}. On a running standby, {@code primary_conninfo} and
     * {@code primary_slot_name} are rewritten and reloaded (PostgreSQL 13+ applies them without a restart); on a
     * primary (or a fenced or stopped server) it is stopped (fast), {@code standby.signal} and the settings are
     * written, and it is started again as a standby, which follows the upstream's newest timeline. A primary whose
     * history has diverged from the upstream's needs {@code pgwarden rejoin} (pg_rewind) instead: it would not
     * start streaming. Blocks until the server runs as a standby.
     *
     * @param replicationPassword the replication role's password for the data directory's 0600 passfile; null keeps
     *                            the passfile the directory has (from its clone)
     * @throws PgWardenException FAILED when the settings cannot be written, or the server did not start within the
     *         start timeout; POSTGRES_FAILED when it did not start at all
     */
    public void restartAsStandby(Upstream upstream, String replicationPassword) {
        synchronized (commands) {
            State before = state();
            // what can be refuted without touching the server is, before it is stopped
            String password = replicationPassword != null ? replicationPassword
                    : PgPassFile.passwordFor(config.dataDir().resolve(StandbyConfig.PASSFILE), upstream.role())
                            .orElseThrow(() -> new PgWardenException(ErrorCode.FAILED, config.dataDir().resolve(
                                    StandbyConfig.PASSFILE) + " holds no password for the replication role " + upstream.role()
                                    + "; give the replication password. Nothing was changed."));
            if (before == State.STANDBY) {
                write(upstream, password, before);
                ServerProcess server = supervisor.current();
                if (server != null) {
                    server.reload();
                }
                log.info("{}: now a standby of {} (settings reloaded)", config.dataDir(), upstream.address());
                return;
            }
            set(State.DEMOTING);
            long startsBefore = startCount();
            supervisor.hold(ShutdownMode.FAST);
            try {
                write(upstream, password, State.STOPPED);
            } finally {
                set(State.STARTING);
                supervisor.release(); // started again either way: as a standby, or as it was when the write failed
                awaitStart(startsBefore, "as a standby of " + upstream.address());
            }
            log.info("{}: restarted as a standby of {}", config.dataDir(), upstream.address());
        }
    }

    private void write(Upstream upstream, String password, State onFailure) {
        try {
            new StandbyConfig(files).write(config.dataDir(), upstream, password);
        } catch (IOException e) {
            set(onFailure);
            throw new PgWardenException(ErrorCode.FAILED, "Cannot write the standby settings of " + config.dataDir()
                    + ": " + e + ". Check the directory's owner and free space.", e);
        }
    }

    /**
     * Stops accepting writes at once: an immediate shutdown (clients are cut off, no checkpoint; the next start runs
     * crash recovery, no committed data is lost), and the server stays stopped, supervised, until {@link #start} or
     * {@link #restartAsStandby}. This is what a primary that lost its leader lease does: being down is safe, a
     * second writable primary is not.
     *
     * @return the mode that stopped it, null when it was not running
     */
    public ShutdownMode fence() {
        synchronized (commands) {
            ShutdownMode mode = supervisor.hold(ShutdownMode.IMMEDIATE);
            set(State.FENCED);
            log.warn("{}: fenced (immediate shutdown); it stays stopped until started again", config.dataDir());
            return mode;
        }
    }

    /**
     * Stops the server with {@code mode} (then faster after the stop timeout) and keeps it stopped, supervised, until
     * {@link #start}. To stop for good, stop the supervisor ({@link Supervisor#requestStop()}).
     */
    public ShutdownMode stop(ShutdownMode mode) {
        synchronized (commands) {
            ShutdownMode done = supervisor.hold(mode);
            set(State.STOPPED);
            return done;
        }
    }

    /**
     * Starts a server that {@link #fence} or {@link #stop} left stopped, in the role its data directory says
     * (standby when it has {@code standby.signal}); blocks until it runs. Does nothing when it runs already.
     *
     * @throws PgWardenException FAILED when it did not start within the start timeout
     */
    public void start() {
        synchronized (commands) {
            if (!supervisor.isHeld()) {
                return;
            }
            long startsBefore = startCount();
            set(State.STARTING);
            supervisor.release();
            awaitStart(startsBefore, "again");
        }
    }

    private long startCount() {
        synchronized (stateLock) {
            return starts;
        }
    }

    /** Waits until the supervisor reports a start after {@code startsBefore}, or a crash, bounded by the timeouts. */
    private void awaitStart(long startsBefore, String what) {
        Duration limit = config.startTimeout().plus(config.stopTimeout().multipliedBy(STOP_MODES));
        long deadline = clock.nanoTime() + limit.toNanos();
        synchronized (stateLock) {
            while (starts == startsBefore && state != State.CRASHED) {
                long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    throw new PgWardenException(ErrorCode.FAILED, config.dataDir() + " did not start " + what + " within "
                            + Durations.format(limit) + "; read its server log.");
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(stateLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PgWardenException(ErrorCode.FAILED, "Interrupted while waiting for " + config.dataDir()
                            + " to start " + what + ".", e);
                }
            }
            if (state == State.CRASHED) {
                throw new PgWardenException(ErrorCode.POSTGRES_FAILED, config.dataDir() + " did not start " + what
                        + "; the supervisor restarts it with backoff. Read its server log.");
            }
            state = StandbyConfig.isStandby(config.dataDir()) ? State.STANDBY : State.PRIMARY;
        }
    }
}
