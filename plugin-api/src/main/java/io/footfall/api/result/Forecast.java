package io.footfall.api.result;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A forecast of a time series, e.g. daily demand of a product.
 *
 * @param series what is forecast, e.g. {@code demand:p-1}
 * @param points forecast points in time order
 * @since 0.1
 */
public record Forecast(String series, List<Point> points) implements Result {

    /** Copies the points. */
    public Forecast {
        Objects.requireNonNull(series, "series");
        points = points == null ? List.of() : List.copyOf(points);
    }

    @Override
    public ResultType type() {
        return ResultType.FORECAST;
    }

    @Override
    public String key() {
        return series;
    }

    /**
     * One forecast point with its prediction interval.
     *
     * @param at    the period start
     * @param value point forecast
     * @param lower lower bound of the interval
     * @param upper upper bound of the interval
     * @since 0.1
     */
    public record Point(Instant at, double value, double lower, double upper) {
    }
}
