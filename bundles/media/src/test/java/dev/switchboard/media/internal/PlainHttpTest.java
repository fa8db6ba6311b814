package dev.switchboard.media.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PlainHttpTest {

    @Test
    void plainHttpIsOnlyForLoopback() {
        assertFalse(MediaComponent.plainHttpOffLoopback("https://203.0.113.7:5443/media"), "HTTPS anywhere");
        assertFalse(MediaComponent.plainHttpOffLoopback("http://127.0.0.1:5280/media"));
        assertFalse(MediaComponent.plainHttpOffLoopback("http://localhost:5280/media"));
        assertTrue(MediaComponent.plainHttpOffLoopback("http://203.0.113.7:5280/media"), "plain HTTP on a network address");
        assertTrue(MediaComponent.plainHttpOffLoopback("http://no-such-host.invalid/media"), "unknown: not assumed safe");
    }
}
