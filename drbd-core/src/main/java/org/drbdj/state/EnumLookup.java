package org.drbdj.state;

import java.util.function.Predicate;
import java.util.function.Supplier;

/** The lookup every state enum offers by DRBD name or code: the first match, or a clear error. */
final class EnumLookup {
    private EnumLookup() {
    }

    static <E extends Enum<E>> E find(E[] values, Predicate<E> matches, Supplier<String> unknown) {
        for (E e : values) {
            if (matches.test(e)) {
                return e;
            }
        }
        throw new IllegalArgumentException(unknown.get());
    }
}
