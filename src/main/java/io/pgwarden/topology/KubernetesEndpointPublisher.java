package io.pgwarden.topology;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to two selector-less Kubernetes Services: the read-write one gets the primary, the read-only one the
 * replicas. For each Service it keeps the Endpoints object and pgwarden's EndpointSlices in line (created when
 * missing), with ports named as in the Service and numbered as in the node list, and annotations
 * {@value #SIGNATURE} (the topology signature) and {@value #LAST_CHANGE} (when pgwarden last wrote it). Both
 * Services are compared on every call, so a failure half-way (read-write updated, read-only not) is repaired by the
 * next call. On split brain the Endpoints get {@value #SPLIT_BRAIN} listing the primaries and a Warning Event
 * {@code SplitBrain} is created on the read-write Service (once per set of primaries); routing is untouched.
 */
public final class KubernetesEndpointPublisher implements EndpointPublisher {
    static final String SIGNATURE = "pgwarden.io/topology-signature";
    static final String LAST_CHANGE = "pgwarden.io/last-change";
    static final String SPLIT_BRAIN = "pgwarden.io/split-brain";
    static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
    private static final Logger log = LoggerFactory.getLogger(KubernetesEndpointPublisher.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String rwService;
    private final String roService;
    private final KubernetesEndpointSlices slices;

    public KubernetesEndpointPublisher(KubernetesClient client, String namespace, String rwService, String roService) {
        this.client = client;
        this.namespace = namespace;
        this.rwService = rwService;
        this.roService = roService;
        this.slices = new KubernetesEndpointSlices(client, namespace);
    }

    @Override
    public String name() {
        return "kubernetes " + namespace + "/" + rwService + "," + roService;
    }

    @Override
    public PublishResult publish(DesiredEndpoints endpoints, Instant now) {
        // both Services are attempted even when the first fails, so one broken object does not block the other
        List<String> failures = new ArrayList<>();
        PgWardenException first = null;
        boolean changed = false;
        for (var target : List.of(Map.entry(rwService, List.of(endpoints.primary())),
                Map.entry(roService, endpoints.replicas()))) {
            try {
                changed |= publishService(target.getKey(), target.getValue(), endpoints.signature(), now);
            } catch (PgWardenException e) {
                first = first == null ? e : first;
                failures.add(e.getMessage());
            }
        }
        if (first != null) {
            if (changed) {
                throw new PartlyPublishedException(String.join("; ", failures), first);
            }
            throw failures.size() == 1 ? first
                    : new PgWardenException(ErrorCode.PUBLISH_FAILED, String.join("; ", failures), first);
        }
        return changed ? PublishResult.CHANGED : PublishResult.UNCHANGED;
    }

    private boolean publishService(String service, List<NodeAddress> nodes, String signature, Instant now) {
        String what = "Endpoints " + namespace + "/" + service;
        try {
            KubernetesTargets targets = KubernetesTargets.of(nodes, service(service), namespace);
            Endpoints have = client.endpoints().inNamespace(namespace).withName(service).get();
            boolean changed = false;
            Map<String, String> own = Map.of(SIGNATURE, signature);
            if (have == null || !canonical(have).equals(targets.canonical()) || !own.equals(ownAnnotations(have.getMetadata()))
                    || !"true".equals(label(have.getMetadata(), SKIP_MIRROR))) {
                write(have, service, targets, signature, now);
                log.info("kubernetes {}: {} -> {}", what, have == null ? "created" : "updated", nodes);
                changed = true;
            }
            what = "EndpointSlices of Service " + namespace + "/" + service;
            changed |= slices.sync(service, targets, own);
            return changed;
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        }
    }

    private Service service(String name) {
        Service s = client.services().inNamespace(namespace).withName(name).get();
        if (s == null) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Service " + namespace + "/" + name
                    + " does not exist; create it without a selector (pgwarden manages its Endpoints), "
                    + "or fix RW_SERVICE/RO_SERVICE and NAMESPACE");
        }
        return s;
    }

    private void write(Endpoints have, String service, KubernetesTargets targets, String signature, Instant now) {
        List<EndpointSubset> subsets = new ArrayList<>();
        targets.byPort().forEach((port, ips) -> {
            EndpointSubsetBuilder b = new EndpointSubsetBuilder();
            ips.forEach(ip -> b.addToAddresses(new EndpointAddressBuilder().withIp(ip).build()));
            for (ServicePort sp : targets.ports()) {
                b.addToPorts(new EndpointPortBuilder().withName(sp.getName()).withPort(port)
                        .withProtocol(KubernetesTargets.protocol(sp)).build());
            }
            subsets.add(b.build());
        });
        Map<String, String> annotations = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        String resourceVersion = null;
        if (have != null) {
            if (have.getMetadata().getAnnotations() != null) {
                annotations.putAll(have.getMetadata().getAnnotations());
            }
            if (have.getMetadata().getLabels() != null) {
                labels.putAll(have.getMetadata().getLabels());
            }
            resourceVersion = have.getMetadata().getResourceVersion();
        }
        annotations.remove(SPLIT_BRAIN);
        annotations.put(SIGNATURE, signature);
        annotations.put(LAST_CHANGE, now.toString());
        labels.put(SKIP_MIRROR, "true");
        labels.put("app.kubernetes.io/managed-by", "pgwarden");
        Endpoints want = new EndpointsBuilder().withNewMetadata().withName(service).withNamespace(namespace)
                .withAnnotations(annotations).withLabels(labels).withResourceVersion(resourceVersion).endMetadata()
                .withSubsets(subsets).build();
        var op = client.endpoints().inNamespace(namespace).resource(want);
        if (have == null) {
            op.create();
        } else {
            op.update();
        }
    }

    @Override
    public void recordSplitBrain(List<NodeAddress> primaries, String reason, Instant now) {
        String value = primaries.stream().sorted().map(NodeAddress::toString).collect(Collectors.joining(","));
        boolean newCondition = false;
        boolean rwMissing = false;
        String what = "Endpoints " + namespace + "/" + rwService;
        try {
            for (String service : List.of(rwService, roService)) {
                what = "Endpoints " + namespace + "/" + service;
                Endpoints have = client.endpoints().inNamespace(namespace).withName(service).get();
                rwMissing |= have == null && service.equals(rwService);
                if (have == null || value.equals(annotation(have.getMetadata(), SPLIT_BRAIN))) {
                    continue; // nothing to annotate without changing routing, or already recorded
                }
                Map<String, String> annotations = new HashMap<>(have.getMetadata().getAnnotations() == null
                        ? Map.of() : have.getMetadata().getAnnotations());
                annotations.put(SPLIT_BRAIN, value);
                have.getMetadata().setAnnotations(annotations);
                client.endpoints().inNamespace(namespace).resource(have).update();
                newCondition |= service.equals(rwService);
            }
            what = "Event on Service " + namespace + "/" + rwService;
            // the annotation remembers across runs (a CronJob); without the read-write Endpoints the Event itself does
            // (its name is derived from the primaries), and lastEventFor saves a watch loop the lookup every cycle
            if (newCondition || (rwMissing && !value.equals(lastEventFor))) {
                recordEvent(value, reason, now, newCondition);
                lastEventFor = value;
            }
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        }
    }

    /** The primaries of the last SplitBrain Event this publisher created, so a watch loop does not repeat it. */
    private String lastEventFor;

    /**
     * Creates the SplitBrain Event for this set of primaries, or finds the one an earlier run created (same name).
     * An existing one is left alone when only a missing read-write Endpoints object made this run unsure whether
     * it was recorded, and counted again (count + 1, lastTimestamp) when the condition is new (the annotation was
     * not there), as Kubernetes does for a repeated Event.
     */
    private void recordEvent(String primaries, String reason, Instant now, boolean newCondition) {
        String name = eventName(primaries);
        var events = client.v1().events().inNamespace(namespace);
        Event existing = events.withName(name).get();
        if (existing != null && !newCondition) {
            log.debug("kubernetes {}/{}: split brain ({}) already recorded as Event {}", namespace, rwService, primaries, name);
            return;
        }
        String message = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
        if (existing != null) {
            existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
            existing.setLastTimestamp(now.toString());
            existing.setMessage(message);
            events.resource(existing).update();
        } else {
            try {
                events.resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).addToAnnotations(SPLIT_BRAIN, primaries)
                    .endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Service").withName(rwService)
                    .withNamespace(namespace).endInvolvedObject()
                    .withType("Warning").withReason("SplitBrain").withMessage(message)
                    .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
                    .withNewSource().withComponent("pgwarden").endSource()
                    .build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                log.debug("kubernetes {}/{}: Event {} was created concurrently", namespace, rwService, name);
                return;
            }
        }
        log.error("kubernetes {}: recorded split brain ({}) as Event {} and annotation {}", namespace + "/" + rwService,
                primaries, name, SPLIT_BRAIN);
    }

    /** {@code <rw-service>.split-brain.<hash of the primaries>}: one Event per Service and set of primaries. */
    private String eventName(String primaries) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(primaries.getBytes(StandardCharsets.UTF_8));
            return rwService + ".split-brain." + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** pgwarden's comparable annotations (signature and split-brain marker; not the change time). */
    static Map<String, String> ownAnnotations(ObjectMeta meta) {
        Map<String, String> out = new TreeMap<>();
        for (String key : List.of(SIGNATURE, SPLIT_BRAIN)) {
            String v = annotation(meta, key);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    private static String annotation(ObjectMeta meta, String key) {
        return meta == null || meta.getAnnotations() == null ? null : meta.getAnnotations().get(key);
    }

    private static String label(ObjectMeta meta, String key) {
        return meta == null || meta.getLabels() == null ? null : meta.getLabels().get(key);
    }

    /** The same canonical form as {@link KubernetesTargets#canonical()}, read from an existing object. */
    private static String canonical(Endpoints e) {
        List<String> lines = new ArrayList<>();
        if (e.getSubsets() != null) {
            for (EndpointSubset s : e.getSubsets()) {
                List<String> ips = new ArrayList<>();
                if (s.getAddresses() != null) {
                    s.getAddresses().forEach(a -> ips.add(a.getIp()));
                }
                if (s.getNotReadyAddresses() != null) {
                    s.getNotReadyAddresses().forEach(a -> ips.add("notready:" + a.getIp()));
                }
                for (String ip : ips) {
                    if (s.getPorts() == null) {
                        lines.add(ip + "|");
                        continue;
                    }
                    s.getPorts().forEach(p -> lines.add(ip + "|" + p.getName() + "/" + p.getPort() + "/"
                            + (p.getProtocol() == null ? "TCP" : p.getProtocol())));
                }
            }
        }
        return String.join("\n", lines.stream().sorted().toList());
    }

    private static PgWardenException failure(String what, KubernetesClientException e) {
        String hint = switch (e.getCode()) {
            case 401 -> "the service account token was rejected";
            case 403 -> "permission denied: grant the Role documented in docs/endpoints.md";
            case 409 -> "it was changed concurrently";
            case 0 -> "the API server did not answer";
            default -> "check the API server";
        };
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        return new PgWardenException(ErrorCode.PUBLISH_FAILED, String.format(Locale.ROOT,
                "Kubernetes: cannot update %s (HTTP %d: %s); %s", what, e.getCode(), status, hint), e);
    }
}
