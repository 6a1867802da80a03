package io.pgwarden.topology;

import io.pgwarden.pg.SqlIdentifiers;

/**
 * The lookup PgBouncer's {@code auth_query} calls: a {@code SECURITY DEFINER} function owned by a superuser that
 * returns the stored SCRAM verifier of one login role from {@code pg_authid}, with {@code search_path} pinned (so no
 * object of the caller's can be substituted) and EXECUTE granted only to the auth role. It answers for ordinary login
 * roles only: superusers and the auth role itself are never authenticated through the pooler, and an expired
 * password ({@code VALID UNTIL} in the past) is not returned.
 */
final class PgBouncerAuthQuery {
    static final String SCHEMA = "pgbouncer";
    static final String FUNCTION = "get_auth";
    /** The {@code auth_query} line of pgbouncer.ini. */
    static final String AUTH_QUERY = "SELECT usename, passwd FROM " + SCHEMA + "." + FUNCTION + "($1)";

    private PgBouncerAuthQuery() {
    }

    /** The function's body as {@code pg_proc.prosrc} holds it, to tell whether an existing one is current. */
    static String body(String authUser) {
        return "\n  SELECT r.rolname::name, r.rolpassword::text\n"
                + "    FROM pg_catalog.pg_authid r\n"
                + "   WHERE r.rolname = p_usename\n"
                + "     AND r.rolcanlogin AND NOT r.rolsuper AND r.rolname <> " + SqlIdentifiers.literal(authUser) + "\n"
                + "     AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > pg_catalog.now())\n";
    }

    static String create(String authUser) {
        return "CREATE OR REPLACE FUNCTION " + SCHEMA + "." + FUNCTION + "(p_usename text)\n"
                + "RETURNS TABLE (usename name, passwd text)\n"
                + "LANGUAGE sql STABLE STRICT SECURITY DEFINER\n"
                + "SET search_path = pg_catalog, pg_temp\n"
                + "AS $pgwarden$" + body(authUser) + "$pgwarden$";
    }

    static String signature() {
        return SCHEMA + "." + FUNCTION + "(text)";
    }
}
