package io.pgwarden.instance;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node says about its replication links beyond role and LSNs (which {@code topology.NodeProbe} reads):
 * on a replica, the slot its WAL receiver uses; on a primary, each connected replica with its slot and lag
 * ({@code pg_stat_replication} joined with {@code pg_replication_slots}). Needs a superuser or pg_monitor.
 *
 * @param receiverSlot the replica's slot on its upstream, null on a primary or without a WAL receiver
 * @param downstream   the replicas streaming from this node
 */
public record ReplicationDetails(String receiverSlot, List<Downstream> downstream) {

    /**
     * One replica as its primary sees it.
     *
     * @param name      its application_name (pgwarden sets the node name)
     * @param client    its address, null over a Unix socket
     * @param state     walsender state: startup, catchup, streaming, backup, stopping
     * @param slot      the slot it uses, null without one
     * @param lagBytes  primary's current LSN minus the replica's replay LSN
     * @param replayLag {@code replay_lag}: how long ago the last replayed commit was sent, null when idle
     */
    public record Downstream(String name, String client, String state, String slot, long lagBytes, Duration replayLag) {
    }

    static final String DOWNSTREAM = """
            SELECT r.application_name, host(r.client_addr), r.state, s.slot_name,
                   COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn), 0)::bigint,
                   extract(epoch FROM r.replay_lag)
              FROM pg_stat_replication r
              LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
             ORDER BY r.application_name""";

    /** Reads the details of the node at {@code spec}. */
    public static ReplicationDetails read(ConnectionSpec spec) throws SQLException {
        try (Connection c = PgConnections.open(spec); Statement s = c.createStatement()) {
            boolean recovery;
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                recovery = rs.getBoolean(1);
            }
            String slot = null;
            try (ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_stat_wal_receiver")) {
                if (rs.next()) {
                    slot = rs.getString(1);
                }
            }
            List<Downstream> downstream = new ArrayList<>();
            if (!recovery) {
                try (ResultSet rs = s.executeQuery(DOWNSTREAM)) {
                    while (rs.next()) {
                        double lag = rs.getDouble(6);
                        Duration replayLag = rs.wasNull() ? null : Duration.ofMillis(Math.round(lag * 1000));
                        downstream.add(new Downstream(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getLong(5), replayLag));
                    }
                }
            }
            return new ReplicationDetails(slot, List.copyOf(downstream));
        }
    }
}
