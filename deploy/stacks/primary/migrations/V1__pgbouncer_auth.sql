-- PgBouncer's auth_query setup (the primary stack): a login role that may only call a lookup of a user's password
-- secret, and the SECURITY DEFINER function it calls. The role's password is the stack's pgbouncer-auth-password
-- secret, read on the server (pg_read_file needs the superuser the migrations run as); it is never in this file.
-- Superusers are not looked up: they connect to PostgreSQL directly.
CREATE ROLE pgbouncer_auth LOGIN;
DO $$
BEGIN
    EXECUTE format('ALTER ROLE pgbouncer_auth PASSWORD %L',
                   split_part(pg_read_file('/run/secrets/pgbouncer-auth-password'), E'\n', 1));
END
$$;
CREATE SCHEMA pgbouncer AUTHORIZATION CURRENT_USER;
CREATE FUNCTION pgbouncer.get_auth(p_usename text)
    RETURNS TABLE (usename name, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT usename, passwd FROM pg_catalog.pg_shadow WHERE usename = p_usename AND NOT usesuper
$$;
REVOKE ALL ON SCHEMA pgbouncer FROM PUBLIC;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT USAGE ON SCHEMA pgbouncer TO pgbouncer_auth;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer_auth;
-- an ordinary role for applications, which reach the database through PgBouncer
CREATE ROLE app_user LOGIN;
DO $$
BEGIN
    EXECUTE format('ALTER ROLE app_user PASSWORD %L',
                   split_part(pg_read_file('/run/secrets/app-user-password'), E'\n', 1));
END
$$;
GRANT CONNECT, CREATE ON DATABASE app TO app_user;
GRANT USAGE, CREATE ON SCHEMA public TO app_user;
