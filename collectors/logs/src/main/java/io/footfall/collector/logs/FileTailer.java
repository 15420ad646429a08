package io.footfall.collector.logs;

import io.footfall.collector.logs.TailState.Cursor;
import io.footfall.collector.logs.TailState.Entry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Follows one log file across rotations, sending each complete line's event once.
 *
 * <p>Each {@link #poll()} reads the lines appended since the last one, maps them, hands them to the
 * {@link EventSink} in batches and, after each accepted batch, records the new offset in the
 * {@link TailState} (durably). A crash after sending but before recording re-sends that batch with
 * the same message ids (derived from the file's first-line fingerprint and each line's offset), so
 * the server stores nothing twice.
 *
 * <p><b>Rotation by rename</b> ({@code access.log → access.log.1}, new {@code access.log}): the file
 * is recognised by its identity (inode); the rest of the old file is read first (found among the
 * siblings {@code access.log*} by its identity, also after a restart), and the old file stays
 * followed until the next rotation, because servers keep writing to it until they reopen their log.
 * <b>copytruncate</b>: the file shrinks or its first line changes under the same identity; lines
 * not yet read are taken from the copy (a sibling with the same first line) and the file is then
 * read from its start. Lines written between logrotate's copy and its truncation are lost: that
 * window is inherent to copytruncate.
 */
final class FileTailer {
    private static final int MAX_LINE = 1 << 20;

    private final Path path;
    private final LineMapper mapper;
    private final EventSink sink;
    private final TailState state;
    private final int batchSize;
    private final Consumer<String> problems;
    private final boolean fromEnd;
    private long lines;
    private long sent;
    private long bad;

    FileTailer(Path path, LineMapper mapper, EventSink sink, TailState state, int batchSize, boolean fromEnd,
               Consumer<String> problems) {
        this.path = path;
        this.mapper = mapper;
        this.sink = sink;
        this.state = state;
        this.batchSize = batchSize;
        this.fromEnd = fromEnd;
        this.problems = problems;
    }

    long lines() {
        return lines;
    }

    long sent() {
        return sent;
    }

    long bad() {
        return bad;
    }

    /**
     * Reads and sends what was appended since the last poll.
     *
     * @return events sent
     * @throws IOException when the sink refused a batch (the offset stays before it) or a file could not be read
     */
    synchronized int poll() throws IOException {
        long before = sent;
        Entry entry = state.get(path);
        Cursor current = entry.current();
        Cursor previous = entry.previous();

        if (previous != null) {
            Path old = locate(previous.fileKey(), null);
            if (old == null) {
                previous = null;
                state.put(path, new Entry(current, null));
            } else {
                Cursor c = current;
                previous = drain(old, previous, p -> state.put(path, new Entry(c, p)));
            }
        }
        if (!Files.exists(path)) {
            return (int) (sent - before);
        }
        String key = fileKey(path);
        if (current == null) {
            current = new Cursor(key, null, fromEnd ? endOfLastLine(path) : 0);
            if (fromEnd) {
                current = current.withFingerprint(firstLineFingerprint(path));
            }
            state.put(path, new Entry(current, previous));
        } else if (!key.equals(current.fileKey()) && !key.isEmpty()) {
            // rotated by rename: finish the old file, keep following it as "previous"
            Path old = locate(current.fileKey(), null);
            Cursor oldCursor = current;
            if (old != null) {
                oldCursor = drain(old, current, p -> state.put(path, new Entry(p, null)));
            }
            previous = old != null ? oldCursor : null;
            current = new Cursor(key, null, 0);
            state.put(path, new Entry(current, previous));
        } else if (truncated(current)) {
            // copytruncate: finish from the copy, then start the file again
            Path copy = locateCopy(current);
            if (copy != null) {
                Cursor p = previous;
                drain(copy, current, c -> state.put(path, new Entry(c, p)));
            } else if (current.offset() > 0) {
                problems.accept(path + ": truncated; the copy of its unread end was not found");
            }
            current = new Cursor(key, null, 0);
            state.put(path, new Entry(current, previous));
        }
        Cursor p = previous;
        drain(path, current, c -> state.put(path, new Entry(c, p)));
        return (int) (sent - before);
    }

    private interface Commit {
        void accept(Cursor cursor) throws IOException;
    }

    /** Sends the complete lines of {@code file} from the cursor on; commits after each accepted batch. */
    private Cursor drain(Path file, Cursor cursor, Commit commit) throws IOException {
        List<String> batch = new ArrayList<>(batchSize);
        Cursor at = cursor;
        boolean changed = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = at.offset();
            if (pos > ch.size()) {
                return at;
            }
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            long lineStart = pos;
            boolean overlong = false;
            int n;
            while ((n = ch.read(buf, pos)) > 0) {
                buf.flip();
                byte[] bytes = buf.array();
                for (int i = 0; i < n; i++) {
                    byte b = bytes[i];
                    pos++;
                    if (b != '\n') {
                        if (line.size() < MAX_LINE) {
                            line.write(b);
                        } else {
                            overlong = true;
                        }
                        continue;
                    }
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.endsWith("\r")) {
                        text = text.substring(0, text.length() - 1);
                    }
                    if (lineStart == 0 && at.fingerprint() == null) {
                        at = at.withFingerprint(fingerprint(text));
                    }
                    lines++;
                    if (overlong) {
                        bad++;
                        problems.accept(file + " at byte " + lineStart + ": line longer than " + MAX_LINE + " bytes, skipped");
                    } else {
                        try {
                            Optional<String> event = mapper.map(text, messageId(at.fingerprint(), lineStart));
                            event.ifPresent(batch::add);
                        } catch (BadRow e) {
                            bad++;
                            problems.accept(file.getFileName() + " at byte " + lineStart + ": " + e.getMessage());
                        }
                    }
                    line.reset();
                    overlong = false;
                    lineStart = pos;
                    at = at.at(pos);
                    changed = true;
                    if (batch.size() >= batchSize) {
                        sink.send(batch);
                        sent += batch.size();
                        batch = new ArrayList<>(batchSize);
                        commit.accept(at);
                        changed = false;
                    }
                }
                buf.clear();
            }
        }
        if (!batch.isEmpty()) {
            sink.send(batch);
            sent += batch.size();
        }
        if (changed || !batch.isEmpty()) {
            commit.accept(at);
        }
        return at;
    }

    private static String messageId(String fingerprint, long offset) {
        return UUID.nameUUIDFromBytes((fingerprint + ':' + offset).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String fingerprint(String firstLine) {
        return UUID.nameUUIDFromBytes(firstLine.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The fingerprint of the file's first line, or null when it has no complete line yet. */
    private static String firstLineFingerprint(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long pos = 0;
            int n;
            while (out.size() < MAX_LINE && (n = ch.read(buf, pos)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf.array()[i];
                    if (b == '\n') {
                        String text = out.toString(StandardCharsets.UTF_8);
                        return fingerprint(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
                    }
                    out.write(b);
                }
                pos += n;
                buf.clear();
            }
            return null;
        }
    }

    /** The offset just after the file's last newline (0 when it has none): where {@code --from-end} starts. */
    private static long endOfLastLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long end = ch.size();
            while (end > 0) {
                long start = Math.max(0, end - buf.capacity());
                buf.clear().limit((int) (end - start));
                ch.read(buf, start);
                for (int i = (int) (end - start) - 1; i >= 0; i--) {
                    if (buf.get(i) == '\n') {
                        return start + i + 1;
                    }
                }
                end = start;
            }
            return 0;
        }
    }

    private boolean truncated(Cursor cursor) throws IOException {
        if (Files.size(path) < cursor.offset()) {
            return true;
        }
        if (cursor.fingerprint() == null) {
            return false;
        }
        String now = firstLineFingerprint(path);
        return now != null && !now.equals(cursor.fingerprint()) || now == null && cursor.offset() > 0;
    }

    static String fileKey(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key == null ? "" : key.toString();
    }

    /** The sibling ({@code name*} in the same directory) with this identity, other than the path itself. */
    private Path locate(String key, String fingerprint) throws IOException {
        if (key == null || key.isEmpty()) {
            return null;
        }
        for (Path sibling : siblings()) {
            if (key.equals(fileKey(sibling)) && (fingerprint == null || fingerprint.equals(firstLineFingerprint(sibling)))) {
                return sibling;
            }
        }
        return null;
    }

    /** The copy logrotate made before truncating: a sibling with the same first line, long enough, newest first. */
    private Path locateCopy(Cursor cursor) throws IOException {
        if (cursor.fingerprint() == null) {
            return null;
        }
        Path best = null;
        long bestTime = Long.MIN_VALUE;
        for (Path sibling : siblings()) {
            if (sibling.equals(path) || fileKey(sibling).equals(cursor.fileKey()) || Files.size(sibling) < cursor.offset()) {
                continue;
            }
            if (cursor.fingerprint().equals(firstLineFingerprint(sibling))) {
                long time = Files.getLastModifiedTime(sibling).toMillis();
                if (time > bestTime) {
                    best = sibling;
                    bestTime = time;
                }
            }
        }
        return best;
    }

    private List<Path> siblings() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        String name = path.getFileName().toString();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(name) && !p.getFileName().toString().endsWith(".gz")
                    && Files.isRegularFile(p)).toList();
        }
    }
}
