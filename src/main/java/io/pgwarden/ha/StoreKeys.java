package io.pgwarden.ha;

/**
 * The key layout of a cluster in a key-value store: everything under {@code /pgwarden/<cluster>/}, as Patroni keeps
 * {@code /service/<scope>/}: {@code leader}, {@code status}, {@code members/<name>} and the {@link SharedKey}s
 * ({@code initialize, config, sync, switchover, failsafe, history}).
 */
public record StoreKeys(String cluster) {
    public static final String ROOT = "/pgwarden/";

    public String prefix() {
        return ROOT + cluster + "/";
    }

    public String leader() {
        return prefix() + "leader";
    }

    public String status() {
        return prefix() + "status";
    }

    public String membersPrefix() {
        return prefix() + "members/";
    }

    public String member(String name) {
        return membersPrefix() + name;
    }

    public String shared(SharedKey<?> key) {
        return prefix() + key.name();
    }
}
