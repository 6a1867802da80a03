package io.pgwarden.health;

import io.pgwarden.core.Secrets;
import java.time.Duration;
import java.util.Map;

/**
 * Renders the JSON status document every probe response carries: the probe's answer and reason,
 * role, PostgreSQL state, timeline, LSNs, replication lag, migrations per chain, agent loops,
 * pgwarden version and uptime. It never contains a password or a connection string: errors are
 * masked once more on the way out.
 */
public final class StatusDocument {
    private StatusDocument() {
    }

    /** The document for {@code path}'s decision on {@code status}. */
    public static String render(String path, ProbeDecision decision, NodeStatus status) {
        JsonWriter w = new JsonWriter().beginObject();
        w.field("probe", path).field("status", decision.httpStatus()).field("pass", decision.pass())
                .field("reason", Secrets.mask(decision.reason()));
        PostgresStatus pg = status.postgres();
        w.field("role", pg.role().label());
        postgres(w.name("postgres"), pg);
        w.name("migrations").beginArray();
        for (MigrationChainStatus chain : status.migrations()) {
            w.beginObject().field("chain", chain.chain()).field("state", chain.state().label())
                    .field("applied", chain.applied()).field("pending", chain.pending()).field("failed", chain.failed())
                    .field("error", Secrets.mask(chain.error()))
                    .field("last_duration_seconds", seconds(chain.lastDuration()))
                    .field("updated_at", chain.updatedAt()).endObject();
        }
        w.endArray();
        w.name("loops").beginArray();
        for (LoopStatus loop : status.loops()) {
            w.beginObject().field("name", loop.name()).field("alive", loop.alive())
                    .field("seconds_since_last_beat", seconds(loop.sinceLastBeat()))
                    .field("max_silence_seconds", seconds(loop.maxSilence())).field("errors", loop.errors()).endObject();
        }
        w.endArray();
        TlsCertificateStatus tls = status.tls();
        if (tls != null) {
            w.name("tls").beginObject().field("certificate", tls.file()).field("subject", tls.subject())
                    .field("not_after", tls.notAfter() == null ? null : tls.notAfter().toString())
                    .field("error", Secrets.mask(tls.error())).endObject();
        }
        w.field("version", status.version()).field("uptime_seconds", status.uptime().toSeconds());
        return w.endObject().toString();
    }

    /** A document for a request that could not be answered (bad query parameter, wrong method). */
    public static String error(String path, int httpStatus, String message) {
        return new JsonWriter().beginObject().field("probe", path).field("status", httpStatus)
                .field("error", Secrets.mask(message)).endObject().toString();
    }

    private static void postgres(JsonWriter w, PostgresStatus pg) {
        w.beginObject().field("state", pg.state().label()).field("phase", pg.phase()).field("role", pg.role().label())
                .field("server_version_num", pg.serverVersionNum()).field("writable", pg.writable())
                .field("timeline", pg.timeline()).field("current_lsn", pg.currentLsn())
                .field("receive_lsn", pg.receiveLsn()).field("replay_lsn", pg.replayLsn())
                .field("streaming", pg.streaming()).name("replication_lag").beginObject()
                .field("bytes", pg.lagBytes()).field("seconds", pg.lagSeconds()).endObject();
        PostgresStatistics stats = pg.statistics();
        if (stats != null) {
            w.name("connections").beginObject();
            for (Map.Entry<String, Long> e : stats.connectionsByState().entrySet()) {
                w.field(e.getKey(), e.getValue());
            }
            w.endObject();
        }
        w.field("error", Secrets.mask(pg.error())).field("observed_at", pg.observedAt()).endObject();
    }

    private static Double seconds(Duration d) {
        return d == null ? null : d.toNanos() / 1e9;
    }
}
