package io.stepwise.torch;

import io.stepwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NumPy array in the {@code .npy} format (format versions 1.0, 2.0 and 3.0), as
 * {@code numpy.save} writes it and {@code numpy.savez} stores it per entry.
 *
 * <p>Reads float32 as is and float64, int32 and int64 converted to float32 (a float64 state dict
 * is common when weights went through NumPy arithmetic); an integer that float32 cannot hold
 * exactly is refused rather than rounded. Writes float32 little-endian, with the header NumPy
 * itself writes, so that {@code numpy.load} and this reader see the same file.
 */
public final class Npy {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy aligns the data to 64 bytes (since 1.x) so that it can be memory-mapped. */
    private static final int ALIGN = 64;
    /** NumPy reserves room in the header to grow the first axis in place (numpy.lib.format). */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final long FLOAT_EXACT_INT = 1L << 24;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*(?:'([^']*)'|(\\[))");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** The array in {@code bytes}; {@code source} names it in error messages. */
    public static Tensor read(byte[] bytes, String source) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 4) {
            throw error(source, "too short for a .npy file (" + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw error(source, "not a .npy file (it does not start with \\x93NUMPY)");
            }
        }
        int major = bytes[6] & 0xff;
        buf.position(8);
        long headerLen;
        if (major == 1) {
            headerLen = buf.getShort() & 0xffff;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw error(source, "too short for a .npy file (" + bytes.length + " bytes)");
            }
            headerLen = buf.getInt() & 0xffffffffL;
        } else {
            throw error(source, ".npy format version " + major + "." + (bytes[7] & 0xff) + " is not supported (1.0, 2.0, 3.0 are)");
        }
        int dataStart = buf.position();
        if (dataStart + headerLen > bytes.length) {
            throw error(source, "header runs past the end of the file (truncated?)");
        }
        // version 3.0 differs from 2.0 only in allowing UTF-8 in the header
        String header = new String(bytes, dataStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = parseHeader(header, source);
        int offset = dataStart + (int) headerLen;
        long count = 1;
        for (int d : h.shape) {
            count *= d;
        }
        long need = count * h.itemSize;
        if (bytes.length - offset < need) {
            throw error(source, "shape " + java.util.Arrays.toString(h.shape) + " of " + h.descr + " needs " + need
                    + " data bytes, the file has " + (bytes.length - offset) + " (truncated?)");
        }
        if (count > Integer.MAX_VALUE) {
            throw error(source, "array of " + count + " values is too large");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, (int) need).slice().order(h.order);
        float[] out = new float[(int) count];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (h.type) {
                case 'f' -> h.itemSize == 4 ? data.getFloat() : (float) data.getDouble();
                case 'i' -> exactFloat(h.itemSize == 4 ? data.getInt() : data.getLong(), i, source);
                default -> throw new AssertionError(h.type);
            };
        }
        return new Tensor(h.shape, out);
    }

    /** {@code tensor} as a float32 {@code .npy} file, byte for byte what {@code numpy.save} writes. */
    public static byte[] write(Tensor tensor) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeRepr(tensor.shape()) + ", }";
        StringBuilder header = new StringBuilder(dict);
        if (tensor.rank() > 0) {
            header.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(tensor.dim(0)).length()));
        }
        int preamble = MAGIC.length + 2 + 2;
        int pad = ALIGN - (preamble + header.length() + 1) % ALIGN;
        if (pad == ALIGN) {
            pad = 0;
        }
        header.append(" ".repeat(pad)).append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        boolean v2 = h.length > 0xffff;
        ByteBuffer out = ByteBuffer.allocate(preamble + (v2 ? 2 : 0) + h.length + 4 * tensor.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            out.putInt(h.length);
        } else {
            out.putShort((short) h.length);
        }
        out.put(h);
        for (float v : tensor.data()) {
            out.putFloat(v);
        }
        return out.array();
    }

    static String shapeRepr(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(')').toString();
    }

    private record Header(String descr, char type, int itemSize, ByteOrder order, int[] shape) {
    }

    private static Header parseHeader(String header, String source) {
        Matcher d = DESCR.matcher(header);
        if (!d.find()) {
            throw error(source, "header has no 'descr': " + header.strip());
        }
        if (d.group(2) != null) {
            throw error(source, "structured arrays (a record 'descr') are not supported; save each field as its own array");
        }
        String descr = d.group(1);
        Matcher f = FORTRAN.matcher(header);
        if (!f.find()) {
            throw error(source, "header has no 'fortran_order': " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw error(source, "array is stored in Fortran order, only C order is supported; save numpy.ascontiguousarray(a)");
        }
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) {
            throw error(source, "header has no 'shape': " + header.strip());
        }
        int[] shape = parseShape(s.group(1), source);

        if (descr.length() < 3) {
            throw error(source, "unsupported dtype '" + descr + "'");
        }
        char byteOrder = descr.charAt(0);
        char type = descr.charAt(1);
        int size;
        try {
            size = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw error(source, "unsupported dtype '" + descr + "'");
        }
        boolean supported = (type == 'f' && (size == 4 || size == 8)) || (type == 'i' && (size == 4 || size == 8));
        if (!supported) {
            throw error(source, "unsupported dtype '" + descr + "'; float32, float64, int32 and int64 are supported");
        }
        ByteOrder order = switch (byteOrder) {
            case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN; // '=' is native; NumPy never writes it, every supported host is little-endian
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw error(source, "unsupported byte order in dtype '" + descr + "'");
        };
        return new Header(descr, type, size, order, shape);
    }

    private static int[] parseShape(String inner, String source) {
        List<Integer> dims = new ArrayList<>();
        for (String part : inner.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) { // Python 2 wrote longs as 3L
                p = p.substring(0, p.length() - 1);
            }
            try {
                dims.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw error(source, "cannot read shape (" + inner + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private static float exactFloat(long v, int index, String source) {
        if (v > FLOAT_EXACT_INT || v < -FLOAT_EXACT_INT) {
            throw error(source, "integer " + v + " at index " + index + " has no exact float32 value");
        }
        return v;
    }

    private static IllegalArgumentException error(String source, String message) {
        return new IllegalArgumentException(source + ": " + message);
    }
}
