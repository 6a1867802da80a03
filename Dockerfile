# syntax=docker/dockerfile:1
# pgwarden container image. Three stages:
#   build   - compiles the jar with the Maven wrapper (JDK 17)
#   test    - Debian with PostgreSQL 15, psql, curl, a JDK and the sources: runs `./mvnw -B verify`
#   runtime - the official PostgreSQL image of the default major, a JRE and the pgwarden jar (default target)
# Build:  docker build -t pgwarden .                  (runtime)
#         docker build --target test -t pgwarden-test . && docker run --rm pgwarden-test
# Run:    docker run -d -p 5432:5432 -p 8008:8008 -v pgdata:/var/lib/postgresql pgwarden
# See docs/agent.md for every flag and environment variable.

ARG PG_MAJOR=18

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
# Dependencies first, so source edits do not re-download them.
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -DskipTests package

FROM debian:bookworm-slim AS test
ENV DEBIAN_FRONTEND=noninteractive JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:$PATH
# The integration tests start their own servers on loopback: PostgreSQL 15 (Debian), PgBouncer, HAProxy, etcd.
RUN mkdir -p /etc/postgresql-common \
    && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 postgresql-client-15 pgbouncer haproxy \
       etcd-server etcd-client curl ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/java/openjdk /opt/java/openjdk
COPY --from=build /root/.m2 /root/.m2
WORKDIR /src
COPY --from=build /src /src
CMD ["./mvnw", "-B", "verify"]

FROM postgres:${PG_MAJOR}-bookworm AS runtime
ENV JAVA_HOME=/opt/java/openjdk HEALTH_PORT=8008
COPY --from=eclipse-temurin:17-jre /opt/java/openjdk /opt/java/openjdk
COPY --from=build /src/target/pgwarden.jar /opt/pgwarden/pgwarden.jar
COPY --from=build /src/target/lib/ /opt/pgwarden/lib/
COPY deploy/jvm.options /opt/pgwarden/jvm.options
COPY deploy/docker/pgwarden /usr/local/bin/pgwarden
RUN chmod 0755 /usr/local/bin/pgwarden \
    && mkdir -p /var/lib/postgresql /var/run/postgresql \
    && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
# PostgreSQL refuses to run as root; pgwarden runs as the same user, so it needs no setpriv here.
USER postgres
WORKDIR /var/lib/postgresql
# The official image keeps its data under /var/lib/postgresql; mount a volume there.
VOLUME /var/lib/postgresql
EXPOSE 5432 8008
# pgwarden run stops PostgreSQL cleanly on SIGTERM (smart, then fast after --stop-timeout) and exits 0.
# Give it time: docker stop -t 30 / terminationGracePeriodSeconds >= 2 x --stop-timeout.
STOPSIGNAL SIGTERM
# Same meaning as the /readiness endpoint; start-period covers initdb and crash recovery.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["pgwarden", "healthcheck"]
ENTRYPOINT ["pgwarden", "run"]
