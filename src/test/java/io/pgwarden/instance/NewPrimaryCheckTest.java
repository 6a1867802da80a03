package io.pgwarden.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** When rejoin refuses --primary before touching the node: this node itself, a replica, another major or cluster. */
class NewPrimaryCheckTest {
    private static final Path DIR = Path.of("/srv/a");
    private static final String SYSID = "7441122334455667788";
    /** When this node's postmaster started (postmaster.pid line 3). */
    private static final long START = 1_795_000_000L;
    /** This node's server runs (pid 4242 on port 5432); its directory is a PostgreSQL 15 one. */
    private static final NewPrimaryCheck.Local RUNNING = new NewPrimaryCheck.Local(DIR, 4242L, 5432, "/srv/a", SYSID, 15,
            START);

    private static NewPrimaryCheck.Facts primary(String dataDir, int port) {
        return new NewPrimaryCheck.Facts(false, SYSID, dataDir, port, 777, 15, START);
    }

    @Test
    void theNodeItselfIsRefusedWhenTheSessionsBackendIsAChildOfItsPostmaster() {
        assertThat(NewPrimaryCheck.problem(RUNNING, primary("/srv/a", 5432), 4242L, "127.0.0.1:5432", false))
                .isEqualTo("--primary=127.0.0.1:5432 is this node itself: the server answering there is the running"
                        + " PostgreSQL of /srv/a (pid 4242). A node cannot rejoin itself; nothing was stopped or moved."
                        + " Name the new primary (the promoted node) with --primary.");
        // even with --no-rewind: a clone of itself would be taken from the directory it replaces
        assertThat(NewPrimaryCheck.problem(RUNNING, primary("/srv/a", 5432), 4242L, "10.0.0.1:5432", true))
                .startsWith("--primary=10.0.0.1:5432 is this node itself");
    }

    @Test
    void anotherMachineLaidOutAlikeIsNotThisNode() {
        // same system identifier (a promoted replica), same path and port: the backend is no child of our postmaster
        assertThat(NewPrimaryCheck.problem(RUNNING, primary("/srv/a", 5432), 1L, "10.0.0.2:5432", false)).isNull();
        assertThat(NewPrimaryCheck.problem(RUNNING, primary("/srv/a", 5432), null, "10.0.0.2:5432", false)).isNull();
        // a stopped node cannot answer for itself
        NewPrimaryCheck.Local stopped = new NewPrimaryCheck.Local(DIR, null, null, null, SYSID, 15, null);
        assertThat(NewPrimaryCheck.problem(stopped, primary("/srv/a", 5432), 4242L, "10.0.0.2:5432", false)).isNull();
        // a pid coincidence: the parent matches but port or data directory do not
        assertThat(NewPrimaryCheck.problem(RUNNING, primary("/srv/a", 5433), 4242L, "10.0.0.2:5433", false)).isNull();
        assertThat(NewPrimaryCheck.problem(RUNNING, primary("/srv/b", 5432), 4242L, "10.0.0.2:5432", false)).isNull();
    }

    @Test
    void aReplicaAnotherMajorOrAnotherClusterIsRefused() {
        NewPrimaryCheck.Facts replica = new NewPrimaryCheck.Facts(true, SYSID, "/srv/b", 5433, 777, 15, START);
        assertThat(NewPrimaryCheck.problem(RUNNING, replica, 1L, "127.0.0.1:5433", false))
                .isEqualTo("--primary=127.0.0.1:5433 is a replica (in recovery), not a primary; a rejoined node follows a"
                        + " writable primary. Name the current primary with --primary, or promote that node first"
                        + " ('pgwarden promote'); nothing was stopped or moved.");
        NewPrimaryCheck.Facts seventeen = new NewPrimaryCheck.Facts(false, SYSID, "/srv/b", 5433, 777, 17, START);
        assertThat(NewPrimaryCheck.problem(RUNNING, seventeen, 1L, "127.0.0.1:5433", true))
                .isEqualTo("--primary=127.0.0.1:5433 runs PostgreSQL 17, but /srv/a is a PostgreSQL 15 data directory; a"
                        + " replica needs its primary's major. Name a primary of this node's cluster with --primary;"
                        + " nothing was stopped or moved.");
        NewPrimaryCheck.Facts other = new NewPrimaryCheck.Facts(false, "7000000000000000001", "/srv/b", 5433, 777, 15, START);
        assertThat(NewPrimaryCheck.problem(RUNNING, other, 1L, "127.0.0.1:5433", false))
                .isEqualTo("--primary=127.0.0.1:5433 belongs to another cluster (system identifier 7000000000000000001;"
                        + " /srv/a has " + SYSID + "), so pg_rewind cannot use it and only a fresh clone could, replacing"
                        + " this node's data with that cluster's (the old directory is moved aside); nothing was stopped or"
                        + " moved. Check --primary; if a fresh clone from it is what you want, add --no-rewind.");
        assertThat(NewPrimaryCheck.problem(RUNNING, other, 1L, "127.0.0.1:5433", true)).as("--no-rewind").isNull();
    }

    @Test
    void thePostmasterStartTimeIdentifiesTheNodeWhenItsProcessIsNotVisibleAndRulesOutPidCoincidences() {
        // postmaster.pid is there but its process is in another PID namespace: same port, directory and start time
        NewPrimaryCheck.Local hidden = new NewPrimaryCheck.Local(DIR, null, 5432, "/srv/a", SYSID, 15, START);
        assertThat(NewPrimaryCheck.problem(hidden, primary("/srv/a", 5432), null, "127.0.0.1:5432", false))
                .startsWith("--primary=127.0.0.1:5432 is this node itself");
        // another server laid out alike, started at another time, is not this node
        NewPrimaryCheck.Facts other = new NewPrimaryCheck.Facts(false, SYSID, "/srv/a", 5432, 777, 15, START + 60);
        assertThat(NewPrimaryCheck.problem(hidden, other, null, "10.0.0.2:5432", false)).isNull();
        // a remote backend pid that happens to be a child of our postmaster: the start time still tells them apart
        assertThat(NewPrimaryCheck.problem(RUNNING, other, 4242L, "10.0.0.2:5432", false)).isNull();
    }
}
