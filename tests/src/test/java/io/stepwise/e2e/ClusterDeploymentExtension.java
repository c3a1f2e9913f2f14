package io.stepwise.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link ClusterDeployment} per test class: started before the first test (under
 * {@code target/<folder>}), its jobs cancelled after each test, the processes stopped after the
 * last. Register it as a static field with {@code @RegisterExtension}.
 */
final class ClusterDeploymentExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private final String folder;
    private ClusterDeployment deployment;

    ClusterDeploymentExtension(String folder) {
        this.folder = folder;
    }

    ClusterDeployment deployment() {
        if (deployment == null) {
            throw new IllegalStateException("the cluster deployment has not started (or failed to)");
        }
        return deployment;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        deployment = ClusterDeployment.start(Path.of("target", folder));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (deployment != null) {
            deployment.cancelAllJobs();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (deployment != null) {
            deployment.close();
            deployment = null;
        }
    }
}
