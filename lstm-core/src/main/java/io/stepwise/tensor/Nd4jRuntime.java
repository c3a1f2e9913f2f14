package io.stepwise.tensor;

import org.nd4j.common.config.ND4JClassLoading;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place ND4J is started. ND4J remembers, for all its later reflective class loading, the
 * context class loader of the thread that first touches it. In Flink that is a job's user-code
 * class loader, which Flink closes when the job ends; every later job in that JVM (a training job
 * after an inference job on a session cluster, or two tests in one MiniCluster JVM) then fails
 * with "Trying to access closed classloader". ND4J is on the TaskManager's own class path, so its
 * own class loader is the right one, and it lives as long as the JVM.
 */
public final class Nd4jRuntime {

    static {
        ND4JClassLoading.setNd4jClassloader(Nd4j.class.getClassLoader());
        // loads the native libraries (OpenBLAS among them) and sets their thread count
        Nd4j.getBackend();
    }

    /** Set once a JVM serves streams ({@link #oneBlasThread}): from then on nothing gives BLAS its threads back. */
    private static volatile boolean oneBlasThreadForGood;

    private Nd4jRuntime() {
    }

    /** Starts ND4J once per JVM (class initialisation does it); later calls cost nothing. */
    public static void start() {
        // the static initialiser above does the work
    }

    /**
     * Makes every BLAS product run on the thread that calls it, for this whole JVM. Where Flink runs
     * the work, its parallelism is the slots': each slot's thread does its own products, beside the
     * other slots, the Kafka clients (and, locally, a broker). A product that also fans out to BLAS
     * threads of its own makes its caller wait for threads that wait for a core: measured in
     * {@code stepwise bench pipeline}, the EWT-size tagger's batched step took 8x as long inside the
     * job as alone with two BLAS threads, and the job served a third fewer elements. The multi-process
     * cluster starts its TaskManagers with {@code OMP_NUM_THREADS=1} for the same reason.
     */
    public static void oneBlasThread() {
        oneBlasThreadForGood = true;
        if (Nd4j.factory().blas().getMaxThreads() != 1) {
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }

    /**
     * One BLAS thread while a piece of work runs its own threads on the cores; returns the count to
     * give back with {@link #restoreBlasThreads} when it ends.
     */
    public static int borrowOneBlasThread() {
        int before = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(1);
        return before;
    }

    /**
     * Gives BLAS back the threads {@link #borrowOneBlasThread} found, unless this JVM has begun to
     * serve streams meanwhile: a trainer in the same JVM as an inference job (`demo`) that found two
     * threads before the job opened must not hand them to the job's products when it ends.
     */
    public static void restoreBlasThreads(int before) {
        if (!oneBlasThreadForGood) {
            Nd4j.factory().blas().setMaxThreads(before);
        }
    }
}
