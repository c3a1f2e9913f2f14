package io.stepwise.torch;

import io.stepwise.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A set of named arrays in NumPy's {@code .npz} format: a zip of {@code .npy} files, one entry
 * {@code "<key>.npy"} per array, as {@code numpy.savez(file, **arrays)} writes it. A PyTorch
 * {@code state_dict} crosses over as {@code numpy.savez(f, **{k: v.numpy() for k, v in sd.items()})}.
 */
public final class Npz {

    private static final String SUFFIX = ".npy";
    /** numpy.savez stamps entries with the zip epoch too; a fixed time keeps exports reproducible. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {
    }

    /** The arrays by key, in the order the archive lists them. Compressed archives ({@code savez_compressed}) read too. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        String name = file.getFileName().toString();
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                if (!e.getName().endsWith(SUFFIX)) {
                    throw new IllegalArgumentException(name + ": entry '" + e.getName()
                            + "' is not a .npy array; a .npz from numpy.savez holds only <key>.npy entries");
                }
                String key = e.getName().substring(0, e.getName().length() - SUFFIX.length());
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                out.put(key, Npy.read(bytes, name + "!" + e.getName()));
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException(name + ": not a readable .npz (zip) file: " + e.getMessage(), e);
        }
        return out;
    }

    /** Writes {@code arrays} uncompressed, as {@code numpy.savez} does, each as float32. */
    public static void write(Map<String, Tensor> arrays, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(arrays, out);
        }
    }

    public static void write(Map<String, Tensor> arrays, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, Tensor> a : arrays.entrySet()) {
            byte[] npy = Npy.write(a.getValue());
            CRC32 crc = new CRC32();
            crc.update(npy);
            ZipEntry e = new ZipEntry(a.getKey() + SUFFIX);
            e.setMethod(ZipEntry.STORED);
            e.setSize(npy.length);
            e.setCompressedSize(npy.length);
            e.setCrc(crc.getValue());
            e.setTimeLocal(ENTRY_TIME);
            zip.putNextEntry(e);
            zip.write(npy);
            zip.closeEntry();
        }
        zip.finish();
    }
}
