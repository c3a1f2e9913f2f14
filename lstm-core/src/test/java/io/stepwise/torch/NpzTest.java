package io.stepwise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpzTest {

    /** The arrays make_numpy_files.py handed to numpy.savez, in its order, as NumPy described them. */
    private static Map<String, Tensor> savedByNumpy() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        NumpyFiles.expected().fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && !e.getKey().endsWith(".npy")) {
                out.put(e.getKey(), NumpyFiles.expected(e.getKey()));
            }
        });
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"numpy_savez.npz", "numpy_savez_compressed.npz"})
    void readsEveryArrayNumpySavezWrote(String file) throws IOException {
        Map<String, Tensor> read = Npz.read(NumpyFiles.path(file));

        Map<String, Tensor> expected = savedByNumpy();
        assertThat(expected).containsKeys("scalar", "from_float64", "counts_int64", "big_endian", "empty");
        assertThat(new ArrayList<>(read.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
        assertThat(read).isEqualTo(expected);
        assertThat(read.get("scalar").rank()).isZero();
    }

    @Test
    void writesEntriesByteForByteAsNumpySavezDoesForFloat32Arrays(@TempDir Path dir) throws IOException {
        Map<String, Tensor> float32 = new LinkedHashMap<>();
        for (String key : List.of("lstm.weight_ih_l0", "lstm.bias_ih_l0", "scalar", "empty", "rank3")) {
            float32.put(key, NumpyFiles.expected(key));
        }
        Path mine = dir.resolve("mine.npz");

        Npz.write(float32, mine);

        try (ZipFile ours = new ZipFile(mine.toFile()); ZipFile numpys = new ZipFile(NumpyFiles.path("numpy_savez.npz").toFile())) {
            List<String> names = new ArrayList<>();
            ours.stream().forEach(e -> names.add(e.getName()));
            assertThat(names).containsExactly("lstm.weight_ih_l0.npy", "lstm.bias_ih_l0.npy", "scalar.npy", "empty.npy", "rank3.npy");
            for (String name : names) {
                ZipEntry e = ours.getEntry(name);
                assertThat(e.getMethod()).as("%s stored uncompressed, as numpy.savez does", name).isEqualTo(ZipEntry.STORED);
                assertThat(read(ours, e)).as(name).isEqualTo(read(numpys, numpys.getEntry(name)));
            }
        }
        assertThat(Npz.read(mine)).isEqualTo(float32);
    }

    @Test
    void writeIsReproducible(@TempDir Path dir) throws IOException {
        Map<String, Tensor> a = Map.of("w", new Tensor(new int[]{2}, new float[]{1, 2}));
        Npz.write(a, dir.resolve("a.npz"));
        Npz.write(a, dir.resolve("b.npz"));

        assertThat(Files.readAllBytes(dir.resolve("a.npz"))).isEqualTo(Files.readAllBytes(dir.resolve("b.npz")));
    }

    @Test
    void anEntryThatIsNotAnArrayIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("odd.npz");
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write(new byte[]{'h', 'i'});
            zip.closeEntry();
        }

        assertThatThrownBy(() -> Npz.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("odd.npz: entry 'notes.txt' is not a .npy array");
    }

    @Test
    void aFileThatIsNotAZipIsRefused(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("weights.npz");
        Files.writeString(f, "{\"not\": \"a zip\"}");

        assertThatThrownBy(() -> Npz.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("weights.npz: not a readable .npz (zip) file");
    }

    @Test
    void aBadArrayInsideNamesItsEntry(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.npz");
        try (OutputStream out = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("lstm.bias_hh_l0.npy"));
            zip.write(NumpyFiles.bytes("complex64.npy"));
            zip.closeEntry();
        }

        assertThatThrownBy(() -> Npz.read(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad.npz!lstm.bias_hh_l0.npy: unsupported dtype '<c8'");
    }

    private static byte[] read(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
