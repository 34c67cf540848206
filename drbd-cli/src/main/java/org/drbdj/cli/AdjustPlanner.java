package org.drbdj.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.drbdj.config.OptionDef;
import org.drbdj.config.OptionSchema;
import org.drbdj.config.OptionSection;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.RunningResource;

/**
 * {@code drbdadm adjust}: the requests that turn what drbdd holds for a resource ({@code show})
 * into what the configuration says, and nothing more, as drbd-utils' {@code adm_adjust} compares
 * {@code drbdsetup show} with drbd.conf. When both agree the plan is empty.
 *
 * <p>Options are compared as DRBD applies them ({@link OptionSchema#canonicalValue}): {@code 1M}
 * equals {@code 1024k}, and an option set to its default equals one not set. A changed option
 * sends the whole section again with {@code --set-defaults}, so that options removed from the
 * configuration return to their defaults.
 *
 * <p>Order: resource options and handlers; volumes that go away (or change their minor) are
 * detached and deleted; new volumes are created and attached, changed disks detached and
 * re-attached, changed disk options set; finally the connection is made, re-made (new
 * addresses) or its options set.
 */
final class AdjustPlanner {
    private static final List<OptionSection> RESOURCE = List.of(OptionSection.RESOURCE);
    private static final List<OptionSection> DISK = List.of(OptionSection.DISK, OptionSection.PEER_DEVICE);
    private static final List<OptionSection> NET = List.of(OptionSection.NET);

    private AdjustPlanner() {
    }

    /**
     * The requests that make {@code running} what {@code desired} says.
     *
     * @param onlyVolume when present ({@code adjust RES/VOL}), only that volume is adjusted; the
     *                   resource options and the connection are left alone
     */
    static List<ControlRequest> plan(RunningResource desired, RunningResource running, Optional<Integer> onlyVolume) {
        String name = desired.name();
        boolean whole = onlyVolume.isEmpty();
        List<ControlRequest> plan = new ArrayList<>();
        if (whole && !(sameOptions(RESOURCE, desired.options(), running.options())
                && sameHandlers(desired.handlers(), running.handlers()))) {
            plan.add(Requests.resourceOptions(desired));
        }
        // Removals first, so that a minor given up by one volume is free for another.
        for (RunningResource.Volume rv : running.volumes()) {
            if (!selected(rv, onlyVolume)) {
                continue;
            }
            Optional<RunningResource.Volume> dv = desired.volume(rv.number());
            if (dv.isEmpty() || dv.get().minor() != rv.minor()) {
                if (rv.disk().isPresent()) {
                    plan.add(Requests.detach(name, rv.number()));
                }
                plan.add(Requests.delMinor(rv.minor()));
            }
        }
        for (RunningResource.Volume dv : desired.volumes()) {
            if (!selected(dv, onlyVolume)) {
                continue;
            }
            Optional<RunningResource.Volume> rv = running.volume(dv.number()).filter(v -> v.minor() == dv.minor());
            if (rv.isEmpty()) {
                plan.add(Requests.newMinor(name, dv));
                dv.disk().ifPresent(d -> plan.add(Requests.attach(dv.minor(), d)));
            } else {
                plan.addAll(disk(name, dv, rv.get()));
            }
        }
        if (whole) {
            plan.addAll(connection(name, desired.connection(), running.connection()));
        }
        return plan;
    }

    private static boolean selected(RunningResource.Volume v, Optional<Integer> onlyVolume) {
        return onlyVolume.isEmpty() || onlyVolume.get() == v.number();
    }

    private static List<ControlRequest> disk(String name, RunningResource.Volume dv, RunningResource.Volume rv) {
        Optional<RunningResource.Disk> want = dv.disk();
        Optional<RunningResource.Disk> have = rv.disk();
        if (want.isEmpty()) {
            return have.isPresent() ? List.of(Requests.detach(name, dv.number())) : List.of();
        }
        if (have.isEmpty()) {
            // Configured with a disk but running diskless (never attached, detached, or the disk failed).
            return List.of(Requests.attach(dv.minor(), want.get()));
        }
        if (!want.get().sameLocation(have.get())) {
            return List.of(Requests.detach(name, dv.number()), Requests.attach(dv.minor(), want.get()));
        }
        if (!sameOptions(DISK, want.get().options(), have.get().options())) {
            return List.of(Requests.diskOptions(dv.minor(), want.get()));
        }
        return List.of();
    }

    private static List<ControlRequest> connection(String name, Optional<RunningResource.Connection> want,
            Optional<RunningResource.Connection> have) {
        if (want.isEmpty()) {
            return have.isPresent() ? List.of(Requests.disconnect(name)) : List.of();
        }
        if (have.isEmpty()) {
            return List.of(Requests.connect(name, want.get()));
        }
        if (!want.get().sameAddresses(have.get())) {
            return List.of(Requests.disconnect(name), Requests.connect(name, want.get()));
        }
        if (!sameOptions(NET, want.get().options(), have.get().options())) {
            return List.of(Requests.netOptions(name, want.get()));
        }
        return List.of();
    }

    /** Equal as DRBD applies them: canonical values, an unset option counting as its default. */
    static boolean sameOptions(List<OptionSection> sections, Map<String, String> a, Map<String, String> b) {
        for (String k : union(a, b)) {
            Optional<OptionDef> def = find(sections, k);
            boolean same = def.isPresent()
                    ? OptionSchema.canonicalValue(def.get(), a.get(k)).equals(OptionSchema.canonicalValue(def.get(), b.get(k)))
                    : Objects.equals(a.get(k), b.get(k));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** A handler not set and one set to nothing both run nothing. */
    private static boolean sameHandlers(Map<String, String> a, Map<String, String> b) {
        for (String k : union(a, b)) {
            if (!a.getOrDefault(k, "").equals(b.getOrDefault(k, ""))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<OptionDef> find(List<OptionSection> sections, String name) {
        for (OptionSection s : sections) {
            Optional<OptionDef> d = OptionSchema.find(s, name);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    private static Set<String> union(Map<String, String> a, Map<String, String> b) {
        Set<String> s = new HashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }
}
