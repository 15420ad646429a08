package io.footfall.core.ingest;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The event ids of the last few commits, as one set: a look-up is one hash probe however many commits are kept
 * (a set per commit cost one probe per commit kept, for every event, on the committing thread). Not thread-safe.
 * An id is appended at most once (the log is deduplicated), so dropping a commit's ids drops only its own.
 */
final class RecentIds {

    private final int commits;
    private final Set<String> ids = new HashSet<>();
    private final ArrayDeque<List<String>> byCommit = new ArrayDeque<>();

    /** Keeps the ids of the last {@code commits} commits. */
    RecentIds(int commits) {
        if (commits < 1) {
            throw new IllegalArgumentException("commits must be at least 1");
        }
        this.commits = commits;
    }

    /** Records one commit's ids, forgetting the oldest commit's beyond the last {@code commits}. */
    void add(List<String> committed) {
        if (committed.isEmpty()) {
            return;
        }
        ids.addAll(committed);
        byCommit.addFirst(committed);
        while (byCommit.size() > commits) {
            byCommit.removeLast().forEach(ids::remove);
        }
    }

    /** Whether one of the kept commits appended this id. */
    boolean contains(String id) {
        return ids.contains(id);
    }

    /** How many ids are kept. */
    int size() {
        return ids.size();
    }
}
