package org.drbdj.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The mutable parse tree, shaped like drbd-utils' {@code struct d_resource} and friends. Only the
 * parser and the resolver use it; everything public is built from it as immutable records.
 */
final class Raw {
    private Raw() {
    }

    static final class Global {
        String usageCount = "ask";
        int minorCount;
        int dialogRefresh = 1;
        boolean disableIpVerification;
        boolean udevAlwaysUseVnr;
        Integer cmdTimeoutShort;
        Integer cmdTimeoutMedium;
        Integer cmdTimeoutLong;
        boolean seen;
    }

    static final class Config {
        final Global global = new Global();
        Resource common;
        final List<Resource> resources = new ArrayList<>();
    }

    static final class Address {
        String af;
        String addr;
        String port;
        boolean local;
    }

    static final class Volume {
        int vnr;
        boolean implicit;
        String device;
        int minor = -1;
        String disk;
        String metaDisk;
        String metaIndex;
        boolean parsedDevice;
        boolean parsedDisk;
        boolean parsedMetaDisk;
        String file;
        int deviceLine;
        int diskLine;
        int metaDiskLine;
        final List<OptionValue> diskOptions = new ArrayList<>();
        final List<OptionValue> pdOptions = new ArrayList<>();
    }

    static final class Host {
        final List<String> names = new ArrayList<>();
        boolean byAddress;
        final Address address = new Address();
        String nodeId;
        boolean nodeIdDeclared;
        final List<Volume> volumes = new ArrayList<>();
        final List<OptionValue> resOptions = new ArrayList<>();
        int line;
        boolean requireMinor;
        boolean usedAsMe;
        /** stacked-on-top-of: the lower resource's name, and the resource once resolved. */
        String lowerName;
        Resource lower;
    }

    static final class HostAddress {
        String name;
        Host host;
        Address address;
        boolean byAddress;
        boolean parsedAddress;
        boolean parsedPort;
        boolean usedAsMe;
        int line;
    }

    static final class Path {
        boolean implicit;
        int line;
        final List<HostAddress> endpoints = new ArrayList<>();
    }

    static final class PeerDevice {
        int vnr;
        boolean implicit;
        int line;
        final List<OptionValue> pdOptions = new ArrayList<>();
    }

    static final class Connection {
        String name;
        boolean implicit;
        boolean ignore;
        int line;
        Host peer;
        final List<Path> paths = new ArrayList<>();
        final List<OptionValue> netOptions = new ArrayList<>();
        final List<OptionValue> pdOptions = new ArrayList<>();
        final List<PeerDevice> peerDevices = new ArrayList<>();
        boolean fromMesh;
    }

    static final class Mesh {
        final List<String> hosts = new ArrayList<>();
        final List<OptionValue> netOptions = new ArrayList<>();
        int line;
    }

    static final class Resource {
        String name;
        String file;
        String canonicalFile;
        int line;
        final List<Volume> volumes = new ArrayList<>();
        final List<Host> hosts = new ArrayList<>();
        final List<Connection> connections = new ArrayList<>();
        final List<Mesh> meshes = new ArrayList<>();
        final List<OptionValue> netOptions = new ArrayList<>();
        final List<OptionValue> diskOptions = new ArrayList<>();
        final List<OptionValue> pdOptions = new ArrayList<>();
        final List<OptionValue> resOptions = new ArrayList<>();
        final List<OptionValue> startupOptions = new ArrayList<>();
        final List<OptionValue> handlers = new ArrayList<>();
        boolean stackedTimeouts;
        boolean stackedOnOne;
        boolean stacked;
        Host me;
        boolean ignore;
    }

    /** Inserts a volume keeping the list sorted by volume number (drbd-utils' insert_volume). */
    static void insertVolume(List<Volume> volumes, Volume v) {
        int i = 0;
        while (i < volumes.size() && volumes.get(i).vnr < v.vnr) {
            i++;
        }
        volumes.add(i, v);
    }

    static Volume findVolume(List<Volume> volumes, int vnr) {
        for (Volume v : volumes) {
            if (v.vnr == vnr) {
                return v;
            }
        }
        return null;
    }
}
