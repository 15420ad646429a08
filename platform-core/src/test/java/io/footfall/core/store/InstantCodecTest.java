package io.footfall.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantCodecTest {

    record Stamped(Instant at) {
    }

    @Test
    void writesAndReadsExactlyWhatTheJdkDoes() throws Exception {
        Random random = new Random(11);
        ObjectMapper json = EventJson.create();
        for (int i = 0; i < 50_000; i++) {
            long seconds = i < 100 ? 253_402_300_799L + i - 50 : random.nextLong(-62_167_219_200L - 1000, 253_402_300_799L + 1000);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String text = InstantCodec.format(instant);
            assertEquals(instant.toString(), text);
            assertEquals(instant, InstantCodec.parse(text), text);
            // the stored events' serializer writes the same text from its buffer
            assertEquals('"' + instant.toString() + '"', json.writeValueAsString(instant));
            String axon = org.axonframework.common.DateTimeUtils.formatInstant(instant);
            assertEquals(axon, InstantCodec.formatMillis(instant));
            assertEquals(org.axonframework.common.DateTimeUtils.parseInstant(axon), InstantCodec.parse(axon), axon);
        }
    }

    @Test
    void storedEventsKeepTheirTextAndOldFormsStillRead() throws Exception {
        ObjectMapper json = EventJson.create();
        Instant at = Instant.parse("2026-11-29T13:53:23.435Z");
        assertEquals("{\"at\":\"2026-11-29T13:53:23.435Z\"}", json.writeValueAsString(new Stamped(at)));
        assertEquals(at, json.readValue("{\"at\":\"2026-11-29T13:53:23.435Z\"}", Stamped.class).at());
        assertEquals(at, json.readValue("{\"at\":\"2026-11-29T14:53:23.435+01:00\"}", Stamped.class).at());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), json.readValue("{\"at\":1700000000}", Stamped.class).at());
        assertThrows(DateTimeParseException.class, () -> InstantCodec.parse("2026-11-29T13:53:2x.4Z"));
    }
}
