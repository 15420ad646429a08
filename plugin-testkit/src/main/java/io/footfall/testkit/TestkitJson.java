package io.footfall.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.footfall.collector.segment.SegmentMapper;

/** The JSON mapping shared by the kit: Java time, and floats as {@code BigDecimal} as the collectors read them. */
final class TestkitJson {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static final SegmentMapper SEGMENT = new SegmentMapper(MAPPER);

    private TestkitJson() {
    }
}
