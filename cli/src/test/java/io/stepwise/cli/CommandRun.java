package io.stepwise.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One command line run in-process: its exit code and what it printed. */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun of(Object command, Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = String.valueOf(args[i]);
        }
        int code = cl.execute(a);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
