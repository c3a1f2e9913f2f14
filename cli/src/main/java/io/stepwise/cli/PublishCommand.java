package io.stepwise.cli;

import io.stepwise.kafka.KafkaClient;
import io.stepwise.kafka.KafkaConnectors;
import io.stepwise.model.Model;
import io.stepwise.model.ModelFile;
import io.stepwise.modelstream.ModelSignatures;
import io.stepwise.modelstream.SigningKey;
import io.stepwise.wire.ModelAnnouncement;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stepwise publish}: announces a model file as a new version on a model topic, signed. */
@Command(name = "publish", mixinStandardHelpOptions = true, modelTransformer = KafkaClientOptions.class,
        header = "Announces a model file as a new version on a model topic, signed.",
        description = {
            "Sends the model version announcement of --model to --model-topic (key = the model's name),",
            "as the training job does: the file's name, version and SHA-256, signed with --signing-key so",
            "that inference jobs with --trusted-keys accept it, and the file itself inline (base64), or",
            "with --uri the place the inference jobs fetch it from (it must be that very file, in a folder",
            "their --model-uri-allow allows). The running inference jobs serve it if its version is above",
            "the serving one. Without --signing-key the announcement goes out unsigned."})
public final class PublishCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file to announce.")
    Path model;

    @Option(names = "--model-topic", required = true, paramLabel = "TOPIC", description = "The topic the inference jobs read versions from.")
    String modelTopic;

    @Option(names = "--signing-key", paramLabel = "FILE", description = "Sign with this key (stepwise keys generate).")
    Path signingKey;

    @Option(names = "--uri", paramLabel = "URI",
            description = "Announce the file at this URI (file:///…, s3://…) instead of inline.")
    String uri;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KafkaClient kafka = KafkaClientOptions.client(spec);
        byte[] bytes = Files.readAllBytes(model);
        Model m = ModelFile.fromBytes(bytes, model.toString());
        String sha = ModelFile.sha256Hex(bytes);
        if (uri != null) {
            checkUri(sha);
        }
        ModelAnnouncement a = uri == null ? ModelAnnouncement.inline(m.name(), m.version(), bytes, sha)
                : ModelAnnouncement.at(m.name(), m.version(), uri, sha);
        SigningKey key = signingKey == null ? null : SigningKey.read(signingKey);
        if (key != null) {
            a = ModelSignatures.sign(a, key);
        }
        KafkaConnectors.ensureTopics(kafka, Set.of(modelTopic), 1);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(KafkaConnectors.producerProperties(kafka))) {
            p.send(new ProducerRecord<>(modelTopic, m.name(), a.toJson())).get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordTooLargeException) {
                throw new IllegalArgumentException(model + " (" + bytes.length + " bytes) is too large to announce inline on "
                        + modelTopic + "; put it where the inference jobs read files and give --uri");
            }
            throw new IllegalStateException("cannot publish to " + modelTopic + " on " + kafka.bootstrap() + ": "
                    + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing to " + modelTopic + " on " + kafka.bootstrap() + " timed out", e);
        }
        spec.commandLine().getOut().printf("published %s v%d (SHA-256 %s…) to %s, %s, %s%n", m.name(), m.version(), sha.substring(0, 12),
                modelTopic, uri == null ? "inline" : "at " + uri,
                key == null ? "unsigned" : "signed by key " + key.keyId().substring(0, 16) + "…");
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** A URI with a scheme; a local file there must be --model's very bytes, or the inference jobs would reject it. */
    private void checkUri(String sha) throws Exception {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--uri '" + uri + "' is not a URI: " + e.getMessage());
        }
        if (u.getScheme() == null) {
            throw new IllegalArgumentException("--uri '" + uri + "' needs a scheme: file:///…, s3://…");
        }
        if ("file".equals(u.getScheme())) {
            Path there = Path.of(u.getPath());
            if (Files.isRegularFile(there) && !ModelFile.sha256Hex(Files.readAllBytes(there)).equals(sha)) {
                throw new IllegalArgumentException("the file at --uri " + uri + " is not the same as --model " + model
                        + " (their SHA-256 differ): the inference jobs would reject it");
            }
        }
    }
}
