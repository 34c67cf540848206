package org.drbdj.daemon;

import java.nio.file.Path;
import java.util.List;
import org.drbdj.control.ControlPaths;

/**
 * drbdd's own command-line options (the daemon has no configuration file: resources arrive over the
 * control socket). Parsed by hand to keep the daemon's dependencies minimal.
 *
 * @param runDir directory of the control socket, status file and NBD sockets (default /run/drbd)
 * @param adminGroup group whose members may change state besides root (null: root only)
 * @param statusForAll whether every local user may read status over the socket
 * @param deviceStrategy how /dev/drbdN is made: auto, kernel-nbd, nbdfuse, none
 * @param devDir where device nodes are created (default /dev)
 */
public record DaemonOptions(Path runDir, String adminGroup, boolean statusForAll, String deviceStrategy, Path devDir) {
    static final String USAGE = String.join("\n",
            "Usage: drbdd [--run-dir DIR] [--admin-group GROUP] [--status-for-all] [--device auto|kernel-nbd|nbdfuse-loop|none]",
            "             [--dev-dir DIR] [--log-file FILE]",
            "Runs the drbdj replication daemon in the foreground. Resources are configured with drbdadm.",
            "  --run-dir DIR       control socket, status file and NBD sockets (default: $DRBD_RUN_DIR or /run/drbd)",
            "  --admin-group GROUP members may change state besides root (socket mode 0660)",
            "  --status-for-all    every local user may read status (socket mode 0666; changes still need rights)",
            "  --device STRATEGY   how /dev/drbdN is provided (default auto)",
            "  --dev-dir DIR       where device nodes are created (default /dev)",
            "  --log-file FILE     also log to FILE, rolled at 50 MiB (taken by the bin/drbdd launcher;",
            "                      default: stdout only, which systemd hands to the journal)");

    static DaemonOptions parse(List<String> args) {
        Path runDir = ControlPaths.runDir();
        String group = null;
        boolean statusForAll = false;
        String device = "auto";
        Path devDir = Path.of("/dev");
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--run-dir" -> runDir = Path.of(value(args, ++i, a));
                case "--admin-group" -> group = value(args, ++i, a);
                case "--status-for-all" -> statusForAll = true;
                case "--device" -> {
                    device = value(args, ++i, a);
                    org.drbdj.device.DeviceStrategy.parse(device); // rejects unknown names with the valid ones
                }
                case "--dev-dir" -> devDir = Path.of(value(args, ++i, a));
                case "--log-file" -> throw new IllegalArgumentException("--log-file is taken by the bin/drbdd launcher,"
                        + " which chooses the logging configuration; start drbdd through it");
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return new DaemonOptions(runDir, group, statusForAll, device, devDir);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
