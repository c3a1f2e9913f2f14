package io.stepwise.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs a command in-process as the stepwise launcher would, capturing what it prints. */
record CliRun(int exit, String out, String err) {

    static CliRun of(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(Stepwise::handleError);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    String lastLine() {
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** A user error: exit code 2 and exactly one line on stderr, no stack trace. */
    boolean isOneLineUserError() {
        return exit == 2 && err.strip().lines().count() == 1 && !err.contains("Exception") && !err.contains("\tat ");
    }
}
