package org.drbdj.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.drbdj.meta.MetaDataException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code drbdadm restore-md RES FILE}: writes the meta-data described by a dump-md file. */
@Command(name = "restore-md", mixinStandardHelpOptions = true,
        description = "Replace the meta-data with the contents of a dump-md file.")
final class RestoreMdCommand extends MetaCommandSupport {
    @Mixin
    MetaTargetOptions target;

    @Parameters(index = "1", paramLabel = "FILE", description = "A file written by dump-md.")
    Path file;

    @Option(names = "--force", description = "Answer every confirmation with yes.")
    boolean force;

    @Override
    int run() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MetaDataException(20, "open of '" + file + "' failed.");
        }
        return tool(force).restoreMd(target.target(config), text);
    }
}
