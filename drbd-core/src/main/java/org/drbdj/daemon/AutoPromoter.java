package org.drbdj.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.drbdj.device.OpenWatcher;
import org.drbdj.state.AutoPromotion;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;
import org.drbdj.state.StateChange;
import org.drbdj.state.StateChangeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DRBD 9's {@code auto-promote} for the daemon's resources. Promotes a Secondary when a write
 * reaches one of its devices (the write waits for it) and right after a process opens a device
 * for writing; demotes an automatically promoted resource again once no process we saw opening it
 * still holds it for writing, it is not mounted, and no write came for a quiet period, checked
 * periodically and on every close of a writer. A resource promoted by {@code drbdadm primary}
 * is never demoted here.
 *
 * <p>Every decision runs on the admin thread, like every other state change; the NBD threads only
 * read the role and wait on the promotion future.
 */
final class AutoPromoter implements OpenWatcher.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(AutoPromoter.class);
    /** How often an auto-promoted resource is checked for release (one mountinfo read per device). */
    static final long CHECK_PERIOD_MS = 500;
    /** How long without writes counts as released, for writers we cannot see (mounts' last writes, inherited fds). */
    static final long QUIET_MS = 1000;
    /** The least a write waits for its promotion, whatever auto-promote-timeout says (the admin thread may be busy). */
    static final long MIN_WAIT_MS = 1000;
    /** At most one "auto-promote refused" line per resource in this time. */
    private static final long REFUSAL_LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final ScheduledExecutorService admin;
    private final Supplier<Collection<Resource>> resources;
    private final RoleChanges roles;
    private final Runnable stateChanged;
    private final LongSupplier nanoClock;

    /**
     * @param admin        the admin thread, where all state changes run
     * @param resources    the daemon's resources (read on the admin thread only)
     * @param roles        how roles change
     * @param stateChanged publishes a change (status file, events2)
     * @param nanoClock    monotonic clock
     */
    AutoPromoter(ScheduledExecutorService admin, Supplier<Collection<Resource>> resources, RoleChanges roles,
                 Runnable stateChanged, LongSupplier nanoClock) {
        this.admin = admin;
        this.resources = resources;
        this.roles = roles;
        this.stateChanged = stateChanged;
        this.nanoClock = nanoClock;
    }

    /** Starts the periodic release check. */
    void start() {
        admin.scheduleWithFixedDelay(this::checkAll, CHECK_PERIOD_MS, CHECK_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** The role gate of one volume's I/O path. */
    Volume.RoleGate gate(Resource res, int vnr) {
        return new Volume.RoleGate() {
            @Override
            public Role role() {
                return res.state.current().role();
            }

            @Override
            public AutoPromotion.Access deviceRead() {
                ResourceState s = res.state.current();
                return AutoPromotion.read(s.role(), res.autoPromote.enabled(), s.device(vnr).disk());
            }

            @Override
            public AutoPromotion.Access deviceWrite() {
                return AutoPromotion.write(res.state.current().role(), res.autoPromote.enabled());
            }

            @Override
            public CompletableFuture<Boolean> promoteForWrite() {
                return AutoPromoter.this.promoteForWrite(res, vnr);
            }
        };
    }

    /**
     * Promotes for a write that reached a volume of {@code res} while Secondary. Completes with
     * false when the promotion is refused or does not happen within the resource's
     * {@code auto-promote-timeout}; the write then fails.
     */
    CompletableFuture<Boolean> promoteForWrite(Resource res, int vnr) {
        long waitMs = Math.max(MIN_WAIT_MS, res.autoPromote.timeoutMs());
        try {
            return CompletableFuture.supplyAsync(() -> promote(res, "a write reached volume " + vnr), admin)
                    .completeOnTimeout(false, waitMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(false);
        }
    }

    @Override
    public void openedForWrite(int minor, long pid) {
        execute(() -> owner(minor).ifPresent(res -> {
            if (res.autoPromote.enabled() && res.state.current().role() != Role.PRIMARY) {
                promote(res, "/dev/drbd" + minor + " opened for writing by pid " + pid + " (" + command(pid) + ")");
            }
        }));
    }

    @Override
    public void closedAfterWrite(int minor) {
        execute(() -> owner(minor).filter(res -> res.autoPromoted).ifPresent(this::check));
    }

    private void execute(Runnable task) {
        try {
            admin.execute(task);
        } catch (RejectedExecutionException stopping) {
            LOG.debug("auto-promote: daemon stopping, event dropped");
        }
    }

    /** On the admin thread: promotes unless already Primary; true when Primary afterwards. */
    private boolean promote(Resource res, String why) {
        if (res.state.current().role() == Role.PRIMARY) {
            return true;
        }
        if (!res.autoPromote.enabled() || !resources.get().contains(res)) {
            return false;
        }
        try {
            StateChangeResult result = roles.promote(res, StateChange.autoPromote());
            if (!result.isSuccess()) {
                logRefusal(res, why, result);
                return false;
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: auto-promote ({}) failed while updating the meta-data: {}", res.name, why, e.getMessage(), e);
            stateChanged.run();
            return res.state.current().role() == Role.PRIMARY;
        }
        res.autoPromoted = true;
        LOG.info("{}: auto-promoted to Primary: {}", res.name, why);
        stateChanged.run();
        return true;
    }

    private void logRefusal(Resource res, String why, StateChangeResult result) {
        long now = nanoClock.getAsLong();
        if (res.lastRefusalLogNs != 0 && now - res.lastRefusalLogNs < REFUSAL_LOG_INTERVAL_NS) {
            return;
        }
        res.lastRefusalLogNs = now;
        LOG.warn("{}: auto-promote refused ({}): {}{}; its writes fail until 'drbdadm primary' succeeds",
                res.name, why, result.error().drbdsetupText(),
                result.detail() == null || result.detail().isEmpty() ? "" : " (" + result.detail() + ")");
    }

    private void checkAll() {
        try {
            for (Resource res : resources.get()) {
                if (res.autoPromoted) {
                    check(res);
                }
            }
        } catch (RuntimeException e) {
            // Keep the schedule alive: a failing check of one round must not end auto-demotion.
            LOG.error("auto-demote check failed: {}", e.toString(), e);
        }
    }

    /** On the admin thread: demotes an auto-promoted resource that nothing holds any more. */
    private void check(Resource res) {
        Role role = res.state.current().role();
        if (role != Role.PRIMARY) {
            res.autoPromoted = false; // demoted meanwhile, e.g. by drbdadm secondary
            return;
        }
        long now = nanoClock.getAsLong();
        long lastWrite = lastWriteNs(res, now);
        long quietNs = TimeUnit.MILLISECONDS.toNanos(QUIET_MS);
        boolean held = false;
        // While writes still come the answer is "settling" whatever holds the devices: skip the
        // holder checks then (they read mountinfo and end with an exclusive-open probe).
        if (now - lastWrite >= quietNs) {
            try {
                held = anyHeld(res);
            } catch (IOException e) {
                LOG.warn("{}: cannot tell whether its devices are in use ({}); staying Primary", res.name, e.getMessage());
                return;
            }
        }
        AutoPromotion.Demotion d = AutoPromotion.demotion(res.autoPromoted, role, held, lastWrite, now, quietNs);
        if (d != AutoPromotion.Demotion.DEMOTE) {
            return;
        }
        try {
            StateChangeResult result = roles.demote(res, StateChange.autoDemote());
            if (!result.isSuccess()) {
                LOG.info("{}: auto-demote refused: {} {}", res.name, result.error().drbdsetupText(), result.detail());
                return;
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: auto-demote failed: {}", res.name, e.getMessage(), e);
            stateChanged.run();
            return;
        }
        res.autoPromoted = false;
        LOG.info("{}: auto-demoted to Secondary: no process holds its devices open for writing, none is mounted,"
                + " no write for {} ms", res.name, QUIET_MS);
        stateChanged.run();
    }

    private boolean anyHeld(Resource res) throws IOException {
        for (Resource.Minor m : res.minorsByVnr.values()) {
            if (roles.held(m)) {
                return true;
            }
        }
        return false;
    }

    /** The latest write of any volume; a resource without volumes has been quiet forever. */
    private static long lastWriteNs(Resource res, long nowNs) {
        long latest = nowNs - TimeUnit.DAYS.toNanos(1);
        for (Resource.Minor m : res.minorsByVnr.values()) {
            if (m.volume != null && m.volume.lastWriteNs() - latest > 0) {
                latest = m.volume.lastWriteNs();
            }
        }
        return latest;
    }

    private Optional<Resource> owner(int minor) {
        return resources.get().stream().filter(r -> r.byMinor(minor).isPresent()).findFirst();
    }

    /** The opener's command name for the log, best effort. */
    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "exited";
        }
    }
}
