package dev.switchboard.client;

/**
 * A short-lived bearer token for the media HTTP endpoint, for apps that do their own HTTP
 * ({@link SwitchboardClient#upload} and {@link SwitchboardClient#download} take one themselves).
 *
 * @param token       send as {@code Authorization: Bearer <token>}
 * @param url         the endpoint: POST uploads here, GET {@code <url>/<sha256>} downloads
 * @param expiresAtMs when it stops being accepted, epoch ms
 * @param maxBytes    the largest upload the server accepts
 * @param certificateSha256 the SHA-256 (hex) of the HTTPS server's certificate, told over the
 *                    Noise-authenticated connection, to pin a self-signed one; null for plain HTTP
 */
public record MediaToken(String token, String url, long expiresAtMs, long maxBytes, String certificateSha256) {
}
