package org.drbdj.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test "host": a set of Linux namespaces (network + UTS + mount) with its own hostname, its own
 * address on a private virtual network, and a private {@code /run} (tmpfs). Commands
 * run inside it through {@code nsenter}. Hosts are created by a {@link Network}, which owns the
 * virtual switch; closing the network ends every host (the kernel removes their veths with them).
 *
 * <p>Traffic only ever goes to addresses of hosts made here. Needs root, unshare, nsenter and ip.
 */
public final class NamespaceHost {
    private final String name;
    private final String address;
    private final Process holder;

    private NamespaceHost(String name, String address, Process holder) {
        this.name = name;
        this.address = address;
        this.holder = holder;
    }

    public String name() {
        return name;
    }

    /** The host's IPv4 address on the virtual network. */
    public String address() {
        return address;
    }

    /** PID of the process that holds the namespaces open (for nsenter -t). */
    public long pid() {
        return holder.pid();
    }

    /** The command line prefix that runs a program inside this host. */
    public List<String> prefix() {
        return List.of("nsenter", "-t", Long.toString(pid()), "-n", "-u", "-m", "--");
    }

    /** Runs a command inside the host and waits (bounded) for it. */
    public ProcessRunner.Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(command);
        return ProcessRunner.run(full, Map.of(), null, timeoutSeconds);
    }

    /** Runs a shell snippet inside the host. */
    public ProcessRunner.Result sh(String script, long timeoutSeconds) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", script), timeoutSeconds);
    }

    /** Starts a long-running program inside the host; the caller owns (and must destroy) it. */
    public Process start(List<String> command, Path log) throws IOException {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(command);
        return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A private virtual network (one bridge in its own namespace) and the hosts attached to it. */
    public static final class Network implements AutoCloseable {
        private static final String BRIDGE = "br0";
        private final String subnetPrefix;
        private final Process switchHolder;
        private final List<NamespaceHost> hosts = new ArrayList<>();

        /**
         * @param subnetPrefix the first three octets of the /24 used, e.g. {@code "10.99.0"}; hosts
         *                     get .1, .2, ... unless given an address
         */
        public Network(String subnetPrefix) throws IOException, InterruptedException {
            Prerequisites.requireRoot();
            Prerequisites.requireCommands("unshare", "nsenter", "ip");
            this.subnetPrefix = subnetPrefix;
            this.switchHolder = holder("switch", "");
            nsenter(switchHolder, "ip link add " + BRIDGE + " type bridge && ip link set " + BRIDGE + " up && ip link set lo up");
        }

        /** Creates a host named {@code hostname} with the next free address of the subnet. */
        public NamespaceHost addHost(String hostname) throws IOException, InterruptedException {
            return addHost(hostname, subnetPrefix + "." + (hosts.size() + 1));
        }

        /** Creates a host with the given address (which must lie in this network's /24). */
        public NamespaceHost addHost(String hostname, String address) throws IOException, InterruptedException {
            // Only /run is private: the checkout (and so every test file) may itself live under /tmp.
            String privateMounts = "mount -t tmpfs -o mode=0755 tmpfs /run";
            Process p = holder(hostname, privateMounts);
            NamespaceHost host = new NamespaceHost(hostname, address, p);
            hosts.add(host);
            int n = hosts.size();
            String outside = "vh" + n + "-" + switchHolder.pid();
            String veth = outside.length() > 15 ? outside.substring(0, 15) : outside;
            // Create the pair inside the switch namespace, move one end into the host as eth0.
            nsenter(switchHolder, "ip link add " + veth + " type veth peer name eth0 netns " + p.pid()
                    + " && ip link set " + veth + " master " + BRIDGE + " && ip link set " + veth + " up");
            nsenter(p, "ip link set lo up && ip addr add " + address + "/24 dev eth0 && ip link set eth0 up");
            return host;
        }

        public List<NamespaceHost> hosts() {
            return List.copyOf(hosts);
        }

        private static Process holder(String hostname, String setup) throws IOException, InterruptedException {
            String script = "hostname " + hostname + (setup.isEmpty() ? "" : " && " + setup)
                    + " && echo ready && exec sleep 86400";
            Process p = new ProcessBuilder("unshare", "--net", "--uts", "--mount", "--propagation", "private",
                    "sh", "-c", script).redirectErrorStream(true).start();
            byte[] ready = new byte[6];
            int n = p.getInputStream().readNBytes(ready, 0, 6);
            if (n != 6 || !new String(ready).equals("ready\n")) {
                p.destroyForcibly();
                throw new IOException("could not create namespaces for host " + hostname + ": "
                        + new String(ready, 0, Math.max(n, 0)) + new String(p.getInputStream().readAllBytes()));
            }
            return p;
        }

        private static void nsenter(Process holder, String script) throws IOException, InterruptedException {
            ProcessRunner.run(List.of("nsenter", "-t", Long.toString(holder.pid()), "-n", "-u", "-m", "--",
                    "sh", "-c", script), 30).requireSuccess(List.of(script));
        }

        /** Ends every host, then the switch; idempotent. */
        @Override
        public void close() {
            for (NamespaceHost h : hosts) {
                destroy(h.holder);
            }
            hosts.clear();
            destroy(switchHolder);
        }

        private static void destroy(Process p) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes a small file inside the host's private filesystem view (e.g. under its /run). */
    public void writeFile(Path path, String content) throws IOException, InterruptedException {
        String b64 = java.util.Base64.getEncoder().encodeToString(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        run(List.of("sh", "-c", "mkdir -p \"$(dirname '" + path + "')\" && echo " + b64 + " | base64 -d > '" + path + "'"), 30)
                .requireSuccess(List.of("write " + path));
    }
}
