package io.footfall.plugins.basket;

import io.footfall.api.store.StateStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The baskets in the plugin's state: one append-only log per part (SPI 1.7, {@link io.footfall.api.plugin.EventBatch#part()}),
 * each of chunks of at most {@value #CHUNK} baskets under {@code baskets/<chunk number, 8 digits>#part<n>}, and
 * {@code meta#part<n>} holding the number of the chunk being filled and the number of baskets appended so far. A
 * batch reads and rewrites its part's open chunk once, so the cost of a batch does not grow with history, and training
 * reads {@code baskets / CHUNK} values. Which chunk a basket lands in depends only on how many baskets of its part came
 * before it, so the state is the same however the events were batched. Each part is written by one segment only, so
 * segments folding people apart never overwrite each other's baskets; a person's orders are all in one part, in log
 * order. Before SPI 1.7 there was one log under the same keys without part ({@code baskets/…}, {@value #META}); it is
 * read first, as a part of its own, and no longer written.
 *
 * <p>Encoding (big-endian): chunk = format byte {@value #FORMAT}, count (int), then per basket its key, the
 * order's event time (epoch seconds long, nanos int), the number of items (int) and the items; meta = format byte,
 * open chunk (int), baskets appended (long). Strings are an int length and UTF-8 bytes.
 */
final class BasketLog {

    /** Baskets per chunk. */
    static final int CHUNK = 1_000;
    /** Key of the meta record. */
    static final String META = "meta";
    /** Prefix of the chunk keys. */
    static final String PREFIX = "baskets/";
    /** Version of the encodings. */
    static final byte FORMAT = 1;

    /**
     * One order's basket.
     *
     * @param key        the order id, or the event id when the order has none: a later basket with the same key
     *                   replaces an earlier one when training
     * @param occurredAt when the order was completed
     * @param items      the distinct items
     */
    record Basket(String key, Instant occurredAt, List<String> items) {
    }

    private final StateStore state;
    /** The part this log appends to; reading reads every part. */
    private final int part;

    BasketLog(StateStore state, int part) {
        this.state = state;
        this.part = part;
    }

    /** Appends baskets, in order. */
    void append(List<Basket> baskets) {
        if (baskets.isEmpty()) {
            return;
        }
        String metaKey = StateStore.partKey(META, part);
        long[] meta = state.get(metaKey).map(BasketLog::decodeMeta).orElse(new long[] {0, 0});
        int chunk = (int) meta[0];
        long total = meta[1];
        List<Basket> open = total == 0 ? new ArrayList<>() : chunk(key(chunk, part));
        for (Basket b : baskets) {
            if (open.size() == CHUNK) {
                state.put(key(chunk, part), encode(open));
                chunk++;
                open = new ArrayList<>();
            }
            open.add(b);
            total++;
        }
        state.put(key(chunk, part), encode(open));
        state.put(metaKey, encodeMeta(chunk, total));
    }

    /**
     * Hands every stored basket to the consumer: the log written before parts first, then each part's in part order,
     * each in the order its baskets were appended.
     *
     * @param cancelled polled between chunks; reading stops when it answers true
     * @return false when cancelled
     */
    boolean forEach(Consumer<Basket> consumer, java.util.function.BooleanSupplier cancelled) {
        Optional<byte[]> unparted = state.get(META);
        if (unparted.isPresent() && !read(decodeMeta(unparted.get()), c -> key(c), consumer, cancelled)) {
            return false;
        }
        for (Map.Entry<Integer, byte[]> meta : state.parts(META).entrySet()) {
            int p = meta.getKey();
            if (!read(decodeMeta(meta.getValue()), c -> key(c, p), consumer, cancelled)) {
                return false;
            }
        }
        return true;
    }

    private boolean read(long[] meta, java.util.function.IntFunction<String> keys, Consumer<Basket> consumer,
            java.util.function.BooleanSupplier cancelled) {
        if (meta[1] == 0) {
            return true;
        }
        for (int c = 0; c <= meta[0]; c++) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            chunk(keys.apply(c)).forEach(consumer);
        }
        return true;
    }

    private List<Basket> chunk(String key) {
        return state.get(key).map(BasketLog::decode).orElseGet(ArrayList::new);
    }

    /** The key of a chunk of the log written before parts. */
    static String key(int chunk) {
        return PREFIX + String.format("%08d", chunk);
    }

    /** The key of a chunk of a part's log. */
    static String key(int chunk, int part) {
        return StateStore.partKey(key(chunk), part);
    }

    static byte[] encode(List<Basket> baskets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + baskets.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(baskets.size());
            for (Basket b : baskets) {
                writeString(out, b.key());
                out.writeLong(b.occurredAt().getEpochSecond());
                out.writeInt(b.occurredAt().getNano());
                out.writeInt(b.items().size());
                for (String item : b.items()) {
                    writeString(out, item);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<Basket> decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown basket-rules chunk format " + format);
            }
            int n = in.readInt();
            if (n < 0 || n > CHUNK) {
                throw new IllegalStateException("corrupt basket-rules chunk: " + n + " baskets");
            }
            List<Basket> baskets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String key = readString(in);
                Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
                int k = in.readInt();
                if (k < 0 || k > bytes.length) {
                    throw new IllegalStateException("corrupt basket-rules chunk: basket of " + k + " items");
                }
                List<String> items = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    items.add(readString(in));
                }
                baskets.add(new Basket(key, at, List.copyOf(items)));
            }
            return baskets;
        } catch (IOException e) {
            throw new IllegalStateException("corrupt basket-rules chunk", e);
        }
    }

    static byte[] encodeMeta(int chunk, long total) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(13);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(chunk);
            out.writeLong(total);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static long[] decodeMeta(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown basket-rules meta format " + format);
            }
            return new long[] {in.readInt(), in.readLong()};
        } catch (IOException e) {
            throw new IllegalStateException("corrupt basket-rules meta", e);
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
