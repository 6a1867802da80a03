package io.pgwarden.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** How repository objects are compressed; the key's extension says which, so a reader needs no manifest. */
public enum Compression {
    /** zstd level 1: about pgBackRest's zst level 1, several hundred MB/s per core. */
    ZSTD("zst"),
    LZ4("lz4"),
    /** gzip level 1: slower than zstd at a worse ratio; for tools that only read gzip. */
    GZIP("gz"),
    NONE("");

    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    /** The key suffix, with its dot ({@code .zst}), or "" for {@link #NONE}. */
    public String suffix() {
        return extension.isEmpty() ? "" : "." + extension;
    }

    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            // with content checksums, so that verify detects a damaged object even where no SHA-256 is recorded (WAL)
            case ZSTD -> new ZstdOutputStream(out, 1).setChecksum(true);
            case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
            case GZIP -> new GZIPOutputStream(out, 1 << 16) {
                {
                    def.setLevel(1);
                }
            };
            case NONE -> out;
        };
    }

    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStream(in);
            case LZ4 -> new LZ4FrameInputStream(in);
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case NONE -> in;
        };
    }

    /** The compression a stored key's suffix names (a key with no known suffix is uncompressed). */
    public static Compression ofKey(String key) {
        for (Compression c : values()) {
            if (c != NONE && key.endsWith(c.suffix())) {
                return c;
            }
        }
        return NONE;
    }

    /** Parses a flag value; the message names the flag, the value and the allowed values. */
    public static Compression parse(String text) {
        for (Compression c : values()) {
            if (c.flagValue().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of "
                + String.join(", ", Arrays.stream(values()).map(Compression::flagValue).toList()));
    }
}
