package io.pgwarden.topology;

/** What a cycle decided to do with the endpoints. */
public enum TopologyOutcome {
    /** Exactly one primary, and the endpoints differ from what was last published: publish them. */
    PUBLISH,
    /** Exactly one primary, and the endpoints are what was last published. */
    UNCHANGED,
    /** No reachable primary: nothing is changed (clients keep their last targets). */
    NO_PRIMARY,
    /** More than one primary: nothing is changed, the condition is recorded and logged at ERROR. */
    SPLIT_BRAIN
}
