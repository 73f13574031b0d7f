package dev.vinfer.samples.volume;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A 3-D NIfTI-1 volume ({@code .nii} or gzip-compressed {@code .nii.gz}, either byte order): the header and the
 * voxel values as floats, with the header's scaling {@code value = scl_slope * stored + scl_inter} applied (slope 0
 * means no scaling). Voxels are in file order, x fastest: voxel (i, j, k) is {@code data[i + nx * (j + ny * k)]}.
 *
 * @param header the file's header
 * @param data   nx * ny * nz values
 */
public record NiftiVolume(NiftiHeader header, float[] data) {

    public int nx() {
        return header.nx();
    }

    public int ny() {
        return header.ny();
    }

    public int nz() {
        return header.nz();
    }

    /** Reads a {@code .nii} or {@code .nii.gz} file (compression is detected from the content). */
    public static NiftiVolume read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "volume not found");
        }
        try (InputStream in = open(file)) {
            byte[] head = in.readNBytes(NiftiHeader.SIZE);
            NiftiHeader h = NiftiHeader.parse(head, file.toString());
            if (!h.singleFile) {
                throw new IOException(file + " is a two-file NIfTI (.hdr/.img); convert it to a single .nii file");
            }
            int rank = h.dim[0];
            if (rank < 3 || rank > 7) {
                throw new IOException(file + ": dim[0] = " + rank + "; a 3-D volume is needed");
            }
            for (int i = 4; i <= rank; i++) {
                if (h.dim[i] > 1) {
                    throw new IOException(file + " has " + rank + " dimensions (" + h.dim[i]
                            + " volumes along axis " + i + "); a single 3-D volume is needed");
                }
            }
            int nx = h.nx();
            int ny = h.ny();
            int nz = h.nz();
            if (nx < 1 || ny < 1 || nz < 1) {
                throw new IOException(file + ": bad size " + nx + " x " + ny + " x " + nz);
            }
            int bytes = NiftiHeader.bytesPerVoxel(h.datatype);
            long voxels = (long) nx * ny * nz;
            if (voxels * bytes > Integer.MAX_VALUE - 64) {
                throw new IOException(file + ": " + nx + " x " + ny + " x " + nz + " voxels are too many");
            }
            long skip = (long) h.voxOffset - NiftiHeader.SIZE;
            if (h.voxOffset < NiftiHeader.SIZE || skip > (1 << 24)) {
                throw new IOException(file + ": bad vox_offset " + h.voxOffset);
            }
            in.skipNBytes(skip);
            byte[] raw = in.readNBytes((int) (voxels * bytes));
            if (raw.length != voxels * bytes) {
                throw new IOException(file + " is truncated: " + raw.length + " of " + voxels * bytes
                        + " data bytes");
            }
            return new NiftiVolume(h, decode(raw, h));
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    private static float[] decode(byte[] raw, NiftiHeader h) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(h.order);
        int n = raw.length / NiftiHeader.bytesPerVoxel(h.datatype);
        float[] out = new float[n];
        switch (h.datatype) {
            case NiftiHeader.UINT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i] & 0xFF;
                }
            }
            case NiftiHeader.INT8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            case NiftiHeader.INT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case NiftiHeader.UINT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i) & 0xFFFF;
                }
            }
            case NiftiHeader.INT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
            }
            case NiftiHeader.UINT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i) & 0xFFFFFFFFL;
                }
            }
            case NiftiHeader.FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getFloat(4 * i);
                }
            }
            case NiftiHeader.FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            default -> throw new IllegalStateException("datatype " + h.datatype);
        }
        float slope = h.sclSlope;
        float inter = h.sclInter;
        if (slope != 0 && Float.isFinite(slope) && !(slope == 1 && inter == 0)) {
            for (int i = 0; i < n; i++) {
                out[i] = slope * out[i] + inter;
            }
        }
        return out;
    }

    /**
     * Writes a volume: {@code header}'s size, type and geometry, and the voxels in {@code data} (byte[] for uint8 and
     * int8, short[] for int16 and uint16, int[] for int32 and uint32, float[] for float32, double[] for float64), in
     * little-endian order; gzip-compressed when the name ends in {@code .gz}.
     */
    public static void write(Path file, NiftiHeader header, Object data) throws IOException {
        int voxels = header.nx() * header.ny() * header.nz();
        int bytes = NiftiHeader.bytesPerVoxel(header.datatype);
        ByteBuffer b = ByteBuffer.allocate(voxels * bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        switch (data) {
            case byte[] a when bytes == 1 && a.length == voxels -> b.put(a);
            case short[] a when bytes == 2 && a.length == voxels -> b.asShortBuffer().put(a);
            case int[] a when bytes == 4 && a.length == voxels && header.datatype != NiftiHeader.FLOAT32 ->
                    b.asIntBuffer().put(a);
            case float[] a when header.datatype == NiftiHeader.FLOAT32 && a.length == voxels ->
                    b.asFloatBuffer().put(a);
            case double[] a when header.datatype == NiftiHeader.FLOAT64 && a.length == voxels ->
                    b.asDoubleBuffer().put(a);
            default -> throw new IllegalArgumentException("data " + data.getClass().getSimpleName()
                    + " does not match datatype " + NiftiHeader.typeName(header.datatype) + " and " + voxels
                    + " voxels");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            out.write(header.withType(header.datatype, header.descrip).toBytes());
            out.write(b.array());
        }
    }
}
