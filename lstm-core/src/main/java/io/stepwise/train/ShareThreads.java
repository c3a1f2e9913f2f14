package io.stepwise.train;

import io.stepwise.tensor.Nd4jRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The threads that compute a batch's shares side by side (data parallelism: {@link SumGradients},
 * {@link TaggerGradients}): the first share on the caller's thread, the others on a pool, or all on
 * the caller's thread one after the other when there is one thread. While there is a pool, BLAS
 * runs each product on the thread that calls it: the shares' threads already share the cores, and
 * BLAS threads of their own inside each product would only wait on each other (measured on the sum
 * trainer: half the speed, and a third of the time in the kernel).
 */
final class ShareThreads implements AutoCloseable {

    private final ExecutorService pool; // null on one thread
    private final int blasThreadsBefore;

    ShareThreads(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.blasThreadsBefore = threads > 1 ? Nd4jRuntime.borrowOneBlasThread() : -1;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code share} for shares 0 .. {@code shares - 1} and returns once all are done; what one threw is thrown here. */
    void run(int shares, IntConsumer share) {
        List<Future<?>> running = new ArrayList<>();
        for (int k = 1; k < shares; k++) {
            int part = k;
            if (pool != null) {
                running.add(pool.submit(() -> share.accept(part)));
            } else {
                share.accept(part);
            }
        }
        try {
            share.accept(0);
        } finally {
            for (Future<?> f : running) {
                await(f);
            }
        }
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing gradients", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            Nd4jRuntime.restoreBlasThreads(blasThreadsBefore);
        }
    }
}
