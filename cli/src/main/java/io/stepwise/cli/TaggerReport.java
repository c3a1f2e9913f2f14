package io.stepwise.cli;

import io.stepwise.train.TaggerEvaluation;
import java.io.PrintWriter;
import java.util.Locale;

/** A tagger's evaluation as the command line prints it: by delay, known and unknown words; per tag and confusions. */
final class TaggerReport {

    private TaggerReport() {
    }

    /** The table by delay; with {@code detail}, per tag and the ten most frequent confusions too. The last line is {@code accuracy: 0.xxxx}. */
    static void print(PrintWriter out, TaggerEvaluation.Report r, boolean detail) {
        out.printf(Locale.ROOT, "%6s %10s %10s %10s %10s%n", "delay", "accuracy", "known", "unknown", "unknown %");
        for (TaggerEvaluation.AtDelay d : r.byDelay()) {
            out.printf(Locale.ROOT, "%6d %10.4f %10.4f %10.4f %9.1f%%%n", d.delay(), d.all().value(), d.known().value(),
                    d.unknown().value(), 100.0 * d.unknown().tokens() / Math.max(1, d.all().tokens()));
        }
        if (detail) {
            out.printf(Locale.ROOT, "%nper tag (delay %d):%n%8s %8s %10s%n", r.finalTags().delay(), "tag", "words", "accuracy");
            r.perTag().forEach((tag, a) -> out.printf(Locale.ROOT, "%8s %8d %10.4f%n", tag, a.tokens(), a.value()));
            out.printf(Locale.ROOT, "%nmost frequent confusions (gold -> predicted):%n");
            r.confusions().stream().limit(10).forEach(c -> out.printf(Locale.ROOT, "%8s -> %-8s %6d%n", c.gold(), c.predicted(), c.count()));
        }
        out.printf(Locale.ROOT, "accuracy: %.4f%n", r.finalTags().all().value());
        out.flush();
    }
}
