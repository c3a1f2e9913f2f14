package io.stepwise.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where data sets live unless told otherwise: {@code data/} at the root of the repository, a folder
 * that git ignores. The root is the one the launcher names ({@code -Dstepwise.home}); without it
 * (a JVM started some other way), the nearest folder at or above the working directory that holds
 * the launcher and the build, else the working directory itself. So {@code stepwise data ud-ewt}
 * puts a corpus where the tests and {@code stepwise demo --corpus} look for it, wherever it is
 * run from.
 */
public final class DataFolder {

    /** The folder's name under the repository root; .gitignore names it too. */
    public static final String NAME = "data";

    private DataFolder() {
    }

    public static Path defaultDir() {
        return of(System.getProperty("stepwise.home"), Path.of("").toAbsolutePath());
    }

    static Path of(String homeProperty, Path workingDirectory) {
        if (homeProperty != null && !homeProperty.isBlank()) {
            return Path.of(homeProperty).toAbsolutePath().resolve(NAME);
        }
        for (Path dir = workingDirectory.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("stepwise")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir.resolve(NAME);
            }
        }
        return workingDirectory.toAbsolutePath().resolve(NAME);
    }
}
