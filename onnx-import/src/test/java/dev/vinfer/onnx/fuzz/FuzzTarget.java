package dev.vinfer.onnx.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.runtime.VinferException;
import dev.vinfer.runtime.io.Npy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the fuzzers call: model bytes -> load -> run on generated inputs, and tensor-file parsing. The contract
 * under test is vinfer's: on any input, only a {@link VinferException} may come out. Anything else propagates and
 * is a finding. In strict mode (the default) a VinferException whose cause is some other exception is a finding
 * too: it means the executor or constant folding caught an op's bug (an index out of bounds, say) as a last
 * resort, and the op should have checked its input instead.
 *
 * <p>Each case is bounded by small limits (2^16 elements per tensor, 64 MiB per run, 2,000 nodes, 10,000 Loop iterations, one thread), so
 * neither memory nor time can run away; the fuzz engine's own timeout catches anything slower.
 */
public final class FuzzTarget {
    private FuzzTarget() {
    }

    static final Limits LIMITS = new Limits(1 << 16, 1 << 22, 8, 2_000, 8, 1 << 22, 64L << 20, 10_000);

    static SessionOptions options(boolean optimize) {
        return new SessionOptions().threads(1).optimize(optimize).limits(LIMITS);
    }

    /** An exception of the kind the contract forbids, wrapped so that the engine reports it with its cause. */
    public static final class Finding extends AssertionError {
        Finding(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Loads {@code model}, runs it on inputs drawn from {@code inputSeed}; only VinferExceptions may escape. */
    public static void loadAndRun(byte[] model, long inputSeed, boolean optimize) {
        try {
            try (Session s = Vinfer.open(OnnxModel.fromBytes(model, null, LIMITS), options(optimize))) {
                Map<String, Tensor> feed = inputs(s, inputSeed);
                if (feed != null) {
                    s.run(feed);
                }
            }
        } catch (VinferException e) {
            checkCause(e);
        }
    }

    /** Parses {@code data} as a .npy file and as a serialized TensorProto; only VinferExceptions may escape. */
    public static void parseTensorFile(byte[] data) {
        try {
            Npy.read(data, "fuzz.npy");
        } catch (VinferException e) {
            checkCause(e);
        }
        TensorProto p;
        try {
            p = TensorProto.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            return; // protobuf's own documented rejection, which TensorFiles turns into a user error
        }
        try {
            TensorProtos.decode(p, LIMITS);
        } catch (VinferException e) {
            checkCause(e);
        }
    }

    private static void checkCause(VinferException e) {
        if (!Boolean.parseBoolean(System.getProperty("vinfer.fuzz.strict", "true"))) {
            return;
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (!(c instanceof VinferException) && !(c instanceof java.io.IOException)) {
                throw new Finding("a " + c.getClass().getSimpleName() + " was caught only as a last resort: "
                        + e.getMessage(), e);
            }
        }
    }

    /**
     * Inputs for every graph input: the declared dtype (float32 if none) and shape, symbolic or absent dims drawn
     * from 1-4; values mostly small, sometimes NaN, infinities, negative or huge. Null if the declared shape is too
     * large to feed.
     */
    static Map<String, Tensor> inputs(Session s, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (ValueInfo vi : s.inputs()) {
            long[] dims = vi.dims();
            int[] shape;
            if (dims == null) {
                shape = new int[] {1 + rnd.nextInt(4)};
            } else {
                shape = new int[dims.length];
                long n = 1;
                for (int i = 0; i < dims.length; i++) {
                    shape[i] = dims[i] < 0 ? 1 + rnd.nextInt(4) : (int) Math.min(dims[i], Integer.MAX_VALUE);
                    n *= Math.max(shape[i], 1);
                    if (n > 1 << 14) {
                        return null; // bigger than we care to feed: the load was what mattered
                    }
                }
            }
            DType dt = vi.dtype() == null ? DType.FLOAT32 : vi.dtype();
            Tensor t = Tensor.zeros(dt, shape);
            for (int i = 0; i < t.size(); i++) {
                t.setDouble(i, value(rnd, dt));
            }
            feed.put(vi.name(), t);
        }
        return feed;
    }

    private static double value(SplittableRandom rnd, DType dt) {
        int k = rnd.nextInt(16);
        if (dt == DType.BOOL) {
            return rnd.nextInt(2);
        }
        if (dt.isFloatingPoint()) {
            return switch (k) {
                case 0 -> Double.NaN;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> Double.NEGATIVE_INFINITY;
                case 3 -> 1e30 * (rnd.nextBoolean() ? 1 : -1);
                case 4 -> 0;
                default -> rnd.nextDouble(-4, 4);
            };
        }
        return switch (k) {
            case 0 -> -1;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            case 3 -> rnd.nextInt(100_000);
            default -> rnd.nextInt(-3, 5);
        };
    }
}
