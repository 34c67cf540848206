package org.drbdj.config;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class OptionSchemaTest {
    private static OptionDef def(OptionSection s, String name) {
        return OptionSchema.find(s, name).orElseThrow();
    }

    @Test
    void unitSuffixesConvertIntoTheOptionScaleRoundingUp() {
        assertThat(OptionSchema.parseNumber("1024M", 'k')).isEqualTo(1048576L);
        assertThat(OptionSchema.parseNumber("250", 'k')).isEqualTo(250L);
        assertThat(OptionSchema.parseNumber("1s", 'k')).as("one sector is half a KiB, rounded up").isEqualTo(1L);
        assertThat(OptionSchema.parseNumber("1G", 's')).isEqualTo(2097152L);
        assertThat(OptionSchema.parseNumber("512k", '1')).isEqualTo(524288L);
        assertThat(OptionSchema.parseNumber("12x", '1')).isNull();
        assertThat(OptionSchema.parseNumber("-1", '1')).isNull();
        assertThat(OptionSchema.parseNumber("99999999999999999999G", '1')).isNull();
    }

    @Property
    void kibibytesRoundTrip(@ForAll @LongRange(min = 0, max = 1L << 40) long n) {
        assertThat(OptionSchema.parseNumber(n + "K", 'k')).isEqualTo(n);
        assertThat(OptionSchema.parseNumber(n + "M", 'k')).isEqualTo(n * 1024);
        assertThat(OptionSchema.parseNumber(n + "s", '1')).isEqualTo(n * 512);
    }

    @Test
    void rangesComeFromDrbdLimits() {
        OptionDef timeout = def(OptionSection.NET, "timeout");
        assertThat(OptionSchema.check(timeout, "600")).isNull();
        assertThat(OptionSchema.check(timeout, "601")).isEqualTo("too big");
        assertThat(OptionSchema.check(timeout, "0")).isEqualTo("too small");
        OptionDef rate = def(OptionSection.PEER_DEVICE, "resync-rate");
        assertThat(OptionSchema.check(rate, "8G")).isNull();
        assertThat(OptionSchema.check(rate, "9G")).isEqualTo("too big");
        assertThat(rate.unit()).isEqualTo("KiB/s");
        assertThat(OptionSchema.check(def(OptionSection.DISK, "al-extents"), "99999"))
                .as("al-extents is clamped, not rejected").isNull();
    }

    @Test
    void enumsBooleansAndStrings() {
        assertThat(OptionSchema.check(def(OptionSection.NET, "protocol"), "c")).isNull();
        assertThat(OptionSchema.check(def(OptionSection.NET, "protocol"), "D")).isEqualTo("not valid");
        assertThat(OptionSchema.check(def(OptionSection.DISK, "on-io-error"), "Detach")).isEqualTo("not valid");
        assertThat(OptionSchema.check(def(OptionSection.DISK, "disk-flushes"), "maybe")).isEqualTo("not 'yes' or 'no'");
        OptionDef quorum = def(OptionSection.RESOURCE, "quorum");
        assertThat(OptionSchema.check(quorum, "majority")).isNull();
        assertThat(OptionSchema.check(quorum, "3")).isNull();
        assertThat(OptionSchema.check(quorum, "33")).isEqualTo("too big");
        assertThat(OptionSchema.check(def(OptionSection.NET, "shared-secret"), "x".repeat(64))).isEqualTo("too long");
    }

    @Test
    void everySectionIsPopulatedAndLegacyNamesMap() {
        for (OptionSection s : OptionSection.values()) {
            assertThat(OptionSchema.options(s)).as(s.name()).isNotEmpty();
        }
        assertThat(OptionSchema.canonicalName("rate")).isEqualTo("resync-rate");
        assertThat(OptionSchema.canonicalName("after")).isEqualTo("resync-after");
        assertThat(OptionSchema.canonicalName("outdate-peer")).isEqualTo("fence-peer");
        assertThat(OptionSchema.isDroppedLegacyOption("delay-probe-volume")).isTrue();
    }

    @Test
    void suggestsTheNearestKeyword() {
        assertThat(OptionSchema.suggest(OptionSection.DISK, "rsync-rate")).contains("resync-rate");
        assertThat(OptionSchema.suggest(OptionSection.NET, "shared-secert")).contains("shared-secret");
        assertThat(OptionSchema.suggest(OptionSection.NET, "zzzzzzzzzzzzzzzzzzzz")).isEmpty();
    }

    @Test
    void canonicalValuesCompareSettingsNotSpellings() {
        OptionDef rate = def(OptionSection.PEER_DEVICE, "resync-rate");
        assertThat(OptionSchema.canonicalValue(rate, "1M")).isEqualTo(OptionSchema.canonicalValue(rate, "1024k"))
                .isEqualTo("1024");
        assertThat(OptionSchema.canonicalValue(rate, null)).as("unset is the default").isEqualTo("250");
        OptionDef al = def(OptionSection.DISK, "al-extents");
        assertThat(OptionSchema.canonicalValue(al, "99999")).as("clamped like DRBD").isEqualTo("65534");
        assertThat(OptionSchema.canonicalValue(def(OptionSection.NET, "protocol"), "c")).isEqualTo("C");
        assertThat(OptionSchema.canonicalValue(def(OptionSection.DISK, "on-io-error"), null)).isEqualTo("detach");
        assertThat(OptionSchema.canonicalValue(def(OptionSection.RESOURCE, "quorum"), "majority")).isEqualTo("majority");
        assertThat(OptionSchema.canonicalValue(def(OptionSection.NET, "shared-secret"), null)).isEmpty();
        assertThat(OptionSchema.canonicalValue(rate, "fast")).as("invalid stays as written").isEqualTo("fast");
    }
}
