package io.stepwise.local.cluster;

import java.nio.file.Path;
import java.util.List;

/** The JVM a cluster process runs on, and the flags every one of them gets. */
final class ClusterJvm {

    /**
     * What Flink's distribution puts in {@code env.java.opts.all} for Java 17: Flink's serializers
     * and RPC reflect into these JDK packages.
     */
    static final List<String> FLINK_JAVA17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private ClusterJvm() {
    }

    /**
     * What every JVM running the LSTM kernels and ND4J needs (README, "Running"): the incubating
     * Vector API, JavaCPP without per-pointer GC tracking, and JavaCPP's unpacked natives in one
     * shared cache (this JVM's cache when it has one, so that they are unpacked once).
     */
    static List<String> stepwiseFlags(Path fallbackCache) {
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache == null) {
            String home = System.getProperty("stepwise.home");
            cache = (home != null ? Path.of(home, "target", "javacpp-cache") : fallbackCache).toAbsolutePath().toString();
        }
        return List.of("--add-modules", "jdk.incubator.vector", "-Dorg.bytedeco.javacpp.nopointergc=true",
                "-Dorg.bytedeco.javacpp.cachedir=" + cache);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
