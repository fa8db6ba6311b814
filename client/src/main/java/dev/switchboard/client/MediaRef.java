package dev.switchboard.client;

/**
 * A stored media blob: what a media message carries.
 *
 * @param sha256 the blob's SHA-256, 64 lowercase hex digits; its name on the server
 * @param size   its length in bytes
 * @param url    where it can be downloaded (with a media token)
 */
public record MediaRef(String sha256, long size, String url) {
}
