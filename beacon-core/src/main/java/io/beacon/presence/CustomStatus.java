package io.beacon.presence;

import java.util.Objects;

/**
 * A user's custom status: text up to {@value #MAX_TEXT} characters, an optional emoji up to
 * {@value #MAX_EMOJI} characters, and an optional expiry in epoch milliseconds ({@code 0} = never).
 */
public record CustomStatus(String text, String emoji, long expiresAt) {
    public static final int MAX_TEXT = 128;
    public static final int MAX_EMOJI = 16;

    public CustomStatus {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("custom status text is " + text.length() + " chars; the limit is " + MAX_TEXT);
        }
        if (emoji != null && emoji.length() > MAX_EMOJI) {
            throw new IllegalArgumentException("custom status emoji is " + emoji.length() + " chars; the limit is " + MAX_EMOJI);
        }
        if (expiresAt < 0) {
            throw new IllegalArgumentException("expiresAt must be >= 0 (0 = never), was " + expiresAt);
        }
    }

    public boolean expiredAt(long nowMillis) {
        return expiresAt != 0 && expiresAt <= nowMillis;
    }
}
