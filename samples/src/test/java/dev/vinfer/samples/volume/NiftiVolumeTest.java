package dev.vinfer.samples.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NIfTI-1 reading and writing: every supported datatype, gzip or not, both byte orders, scaling, bad files. */
class NiftiVolumeTest {
    @TempDir
    Path tmp;

    @Test
    void sharedSampleVolume() throws IOException {
        NiftiVolume v = NiftiVolume.read(SharedData.require("models/meshnet-brain/t1_crop.nii.gz"));
        assertEquals(256, v.nx());
        assertEquals(256, v.ny());
        assertEquals(256, v.nz());
        assertEquals(NiftiHeader.UINT8, v.header().datatype());
        float[] mm = VolumeSegmenter.minMax(v.data());
        assertEquals(0f, mm[0]);
        assertTrue(mm[1] > 100 && mm[1] <= 255, "max " + mm[1]);
        // The conformed FreeSurfer orientation (LIA): i runs to the left, j down, k forward.
        double[][] m = v.header().voxelToWorld();
        assertEquals(-1, m[0][0], 1e-6);
        assertEquals(-1, m[2][1], 1e-6);
        assertEquals(1, m[1][2], 1e-6);
    }

    @Test
    void everyDatatypeRoundTrips() throws IOException {
        int nx = 5;
        int ny = 3;
        int nz = 2;
        int n = nx * ny * nz;
        byte[] u8 = new byte[n];
        short[] i16 = new short[n];
        int[] i32 = new int[n];
        float[] f32 = new float[n];
        double[] f64 = new double[n];
        for (int i = 0; i < n; i++) {
            u8[i] = (byte) (i * 9);
            i16[i] = (short) (i * 1000 - 15000);
            i32[i] = i * 100000 - 1;
            f32[i] = i * 0.25f - 3;
            f64[i] = i * 0.5 - 7;
        }
        Object[][] cases = {{NiftiHeader.UINT8, u8}, {NiftiHeader.INT8, u8}, {NiftiHeader.INT16, i16},
            {NiftiHeader.UINT16, i16}, {NiftiHeader.INT32, i32}, {NiftiHeader.UINT32, i32},
            {NiftiHeader.FLOAT32, f32}, {NiftiHeader.FLOAT64, f64}};
        for (Object[] c : cases) {
            short type = (Short) c[0];
            for (String name : new String[] {"v.nii", "v.nii.gz"}) {
                Path f = tmp.resolve(type + name);
                NiftiVolume.write(f, NiftiHeader.create(nx, ny, nz, type), c[1]);
                NiftiVolume v = NiftiVolume.read(f);
                assertEquals(type, v.header().datatype());
                for (int i = 0; i < n; i++) {
                    double want = switch (type) {
                        case NiftiHeader.UINT8 -> u8[i] & 0xFF;
                        case NiftiHeader.INT8 -> u8[i];
                        case NiftiHeader.INT16 -> i16[i];
                        case NiftiHeader.UINT16 -> i16[i] & 0xFFFF;
                        case NiftiHeader.INT32 -> i32[i];
                        case NiftiHeader.UINT32 -> i32[i] & 0xFFFFFFFFL;
                        case NiftiHeader.FLOAT32 -> f32[i];
                        default -> f64[i];
                    };
                    assertEquals((float) want, v.data()[i], "type " + type + " voxel " + i);
                }
            }
        }
        assertTrue(Files.size(tmp.resolve(NiftiHeader.UINT8 + "v.nii")) == 352 + n);
    }

    @Test
    void bigEndianFileWithScalingAndExtensionGap() throws IOException {
        // Hand-made: big-endian header, int16 data at vox_offset 400, scl_slope 2, scl_inter 10.
        ByteBuffer b = ByteBuffer.allocate(400 + 2 * 8).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 348);
        short[] dim = {3, 2, 2, 2, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, dim[i]);
        }
        b.putShort(70, NiftiHeader.INT16);
        b.putShort(72, (short) 16);
        b.putFloat(108, 400);
        b.putFloat(112, 2);
        b.putFloat(116, 10);
        b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
        for (int i = 0; i < 8; i++) {
            b.putShort(400 + 2 * i, (short) (i - 3));
        }
        Path f = tmp.resolve("be.nii.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(b.array());
        }
        NiftiVolume v = NiftiVolume.read(f);
        assertArrayEquals(new float[] {4, 6, 8, 10, 12, 14, 16, 18}, v.data());
    }

    @Test
    void labelsKeepTheInputGeometry() throws IOException {
        NiftiHeader src = NiftiHeader.create(4, 4, 4, NiftiHeader.FLOAT32);
        src.srowX = new float[] {-1, 0, 0, 10};
        src.qformCode = 1;
        src.quaternB = 0.5f;
        NiftiHeader labels = src.withType(NiftiHeader.UINT8, "labels").withDisplayRange(0, 2);
        Path f = tmp.resolve("labels.nii.gz");
        NiftiVolume.write(f, labels, new byte[64]);
        NiftiHeader back = NiftiVolume.read(f).header();
        assertArrayEquals(src.srowX, back.srowX);
        assertEquals(0.5f, back.quaternB);
        assertEquals(2f, back.calMax);
        assertEquals("labels", back.description());
    }

    @Test
    void badFilesGiveClearErrors() throws IOException {
        Path f = tmp.resolve("four.nii");
        NiftiHeader h = NiftiHeader.create(2, 2, 2, NiftiHeader.UINT8);
        h.dim[0] = 4;
        h.dim[4] = 3;
        Files.write(f, concat(h.toBytes(), new byte[24]));
        IOException e = assertThrows(IOException.class, () -> NiftiVolume.read(f));
        assertTrue(e.getMessage().contains("3 volumes"), e.getMessage());

        Path t = tmp.resolve("short.nii");
        Files.write(t, concat(NiftiHeader.create(4, 4, 4, NiftiHeader.FLOAT32).toBytes(), new byte[10]));
        e = assertThrows(IOException.class, () -> NiftiVolume.read(t));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path j = tmp.resolve("junk.nii");
        Files.write(j, new byte[400]);
        IllegalArgumentException ie = assertThrows(IllegalArgumentException.class, () -> NiftiVolume.read(j));
        assertTrue(ie.getMessage().contains("not a NIfTI-1"), ie.getMessage());

        Path rgb = tmp.resolve("rgb.nii");
        NiftiHeader hr = NiftiHeader.create(2, 2, 2, NiftiHeader.UINT8);
        byte[] bytes = hr.toBytes();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(70, (short) 128);
        Files.write(rgb, concat(bytes, new byte[24]));
        ie = assertThrows(IllegalArgumentException.class, () -> NiftiVolume.read(rgb));
        assertTrue(ie.getMessage().contains("rgb24"), ie.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> NiftiVolume.read(tmp.resolve("none.nii")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
