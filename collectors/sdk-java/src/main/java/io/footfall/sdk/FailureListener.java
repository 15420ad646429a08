package io.footfall.sdk;

import java.util.List;

/**
 * Told about messages the client gave up on, so that an application can log them or keep them
 * elsewhere. Called on a sender thread; must not block for long.
 */
@FunctionalInterface
public interface FailureListener {
    /**
     * @param messageIds the messages given up, or the rejected ones of a committed batch
     * @param result     what the server (or the network) said
     */
    void onFailure(List<String> messageIds, SendResult result);
}
