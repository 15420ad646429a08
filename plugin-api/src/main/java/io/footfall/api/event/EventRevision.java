package io.footfall.api.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The revision of a stored event type's shape. Raise it whenever a field is renamed, removed or
 * changes meaning, and add an upcaster in the platform that turns the previous revision into the
 * new one; stored events are never rewritten.
 *
 * @since 0.1
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventRevision {
    /** The revision, e.g. {@code "1"}. */
    String value();
}
