package dev.vinfer.runtime;

import java.util.Arrays;

/**
 * An n-dimensional array of one {@link DType}, stored row-major in a plain Java array from an offset.
 *
 * <p>Kernels read the backing array directly ({@link #floats()} plus {@link #offset()}); everything else can use
 * the typed accessors, which convert between dtypes. Several tensors may share one backing array (views made by
 * {@link #reshape}), so a tensor handed to a session must not be changed while it runs.
 *
 * <p>Tensors are not synchronized. Any number of threads may read one tensor at once; a write (the setters,
 * {@link #copyFrom}, or a write to the backing array) needs the caller to order it with every other access. Shapes
 * are {@code int[]} (a Java array bounds a tensor) and never change; {@link #reshape} makes a new view.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    // Not final only so that a session can release a packed weight's storage in place (see release()).
    private Object data;
    private int offset;
    private boolean released;

    private Tensor(DType dtype, int[] shape, Object data, int offset) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = Shapes.size(shape);
        this.data = data;
        this.offset = offset;
        int capacity = java.lang.reflect.Array.getLength(data);
        if (offset < 0 || (long) offset + size > capacity) {
            throw new VinferException("tensor of shape " + Arrays.toString(shape) + " at offset " + offset
                    + " does not fit its storage of " + capacity + " elements");
        }
    }

    /** Wraps {@code data} (not copied) as a tensor of the given dtype; the array type must match the dtype. */
    public static Tensor wrap(DType dtype, Object data, int offset, int... shape) {
        Object probe = dtype.newStorage(0);
        if (probe.getClass() != data.getClass()) {
            throw new VinferException("a " + dtype.displayName() + " tensor needs a "
                    + probe.getClass().getComponentType() + "[] but got " + data.getClass().getSimpleName());
        }
        return new Tensor(dtype, shape.clone(), data, offset);
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(DType dtype, int... shape) {
        return new Tensor(dtype, shape.clone(), dtype.newStorage(Shapes.size(shape)), 0);
    }

    /**
     * A float32 tensor over {@code data} (not copied: later writes to the array show through, and a tensor a session is
     * reading must not change).
     *
     * @param shape the dims, row-major; their product must equal {@code data.length}
     * @throws VinferException if the length does not match the shape
     */
    public static Tensor of(float[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(DType.FLOAT32, shape.clone(), data, 0);
    }

    /**
     * A float64 tensor over {@code data} (not copied: later writes to the array show through, and a tensor a session is
     * reading must not change).
     *
     * @param shape the dims, row-major; their product must equal {@code data.length}
     * @throws VinferException if the length does not match the shape
     */
    public static Tensor of(double[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(DType.FLOAT64, shape.clone(), data, 0);
    }

    /**
     * A int64 tensor over {@code data} (not copied: later writes to the array show through, and a tensor a session is
     * reading must not change).
     *
     * @param shape the dims, row-major; their product must equal {@code data.length}
     * @throws VinferException if the length does not match the shape
     */
    public static Tensor of(long[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(DType.INT64, shape.clone(), data, 0);
    }

    /**
     * A int32 tensor over {@code data} (not copied: later writes to the array show through, and a tensor a session is
     * reading must not change).
     *
     * @param shape the dims, row-major; their product must equal {@code data.length}
     * @throws VinferException if the length does not match the shape
     */
    public static Tensor of(int[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(DType.INT32, shape.clone(), data, 0);
    }

    /**
     * A bool tensor holding a copy of {@code data} (bool is stored one byte per element: 1 or 0).
     *
     * @throws VinferException if the length does not match the shape
     */
    public static Tensor of(boolean[] data, int... shape) {
        checkLength(data.length, shape);
        byte[] b = new byte[data.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (data[i] ? 1 : 0);
        }
        return new Tensor(DType.BOOL, shape.clone(), b, 0);
    }

    /** int8, uint8 or bool elements from bytes (bool: nonzero is true). */
    public static Tensor ofBytes(DType dtype, byte[] data, int... shape) {
        if (dtype != DType.INT8 && dtype != DType.UINT8 && dtype != DType.BOOL) {
            throw new VinferException("ofBytes takes int8, uint8 or bool, not " + dtype.displayName());
        }
        checkLength(data.length, shape);
        return new Tensor(dtype, shape.clone(), data, 0);
    }

    /** A float32 tensor holding a copy of the buffer's remaining elements (the buffer's position is unchanged). */
    public static Tensor of(java.nio.FloatBuffer buffer, int... shape) {
        float[] a = new float[buffer.remaining()];
        buffer.duplicate().get(a);
        return of(a, shape);
    }

    /**
     * A tensor holding a copy of {@code segment}'s bytes (native byte order), e.g. from off-heap or mapped memory.
     * The segment must hold exactly the shape's elements.
     */
    public static Tensor copyOf(java.lang.foreign.MemorySegment segment, DType dtype, int... shape) {
        int n = Shapes.size(shape);
        if (segment.byteSize() != (long) n * dtype.byteSize()) {
            throw new VinferException("segment of " + segment.byteSize() + " bytes does not hold " + n + " "
                    + dtype.displayName() + " elements");
        }
        Tensor t = zeros(dtype, shape);
        java.lang.foreign.MemorySegment.copy(segment, 0, t.asSegment(), 0, segment.byteSize());
        return t;
    }

    /** A rank-0 float tensor. */
    public static Tensor scalar(float v) {
        return of(new float[] {v});
    }

    /** A rank-0 int64 tensor. */
    public static Tensor scalar(long v) {
        return of(new long[] {v});
    }

    private static void checkLength(int length, int[] shape) {
        int n = Shapes.size(shape);
        if (n != length) {
            throw new VinferException("array of " + length + " elements does not match shape "
                    + Arrays.toString(shape) + " (" + n + " elements)");
        }
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Dimension {@code i}; negative counts from the end. */
    public int dim(int i) {
        return shape[i < 0 ? i + shape.length : i];
    }

    /** The number of dims (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the dims (1 for a scalar). */
    public int size() {
        return size;
    }

    /**
     * Whether the storage was released: a constant whose contents every operator reading it has copied (packed)
     * for the shapes the session runs, so that only its dtype and shape remain. Reading its elements fails.
     */
    public boolean isReleased() {
        return released;
    }

    /**
     * Drops the storage (an empty array takes its place), keeping dtype and shape; for a session, once nothing
     * reads the contents of this constant any more. Every holder of this tensor sees it released.
     */
    void release() {
        data = dtype.newStorage(0);
        offset = 0;
        released = true;
    }

    /** Index of element 0 in the backing array. */
    public int offset() {
        return offset;
    }

    /** The backing array itself (float[], double[], byte[], short[], int[] or long[]). */
    public Object data() {
        return data;
    }

    /**
     * The backing array of a float32 tensor (no copy; element 0 is at {@link #offset()}).
     *
     * @throws VinferException if the dtype is not float32
     */
    public float[] floats() {
        return (float[]) typed(DType.FLOAT32);
    }

    /**
     * The backing array of a float64 tensor (no copy; element 0 is at {@link #offset()}).
     *
     * @throws VinferException if the dtype is not float64
     */
    public double[] doubles() {
        return (double[]) typed(DType.FLOAT64);
    }

    /**
     * The backing array of an int64 or uint64 tensor (no copy; uint64 values keep their bits).
     *
     * @throws VinferException if the tensor is stored in another array type
     */
    public long[] longs() {
        if (!(data instanceof long[] a)) {
            throw wrongType("long[]");
        }
        return a;
    }

    /**
     * The backing array of an int32 or uint32 tensor (no copy; uint32 values keep their bits).
     *
     * @throws VinferException if the tensor is stored in another array type
     */
    public int[] ints() {
        if (!(data instanceof int[] a)) {
            throw wrongType("int[]");
        }
        return a;
    }

    /**
     * The backing array of an int16 or uint16 tensor (no copy; uint16 values keep their bits).
     *
     * @throws VinferException if the tensor is stored in another array type
     */
    public short[] shorts() {
        if (!(data instanceof short[] a)) {
            throw wrongType("short[]");
        }
        return a;
    }

    /**
     * The backing array of an int8, uint8 or bool tensor (no copy; uint8 values keep their bits, bool is 0 or 1).
     *
     * @throws VinferException if the tensor is stored in another array type
     */
    public byte[] bytes() {
        if (!(data instanceof byte[] a)) {
            throw wrongType("byte[]");
        }
        return a;
    }

    private Object typed(DType want) {
        if (dtype != want) {
            throw wrongType(want.displayName());
        }
        return data;
    }

    private VinferException wrongType(String want) {
        return new VinferException("tensor is " + dtype.displayName() + ", not " + want);
    }

    /**
     * This tensor's elements as a memory segment over the backing array (no copy): writes through it change the
     * tensor. Byte order is the platform's.
     */
    public java.lang.foreign.MemorySegment asSegment() {
        java.lang.foreign.MemorySegment whole = switch (data) {
            case float[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case double[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case long[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case int[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case short[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            case byte[] a -> java.lang.foreign.MemorySegment.ofArray(a);
            default -> throw new IllegalStateException(data.getClass().toString());
        };
        long b = dtype.byteSize();
        return whole.asSlice(offset * b, size * b);
    }

    /** Copies the elements (converted to float) into {@code buffer} at its position, advancing it. */
    public void copyTo(java.nio.FloatBuffer buffer) {
        if (dtype == DType.FLOAT32) {
            buffer.put((float[]) data, offset, size);
        } else {
            for (int i = 0; i < size; i++) {
                buffer.put((float) getDouble(i));
            }
        }
    }

    /** A view with another shape of the same element count, sharing storage. */
    public Tensor reshape(int... newShape) {
        if (Shapes.size(newShape) != size) {
            throw new VinferException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, newShape.clone(), data, offset);
    }

    /** Element {@code i} (row-major) as a double, whatever the dtype (uint64 above 2^63 read unsigned). */
    public double getDouble(int i) {
        int j = offset + i;
        return switch (dtype) {
            case FLOAT32 -> ((float[]) data)[j];
            case FLOAT64 -> ((double[]) data)[j];
            case INT8, BOOL -> ((byte[]) data)[j];
            case UINT8 -> ((byte[]) data)[j] & 0xFF;
            case INT16 -> ((short[]) data)[j];
            case UINT16 -> ((short[]) data)[j] & 0xFFFF;
            case INT32 -> ((int[]) data)[j];
            case UINT32 -> ((int[]) data)[j] & 0xFFFFFFFFL;
            case INT64 -> ((long[]) data)[j];
            case UINT64 -> unsignedToDouble(((long[]) data)[j]);
        };
    }

    /** Element {@code i} as a float. */
    public float getFloat(int i) {
        if (dtype == DType.FLOAT32) {
            return ((float[]) data)[offset + i];
        }
        return (float) getDouble(i);
    }

    /** Element {@code i} as a long (floats truncated toward zero; uint64 keeps its bits). */
    public long getLong(int i) {
        int j = offset + i;
        return switch (dtype) {
            case FLOAT32 -> (long) ((float[]) data)[j];
            case FLOAT64 -> (long) ((double[]) data)[j];
            case INT8, BOOL -> ((byte[]) data)[j];
            case UINT8 -> ((byte[]) data)[j] & 0xFF;
            case INT16 -> ((short[]) data)[j];
            case UINT16 -> ((short[]) data)[j] & 0xFFFF;
            case INT32 -> ((int[]) data)[j];
            case UINT32 -> ((int[]) data)[j] & 0xFFFFFFFFL;
            case INT64, UINT64 -> ((long[]) data)[j];
        };
    }

    /** Element {@code i} (row-major) as a bool: true when it is nonzero. */
    public boolean getBool(int i) {
        return getDouble(i) != 0;
    }

    /** Stores {@code v} at {@code i}, converted to this dtype (integers truncate toward zero and wrap). */
    public void setDouble(int i, double v) {
        int j = offset + i;
        switch (dtype) {
            case FLOAT32 -> ((float[]) data)[j] = (float) v;
            case FLOAT64 -> ((double[]) data)[j] = v;
            case BOOL -> ((byte[]) data)[j] = (byte) (v != 0 ? 1 : 0);
            case UINT64 -> ((long[]) data)[j] = doubleToUnsigned(v);
            default -> setLong(i, (long) v);
        }
    }

    /** Stores {@code v} at {@code i}, wrapping to this dtype's width. */
    public void setLong(int i, long v) {
        int j = offset + i;
        switch (dtype) {
            case FLOAT32 -> ((float[]) data)[j] = (float) v;
            case FLOAT64 -> ((double[]) data)[j] = (double) v;
            case BOOL -> ((byte[]) data)[j] = (byte) (v != 0 ? 1 : 0);
            case INT8, UINT8 -> ((byte[]) data)[j] = (byte) v;
            case INT16, UINT16 -> ((short[]) data)[j] = (short) v;
            case INT32, UINT32 -> ((int[]) data)[j] = (int) v;
            case INT64, UINT64 -> ((long[]) data)[j] = v;
        }
    }

    /** Stores {@code v} at {@code i}, converted to this dtype as {@link #setDouble} does. */
    public void setFloat(int i, float v) {
        if (dtype == DType.FLOAT32) {
            ((float[]) data)[offset + i] = v;
        } else {
            setDouble(i, v);
        }
    }

    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        return ((v >>> 1) | (v & 1)) * 2.0;
    }

    private static long doubleToUnsigned(double v) {
        if (v < 9.223372036854775807E18) {
            return (long) v;
        }
        return (long) (v - 9.223372036854775807E18) + Long.MIN_VALUE;
    }

    /** A copy of the elements as float[] (converting from any dtype). */
    public float[] toFloatArray() {
        float[] out = new float[size];
        if (dtype == DType.FLOAT32) {
            System.arraycopy(data, offset, out, 0, size);
        } else {
            for (int i = 0; i < size; i++) {
                out[i] = (float) getDouble(i);
            }
        }
        return out;
    }

    /** A copy of the elements as double[], converted as {@link #getDouble} does. */
    public double[] toDoubleArray() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = getDouble(i);
        }
        return out;
    }

    /** A copy of the elements as long[], converted as {@link #getLong} does (floats truncate toward zero). */
    public long[] toLongArray() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = getLong(i);
        }
        return out;
    }

    /** A copy of the elements as int[]: {@link #getLong} narrowed to 32 bits (larger values wrap). */
    public int[] toIntArray() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = (int) getLong(i);
        }
        return out;
    }

    /** A compact copy that owns its storage (offset 0, exact length). */
    public Tensor copy() {
        Object d = dtype.newStorage(size);
        System.arraycopy(data, offset, d, 0, size);
        return new Tensor(dtype, shape.clone(), d, 0);
    }

    /** Copies all elements of {@code src} (same dtype and size) into this tensor. */
    public void copyFrom(Tensor src) {
        if (src.dtype != dtype || src.size != size) {
            throw new VinferException("copyFrom: " + src + " does not fit " + this);
        }
        System.arraycopy(src.data, src.offset, data, offset, size);
    }

    @Override
    public String toString() {
        return dtype.displayName() + Arrays.toString(shape) + (released ? " (released)" : "");
    }
}
