package io.stepwise.lstm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The clock a step's cost is read on: the calling thread's CPU time. Wall time would also count the
 * moments the thread waits for a core, which on a machine shared with a broker and other slots is
 * most of the difference between a step inside a job and the same step alone. One read costs a
 * system call (~0.1-1 us), so read it per batch, not per element.
 */
public final class StepClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    private StepClock() {
    }

    /** This thread's CPU time in ns, or wall time where the JVM cannot tell it. */
    public static long threadCpuNanos() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
