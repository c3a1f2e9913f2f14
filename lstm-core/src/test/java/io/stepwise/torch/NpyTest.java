package io.stepwise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepwise.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {

    @Test
    void readsAFloat32ArrayNumpySaved() {
        Tensor t = Npy.read(NumpyFiles.bytes("float32_2x3.npy"), "float32_2x3.npy");

        assertThat(t).isEqualTo(NumpyFiles.expected("float32_2x3.npy"));
    }

    @Test
    void readsFormatVersion2WithItsFourByteHeaderLength() {
        Tensor t = Npy.read(NumpyFiles.bytes("header_v2.npy"), "header_v2.npy");

        assertThat(t).isEqualTo(NumpyFiles.expected("header_v2.npy"));
    }

    @Test
    void writesExactlyTheBytesNumpySaveWrites() {
        Tensor t = NumpyFiles.expected("float32_2x3.npy");

        assertThat(Npy.write(t)).isEqualTo(NumpyFiles.bytes("float32_2x3.npy"));
    }

    @Test
    void writeThenReadKeepsShapeAndEveryBitIncludingZeroAndOneDimensional() {
        for (Tensor t : new Tensor[]{
            new Tensor(new int[0], new float[]{-0f}),
            new Tensor(new int[]{4}, new float[]{Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, -1e-30f}),
            new Tensor(new int[]{0, 5}, new float[0]),
            new Tensor(new int[]{2, 1, 3}, new float[]{1, 2, 3, 4, 5, 6}),
        }) {
            Tensor back = Npy.read(Npy.write(t), "t.npy");
            assertThat(back.shape()).isEqualTo(t.shape());
            assertThat(floatBits(back.data())).isEqualTo(floatBits(t.data()));
        }
    }

    @Test
    void fortranOrderIsRefused() {
        assertThatThrownBy(() -> Npy.read(NumpyFiles.bytes("fortran_order.npy"), "fortran_order.npy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fortran_order.npy: array is stored in Fortran order");
    }

    @Test
    void anUnsupportedDtypeIsRefusedByName() {
        assertThatThrownBy(() -> Npy.read(NumpyFiles.bytes("complex64.npy"), "complex64.npy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("complex64.npy: unsupported dtype '<c8'");
    }

    @Test
    void truncatedDataIsRefused() {
        byte[] good = NumpyFiles.bytes("float32_2x3.npy");

        assertThatThrownBy(() -> Npy.read(Arrays.copyOf(good, good.length - 1), "w.npy"))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> Npy.read(Arrays.copyOf(good, 40), "w.npy"))
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> Npy.read("PK\u0003\u0004 not npy".getBytes(StandardCharsets.ISO_8859_1), "w.npy"))
                .hasMessage("w.npy: not a .npy file (it does not start with \\x93NUMPY)");
    }

    @Test
    void anIntegerFloat32CannotHoldIsRefusedNotRounded() {
        // built by hand from the format description, independent of Npy.write
        byte[] ok = handMadeInt64(1L << 24);
        byte[] tooBig = handMadeInt64((1L << 24) + 1);

        assertThat(Npy.read(ok, "ok.npy").data()).containsExactly(16777216f);
        assertThatThrownBy(() -> Npy.read(tooBig, "ids.npy"))
                .hasMessage("ids.npy: integer 16777217 at index 0 has no exact float32 value");
    }

    private static byte[] handMadeInt64(long v) {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).putLong(v);
        return b.array();
    }

    private static int[] floatBits(float[] f) {
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }
}
