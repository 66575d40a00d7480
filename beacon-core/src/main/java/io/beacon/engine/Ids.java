package io.beacon.engine;

import java.security.SecureRandom;
import java.util.Base64;

/** Random ids: session ids, resume tokens, node ids (URL-safe base64, no padding). */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Ids() {
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }
}
