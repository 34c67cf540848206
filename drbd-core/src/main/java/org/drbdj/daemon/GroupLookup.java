package org.drbdj.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a group name to its gid from /etc/group (the daemon's only use of the user database). */
final class GroupLookup {
    private GroupLookup() {
    }

    static int gidOf(String group) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && f[0].equals(group)) {
                    return Integer.parseInt(f[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("cannot read /etc/group to find group '" + group + "': " + e.getMessage());
        }
        throw new IllegalArgumentException("--admin-group: no group named '" + group + "' in /etc/group");
    }
}
