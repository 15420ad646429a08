package io.footfall.app;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fenced code blocks of the project's Markdown pages, for the tests that run a page's commands as written. */
final class MarkdownBlocks {

    private MarkdownBlocks() {
    }

    /** The first fenced block of the language that contains the marker; fails naming the page when there is none. */
    static String block(String page, String markdown, String language, String marker) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            if (m.group(1).contains(marker)) {
                return m.group(1);
            }
        }
        throw new AssertionError(page + " has no " + language + " block with " + marker);
    }
}
