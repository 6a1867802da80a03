package io.pgwarden.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3 bucket (or an S3-compatible store), through the AWS SDK for Java v2 with its standard
 * configuration: {@code AWS_REGION} (default us-east-1), {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}
 * (else the SDK's default chain: profile, instance role), {@code AWS_ENDPOINT_URL} for another store, which also
 * turns on path-style addressing. An object becomes visible with one PUT, which S3 applies atomically: the bytes
 * are spooled to a local temporary file first, so an interrupted writer never leaves a partial object.
 */
public final class S3Repository implements BackupRepository {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    S3Repository(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** Opens {@code s3://bucket/prefix} with the settings of {@code env}. */
    public static S3Repository open(String bucket, String prefix, Map<String, String> env) {
        var b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(first(env, "us-east-1", "AWS_REGION", "AWS_DEFAULT_REGION")))
                .credentialsProvider(credentials(env))
                // S3-compatible stores (MinIO, Ceph, s3proxy) do not all accept the SDK's trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        String endpoint = first(env, null, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        if (endpoint != null) {
            b.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        return new S3Repository(b.build(), bucket, prefix);
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id != null && !id.isBlank() && secret != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static String first(Map<String, String> env, String fallback, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return fallback;
    }

    @Override
    public ObjectWriter writer(String key) throws IOException {
        Path spool = Files.createTempFile("pgwarden-s3-", ".part");
        OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(spool), 1 << 16);
        return new ObjectWriter() {
            private boolean done;

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void commit() throws IOException {
                out.close();
                try {
                    s3.putObject(r -> r.bucket(bucket).key(prefix + key), RequestBody.fromFile(spool));
                } catch (SdkException e) {
                    throw failure("cannot upload", key, e);
                } finally {
                    done = true;
                    Files.deleteIfExists(spool);
                }
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    done = true;
                    out.close();
                    Files.deleteIfExists(spool);
                }
            }
        };
    }

    @Override
    public InputStream read(String key) throws IOException {
        try {
            return s3.getObject(r -> r.bucket(bucket).key(prefix + key));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key, null, "no such object in " + describe());
        } catch (SdkException e) {
            throw failure("cannot read", key, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        try {
            var head = s3.headObject(r -> r.bucket(bucket).key(prefix + key));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("cannot look up", key, e);
        } catch (SdkException e) {
            throw failure("cannot look up", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String keyPrefix) throws IOException {
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix)).contents()) {
                if (o.key().endsWith("/")) {
                    continue; // a "directory" marker some stores list (s3proxy's filesystem backend, consoles)
                }
                out.add(new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw failure("cannot list", keyPrefix + "*", e);
        }
        out.sort(java.util.Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(prefix + key));
        } catch (SdkException e) {
            throw failure("cannot delete", key, e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public void close() {
        s3.close();
    }

    private IOException failure(String what, String key, SdkException e) {
        return new IOException(what + " " + describe() + key + ": " + e.getMessage(), e);
    }
}
