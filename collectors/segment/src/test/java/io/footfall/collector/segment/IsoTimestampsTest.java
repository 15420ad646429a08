package io.footfall.collector.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoTimestampsTest {

    @Test
    void agreesWithTheJdkOnRandomTimestampsAndOffsets() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L), random.nextInt(1_000_000_000));
            int precision = random.nextInt(4);
            instant = instant.truncatedTo(precision == 0 ? java.time.temporal.ChronoUnit.SECONDS
                    : precision == 1 ? java.time.temporal.ChronoUnit.MILLIS
                    : precision == 2 ? java.time.temporal.ChronoUnit.MICROS : java.time.temporal.ChronoUnit.NANOS);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(-18 * 4, 18 * 4 + 1)) * 900);
            String text = OffsetDateTime.ofInstant(instant, offset).toString();
            if (text.length() == 22 || text.charAt(16) != ':' || text.length() > 16 && text.charAt(16) == ':' && text.indexOf(':', 17) < 0) {
                continue; // OffsetDateTime drops ":00" seconds; SDKs always send them
            }
            assertEquals(OffsetDateTime.parse(text).toInstant(), IsoTimestamps.parse(text), text);
        }
    }

    @Test
    void readsWhatSdksSend() {
        assertEquals(Instant.parse("2026-11-29T13:53:23.435Z"), IsoTimestamps.parse("2026-11-29T13:53:23.435Z"));
        assertEquals(Instant.parse("2026-11-29T13:53:23Z"), IsoTimestamps.parse("2026-11-29T13:53:23Z"));
        assertEquals(Instant.parse("2026-11-29T12:53:23.1Z"), IsoTimestamps.parse("2026-11-29T13:53:23.1+01:00"));
        assertEquals(Instant.parse("2026-11-29T19:23:23.123456789Z"), IsoTimestamps.parse("2026-11-29T13:53:23.123456789-05:30"));
        // forms the fast path leaves to the JDK
        assertEquals(Instant.parse("2026-11-29T13:53:00Z"), IsoTimestamps.parse("2026-11-29T13:53Z"));
    }

    @Test
    void rejectsWhatIsNotATimestamp() {
        for (String bad : new String[] {"", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-29T25:00:00Z",
                "2026-11-29T13:53:23", "2026-11-29 13:53:23Z", "2026-11-29T13:53:23+19:00",
                "2026-11-29T13:53:23.1234567891Z", "２０２６-11-29T13:53:23Z"}) {
            assertThrows(DateTimeParseException.class, () -> IsoTimestamps.parse(bad), bad);
        }
    }
}
