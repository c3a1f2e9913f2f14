package io.stepwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.model.ModelKind;
import io.stepwise.model.TaggerModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainTaggerCommandTest {

    @TempDir
    Path dir;

    /** The tags of the table that follows {@code title}: the second column of its word lines. */
    private static List<String> tagsOf(String out, String title, int words) {
        List<String> lines = out.lines().toList();
        int at = 0;
        while (!lines.get(at).startsWith(title)) {
            at++;
        }
        List<String> tags = new ArrayList<>();
        for (int i = at + 2; i < at + 2 + words; i++) {
            tags.add(lines.get(i).trim().split("\\s+")[1]);
        }
        return tags;
    }

    @Test
    void theTutorialPrintsItsTablesAndLearnsItsTags() throws Exception {
        Path model = dir.resolve("tutorial.stepwise");
        Path plot = dir.resolve("loss.png");

        CliRun r = CliRun.of(new TrainCommand(), "tagger", "--tutorial", "--out", model.toString(), "--plot", plot.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Before training").contains("After training").contains("\"The dog ate the apple\"");
        assertThat(tagsOf(r.out(), "After training", 5)).containsExactly("DET", "NN", "V", "DET", "NN");
        Model m = ModelFile.read(model);
        assertThat(m.kind()).isEqualTo(ModelKind.TAGGER);
        assertThat(m.name()).isEqualTo("tagger");
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.meta().provenance()).containsEntry("epochs", 300).containsKey("java_version");
        assertThat(Arrays.copyOf(Files.readAllBytes(plot), 4)).containsExactly(0x89, 'P', 'N', 'G');
    }

    @Test
    void aSeedStartsFromOtherWeightsThanTheTutorials() {
        CliRun tutorial = CliRun.of(new TrainCommand(), "tagger", "--tutorial", "--epochs", "1");
        CliRun seeded = CliRun.of(new TrainCommand(), "tagger", "--tutorial", "--epochs", "1", "--seed", "5");

        assertThat(seeded.exit()).isZero();
        String before = tutorial.out().substring(0, tutorial.out().indexOf("After"));
        String seededBefore = seeded.out().substring(0, seeded.out().indexOf("After"));
        assertThat(seededBefore).isNotEqualTo(before);
    }

    private Path toyTreebank(String name, int sentences, long seed) throws Exception {
        String[][] lexicon = {{"the", "DET"}, {"a", "DET"}, {"dog", "NOUN"}, {"cat", "NOUN"}, {"book", "NOUN"},
            {"ate", "VERB"}, {"read", "VERB"}, {"big", "ADJ"}};
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            sb.append("# sent_id = ").append(s + 1).append('\n');
            String[][] pattern = {lexicon[rng.nextInt(2)], lexicon[7], lexicon[2 + rng.nextInt(3)], lexicon[5 + rng.nextInt(2)],
                lexicon[rng.nextInt(2)], lexicon[2 + rng.nextInt(3)]};
            int id = 1;
            for (String[] w : pattern) {
                if (w == lexicon[7] && rng.nextBoolean()) {
                    continue;
                }
                sb.append(id).append('\t').append(w[0]).append("\t_\t").append(w[1]).append("\t_\t_\t0\t_\t_\t_\n");
                id++;
            }
            sb.append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString());
        return p;
    }

    @Test
    void aTreebankRunReportsDevAccuracyRecordsProvenanceAndEvaluates() throws Exception {
        Path train = toyTreebank("toy-train.conllu", 60, 1);
        Path dev = toyTreebank("toy-dev.conllu", 20, 2);
        Path model = dir.resolve("toy.stepwise");

        CliRun r = CliRun.of(new TrainCommand(), "tagger", "--conllu", train.toString(), "--dev", dev.toString(),
                "--out", model.toString(), "--epochs", "3", "--hidden", "16", "--embedding", "8", "--batch", "8",
                "--lr", "0.02", "--min-count", "1", "--name", "toy", "--version", "4", "--seed", "3");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch 1/3").contains("epoch 3/3").contains("dev accuracy");
        TaggerModel m = (TaggerModel) ModelFile.read(model);
        assertThat(m.name()).isEqualTo("toy");
        assertThat(m.version()).isEqualTo(4);
        assertThat(m.meta().provenance()).containsKeys("train_data", "dev_data", "trainer", "os", "dev_accuracy")
                .doesNotContainKey("attribution");
        assertThat(m.meta().provenance().get("train_data").toString()).contains("toy-train.conllu").contains(DataFiles.sha256(train));

        CliRun eval = CliRun.of(new EvalCommand(), "tagger", "--model", model.toString(), "--conllu", dev.toString());

        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.lastLine()).matches("accuracy: [01]\\.\\d{4}");
        double acc = Double.parseDouble(eval.lastLine().substring("accuracy: ".length()));
        assertThat(acc).isEqualTo((Double) m.meta().provenance().get("dev_accuracy"), org.assertj.core.data.Offset.offset(5e-5));
    }

    @Test
    void userErrorsAreOneLineAndExitTwo() throws Exception {
        Path train = toyTreebank("t.conllu", 5, 1);
        Path broken = dir.resolve("broken.conllu");
        Files.writeString(broken, "1\tdog\tdog\tNOUN\n");
        Path model = dir.resolve("m.stepwise");

        assertThat(CliRun.of(new TrainCommand(), "tagger", "--conllu", train.toString()).isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "tagger").isOneLineUserError()).isTrue();
        assertThat(CliRun.of(new TrainCommand(), "tagger", "--tutorial", "--conllu", train.toString()).isOneLineUserError()).isTrue();
        CliRun missing = CliRun.of(new TrainCommand(), "tagger", "--conllu", dir.resolve("nope.conllu").toString(), "--out", model.toString());
        assertThat(missing.isOneLineUserError()).as(missing.err()).isTrue();
        CliRun malformed = CliRun.of(new TrainCommand(), "tagger", "--conllu", broken.toString(), "--out", model.toString());
        assertThat(malformed.isOneLineUserError()).isTrue();
        assertThat(malformed.err()).contains("broken.conllu:1:");
        assertThat(CliRun.of(new TrainCommand(), "tagger", "--tutorial", "--epochs", "0").isOneLineUserError()).isTrue();
        assertThat(Files.exists(model)).isFalse();
    }

    @Test
    void evaluatingAModelOfAnotherKindIsAUserError() throws Exception {
        Path sum = dir.resolve("sum.stepwise");
        CliRun trained = CliRun.of(new TrainCommand(), "sum", "--recipe", "gradient", "--hidden", "4", "--max-len", "4", "--eval-len", "4", "--steps", "5",
                "--test-sequences", "10", "--out", sum.toString());
        assertThat(trained.exit()).as(trained.err()).isZero();

        CliRun r = CliRun.of(new EvalCommand(), "tagger", "--model", sum.toString(), "--conllu", toyTreebank("d.conllu", 3, 1).toString());

        assertThat(r.isOneLineUserError()).as(r.err()).isTrue();
        assertThat(r.err()).contains("sum model, not a tagger");
    }
}
