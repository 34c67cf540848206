package org.drbdj.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.drbdj.config.OptionDef;
import org.drbdj.config.OptionSchema;
import org.drbdj.control.ControlPaths;
import org.drbdj.control.ControlRequest;
import org.drbdj.control.ControlResponse;
import org.drbdj.control.ControlServer;
import org.drbdj.control.RequestHandler;
import org.drbdj.control.RunningResource;
import org.drbdj.device.DeviceAttacher;
import org.drbdj.device.DeviceAttacherFactory;
import org.drbdj.device.DeviceNumber;
import org.drbdj.device.DeviceNodes;
import org.drbdj.device.DeviceStrategy;
import org.drbdj.device.FanotifyOpenWatcher;
import org.drbdj.device.NbdFuseLoopAttacher;
import org.drbdj.device.OpenWatcher;
import org.drbdj.meta.MdFlags;
import org.drbdj.meta.MetaDataException;
import org.drbdj.meta.MetaDiskLocation;
import org.drbdj.meta.al.AlLayout;
import org.drbdj.meta.al.AlRecovery;
import org.drbdj.meta.al.ApplyAl;
import org.drbdj.nbd.NbdExportRegistry;
import org.drbdj.nbd.NbdServer;
import org.drbdj.nbd.NbdServerOptions;
import org.drbdj.state.ConnectionState;
import org.drbdj.state.DeviceState;
import org.drbdj.state.DiskState;
import org.drbdj.state.PeerDeviceState;
import org.drbdj.state.PeerState;
import org.drbdj.state.ResourcePolicy;
import org.drbdj.state.ResourceState;
import org.drbdj.state.Role;
import org.drbdj.state.StateChange;
import org.drbdj.state.StateChangeResult;
import org.drbdj.state.WireProtocol;
import org.drbdj.status.ProcDrbdRenderer;
import org.drbdj.status.Events2Options;
import org.drbdj.status.Events2Renderer;
import org.drbdj.status.ProcVersion;
import org.drbdj.status.StatusFiles;
import org.drbdj.status.Rendered;
import org.drbdj.status.ShowRenderer;
import org.drbdj.status.SimpleQueries;
import org.drbdj.status.StatusOptions;
import org.drbdj.status.StatusRenderer;
import org.drbdj.storage.BackingDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's resources and the handling of control requests, the part of DRBD's kernel module
 * that drbdsetup talks to over netlink. Requests run one at a time on the admin thread (DRBD's
 * per-resource state mutex, made daemon-wide for simplicity); I/O never runs there.
 */
