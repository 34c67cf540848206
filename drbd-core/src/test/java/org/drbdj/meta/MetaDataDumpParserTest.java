package org.drbdj.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Bad dump input is refused with drbdmeta's exit code 10 and a message naming line and token. */
class MetaDataDumpParserTest {

    private static MetaDataException parse(String text) {
        MetaDataDumpParser p = new MetaDataDumpParser(text);
        try {
            p.readVersionAndMaxPeers(MetaDataVersion.V09);
            p.readFields(MetaDataVersion.V09, MetaData.fresh(MetaDataVersion.V09, 1, 1, 8));
        } catch (MetaDataException e) {
            return e;
        }
        throw new AssertionError("no error for: " + text);
    }

    @Test
    void wrongVersionIsNamed() {
        MetaDataException e = parse("version \"v08\";\n");
        assertThat(e.exitCode()).isEqualTo(10);
        assertThat(e.getMessage()).isEqualTo("dump is 'v08' you requested 'v09'.");
    }

    @Test
    void badHexLengthIsNamedWithItsLine() {
        MetaDataException e = parse("version \"v09\";\n# comment\nmax-peers 1;\nnode-id 0;\ncurrent-uuid 0x123;\n");
        assertThat(e.getMessage()).contains("line 5").contains("invalid hex number").contains("0x123");
    }

    @Test
    void unexpectedTokenSaysWhatWasExpected() {
        MetaDataException e = parse("version \"v09\"; max-peers 1; current-uuid 0x0000000000000004;");
        assertThat(e.getMessage()).contains("expected 'node-id'").contains("'current-uuid'");
    }

    @Test
    void maxPeersOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new MetaDataDumpParser("version \"v09\"; max-peers 32;")
                .readVersionAndMaxPeers(MetaDataVersion.V09)).hasMessageContaining("max-peers 32 out of range");
    }

    @Test
    void numbersTooLongAreRefused() {
        MetaDataException e = parse("version \"v09\"; max-peers 12345678901234567890;");
        assertThat(e.getMessage()).contains("number too big");
    }
}
