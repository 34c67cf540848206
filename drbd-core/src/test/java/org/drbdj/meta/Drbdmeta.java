package org.drbdj.meta;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.drbdj.testing.ProcessRunner;

/** Runs the real drbdmeta (the oracle) on a device with a fake minor. */
final class Drbdmeta {
    private Drbdmeta() {
    }

    /** drbdmeta's minor argument; only used for its lock file, no DRBD device is involved. */
    static final String MINOR = "63";

    static ProcessRunner.Result run(List<String> options, MetaDataTool.Target t, String... command)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("drbdmeta");
        cmd.addAll(options);
        cmd.add(MINOR);
        cmd.add(t.version().tag());
        cmd.add(t.device().toString());
        cmd.add(t.location().toArgument());
        cmd.addAll(List.of(command));
        return ProcessRunner.run(cmd, 120);
    }

    static ProcessRunner.Result ok(List<String> options, MetaDataTool.Target t, String... command)
            throws IOException, InterruptedException {
        ProcessRunner.Result r = run(options, t, command);
        List<String> cmd = new ArrayList<>(options);
        cmd.addAll(List.of(command));
        return r.requireSuccess(cmd);
    }

    static String dump(MetaDataTool.Target t) throws IOException, InterruptedException {
        return ok(List.of(), t, "dump-md").stdout();
    }

    /** The dump without drbdmeta's header (its first lines starting with '#': date, host, command). */
    static String body(String dump) {
        int i = dump.indexOf("version \"");
        return i < 0 ? dump : dump.substring(i);
    }

    /**
     * drbdmeta 9.22 prints 0 for the v08 {@code uuid { flags }} (it reads an unused field; fixed
     * in later drbd-utils); we print the real flags. Maps our v08 text to 9.22's for comparison.
     */
    static String as922(MetaDataVersion version, String ours) {
        if (version != MetaDataVersion.V08) {
            return ours;
        }
        return ours.replaceFirst("(?m)^    flags 0x[0-9A-F]{8};$", "    flags 0x00000000;");
    }
}
