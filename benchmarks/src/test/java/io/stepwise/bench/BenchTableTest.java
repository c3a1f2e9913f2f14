package io.stepwise.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTableTest {

    private static final String JMH = """
            [
              {"benchmark": "io.stepwise.bench.StepBenchmark.step", "mode": "avgt",
               "params": {"shape": "1x64"},
               "primaryMetric": {"score": 0.6, "scoreError": 0.1, "scoreUnit": "us/op",
                                 "rawData": [[0.7, 0.5, 0.6]]}},
              {"benchmark": "io.stepwise.bench.SumEpochBenchmark.batchedEpoch", "mode": "avgt",
               "params": {"batch": "50"},
               "primaryMetric": {"score": 4.0, "scoreError": 0.1, "scoreUnit": "ms/op"}},
              {"benchmark": "io.stepwise.bench.SumEpochBenchmark.batchedEpoch", "mode": "avgt",
               "params": {"batch": "100"},
               "primaryMetric": {"score": 2.0, "scoreError": 0.1, "scoreUnit": "ms/op"}},
              {"benchmark": "io.stepwise.bench.SgemmBenchmark.sgemm", "mode": "avgt",
               "params": {"size": "1024"},
               "primaryMetric": {"score": 21.47483648, "scoreError": 0.1, "scoreUnit": "ms/op"}},
              {"benchmark": "io.stepwise.bench.BatchStepBenchmark.stepBatch", "mode": "avgt",
               "params": {"shape": "1x64"},
               "primaryMetric": {"score": 170.0, "scoreError": 1, "scoreUnit": "us/op"}},
              {"benchmark": "io.stepwise.bench.BatchStepBenchmark.stepEach", "mode": "avgt",
               "params": {"shape": "1x64"},
               "primaryMetric": {"score": 425.0, "scoreError": 1, "scoreUnit": "us/op"}}
            ]
            """;

    @Test
    void readsTheFastestJmhIterationAsMicrosecondsKeyedByMethodAndParams() throws IOException {
        Map<String, Double> scores = BenchTable.readJmh(JMH);
        assertThat(scores).containsEntry("StepBenchmark.step/1x64", 0.5)
                .containsEntry("SumEpochBenchmark.batchedEpoch/50", 4000.0)
                .containsEntry("SumEpochBenchmark.batchedEpoch/100", 2000.0);
    }

    @Test
    void ratiosAreTorchOverStepwiseAndTheLastLineIsTheStepSpeedup() throws IOException {
        List<String> torch = List.of(
                "{\"benchmark\": \"step\", \"shape\": \"1x64\", \"us\": 20.0}",
                "{\"benchmark\": \"batchedEpoch\", \"shape\": \"n1000_len2_h64_b50\", \"us\": 2000.0}",
                "{\"benchmark\": \"batchedEpoch\", \"shape\": \"n1000_len2_h64_b100\", \"us\": 3000.0}",
                "{\"benchmark\": \"notebookEpoch\", \"shape\": \"n1000_len2_h64\", \"us\": 800000.0}");
        List<String> table = BenchTable.render(BenchTable.readJmh(JMH), BenchTable.readTorch(torch));

        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("step, batch 1, in 1 / h 64")
                .contains("0.50 us", "20 us", "40.0x", ">= 30x ok"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("epoch, B 50 (n 1000")
                .contains("0.5x", ">= 1x MISSED"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("epoch, B 100 ")
                .contains("1.5x", ">= 1x ok"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("epoch, B 50 vs notebook loop")
                .contains("200.0x", ">= 100x ok"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("epoch, B 100 vs notebook loop")
                .contains("400.0x", ">= 100x ok"));
        // 2 * 1024^3 flops in 21.47 ms is 100 GFLOP/s; 2 * 256 * 65 * 256 flops in 170 us is just over 50,
        // in 425 us 20
        assertThat(table).anySatisfy(l -> assertThat(l).contains("100.0 GFLOP/s"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("batched step (stepBatch) B=256, in 1 / h 64")
                .contains("= 50% of sgemm", ">= 50% ok"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("batched step (stepEach) B=256, in 1 / h 64")
                .contains("= 20% of sgemm", ">= 50% MISSED"));
        assertThat(table.get(table.size() - 1)).isEqualTo("step speedup vs PyTorch: 40.0");
    }

    @Test
    void theTaggerStepRowsCompareBothSidesAndJudgeTheKnownWordCostAgainstTheWordOnlyStep() throws IOException {
        String jmh = """
                [
                  {"benchmark": "io.stepwise.bench.TaggerStepBenchmark.step", "params": {"word": "known", "model": "words"},
                   "primaryMetric": {"score": 2.0, "scoreUnit": "us/op"}},
                  {"benchmark": "io.stepwise.bench.TaggerStepBenchmark.step", "params": {"model": "streaming", "word": "known"},
                   "primaryMetric": {"score": 3.2, "scoreUnit": "us/op"}},
                  {"benchmark": "io.stepwise.bench.TaggerStepBenchmark.step", "params": {"model": "streaming", "word": "unknown"},
                   "primaryMetric": {"score": 40.0, "scoreUnit": "us/op"}}
                ]
                """;
        List<String> torch = List.of(
                "{\"benchmark\": \"taggerStep\", \"shape\": \"streaming_known\", \"us\": 64.0}",
                "{\"benchmark\": \"taggerStep\", \"shape\": \"streaming_unknown\", \"us\": 400.0}");
        List<String> table = BenchTable.render(BenchTable.readJmh(jmh), BenchTable.readTorch(torch));

        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("tagger step, word-only e64/h128, known").contains("2.00 us"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("tagger step, streaming recipe, known")
                .contains("3.20 us", "64 us", "20.0x"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("tagger step, streaming recipe, unknown")
                .contains("40 us", "400 us", "10.0x"));
        // 3.2 / 2.0 = 1.6, over the 1.5x the issue allows
        assertThat(table).anySatisfy(l -> assertThat(l).isEqualTo(
                "tagger step, known word: streaming recipe / word-only = 1.60x  <= 1.5x MISSED"));
    }

    @Test
    void namesThePyTorchBuildAndBlasTheColumnComesFrom() throws IOException {
        List<String> torch = List.of("{\"benchmark\": \"step\", \"shape\": \"1x64\", \"us\": 20.0, "
                + "\"torch\": \"1.13.0a0\", \"threads\": 1, \"blas\": \"/usr/lib/libblas.so.3\"}");
        assertThat(BenchTable.torchSetup(torch)).isEqualTo("PyTorch 1.13.0a0, 1 thread(s), BLAS /usr/lib/libblas.so.3");
        assertThat(BenchTable.torchSetup(List.of())).isNull();
    }

    @Test
    void onTheReferenceBlasTheBatchedRowsAreMarkedAndJudgedAgainstNoTarget() throws IOException {
        List<String> torch = List.of(
                "{\"benchmark\": \"step\", \"shape\": \"1x64\", \"us\": 20.0, \"blas\": \"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\"}",
                "{\"benchmark\": \"batchedEpoch\", \"shape\": \"n1000_len2_h64_b50\", \"us\": 8000.0}",
                "{\"benchmark\": \"sgemm\", \"shape\": \"1024\", \"us\": 500000.0}");
        assertThat(BenchTable.isReferenceBlas(BenchTable.torchBlas(torch))).isTrue();

        List<String> table = BenchTable.render(BenchTable.readJmh(JMH), BenchTable.readTorch(torch), true);

        // the batched epoch would have met its target (2x); on the reference BLAS it is not judged
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("epoch, B 50 (n 1000").contains("2.0x*", "not comparable*")
                .doesNotContain("ok"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("sgemm 1024^3").contains("not comparable*"));
        // a step at batch 1 is PyTorch's overhead, not its BLAS: still judged
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("step, batch 1, in 1 / h 64").contains(">= 30x ok"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("* PyTorch ran on the reference BLAS"));
    }

    @Test
    void openBlasBlisMklAndAnUnknownLibraryAreNotTheReferenceBlas() {
        assertThat(BenchTable.isReferenceBlas("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")).isFalse();
        assertThat(BenchTable.isReferenceBlas("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3")).isFalse();
        assertThat(BenchTable.isReferenceBlas("/opt/intel/mkl/lib/libmkl_rt.so")).isFalse();
        assertThat(BenchTable.isReferenceBlas("unknown")).isFalse();
        assertThat(BenchTable.isReferenceBlas(null)).isFalse();
        assertThat(BenchTable.isReferenceBlas("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0")).isTrue();
    }

    @Test
    void ofSeveralRunsTheFastestResultOfEachBenchmarkCounts() {
        Map<String, Double> merged = new java.util.LinkedHashMap<>(Map.of("a", 2.0, "b", 5.0));
        BenchTable.fastest(merged, Map.of("a", 3.0, "b", 4.0, "c", 1.0));
        assertThat(merged).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2.0, "b", 4.0, "c", 1.0));
    }

    @Test
    void withoutPyTorchThereIsNoSpeedupLine() throws IOException {
        List<String> table = BenchTable.render(BenchTable.readJmh(JMH), Map.of());
        assertThat(table).noneMatch(l -> l.startsWith("step speedup vs PyTorch"));
        assertThat(table).anySatisfy(l -> assertThat(l).startsWith("step, batch 1, in 1 / h 64").contains("0.50 us", "-"));
    }
}
