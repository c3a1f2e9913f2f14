package io.stepwise.pipeline;

import java.lang.management.ManagementFactory;

/**
 * The CPU time the benchmark's JVM has used so far, on all its threads (the broker, the job or the
 * copy, the reader), beside the number of elements answered by then. Between two marks it gives what
 * one element cost the machine, a figure that waiting for a core does not change: on a shared or
 * busy machine the rates move with the neighbours, the CPU per element much less.
 */
record CpuMark(long cpuNanos, long answered) {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static CpuMark now(long answered) {
        return new CpuMark(OS.getProcessCpuTime(), answered);
    }

    /** CPU nanoseconds per element answered from {@code earlier} to this; NaN when none was, or no reading. */
    double nanosPerElementSince(CpuMark earlier) {
        long n = answered - earlier.answered;
        return n <= 0 || cpuNanos < 0 || earlier.cpuNanos < 0 ? Double.NaN : (double) (cpuNanos - earlier.cpuNanos) / n;
    }
}
