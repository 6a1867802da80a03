package io.pgwarden.instance;

import io.pgwarden.pg.ConnectionSpec;
import io.pgwarden.pg.PgConnections;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot standby refuses to start when one of these settings is lower than on its primary ("insufficient
 * parameter settings"): a replica tuned for a smaller machine than its primary would never come up. So the
 * replica's values are raised to the primary's where they are lower (never lowered).
 */
public final class HotStandbySettings {
    private static final Logger log = LoggerFactory.getLogger(HotStandbySettings.class);
    /** The settings PostgreSQL compares with the values the primary recorded in its WAL. */
    static final List<String> AT_LEAST_PRIMARY = List.of("max_connections", "max_worker_processes", "max_wal_senders",
            "max_prepared_transactions", "max_locks_per_transaction");

    private HotStandbySettings() {
    }

    /** The primary's values of {@link #AT_LEAST_PRIMARY}. */
    public static Map<String, Long> read(ConnectionSpec primarySuperuser) throws SQLException {
        Map<String, Long> values = new LinkedHashMap<>();
        try (Connection c = PgConnections.open(primarySuperuser); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, setting::bigint FROM pg_settings WHERE name IN ('"
                     + String.join("', '", AT_LEAST_PRIMARY) + "') ORDER BY name")) {
            while (rs.next()) {
                values.put(rs.getString(1), rs.getLong(2));
            }
        }
        return values;
    }

    /**
     * {@code config} with each of {@link #AT_LEAST_PRIMARY} at least the primary's value; a setting the config
     * does not set takes the primary's value, since the server default may be lower.
     */
    public static InstanceConfig raise(InstanceConfig config, Map<String, Long> primary) {
        Map<String, String> settings = new LinkedHashMap<>(config.settings());
        primary.forEach((name, value) -> {
            String mine = settings.get(name);
            long own = parse(mine);
            if (own < value) {
                if (mine != null) {
                    log.info("{}: {} raised from {} to the primary's {} (a hot standby needs at least the primary's value)",
                            config.dataDir(), name, mine, value);
                }
                settings.put(name, Long.toString(value));
            }
        });
        return config.withSettings(settings);
    }

    private static long parse(String value) {
        try {
            return value == null ? Long.MIN_VALUE : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
