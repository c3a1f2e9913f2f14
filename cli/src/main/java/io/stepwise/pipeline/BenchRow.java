package io.stepwise.pipeline;

import io.stepwise.pipeline.ElementGenerator.Content;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of the table, each a system that copies or serves the same kind of records. Row a is the
 * physical ceiling of the machine and Kafka; row b the ceiling of the pipeline (parse, keyed state,
 * result) with a model whose step costs next to nothing; c to f what real models cost on top, f
 * being the tagger {@code train tagger --conllu} trains by default (character features, delay 2:
 * two results per word, its tag at once and its final tag).
 */
public enum BenchRow {
    KAFKA_COPY('a', "Kafka copy (consumer -> producer)", Content.TOKENS),
    NO_OP('b', "no-op tagger (emb 1, hidden 1)", Content.TOKENS),
    TUTORIAL('c', "tutorial tagger (emb 6, hidden 6)", Content.TOKENS),
    EWT('d', "EWT-size tagger (emb 64, hidden 128)", Content.TOKENS),
    SUM('e', "sum model (hidden 64)", Content.NUMBERS),
    STREAMING('f', "streaming tagger (chars, delay 2)", Content.TOKENS);

    private final char letter;
    private final String title;
    private final Content content;

    BenchRow(char letter, String title, Content content) {
        this.letter = letter;
        this.title = title;
        this.content = content;
    }

    public char letter() {
        return letter;
    }

    public String title() {
        return title;
    }

    public Content content() {
        return content;
    }

    public boolean isKafkaCopy() {
        return this == KAFKA_COPY;
    }

    /** Whether its model tags each word twice: at once ({@code "final":false}) and finally, with delay. */
    public boolean tagsAtOnce() {
        return this == STREAMING;
    }

    /** Rows by letter, {@code a,b,d}, in the table's order. */
    public static List<BenchRow> parseList(String text) {
        List<BenchRow> chosen = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            BenchRow row = null;
            for (BenchRow r : values()) {
                if (p.length() == 1 && r.letter == p.charAt(0)) {
                    row = r;
                }
            }
            if (row == null) {
                throw new IllegalArgumentException("--only takes row letters a to f, comma-separated, got '" + part.strip() + "'");
            }
            if (!chosen.contains(row)) {
                chosen.add(row);
            }
        }
        chosen.sort(null);
        return chosen;
    }
}
