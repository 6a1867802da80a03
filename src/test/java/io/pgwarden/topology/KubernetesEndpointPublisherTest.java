package io.pgwarden.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.pgwarden.core.PgWardenException;
import io.pgwarden.testing.TestKubernetes;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes publisher against fabric8's mock API server (CRUD mode); no PostgreSQL involved. */
class KubernetesEndpointPublisherTest {
    private static final NodeAddress A = new NodeAddress("10.0.0.1", 5432);
    private static final NodeAddress B = new NodeAddress("10.0.0.2", 5433);
    private static final NodeAddress C = new NodeAddress("10.0.0.3", 5432);
    private static final Instant NOW = Instant.parse("2026-11-23T21:00:00Z");

    private final TestKubernetes k8s = TestKubernetes.start();
    private final KubernetesEndpointPublisher publisher =
            new KubernetesEndpointPublisher(k8s.client(), TestKubernetes.NAMESPACE, "pg-rw", "pg-ro");

    @AfterEach
    void stop() {
        k8s.close();
    }

    @Test
    void nodesOnDifferentPortsGetOneSubsetAndOneSlicePerPortAndStaleSlicesAreDeleted() {
        k8s.createService("pg-rw");
        k8s.createService("pg-ro");

        assertThat(publisher.publish(new DesiredEndpoints(A, List.of(B, C), List.of()), NOW)).isEqualTo(PublishResult.CHANGED);

        assertThat(k8s.endpoints("pg-ro").getSubsets()).hasSize(2);
        assertThat(k8s.endpointAddresses("pg-ro")).containsExactly("10.0.0.2:5433", "10.0.0.3:5432");
        assertThat(k8s.sliceAddresses("pg-ro")).containsExactly("10.0.0.2:5433", "10.0.0.3:5432");
        assertThat(k8s.endpoints("pg-ro").getMetadata().getLabels())
                .containsEntry("endpointslice.kubernetes.io/skip-mirror", "true");
        assertThat(k8s.annotation("pg-ro", KubernetesEndpointPublisher.LAST_CHANGE)).isEqualTo("2026-11-23T21:00:00Z");

        publisher.publish(new DesiredEndpoints(A, List.of(C), List.of(B)), NOW.plusSeconds(1));

        assertThat(k8s.sliceAddresses("pg-ro")).containsExactly("10.0.0.3:5432");
        assertThat(k8s.client().discovery().v1().endpointSlices().inNamespace(TestKubernetes.NAMESPACE)
                .withLabel("kubernetes.io/service-name", "pg-ro").list().getItems())
                .extracting(s -> s.getMetadata().getName()).containsExactly("pg-ro-pgwarden-5432");
        assertThat(publisher.publish(new DesiredEndpoints(A, List.of(C), List.of(B)), NOW.plusSeconds(2)))
                .isEqualTo(PublishResult.UNCHANGED);
    }

    @Test
    void aServiceWithASelectorIsRefusedWithWhatToDo() {
        k8s.client().services().inNamespace(TestKubernetes.NAMESPACE).resource(new ServiceBuilder().withNewMetadata()
                .withName("pg-rw").withNamespace(TestKubernetes.NAMESPACE).endMetadata().withNewSpec()
                .addToSelector("app", "postgres").addNewPort().withName("postgres").withPort(5432).endPort().endSpec()
                .build()).create();
        k8s.createService("pg-ro");

        assertThatThrownBy(() -> publisher.publish(new DesiredEndpoints(A, List.of(), List.of()), NOW))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("Service db/pg-rw has a selector {app=postgres}, so Kubernetes manages its Endpoints and "
                        + "would undo pgwarden's changes; remove spec.selector from the Service");
        assertThat(k8s.endpoints("pg-ro")).as("the read-only Service is still published").isNotNull();
    }

    @Test
    void aMissingServiceNamesTheSettingsToCheck() {
        k8s.createService("pg-rw");

        assertThatThrownBy(() -> publisher.publish(new DesiredEndpoints(A, List.of(B), List.of()), NOW))
                .isInstanceOf(PgWardenException.class)
                .hasMessage("Service db/pg-ro does not exist; create it without a selector (pgwarden manages its "
                        + "Endpoints), or fix RW_SERVICE/RO_SERVICE and NAMESPACE");
        assertThat(k8s.endpointAddresses("pg-rw")).containsExactly("10.0.0.1:5432");
    }

    private List<Event> splitBrainEvents() {
        return k8s.events().stream().filter(e -> "SplitBrain".equals(e.getReason())).toList();
    }

    @Test
    void withoutReadWriteEndpointsEachNewProcessFindsTheExistingEventInsteadOfAddingOne() {
        // no Endpoints objects: nothing to annotate, so only the Event can remember across reconcile processes
        new KubernetesEndpointPublisher(k8s.client(), TestKubernetes.NAMESPACE, "pg-rw", "pg-ro")
                .recordSplitBrain(List.of(B, A), "split brain: 2 primaries", NOW);
        new KubernetesEndpointPublisher(k8s.client(), TestKubernetes.NAMESPACE, "pg-rw", "pg-ro")
                .recordSplitBrain(List.of(A, B), "split brain: 2 primaries", NOW.plusSeconds(60));

        assertThat(splitBrainEvents()).singleElement().satisfies(e -> {
            assertThat(e.getMetadata().getName()).startsWith("pg-rw.split-brain.");
            assertThat(e.getMetadata().getAnnotations()).containsEntry(KubernetesEndpointPublisher.SPLIT_BRAIN,
                    "10.0.0.1:5432,10.0.0.2:5433");
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("pg-rw");
        });

        new KubernetesEndpointPublisher(k8s.client(), TestKubernetes.NAMESPACE, "pg-rw", "pg-ro")
                .recordSplitBrain(List.of(A, C), "split brain: other primaries", NOW.plusSeconds(120));

        assertThat(splitBrainEvents()).as("a different set of primaries is a new Event").hasSize(2);
    }

    @Test
    void aSplitBrainThatComesBackCountsTheSameEventAgain() {
        k8s.createService("pg-rw");
        k8s.createService("pg-ro");
        DesiredEndpoints routing = new DesiredEndpoints(A, List.of(), List.of());
        publisher.publish(routing, NOW);
        publisher.recordSplitBrain(List.of(A, B), "split brain: 2 primaries", NOW.plusSeconds(1));
        publisher.recordSplitBrain(List.of(A, B), "split brain: 2 primaries", NOW.plusSeconds(2));
        publisher.publish(routing, NOW.plusSeconds(3)); // over: the annotation is removed

        new KubernetesEndpointPublisher(k8s.client(), TestKubernetes.NAMESPACE, "pg-rw", "pg-ro")
                .recordSplitBrain(List.of(A, B), "split brain: 2 primaries again", NOW.plusSeconds(4));

        assertThat(splitBrainEvents()).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(2);
            assertThat(e.getLastTimestamp()).isEqualTo("2026-11-23T21:00:04Z");
            assertThat(e.getMessage()).isEqualTo("split brain: 2 primaries again");
        });
    }
}
