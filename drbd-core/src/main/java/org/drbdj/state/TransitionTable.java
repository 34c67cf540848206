package org.drbdj.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * An explicit table of allowed transitions between the values of one state dimension, in the style
 * of Apache Ratis' {@code LifeCycle}: every change of a state field is checked against it, so an
 * impossible change (a bug, or a peer sending nonsense) fails loudly instead of corrupting the model.
 *
 * <p>Staying in the same state is always allowed (a state change that leaves one dimension alone).
 *
 * @param <E> the state enum
 */
public final class TransitionTable<E extends Enum<E>> {
    private final String dimension;
    private final Map<E, Set<E>> allowed;

    private TransitionTable(String dimension, Map<E, Set<E>> allowed) {
        this.dimension = dimension;
        this.allowed = allowed;
    }

    /** Starts a table for the named dimension (the name appears in error messages). */
    public static <E extends Enum<E>> Builder<E> builder(Class<E> type, String dimension) {
        return new Builder<>(type, dimension);
    }

    /** True if {@code from -> to} is in the table (or {@code from == to}). */
    public boolean allows(E from, E to) {
        return from == to || allowed.get(from).contains(to);
    }

    /** The states reachable from {@code from} in one step (not including {@code from} itself). */
    public Set<E> successors(E from) {
        return Collections.unmodifiableSet(allowed.get(from));
    }

    /**
     * Checks one transition.
     *
     * @throws IllegalStateTransitionException naming the dimension, both states and the allowed successors
     */
    public void check(E from, E to) {
        if (!allows(from, to)) {
            throw new IllegalStateTransitionException(dimension, from.toString(), to.toString(),
                    allowed.get(from).toString());
        }
    }

    /** The name of the state dimension this table guards, e.g. "disk state". */
    public String dimension() {
        return dimension;
    }

    /** Builds a {@link TransitionTable}; unknown states start with no successors. */
    public static final class Builder<E extends Enum<E>> {
        private final Class<E> type;
        private final String dimension;
        private final Map<E, Set<E>> allowed;

        private Builder(Class<E> type, String dimension) {
            this.type = type;
            this.dimension = dimension;
            this.allowed = new EnumMap<>(type);
            for (E e : type.getEnumConstants()) {
                allowed.put(e, EnumSet.noneOf(type));
            }
        }

        /** Allows {@code from -> each of to}. */
        @SafeVarargs
        public final Builder<E> allow(E from, E... to) {
            for (E t : to) {
                allowed.get(from).add(t);
            }
            return this;
        }

        /** Allows {@code each of from -> to}. */
        @SafeVarargs
        public final Builder<E> allowInto(E to, E... from) {
            for (E f : from) {
                allowed.get(f).add(to);
            }
            return this;
        }

        /** Freezes the table. */
        public TransitionTable<E> build() {
            Map<E, Set<E>> frozen = new EnumMap<>(type);
            for (Map.Entry<E, Set<E>> e : allowed.entrySet()) {
                Set<E> s = EnumSet.noneOf(type);
                s.addAll(e.getValue());
                s.remove(e.getKey());
                frozen.put(e.getKey(), Collections.unmodifiableSet(s));
            }
            return new TransitionTable<>(dimension, Collections.unmodifiableMap(frozen));
        }
    }
}
