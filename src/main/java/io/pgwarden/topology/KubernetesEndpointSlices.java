package io.pgwarden.topology;

import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a Service's EndpointSlices in line with its targets: one slice per (node port, address type), named
 * {@code <service>-pgwarden-<port>[-v6]}, labelled {@code kubernetes.io/service-name} and
 * {@code endpointslice.kubernetes.io/managed-by: pgwarden.io}; slices pgwarden made that are no longer wanted are
 * deleted. Kubernetes' own mirroring of Endpoints into slices is switched off on pgwarden's Endpoints
 * ({@code endpointslice.kubernetes.io/skip-mirror}), so there is exactly one owner.
 */
final class KubernetesEndpointSlices {
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    static final String MANAGED_BY = "pgwarden.io";

    private final KubernetesClient client;
    private final String namespace;

    KubernetesEndpointSlices(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** @return true when a slice was created, updated or deleted */
    boolean sync(String service, KubernetesTargets targets, Map<String, String> annotations) {
        Map<String, EndpointSlice> desired = new HashMap<>();
        targets.byPort().forEach((port, ips) -> {
            List<String> v4 = ips.stream().filter(ip -> !ip.contains(":")).toList();
            List<String> v6 = ips.stream().filter(ip -> ip.contains(":")).toList();
            if (!v4.isEmpty()) {
                EndpointSlice s = slice(service + "-pgwarden-" + port, service, "IPv4", v4, port, targets.ports(), annotations);
                desired.put(s.getMetadata().getName(), s);
            }
            if (!v6.isEmpty()) {
                EndpointSlice s = slice(service + "-pgwarden-" + port + "-v6", service, "IPv6", v6, port, targets.ports(), annotations);
                desired.put(s.getMetadata().getName(), s);
            }
        });
        var slices = client.discovery().v1().endpointSlices().inNamespace(namespace);
        List<EndpointSlice> existing = slices.withLabel(SERVICE_NAME_LABEL, service)
                .withLabel(MANAGED_BY_LABEL, MANAGED_BY).list().getItems();
        boolean changed = false;
        for (EndpointSlice have : existing) {
            EndpointSlice want = desired.remove(have.getMetadata().getName());
            if (want == null) {
                slices.resource(have).delete();
                changed = true;
            } else if (!canonical(have).equals(canonical(want))) {
                want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
                slices.resource(want).update();
                changed = true;
            }
        }
        for (EndpointSlice want : desired.values()) {
            slices.resource(want).create();
            changed = true;
        }
        return changed;
    }

    private static EndpointSlice slice(String name, String service, String type, List<String> ips, int port,
            List<ServicePort> servicePorts, Map<String, String> annotations) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String ip : ips) {
            endpoints.add(new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(true).endConditions().build());
        }
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp : servicePorts) {
            ports.add(new EndpointPortBuilder().withName(sp.getName()).withPort(port)
                    .withProtocol(KubernetesTargets.protocol(sp)).build());
        }
        return new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(null)
                .addToLabels(SERVICE_NAME_LABEL, service).addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
                .withAnnotations(new HashMap<>(annotations)).endMetadata()
                .withAddressType(type).withEndpoints(endpoints).withPorts(ports).build();
    }

    /** Addresses, readiness, ports and pgwarden's annotations, sorted. */
    private static String canonical(EndpointSlice s) {
        List<String> parts = new ArrayList<>();
        parts.add("type=" + s.getAddressType());
        if (s.getEndpoints() != null) {
            for (Endpoint e : s.getEndpoints()) {
                boolean ready = e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady());
                parts.add("ep=" + e.getAddresses() + ":" + ready);
            }
        }
        if (s.getPorts() != null) {
            for (EndpointPort p : s.getPorts()) {
                parts.add("port=" + p.getName() + "/" + p.getPort() + "/" + p.getProtocol());
            }
        }
        KubernetesEndpointPublisher.ownAnnotations(s.getMetadata()).forEach((k, v) -> parts.add(k + "=" + v));
        return String.join("\n", parts.stream().sorted().toList());
    }
}
