package org.drbdj.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code drbdN} block nodes in a device directory ({@code /dev} in production, a private
 * directory in tests and in the per-"host" mount namespaces of the multi-host tests), and the
 * sysfs look-ups around them. A node is created like DRBD's udev rule does: mode 0660, owner
 * root, group {@code disk}; it carries the major:minor of the device that really serves it.
 *
 * <p>The directory of the loop devices themselves is separate ({@code loopDevDir}): loop
 * devices are created by the kernel in the host's devtmpfs, even when {@code drbdN} goes into
 * a private directory.
 */
public final class DeviceNodes {
    /** DRBD's own block major; a node with it belongs to a real DRBD kernel module. */
    public static final int DRBD_MAJOR = 147;
    /** DRBD minors are 20-bit numbers (0..1048575), as in drbdsetup's {@code new-minor}. */
    public static final int MAX_MINOR = (1 << 20) - 1;
    /** The file type bits of {@code st_mode} and the block-device type. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final Path devDir;
    private final Path loopDevDir;
    private final Path sysDir;
    private final CommandRunner runner;

    /**
     * @param devDir where {@code drbdN} nodes go ({@code /dev})
     * @param loopDevDir where the kernel's {@code loopN} nodes are ({@code /dev})
     * @param sysDir the sysfs mount ({@code /sys})
     * @param commandTimeoutMs time bound for each {@code mknod} invocation
     */
    public DeviceNodes(Path devDir, Path loopDevDir, Path sysDir, long commandTimeoutMs) {
        this.devDir = devDir;
        this.loopDevDir = loopDevDir;
        this.sysDir = sysDir;
        this.runner = new CommandRunner(commandTimeoutMs);
    }

    /** The production layout: {@code /dev}, {@code /dev}, {@code /sys}, 10 s per tool. */
    public static DeviceNodes system() {
        return new DeviceNodes(Path.of("/dev"), Path.of("/dev"), Path.of("/sys"), 10_000);
    }

    public Path devDir() {
        return devDir;
    }

    /** Where the kernel's {@code loopN} nodes are expected (a private /dev in namespace hosts). */
    public Path loopDevDir() {
        return loopDevDir;
    }

