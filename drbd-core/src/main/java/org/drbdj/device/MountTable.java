package org.drbdj.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounts of this process's mount namespace, parsed from {@code /proc/self/mountinfo}. Used to
 * find stale FUSE mounts of a crashed daemon under the run directory and to tell whether a
 * device is mounted (DRBD refuses {@code down} on a device that is held open).
 */
final class MountTable {
    /** One mountinfo line: the st_dev of the mounted filesystem, where, what type, from what. */
    record Mount(DeviceNumber device, Path mountPoint, String fsType, String source) {
    }

    static final Path PROC_MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    static List<Mount> read(Path mountinfo) throws IOException {
        return parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
    }

    /**
     * Parses mountinfo text (see proc(5)): {@code id parent MAJ:MIN root mountpoint options
     * [optional fields...] - fstype source superoptions}. Lines that do not fit are skipped
     * rather than failing the caller, since a kernel may add fields.
     */
    static List<Mount> parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 10) {
                continue;
            }
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (dash < 0 || dash + 2 >= f.length) {
                continue;
            }
            DeviceNumber dev;
            try {
                dev = DeviceNumber.parse(f[2]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            mounts.add(new Mount(dev, Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2])));
        }
        return mounts;
    }

    /** Undoes the kernel's octal escapes ({@code \040} space, {@code \011} tab, {@code \012}, {@code \134}). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }
}
