package dev.vinfer.testdata;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime as a test-scope reference: runs a model file on vinfer tensors and returns vinfer tensors. */
public final class OrtReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OrtReference(Path model) {
        try {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(2);
            // ONNX Runtime's default int8 GEMM (u8 x s8) on x86 without VNNI (AVX2, e.g. Zen 3) adds pairs of
            // products in 16 bits, which saturate: its results then are not the exact integer arithmetic the ONNX
            // ops define (relative L2 0.06-0.14 on the quantized test models). This entry makes it use its exact
            // u8 x u8 path there; on VNNI machines it changes nothing.
            o.addConfigEntry("session.x64quantprecision", "1");
            session = env.createSession(model.toString(), o);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot open " + model + ": " + e.getMessage(), e);
        }
    }

    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (var e : inputs.entrySet()) {
                feed.put(e.getKey(), toOrt(e.getValue()));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(feed)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    out.put(e.getKey(), fromOrt((OnnxTensor) e.getValue()));
                }
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor toOrt(Tensor t) throws OrtException {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return switch (t.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), shape);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), shape);
            case INT32 -> OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(t.toIntArray()), shape);
            default -> throw new IllegalArgumentException("OrtReference: dtype " + t.dtype() + " not wired");
        };
    }

    private static Tensor fromOrt(OnnxTensor o) {
        long[] s = o.getInfo().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        return switch (o.getInfo().type) {
            case FLOAT -> {
                FloatBuffer fb = o.getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                yield Tensor.of(a, shape);
            }
            case INT64 -> {
                LongBuffer lb = o.getLongBuffer();
                long[] a = new long[lb.remaining()];
                lb.get(a);
                yield Tensor.of(a, shape);
            }
            case UINT8, INT8, BOOL -> {
                ByteBuffer bb = o.getByteBuffer();
                byte[] a = new byte[bb.remaining()];
                bb.get(a);
                DType dt = switch (o.getInfo().type) {
                    case UINT8 -> DType.UINT8;
                    case INT8 -> DType.INT8;
                    default -> DType.BOOL;
                };
                yield Tensor.ofBytes(dt, a, shape);
            }
            default -> throw new IllegalArgumentException("OrtReference: output type " + o.getInfo().type);
        };
    }

    /** Relative L2 error ||a - b|| / ||b||. */
    public static double relL2(Tensor a, Tensor b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.size(); i++) {
            double d = a.getDouble(i) - b.getDouble(i);
            num += d * d;
            den += b.getDouble(i) * b.getDouble(i);
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
