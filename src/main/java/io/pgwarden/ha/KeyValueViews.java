package io.pgwarden.ha;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link ClusterView} from the keys one range read of {@code /pgwarden/<cluster>/} returned, for stores that
 * keep the {@link StoreKeys} layout (etcd, the in-memory fake). A member key that does not decode is left out with a
 * warning (one broken member must not blind the others); a broken shared key throws, naming it.
 */
public final class KeyValueViews {
    private static final Logger log = LoggerFactory.getLogger(KeyValueViews.class);

    /** One key as read: its full path, its value, its version (mod revision). */
    public record RawKey(String key, String value, long version) {
    }

    private KeyValueViews() {
    }

    public static ClusterView assemble(StoreKeys keys, long revision, List<RawKey> raw) {
        Optional<LeaderRecord> leader = Optional.empty();
        Optional<LeaderStatus> status = Optional.empty();
        Map<String, Versioned<MemberState>> members = new TreeMap<>();
        Map<SharedKey<?>, Versioned<?>> shared = new HashMap<>();
        for (RawKey k : raw) {
            if (!k.key().startsWith(keys.prefix())) {
                continue;
            }
            String rel = k.key().substring(keys.prefix().length());
            if (rel.equals("leader")) {
                leader = Optional.of(new LeaderRecord(k.value(), k.version()));
            } else if (rel.equals("status")) {
                status = Optional.of(StoreCodec.decodeStatus(k.key(), k.value()));
            } else if (rel.startsWith("members/")) {
                try {
                    members.put(rel.substring("members/".length()),
                            new Versioned<>(StoreCodec.decodeMember(k.key(), k.value()), k.version()));
                } catch (RuntimeException e) {
                    log.warn("cluster {}: ignoring member key {}: {}", keys.cluster(), k.key(), e.getMessage());
                }
            } else {
                SharedKey<?> key = SharedKey.named(rel);
                if (key != null) {
                    shared.put(key, new Versioned<>(StoreCodec.decode(key, k.key(), k.value()), k.version()));
                }
            }
        }
        return new ClusterView(revision, leader, members, status, shared);
    }
}