    /** The number of a block device by kernel name, from {@code /sys/block/NAME/dev}. */
    public Optional<DeviceNumber> numberOf(String kernelName) {
        try {
            return Optional.of(DeviceNumber.parse(Files.readString(sysDir.resolve("block").resolve(kernelName).resolve("dev"),
                    StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Makes sure a block node for {@code kernelName} exists in {@code dir} with the number sysfs
     * gives (a private /dev has no devtmpfs to create it).
     *
     * @return true when the node had to be created
     */
    boolean ensureNode(Path dir, String kernelName) throws IOException {
        Path node = dir.resolve(kernelName);
        DeviceNumber number = numberOf(kernelName).orElseThrow(
                () -> new IOException("no " + sysDir.resolve("block").resolve(kernelName).resolve("dev")));
        Optional<DeviceNumber> existing = readBlockNode(node);
        if (existing.isPresent()) {
            if (!existing.get().equals(number)) {
                throw new IOException(node + " has device number " + existing.get() + " but the kernel's "
                        + kernelName + " is " + number);
            }
            return false;
        }
        Files.createDirectories(dir);
        runner.run(List.of("mknod", "-m", "0660", node.toString(), "b",
                Integer.toString(number.major()), Integer.toString(number.minor()))).orThrow();
        setDiskGroup(node);
        return true;
    }

    /** {@code <devDir>/drbd<minor>}, the name DRBD's udev rules give the device. */
    public Path nodePath(int minor) {
        checkMinor(minor);
        return devDir.resolve("drbd" + minor);
    }

    static void checkMinor(int minor) {
        if (minor < 0 || minor > MAX_MINOR) {
            throw new IllegalArgumentException("minor " + minor + " out of range 0.." + MAX_MINOR
                    + " (check the 'device /dev/drbdN minor N' line of the resource)");
        }
    }

    /**
     * The device number of the block node at {@code node}: empty when nothing is there; an
     * {@link IOException} when something other than a block node is there (we never replace an
     * unknown file).
     */
    public static Optional<DeviceNumber> readBlockNode(Path node) throws IOException {
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(node, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int mode = (Integer) attrs.get("mode");
        if ((mode & S_IFMT) != S_IFBLK) {
            throw new IOException(node + " exists and is not a block device node (mode "
                    + Integer.toOctalString(mode) + "); remove it by hand if it is not needed");
        }
        return Optional.of(DeviceNumber.fromDevT((Long) attrs.get("rdev")));
    }

    /**
     * Creates {@code drbd<minor>} as a block node with {@code number}, mode 0660, group
     * {@code disk} when that group exists. An existing node with the same number is kept.
     */
    public Path create(int minor, DeviceNumber number) throws IOException {
        Path node = nodePath(minor);
        Optional<DeviceNumber> existing = readBlockNode(node);
        if (existing.isPresent() && !existing.get().equals(number)) {
            throw new IOException(node + " already exists with device number " + existing.get()
                    + ", not " + number + "; remove the stale node first");
        }
        if (existing.isEmpty()) {
            Files.createDirectories(devDir);
            runner.run(List.of("mknod", "-m", "0660", node.toString(), "b",
                    Integer.toString(number.major()), Integer.toString(number.minor()))).orThrow();
        }
        setDiskGroup(node);
        return node;
    }

    private static void setDiskGroup(Path node) {
        try {
            GroupPrincipal disk = node.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("disk");
            Files.getFileAttributeView(node, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(disk);
        } catch (IOException | UnsupportedOperationException e) {
            // No "disk" group (minimal containers): root-only access is the safe fallback.
        }
    }

    /**
     * Removes {@code drbd<minor>} if it is a block node; with {@code expected} present only when
     * it still carries that number (a node someone else re-created is left alone).
     *
     * @return true when a node was removed
     */
    public boolean remove(int minor, Optional<DeviceNumber> expected) throws IOException {
        Path node = nodePath(minor);
        Optional<DeviceNumber> existing = readBlockNode(node);
        if (existing.isEmpty() || (expected.isPresent() && !expected.get().equals(existing.get()))) {
            return false;
        }
        return Files.deleteIfExists(node);
    }

    /**
     * The path as the kernel reports it in mountinfo and sysfs (symlinks in the parent resolved),
     * without touching the last component, which may be a dead FUSE mount (ENOTCONN on stat).
     */
    static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) {
            return abs;
        }
        try {
            return parent.toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs;
        }
    }

    /** The kernel name ({@code loop3}) of a block device number, from {@code /sys/dev/block/M:m}. */
    public Optional<String> kernelName(DeviceNumber number) {
        Path link = sysDir.resolve("dev/block/" + number);
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code <loopDevDir>/loopN} for a loop device number. */
    public Path loopDevicePath(DeviceNumber number) {
        return loopDevDir.resolve(kernelName(number).orElse("loop" + number.minor()));
    }

    /**
     * The backing file of a loop device as sysfs shows it, without the {@code " (deleted)"}
     * suffix; empty when the number is not an attached loop device.
     */
    public Optional<Path> loopBackingFile(DeviceNumber number) {
        if (number.major() != DeviceNumber.LOOP_MAJOR) {
            return Optional.empty();
        }
        Optional<String> name = kernelName(number);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return readBackingFile(sysDir.resolve("block").resolve(name.get()));
    }

    private static Optional<Path> readBackingFile(Path sysBlockDir) {
        try {
            String s = Files.readString(sysBlockDir.resolve("loop/backing_file"), StandardCharsets.UTF_8).strip();
            if (s.endsWith(" (deleted)")) {
                s = s.substring(0, s.length() - " (deleted)".length());
            }
            return s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Every attached loop device whose backing file is {@code file} (normally at most one). */
    public List<DeviceNumber> loopsBackedBy(Path file) throws IOException {
        List<DeviceNumber> found = new ArrayList<>();
        Path sysBlock = sysDir.resolve("block");
        if (!Files.isDirectory(sysBlock)) {
            return found;
        }
        Path wanted = canonical(file);
        try (var entries = Files.list(sysBlock)) {
            for (Path dir : (Iterable<Path>) entries::iterator) {
                if (!dir.getFileName().toString().startsWith("loop")) {
                    continue;
                }
                Optional<Path> backing = readBackingFile(dir);
                if (backing.isPresent() && backing.get().normalize().equals(wanted)) {
                    try {
                        found.add(DeviceNumber.parse(Files.readString(dir.resolve("dev"), StandardCharsets.UTF_8)));
                    } catch (IOException | IllegalArgumentException e) {
                        // The loop went away between listing and reading: nothing to clean.
                    }
                }
            }
        }
        return found;
    }

    /**
     * Whether anything uses the block device {@code number} (reached through {@code blockNode}, the
     * loop or nbd node): holders in sysfs, a mount in this namespace, or, probed last because the
     * probe briefly holds the claim itself, an exclusive claim (mounts elsewhere, mkfs, fsck).
     */
    boolean isInUse(DeviceNumber number, Path blockNode) throws IOException {
        return hasHolders(number)
                || MountTable.read(MountTable.PROC_MOUNTINFO).stream().anyMatch(m -> m.device().equals(number))
                || ExclusiveClaim.isClaimed(blockNode);
    }

    /** True when the device has holders in sysfs (device-mapper, md, a partition in use). */
    public boolean hasHolders(DeviceNumber number) {
        Optional<String> name = kernelName(number);
        if (name.isEmpty()) {
            return false;
        }
        Path holders = sysDir.resolve("block").resolve(name.get()).resolve("holders");
        try (var entries = Files.list(holders)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
