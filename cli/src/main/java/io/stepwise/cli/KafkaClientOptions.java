package io.stepwise.cli;

import io.stepwise.jobs.config.KafkaJobSettings;
import io.stepwise.kafka.KafkaClient;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options by which a command reaches Kafka ({@code --bootstrap}, {@code --kafka-config}),
 * declared with the jobs' ({@link KafkaJobSettings#CLIENT_OPTIONS}), for commands that talk to
 * Kafka themselves: {@code @Command(modelTransformer = KafkaClientOptions.class)}.
 */
public final class KafkaClientOptions implements CommandLine.IModelTransformer {

    @Override
    public CommandSpec transform(CommandSpec spec) {
        return JobOptions.addTo(spec, List.of(KafkaJobSettings.CLIENT_OPTIONS), () -> KafkaJobSettings.builder("stepwise"));
    }

    /** The cluster the command line of {@code spec} names. */
    static KafkaClient client(CommandSpec spec) {
        return JobOptions.settings(spec.commandLine().getParseResult(), List.of(KafkaJobSettings.CLIENT_OPTIONS),
                () -> KafkaJobSettings.builder("stepwise")).client();
    }
}
