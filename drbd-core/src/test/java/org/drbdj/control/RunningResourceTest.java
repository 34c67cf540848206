package org.drbdj.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.drbdj.status.ShowRenderer;
import org.junit.jupiter.api.Test;

/** The {@code show} answer: JSON round trip, refusal of malformed answers, drbdsetup-show text. */
class RunningResourceTest {
    static final RunningResource R0 = new RunningResource("r0", Map.of("on-no-data-accessible", "suspend-io"),
            Map.of("local-io-error", "echo \"io\" >> /tmp/x"),
            List.of(new RunningResource.Volume(1, 10, Optional.empty()),
                    new RunningResource.Volume(0, 9, Optional.of(new RunningResource.Disk("/dev/vdb", "/dev/vdc", "0",
                            Map.of("on-io-error", "pass_on", "resync-rate", "1024M"))))),
            Optional.of(new RunningResource.Connection("ipv4:127.0.0.1:7789", "ipv4:127.0.0.2:7789",
                    Map.of("_name", "node2", "protocol", "C"))));

    @Test
    void survivesJson() throws Exception {
        assertThat(RunningResource.fromJson(Json.parse(Json.write(R0.toJson())))).isEqualTo(R0);
        RunningResource bare = new RunningResource("r1", Map.of(), Map.of(), List.of(), Optional.empty());
        assertThat(RunningResource.fromJson(Json.parse(Json.write(bare.toJson())))).isEqualTo(bare);
        assertThat(R0.volumes()).extracting(RunningResource.Volume::number).containsExactly(0, 1);
    }

    @Test
    void refusesMalformedAnswers() {
        assertThatThrownBy(() -> RunningResource.fromJson(Json.parse("{\"name\":\"r0\",\"options\":{},\"handlers\":{}}")))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("volumes");
        assertThatThrownBy(() -> RunningResource.fromJson(Json.parse(
                "{\"name\":\"r0\",\"options\":{\"a\":1},\"handlers\":{},\"volumes\":[]}")))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("option a is not a string");
    }

    @Test
    void rendersLikeDrbdsetupShow() {
        assertThat(ShowRenderer.render(List.of(R0))).containsExactly(
                "resource r0 {",
                "    options {",
                "        on-no-data-accessible\tsuspend-io;",
                "    }",
                "    handlers {",
                "        local-io-error  \t\"echo \\\"io\\\" >> /tmp/x\";",
                "    }",
                "    net {",
                "        _name           \tnode2;",
                "        protocol        \tC;",
                "    }",
                "    _remote_host {",
                "        address\t\t\tipv4 127.0.0.2:7789;",
                "    }",
                "    _this_host {",
                "        address\t\t\tipv4 127.0.0.1:7789;",
                "        volume 0 {",
                "            device\t\t\tminor 9;",
                "            disk\t\t\t\"/dev/vdb\";",
                "            meta-disk\t\t\t\"/dev/vdc\" [ 0 ];",
                "            disk {",
                "                on-io-error     \tpass_on;",
                "                resync-rate     \t1024M;",
                "            }",
                "        }",
                "        volume 1 {",
                "            device\t\t\tminor 10;",
                "            disk\t\t\tnone;",
                "        }",
                "    }",
                "}",
                "");
    }
}
