package io.pgwarden.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A repository in a local (or mounted) directory. Objects are written to {@code .KEY.tmp-*} next to their final
 * name, fsynced, renamed, and the directory fsynced, so a crash leaves either the old object or the new one.
 * New files and directories get the owner of the repository root: a repository created by root for a server that
 * archives as {@code postgres} stays writable by it.
 */
public final class DirectoryRepository implements BackupRepository {
    private static final String TMP_MARK = ".tmp-";
    private final Path root;

    public DirectoryRepository(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
    }

    private Path path(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.contains("\\")) {
            throw new IllegalArgumentException("invalid repository key '" + key + "'");
        }
        return root.resolve(key);
    }

    @Override
    public ObjectWriter writer(String key) throws IOException {
        Path target = path(key);
        createDirs(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + TMP_MARK, "");
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
        OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
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
                out.flush();
                ch.force(true);
                ch.close();
                done = true;
                sameOwnerAsRoot(tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                syncDirectory(target.getParent());
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    done = true;
                    ch.close();
                    Files.deleteIfExists(tmp);
                }
            }
        };
    }

    @Override
    public InputStream read(String key) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(key, null, "no such object in " + describe());
        }
        return Files.newInputStream(p);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path p = path(key);
        return Files.isRegularFile(p) ? Optional.of(info(key, p)) : Optional.empty();
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        // walk from the deepest existing directory of the prefix, not the whole repository
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<ObjectInfo> out = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(start)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String key = root.relativize(p).toString();
                if (key.startsWith(prefix) && !p.getFileName().toString().contains(TMP_MARK)) {
                    try {
                        out.add(info(key, p));
                    } catch (NoSuchFileException gone) {
                        // deleted while listing
                    }
                }
            }
        }
        out.sort(java.util.Comparator.comparing(ObjectInfo::key));
        return out;
    }

    private static ObjectInfo info(String key, Path p) throws IOException {
        var attrs = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        return new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant());
    }

    @Override
    public void delete(String key) throws IOException {
        Path p = path(key);
        Files.deleteIfExists(p);
        // directories emptied by the deletion go too (S3 has none): an expired backup leaves nothing behind
        for (Path dir = p.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root); dir = dir.getParent()) {
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                break;
            }
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    public Path root() {
        return root;
    }

    private void createDirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirs(dir.getParent());
        try {
            Files.createDirectory(dir);
            sameOwnerAsRoot(dir);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another writer created it
        }
    }

    private void sameOwnerAsRoot(Path p) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        UserPrincipal owner = Files.getOwner(root);
        if (!owner.equals(view.getOwner())) {
            try {
                view.setOwner(owner);
            } catch (IOException notPermitted) {
                // only root can give files away; others write files they own, which is right for them
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename is still atomic there
        }
    }
}
