package dev.switchboard.media.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class RangesAndTokensTest {

    @Test
    void byteRanges() {
        assertArrayEquals(new long[] {0, 99}, Ranges.parse("bytes=0-99", 1000));
        assertArrayEquals(new long[] {500, 999}, Ranges.parse("bytes=500-", 1000));
        assertArrayEquals(new long[] {900, 999}, Ranges.parse("bytes=-100", 1000));
        assertArrayEquals(new long[] {990, 999}, Ranges.parse("bytes=990-5000", 1000), "clipped to the end");
        assertNull(Ranges.parse("bytes=1000-", 1000));
        assertNull(Ranges.parse("bytes=5-1", 1000));
        assertNull(Ranges.parse("bytes=0-1,5-6", 1000), "several ranges are not served");
        assertNull(Ranges.parse("items=0-1", 1000));
        assertNull(Ranges.parse("bytes=x-", 1000));
    }

    @Test
    void tokensNameTheirUserUntilTheyExpire() {
        MediaTokens tokens = new MediaTokens(new byte[32]);
        String t = tokens.issue("1001", 5000);
        assertEquals("1001", tokens.verify(t, 4999));
        assertNull(tokens.verify(t, 5001), "expired");
        assertNull(tokens.verify(t.replace("1001.", "1002."), 1000), "another user's name does not match the MAC");
        assertNull(tokens.verify(t + "x", 1000));
        assertNull(tokens.verify("garbage", 1000));
        assertNull(new MediaTokens(new byte[] {1}).verify(t, 1000), "another server's secret");
    }
}
