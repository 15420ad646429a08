/**
 * Person keys: which person each logged event belongs to, fixed once in log order, so that a processor can fold on
 * several segments with each person's events on one of them (ADR 0021). {@link io.footfall.core.keys.PersonKeys} holds
 * the rules (shared with the Kafka relay), {@link io.footfall.core.keys.PersonKeyer} applies them behind the log head,
 * {@link io.footfall.core.keys.KeyedEventSource} and {@link io.footfall.core.keys.PersonKeySequencing} let a processor's
 * segments read the result.
 */
package io.footfall.core.keys;
