package io.pgwarden.topology;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The addresses one Service should route to, in Kubernetes' terms: IPs (node list host names are resolved, as
 * Endpoints only hold IPs), grouped by the node's PostgreSQL port, with port names and protocols taken from the
 * Service. A canonical string form ({@link #canonical()}) makes "does the cluster already match" a string
 * comparison.
 *
 * @param byPort   node port to sorted IPs
 * @param ports    the Service's ports (name, protocol); each is mapped to the node's port
 */
record KubernetesTargets(Map<Integer, List<String>> byPort, List<ServicePort> ports) {

    static KubernetesTargets of(List<NodeAddress> nodes, Service service, String namespace) {
        String svc = namespace + "/" + service.getMetadata().getName();
        if (service.getSpec() == null || service.getSpec().getPorts() == null || service.getSpec().getPorts().isEmpty()) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Service " + svc
                    + " has no ports; give it the PostgreSQL port (e.g. port: 5432, name: postgres)");
        }
        if (service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty()) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Service " + svc + " has a selector "
                    + service.getSpec().getSelector() + ", so Kubernetes manages its Endpoints and would undo "
                    + "pgwarden's changes; remove spec.selector from the Service");
        }
        Map<Integer, List<String>> byPort = new TreeMap<>();
        for (NodeAddress node : nodes) {
            byPort.computeIfAbsent(node.port(), p -> new ArrayList<>()).add(ip(node, svc));
        }
        byPort.replaceAll((p, ips) -> ips.stream().sorted().distinct().toList());
        return new KubernetesTargets(byPort, List.copyOf(service.getSpec().getPorts()));
    }

    private static String ip(NodeAddress node, String svc) {
        if (node.isIpLiteral()) {
            return node.host();
        }
        try {
            return InetAddress.getByName(node.host()).getHostAddress();
        } catch (UnknownHostException e) {
            throw new PgWardenException(ErrorCode.PUBLISH_FAILED, "Cannot resolve node " + node + " to an IP for "
                    + "the Endpoints of Service " + svc + " (Endpoints hold IPs only); use IP addresses in PG_NODES "
                    + "or fix DNS", e);
        }
    }

    static String protocol(ServicePort p) {
        return p.getProtocol() == null ? "TCP" : p.getProtocol();
    }

    /** {@code 10.0.0.1|postgres/5432/TCP} lines, sorted: equal strings mean equal routing. */
    String canonical() {
        List<String> lines = new ArrayList<>();
        byPort.forEach((port, ips) -> {
            for (String ip : ips) {
                for (ServicePort sp : ports) {
                    lines.add(ip + "|" + sp.getName() + "/" + port + "/" + protocol(sp));
                }
            }
        });
        return String.join("\n", lines.stream().sorted().toList());
    }
}
