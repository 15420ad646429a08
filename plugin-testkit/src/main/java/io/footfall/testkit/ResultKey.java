package io.footfall.testkit;

import io.footfall.api.result.Result;
import io.footfall.api.result.ResultType;
import java.util.Comparator;
import java.util.Objects;

/**
 * What a result replaces in the serving views: its type and {@link Result#key()}.
 *
 * @param type the result type
 * @param key  the result's key
 * @since 0.1
 */
public record ResultKey(ResultType type, String key) implements Comparable<ResultKey> {

    private static final Comparator<ResultKey> ORDER =
            Comparator.comparing(ResultKey::type).thenComparing(ResultKey::key);

    /** Checks the fields. */
    public ResultKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
    }

    /** The key of a result. */
    public static ResultKey of(Result result) {
        return new ResultKey(result.type(), result.key());
    }

    @Override
    public int compareTo(ResultKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return type + "/" + key;
    }
}
