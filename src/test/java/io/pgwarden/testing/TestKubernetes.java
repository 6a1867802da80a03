package io.pgwarden.testing;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's Kubernetes mock server in CRUD mode (a real HTTP server speaking the Kubernetes API and storing
 * objects), with expectations layered on top ({@link #server()}{@code .expect()...once()}) to inject one failure.
 * Reads Endpoints and EndpointSlices back as {@code ip:port} lists, the way a user checks them with kubectl.
 */
public final class TestKubernetes implements AutoCloseable {
    public static final String NAMESPACE = "db";

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private TestKubernetes() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
    }

    public static TestKubernetes start() {
        return new TestKubernetes();
    }

    public KubernetesMockServer server() {
        return server;
    }

    public KubernetesClient client() {
        return client;
    }

    /** A selector-less Service with one TCP port named {@code postgres}, as the replaced CronJob's manifests had. */
    public void createService(String name) {
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace(NAMESPACE).endMetadata().withNewSpec().addNewPort().withName("postgres").withPort(5432)
                .withProtocol("TCP").endPort().endSpec().build()).create();
    }

    public Endpoints endpoints(String service) {
        return client.endpoints().inNamespace(NAMESPACE).withName(service).get();
    }

    /** {@code ip:port} of every ready address of the Service's Endpoints, sorted; empty when it has none. */
    public List<String> endpointAddresses(String service) {
        Endpoints e = endpoints(service);
        List<String> out = new ArrayList<>();
        if (e != null && e.getSubsets() != null) {
            for (EndpointSubset s : e.getSubsets()) {
                for (var a : s.getAddresses()) {
                    for (var p : s.getPorts()) {
                        out.add(a.getIp() + ":" + p.getPort());
                    }
                }
            }
        }
        return out.stream().sorted().toList();
    }

    public String annotation(String service, String key) {
        Endpoints e = endpoints(service);
        return e == null || e.getMetadata().getAnnotations() == null ? null : e.getMetadata().getAnnotations().get(key);
    }

    /** {@code ip:port} of every ready endpoint of the Service's EndpointSlices, sorted. */
    public List<String> sliceAddresses(String service) {
        List<String> out = new ArrayList<>();
        for (EndpointSlice s : client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                .withLabel("kubernetes.io/service-name", service).list().getItems()) {
            for (var e : s.getEndpoints()) {
                if (Boolean.TRUE.equals(e.getConditions().getReady())) {
                    for (String ip : e.getAddresses()) {
                        for (var p : s.getPorts()) {
                            out.add(ip + ":" + p.getPort());
                        }
                    }
                }
            }
        }
        return out.stream().sorted().toList();
    }

    public List<Event> events() {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
