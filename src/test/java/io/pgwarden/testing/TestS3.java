package io.pgwarden.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server in the test JVM: s3proxy on a free loopback port over jclouds' filesystem store, with
 * signature v4 authentication. {@link #env()} gives the AWS variables a client needs to reach it.
 */
public final class TestS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "pgwarden-test";
    public static final String SECRET_KEY = "pgwarden-test-secret";
    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final int port;

    private TestS3(S3Proxy proxy, BlobStoreContext context, int port) {
        this.proxy = proxy;
        this.context = context;
        this.port = port;
    }

    /** Starts a server holding the (empty) buckets named. */
    public static TestS3 start(String... buckets) throws Exception {
        Path dir = Files.createTempDirectory("pgwarden-s3-");
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem").credentials("identity", "credential")
                .overrides(props).build(BlobStoreContext.class);
        int port = TestPostgres.freePort();
        S3Proxy proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start(); // returns once Jetty listens
        for (String b : buckets) {
            context.getBlobStore().createContainerInLocation(null, b);
        }
        return new TestS3(proxy, context, port);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** AWS_ENDPOINT_URL, AWS_REGION and the credentials of this server. */
    public Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL", endpoint(), "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
