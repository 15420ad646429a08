package io.footfall.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Lowers the operating system's scheduling priority (the nice value) of the calling thread, on Linux. The JVM has no
 * API for it, but Linux keeps a nice value per thread, which threads started later by that thread inherit: so a
 * plugin's processor thread lowered once also lowers the threads it starts for each plugin call. The scheduler then
 * gives such threads the cores only after the normal-priority ones (ingest, the profile projection): at nice 10 a
 * busy thread weighs about a tenth of one at nice 0. Done with util-linux's {@code renice} on the thread's id (read
 * from {@code /proc/thread-self}), once per long-lived thread; lowering needs no privilege. Elsewhere (no
 * {@code /proc/thread-self}, no {@code renice}) it does nothing. See docs/adr/0014-pipelined-ingest-and-processing-priority.md.
 */
public final class ThreadNiceness {

    private static final Logger LOG = Logger.getLogger(ThreadNiceness.class);
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static volatile boolean unavailable;

    private ThreadNiceness() {
    }

    /**
     * Sets the calling thread's nice value (0 leaves it alone).
     *
     * @return whether it was set
     */
    public static boolean lowerCurrentThread(int nice) {
        if (nice <= 0 || unavailable) {
            return false;
        }
        try {
            // /proc/thread-self -> <pid>/task/<tid>
            String link = Files.readSymbolicLink(THREAD_SELF).toString();
            String tid = link.substring(link.lastIndexOf('/') + 1);
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                return false;
            }
            return renice.exitValue() == 0;
        } catch (IOException | UnsupportedOperationException | StringIndexOutOfBoundsException e) {
            unavailable = true;
            LOG.infof("thread priorities are not lowered on this system (%s); the processing priority relies on deferral alone",
                    e.getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat}; 0 where it cannot be read. */
    public static int currentThread() {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"));
            // fields after the command name (which is in parentheses and may hold spaces): state is field 3, nice 19
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
