package io.pgwarden.ha;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;

/**
 * The shared keys in Kubernetes: one ConfigMap {@code <cluster>-<key>} each (data {@code value}: the JSON), so a
 * compare-and-set of one key conflicts only with writes of that key (one object holding all of them would make a
 * write of {@code sync} fail a concurrent compare-and-set of {@code switchover}). Version = the object's
 * resourceVersion. A deleted key is a tombstone (the ConfigMap without {@code value}) written by a conditional
 * update, because a conditional delete (DeleteOptions preconditions) is not honoured everywhere (fabric8's mock server
 * ignores it); a tombstone reads as absent, and creating over it is again a conditional update.
 */
final class KubernetesSharedKeys {
    static final String VALUE = "value";

    private final KubernetesClient client;
    private final String namespace;
    private final String cluster;
    private final KubernetesErrors errors;

    KubernetesSharedKeys(KubernetesClient client, String namespace, String cluster, KubernetesErrors errors) {
        this.client = client;
        this.namespace = namespace;
        this.cluster = cluster;
        this.errors = errors;
    }

    String objectName(SharedKey<?> key) {
        return cluster + "-" + key.name();
    }

    static boolean isTombstone(ConfigMap cm) {
        return cm.getData() == null || cm.getData().get(VALUE) == null;
    }

    <T> boolean compareAndSet(SharedKey<T> key, long expectedVersion, T value) {
        String name = objectName(key);
        String what = "writing " + key;
        Map<String, String> data = Map.of(VALUE, StoreCodec.encode(value));
        try {
            if (expectedVersion == Versioned.ABSENT) {
                ConfigMap current = client.configMaps().inNamespace(namespace).withName(name).get();
                if (current == null) {
                    client.configMaps().inNamespace(namespace).resource(build(name, null, data)).create();
                    return true;
                }
                if (!isTombstone(current)) {
                    return false;
                }
                client.configMaps().inNamespace(namespace)
                        .resource(build(name, current.getMetadata().getResourceVersion(), data)).update();
                return true;
            }
            client.configMaps().inNamespace(namespace).resource(build(name, Long.toString(expectedVersion), data))
                    .update();
            return true;
        } catch (KubernetesClientException e) {
            if (KubernetesErrors.lostRace(e)) {
                return false;
            }
            throw errors.unavailable(what, e);
        }
    }

    boolean delete(SharedKey<?> key, long expectedVersion) {
        if (expectedVersion == Versioned.ABSENT) {
            return false;
        }
        try {
            client.configMaps().inNamespace(namespace)
                    .resource(build(objectName(key), Long.toString(expectedVersion), Map.of())).update();
            return true;
        } catch (KubernetesClientException e) {
            if (KubernetesErrors.lostRace(e)) {
                return false;
            }
            throw errors.unavailable("deleting " + key, e);
        }
    }

    private ConfigMap build(String name, String resourceVersion, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withResourceVersion(resourceVersion).addToLabels(KubernetesLeaseStore.CLUSTER_LABEL, cluster)
                .endMetadata().withData(data.isEmpty() ? null : data).build();
    }
}
