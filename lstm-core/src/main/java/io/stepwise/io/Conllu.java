package io.stepwise.io;

import io.stepwise.train.TaggedSentence;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CoNLL-U treebank (universaldependencies.org/format.html) as tagged sentences of
 * (FORM, UPOS). Only the syntactic words count: a multiword-token range ({@code 3-4}) stands for
 * words listed after it, and an empty node ({@code 5.1}) is no word of the surface sentence, so
 * both are skipped, as are comment lines.
 */
public final class Conllu {

    private static final int COLUMNS = 10;
    private static final int ID = 0;
    private static final int FORM = 1;
    private static final int UPOS = 3;

    private Conllu() {
    }

    /** A line the format does not allow; the message names the file and line. */
    public static final class FormatException extends IOException {
        private final String source;
        private final int line;

        FormatException(String source, int line, String problem) {
            super(source + ":" + line + ": " + problem);
            this.source = source;
            this.line = line;
        }

        public String source() {
            return source;
        }

        public int line() {
            return line;
        }
    }

    public static List<TaggedSentence> read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    /** Reads all sentences; {@code source} names the input in error messages. */
    public static List<TaggedSentence> read(Reader reader, String source) throws IOException {
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        List<TaggedSentence> sentences = new ArrayList<>();
        List<String> words = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        int firstTokenLine = 0; // of the sentence being read; 0 while it has no token lines
        int lineNo = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                endSentence(sentences, words, tags, source, firstTokenLine);
                firstTokenLine = 0;
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            if (firstTokenLine == 0) {
                firstTokenLine = lineNo;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length != COLUMNS) {
                throw new FormatException(source, lineNo, "expected " + COLUMNS + " tab-separated columns, found " + cols.length);
            }
            String id = cols[ID];
            if (isRange(id) || isEmptyNode(id)) {
                continue;
            }
            if (!isWordId(id)) {
                throw new FormatException(source, lineNo, "ID '" + id + "' is neither a word index, a range (3-4) nor an empty node (5.1)");
            }
            int expected = words.size() + 1;
            if (Integer.parseInt(id) != expected) {
                throw new FormatException(source, lineNo, "word ID " + id + " out of order, expected " + expected);
            }
            if (cols[FORM].isEmpty()) {
                throw new FormatException(source, lineNo, "word " + id + " has an empty FORM");
            }
            if (cols[UPOS].isEmpty() || cols[UPOS].equals("_")) {
                throw new FormatException(source, lineNo, "word " + id + " has no UPOS tag");
            }
            words.add(cols[FORM]);
            tags.add(cols[UPOS]);
        }
        endSentence(sentences, words, tags, source, firstTokenLine);
        return sentences;
    }

    private static void endSentence(List<TaggedSentence> sentences, List<String> words, List<String> tags,
                                    String source, int firstTokenLine) throws FormatException {
        if (!words.isEmpty()) {
            sentences.add(new TaggedSentence(words, tags));
            words.clear();
            tags.clear();
        } else if (firstTokenLine > 0) {
            throw new FormatException(source, firstTokenLine, "sentence has no words, only multiword ranges or empty nodes");
        }
    }

    private static boolean isWordId(String id) {
        if (id.isEmpty() || id.length() > 9) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!Character.isDigit(id.charAt(i))) {
                return false;
            }
        }
        return id.charAt(0) != '0';
    }

    private static boolean isRange(String id) {
        int dash = id.indexOf('-');
        return dash > 0 && isWordId(id.substring(0, dash)) && isWordId(id.substring(dash + 1));
    }

    private static boolean isEmptyNode(String id) {
        int dot = id.indexOf('.');
        return dot > 0 && (isWordId(id.substring(0, dot)) || id.substring(0, dot).equals("0")) && isWordId(id.substring(dot + 1));
    }
}
