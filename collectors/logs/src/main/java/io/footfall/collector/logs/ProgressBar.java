package io.footfall.collector.logs;

import java.io.PrintStream;
import java.util.function.DoubleFunction;
import java.util.function.DoubleSupplier;

/**
 * A one-line progress bar for long runs, redrawn every second: in place on a console, one line per tick otherwise
 * (logs). Silent when there is nowhere to print.
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final DoubleSupplier fraction;
    private final DoubleFunction<String> text;
    private final long started = System.nanoTime();
    private Thread ticker;

    /**
     * @param out      where to print, or null for nowhere
     * @param fraction how much is done, 0 to 1
     * @param text     what follows the bar, given the seconds since the start
     */
    ProgressBar(PrintStream out, DoubleSupplier fraction, DoubleFunction<String> text) {
        this.out = out;
        this.fraction = fraction;
        this.text = text;
    }

    /** Starts redrawing every second. */
    ProgressBar start() {
        if (out != null) {
            ticker = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(1000); // a progress tick, not synchronisation
                        print(false);
                    }
                } catch (InterruptedException done) {
                    // finished
                }
            }, "progress");
            ticker.setDaemon(true);
            ticker.start();
        }
        return this;
    }

    /** Stops redrawing and prints the final state. */
    void finish() throws InterruptedException {
        if (ticker != null) {
            ticker.interrupt();
            ticker.join();
        }
        print(true);
    }

    private void print(boolean last) {
        if (out == null) {
            return;
        }
        double done = Math.min(1.0, fraction.getAsDouble());
        int filled = (int) Math.round(done * WIDTH);
        double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
        String line = String.format("[%s%s] %5.1f%%  %s", "#".repeat(filled), "-".repeat(WIDTH - filled), done * 100,
                text.apply(seconds));
        if (System.console() != null) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
