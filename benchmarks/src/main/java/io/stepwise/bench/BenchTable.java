package io.stepwise.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the side-by-side table of one benchmark run: JMH's JSON result file ({@code -rf json})
 * for Stepwise and {@code torch_bench.py}'s JSON lines for PyTorch, with the ratios and the
 * targets of the issue. Where PyTorch was measured the last line is
 * {@code step speedup vs PyTorch: X} (PyTorch's per-step time over ours, input 1 / hidden 64).
 *
 * <p>Usage: {@code BenchTable RESULT...}: JMH result files end in {@code .json}, torch_bench.py's
 * in {@code .jsonl}. Given several runs of either, each benchmark's fastest result counts.
 */
public final class BenchTable {

    /**
     * A line of the table: which result on each side, the speedup the issue asks for, and whether
     * PyTorch's side is made of large matrix products, whose speed is its BLAS's.
     */
    record Row(String label, String stepwise, String torch, double target, boolean batched) {
    }

    static final String TAGGER_STEP = "TaggerStepBenchmark.step/";

    static final List<Row> ROWS = List.of(
            new Row("step, batch 1, in 1 / h 64", "StepBenchmark.step/1x64", "step/1x64", 30, false),
            new Row("step, batch 1, in 64 / h 128", "StepBenchmark.step/64x128", "step/64x128", 10, false),
            new Row("step, batch 256, in 1 / h 64", "BatchStepBenchmark.stepBatch/1x64", "stepBatch/1x64", Double.NaN, true),
            new Row("step, batch 256, in 64 / h 128", "BatchStepBenchmark.stepBatch/64x128", "stepBatch/64x128", Double.NaN, true),
            new Row("step each, batch 256, in 1 / h 64", "BatchStepBenchmark.stepEach/1x64", "stepBatch/1x64", Double.NaN, true),
            new Row("step each, batch 256, in 64 / h 128", "BatchStepBenchmark.stepEach/64x128", "stepBatch/64x128", Double.NaN, true),
            new Row("epoch, B 50 (n 1000, len 2, h 64)", "SumEpochBenchmark.batchedEpoch/50", "batchedEpoch/n1000_len2_h64_b50", 1, true),
            new Row("epoch, B 100", "SumEpochBenchmark.batchedEpoch/100", "batchedEpoch/n1000_len2_h64_b100", 1, true),
            new Row("epoch, B 50 vs notebook loop", "SumEpochBenchmark.batchedEpoch/50", "notebookEpoch/n1000_len2_h64", 100, false),
            new Row("epoch, B 100 vs notebook loop", "SumEpochBenchmark.batchedEpoch/100", "notebookEpoch/n1000_len2_h64", 100, false),
            new Row("epoch, notebook loop (1 seq per step)", "SumEpochBenchmark.notebookEpoch", "notebookEpoch/n1000_len2_h64", Double.NaN, false),
            new Row("sgemm 1024^3", "SgemmBenchmark.sgemm/1024", "sgemm/1024", Double.NaN, true),
            new Row("tagger step, word-only e64/h128, known", TAGGER_STEP + "words,known", "taggerStep/words_known", Double.NaN, false),
            new Row("tagger step, streaming recipe, known", TAGGER_STEP + "streaming,known", "taggerStep/streaming_known", Double.NaN, false),
            new Row("tagger step, streaming recipe, unknown", TAGGER_STEP + "streaming,unknown", "taggerStep/streaming_unknown",
                    Double.NaN, false));

    /** Names in the path of an optimised BLAS; a libblas without any of them is the reference implementation. */
    private static final List<String> OPTIMISED_BLAS = List.of("openblas", "blis", "mkl", "atlas");

    static final String ND4J_STEP = "Nd4jStepBenchmark.step/";
    /** A known word's step with character features and the delay, at most this many times the word-only step's. */
    static final double KNOWN_WORD_STEP_LIMIT = 1.5;
    static final String SGEMM = "SgemmBenchmark.sgemm/1024";
    static final double BATCHED_SHARE_TARGET = 0.5;

    private BenchTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BenchTable JMH_RESULT.json... [TORCH_RESULT.jsonl...]");
            System.exit(2);
        }
        Map<String, Double> stepwise = new LinkedHashMap<>();
        Map<String, Double> torch = new LinkedHashMap<>();
        String setup = null;
        boolean referenceBlas = false;
        for (String arg : args) {
            Path file = Path.of(arg);
            if (arg.endsWith(".jsonl")) {
                if (Files.exists(file)) {
                    List<String> lines = Files.readAllLines(file);
                    fastest(torch, readTorch(lines));
                    setup = setup != null ? setup : torchSetup(lines);
                    referenceBlas |= isReferenceBlas(torchBlas(lines));
                }
            } else {
                fastest(stepwise, readJmh(Files.readString(file)));
            }
        }
        if (setup != null) {
            System.out.println(setup);
        }
        render(stepwise, torch, referenceBlas).forEach(System.out::println);
    }

    /** Keeps, per benchmark, the faster of what {@code into} has and what {@code more} brings. */
    static void fastest(Map<String, Double> into, Map<String, Double> more) {
        more.forEach((k, v) -> into.merge(k, v, Math::min));
    }

    /** Microseconds per operation by {@code Class.method/param,...} from a JMH JSON result. */
    static Map<String, Double> readJmh(String json) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        for (JsonNode r : new ObjectMapper().readTree(json)) {
            String fullName = r.path("benchmark").asText();
            String[] parts = fullName.split("\\.");
            StringBuilder key = new StringBuilder(parts[parts.length - 2]).append('.').append(parts[parts.length - 1]);
            // parameter values in the order of their names, whatever order JMH wrote them in
            JsonNode params = r.path("params");
            List<String> names = new ArrayList<>();
            params.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            String sep = "/";
            for (String name : names) {
                key.append(sep).append(params.path(name).asText());
                sep = ",";
            }
            JsonNode metric = r.path("primaryMetric");
            out.put(key.toString(), toMicros(fastestIteration(metric), metric.path("scoreUnit").asText()));
        }
        return out;
    }

    /**
     * The fastest measured iteration, or the score where JMH gave no raw data. Other work on a
     * shared machine only ever slows an iteration down, so the fastest is the closest to the
     * undisturbed time; torch_bench.py reports its fastest round likewise.
     */
    private static double fastestIteration(JsonNode metric) {
        double best = Double.POSITIVE_INFINITY;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode iteration : fork) {
                best = Math.min(best, iteration.asDouble());
            }
        }
        return Double.isInfinite(best) ? metric.path("score").asDouble() : best;
    }

    private static double toMicros(double score, String unit) {
        return switch (unit) {
            case "ns/op" -> score / 1e3;
            case "us/op" -> score;
            case "ms/op" -> score * 1e3;
            case "s/op" -> score * 1e6;
            default -> throw new IllegalArgumentException("JMH score unit " + unit + " is not a time per operation; run with -bm avgt");
        };
    }

    /** Microseconds per operation by {@code benchmark/shape} from torch_bench.py's output. */
    static Map<String, Double> readTorch(List<String> lines) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        for (JsonNode r : torchRecords(lines)) {
            out.put(r.path("benchmark").asText() + "/" + r.path("shape").asText(), r.path("us").asDouble());
        }
        return out;
    }

    /** Which PyTorch and which BLAS the PyTorch column comes from, or null without PyTorch. */
    static String torchSetup(List<String> lines) throws IOException {
        for (JsonNode r : torchRecords(lines)) {
            return "PyTorch " + r.path("torch").asText() + ", " + r.path("threads").asInt() + " thread(s), BLAS "
                    + r.path("blas").asText("unknown");
        }
        return null;
    }

    /** The BLAS library torch_bench.py found mapped in PyTorch's process, or null. */
    static String torchBlas(List<String> lines) throws IOException {
        for (JsonNode r : torchRecords(lines)) {
            return r.path("blas").asText(null);
        }
        return null;
    }

    /**
     * Whether {@code blas}, the library PyTorch mapped, is the reference BLAS (Debian's
     * {@code blas/libblas.so.3}): a libblas whose path names no optimised implementation. An unknown
     * library (a wheel with MKL linked in maps none) is not taken for the reference one.
     */
    static boolean isReferenceBlas(String blas) {
        if (blas == null) {
            return false;
        }
        String b = blas.toLowerCase(Locale.ROOT);
        return b.contains("libblas") && OPTIMISED_BLAS.stream().noneMatch(b::contains);
    }

    private static List<JsonNode> torchRecords(List<String> lines) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        for (String line : lines) {
            if (line.trim().startsWith("{")) {
                records.add(json.readTree(line));
            }
        }
        return records;
    }

    static List<String> render(Map<String, Double> stepwise, Map<String, Double> torch) {
        return render(stepwise, torch, false);
    }

    /**
     * The table. With {@code referenceBlas} (PyTorch ran on the reference BLAS, ~20x slower on large
     * products than OpenBLAS) the rows whose PyTorch side is batched keep their ratio, marked, but
     * are judged against no target: they would flatter Stepwise.
     */
    static List<String> render(Map<String, Double> stepwise, Map<String, Double> torch, boolean referenceBlas) {
        List<String> lines = new ArrayList<>();
        boolean marked = false;
        String format = "%-44s %12s %12s %9s  %s";
        lines.add(String.format(Locale.ROOT, format, "benchmark", "Stepwise", "PyTorch", "ratio", "target"));
        for (Row row : ROWS) {
            Double ours = stepwise.get(row.stepwise());
            Double theirs = torch.get(row.torch());
            String ratio = "";
            String target = "";
            if (ours != null && theirs != null) {
                double speedup = theirs / ours;
                ratio = String.format(Locale.ROOT, "%.1fx", speedup);
                if (referenceBlas && row.batched()) {
                    ratio += "*";
                    target = "not comparable*";
                    marked = true;
                } else if (!Double.isNaN(row.target())) {
                    target = verdict(speedup >= row.target(), String.format(Locale.ROOT, ">= %sx", trim(row.target())));
                }
            }
            lines.add(String.format(Locale.ROOT, format, row.label(), time(ours), time(theirs), ratio, target).stripTrailing());
        }
        lines.add("");
        lines.add("times: fastest measured iteration/round of each; ratio: PyTorch time / Stepwise time; one thread each.");
        if (marked) {
            lines.add("* PyTorch ran on the reference BLAS, ~20x slower than OpenBLAS on large products: these ratios flatter "
                    + "Stepwise. Install OpenBLAS (Debian: libopenblas0-pthread) and run again; run.sh then points PyTorch at it.");
        }
        Double nd4j = stepwise.get(ND4J_STEP + "1x64");
        Double step = stepwise.get("StepBenchmark.step/1x64");
        if (nd4j != null && step != null) {
            lines.add(String.format(Locale.ROOT, "per-op ND4J step, in 1 / h 64: %s, %.1fx the step kernel's time", time(nd4j), nd4j / step));
        }
        Double sgemm = stepwise.get(SGEMM);
        if (sgemm != null) {
            double peak = gflops(2.0 * 1024 * 1024 * 1024, sgemm);
            lines.add(String.format(Locale.ROOT, "sgemm 1024^3 (ND4J/OpenBLAS, this run): %.1f GFLOP/s", peak));
            for (String path : List.of("stepBatch", "stepEach")) {
                for (String shape : List.of("1x64", "64x128")) {
                    Double batched = stepwise.get("BatchStepBenchmark." + path + "/" + shape);
                    if (batched != null) {
                        Shape s = Shape.parse(shape);
                        double flops = 2.0 * BatchStepBenchmark.BATCH * (s.inputSize() + s.hiddenSize()) * 4 * s.hiddenSize();
                        double rate = gflops(flops, batched);
                        lines.add(String.format(Locale.ROOT, "batched step (%s) B=%d, in %d / h %d: %.1f GFLOP/s = %.0f%% of sgemm  %s",
                                path, BatchStepBenchmark.BATCH, s.inputSize(), s.hiddenSize(), rate, 100 * rate / peak,
                                verdict(rate / peak >= BATCHED_SHARE_TARGET, ">= 50%")));
                    }
                }
            }
        }
        Double wordOnly = stepwise.get(TAGGER_STEP + "words,known");
        Double streamingKnown = stepwise.get(TAGGER_STEP + "streaming,known");
        if (wordOnly != null && streamingKnown != null) {
            double ratio = streamingKnown / wordOnly;
            lines.add(String.format(Locale.ROOT, "tagger step, known word: streaming recipe / word-only = %.2fx  %s", ratio,
                    verdict(ratio <= KNOWN_WORD_STEP_LIMIT, "<= " + trim(KNOWN_WORD_STEP_LIMIT) + "x")));
        }
        Double theirStep = torch.get("step/1x64");
        if (step != null && theirStep != null) {
            lines.add(String.format(Locale.ROOT, "step speedup vs PyTorch: %.1f", theirStep / step));
        }
        return lines;
    }

    private static String verdict(boolean met, String target) {
        return target + (met ? " ok" : " MISSED");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static double gflops(double flops, double micros) {
        return flops / (micros * 1e3);
    }

    static String time(Double micros) {
        if (micros == null) {
            return "-";
        }
        if (micros < 10) {
            return String.format(Locale.ROOT, "%.2f us", micros);
        }
        if (micros < 1e4) {
            return String.format(Locale.ROOT, "%.0f us", micros);
        }
        return String.format(Locale.ROOT, "%.1f ms", micros / 1e3);
    }
}
