package io.pgwarden.ha;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.Lsn;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.topology.NodeRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON every store writes, so etcd keys, Kubernetes annotations and the in-memory fake hold the same bytes and
 * an operator can read them with {@code etcdctl get} or {@code kubectl get lease -o yaml}. Field names are snake
 * case like Patroni's; LSNs are PostgreSQL's {@code X/Y} text, durations milliseconds, sizes bytes. A value that
 * does not decode is reported with the key it came from ({@link ErrorCode#INVALID_INPUT}: someone wrote it by hand).
 */
public final class StoreCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreCodec() {
    }

    public static String encode(Object value) {
        ObjectNode n = JSON.createObjectNode();
        if (value instanceof MemberState m) {
            n.put("name", m.name()).put("role", m.role().name().toLowerCase()).put("timeline", m.timeline());
            putNullable(n, "system_identifier", m.systemIdentifier());
            putLsn(n, "write_lsn", m.writeLsn());
            putLsn(n, "receive_lsn", m.receiveLsn());
            putLsn(n, "replay_lsn", m.replayLsn());
            putNullable(n, "advertise", m.advertise());
            putNullable(n, "health_url", m.healthUrl());
            n.put("no_failover", m.noFailover()).put("failover_priority", m.failoverPriority());
            n.put("last_decision", m.lastDecision());
        } else if (value instanceof LeaderStatus s) {
            n.put("leader", s.leader()).put("timeline", s.timeline()).put("lsn", s.lsn().toString());
        } else if (value instanceof InitializeRecord r) {
            n.put("member", r.member());
            putNullable(n, "system_identifier", r.systemIdentifier().orElse(null));
        } else if (value instanceof ClusterConfig c) {
            n.put("ttl_ms", c.ttl().toMillis()).put("loop_wait_ms", c.loopWait().toMillis())
                    .put("max_lag_on_failover", c.maxLagOnFailover().bytes())
                    .put("synchronous_mode", c.synchronousMode().label()).put("failsafe_mode", c.failsafeMode())
                    .put("primary_start_timeout_ms", c.primaryStartTimeout().toMillis());
        } else if (value instanceof SyncState s) {
            n.put("leader", s.leader());
            ArrayNode a = n.putArray("standbys");
            s.standbys().forEach(a::add);
        } else if (value instanceof Switchover s) {
            putNullable(n, "from", s.from().orElse(null));
            n.put("to", s.to()).put("force", s.force());
        } else if (value instanceof FailsafeState f) {
            ObjectNode m = n.putObject("members");
            f.members().forEach(m::put);
        } else if (value instanceof TimelineHistory h) {
            ArrayNode a = n.putArray("entries");
            for (TimelineHistory.Entry e : h.entries()) {
                a.addObject().put("timeline", e.timeline()).put("lsn", e.lsn().toString())
                        .put("new_leader", e.newLeader()).put("reason", e.reason());
            }
        } else {
            throw new IllegalArgumentException("no JSON form for " + value);
        }
        return n.toString();
    }

    public static MemberState decodeMember(String where, String json) {
        JsonNode n = parse(where, json);
        try {
            return new MemberState(text(n, "name"), NodeRole.valueOf(text(n, "role").toUpperCase()),
                    n.path("timeline").asInt(), nullable(n, "system_identifier"), lsn(n, "write_lsn"),
                    lsn(n, "receive_lsn"), lsn(n, "replay_lsn"), nullable(n, "advertise"), nullable(n, "health_url"),
                    n.path("no_failover").asBoolean(), n.path("failover_priority").asInt(),
                    nullable(n, "last_decision"));
        } catch (RuntimeException e) {
            throw bad(where, json, e);
        }
    }

    public static LeaderStatus decodeStatus(String where, String json) {
        JsonNode n = parse(where, json);
        try {
            return new LeaderStatus(text(n, "leader"), n.path("timeline").asInt(), lsn(n, "lsn"));
        } catch (RuntimeException e) {
            throw bad(where, json, e);
        }
    }

    public static <T> T decode(SharedKey<T> key, String where, String json) {
        JsonNode n = parse(where, json);
        try {
            Object v;
            if (key == SharedKey.INITIALIZE) {
                v = new InitializeRecord(text(n, "member"), Optional.ofNullable(nullable(n, "system_identifier")));
            } else if (key == SharedKey.CONFIG) {
                v = new ClusterConfig(Duration.ofMillis(n.path("ttl_ms").asLong()),
                        Duration.ofMillis(n.path("loop_wait_ms").asLong()),
                        new ByteSize(n.path("max_lag_on_failover").asLong()),
                        SynchronousMode.parse(where + " synchronous_mode", text(n, "synchronous_mode")),
                        n.path("failsafe_mode").asBoolean(),
                        n.has("primary_start_timeout_ms") ? Duration.ofMillis(n.path("primary_start_timeout_ms").asLong())
                                : ClusterConfig.DEFAULT_PRIMARY_START_TIMEOUT);
            } else if (key == SharedKey.SYNC) {
                List<String> standbys = new ArrayList<>();
                n.path("standbys").forEach(s -> standbys.add(s.asText()));
                v = new SyncState(text(n, "leader"), standbys);
            } else if (key == SharedKey.SWITCHOVER) {
                v = new Switchover(Optional.ofNullable(nullable(n, "from")), text(n, "to"), n.path("force").asBoolean());
            } else if (key == SharedKey.FAILSAFE) {
                Map<String, String> members = new LinkedHashMap<>();
                n.path("members").fields().forEachRemaining(e -> members.put(e.getKey(), e.getValue().asText()));
                v = new FailsafeState(members);
            } else {
                List<TimelineHistory.Entry> entries = new ArrayList<>();
                for (JsonNode e : n.path("entries")) {
                    entries.add(new TimelineHistory.Entry(e.path("timeline").asInt(), lsn(e, "lsn"),
                            text(e, "new_leader"), text(e, "reason")));
                }
                v = new TimelineHistory(entries);
            }
            return key.cast(v);
        } catch (RuntimeException e) {
            throw bad(where, json, e);
        }
    }

    private static JsonNode parse(String where, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new PgWardenException(ErrorCode.INVALID_INPUT, where + " holds '" + abbreviate(json)
                        + "', not a JSON object; delete the key or write it again with pgwarden");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw bad(where, json, e);
        }
    }

    private static PgWardenException bad(String where, String json, Exception e) {
        if (e instanceof PgWardenException p) {
            return p;
        }
        return new PgWardenException(ErrorCode.INVALID_INPUT, where + " holds '" + abbreviate(json)
                + "', which pgwarden cannot read (" + e.getMessage() + "); delete the key or write it again with pgwarden",
                e);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return v.asText();
    }

    private static String nullable(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Lsn lsn(JsonNode n, String field) {
        String v = nullable(n, field);
        return v == null ? null : Lsn.parse(v);
    }

    private static void putNullable(ObjectNode n, String field, String value) {
        if (value == null) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    private static void putLsn(ObjectNode n, String field, Lsn lsn) {
        putNullable(n, field, lsn == null ? null : lsn.toString());
    }
}
