package io.beacon.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses token lifetimes: {@code 24h}, {@code 90m}, {@code 3600s}, {@code 7d}, or plain seconds {@code 3600}. */
final class Ttl {
    private static final Pattern TTL = Pattern.compile("(\\d{1,9})([smhd]?)");

    private Ttl() {
    }

    static Duration parse(String text) {
        Matcher m = TTL.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("invalid --ttl \"" + text
                    + "\": expected a positive duration like 24h, 90m, 3600s, 7d or 3600 (seconds)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
