package io.footfall.collector.logs;

import io.footfall.sdk.Identity;
import io.footfall.sdk.Message;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Access-log lines → events by the {@link TailConfig}'s URL rules. Bots (by user agent) and
 * requests with other statuses are dropped. The visitor is {@code userId} when the log has an
 * authenticated user, otherwise an {@code anonymousId} derived from address and user agent (a
 * name-based UUID: the same browser on the same address is the same visitor).
 */
final class AccessLogMapper implements LineMapper {
    private final TailConfig config;

    AccessLogMapper(TailConfig config) {
        this.config = config;
    }

    @Override
    public Optional<String> map(String line, String messageId) throws BadRow {
        AccessLogEntry e = AccessLogEntry.parse(line);
        if (config.isBot(e.userAgent()) || !config.counts(e.status())) {
            return Optional.empty();
        }
        Identity who = e.user() != null ? Identity.user(e.user())
                : Identity.anonymous("v-" + UUID.nameUUIDFromBytes((e.ip() + '\n' + e.userAgent()).getBytes(StandardCharsets.UTF_8)));
        Optional<TailConfig.Match> match = config.match(e.method(), e.target());
        Message m;
        if (match.isPresent()) {
            m = Events.track(who, match.get().event(), e.time(), messageId).properties(match.get().properties());
        } else if (config.unmatchedAsPage && e.method().equals("GET")) {
            m = Events.page(who, null, e.time(), messageId);
        } else {
            return Optional.empty();
        }
        Map<String, Object> page = new LinkedHashMap<>();
        int q = e.target().indexOf('?');
        page.put("path", q < 0 ? e.target() : e.target().substring(0, q));
        if (q >= 0) {
            page.put("search", e.target().substring(q));
        }
        if (e.referer() != null) {
            page.put("referrer", e.referer());
        }
        m.context("page", page).context("ip", e.ip()).context("userAgent", e.userAgent());
        return Optional.of(m.toJson());
    }
}
