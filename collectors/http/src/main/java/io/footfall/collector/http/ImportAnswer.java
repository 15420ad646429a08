package io.footfall.collector.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to one piece of a server-side CSV import ({@code POST /v1/import}).
 *
 * @param success    true once every good row's event is committed
 * @param lines      lines read, blank ones and the header included
 * @param events     events the good rows became
 * @param stored     events appended to the log
 * @param duplicates events already in the log (rows imported before), not stored again
 * @param badRows    rows skipped
 * @param bad        the first bad rows, each with its line number and why
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImportAnswer(boolean success, long lines, long events, long stored, long duplicates, long badRows, List<BadRow> bad) {

    /**
     * A row that was not imported.
     *
     * @param line   line number in the file
     * @param reason why (never the row's values)
     */
    public record BadRow(long line, String reason) {
    }
}
