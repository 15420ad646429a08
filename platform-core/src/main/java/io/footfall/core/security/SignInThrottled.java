package io.footfall.core.security;

/**
 * The cause of an {@code AuthenticationFailedException} for a password refused unchecked because the account and
 * address failed too often ({@link SignInThrottle}); answered 429 with {@code Retry-After}.
 */
public final class SignInThrottled extends RuntimeException {

    private final long retryAfterSeconds;

    SignInThrottled(long retryAfterSeconds) {
        super("too many failed sign-ins", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds until the next password check of the pair. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
