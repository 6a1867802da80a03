package io.pgwarden.pg;

import io.pgwarden.core.ErrorCode;
import io.pgwarden.core.PgWardenException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches files from a Maven repository over HTTPS with the JDK's HttpClient, reporting download
 * progress on a stream (stderr in the CLI) so a user waiting on a slow link sees it moving.
 */
public final class ArtifactDownloader {
    /** A TCP connect to Maven Central takes well under a second; 30 s tolerates slow proxies. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** 15-20 MB at a slow 100 kB/s is about three minutes; ten leaves room. */
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern SHA1 = Pattern.compile("\\b([0-9a-fA-F]{40})\\b");

    private final URI repository;
    private final PrintStream progress;
    private HttpClient http;

    public ArtifactDownloader(URI repository, PrintStream progress) {
        this.repository = repository.toString().endsWith("/") ? repository : URI.create(repository + "/");
        this.progress = progress;
    }

    /** Created on first use: building it initialises TLS, which costs start-up time and memory nobody needs offline. */
    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    public URI url(String path) {
        return repository.resolve(path);
    }

    /** The checksum published at {@code path + ".sha1"}, lower case. */
    public String fetchSha1(String path) {
        URI uri = url(path + ".sha1");
        try {
            HttpResponse<String> r = http().send(HttpRequest.newBuilder(uri).timeout(CONNECT_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            check(uri, r.statusCode());
            String sha = parseSha1(r.body());
            if (sha == null) {
                throw new PgWardenException(ErrorCode.ENVIRONMENT, uri + " does not contain a SHA-1 checksum; "
                        + "cannot verify the download, so nothing was downloaded.");
            }
            return sha;
        } catch (IOException e) {
            throw unreachable(uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgWardenException(ErrorCode.FAILED, "Interrupted while fetching " + uri, e);
        }
    }

    /** Streams {@code path} into {@code target}, printing progress every 10%. */
    public void download(String path, Path target, String what) {
        URI uri = url(path);
        try {
            HttpResponse<InputStream> r = http().send(HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(target)) {
                check(uri, r.statusCode());
                long total = r.headers().firstValueAsLong("content-length").orElse(-1);
                progress.printf(Locale.ROOT, "pgwarden: downloading %s from %s%s%n", what, uri,
                        total > 0 ? String.format(Locale.ROOT, " (%.1f MB)", total / 1048576.0) : "");
                byte[] buf = new byte[64 * 1024];
                long done = 0;
                int lastDecile = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    done += n;
                    int decile = total > 0 ? (int) (done * 10 / total) : 0;
                    if (decile > lastDecile) {
                        lastDecile = decile;
                        progress.printf(Locale.ROOT, "pgwarden:   %d%% (%.1f MB)%n", decile * 10, done / 1048576.0);
                    }
                }
                progress.flush();
            }
        } catch (IOException e) {
            throw unreachable(uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgWardenException(ErrorCode.FAILED, "Interrupted while downloading " + uri, e);
        }
    }

    /** The first 40-hex-digit word of a {@code .sha1} file, lower case, or null. */
    static String parseSha1(String text) {
        Matcher m = SHA1.matcher(text == null ? "" : text);
        return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    private static void check(URI uri, int status) {
        if (status != 200) {
            throw new PgWardenException(ErrorCode.ENVIRONMENT, "GET " + uri + " answered HTTP " + status
                    + "; the embedded binaries cannot be downloaded. Install PostgreSQL and pass --pg-bin instead.");
        }
    }

    private static PgWardenException unreachable(URI uri, IOException e) {
        return new PgWardenException(ErrorCode.ENVIRONMENT, "Cannot download " + uri + ": " + e
                + ". Check network access to Maven Central (or a proxy), or install PostgreSQL and pass --pg-bin.", e);
    }
}
