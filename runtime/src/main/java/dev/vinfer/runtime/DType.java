package dev.vinfer.runtime;

/**
 * Element types vinfer can hold in a {@link Tensor}, with the Java array each one is stored in.
 *
 * <p>Unsigned types share the array of their signed twin and are read back unsigned by the accessors.
 */
public enum DType {
    FLOAT32(4, true, false),
    FLOAT64(8, true, false),
    INT8(1, false, true),
    UINT8(1, false, false),
    INT16(2, false, true),
    UINT16(2, false, false),
    INT32(4, false, true),
    UINT32(4, false, false),
    INT64(8, false, true),
    UINT64(8, false, false),
    BOOL(1, false, false);

    private final int byteSize;
    private final boolean floatingPoint;
    private final boolean signedInteger;

    DType(int byteSize, boolean floatingPoint, boolean signedInteger) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
        this.signedInteger = signedInteger;
    }

    /** Bytes one element takes in a file or on the wire. */
    public int byteSize() {
        return byteSize;
    }

    /** True for float32 and float64. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** True for the integer types (signed or not); false for floats and bool. */
    public boolean isInteger() {
        return !floatingPoint && this != BOOL;
    }

    /** True for int8, int16, int32 and int64. */
    public boolean isSignedInteger() {
        return signedInteger;
    }

    /** A fresh zeroed array of the Java type this dtype is stored in. */
    Object newStorage(int size) {
        return switch (this) {
            case FLOAT32 -> new float[size];
            case FLOAT64 -> new double[size];
            case INT8, UINT8, BOOL -> new byte[size];
            case INT16, UINT16 -> new short[size];
            case INT32, UINT32 -> new int[size];
            case INT64, UINT64 -> new long[size];
        };
    }

    /** Lower-case ONNX-style name, e.g. {@code float32}, {@code int64}. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
