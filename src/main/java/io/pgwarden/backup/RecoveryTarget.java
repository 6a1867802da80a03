package io.pgwarden.backup;

import io.pgwarden.core.Lsn;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where recovery stops, as PostgreSQL's recovery_target_* settings say it. {@link Kind#END} replays all archived WAL
 * (no target). {@code inclusive} (the default) stops just after the target (a transaction committed exactly at the
 * target time, the target xid itself), exclusive just before it.
 */
public record RecoveryTarget(Kind kind, String value, boolean inclusive, String timeline, String action) {

    public enum Kind { END, TIME, LSN, XID, NAME, IMMEDIATE }

    public static RecoveryTarget end(String timeline) {
        return new RecoveryTarget(Kind.END, null, true, timeline, "promote");
    }

    public Instant time() {
        return kind == Kind.TIME ? Instant.parse(value) : null;
    }

    public Lsn lsn() {
        return kind == Kind.LSN ? Lsn.parse(value) : null;
    }

    /** The settings for postgresql.auto.conf (without restore_command). */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        switch (kind) {
            // PostgreSQL's recovery_target_time takes "2026-12-03 14:05:00.123456+00", not ISO 8601's T and Z
            case TIME -> s.put("recovery_target_time", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx")
                    .withZone(java.time.ZoneOffset.UTC).format(time()));
            case LSN -> s.put("recovery_target_lsn", value);
            case XID -> s.put("recovery_target_xid", value);
            case NAME -> s.put("recovery_target_name", value);
            case IMMEDIATE -> s.put("recovery_target", "immediate");
            case END -> { }
        }
        if (kind == Kind.TIME || kind == Kind.LSN || kind == Kind.XID) {
            s.put("recovery_target_inclusive", inclusive ? "on" : "off");
        }
        s.put("recovery_target_timeline", timeline);
        if (kind != Kind.END) {
            s.put("recovery_target_action", action);
        }
        return s;
    }

    public String describe() {
        return kind == Kind.END ? "the end of the archived WAL" : kind == Kind.IMMEDIATE ? "the end of the backup (immediate)"
                : kind.name().toLowerCase(java.util.Locale.ROOT) + " " + value + (inclusive ? "" : " (exclusive)");
    }
}
