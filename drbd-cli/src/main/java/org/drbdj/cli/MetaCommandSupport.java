package org.drbdj.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.drbdj.meta.MetaDataException;
import org.drbdj.meta.MetaDataTool;
import picocli.CommandLine;

/** Common plumbing of the meta-data subcommands: streams, confirmation, exit codes. */
abstract class MetaCommandSupport implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code -c} and {@code --node-name}, to find the resource's disk and meta-disk. */
    @CommandLine.Mixin
    ConfigOptions config;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** drbdmeta's confirmation: forced, interactive on a terminal, otherwise always "no". */
    MetaDataTool tool(boolean force) {
        PrintWriter err = err();
        MetaDataTool.Confirmer c;
        if (force) {
            c = MetaDataTool.Confirmer.forced(err);
        } else if (System.console() != null) {
            c = MetaDataTool.Confirmer.interactive(err,
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        } else {
            c = MetaDataTool.Confirmer.noTerminal(err);
        }
        return new MetaDataTool(out(), err, c);
    }

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (MetaDataException e) {
            out().flush();
            err().println(e.getMessage());
            err().flush();
            return e.exitCode();
        }
    }

    abstract int run();

    /** drbdmeta's dump header: comment lines with date, host and command. */
    static List<String> dumpHeader(String command) {
        String time = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT));
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return List.of("# DRBD meta data dump", "# " + time + " [" + (System.currentTimeMillis() / 1000) + "]",
                "# " + host + "> " + command, "#", "");
    }
}
