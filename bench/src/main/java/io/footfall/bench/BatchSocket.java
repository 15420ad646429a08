package io.footfall.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One kept-alive HTTP/1.1 connection that posts batches and reads the answers, blocking, for the closed-loop ingest
 * clients. The JDK's {@code HttpClient} cost about 7 µs of CPU per event sent (selector thread, body publishers,
 * copies) on the same two cores the app and PostgreSQL run on; a plain socket costs well under 1 µs, so more of the
 * machine measures the app. Answers are read as the app sends them (Content-Length or chunked).
 */
final class BatchSocket implements Closeable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String head;

    BatchSocket(URI base, String authorization) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16_384);
        head = "POST /v1/batch HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nContent-Type: application/json\r\nAuthorization: " + authorization + "\r\nContent-Length: ";
    }

    /** Status, Retry-After (or -1), body, and whether the server keeps the connection open. */
    record Response(int status, int retryAfter, String body, boolean keepAlive) {
    }

    /** Posts the concatenation of {@code parts} as one body and reads the answer. */
    Response post(byte[]... parts) throws IOException {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        out.write((head + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean keepAlive = true;
        int retryAfter = -1;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                keepAlive = !value.equalsIgnoreCase("close");
            } else if (name.equalsIgnoreCase("Retry-After")) {
                try {
                    retryAfter = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    retryAfter = 1;
                }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (contentLength >= 0) {
            body.write(in.readNBytes((int) contentLength));
        } else {
            keepAlive = false;
            body.write(in.readAllBytes());
        }
        return new Response(code, retryAfter, body.toString(StandardCharsets.UTF_8), keepAlive);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("the connection closed mid-answer");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
