package io.footfall.collector.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.footfall.api.event.EventContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the tracking API's {@code context} object. */
final class ContextMapper {

    private ContextMapper() {
    }

    static EventContext context(JsonNode c, String clientIp) throws SegmentViolation {
        if (c == null) {
            return new EventContext(null, null, clientIp, truncateIp(clientIp), null, null, null, null, null, Map.of(), null);
        }
        JsonNode pageNode = Fields.object(c.get("page"), "context.page");
        EventContext.Page page = pageNode == null ? null : new EventContext.Page(
                Fields.text(pageNode.get("url"), "context.page.url", Fields.MAX_TEXT),
                Fields.text(pageNode.get("path"), "context.page.path", Fields.MAX_TEXT),
                Fields.text(pageNode.get("referrer"), "context.page.referrer", Fields.MAX_TEXT),
                Fields.text(pageNode.get("title"), "context.page.title", Fields.MAX_TEXT),
                Fields.text(pageNode.get("search"), "context.page.search", Fields.MAX_TEXT));
        String userAgent = Fields.text(c.get("userAgent"), "context.userAgent", Fields.MAX_TEXT);
        String ip = Fields.text(c.get("ip"), "context.ip", 64);
        if (ip == null) {
            ip = clientIp;
        }
        JsonNode device = Fields.object(c.get("device"), "context.device");
        String deviceType = device == null ? null : Fields.text(device.get("type"), "context.device.type", 40);
        if (deviceType == null) {
            deviceType = deviceFromUserAgent(userAgent);
        }
        JsonNode os = Fields.object(c.get("os"), "context.os");
        JsonNode library = Fields.object(c.get("library"), "context.library");
        String lib = null;
        if (library != null) {
            String name = Fields.text(library.get("name"), "context.library.name", Fields.MAX_NAME);
            String version = Fields.text(library.get("version"), "context.library.version", 40);
            lib = name == null ? null : version == null ? name : name + "/" + version;
        }
        Map<String, String> campaign = new LinkedHashMap<>();
        JsonNode campaignNode = Fields.object(c.get("campaign"), "context.campaign");
        if (campaignNode != null) {
            var fields = campaignNode.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                String v = Fields.text(f.getValue(), "context.campaign." + f.getKey(), Fields.MAX_NAME);
                if (v != null) {
                    campaign.put(f.getKey(), v);
                }
            }
        }
        return new EventContext(page, userAgent, ip, truncateIp(ip),
                Fields.text(c.get("locale"), "context.locale", 40),
                Fields.text(c.get("timezone"), "context.timezone", 60),
                deviceType,
                os == null ? null : Fields.text(os.get("name"), "context.os.name", 60),
                lib, campaign,
                Fields.id(c.get("sessionId"), "context.sessionId"));
    }

    /** IPv4 with the last octet zeroed; IPv6 with all but the first 48 bits zeroed. */
    static String truncateIp(String ip) {
        if (ip == null || ip.isBlank()) {
            return null;
        }
        String v4 = truncateDottedIpv4(ip);
        if (v4 != null) {
            return v4;
        }
        try {
            // only IPv6 literals reach InetAddress (anything else could make it ask DNS)
            if (ip.indexOf(':') < 0 || !ip.matches("[0-9a-fA-F:.]+")) {
                return null;
            }
            byte[] address = InetAddress.getByName(ip).getAddress();
            int keep = address.length == 4 ? 3 : 6;
            for (int i = keep; i < address.length; i++) {
                address[i] = 0;
            }
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** {@code a.b.c.d} (each 0–255, no leading zeros) as {@code a.b.c.0}; null for anything else. */
    private static String truncateDottedIpv4(String ip) {
        int octets = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i <= ip.length(); i++) {
            char c = i < ip.length() ? ip.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || value > 255) {
                    return null;
                }
                octets++;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9' && !(digits == 1 && value == 0) && ++digits <= 3) {
                value = value * 10 + (c - '0');
            } else {
                return null;
            }
        }
        return octets == 4 ? ip.substring(0, ip.lastIndexOf('.') + 1) + "0" : null;
    }

    /**
     * Recent answers of {@link #deviceFromUserAgent}, by the user agent's hash: a shop's traffic repeats a few hundred
     * user agents, and lower-casing and scanning each one cost more than the rest of the context's mapping.
     */
    private static final java.util.concurrent.atomic.AtomicReferenceArray<String[]> DEVICES =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(1024);

    static String deviceFromUserAgent(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        int slot = (userAgent.hashCode() ^ (userAgent.hashCode() >>> 16)) & (DEVICES.length() - 1);
        String[] known = DEVICES.get(slot);
        if (known != null && known[0].equals(userAgent)) {
            return known[1];
        }
        String device = classify(userAgent);
        DEVICES.set(slot, new String[] {userAgent, device});
        return device;
    }

    private static String classify(String userAgent) {
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (ua.contains("ipad") || ua.contains("tablet")) {
            return "tablet";
        }
        if (ua.contains("mobi") || ua.contains("iphone") || ua.contains("android")) {
            return "mobile";
        }
        if (ua.contains("bot") || ua.contains("crawler") || ua.contains("spider")) {
            return "bot";
        }
        return "desktop";
    }
}
