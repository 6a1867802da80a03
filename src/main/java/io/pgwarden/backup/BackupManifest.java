package io.pgwarden.backup;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;

/**
 * What {@code backups/ID/manifest.json} records about one base backup. Written last: a backup with a manifest is
 * complete (every file and the WAL from its start to its stop segment are in the repository).
 *
 * @param files every file of the backup (data directory files, backup_label, tablespace_map), with the size and
 *              SHA-256 of its uncompressed content and the size stored
 */
public record BackupManifest(int format, String id, String systemIdentifier, int serverVersionNum, int timeline,
        String startLsn, String stopLsn, String startWal, String stopWal, String startTime, String stopTime,
        String label, String compression, long durationMillis, List<String> directories, List<FileEntry> files) {

    public static final int FORMAT = 1;
    public static final String NAME = "manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One file: its path relative to the data directory, the stored key's suffix and the checksums. */
    public record FileEntry(String path, long size, String sha256, long storedSize) {
    }

    /** The key of a backup's manifest. */
    public static String key(String backupId) {
        return "backups/" + backupId + "/" + NAME;
    }

    /** The key a file of backup {@code id} is stored under. */
    public static String dataKey(String id, String path, Compression c) {
        return "backups/" + id + "/data/" + path + c.suffix();
    }

    public String dataKey(FileEntry f) {
        return dataKey(id, f.path(), Compression.parse(compression));
    }

    public long totalSize() {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public long storedSize() {
        return files.stream().mapToLong(FileEntry::storedSize).sum();
    }

    public byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    public static BackupManifest parse(byte[] json) throws IOException {
        return JSON.readValue(json, BackupManifest.class);
    }
}
