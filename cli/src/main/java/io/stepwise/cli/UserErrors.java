package io.stepwise.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns what went wrong with a user's input (a missing file, a bad model file, a config that does
 * not fit) into one line for the terminal. A user's mistake deserves a sentence, not a stack trace.
 */
final class UserErrors {

    /** Exit code for bad input, the same picocli uses for bad arguments. */
    static final int EXIT_BAD_INPUT = 2;

    private UserErrors() {
    }

    static String describe(Exception e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof NotDirectoryException d) {
            return "not a directory: " + d.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e instanceof IOException ? "I/O error (" + e.getClass().getSimpleName() + ")" : e.getClass().getSimpleName();
        }
        return m.lines().findFirst().orElse(m);
    }
}
