package org.drbdj.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlMessagesTest {

    @Test
    void requestSurvivesFramingAndDecoding() throws Exception {
        ControlRequest req = new ControlRequest("attach", List.of("1", "/dev/vdb", "/dev/vdb", "internal"),
                Map.of("on-io-error", "detach", "resync-rate", "1048576"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ControlFraming.write(Channels.newChannel(bytes), req.toJson());
        Object json = ControlFraming.read(Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(ControlRequest.fromJson(json)).isEqualTo(req);
    }

    @Test
    void dryRunLineIsStableAndQuoted() {
        ControlRequest req = new ControlRequest("new-peer", List.of("test"),
                Map.of("shared-secret", "a b", "protocol", "C"));
        assertThat(req.toDryRunLine()).isEqualTo("drbdd new-peer test --protocol=C --shared-secret='a b'");
    }

    @Test
    void refusesOtherSchemaVersions() {
        Map<String, Object> json = new java.util.LinkedHashMap<>(ControlRequest.of("up", "r0").toJson());
        json.put("v", 99L);
        assertThatThrownBy(() -> ControlRequest.fromJson(Json.parse(Json.write(json))))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("version 99");
    }

    @Test
    void refusesOversizedAndTruncatedFrames() throws Exception {
        byte[] huge = {0x7f, 0, 0, 0};
        assertThatThrownBy(() -> ControlFraming.read(Channels.newChannel(new ByteArrayInputStream(huge))))
                .isInstanceOf(ControlProtocolException.class).hasMessageContaining("out of range");
        byte[] truncated = {0, 0, 0, 10, '{'};
        assertThatThrownBy(() -> ControlFraming.read(Channels.newChannel(new ByteArrayInputStream(truncated))))
                .isInstanceOf(java.io.EOFException.class);
        assertThat(ControlFraming.read(Channels.newChannel(new ByteArrayInputStream(new byte[0])))).isNull();
    }

    @Test
    void responseRoundTrip() throws Exception {
        ControlResponse r = new ControlResponse(11, List.of("a"), List.of("test: State change failed: (-2) Need access to UpToDate data"), true);
        assertThat(ControlResponse.fromJson(Json.parse(Json.write(r.toJson())))).isEqualTo(r);
    }
}
