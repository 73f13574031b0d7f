package dev.vinfer.cli;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.runtime.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;

/** Reading and writing tensors as ONNX {@code .pb} (serialized TensorProto) or NumPy {@code .npy} files. */
final class TensorFiles {
    private TensorFiles() {
    }

    static Tensor read(Path f) throws IOException {
        try {
            if (f.getFileName().toString().endsWith(".npy")) {
                return Npy.read(f);
            }
            try (InputStream in = Files.newInputStream(f)) {
                return TensorProtos.decode(TensorProto.parseFrom(in), Limits.defaults());
            }
        } catch (NoSuchFileException e) {
            throw new Main.UserError("file not found: " + f);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new Main.UserError(f + " is not a serialized TensorProto: " + e.getMessage());
        }
    }

    static void writePb(Tensor t, String name, Path f) throws IOException {
        Files.write(f, TensorProtos.encode(t, name).toByteArray());
    }

    /** A random tensor for an input: symbolic dims become 1; floats in [0,1), integers in [0,10), bools 50/50. */
    static Tensor random(ValueInfo info, Random rnd) {
        long[] dims = info.dims() == null ? new long[] {1} : info.dims();
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[i] < 0 ? 1 : (int) dims[i];
        }
        DType dt = info.dtype() == null ? DType.FLOAT32 : info.dtype();
        Tensor t = Tensor.zeros(dt, shape);
        for (int i = 0; i < t.size(); i++) {
            if (dt.isFloatingPoint()) {
                t.setDouble(i, rnd.nextFloat());
            } else if (dt == DType.BOOL) {
                t.setLong(i, rnd.nextBoolean() ? 1 : 0);
            } else {
                t.setLong(i, rnd.nextInt(10));
            }
        }
        return t;
    }

    /** "shape [1, 10] float32, min -3.2 max 4.1 mean 0.2" style summary. */
    static String describe(Tensor t) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getDouble(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        String range = t.size() == 0 ? "empty" : String.format("min %.6g  max %.6g  mean %.6g", min, max,
                sum / t.size());
        return t.dtype().displayName() + java.util.Arrays.toString(t.shape()) + "  " + range;
    }
}
