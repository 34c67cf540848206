package org.drbdj.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon's check of request options and the set-defaults merge of option changes. */
class RequestOptionsTest {

    @Test
    void acceptsKnownOptionsAndDropsFlags() throws Exception {
        assertThat(RequestOptions.settings("9", RequestOptions.Kind.DISK,
                Map.of("on-io-error", "pass_on", "resync-rate", "1024M", "set-defaults", "yes"), List.of("set-defaults")))
                .containsExactly(Map.entry("on-io-error", "pass_on"), Map.entry("resync-rate", "1024M"));
        assertThat(RequestOptions.settings("r0", RequestOptions.Kind.RESOURCE,
                Map.of("handler.local-io-error", "echo x", "on-no-data-accessible", "suspend-io"), List.of()))
                .hasSize(2);
    }

    @Test
    void refusesNamingTheOffendingValueAndTheValidOnes() {
        assertThatThrownBy(() -> RequestOptions.settings("9", RequestOptions.Kind.DISK, Map.of("on-io-error", "detatch"),
                List.of()))
                .isInstanceOf(RequestFailure.class)
                .hasMessage("9: Failure: (162) Invalid configuration request\nadditional info from drbdd:"
                        + " disk option on-io-error 'detatch' is not valid; valid: pass_on, call-local-io-error, detach");
        assertThatThrownBy(() -> RequestOptions.settings("9", RequestOptions.Kind.DISK, Map.of("on-io-eror", "detach"),
                List.of()))
                .hasMessageEndingWith("unknown disk option 'on-io-eror' (did you mean 'on-io-error'?)");
        assertThatThrownBy(() -> RequestOptions.settings("r0", RequestOptions.Kind.NET, Map.of("ping-timeout", "0"),
                List.of()))
                .hasMessageEndingWith("net option ping-timeout '0' is too small; valid: 1..300 (1/10 s)");
        assertThatThrownBy(() -> RequestOptions.settings("r0", RequestOptions.Kind.RESOURCE,
                Map.of("handler.local-io-eror", "true"), List.of()))
                .hasMessageEndingWith("unknown handler 'local-io-eror' (did you mean 'local-io-error'?)");
    }

    @Test
    void setDefaultsReplacesEverythingOtherwiseOnlyTheGivenOptionsChange() {
        Map<String, String> running = Map.of("on-io-error", "detach", "al-extents", "6433");
        assertThat(RequestOptions.merged(running, Map.of("on-io-error", "pass_on"), true))
                .containsExactly(Map.entry("on-io-error", "pass_on"));
        assertThat(RequestOptions.merged(running, Map.of("on-io-error", "pass_on"), false))
                .containsExactly(Map.entry("al-extents", "6433"), Map.entry("on-io-error", "pass_on"));
        assertThat(RequestOptions.changes(running, Map.of("on-io-error", "pass_on")))
                .containsExactly("al-extents '6433' -> (default)", "on-io-error 'detach' -> 'pass_on'");
    }
}
