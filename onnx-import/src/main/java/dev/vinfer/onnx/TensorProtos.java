package dev.vinfer.onnx;

import com.google.protobuf.ByteString;
import dev.vinfer.onnx.proto.OnnxIr.StringStringEntryProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.MemoryBudget;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts between ONNX {@code TensorProto} and vinfer {@link Tensor}. */
public final class TensorProtos {
    private TensorProtos() {
    }

    /** The vinfer dtype of an ONNX data_type code, or an exception naming {@code what}. */
    public static DType dtypeOf(int onnxType, String what) {
        return switch (onnxType) {
            case 1 -> DType.FLOAT32;
            case 2 -> DType.UINT8;
            case 3 -> DType.INT8;
            case 4 -> DType.UINT16;
            case 5 -> DType.INT16;
            case 6 -> DType.INT32;
            case 7 -> DType.INT64;
            case 9 -> DType.BOOL;
            case 11 -> DType.FLOAT64;
            case 12 -> DType.UINT32;
            case 13 -> DType.UINT64;
            default -> throw new ModelException(what + ": ONNX data type " + onnxType + " (" + typeName(onnxType)
                    + ") is not supported");
        };
    }

    /** The ONNX data_type code of a vinfer dtype. */
    public static int onnxTypeOf(DType t) {
        return switch (t) {
            case FLOAT32 -> 1;
            case UINT8 -> 2;
            case INT8 -> 3;
            case UINT16 -> 4;
            case INT16 -> 5;
            case INT32 -> 6;
            case INT64 -> 7;
            case BOOL -> 9;
            case FLOAT64 -> 11;
            case UINT32 -> 12;
            case UINT64 -> 13;
        };
    }

