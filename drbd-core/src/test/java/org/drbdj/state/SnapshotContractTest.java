package org.drbdj.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The snapshot is the contract between daemon, renderers and drbdadm (over the control socket):
 * it must stay plain data — records of primitives, strings, enums and lists of those — so any
 * serialiser can carry it and nothing in it drags Netty or live objects along.
 */
class SnapshotContractTest {
    @Test
    void resourceStateIsPlainData() {
        List<String> problems = new ArrayList<>();
        check(ResourceState.class, "ResourceState", new HashSet<>(), problems);
        assertThat(problems).isEmpty();
    }

    private static void check(Type type, String path, Set<Type> seen, List<String> problems) {
        if (type instanceof ParameterizedType pt) {
            if (pt.getRawType() != List.class) {
                problems.add(path + ": " + type + " is not a List");
                return;
            }
            check(pt.getActualTypeArguments()[0], path + "[]", seen, problems);
            return;
        }
        Class<?> c = (Class<?>) type;
        if (c.isPrimitive() || c == String.class || c.isEnum()) {
            return;
        }
        if (!c.isRecord()) {
            problems.add(path + ": " + c.getName() + " is neither a record, an enum, a String nor a primitive");
            return;
        }
        if (!seen.add(c)) {
            return;
        }
        for (RecordComponent rc : c.getRecordComponents()) {
            check(rc.getGenericType(), path + "." + rc.getName(), seen, problems);
        }
    }
}
