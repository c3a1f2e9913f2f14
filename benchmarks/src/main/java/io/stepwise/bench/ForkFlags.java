package io.stepwise.bench;

/**
 * JVM flags every benchmark fork needs, for {@code @Fork(jvmArgsAppend = ...)}. The JavaCPP cache
 * directory depends on where the repository is, so {@code benchmarks/run.sh} passes it with
 * {@code -jvmArgs}; a fork started without it falls back to JavaCPP's default cache.
 */
final class ForkFlags {

    /** The step kernels are written on the incubating Vector API. */
    static final String VECTOR_API = "--add-modules=jdk.incubator.vector";

    /** ND4J's per-pointer GC bookkeeping costs more than the small products it guards. */
    static final String NO_POINTER_GC = "-Dorg.bytedeco.javacpp.nopointergc=true";

    private ForkFlags() {
    }
}
