/**
 * Backups: the repository ({@link io.pgwarden.backup.BackupRepository}: a local directory or S3), physical base
 * backups through the low-level API ({@link io.pgwarden.backup.BaseBackup}), the WAL archive
 * ({@link io.pgwarden.backup.WalArchive}, behind {@code archive_command} / {@code restore_command}), restores with
 * point-in-time recovery ({@link io.pgwarden.backup.Restorer}), the catalogue and verification, and logical
 * dump/load with {@code pg_dump}. Depends on core and pg only.
 *
 * <p>Repository layout (keys relative to the repository root):
 * <pre>
 * backups/ID/data/PATH.EXT     every file of the data directory, compressed (EXT: zst, lz4, gz or none)
 * backups/ID/manifest.json     written last: its presence is what makes a backup complete
 * backups/ID/keep              present when the backup is marked --keep (retention never deletes it)
 * wal/TLI/SEGMENT.EXT          archived WAL segments (and .backup files) of timeline TLI (8 hex digits)
 * wal/TLI/TLI.history          the history file that started timeline TLI (uncompressed)
 * </pre>
 */
package io.pgwarden.backup;