    static String typeName(int onnxType) {
        String[] names = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
            "bool", "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16", "float8e4m3fn",
            "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "uint4", "int4", "float4e2m1", "float8e8m0", "uint2",
            "int2"};
        return onnxType >= 0 && onnxType < names.length ? names[onnxType] : "unknown";
    }

    /** Decodes a tensor that holds its data in the message itself (no external data). */
    public static Tensor decode(TensorProto p, Limits limits) {
        return decode(p, limits, null);
    }

    /** Decodes a tensor, reading external data through {@code external} when the tensor says so. */
    public static Tensor decode(TensorProto p, Limits limits, ExternalData external) {
        return decode(p, limits, external, MemoryBudget.of(limits));
    }

    /**
     * Decodes a tensor, counting its bytes in {@code budget} (the importer passes one budget for all the weights of
     * a model). Every size is checked against the limits, the budget and the data actually present before the
     * tensor is allocated.
     */
    public static Tensor decode(TensorProto p, Limits limits, ExternalData external, MemoryBudget budget) {
        String what = "tensor '" + p.getName() + "'";
        DType dtype = dtypeOf(p.getDataType(), what);
        int[] shape = checkedShape(p.getDimsList(), limits, what);
        if (p.hasSegment()) {
            throw new ModelException(what + ": segmented tensors are not supported");
        }
        int n = Shapes.size(shape);
        long bytes = Limits.bytesOf(dtype, n);
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            if (external == null) {
                throw new ModelException(what + " uses external data, but the model was not loaded from a file");
            }
            reserve(budget, what, bytes);
            return external.read(p, dtype, shape);
        }
        if (p.hasRawData()) {
            ByteString raw = p.getRawData();
            if (raw.size() != bytes) {
                throw new ModelException(what + ": raw_data has " + raw.size() + " bytes, the shape "
                        + Shapes.toString(shape) + " needs " + bytes);
            }
            reserve(budget, what, bytes);
            return fromLittleEndian(dtype, shape, n, raw.asReadOnlyByteBuffer(), what);
        }
        int have = switch (dtype) {
            case FLOAT32 -> p.getFloatDataCount();
            case FLOAT64 -> p.getDoubleDataCount();
            case INT64 -> p.getInt64DataCount();
            case UINT32, UINT64 -> p.getUint64DataCount();
            default -> p.getInt32DataCount();
        };
        // Checked before allocating: the dims alone must not make vinfer allocate what the data does not hold.
        checkCount(what, have, n);
        reserve(budget, what, bytes);
        Tensor t = Tensor.zeros(dtype, shape);
        switch (dtype) {
            case FLOAT32 -> {
                float[] a = t.floats();
                for (int i = 0; i < n; i++) {
                    a[i] = p.getFloatData(i);
                }
            }
            case FLOAT64 -> {
                double[] a = t.doubles();
                for (int i = 0; i < n; i++) {
                    a[i] = p.getDoubleData(i);
                }
            }
            case INT64 -> {
                long[] a = t.longs();
                for (int i = 0; i < n; i++) {
                    a[i] = p.getInt64Data(i);
                }
            }
            case UINT32, UINT64 -> {
                for (int i = 0; i < n; i++) {
                    t.setLong(i, p.getUint64Data(i));
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    t.setLong(i, p.getInt32Data(i));
                }
            }
        }
        return t;
    }

    /** The shape of ONNX dims after checking range, rank and element limits; errors name {@code what}. */
    static int[] checkedShape(java.util.List<Long> dims, Limits limits, String what) {
        if (dims.size() > limits.maxRank()) {
            throw new ModelException(what + ": rank " + dims.size() + " exceeds the limit " + limits.maxRank());
        }
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i);
        }
        try {
            int[] shape = Shapes.fromLongs(d);
            limits.checkShape(what, shape);
            return shape;
        } catch (ModelException e) {
            throw e;
        } catch (VinferException e) {
            throw new ModelException(e.getMessage().startsWith(what) ? e.getMessage() : what + ": " + e.getMessage());
        }
    }

    private static void reserve(MemoryBudget budget, String what, long bytes) {
        if (budget == null) {
            return;
        }
        try {
            budget.reserve(what, bytes);
        } catch (VinferException e) {
            throw new ModelException(e.getMessage());
        }
    }

    private static void checkCount(String what, int have, int need) {
        if (have != need) {
            throw new ModelException(what + " holds " + have + " values, its shape needs " + need);
        }
    }

    static Tensor fromLittleEndian(DType dtype, int[] shape, int n, ByteBuffer src, String what) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < (long) n * dtype.byteSize()) {
            throw new ModelException(what + ": data holds " + b.remaining() + " bytes, needs "
                    + (long) n * dtype.byteSize());
        }
        Tensor t = Tensor.zeros(dtype, shape);
        switch (dtype) {
            case FLOAT32 -> b.asFloatBuffer().get(t.floats(), 0, n);
            case FLOAT64 -> b.asDoubleBuffer().get(t.doubles(), 0, n);
            case INT64, UINT64 -> b.asLongBuffer().get(t.longs(), 0, n);
            case INT32, UINT32 -> b.asIntBuffer().get(t.ints(), 0, n);
            case INT16, UINT16 -> b.asShortBuffer().get(t.shorts(), 0, n);
            case INT8, UINT8 -> b.get(t.bytes(), 0, n);
            case BOOL -> {
                byte[] a = t.bytes();
                b.get(a, 0, n);
                normalizeBools(a, n);
            }
        }
        return t;
    }

    /** ONNX bools are bytes; anything nonzero is true, and vinfer stores true as 1. */
    static void normalizeBools(byte[] a, int n) {
        for (int i = 0; i < n; i++) {
            a[i] = (byte) (a[i] != 0 ? 1 : 0);
        }
    }

    /** Encodes a tensor as a TensorProto with raw_data (the form the ONNX test data uses). */
    public static TensorProto encode(Tensor t, String name) {
        int n = t.size();
        long bytes = Limits.bytesOf(t.dtype(), n);
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new VinferException("tensor '" + name + "' " + t + " takes " + bytes
                    + " bytes; a TensorProto holds at most 2 GiB (use external data)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        Tensor c = t.offset() == 0 && java.lang.reflect.Array.getLength(t.data()) == n ? t : t.copy();
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(c.floats(), 0, n);
            case FLOAT64 -> b.asDoubleBuffer().put(c.doubles(), 0, n);
            case INT64, UINT64 -> b.asLongBuffer().put(c.longs(), 0, n);
            case INT32, UINT32 -> b.asIntBuffer().put(c.ints(), 0, n);
            case INT16, UINT16 -> b.asShortBuffer().put(c.shorts(), 0, n);
            case INT8, UINT8, BOOL -> b.put(c.bytes(), 0, n);
        }
        TensorProto.Builder p = TensorProto.newBuilder().setDataType(onnxTypeOf(t.dtype()))
                .setRawData(ByteString.copyFrom(b.array()));
        if (name != null) {
            p.setName(name);
        }
        for (int d : t.shape()) {
            p.addDims(d);
        }
        return p.build();
    }

    /** Value of an external_data key, or null. */
    static String externalKey(TensorProto p, String key) {
        for (StringStringEntryProto e : p.getExternalDataList()) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }
}
