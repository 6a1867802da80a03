#!/bin/sh
# PgBouncer's entrypoint in the primary stack: the auth_user's password comes from the secret into a private
# auth_file (PgBouncer reads no environment), then PgBouncer replaces this shell (it gets the container's signals).
set -eu
dir=/tmp/pgbouncer
mkdir -p "$dir" && chmod 0700 "$dir"
umask 077
printf '"pgbouncer_auth" "%s"\n' "$(head -n1 /run/secrets/pgbouncer-auth-password)" > "$dir/userlist.txt"
exec pgbouncer /etc/pgwarden-pgbouncer/pgbouncer.ini
