package io.footfall.collector.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tailer's offsets, kept durably in a small JSON file: for each tailed path, the file being
 * read (identity, first-line fingerprint, offset after the last line sent) and the file it was
 * rotated from, while that may still grow. Saved by writing a temporary file, syncing it and
 * renaming it over the old one, so a crash leaves either the old or the new state, never a torn one.
 */
final class TailState {

    /**
     * A position in one file.
     *
     * @param fileKey     the file's identity (device and inode), or empty when the file system has none
     * @param fingerprint a hash of the file's first line, null until that line is complete
     * @param offset      bytes already handled
     */
    record Cursor(String fileKey, String fingerprint, long offset) {
        Cursor at(long newOffset) {
            return new Cursor(fileKey, fingerprint, newOffset);
        }

        Cursor withFingerprint(String fp) {
            return new Cursor(fileKey, fp, offset);
        }
    }

    /** The cursors of one tailed path. */
    record Entry(Cursor current, Cursor previous) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private TailState(Path file) {
        this.file = file;
    }

    /** Reads the state file, or starts empty when there is none. */
    static TailState open(Path file) throws IOException {
        TailState state = new TailState(file);
        if (Files.exists(file)) {
            JsonNode root = JSON.readTree(file.toFile());
            root.fields().forEachRemaining(e -> state.entries.put(e.getKey(),
                    new Entry(cursor(e.getValue().get("current")), cursor(e.getValue().get("previous")))));
        }
        return state;
    }

    private static Cursor cursor(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return new Cursor(n.path("fileKey").asText(""), n.hasNonNull("fingerprint") ? n.get("fingerprint").asText() : null,
                n.path("offset").asLong());
    }

    synchronized Entry get(Path path) {
        return entries.getOrDefault(key(path), new Entry(null, null));
    }

    /** Records the cursors of {@code path} and saves the file. */
    synchronized void put(Path path, Entry entry) throws IOException {
        entries.put(key(path), entry);
        save();
    }

    private static String key(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    private void save() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        entries.forEach((path, e) -> {
            ObjectNode n = root.putObject(path);
            n.set("current", node(e.current()));
            n.set("previous", node(e.previous()));
        });
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a directory
        }
    }

    private static JsonNode node(Cursor c) {
        if (c == null) {
            return JSON.nullNode();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("fileKey", c.fileKey());
        n.put("fingerprint", c.fingerprint());
        n.put("offset", c.offset());
        return n;
    }
}
