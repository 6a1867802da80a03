package io.pgwarden.agent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgwarden.core.Clock;
import io.pgwarden.pg.SystemProcessRunner;
import io.pgwarden.topology.ClusterProbe;
import io.pgwarden.topology.EndpointPublisher;
import io.pgwarden.topology.FileEndpointPublisher;
import io.pgwarden.topology.JdbcNodeProbe;
import io.pgwarden.topology.KubernetesEndpointPublisher;
import io.pgwarden.topology.PgBouncerEndpointPublisher;
import io.pgwarden.topology.ReconcileCommand;
import io.pgwarden.topology.TopologyDecider;
import java.util.ArrayList;
import java.util.List;

/** Builds the probe, the publishers and the reconcile command from {@link EndpointsConfig}; closes what it opened. */
public final class EndpointsRuntime implements AutoCloseable {
    private final ClusterProbe probe;
    private final KubernetesClient kubernetes;
    private final ReconcileCommand command;

    public EndpointsRuntime(EndpointsConfig config) {
        this.probe = new ClusterProbe(config.nodes(), new JdbcNodeProbe(config.probe(), Clock.SYSTEM),
                config.probe().connectTimeout(), Clock.SYSTEM);
        List<EndpointPublisher> publishers = new ArrayList<>();
        if (config.rwService() != null) {
            kubernetes = new KubernetesClientBuilder().withConfig(kubernetesConfig()).build();
            String ns = config.namespace() != null ? config.namespace() : kubernetes.getNamespace();
            publishers.add(new KubernetesEndpointPublisher(kubernetes, ns == null ? "default" : ns, config.rwService(),
                    config.roService()));
        } else {
            kubernetes = null;
        }
        if (config.file() != null) {
            publishers.add(new FileEndpointPublisher(config.file()));
        }
        if (config.pgbouncerIni() != null) {
            publishers.add(new PgBouncerEndpointPublisher(config.pgbouncerIni(), config.pgbouncerAdmin(),
                    new SystemProcessRunner(), config.psql()));
        }
        this.command = new ReconcileCommand(probe::snapshot, new TopologyDecider(config.maxLag()), publishers, Clock.SYSTEM);
    }

    /**
     * In-cluster (service account) or kubeconfig settings, with bounds so that a slow API server cannot stall a
     * watch cycle for long: the next cycle retries anyway.
     */
    private static Config kubernetesConfig() {
        return new ConfigBuilder(Config.autoConfigure(null))
                // one retry of a 5xx/connection failure, then the next cycle takes over
                .withRequestRetryBackoffLimit(1)
                // a healthy API server answers in milliseconds; 10 s covers a loaded control plane
                .withRequestTimeout(10_000)
                .withConnectionTimeout(5_000)
                .build();
    }

    /** One probe, one decision, one publish ({@code endpoints reconcile}); closes what it opened. */
    public static io.pgwarden.topology.ReconcileResult reconcileOnce(EndpointsConfig config) {
        try (EndpointsRuntime runtime = new EndpointsRuntime(config)) {
            return runtime.command().execute();
        }
    }

    public ReconcileCommand command() {
        return command;
    }

    @Override
    public void close() {
        probe.close();
        if (kubernetes != null) {
            kubernetes.close();
        }
    }
}
