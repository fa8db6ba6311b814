package dev.switchboard.routing.internal;

import dev.switchboard.api.media.MediaRegistry;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.StoreException;
import java.util.Map;

/** A media message's reference to a stored blob ({@code media= size= mime= [key=] [name=]}), checked before it is queued. */
final class MediaReferences {

    private MediaReferences() {
    }

    /** A media message's reference, checked; null when no such blob is stored. */
    static Map<String, String> checked(MediaRegistry registry, Node stanza) throws StoreException {
        String hash = stanza.attr("media");
        if (!MediaRegistry.isHash(hash)) {
            throw new IllegalArgumentException("media= must be a SHA-256 in lowercase hex");
        }
        String size = stanza.attr("size");
        String mime = stanza.attr("mime");
        try {
            if (size == null || Long.parseLong(size) < 0) {
                throw new IllegalArgumentException("a media message needs size=");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size= must be a number of bytes");
        }
        if (mime == null || mime.isBlank() || mime.length() > 100) {
            throw new IllegalArgumentException("a media message needs mime= (1-100 characters)");
        }
        String key = stanza.attr("key");
        if (key != null && key.length() > 512) {
            throw new IllegalArgumentException("key= is at most 512 characters");
        }
        String name = stanza.attr("name");
        if (name != null && (name.isBlank() || name.length() > 255 || name.contains("/") || name.contains("\\"))) {
            throw new IllegalArgumentException("name= is a file name of 1-255 characters without / or \\");
        }
        if (!registry.exists(hash)) {
            return null;
        }
        registry.referenced(hash, System.currentTimeMillis());
        Map<String, String> reference = new java.util.LinkedHashMap<>();
        reference.put("media", hash);
        reference.put("size", size);
        reference.put("mime", mime);
        if (key != null) {
            reference.put("key", key);
        }
        if (name != null) {
            reference.put("name", name);
        }
        return reference;
    }
}
