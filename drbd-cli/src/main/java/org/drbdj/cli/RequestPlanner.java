package org.drbdj.cli;

import java.util.List;
import org.drbdj.control.ControlRequest;

/**
 * Turns the configuration of one resource (or RES/VOL) into the control requests that bring the
 * daemon to it, as drbdadm expands {@code up} into drbdsetup's new-resource, new-minor, attach and
 * connect calls. Only commands that carry settings need it; the others name the resource only.
 */
interface RequestPlanner {
    List<ControlRequest> up(String target);

    List<ControlRequest> attach(String target);

    List<ControlRequest> connect(String target);

    List<ControlRequest> adjust(String target);
}
