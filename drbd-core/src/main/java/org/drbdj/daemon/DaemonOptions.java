package org.drbdj.daemon;

import java.net.InetSocketAddress;
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
 * @param nbdListen a TCP address for the NBD exports as well, or null (default: the Unix socket only)
 */
public record DaemonOptions(Path runDir, String adminGroup, boolean statusForAll, String deviceStrategy, Path devDir,
        InetSocketAddress nbdListen) {
    static final String USAGE = String.join("\n",
            "Usage: drbdd [--run-dir DIR] [--admin-group GROUP] [--status-for-all] [--device auto|kernel-nbd|nbdfuse-loop|none]",
            "             [--dev-dir DIR] [--nbd-listen ADDR:PORT] [--log-file FILE]",
            "Runs the drbdj replication daemon in the foreground. Resources are configured with drbdadm.",
            "  --run-dir DIR       control socket, status file and NBD sockets (default: $DRBD_RUN_DIR or /run/drbd)",
            "  --admin-group GROUP members may change state besides root (socket mode 0660)",
            "  --status-for-all    every local user may read status (socket mode 0666; changes still need rights)",
            "  --device STRATEGY   how /dev/drbdN is provided (default auto)",
            "  --dev-dir DIR       where device nodes are created (default /dev)",
            "  --nbd-listen ADDR:PORT  serve the NBD exports on TCP too (default: Unix socket only). No",
            "                      authentication: use a loopback or otherwise trusted address",
            "  --log-file FILE     also log to FILE, rolled at 50 MiB (taken by the bin/drbdd launcher;",
            "                      default: stdout only, which systemd hands to the journal)");

    static DaemonOptions parse(List<String> args) {
        Path runDir = ControlPaths.runDir();
        String group = null;
        boolean statusForAll = false;
        String device = "auto";
        Path devDir = Path.of("/dev");
        InetSocketAddress nbdListen = null;
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
                case "--nbd-listen" -> nbdListen = listenAddress(value(args, ++i, a));
                case "--log-file" -> throw new IllegalArgumentException("--log-file is taken by the bin/drbdd launcher,"
                        + " which chooses the logging configuration; start drbdd through it");
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return new DaemonOptions(runDir, group, statusForAll, device, devDir, nbdListen);
    }

    /** {@code ADDR:PORT} or {@code [IPV6]:PORT}, as in drbd.conf addresses; a literal address, no name lookup. */
    static InetSocketAddress listenAddress(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon < 0 || host.isEmpty() || port < 0 || port > 65535 || !isLiteral(host)) {
            throw new IllegalArgumentException("--nbd-listen '" + text + "' is not ADDR:PORT with a literal IPv4"
                    + " address or a bracketed IPv6 one, e.g. 127.0.0.1:10809 or [::1]:10809");
        }
        return new InetSocketAddress(host, port);
    }

    private static boolean isLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
