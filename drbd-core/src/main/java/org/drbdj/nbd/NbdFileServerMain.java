package org.drbdj.nbd;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Serves one file over NBD on a Unix socket until SIGTERM/SIGINT: the single-node stand-in used for
 * manual checks and benchmarks ({@code docs/nbd.md}, {@code docs/benchmarks.md}). Prints
 * {@code NBD_URI=nbd+unix:///NAME?socket=PATH} once it accepts connections (the blockbench
 * {@code custom} target contract).
 *
 * <pre>
 * java -cp ... org.drbdj.nbd.NbdFileServerMain --socket /run/x.sock [--name NAME] [--read-only]
 *      [--io-threads N] [--loop-threads N] [--no-inline] FILE
 * </pre>
 */
public final class NbdFileServerMain {
    private NbdFileServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = null;
        String name = "";
        boolean readOnly = false;
        int ioThreads = 4;
        int loopThreads = 1;
        boolean inline = true;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--socket" -> socket = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                case "--read-only" -> readOnly = true;
                case "--io-threads" -> ioThreads = Integer.parseInt(args[++i]);
                case "--loop-threads" -> loopThreads = Integer.parseInt(args[++i]);
                case "--no-inline" -> inline = false;
                default -> {
                    if (args[i].startsWith("--") || file != null) {
                        System.err.println("unknown argument '" + args[i] + "'; usage: NbdFileServerMain --socket PATH"
                                + " [--name NAME] [--read-only] [--io-threads N] [--loop-threads N] [--no-inline] FILE");
                        System.exit(2);
                    }
                    file = Path.of(args[i]);
                }
            }
        }
        if (socket == null || file == null) {
            System.err.println("usage: NbdFileServerMain --socket PATH [--name NAME] [--read-only] [--io-threads N]"
                    + " [--loop-threads N] [--no-inline] FILE");
            System.exit(2);
        }
        FileNbdExport export = FileNbdExport.open(file, FileNbdExport.Settings.defaults().withReadOnly(readOnly)
                .withIoThreads(ioThreads).withInlineDataIo(inline).withDescription("file " + file));
        NbdExportRegistry registry = new NbdExportRegistry();
        registry.register(name, export);
        NbdServer server = new NbdServer(registry, NbdServerOptions.defaults().withEventLoopThreads(loopThreads));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                export.close();
            } catch (java.io.IOException e) {
                System.err.println("closing " + export.file() + ": " + e);
            }
            stopped.countDown();
        }, "drbd-nbd-shutdown"));
        server.start(socket);
        System.out.println("NBD_URI=nbd+unix:///" + name + "?socket=" + socket.toAbsolutePath());
        System.out.flush();
        stopped.await();
    }
}
