package org.drbdj.device;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.drbdj.nativeio.NativeLibrary;

/**
 * Chooses how {@code /dev/drbdN} is provided. {@link DeviceStrategy#AUTO} takes kernel nbd when
 * {@code /dev/nbd0} exists and the JNI shim is loaded, else nbdfuse + loop when {@code /dev/fuse},
 * {@code /dev/loop-control} and the tools exist, else none; an explicitly requested strategy whose
 * prerequisites are missing is an error naming what is missing, so a misconfigured host fails at
 * daemon start rather than at the first {@code up}.
 */
public final class DeviceAttacherFactory {
    private DeviceAttacherFactory() {
    }

    /**
     * What the host offers, gathered once at daemon start.
     *
     * @param nbdDevicePresent {@code /dev/nbd0} exists (the nbd module is loaded)
     * @param nativeShimUnavailableReason null when the JNI shim is loaded, else why not
     * @param fuseDevicePresent {@code /dev/fuse} exists
     * @param loopControlPresent {@code /dev/loop-control} exists
     * @param missingTools the nbdfuse-strategy tools not found on the PATH
     */
    public record Probe(boolean nbdDevicePresent, String nativeShimUnavailableReason, boolean fuseDevicePresent,
                        boolean loopControlPresent, List<String> missingTools) {
        public Probe {
            missingTools = List.copyOf(missingTools);
        }

        /** Probes the host: {@code hostDevDir} is the kernel's {@code /dev}, not a private node dir. */
        public static Probe system(Path hostDevDir, NbdFuseLoopAttacher.Settings tools) {
            List<String> missing = new ArrayList<>();
            for (String tool : List.of(tools.nbdfuse(), tools.losetup(), tools.fusermount(), tools.blockdev(), "mknod")) {
                if (!onPath(tool)) {
                    missing.add(tool);
                }
            }
            return new Probe(Files.exists(hostDevDir.resolve("nbd0")), NativeLibrary.unavailableReason(),
                    Files.exists(hostDevDir.resolve("fuse")), Files.exists(hostDevDir.resolve("loop-control")), missing);
        }

        static boolean onPath(String tool) {
            if (tool.contains("/")) {
                return Files.isExecutable(Path.of(tool));
            }
            String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return true;
                }
            }
            return false;
        }

        /** Null when kernel nbd can be used, else why not. */
        String kernelNbdBlocker() {
            if (!nbdDevicePresent) {
                return "/dev/nbd0 does not exist (nbd kernel module not loaded: modprobe nbd)";
            }
            if (nativeShimUnavailableReason != null) {
                return "the JNI shim is unavailable: " + nativeShimUnavailableReason;
            }
            return null;
        }

        /** Null when nbdfuse + loop can be used, else why not. */
        String nbdFuseBlocker() {
            List<String> why = new ArrayList<>();
            if (!fuseDevicePresent) {
                why.add("/dev/fuse does not exist");
            }
            if (!loopControlPresent) {
                why.add("/dev/loop-control does not exist");
            }
            if (!missingTools.isEmpty()) {
                why.add("missing tools " + missingTools + " (install libnbd-bin, fuse3, util-linux, coreutils)");
            }
            return why.isEmpty() ? null : String.join("; ", why);
        }
    }

    /** The chosen strategy and a sentence for the log saying why. */
    public record Selection(DeviceStrategy strategy, String reason) {
    }

    /**
     * Resolves {@code requested} against the host.
     *
     * @throws IllegalStateException when an explicitly requested strategy cannot run here
     */
    public static Selection select(DeviceStrategy requested, Probe probe) {
        String nbd = probe.kernelNbdBlocker();
        String fuse = probe.nbdFuseBlocker();
        switch (requested) {
            case KERNEL_NBD:
                if (nbd != null) {
                    throw new IllegalStateException("device strategy kernel-nbd requested but " + nbd);
                }
                return new Selection(DeviceStrategy.KERNEL_NBD, "requested");
            case NBDFUSE_LOOP:
                if (fuse != null) {
                    throw new IllegalStateException("device strategy nbdfuse-loop requested but " + fuse);
                }
                return new Selection(DeviceStrategy.NBDFUSE_LOOP, "requested");
            case NONE:
                return new Selection(DeviceStrategy.NONE, "requested: NBD socket only, no /dev/drbdN");
            case AUTO:
            default:
                if (nbd == null) {
                    return new Selection(DeviceStrategy.KERNEL_NBD, "auto: /dev/nbd0 exists and the JNI shim is loaded");
                }
                if (fuse == null) {
                    return new Selection(DeviceStrategy.NBDFUSE_LOOP, "auto: kernel nbd unusable (" + nbd
                            + "); /dev/fuse, loop devices and nbdfuse are available");
                }
                return new Selection(DeviceStrategy.NONE, "auto: no block device: kernel nbd unusable (" + nbd
                        + "); nbdfuse + loop unusable (" + fuse + "); only the NBD socket is served");
        }
    }

    /**
     * The attacher for a selection, with production defaults for each strategy.
     *
     * @param nodes where {@code drbdN} nodes go (and the sysfs mount)
     * @param runDir the daemon's run directory (nbdfuse mounts live under it)
     */
    public static DeviceAttacher create(Selection selection, DeviceNodes nodes, Path runDir) {
        switch (selection.strategy()) {
            case KERNEL_NBD:
                return new KernelNbdAttacher(KernelNbdAttacher.Settings.defaults(nodes));
            case NBDFUSE_LOOP:
                return new NbdFuseLoopAttacher(NbdFuseLoopAttacher.Settings.defaults(runDir, nodes));
            case NONE:
                return new NoneAttacher();
            default:
                throw new IllegalArgumentException("resolve " + selection.strategy() + " with select() first");
        }
    }
}
