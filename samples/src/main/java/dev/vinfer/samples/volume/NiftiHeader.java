package dev.vinfer.samples.volume;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fields of a NIfTI-1 header (348 bytes, either byte order) that reading, writing and orienting a volume
 * need. Field offsets are those of the NIfTI-1 standard ({@code nifti1.h}). Data is stored with the first axis (i, x)
 * fastest, so a volume of {@code dim = [nx, ny, nz]} is the C-order array {@code [nz][ny][nx]}.
 */
public final class NiftiHeader {
    /** Bytes of a NIfTI-1 header. */
    public static final int SIZE = 348;

    /** NIfTI datatype codes vinfer reads. */
    public static final short UINT8 = 2;
    public static final short INT16 = 4;
    public static final short INT32 = 8;
    public static final short FLOAT32 = 16;
    public static final short FLOAT64 = 64;
    public static final short INT8 = 256;
    public static final short UINT16 = 512;
    public static final short UINT32 = 768;

    /** dim[0..7]: dim[0] is the number of dimensions, dim[1..3] are nx, ny, nz. */
    short[] dim = new short[8];
    short datatype;
    short bitpix;
    /** pixdim[0] is qfac (the sign of the third quaternion axis); pixdim[1..3] are voxel sizes. */
    float[] pixdim = new float[8];
    float voxOffset;
    float sclSlope;
    float sclInter;
    byte xyztUnits;
    float calMax;
    float calMin;
    String descrip = "";
    short qformCode;
    short sformCode;
    float quaternB;
    float quaternC;
    float quaternD;
    float qoffsetX;
    float qoffsetY;
    float qoffsetZ;
    float[] srowX = new float[4];
    float[] srowY = new float[4];
    float[] srowZ = new float[4];
    /** True when the file is "n+1" (header and data in one .nii file). */
    boolean singleFile = true;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** Parses the first {@link #SIZE} bytes of a NIfTI-1 file. */
    public static NiftiHeader parse(byte[] bytes, String what) {
        if (bytes.length < SIZE) {
            throw new IllegalArgumentException(what + " is too short for a NIfTI-1 header (" + bytes.length
                    + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int sizeLe = b.getInt(0);
        ByteOrder order;
        if (sizeLe == SIZE) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(sizeLe) == SIZE) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (sizeLe == 540 || Integer.reverseBytes(sizeLe) == 540) {
            throw new IllegalArgumentException(what + " is NIfTI-2; only NIfTI-1 is supported");
        } else {
            throw new IllegalArgumentException(what + " is not a NIfTI-1 file (header size field " + sizeLe + ")");
        }
        b.order(order);
        NiftiHeader h = new NiftiHeader();
        h.order = order;
        for (int i = 0; i < 8; i++) {
            h.dim[i] = b.getShort(40 + 2 * i);
        }
        h.datatype = b.getShort(70);
        h.bitpix = b.getShort(72);
        for (int i = 0; i < 8; i++) {
            h.pixdim[i] = b.getFloat(76 + 4 * i);
        }
        h.voxOffset = b.getFloat(108);
        h.sclSlope = b.getFloat(112);
        h.sclInter = b.getFloat(116);
        h.xyztUnits = b.get(123);
        h.calMax = b.getFloat(124);
        h.calMin = b.getFloat(128);
        h.descrip = cString(bytes, 148, 80);
        h.qformCode = b.getShort(252);
        h.sformCode = b.getShort(254);
        h.quaternB = b.getFloat(256);
        h.quaternC = b.getFloat(260);
        h.quaternD = b.getFloat(264);
        h.qoffsetX = b.getFloat(268);
        h.qoffsetY = b.getFloat(272);
        h.qoffsetZ = b.getFloat(276);
        for (int i = 0; i < 4; i++) {
            h.srowX[i] = b.getFloat(280 + 4 * i);
            h.srowY[i] = b.getFloat(296 + 4 * i);
            h.srowZ[i] = b.getFloat(312 + 4 * i);
        }
        String magic = cString(bytes, 344, 4);
        if (magic.equals("ni1")) {
            h.singleFile = false;
        } else if (!magic.equals("n+1")) {
            throw new IllegalArgumentException(what + " has no NIfTI-1 magic (found '" + magic + "'; ANALYZE 7.5"
                    + " files are not supported)");
        }
        return h;
    }

    /** Serializes as a little-endian single-file ("n+1") header, followed by the 4-byte empty extension flag. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, SIZE);
        b.put(38, (byte) 'r');
        for (int i = 0; i < 8; i++) {
            b.putShort(40 + 2 * i, dim[i]);
        }
        b.putShort(70, datatype);
        b.putShort(72, bitpix);
        for (int i = 0; i < 8; i++) {
            b.putFloat(76 + 4 * i, pixdim[i]);
        }
        b.putFloat(108, voxOffset);
        b.putFloat(112, sclSlope);
        b.putFloat(116, sclInter);
        b.put(123, xyztUnits);
        b.putFloat(124, calMax);
        b.putFloat(128, calMin);
        byte[] d = descrip.getBytes(StandardCharsets.US_ASCII);
        b.put(148, d, 0, Math.min(d.length, 79));
        b.putShort(252, qformCode);
        b.putShort(254, sformCode);
        b.putFloat(256, quaternB);
        b.putFloat(260, quaternC);
        b.putFloat(264, quaternD);
        b.putFloat(268, qoffsetX);
        b.putFloat(272, qoffsetY);
        b.putFloat(276, qoffsetZ);
        for (int i = 0; i < 4; i++) {
            b.putFloat(280 + 4 * i, srowX[i]);
            b.putFloat(296 + 4 * i, srowY[i]);
            b.putFloat(312 + 4 * i, srowZ[i]);
        }
        b.put(344, (byte) 'n');
        b.put(345, (byte) '+');
        b.put(346, (byte) '1');
        return b.array();
    }

    /** A header for a new volume with this one's geometry (size, voxel size, orientation) and the given type. */
    public NiftiHeader withType(short newType, String newDescrip) {
        NiftiHeader h = new NiftiHeader();
        h.dim = Arrays.copyOf(dim, 8);
        h.dim[0] = 3;
        for (int i = 4; i < 8; i++) {
            h.dim[i] = 1;
        }
        h.datatype = newType;
        h.bitpix = (short) (8 * bytesPerVoxel(newType));
        h.pixdim = pixdim.clone();
        h.voxOffset = SIZE + 4;
        h.sclSlope = 1;
        h.sclInter = 0;
        h.xyztUnits = xyztUnits;
        h.calMin = calMin;
        h.calMax = calMax;
        h.descrip = newDescrip;
        h.qformCode = qformCode;
        h.sformCode = sformCode;
        h.quaternB = quaternB;
        h.quaternC = quaternC;
        h.quaternD = quaternD;
        h.qoffsetX = qoffsetX;
        h.qoffsetY = qoffsetY;
        h.qoffsetZ = qoffsetZ;
        h.srowX = srowX.clone();
        h.srowY = srowY.clone();
        h.srowZ = srowZ.clone();
        return h;
    }

    /** A header for a new nx x ny x nz volume, 1 mm voxels, axes aligned with the world (for tests and tools). */
    public static NiftiHeader create(int nx, int ny, int nz, short datatype) {
        NiftiHeader h = new NiftiHeader();
        h.dim = new short[] {3, (short) nx, (short) ny, (short) nz, 1, 1, 1, 1};
        h.pixdim = new float[] {1, 1, 1, 1, 1, 1, 1, 1};
        h.sformCode = 1;
        h.srowX = new float[] {1, 0, 0, 0};
        h.srowY = new float[] {0, 1, 0, 0};
        h.srowZ = new float[] {0, 0, 1, 0};
        h.xyztUnits = 2;
        return h.withType(datatype, "");
    }

    /** A copy whose display range (cal_min, cal_max) is [min, max], e.g. the label values of a segmentation. */
    public NiftiHeader withDisplayRange(float min, float max) {
        NiftiHeader h = withType(datatype, descrip);
        h.calMin = min;
        h.calMax = max;
        return h;
    }

    public int nx() {
        return dim[1];
    }

    public int ny() {
        return dim[2];
    }

    public int nz() {
        return dim[3];
    }

    public short datatype() {
        return datatype;
    }

    public float sclSlope() {
        return sclSlope;
    }

    public float sclInter() {
        return sclInter;
    }

    public String description() {
        return descrip;
    }

    /** Bytes per voxel of a datatype code, or throws for types vinfer does not read. */
    public static int bytesPerVoxel(short datatype) {
        return switch (datatype) {
            case UINT8, INT8 -> 1;
            case INT16, UINT16 -> 2;
            case INT32, UINT32, FLOAT32 -> 4;
            case FLOAT64 -> 8;
            default -> throw new IllegalArgumentException("NIfTI datatype " + datatype + " (" + typeName(datatype)
                    + ") is not supported; use uint8, int8, int16, uint16, int32, uint32, float32 or float64");
        };
    }

    static String typeName(short datatype) {
        return switch (datatype) {
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case INT16 -> "int16";
            case UINT16 -> "uint16";
            case INT32 -> "int32";
            case UINT32 -> "uint32";
            case FLOAT32 -> "float32";
            case FLOAT64 -> "float64";
            case 32 -> "complex64";
            case 128 -> "rgb24";
            case 1024 -> "int64";
            case 1280 -> "uint64";
            default -> "code " + datatype;
        };
    }

    /**
     * The voxel-to-world matrix (3 x 4, millimetres, RAS+) from the sform if set, else the qform, else the voxel
     * sizes alone ("method 1" of the standard).
     */
    public double[][] voxelToWorld() {
        if (sformCode > 0) {
            return new double[][] {toDouble(srowX), toDouble(srowY), toDouble(srowZ)};
        }
        double dx = pixdim[1] == 0 ? 1 : pixdim[1];
        double dy = pixdim[2] == 0 ? 1 : pixdim[2];
        double dz = pixdim[3] == 0 ? 1 : pixdim[3];
        if (qformCode > 0) {
            double b = quaternB;
            double c = quaternC;
            double d = quaternD;
            double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
            double qfac = pixdim[0] < 0 ? -1 : 1;
            double[][] r = {
                {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
                {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
            double[] off = {qoffsetX, qoffsetY, qoffsetZ};
            double[][] m = new double[3][4];
            for (int i = 0; i < 3; i++) {
                m[i][0] = r[i][0] * dx;
                m[i][1] = r[i][1] * dy;
                m[i][2] = r[i][2] * dz * qfac;
                m[i][3] = off[i];
            }
            return m;
        }
        return new double[][] {{dx, 0, 0, 0}, {0, dy, 0, 0}, {0, 0, dz, 0}};
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static String cString(byte[] bytes, int off, int len) {
        int end = off;
        while (end < off + len && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, off, end - off, StandardCharsets.US_ASCII);
    }
}
