package io.pgwarden.topology;

/**
 * A replica's WAL receiver as {@code pg_stat_wal_receiver} shows it: its status ({@code streaming},
 * {@code waiting}, ...), the primary it streams from ({@code sender_host}/{@code sender_port}) and the timeline
 * it receives. {@code senderHost} may be a name, an IP or a socket directory, as written in primary_conninfo.
 */
public record WalReceiver(String status, String senderHost, int senderPort, int receivedTimeline) {
    public boolean streaming() {
        return "streaming".equals(status);
    }

    /** {@code host:port} of the sender, for messages. */
    public String sender() {
        return senderHost + ":" + senderPort;
    }
}
