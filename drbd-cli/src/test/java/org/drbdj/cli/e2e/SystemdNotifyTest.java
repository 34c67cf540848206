package org.drbdj.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.drbdj.testing.Prerequisites;
import org.drbdj.testing.TestDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * drbdd under systemd ({@code Type=notify}): it sends {@code READY=1} on NOTIFY_SOCKET once its
 * control socket answers, and {@code STOPPING=1} on SIGTERM. systemd's side is played by a
 * datagram socket that records what arrives.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SystemdNotifyTest {

    @Test
    void readyAfterTheSocketAnswersAndStoppingOnSigterm() throws Exception {
        Prerequisites.requireCommands("python3");
        Path dir = TestDirs.create(getClass(), "notify");
        Path notifySocket = dir.resolve("notify.sock");
        Path received = dir.resolve("received.txt");
        String listener = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(120)\n"
                + "f=open(sys.argv[2],'a')\n"
                + "while True:\n"
                + "  d=s.recv(4096).decode(); f.write(d.replace('\\n',' ')+'\\n'); f.flush()\n"
                + "  if 'STOPPING=1' in d: break\n";
        Process python = new ProcessBuilder("python3", "-c", listener, notifySocket.toString(), received.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("listener.log").toFile()).start();
        DaemonHarness node = new DaemonHarness(dir.resolve("node"), "", "node1");
        try {
            for (int i = 0; i < 100 && !Files.exists(notifySocket); i++) {
                Thread.sleep(50);
            }
            node.startDaemon("none", Map.of("NOTIFY_SOCKET", notifySocket.toString()));
            String got = "";
            for (int i = 0; i < 100 && !got.contains("READY=1"); i++) {
                Thread.sleep(50);
                got = Files.exists(received) ? Files.readString(received) : "";
            }
            assertThat(got).contains("READY=1").contains("STATUS=control socket");
            node.stopDaemon(false);
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(received)).contains("STOPPING=1");
        } finally {
            python.destroyForcibly();
            node.close();
        }
    }
}
