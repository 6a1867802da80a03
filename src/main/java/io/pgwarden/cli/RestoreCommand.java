package io.pgwarden.cli;

import io.pgwarden.backup.BackupRepository;
import io.pgwarden.backup.RecoveryTarget;
import io.pgwarden.backup.Restorer;
import io.pgwarden.config.ConfigSources;
import io.pgwarden.config.Problems;
import io.pgwarden.core.ByteSize;
import io.pgwarden.core.Clock;
import io.pgwarden.core.Durations;
import io.pgwarden.core.Lsn;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgwarden restore}: a data directory from a backup, set up to recover to a target. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Restores a base backup into a data directory and sets it up to recover from the WAL archive"
                        + " (recovery.signal; restore_command runs 'pgwarden wal fetch' on the same repository) to a"
                        + " target, then promote. Checks first and refuses before writing anything: the backup is"
                        + " complete, its WAL is archived up to the target (a time or LSN inside the recoverable window),"
                        + " the directory is empty (unless --delta). Start the server with 'pgwarden up' (or run, or"
                        + " pg_ctl): it recovers, then promotes; a target that recovery never reaches stops it with an"
                        + " error (PostgreSQL 13+), never a promotion at the end of the WAL.",
                "Targets are inclusive unless --target-exclusive: a transaction committed exactly at the target time"
                        + " (or the target xid itself) is kept. Without a target, all archived WAL is replayed.",
                "",
                "Examples:",
                "  pgwarden restore --repo /srv/backups --data-dir ./restored",
                "  pgwarden restore --repo /srv/backups --data-dir ./restored \\",
                "      --target-time 2026-12-03T14:05:00Z",
                "  pgwarden restore --repo s3://acme-db/prod --delta --target immediate",
                "  pgwarden up --data-dir ./restored     # recovers, then promotes",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:restored; start the server to recover", "1:the repository or the directory failed",
                "2:invalid flag, non-empty directory, or a target before the backup",
                "21:no such backup, or no complete backup",
                "22:the backup or the WAL up to the target is missing or damaged (recoverable window given)"})
