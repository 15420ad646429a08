package io.footfall.api.event;

import java.util.Map;

/**
 * Where and on what an event happened. Every field is optional.
 *
 * @param page        the web page, for browser events
 * @param userAgent   the user agent string
 * @param ip          the client's full IP address: personal data, stored encrypted and erased with
 *                    the person's key
 * @param ipTruncated the IP with its host part zeroed (IPv4 /24, IPv6 /48): kept in clear for
 *                    coarse geography
 * @param locale      BCP 47 locale, e.g. {@code en-GB}
 * @param timezone    IANA time zone
 * @param device      device type: {@code mobile}, {@code tablet}, {@code desktop}, …
 * @param os          operating system name
 * @param library     name and version of the SDK that sent the event
 * @param campaign    UTM campaign fields
 * @param sessionId   client session id, when the SDK keeps one
 * @since 0.1
 */
public record EventContext(
        Page page,
        String userAgent,
        String ip,
        String ipTruncated,
        String locale,
        String timezone,
        String device,
        String os,
        String library,
        Map<String, String> campaign,
        String sessionId) {

    /** Copies the campaign map so the record stays immutable. */
    public EventContext {
        campaign = campaign == null ? Map.of() : Map.copyOf(campaign);
    }

    /** An empty context. */
    public static EventContext empty() {
        return new EventContext(null, null, null, null, null, null, null, null, null, Map.of(), null);
    }

    /** This context without its personal data (the full IP). */
    public EventContext withoutPersonalData() {
        return new EventContext(page, userAgent, null, ipTruncated, locale, timezone, device, os, library, campaign, sessionId);
    }

    /** This context with the full IP set. */
    public EventContext withIp(String fullIp) {
        return new EventContext(page, userAgent, fullIp, ipTruncated, locale, timezone, device, os, library, campaign, sessionId);
    }

    /**
     * A web page.
     *
     * @param url      full URL
     * @param path     path part
     * @param referrer referring URL
     * @param title    document title
     * @param search   query string
     * @since 0.1
     */
    public record Page(String url, String path, String referrer, String title, String search) {
    }
}
