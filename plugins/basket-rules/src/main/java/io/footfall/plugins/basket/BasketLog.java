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
import java.util.function.Consumer;

/**
 * The baskets in the plugin's state: an append-only log of chunks of at most {@value #CHUNK} baskets under
 * {@code baskets/<chunk number, 8 digits>}, and {@value #META} holding the number of the chunk being filled and
 * the number of baskets appended so far. A batch reads and rewrites the open chunk once, so the cost of a batch
 * does not grow with history, and training reads {@code baskets / CHUNK} values. Which chunk a basket lands in
 * depends only on how many baskets came before it, so the state is the same however the events were batched.
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

    BasketLog(StateStore state) {
        this.state = state;
    }

    /** Appends baskets, in order. */
    void append(List<Basket> baskets) {
        if (baskets.isEmpty()) {
            return;
        }
        long[] meta = meta();
        int chunk = (int) meta[0];
        long total = meta[1];
        List<Basket> open = total == 0 ? new ArrayList<>() : chunk(chunk);
        for (Basket b : baskets) {
            if (open.size() == CHUNK) {
                state.put(key(chunk), encode(open));
                chunk++;
                open = new ArrayList<>();
            }
            open.add(b);
            total++;
        }
        state.put(key(chunk), encode(open));
        state.put(META, encodeMeta(chunk, total));
    }

    /** Number of baskets appended so far (duplicates of an order included). */
    long appended() {
        return meta()[1];
    }

    /**
     * Hands every stored basket to the consumer, in the order they were appended.
     *
     * @param cancelled polled between chunks; reading stops when it answers true
     * @return false when cancelled
     */
    boolean forEach(Consumer<Basket> consumer, java.util.function.BooleanSupplier cancelled) {
        long[] meta = meta();
        if (meta[1] == 0) {
            return true;
        }
        for (int c = 0; c <= meta[0]; c++) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            chunk(c).forEach(consumer);
        }
        return true;
    }

    private List<Basket> chunk(int chunk) {
        return state.get(key(chunk)).map(BasketLog::decode).orElseGet(ArrayList::new);
    }

    private long[] meta() {
        return state.get(META).map(BasketLog::decodeMeta).orElse(new long[] {0, 0});
    }

    static String key(int chunk) {
        return PREFIX + String.format("%08d", chunk);
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

    private static byte[] encodeMeta(int chunk, long total) {
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