public final class RestoreCommand extends AbstractCommand {
    @Mixin
    BackupRepoOptions repo;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory to restore into: new or empty (or an existing cluster with --delta). Env: PGDATA."
                    + " Default: ./pgwarden-data.")
    String dataDir;

    @Option(names = "--backup", paramLabel = "ID",
            description = "Backup to restore. Default: the newest complete backup that ends before the target.")
    String backup;

    @Option(names = "--target-time", paramLabel = "TIME", description = "Recover to this time (ISO 8601, e.g. 2026-12-03T14:05:00Z).")
    String targetTime;

    @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover to this WAL location (e.g. 0/3000148).")
    String targetLsn;

    @Option(names = "--target-xid", paramLabel = "XID", description = "Recover to the commit of this transaction id.")
    String targetXid;

    @Option(names = "--target-name", paramLabel = "NAME", description = "Recover to a restore point made with pg_create_restore_point().")
    String targetName;

    @Option(names = "--target", paramLabel = "immediate", description = "immediate: stop as soon as the backup is consistent.")
    String target;

    @Option(names = "--target-exclusive", description = "Stop just before the target time/LSN/xid instead of just after it.")
    boolean exclusive;

    @Option(names = "--target-timeline", paramLabel = "latest|current|N",
            description = "Timeline to recover along (after a promotion). Default: latest.")
    String timeline;

    @Option(names = "--target-action", paramLabel = "promote|pause|shutdown",
            description = "What the server does at the target. Default: promote.")
    String action;

    @Option(names = "--delta", description = "Restore into an existing (stopped) cluster: rewrite only files whose"
            + " checksum differs from the backup, remove files the backup does not have.")
    boolean delta;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Files written at once. Env: PGWARDEN_BACKUP_PARALLEL. Default: the number of CPUs, at most 4.")
    String parallel;

    @Option(names = "--pgwarden-command", paramLabel = "COMMAND",
            description = "How the server runs pgwarden in restore_command. Env: PGWARDEN_COMMAND. Default: this pgwarden"
                    + " (java -jar its jar), else 'pgwarden' on PATH.")
    String pgwardenCommand;

    @Override
    protected int execute() {
        ConfigSources sources = sources(null);
        Problems problems = new Problems();
        Path dir = sources.resolve(problems, Path.of(UpCommand.DEFAULT_DATA_DIR), InputParsers::path, "--data-dir", dataDir,
                "PGDATA");
        int n = sources.resolve(problems, Math.min(4, Runtime.getRuntime().availableProcessors()), InputParsers::positive,
                "--parallel", parallel, "PGWARDEN_BACKUP_PARALLEL");
        String command = sources.find("--pgwarden-command", pgwardenCommand, "PGWARDEN_COMMAND").map(s -> s.value())
                .orElseGet(RestoreCommand::self);
        RecoveryTarget t = recoveryTarget(problems);
        problems.throwIfAny();
        String location = repo.location(sources);
        try (BackupRepository r = repo.open(sources)) {
            Restorer.Result res = new Restorer(r, Clock.SYSTEM).execute(new Restorer.Request(dir, backup, t, delta, n, command,
                    location));
            out().println("restored backup " + res.backupId() + " into " + dir.toAbsolutePath().normalize() + ": "
                    + res.written() + " files written (" + new ByteSize(res.bytes()).toHuman() + ")"
                    + (delta ? ", " + res.unchanged() + " unchanged, " + res.removed() + " removed" : "") + " in "
                    + Durations.format(res.took()) + "; archived WAL reaches " + res.chain().end() + " (stored until "
                    + res.chain().lastArchivedAt() + ")");
            out().println("start the server ('pgwarden up --data-dir " + dir + "' or pg_ctl) to recover to "
                    + t.describe() + ", then " + t.action());
            out().flush();
        }
        return 0;
    }

    private RecoveryTarget recoveryTarget(Problems problems) {
        List<String> given = new ArrayList<>();
        RecoveryTarget.Kind kind = RecoveryTarget.Kind.END;
        String value = null;
        if (targetTime != null) {
            given.add("--target-time");
            kind = RecoveryTarget.Kind.TIME;
            value = parseTime(targetTime, problems);
        }
        if (targetLsn != null) {
            given.add("--target-lsn");
            kind = RecoveryTarget.Kind.LSN;
            try {
                value = Lsn.parse(targetLsn.trim()).toString();
            } catch (IllegalArgumentException e) {
                problems.add("--target-lsn=" + targetLsn + ": " + e.getMessage());
            }
        }
        if (targetXid != null) {
            given.add("--target-xid");
            kind = RecoveryTarget.Kind.XID;
            value = targetXid.trim();
            if (!value.matches("\\d{1,20}")) {
                problems.add("--target-xid=" + targetXid + ": expected a transaction id (a whole number, txid_current())");
            }
        }
        if (targetName != null) {
            given.add("--target-name");
            kind = RecoveryTarget.Kind.NAME;
            value = targetName;
        }
        if (target != null) {
            given.add("--target");
            kind = RecoveryTarget.Kind.IMMEDIATE;
            if (!target.equals("immediate")) {
                problems.add("--target=" + target + ": the only value is immediate");
            }
        }
        if (given.size() > 1) {
            problems.add(String.join(", ", given) + ": give at most one recovery target");
        }
        String tl = timeline == null ? "latest" : timeline.trim();
        if (!tl.equals("latest") && !tl.equals("current") && !tl.matches("[1-9]\\d{0,9}")) {
            problems.add("--target-timeline=" + timeline + ": expected latest, current or a timeline number");
        }
        String act = action == null ? "promote" : action.trim();
        if (!List.of("promote", "pause", "shutdown").contains(act)) {
            problems.add("--target-action=" + action + ": expected promote, pause or shutdown");
        }
        return new RecoveryTarget(kind, value, !exclusive, tl, act);
    }

    private static String parseTime(String text, Problems problems) {
        String t = text.trim().replace(' ', 'T');
        try {
            return Instant.parse(t).toString();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(t).toInstant().toString();
            } catch (DateTimeParseException e2) {
                problems.add("--target-time=" + text + ": expected an ISO 8601 time with a zone, e.g. 2026-12-03T14:05:00Z"
                        + " or 2026-12-03T15:05:00+01:00");
                return null;
            }
        }
    }

    /** java -jar of the jar this pgwarden runs from, else pgwarden on PATH (the container images install it so). */
    static String self() {
        try {
            Path code = Path.of(RestoreCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (code.toString().endsWith(".jar")) {
                return Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + code;
            }
        } catch (Exception e) {
            // no code source (unusual class loader): fall back to PATH
        }
        return "pgwarden";
    }

}
