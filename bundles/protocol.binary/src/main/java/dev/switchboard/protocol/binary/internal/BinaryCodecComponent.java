package dev.switchboard.protocol.binary.internal;

import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import org.osgi.service.component.annotations.Component;

/** Offers the binary wire format to the transport as a service; stateless, so it swaps between any two frames. */
@Component(service = FrameCodec.class, immediate = true, property = "protocol=binary")
public final class BinaryCodecComponent extends BinaryWire {
}
