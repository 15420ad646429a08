package io.footfall.core.security;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing against local accounts: after {@value #FREE_FAILURES} wrong passwords in a row for one account
 * from one client address, that pair is refused without a password check for 5 s, doubling with every further failure
 * up to 5 minutes. A correct password resets the pair. Keyed by account and address together, so that someone guessing
 * from one address does not lock the account's owner out elsewhere; per instance and in memory (a restart forgets).
 * Shared by every password check of local accounts: HTTP Basic, the sign-in form, and the current password a password
 * change must give.
 */
@jakarta.inject.Singleton
public final class SignInThrottle {

    /** Failures in a row that cost nothing but the check. */
    static final int FREE_FAILURES = 10;
    private static final long FIRST_BLOCK_NANOS = 5_000_000_000L;
    private static final long MAX_BLOCK_NANOS = 300_000_000_000L;
    /** A pair quiet for this long starts over. */
    private static final long FORGET_NANOS = 900_000_000_000L;
    /** Pairs remembered at most (an address trying many names cannot grow memory without bound). */
    private static final int MAX_PAIRS = 100_000;

    private record Failures(int count, long lastNanos, long blockedUntilNanos) {
    }

    private final Map<String, Failures> pairs = new ConcurrentHashMap<>();

    /** Seconds the pair must still wait before its next password check, 0 when it may try now. */
    public long waitSeconds(String username, String client, long nowNanos) {
        Failures f = pairs.get(key(username, client));
        if (f == null || f.blockedUntilNanos() - nowNanos <= 0) {
            return 0;
        }
        return Math.max(1, (f.blockedUntilNanos() - nowNanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts a wrong password of the pair. */
    public void failed(String username, String client, long nowNanos) {
        if (pairs.size() >= MAX_PAIRS) {
            pairs.values().removeIf(f -> nowNanos - f.lastNanos() > FORGET_NANOS);
            if (pairs.size() >= MAX_PAIRS) {
                pairs.clear();
            }
        }
        pairs.compute(key(username, client), (k, f) -> {
            int count = f == null || nowNanos - f.lastNanos() > FORGET_NANOS ? 1 : f.count() + 1;
            long blockedUntil = nowNanos;
            if (count >= FREE_FAILURES) {
                int doublings = Math.min(count - FREE_FAILURES, 10);
                blockedUntil = nowNanos + Math.min(MAX_BLOCK_NANOS, FIRST_BLOCK_NANOS << doublings);
            }
            return new Failures(count, nowNanos, blockedUntil);
        });
    }

    /** A correct password: the pair starts over. */
    public void succeeded(String username, String client) {
        pairs.remove(key(username, client));
    }

    /** The client's address as the HTTP layer sees it (behind a proxy: as its forwarding settings resolve it). */
    public static String clientAddress(io.vertx.core.http.HttpServerRequest request) {
        return request == null || request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }

    private static String key(String username, String client) {
        return username.toLowerCase(Locale.ROOT) + '\u0000' + (client == null ? "" : client);
    }
}