final class ResourceManager implements RequestHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceManager.class);
    /** The peer's node id until replication negotiates real ones (DRBD 8.4 has one peer). */
    private static final int PEER_NODE_ID = 1;

    private final DaemonOptions options;
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final ScheduledExecutorService admin = Executors.newSingleThreadScheduledExecutor(
            new io.netty.util.concurrent.DefaultThreadFactory("drbd-admin", true));
    /** How often the status file's counters are brought up to date. */
    static final long PROC_REFRESH_MS = 1000;
    private final NbdExportRegistry exports = new NbdExportRegistry();
    private final NbdServer nbd = new NbdServer(exports, NbdServerOptions.defaults());
    private final ProcVersion procVersion = ProcVersion.ofThisBuild();
    private DeviceAttacher attacher;
    private final RoleChanges roles = new RoleChanges();
    private final AutoPromoter autoPromoter;

    ResourceManager(DaemonOptions options) {
        this.options = options;
        this.autoPromoter = new AutoPromoter(admin, resources::values, roles, this::stateChanged, System::nanoTime);
    }

    Path nbdSocket() {
        return options.runDir().resolve("nbd.sock");
    }

    void start() throws IOException {
        nbd.start(nbdSocket());
        if (options.nbdListen() != null) {
            nbd.startTcp(options.nbdListen()); // logs the bound address (port 0 picks a free one)
        }
        DeviceNodes nodes = new DeviceNodes(options.devDir(), Path.of("/dev"), Path.of("/sys"), 30_000);
        DeviceStrategy requested = DeviceStrategy.parse(options.deviceStrategy());
        DeviceAttacherFactory.Selection sel = DeviceAttacherFactory.select(requested,
                DeviceAttacherFactory.Probe.system(Path.of("/dev"), NbdFuseLoopAttacher.Settings.defaults(options.runDir(), nodes)));
        LOG.info("/dev/drbdN strategy: {} ({})", sel.strategy().optionValue(), sel.reason());
        attacher = DeviceAttacherFactory.create(sel, nodes, options.runDir());
        if (sel.strategy() != DeviceStrategy.NONE) {
            OpenWatcher watcher = FanotifyOpenWatcher.start(autoPromoter);
            roles.useWatcher(watcher);
            LOG.info("auto-promote: opens of /dev/drbdN {}", watcher.isAvailable()
                    ? "are watched through " + watcher.reason()
                    : "cannot be watched (" + watcher.reason() + "); writes still promote, demotion waits for"
                      + " unmount and " + AutoPromoter.QUIET_MS + " ms without writes");
        }
        autoPromoter.start();
        writeProcFile();
        admin.scheduleWithFixedDelay(() -> {
            try {
                writeProcFile();
            } catch (RuntimeException e) { // an escaping exception would cancel every later refresh
                LOG.warn("status file refresh failed: {}", e.toString());
            }
        }, PROC_REFRESH_MS, PROC_REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isReadOnly(ControlRequest request) {
        return ControlServer.READ_ONLY_COMMANDS.contains(request.command());
    }

    @Override
    public void handle(ControlRequest request, Caller caller, Consumer<ControlResponse> reply) {
        if (request.command().equals("events2")) {
            admin.execute(() -> events2(request, reply));
            return;
        }
        admin.execute(() -> {
            ControlResponse response;
            try {
                response = dispatch(request);
            } catch (RequestFailure f) {
                response = ControlResponse.failure(f.exitCode, f.getMessage());
            } catch (MetaDataException e) {
                response = ControlResponse.failure(10, e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.error("request {} failed", request.toDryRunLine(), e);
                response = ControlResponse.failure(10, request.command() + ": Failure: " + e.getMessage());
            }
            stateChanged();
            try {
                reply.accept(response);
            } catch (IllegalStateException gone) {
                LOG.debug("{}: {}", request.command(), gone.getMessage());
            }
        });
    }

    /** An events2 client: its renderer and where its lines go until it disconnects. */
    private record Subscriber(Events2Renderer renderer, Consumer<ControlResponse> sink, boolean timestamps) {
    }

    private final List<Subscriber> subscribers = new ArrayList<>();
    private final Map<String, ResourceState> published = new LinkedHashMap<>();

    /**
     * After every request (and every failure the disks report): rewrite the status file and send
     * each events2 subscriber the change lines between what it last saw and the current state.
     */
    private void stateChanged() {
        writeProcFile();
        Map<String, ResourceState> now = new LinkedHashMap<>();
        resources.forEach((name, r) -> now.put(name, r.state.current()));
        List<ResourceState[]> changes = new ArrayList<>();
        for (Map.Entry<String, ResourceState> e : published.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                changes.add(new ResourceState[] {e.getValue(), null});
            }
        }
        for (Map.Entry<String, ResourceState> e : now.entrySet()) {
            ResourceState before = published.get(e.getKey());
            if (!e.getValue().equals(before)) {
                changes.add(new ResourceState[] {before, e.getValue()});
            }
        }
        published.clear();
        published.putAll(now);
        if (changes.isEmpty() || subscribers.isEmpty()) {
            return;
        }
        java.time.ZonedDateTime at = java.time.ZonedDateTime.now();
        subscribers.removeIf(sub -> {
            List<String> lines = new ArrayList<>();
            for (ResourceState[] c : changes) {
                lines.addAll(sub.renderer().diff(c[0], c[1], sub.timestamps() ? at : null));
            }
            if (lines.isEmpty()) {
                return false;
            }
            try {
                sub.sink().accept(new ControlResponse(0, lines, List.of(), false));
                return false;
            } catch (RuntimeException gone) {
                return true; // the client went away
            }
        });
    }

    /** {@code events2}: the current state as exists lines, then (unless --now) every change. */
    private void events2(ControlRequest r, Consumer<ControlResponse> reply) {
        Map<String, String> o = r.options();
        boolean timestamps = o.containsKey("timestamps");
        Events2Renderer renderer = new Events2Renderer(new Events2Options(o.containsKey("statistics"), false, false,
                timestamps));
        List<ResourceState> states = resources.values().stream().map(Resource::withCounters).toList();
        List<String> lines = renderer.exists(states, timestamps ? java.time.ZonedDateTime.now() : null);
        if (o.containsKey("now")) {
            reply.accept(ControlResponse.ok(lines));
            return;
        }
        reply.accept(new ControlResponse(0, lines, List.of(), false));
        subscribers.add(new Subscriber(renderer, reply, timestamps));
    }

    private ControlResponse dispatch(ControlRequest r) throws RequestFailure, IOException {
        List<String> a = r.args();
        switch (r.command()) {
            case "new-resource": return newResource(arg(a, 0), r);
            case "new-minor": return newMinor(resource(arg(a, 0)), number(a, 1, "minor"), number(a, 2, "volume"));
            case "del-minor": return delMinor(number(a, 0, "minor"));
            case "attach": return attach(number(a, 0, "minor"), arg(a, 1), arg(a, 2), arg(a, 3), r);
            case "connect": return connect(resource(arg(a, 0)), arg(a, 1), arg(a, 2), r);
            case "resource-options": return resourceOptions(resource(arg(a, 0)), r);
            case "disk-options": return diskOptions(number(a, 0, "minor"), r);
            case "net-options": return netOptions(resource(arg(a, 0)), r);
            case "show": return show(a, r.options());
            case "disconnect": return disconnect(resourceOf(arg(a, 0)));
            case "detach": return detach(arg(a, 0), r.options().containsKey("force"));
            case "primary": return primary(resourceOf(arg(a, 0)), r.options().containsKey("overwrite-data-of-peer"));
            case "secondary": return secondary(resourceOf(arg(a, 0)));
            case "down": return down(arg(a, 0));
            case "role": return perVolume(arg(a, 0), SimpleQueries::role84);
            case "cstate": return perVolume(arg(a, 0), SimpleQueries::cstate84);
            case "dstate": return perVolume(arg(a, 0), SimpleQueries::dstate84);
            case "status": return status(a, r.options());
            default:
                throw new RequestFailure(20, "drbdd: '" + r.command() + "' is not supported by this drbdd yet");
        }
    }

    private static String arg(List<String> args, int i) throws RequestFailure {
        if (i >= args.size()) {
            throw new RequestFailure(10, "drbdd: request lacks argument " + (i + 1));
        }
        return args.get(i);
    }

    /** A numeric argument (minor, volume); anything else is refused naming the argument. */
    private static int number(List<String> args, int i, String what) throws RequestFailure {
        String text = arg(args, i);
        try {
            int n = Integer.parseInt(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new RequestFailure(10, "drbdd: " + what + " '" + text + "' is not a non-negative number");
    }

    private Resource resource(String name) throws RequestFailure {
        Resource r = resources.get(name);
        if (r == null) {
            throw new RequestFailure(10, name + ": No such resource");
        }
        return r;
    }

    /** {@code RES} or {@code RES/VOL}: the resource part. */
    private Resource resourceOf(String target) throws RequestFailure {
        int slash = target.indexOf('/');
        return resource(slash < 0 ? target : target.substring(0, slash));
    }

    // ---------------------------------------------------------------- configuration requests

    private ControlResponse newResource(String name, ControlRequest r) throws RequestFailure {
        if (resources.containsKey(name)) {
            throw new RequestFailure(10, name + ": Failure: (161) Resource already exists; use 'drbdadm adjust " + name + "'");
        }
        Map<String, String> opts = RequestOptions.settings(name, RequestOptions.Kind.RESOURCE, r.options(), List.of());
        Resource res;
        try {
            res = new Resource(name, opts, ResourcePolicy.DEFAULT);
        } catch (IllegalArgumentException e) { // auto-promote settings the state rules cannot take
            throw new RequestFailure(10, name + ": Failure: " + e.getMessage());
        }
        res.state.addListener((before, after, change, nowNs) -> LOG.info("{}: {} -> {}", name, summary(before), summary(after)));
        resources.put(name, res);
        LOG.info("{}: created", name);
        return ControlResponse.ok(List.of());
    }

    private ControlResponse newMinor(Resource res, int minor, int vnr) throws RequestFailure {
        if (res.minorsByVnr.containsKey(vnr)) {
            throw new RequestFailure(10, res.name + "/" + vnr + ": Failure: (161) Minor or volume exists already (minor "
                    + res.minorsByVnr.get(vnr).minor + ")");
        }
        for (Resource other : resources.values()) {
            Optional<Resource.Minor> m = other.byMinor(minor);
            if (m.isPresent()) {
                throw new RequestFailure(10, "minor " + minor + ": Failure: (161) Minor or volume exists already (in "
                        + other.name + ")");
            }
        }
        res.minorsByVnr.put(vnr, new Resource.Minor(vnr, minor));
        res.state.updateFacts(s -> {
            ResourceState out = s.withDevice(DeviceState.created(vnr, minor));
            // A volume added to a connected resource gets its peer device, as in DRBD.
            for (PeerState p : s.peers()) {
                out = out.withPeer(p.withPeerDevice(PeerDeviceState.created(vnr)));
            }
            return out;
        });
        LOG.info("{}/{}: minor {} created", res.name, vnr, minor);
        return ControlResponse.ok(List.of());
    }

    /** {@code del-minor MINOR}: removes a volume whose disk is detached (drbdsetup del-minor). */
    private ControlResponse delMinor(int minorNr) throws RequestFailure {
        Resource.Minor m = minorOrFail(minorNr);
        Resource res = owner(minorNr);
        if (m.volume != null) {
            throw new RequestFailure(10, minorNr + ": Failure: (160) Minor still configured (down it first)\n"
                    + "additional info from drbdd: its disk is attached; detach " + res.name + "/" + m.vnr + " first");
        }
        res.minorsByVnr.remove(m.vnr);
        res.state.updateFacts(s -> {
            ResourceState out = s.withoutDevice(m.vnr);
            for (PeerState p : s.peers()) {
                out = out.withPeer(p.withoutPeerDevice(m.vnr));
            }
            return out;
        });
        LOG.info("{}/{}: minor {} deleted", res.name, m.vnr, minorNr);
        return ControlResponse.ok(List.of());
    }

    private Resource.Minor minorOrFail(int minor) throws RequestFailure {
        for (Resource res : resources.values()) {
            Optional<Resource.Minor> m = res.byMinor(minor);
            if (m.isPresent()) {
                return m.get();
            }
        }
        throw new RequestFailure(10, minor + ": No such minor");
    }

    private Resource owner(int minor) {
        return resources.values().stream().filter(r -> r.byMinor(minor).isPresent()).findFirst().orElseThrow();
    }

    private ControlResponse attach(int minorNr, String lower, String metaDev, String metaIdx, ControlRequest r)
            throws RequestFailure, IOException {
        Resource.Minor m = minorOrFail(minorNr);
        Resource res = owner(minorNr);
        if (m.volume != null) {
            throw new RequestFailure(10, minorNr + ": Failure: (124) Device is attached to a disk (use detach first)");
        }
        Map<String, String> diskOptions = RequestOptions.settings(Integer.toString(minorNr), RequestOptions.Kind.DISK,
                r.options(), List.of());
        MetaDiskLocation location = switch (metaIdx) {
            case "internal" -> MetaDiskLocation.internal();
            case "flexible" -> MetaDiskLocation.flexExternal();
            default -> MetaDiskLocation.indexed(metaIndex(minorNr, metaIdx));
        };
        res.state.updateFacts(s -> s.withDevice(s.device(m.vnr).withDisk(DiskState.ATTACHING)));
        VolumeMetaData meta = null;
        BackingDevice device = null;
        BackingDevice metaIo = null;
        try {
            meta = VolumeMetaData.open(Path.of(metaDev), location, res.name);
            device = BackingDevice.open(Path.of(lower));
            // The activity log sits with the meta-data: on the data device itself when internal.
            metaIo = "internal".equals(metaIdx) ? device : BackingDevice.open(Path.of(metaDev));
            AlLayout layout = AlLayout.ofSize(meta.alOffsetBytes(), meta.alSizeBytes());
            if (!meta.isAlClean()) {
                // The last run did not detach cleanly: every extent the AL says was hot is marked
                // out of sync, so the next resync covers whatever a crash may have torn.
                ApplyAl.Outcome o = meta.applyAl(metaIo, meta.usableBytes(device.sizeBytes()));
                LOG.warn("{}/{}: meta-data was unclean; applied the activity log: {} blocks marked out of sync{}",
                        res.name, m.vnr, o.bitsNewlySet(), o.fullSync() ? " (AL unreadable: full sync)" : "");
            }
            long alNext = AlRecovery.read(metaIo, layout).nextTrNumber();
            meta.updateFlags(0, MdFlags.AL_CLEAN);
            int alExtents = alExtents(diskOptions);
            Volume.OnIoError policy = Volume.OnIoError.of(diskOptions.get("on-io-error"));
            Volume v = new Volume(res.name, m.vnr, minorNr, device, metaIo, meta, alExtents, alNext, policy,
                    autoPromoter.gate(res, m.vnr), System::nanoTime, e -> admin.execute(() -> onDiskFailure(res, m, e)));
            m.volume = v;
            m.disk = new RunningResource.Disk(lower, metaDev, metaIdx, diskOptions);
            meta.setEffectiveSizeSectors(v.sizeBytes() / 512);
            DiskState disk = initialDiskState(meta);
            res.state.updateFacts(s -> s.withDevice(s.device(m.vnr).withBackingDevice(lower, v.sizeBytes() / 512)
                    .withDisk(disk)));
            exports.register(v.exportName(), v.publicExport());
            exports.register(v.exportName() + "-device", v.deviceExport());
            m.device = attacher.attach(minorNr, nbdSocket(), v.exportName() + "-device", v.sizeBytes());
            roles.applyDeviceAccess(res, m);
            watchOpens(res, m);
            LOG.info("{}/{}: attached {} ({} bytes usable, meta-data {} {}), disk {}", res.name, m.vnr, lower,
                    v.sizeBytes(), meta.version(), metaIdx, disk.drbdName());
            return ControlResponse.ok(List.of());
        } catch (IOException | RuntimeException e) {
            if (m.volume != null) {
                closeVolume(res, m);
            } else {
                if (meta != null) {
                    meta.close();
                }
                if (metaIo != null && metaIo != device) {
                    metaIo.close();
                }
                if (device != null) {
                    device.close();
                }
            }
            res.state.updateFacts(s -> s.withDevice(s.device(m.vnr).withDisk(DiskState.DISKLESS)));
            if (e instanceof MetaDataException mde) {
                throw new RequestFailure(10, minorNr + ": Failure: " + mde.getMessage());
            }
            throw new RequestFailure(10, minorNr + ": Failure: (118) IO error(s) occurred during initial access to meta-data: "
                    + e.getMessage());
        }
    }

    /** Tracks who opens the new /dev/drbdN for writing; without it auto-promote still works, coarser. */
    private void watchOpens(Resource res, Resource.Minor m) {
        Optional<Path> node = m.device.devicePath();
        Optional<DeviceNumber> number = m.device.deviceNumber();
        if (node.isEmpty() || number.isEmpty() || !roles.watcher().isAvailable()) {
            return;
        }
        try {
            roles.watcher().watch(m.minor, node.get(), number.get());
        } catch (IOException e) {
            LOG.warn("{}/{}: opens of {} cannot be watched ({}); auto-promote relies on writes and mounts alone",
                    res.name, m.vnr, node.get(), e.getMessage());
        }
    }

    /** DRBD 8.4's rule at attach (drbd_adm_attach): consistent data that was UpToDate stays UpToDate. */
    private static DiskState initialDiskState(VolumeMetaData meta) {
        if (!meta.has(MdFlags.CONSISTENT)) {
            return DiskState.INCONSISTENT;
        }
        // With fencing dont-care (the default), Consistent data that was UpToDate is UpToDate.
        return meta.has(MdFlags.WAS_UP_TO_DATE) ? DiskState.UP_TO_DATE : DiskState.OUTDATED;
    }

    private void onDiskFailure(Resource res, Resource.Minor m, IOException cause) {
        if (m.volume == null) {
            return;
        }
        String policy = m.disk.options().getOrDefault("on-io-error", "detach");
        LOG.error("{}/{}: local I/O error ({}); on-io-error {}", res.name, m.vnr, cause.getMessage(), policy);
        res.state.updateFacts(s -> s.withDevice(s.device(m.vnr).withDisk(DiskState.FAILED)));
        stateChanged();
        HandlerRunner.run(res, m, "local-io-error", options);
        if ("detach".equals(policy)) {
            closeVolume(res, m);
            res.state.updateFacts(s -> s.withDevice(s.device(m.vnr).withDisk(DiskState.DISKLESS)));
        }
        stateChanged();
    }

    private ControlResponse connect(Resource res, String local, String peer, ControlRequest r) throws RequestFailure {
        if (res.connection.isPresent()) {
            throw new RequestFailure(10, res.name + ": Failure: (125) Device has a net-config (use disconnect first)");
        }
        Map<String, String> net = RequestOptions.settings(res.name, RequestOptions.Kind.NET, r.options(),
                List.of("discard-my-data"));
        checkAddress(res.name, "local", local);
        checkAddress(res.name, "peer", peer);
        res.connection = Optional.of(new RunningResource.Connection(local, peer, net));
        WireProtocol protocol = protocol(net);
        List<Integer> vols = new ArrayList<>(res.minorsByVnr.keySet());
        res.state.updateFacts(s -> s.withPeer(PeerState.created(PEER_NODE_ID, net.getOrDefault("_name", peer),
                protocol, vols, List.of()).withConnection(ConnectionState.CONNECTING)));
        // The DRBD 8.4 wire protocol is the next milestone: until then the resource waits for its peer.
        LOG.info("{}: waiting for peer {} on {} (replication over DRBD's wire protocol is not implemented yet)",
                res.name, peer, local);
        return ControlResponse.ok(List.of());
    }

    private ControlResponse disconnect(Resource res) {
        res.connection = Optional.empty();
        res.state.updateFacts(s -> s.peers().isEmpty() ? s : s.withoutPeer(PEER_NODE_ID));
        return ControlResponse.ok(List.of());
    }

    /** How long disk-options waits for writes in flight to leave the activity log before it gives up. */
    private static final long AL_RESIZE_WAIT_MS = 5_000;

    /**
     * {@code resource-options RES [--set-defaults]}: new resource options and handlers. Handlers
     * take effect at their next call (HandlerRunner reads them then), auto-promote at once.
     */
    private ControlResponse resourceOptions(Resource res, ControlRequest r) throws RequestFailure, IOException {
        Map<String, String> requested = RequestOptions.settings(res.name, RequestOptions.Kind.RESOURCE, r.options(),
                List.of(RequestOptions.SET_DEFAULTS));
        Map<String, String> next = RequestOptions.merged(res.resourceOptions, requested,
                r.options().containsKey(RequestOptions.SET_DEFAULTS));
        AutoPromoteOptions autoPromote;
        try {
            autoPromote = AutoPromoteOptions.of(next);
        } catch (IllegalArgumentException e) {
            throw new RequestFailure(10, res.name + ": Failure: " + e.getMessage());
        }
        logChanges(res.name + ": resource options", res.resourceOptions, next);
        res.resourceOptions = next;
        if (!autoPromote.equals(res.autoPromote)) {
            // The device's read-only flag follows auto-promote while Secondary: apply it now.
            res.autoPromote = autoPromote;
            for (Resource.Minor m : res.minorsByVnr.values()) {
                roles.applyDeviceAccess(res, m);
            }
        }
        return ControlResponse.ok(List.of());
    }

    /**
     * {@code disk-options MINOR [--set-defaults]}: new disk options for an attached volume, applied
     * to the running volume (on-io-error, al-extents) and kept for {@code show} (all of them).
     */
    private ControlResponse diskOptions(int minorNr, ControlRequest r) throws RequestFailure, IOException {
        Resource.Minor m = minorOrFail(minorNr);
        Resource res = owner(minorNr);
        if (m.volume == null) {
            throw new RequestFailure(10, minorNr + ": Failure: (138) Device does not have a disk");
        }
        String target = Integer.toString(minorNr);
        Map<String, String> requested = RequestOptions.settings(target, RequestOptions.Kind.DISK, r.options(),
                List.of(RequestOptions.SET_DEFAULTS));
        Map<String, String> next = RequestOptions.merged(m.disk.options(), requested,
                r.options().containsKey(RequestOptions.SET_DEFAULTS));
        // The resize is the one change that can fail (AL busy), so it goes first and the rest only after it.
        if (!m.volume.resizeActivityLog(alExtents(next), AL_RESIZE_WAIT_MS)) {
            throw new RequestFailure(10, target + ": Failure: (122) the activity log stayed in use for "
                    + AL_RESIZE_WAIT_MS + " ms; al-extents unchanged (" + m.volume.alExtents() + "), retry when writes pause");
        }
        m.volume.onIoError(Volume.OnIoError.of(next.get("on-io-error")));
        logChanges(res.name + "/" + m.vnr + ": disk options", m.disk.options(), next);
        m.disk = new RunningResource.Disk(m.disk.backingDisk(), m.disk.metaDisk(), m.disk.metaIndex(), next);
        return ControlResponse.ok(List.of());
    }

    /**
     * {@code net-options RES [--set-defaults]}: new net options for the configured connection. The
     * protocol and the peer's name show in the state at once; the rest is kept for the wire
     * protocol, which is not implemented yet.
     */
    private ControlResponse netOptions(Resource res, ControlRequest r) throws RequestFailure {
        if (res.connection.isEmpty()) {
            throw RequestFailure.invalid(res.name, "net_conf missing, try connect");
        }
        RunningResource.Connection c = res.connection.get();
        Map<String, String> requested = RequestOptions.settings(res.name, RequestOptions.Kind.NET, r.options(),
                List.of(RequestOptions.SET_DEFAULTS));
        Map<String, String> next = RequestOptions.merged(c.options(), requested,
                r.options().containsKey(RequestOptions.SET_DEFAULTS));
        WireProtocol protocol = protocol(next);
        String name = next.getOrDefault("_name", c.peerAddress());
        logChanges(res.name + ": net options", c.options(), next);
        res.connection = Optional.of(new RunningResource.Connection(c.localAddress(), c.peerAddress(), next));
        res.state.updateFacts(s -> {
            PeerState p = s.peer(PEER_NODE_ID);
            return p == null ? s : s.withPeer(new PeerState(p.peerNodeId(), name, p.connection(), p.peerRole(), protocol,
                    p.tls(), p.stats(), p.paths(), p.peerDevices()));
        });
        return ControlResponse.ok(List.of());
    }

    /** {@code show RES|all [--json]}: the settings drbdd holds, as JSON lines or drbdsetup-show text. */
    private ControlResponse show(List<String> targets, Map<String, String> opts) throws RequestFailure {
        List<RunningResource> shown = new ArrayList<>();
        if (targets.isEmpty() || targets.contains("all")) {
            resources.values().forEach(res -> shown.add(res.running()));
        } else {
            for (String t : targets) {
                shown.add(resource(t).running());
            }
        }
        if (opts.containsKey("json")) {
            return ControlResponse.ok(shown.stream().map(x -> org.drbdj.control.Json.write(x.toJson())).toList());
        }
        return ControlResponse.ok(ShowRenderer.render(shown));
    }

    private static void logChanges(String what, Map<String, String> before, Map<String, String> after) {
        List<String> changes = RequestOptions.changes(before, after);
        if (!changes.isEmpty()) {
            LOG.info("{} changed: {}", what, String.join(", ", changes));
        }
    }

    /** al-extents of validated disk options, clamped as DRBD clamps it; unset is DRBD's default. */
    private static int alExtents(Map<String, String> diskOptions) {
        OptionDef def = RequestOptions.find(RequestOptions.Kind.DISK, "al-extents").orElseThrow();
        return Integer.parseInt(OptionSchema.canonicalValue(def, diskOptions.get("al-extents")));
    }

    /** The replication protocol of validated net options ({@code c} is C); unset is C. */
    private static WireProtocol protocol(Map<String, String> net) {
        OptionDef def = RequestOptions.find(RequestOptions.Kind.NET, "protocol").orElseThrow();
        return WireProtocol.valueOf(OptionSchema.canonicalValue(def, net.get("protocol")));
    }

    private static int metaIndex(int minorNr, String text) throws RequestFailure {
        try {
            int idx = Integer.parseInt(text);
            if (idx >= 0) {
                return idx;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new RequestFailure(10, minorNr + ": Failure: (116) Meta device index '" + text
                + "' is invalid; valid: internal, flexible or an index >= 0");
    }

    /** {@code family:host:port}, as drbdadm sends addresses ({@code ipv4:10.0.0.1:7789}, {@code ipv6:[::1]:7789}). */
    private static void checkAddress(String resource, String which, String address) throws RequestFailure {
        if (!address.matches("[a-z0-9]+:(\\[[0-9A-Fa-f:.%a-z]+]|[^:\\[\\]]+):\\d{1,5}")
                || Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)) > 65535) {
            int code = which.equals("local") ? 102 : 103;
            throw new RequestFailure(10, resource + ": Failure: (" + code + ") " + (code == 102 ? "Local" : "Peer")
                    + " address '" + address + "' is not family:host:port (e.g. ipv4:10.0.0.1:7789)");
        }
    }

    private ControlResponse detach(String target, boolean force) throws RequestFailure {
        Resource res = resourceOf(target);
        int slash = target.indexOf('/');
        for (Resource.Minor m : new ArrayList<>(res.minorsByVnr.values())) {
            if (slash >= 0 && m.vnr != Integer.parseInt(target.substring(slash + 1))) {
                continue;
            }
            if (m.volume == null) {
                continue;
            }
            ResourceState s = res.state.current();
            if (s.role() == Role.PRIMARY && !force) {
                throw new RequestFailure(17, res.name + ": State change failed: (-2) Need access to UpToDate data\n"
                        + "additional info from drbdd: detaching the only disk of a Primary; demote first, or use --force");
            }
            // A disk with data leaves through Detaching, as the disk-state table requires.
            res.state.updateFacts(x -> x.withDevice(x.device(m.vnr).withDisk(DiskState.DETACHING)));
            closeVolume(res, m);
            res.state.updateFacts(x -> x.withDevice(x.device(m.vnr).withDisk(DiskState.DISKLESS)));
        }
        return ControlResponse.ok(List.of());
    }

    private void closeVolume(Resource res, Resource.Minor m) {
        if (m.device != null) {
            roles.watcher().unwatch(m.minor);
            try {
                m.device.close();
            } catch (IOException e) {
                LOG.warn("{}/{}: removing /dev/drbd{}: {}", res.name, m.vnr, m.minor, e.getMessage());
            }
            m.device = null;
            m.readOnlyFlag = null;
        }
        if (m.volume != null) {
            exports.unregister(m.volume.exportName());
            exports.unregister(m.volume.exportName() + "-device");
            m.volume.close();
            m.volume = null;
        }
        m.disk = null;
    }

    // ---------------------------------------------------------------- role changes

    private ControlResponse primary(Resource res, boolean force) throws RequestFailure, IOException {
        refuseIfFailed(res, roles.promote(res, StateChange.promote(force)));
        // An operator's promotion stays until the operator demotes, as in DRBD 9.
        res.autoPromoted = false;
        return ControlResponse.ok(List.of());
    }

    private ControlResponse secondary(Resource res) throws RequestFailure, IOException {
        refuseIfFailed(res, roles.demote(res, StateChange.demote(false)));
        res.autoPromoted = false;
        return ControlResponse.ok(List.of());
    }

    private static void refuseIfFailed(Resource res, StateChangeResult result) throws RequestFailure {
        if (result.outcome() == StateChangeResult.Outcome.REFUSED) {
            String detail = result.detail() == null || result.detail().isEmpty() ? ""
                    : "\nadditional info from drbdd: " + result.detail();
            throw new RequestFailure(result.error().drbdsetupExitCode(), res.name + ": " + result.error().drbdsetupText() + detail);
        }
    }

    private ControlResponse down(String name) throws RequestFailure, IOException {
        Resource res = resources.get(name);
        if (res == null) {
            return ControlResponse.ok(List.of()); // drbdadm down of a resource that is not up is a no-op
        }
        for (Resource.Minor m : res.minorsByVnr.values()) {
            if (roles.held(m)) {
                throw new RequestFailure(11, name + ": State change failed: (-12) Device is held open by someone\n"
                        + "additional info from drbdd: /dev/drbd" + m.minor + " is mounted or open for writing; unmount or close it first");
            }
        }
        if (res.state.current().role() == Role.PRIMARY) {
            secondary(res);
        }
        disconnect(res);
        for (Resource.Minor m : res.minorsByVnr.values()) {
            closeVolume(res, m);
        }
        resources.remove(name);
        LOG.info("{}: down", name);
        return ControlResponse.ok(List.of());
    }

    // ---------------------------------------------------------------- queries

    /** drbdadm's 8.4 queries print one line per volume of the resource (or of RES/VOL). */
    private ControlResponse perVolume(String target, java.util.function.BiFunction<ResourceState, Integer, String> query)
            throws RequestFailure {
        Resource res = resourceOf(target);
        ResourceState s = res.state.current();
        int slash = target.indexOf('/');
        List<String> lines = new ArrayList<>();
        for (DeviceState d : s.devices()) {
            if (slash < 0 || d.volume() == Integer.parseInt(target.substring(slash + 1))) {
                lines.add(query.apply(s, d.volume()));
            }
        }
        return ControlResponse.ok(lines);
    }

    private ControlResponse status(List<String> targets, Map<String, String> opts) throws RequestFailure {
        List<ResourceState> states = resources.values().stream().map(Resource::withCounters).toList();
        StatusOptions so = new StatusOptions(opts.containsKey("verbose") ? 1 : 0, opts.containsKey("statistics"),
                opts.containsKey("json"), false, 80, true);
        List<String> out = new ArrayList<>();
        List<String> names = targets.isEmpty() || targets.contains("all") ? List.of("all") : targets;
        for (String name : names) {
            Rendered rendered = StatusRenderer.render(states, name, so);
            if (rendered.exitCode() != 0) {
                throw new RequestFailure(rendered.exitCode(), rendered.err().strip());
            }
            out.addAll(rendered.out().lines().toList());
        }
        return ControlResponse.ok(out);
    }

    private static String summary(ResourceState s) {
        StringBuilder sb = new StringBuilder(s.role().drbdName());
        for (DeviceState d : s.devices()) {
            sb.append(" vol").append(d.volume()).append(':').append(d.disk().drbdName());
        }
        s.devices().stream().findFirst().ifPresent(d -> sb.append(" cs:").append(SimpleQueries.cstate84(s, d.volume())));
        return sb.toString();
    }

    /** What the status file holds now, so that the periodic refresh rewrites it only on a change. */
    private String procText = "";

    /**
     * Rewrites the /proc/drbd-style file atomically, so readers never see half of it. Called on every
     * state change and, for the counters, once a second ({@link #PROC_REFRESH_MS}) while they move:
     * a file cannot compute its content at read time as the kernel's /proc/drbd does.
     */
    private void writeProcFile() {
        List<ResourceState> states = resources.values().stream().map(Resource::withCounters).toList();
        Path file = ControlPaths.procFile(options.runDir());
        String text = ProcDrbdRenderer.render(procVersion, states);
        if (text.equals(procText) && Files.exists(file)) {
            return;
        }
        try {
            StatusFiles.publish(file, text);
            procText = text;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write {}: {}", file, e.getMessage());
        }
    }

    /** Demotes, flushes and detaches every resource, then stops the NBD server. */
    @Override
    public void close() {
        Future<?> f = admin.submit(() -> {
            for (String name : new ArrayList<>(resources.keySet())) {
                try {
                    Resource res = resources.get(name);
                    if (res.state.current().role() == Role.PRIMARY) {
                        res.state.request(StateChange.demote(true));
                    }
                    for (Resource.Minor m : res.minorsByVnr.values()) {
                        closeVolume(res, m);
                    }
                    resources.remove(name);
                } catch (RuntimeException e) {
                    LOG.error("{}: shutdown failed: {}", name, e.getMessage());
                }
            }
            writeProcFile();
        });
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("shutdown of resources did not finish: {}", e.toString());
        }
        admin.shutdownNow();
        roles.watcher().close();
        nbd.close();
    }
}
