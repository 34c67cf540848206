package org.drbdj.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * drbdadm's pass-through form: options after {@code --} belong to the low-level call, e.g.
 * {@code drbdadm -- --overwrite-data-of-peer primary r0}. We move them behind the command name
 * ({@code drbdadm primary --overwrite-data-of-peer r0}) where the command declares them.
 */
final class PassThroughOptions {
    private PassThroughOptions() {
    }

    static String[] reorder(String[] args, Set<String> commands) {
        int dashDash = Arrays.asList(args).indexOf("--");
        if (dashDash < 0) {
            return args;
        }
        List<String> before = new ArrayList<>(Arrays.asList(args).subList(0, dashDash));
        List<String> after = Arrays.asList(args).subList(dashDash + 1, args.length);
        List<String> passThrough = new ArrayList<>();
        int i = 0;
        while (i < after.size() && after.get(i).startsWith("-") && !commands.contains(after.get(i))) {
            passThrough.add(after.get(i++));
        }
        if (i >= after.size() || passThrough.isEmpty()) {
            return args;
        }
        List<String> result = new ArrayList<>(before);
        result.add(after.get(i));
        result.addAll(passThrough);
        result.addAll(after.subList(i + 1, after.size()));
        return result.toArray(String[]::new);
    }
}
