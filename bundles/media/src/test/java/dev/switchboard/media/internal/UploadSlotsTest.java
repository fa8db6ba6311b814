package dev.switchboard.media.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadSlotsTest {

    private static final String HASH = "a".repeat(64);
    private static final String SLOT = "Q2FwYWJpbGl0eS1VUkwtMTI4Yml0cw";

    @TempDir
    Path dir;

    @Test
    void aSlotIsBoundOnceAndServesItsBlob() throws Exception {
        UploadSlots slots = new UploadSlots(dir);
        assertEquals(Optional.empty(), slots.resolve(SLOT));
        assertTrue(slots.bind(SLOT, HASH, "image/png"));
        assertFalse(slots.bind(SLOT, "b".repeat(64), "image/png"), "a second upload cannot take the slot over");
        assertEquals(Optional.of(new UploadSlots.Link(HASH, "image/png")), slots.resolve(SLOT));
        assertEquals(Optional.empty(), slots.resolve("../" + SLOT), "only slot names are looked up");
        assertEquals(0, slots.sweep(hash -> true));
        assertEquals(1, slots.sweep(hash -> false), "a slot whose blob was collected goes too");
        assertEquals(Optional.empty(), slots.resolve(SLOT));
    }

    @Test
    void onlyMediaABrowserShowsSafelyKeepsItsType() {
        assertEquals("image/jpeg", UploadSlots.servedType("image/jpeg; charset=binary"));
        assertEquals("video/mp4", UploadSlots.servedType("Video/MP4"));
        assertEquals("application/octet-stream", UploadSlots.servedType("text/html"));
        assertEquals("application/octet-stream", UploadSlots.servedType("image/svg+xml"), "SVG can carry scripts");
        assertEquals("application/octet-stream", UploadSlots.servedType(null));
    }

    @Test
    void slotPathsNameTheSlotAndNothingElse() {
        assertEquals(SLOT, MediaServlet.slotName("/slot/" + SLOT + "/holiday.jpg"));
        assertEquals(SLOT, MediaServlet.slotName("/slot/" + SLOT));
        assertNull(MediaServlet.slotName("/slot/short/x.jpg"));
        assertNull(MediaServlet.slotName("/" + HASH));
        assertNull(MediaServlet.slotName(null));
    }
}
