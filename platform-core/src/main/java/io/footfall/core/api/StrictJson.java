package io.footfall.core.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The admin API reads request bodies strictly, as its documentation promises ("JSON of the wrong shape is a 400"):
 * a member given twice ({@code {"name":"a","name":"b"}}) and anything after the JSON value are malformed JSON, not
 * the last value or ignored; a number or boolean where a string belongs is the wrong type, not converted to text.
 * (Unknown members are refused by {@code quarkus.jackson.fail-on-unknown-properties}.) The tracking API reads its
 * bodies with its own reader and stays as lenient as Segment's clients expect.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
}
