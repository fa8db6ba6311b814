package dev.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {

    @Test
    void defaultsComeFromTheMetatypeDescription() {
        TransportSettings s = TransportSettings.read(Map.of(), null);
        assertEquals(1 << 20, s.maxFrameBytes());
        assertEquals(15, s.loginSeconds());
        assertEquals(1000, s.maxConnectionsPerAddress());
        assertEquals(java.util.List.of(), s.problems());
    }

    @Test
    void theXmppListenerHasItsOwnDefaultsAndSecureMode() {
        TransportSettings s = TransportSettings.read(Map.of(), null, ListenerKind.XMPP);
        assertEquals(5222, s.port());
        assertEquals(256 * 1024, s.maxFrameBytes());
        assertEquals("starttls", s.encryption());
        assertFalse(s.plainAllowed(), "STARTTLS is required unless configured otherwise");
        TransportSettings noise = TransportSettings.read(Map.of("encryption", "noise"), null, ListenerKind.XMPP);
        assertEquals("starttls", noise.encryption(), "XMPP has no Noise");
        assertTrue(noise.problems().get(0).contains("neither starttls nor none"));
        TransportSettings open = TransportSettings.read(Map.of("encryption", "none", "host", "0.0.0.0"), null, ListenerKind.XMPP);
        assertEquals("starttls", open.encryption(), "no login without TLS from off this machine");
        assertTrue(TransportSettings.read(Map.of("encryption", "none"), null, ListenerKind.XMPP).plainAllowed());
    }

    @Test
    void anInvalidValueIsReportedAndTheRunningOneKept() {
        TransportSettings running = TransportSettings.read(Map.of("maxFramesPerSecond", "500"), null);
        TransportSettings next = TransportSettings.read(Map.of("maxFramesPerSecond", "banana", "maxConnections", "7"), running);
        assertEquals(500, next.maxFramesPerSecond(), "banana is refused, 500 stays");
        assertEquals(7, next.maxConnections(), "the valid change in the same file applies");
        assertEquals(1, next.problems().size());
        assertTrue(next.problems().get(0).contains("maxFramesPerSecond=banana is not a whole number; keeping 500"));
        TransportSettings range = TransportSettings.read(Map.of("maxFrameBytes", 12), running);
        assertEquals(1 << 20, range.maxFrameBytes());
        assertTrue(range.problems().get(0).contains("out of range"));
    }

    @Test
    void aLineRemovedFromTheFileMeansTheDefaultAgain() {
        TransportSettings running = TransportSettings.read(Map.of("idleSeconds", 5), null);
        assertEquals(120, TransportSettings.read(Map.of(), running).idleSeconds());
    }

    @Test
    void plaintextIsOnlyEverAllowedOnLoopback() {
        assertFalse(TransportSettings.read(Map.of(), null).plainAllowed(), "Noise by default");
        assertTrue(TransportSettings.read(Map.of("encryption", "none"), null).plainAllowed(), "127.0.0.1 by default");
        assertTrue(TransportSettings.read(Map.of("encryption", "none", "host", "localhost"), null).plainAllowed());

        TransportSettings open = TransportSettings.read(Map.of("encryption", "none", "host", "0.0.0.0"), null);
        assertFalse(open.plainAllowed(), "plaintext on every interface is refused");
        assertTrue(open.problems().get(0).contains("encryption=none is allowed only on a loopback host"), open.problems().toString());

        TransportSettings typo = TransportSettings.read(Map.of("encryption", "tls"), null);
        assertFalse(typo.plainAllowed());
        assertTrue(typo.problems().get(0).contains("encryption=tls is neither noise nor none; keeping noise"));
    }
}
