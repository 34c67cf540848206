package org.drbdj.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Loads drbd.conf: parse (following includes), check, resolve for one node. The result is
 * immutable and validated; any problem is a {@link ConfigException} naming {@code file:line}.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads {@code file} for node {@code nodeName}, choosing {@code floating} sections by the
     * addresses of this machine's interfaces.
     *
     * @param file      the top-level configuration file
     * @param shownName how messages name it (usually the path as given on the command line)
     * @param nodeName  this node's name (see {@link NodeName})
     */
    public static DrbdConfig load(Path file, String shownName, String nodeName) throws ConfigException {
        return load(file, shownName, nodeName, Addresses.localInterfaces(), System.console() != null);
    }

    /**
     * As {@link #load(Path, String, String)} with an explicit "is this IP local" test, not
     * interactive.
     */
    public static DrbdConfig load(Path file, String shownName, String nodeName, Predicate<String> isLocalAddress)
            throws ConfigException {
        return load(file, shownName, nodeName, isLocalAddress, false);
    }

    /**
     * Loads the configuration.
     *
     * @param interactive as drbdadm on a terminal: an unknown {@code resync-after} target is an
     *                    error; otherwise (scripts, cluster managers) it is a warning and the option
     *                    is dropped, as drbdadm does when stdin or stdout is not a terminal
     */
    public static DrbdConfig load(Path file, String shownName, String nodeName, Predicate<String> isLocalAddress,
            boolean interactive) throws ConfigException {
        List<String> warnings = new ArrayList<>();
        ConfigParser parser = new ConfigParser(nodeName, warnings);
        parser.parseMain(file, shownName);
        String canonical;
        try {
            canonical = file.toRealPath().toString();
        } catch (java.io.IOException e) {
            canonical = file.toAbsolutePath().normalize().toString();
        }
        return new ConfigResolver(parser.config(), nodeName, isLocalAddress, parser.globalUniq(), interactive)
                .resolve(canonical, warnings);
    }
}
