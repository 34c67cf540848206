package org.drbdj.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void roundTripsNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "quote \" backslash \\ newline \n tab \t ctl \u0001 é");
        m.put("n", 42L);
        m.put("neg", -7L);
        m.put("d", 1.5);
        m.put("t", true);
        m.put("nil", null);
        m.put("list", List.of(1L, "two", List.of(), Map.of()));
        String text = Json.write(m);
        assertThat(Json.parse(text)).isEqualTo(m);
    }

    @Test
    void rejectsMalformedInputWithOffset() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "\"abc", "tru", "{\"a\":1} x", "\"\\q\"", "01x")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonException.class)
                    .hasMessageContaining("offset");
        }
    }

    @Test
    void boundsNestingDepth() {
        char[] open = new char[1000];
        Arrays.fill(open, '[');
        assertThatThrownBy(() -> Json.parse(new String(open))).hasMessageContaining("nesting");
    }
}
