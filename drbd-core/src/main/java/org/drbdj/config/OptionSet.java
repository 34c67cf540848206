package org.drbdj.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An immutable, ordered set of options of one section: what one {@code net { }}, {@code disk
 * { }} ... block says (declared), or the result of inheritance (effective). Names are unique: a
 * later setting of the same name replaces an earlier one in place of the original, as drbdsetup
 * would apply the last one.
 */
public final class OptionSet {
    /** The empty set. */
    public static final OptionSet EMPTY = new OptionSet(List.of());

    private final List<OptionValue> values;

    private OptionSet(List<OptionValue> values) {
        this.values = values;
    }

    /** A set of the given values, in order; for duplicate names the last value wins. */
    public static OptionSet of(List<OptionValue> values) {
        List<OptionValue> out = new ArrayList<>();
        for (OptionValue v : values) {
            int i = indexOf(out, v.name());
            if (i >= 0) {
                out.set(i, v);
            } else {
                out.add(v);
            }
        }
        return out.isEmpty() ? EMPTY : new OptionSet(Collections.unmodifiableList(out));
    }

    private static int indexOf(List<OptionValue> list, String name) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The values, in the order written. */
    public List<OptionValue> values() {
        return values;
    }

    /** True when nothing is set. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The value of option {@code name} (drbd-utils 9 name), if set. */
    public Optional<OptionValue> get(String name) {
        int i = indexOf(values, name);
        return i < 0 ? Optional.empty() : Optional.of(values.get(i));
    }

    /** The value text of option {@code name}, if set. */
    public Optional<String> text(String name) {
        return get(name).map(OptionValue::text);
    }

    /**
     * This set with every option of {@code parent} that this set does not set itself: the
     * inheritance drbdadm applies from common to resource to volume/connection (expand_opts).
     * Inherited values come first, in the parent's order.
     */
    public OptionSet inheritFrom(OptionSet parent) {
        if (parent.isEmpty()) {
            return this;
        }
        List<OptionValue> out = new ArrayList<>();
        for (OptionValue v : parent.values) {
            if (indexOf(values, v.name()) < 0) {
                out.add(v);
            }
        }
        out.addAll(values);
        return of(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptionSet other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (OptionValue v : values) {
            sb.append(' ').append(v.name()).append(' ').append(v.text()).append(';');
        }
        return sb.append(" }").toString();
    }
}
