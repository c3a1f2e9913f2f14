package io.stepwise.migration;

import io.stepwise.wire.Element;
import io.stepwise.wire.ElementCodec;
import io.stepwise.wire.InvalidElementException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Interleaved streams cut in two: the elements a job saw before it was stopped for an upgrade,
 * and those that arrive after. Every stream is cut where it is in mid-sequence, so the second half
 * means something only if the first half's state was carried over.
 *
 * <p>A few streams begin their second half by resending the last element of their first half, as
 * an at-least-once producer does after a restart; the restored {@code seq} must drop it.
 */
record Halves(List<Element> first, List<Element> second) {

    /** Event time of the first element; each next element, over both halves, is 250 ms later. */
    static final long START_MILLIS = 1_764_390_000_000L;

    /**
     * Tagger streams {@code chat-0} … : two or three sentences of 3 to 8 words each (an unknown word
     * now and then), cut inside the first sentence, or, for two streams in five, inside the second,
     * after the first one's end marker.
     */
    static Halves sentences(int streams, List<String> words, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Element>> before = new ArrayList<>();
        List<List<Element>> after = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            String stream = "chat-" + s;
            int sentences = 2 + rng.nextInt(2);
            int cutSentence = s % 5 < 2 ? 1 : 0;
            List<Element> all = new ArrayList<>();
            int cut = -1;
            long seq = 1;
            for (int k = 0; k < sentences; k++) {
                int len = 3 + rng.nextInt(6);
                int wordsBefore = 1 + rng.nextInt(len - 1); // at least one word on each side of the cut
                for (int i = 0; i < len; i++) {
                    if (k == cutSentence && i == wordsBefore) {
                        cut = all.size();
                    }
                    String w = rng.nextInt(15) == 0 ? "unseen" + rng.nextInt(100) : words.get(rng.nextInt(words.size()));
                    all.add(Element.token(stream, seq++, null, w));
                }
                all.add(Element.endOf(stream, seq++, null));
            }
            before.add(all.subList(0, cut));
            after.add(withResend(s, all.subList(0, cut), all.subList(cut, all.size())));
        }
        return timed(interleave(before, rng), interleave(after, rng));
    }

    /**
     * Sum streams {@code meter-0} … without end (meters run forever): 5 to 34 values before the
     * cut, some streams fewer than the rewarm window of 16 and some more, and 5 to 24 after;
     * integers in [-100, 100], as the sum models are trained on.
     */
    static Halves meters(int streams, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Element>> before = new ArrayList<>();
        List<List<Element>> after = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            String stream = "meter-" + s;
            int n1 = 5 + rng.nextInt(30);
            int n2 = 5 + rng.nextInt(20);
            List<Element> all = new ArrayList<>();
            for (int i = 0; i < n1 + n2; i++) {
                all.add(Element.value(stream, (long) i + 1, null, rng.nextInt(201) - 100));
            }
            before.add(all.subList(0, n1));
            after.add(withResend(s, all.subList(0, n1), all.subList(n1, all.size())));
        }
        return timed(interleave(before, rng), interleave(after, rng));
    }

    /** Every seventh stream resends its last element before going on. */
    private static List<Element> withResend(int stream, List<Element> before, List<Element> after) {
        List<Element> out = new ArrayList<>();
        if (stream % 7 == 3) {
            out.add(before.get(before.size() - 1));
        }
        out.addAll(after);
        return out;
    }

    private static List<Element> interleave(List<List<Element>> perStream, SplittableRandom rng) {
        List<Element> out = new ArrayList<>();
        int[] next = new int[perStream.size()];
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < perStream.size(); i++) {
            open.add(i);
        }
        while (!open.isEmpty()) {
            int pick = rng.nextInt(open.size());
            int s = open.get(pick);
            out.add(perStream.get(s).get(next[s]++));
            if (next[s] == perStream.get(s).size()) {
                open.remove(pick);
            }
        }
        return out;
    }

    /** Stamps event times in arrival order; a resent element keeps the time it was first sent with. */
    private static Halves timed(List<Element> first, List<Element> second) {
        Map<String, Element> sent = new LinkedHashMap<>();
        List<Element> a = new ArrayList<>();
        long t = START_MILLIS;
        for (Element e : first) {
            Element stamped = new Element(e.stream(), e.seq(), t, e.token(), e.value(), e.end());
            sent.put(key(e.stream(), e.seq()), stamped);
            a.add(stamped);
            t += 250;
        }
        List<Element> b = new ArrayList<>();
        for (Element e : second) {
            Element resent = sent.get(key(e.stream(), e.seq()));
            b.add(resent != null ? resent : new Element(e.stream(), e.seq(), t, e.token(), e.value(), e.end()));
            t += 250;
        }
        return new Halves(a, b);
    }

    // ---- files and expectations ----------------------------------------------------------------

    static Halves read(Path firstHalf, Path secondHalf) {
        return new Halves(readElements(firstHalf), readElements(secondHalf));
    }

    static void write(List<Element> elements, Path file) throws IOException {
        Files.write(file, elements.stream().map(ElementCodec::write).toList(), StandardCharsets.UTF_8);
    }

    private static List<Element> readElements(Path file) {
        try {
            List<Element> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(ElementCodec.parse(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvalidElementException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    List<Element> both() {
        List<Element> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    Set<String> streams() {
        Set<String> out = new TreeSet<>();
        first.forEach(e -> out.add(e.stream()));
        return out;
    }

    /** {@code stream#seq} of every first-half element that gets a result: all but end markers. */
    Set<String> firstHalfResultKeys() {
        Set<String> out = new TreeSet<>();
        for (Element e : first) {
            if (!e.end()) {
                out.add(key(e.stream(), e.seq()));
            }
        }
        return out;
    }

    /** The second-half elements that get a result: all but end markers and resends of first-half elements. */
    Set<String> secondHalfResultKeys() {
        Set<String> firstKeys = firstHalfResultKeys();
        Set<String> out = new TreeSet<>();
        for (Element e : second) {
            if (!e.end() && !firstKeys.contains(key(e.stream(), e.seq()))) {
                out.add(key(e.stream(), e.seq()));
            }
        }
        return out;
    }

    static String key(String stream, long seq) {
        return stream + "#" + seq;
    }
}
