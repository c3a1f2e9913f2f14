package io.stepwise.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import io.stepwise.cli.Stepwise;
import io.stepwise.jobs.inference.InferenceJob;
import io.stepwise.local.cluster.ClusterClasspath;
import io.stepwise.model.Model;
import io.stepwise.wire.Element;
import java.net.URI;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The modules' layering, checked on the compiled classes: dependencies point one way,
 * cli → jobs → connectors → lstm-core (docs/architecture.md, "Modules"). Maven already refuses a
 * module that imports a module it does not declare; this catches a package that moves to the
 * wrong module, or a lower module that reaches up through a class that happens to be on its path.
 */
class ModuleLayersTest {

    /** The main code of the four modules, each from its own jar (or classes folder). */
    private static final JavaClasses STEPWISE = new ClassFileImporter().importLocations(
            Stream.of(Model.class, Element.class, InferenceJob.class, Stepwise.class).map(ClusterClasspath::codeOf)
                    .map(ModuleLayersTest::location).toList());

    private static Location location(Path code) {
        return code.toString().endsWith(".jar") ? Location.of(URI.create("jar:" + code.toUri() + "!/")) : Location.of(code);
    }

    @Test
    void dependenciesPointFromTheCommandLineDownToTheCore() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("lstm-core").definedBy("io.stepwise.lstm..", "io.stepwise.model..", "io.stepwise.nn..",
                        "io.stepwise.tensor..", "io.stepwise.torch..", "io.stepwise.train..", "io.stepwise.io..")
                .layer("connectors").definedBy("io.stepwise.wire..", "io.stepwise.kafka..", "io.stepwise.modelstream..",
                        "io.stepwise.recording..")
                .layer("jobs").definedBy("io.stepwise.jobs..", "io.stepwise.predict..")
                .layer("cli").definedBy("io.stepwise.cli..", "io.stepwise.demo..", "io.stepwise.data..", "io.stepwise.local..",
                        "io.stepwise.pipeline..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("jobs").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("connectors").mayOnlyBeAccessedByLayers("jobs", "cli")
                .whereLayer("lstm-core").mayOnlyBeAccessedByLayers("connectors", "jobs", "cli")
                .withOptionalLayers(false)
                .check(STEPWISE);
    }
}
