package dev.switchboard.client;

/**
 * A short-lived bearer token for the media HTTP endpoint, for apps that do their own HTTP
 * ({@link SwitchboardClient#upload} and {@link SwitchboardClient#download} take one themselves).
 *
 * @param token       send as {@code Authorization: Bearer <token>}
 * @param url         the endpoint: POST uploads here, GET {@code <url>/<sha256>} downloads
 * @param expiresAtMs when it stops being accepted, epoch ms
 * @param maxBytes    the largest upload the server accepts
 */
public record MediaToken(String token, String url, long expiresAtMs, long maxBytes) {
}
