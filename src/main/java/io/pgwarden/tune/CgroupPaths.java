package io.pgwarden.tune;

import java.util.ArrayList;
import java.util.List;

/**
 * Where this process's cgroup files are. {@code /proc/self/cgroup} names the process's cgroup per
 * hierarchy ({@code 0::/kubepods/pod1/abc} for v2, {@code 4:memory:/docker/abc} for v1). Limits of
 * every ancestor apply too, so callers read the leaf and each parent up to the mount point. Inside a
 * container the mount often is the container's own cgroup while /proc/self/cgroup still shows the
 * host path; directories that do not exist are skipped by the reader, and the mount root is always
 * the last candidate.
 */
final class CgroupPaths {
    static final String V2_MOUNT = "/sys/fs/cgroup";

    private final SystemFiles files;

    CgroupPaths(SystemFiles files) {
        this.files = files;
    }

    /** True when the unified (v2) hierarchy is mounted. */
    boolean v2() {
        return files.exists(V2_MOUNT + "/cgroup.controllers");
    }

    /** Directories to read a v2 limit from, leaf first, mount root last. */
    List<String> v2Directories() {
        return directories(V2_MOUNT, cgroupPath(""));
    }

    /** Directories to read a v1 limit of {@code controller} from, under {@code mount}, leaf first. */
    List<String> v1Directories(String mount, String controller) {
        return directories(mount, cgroupPath(controller));
    }

    /** The path of this process's cgroup in the hierarchy of {@code controller} ("" for v2), or "/". */
    private String cgroupPath(String controller) {
        String content = files.read("/proc/self/cgroup").orElse("");
        for (String line : content.split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            boolean matches = controller.isEmpty()
                    ? parts[0].equals("0") && parts[1].isEmpty()
                    : List.of(parts[1].split(",")).contains(controller);
            if (matches) {
                return parts[2].isBlank() ? "/" : parts[2].trim();
            }
        }
        return "/";
    }

    private static List<String> directories(String mount, String path) {
        List<String> dirs = new ArrayList<>();
        String p = path;
        while (!p.isEmpty() && !p.equals("/")) {
            dirs.add(mount + p);
            p = p.substring(0, p.lastIndexOf('/'));
        }
        dirs.add(mount);
        return dirs;
    }
}
