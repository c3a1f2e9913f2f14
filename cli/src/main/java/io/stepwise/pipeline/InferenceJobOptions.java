package io.stepwise.pipeline;

import io.stepwise.jobs.config.OptionGroup;
import io.stepwise.jobs.inference.InferenceSettings;
import java.util.List;
import java.util.Set;

/**
 * The inference job's own options passed through the benchmark ({@code -- JOB_OPTION...}), parsed
 * by the job's declarations ({@link InferenceSettings#OPTIONS}), so that any option the job has,
 * now or later (a batch size, say), can be benchmarked without a change here.
 */
public final class InferenceJobOptions {

    /** Options the benchmark sets for every row; passing them through would make the rows measure something else. */
    static final Set<String> RESERVED = Set.of("--bootstrap", "--kafka-config", "--input-topic", "--output-topic", "--model-topic",
            "--dead-letter-topic", "--model", "--model-name", "--recording", "--replay", "--output", "--group-id",
            "--checkpoint-interval", "--at-least-once");

    private InferenceJobOptions() {
    }

    /** Fails, naming the option, if {@code options} are not options the job takes or set what the benchmark sets. */
    public static void check(List<String> options) {
        builder(options);
    }

    /** The job's settings builder with {@code options} applied by the job's own parser. */
    static InferenceSettings.Builder builder(List<String> options) {
        for (String o : options) {
            String name = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("job option " + name + " is set by the benchmark itself"
                        + switch (name) {
                            case "--checkpoint-interval" -> "; give it before --";
                            case "--at-least-once" -> "; choose the rows' delivery with --delivery";
                            case "--bootstrap", "--kafka-config" -> "; give it before --";
                            default -> "";
                        });
            }
        }
        return OptionGroup.parse(options.toArray(String[]::new), InferenceSettings.OPTIONS, InferenceSettings.Builder::new);
    }
}
