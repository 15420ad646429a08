package io.footfall.collector.logs;

import java.util.Optional;

/** Turns one line of a tailed file into a Segment-shaped message, or nothing (filtered out). */
interface LineMapper {
    /**
     * @param line      the line, without its line terminator
     * @param messageId a deterministic id for the line (file fingerprint and offset) to use when
     *                  the line does not carry its own
     * @return the message JSON, or empty when the line is filtered out (bot, unmatched URL, status)
     * @throws BadRow when the line cannot be read
     */
    Optional<String> map(String line, String messageId) throws BadRow;
}
