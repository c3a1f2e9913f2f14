package io.stepwise.bench.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Runs the variants of an experiment in one JVM, interleaved round by round, and reports each
 * one's fastest and median round. On a machine shared with other work a variant timed in its own
 * fork meets different load than its rival; interleaving gives both the same, and the fastest
 * round estimates the time undisturbed.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar --add-modules jdk.incubator.vector
 * io.stepwise.bench.experiments.Interleaved aligned|batch|gemm|rows [rounds]}
 */
public final class Interleaved {

    private Interleaved() {
    }

    public static void main(String[] args) {
        String experiment = args.length > 0 ? args[0] : "aligned";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Map<String, DoubleSupplier> variants = new LinkedHashMap<>();
        if (experiment.equals("aligned")) {
            for (String shape : List.of("1x64", "64x128")) {
                for (String layout : List.of("packed", "array", "aligned", "misaligned")) {
                    AlignedStepBenchmark b = new AlignedStepBenchmark();
                    b.shape = shape;
                    b.layout = layout;
                    b.setUp();
                    variants.put(shape + " " + layout, b::step);
                }
            }
        } else if (experiment.equals("gemm")) {
            variants.putAll(GemmShapes.variants());
        } else if (experiment.equals("rows")) {
            variants.putAll(KernelRows.variants());
        } else {
            for (String shape : List.of("1x64", "64x128")) {
                for (String path : List.of("native", "java")) {
                    BatchGemmPathBenchmark b = new BatchGemmPathBenchmark();
                    b.shape = shape;
                    b.path = path;
                    b.setUp();
                    variants.put(shape + " " + path + " stepBatch", b::stepBatch);
                    variants.put(shape + " " + path + " gemmOnly", b::gemmOnly);
                    if (path.equals("native")) {
                        variants.put(shape + " nd4j resident operands", b::nd4jResident);
                    }
                }
            }
        }
        Map<String, Integer> opsPerRound = new LinkedHashMap<>();
        variants.forEach((name, op) -> opsPerRound.put(name, calibrate(op)));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        variants.keySet().forEach(n -> times.put(n, new ArrayList<>()));
        double sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, DoubleSupplier> v : variants.entrySet()) {
                int ops = opsPerRound.get(v.getKey());
                long t0 = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    sink += v.getValue().getAsDouble();
                }
                times.get(v.getKey()).add((System.nanoTime() - t0) / 1e3 / ops);
            }
        }
        System.out.printf("%-34s %10s %10s   (us/op over %d interleaved rounds; %s)%n", "variant", "fastest", "median", rounds,
                sink == 42 ? "" : "ok");
        times.forEach((name, t) -> {
            double[] a = t.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%-34s %10.3f %10.3f%n", name, a[0], a[a.length / 2]);
        });
    }

    /** Ops per round so that a round lasts about 20 ms once warm; warms the variant up on the way. */
    private static int calibrate(DoubleSupplier op) {
        int ops = 1;
        long elapsed = 0;
        for (int pass = 0; pass < 30 && elapsed < 20_000_000; pass++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                op.getAsDouble();
            }
            elapsed = System.nanoTime() - t0;
            if (elapsed < 20_000_000) {
                ops *= 2;
            }
        }
        long t0 = System.nanoTime();
        long deadline = t0 + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            op.getAsDouble();
        }
        return Math.max(1, ops);
    }
}
