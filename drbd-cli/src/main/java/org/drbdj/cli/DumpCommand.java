package org.drbdj.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.drbdj.config.ConfigDumper;
import org.drbdj.config.ConfigException;
import org.drbdj.config.DrbdConfig;
import org.drbdj.config.ResourceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code drbdadm dump [RES|all]}: the resolved configuration in drbd-utils 9's dump layout.
 * {@code all} (or no argument) prints the header (file, global, common) and every resource,
 * including those this host has no section for (marked "ignored"), as drbdadm does; named
 * resources print just those.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print the resolved configuration of the given resources (default: all).")
final class DumpCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RES", arity = "0..*", description = "Resource names, RES/VOL, minor-N or 'all'.")
    List<String> resources = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            DrbdConfig cfg = config.config();
            ConfigOptions.warn(cfg, err);
            StringBuilder sb = new StringBuilder();
            if (resources.isEmpty() || resources.contains("all")) {
                config.verifyLocalAddresses(cfg.resources());
                sb.append(ConfigDumper.all(cfg));
            } else {
                List<ConfigOptions.Selection> selected = config.select(resources, false);
                List<ResourceConfig> chosen = new java.util.ArrayList<>();
                for (ConfigOptions.Selection s : selected) {
                    chosen.add(s.resource());
                }
                config.verifyLocalAddresses(chosen);
                for (ConfigOptions.Selection s : selected) {
                    ResourceConfig r = s.resource();
                    sb.append(ConfigDumper.resource(r, cfg.nodeName()));
                }
            }
            out.print(sb);
            out.flush();
            return 0;
        } catch (ConfigException e) {
            return ConfigOptions.report(e, err);
        }
    }
}
