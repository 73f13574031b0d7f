package dev.vinfer.ops.conv;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conv (rank 1-3, groups, strides, dilations, pads) with an optional fused activation. When the weights are
 * constant, the kernel (packed weights) is prepared once per input shape and reused by every run and thread.
 */
public final class ConvOp implements Operator {
    private final ConvAttributes attrs;
    private final Tensor constWeights;
    private final Tensor constBias;
    private final Epilogue epilogue;
    private final Map<List<Object>, ConvKernel> kernels = new ConcurrentHashMap<>();

    /**
     * @param constWeights the weights if they are a constant (prepared once), else null (read per run)
     * @param constBias    the bias if constant, else null (read per run if present)
     */
    public ConvOp(ConvAttributes attrs, Tensor constWeights, Tensor constBias, Epilogue epilogue) {
        this.attrs = attrs;
        this.constWeights = constWeights;
        this.constBias = constBias;
        this.epilogue = epilogue == null ? Epilogue.NONE : epilogue;
    }

    /** The same convolution with an activation fused into its output. */
    public ConvOp withEpilogue(Epilogue e) {
        return new ConvOp(attrs, constWeights, constBias, e);
    }

    /** The same convolution with new constant weights and bias (BatchNorm folding). */
    public ConvOp withWeights(Tensor weights, Tensor bias) {
        return new ConvOp(attrs, weights, bias, epilogue);
    }

    public ConvAttributes attributes() {
        return attrs;
    }

    public Epilogue epilogue() {
        return epilogue;
    }

    @Override
    public String opType() {
        return epilogue.isIdentity() ? "Conv" : "Conv+" + epilogue;
    }

    @Override
    public String describe() {
        return kernels.isEmpty() ? "" : kernels.values().iterator().next().algorithm().name().toLowerCase();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs.length > 2 ? inputs[2] : null;
        if (x.dtype() != DType.FLOAT32 || w.dtype() != DType.FLOAT32) {
            throw new VinferException("Conv supports float32 only, got " + x.dtype().displayName());
        }
        if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank()) {
            throw new VinferException("Conv input " + x + " and weights " + w + " must both have rank 3 to 5");
        }
        ConvGeometry g = geometry(x.shape(), w.shape());
        ConvAlgorithm forced = forcedAlgorithm(ctx.options().convAlgorithm(), g);
        ConvKernel k;
        if (constWeights != null && w == constWeights && (b == null || b == constBias)) {
            k = kernels.computeIfAbsent(List.of(g, forced), key -> prepare(g, w, b, forced));
        } else {
            k = prepare(g, w, b, forced);
        }
        int[] outShape = new int[x.rank()];
        outShape[0] = g.batch();
        outShape[1] = g.outChannels();
        for (int d = 0; d < g.rank(); d++) {
            outShape[2 + d] = g.outputDim(d);
        }
        Tensor y = ctx.output(0, DType.FLOAT32, outShape);
        k.run(x.floats(), x.offset(), y.floats(), y.offset(), ctx.parallel());
        return new Tensor[] {y};
    }

    private ConvKernel prepare(ConvGeometry g, Tensor w, Tensor b, ConvAlgorithm forced) {
        float[] bias = null;
        if (b != null) {
            if (b.size() != g.outChannels()) {
                throw new VinferException("Conv bias has " + b.size() + " values for " + g.outChannels()
                        + " output channels");
            }
            bias = b.toFloatArray();
        }
        return Convolutions.prepare(g, w.floats(), w.offset(), bias, epilogue, forced);
    }

    /** The session's forced algorithm if it applies to this geometry, else AUTO. */
    static ConvAlgorithm forcedAlgorithm(String name, ConvGeometry g) {
        if (name == null || name.equalsIgnoreCase("auto")) {
            return ConvAlgorithm.AUTO;
        }
        ConvAlgorithm a;
        try {
            a = ConvAlgorithm.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new VinferException("unknown convolution algorithm '" + name + "'; one of "
                    + Arrays.toString(ConvAlgorithm.values()));
        }
        return a.supports(g) ? a : ConvAlgorithm.AUTO;
    }

    private ConvGeometry geometry(int[] xs, int[] ws) {
        int rank = xs.length - 2;
        attrs.requireRank(rank, "Conv");
        int[] in = Arrays.copyOfRange(xs, 2, xs.length);
        int[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        if (attrs.kernelShape() != null && !Arrays.equals(attrs.kernelShape(), kernel)) {
            throw new VinferException("Conv kernel_shape " + Arrays.toString(attrs.kernelShape())
                    + " does not match the weights " + Arrays.toString(ws));
        }
        int[] strides = new int[rank];
        int[] dil = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        for (int d = 0; d < rank; d++) {
            strides[d] = attrs.stride(d);
            dil[d] = attrs.dilation(d);
            int[] p = attrs.padding().resolve(d, in[d], kernel[d], strides[d], dil[d]);
            pb[d] = p[0];
            pe[d] = p[1];
        }
        int group = attrs.group();
        if (ws[1] * group != xs[1]) {
            throw new VinferException("Conv weights " + Arrays.toString(ws) + " with group " + group
                    + " do not fit an input of " + xs[1] + " channels");
        }
        try {
            return ConvGeometry.of(xs[0], xs[1], ws[0], group, in, kernel, strides, dil, pb, pe);
        } catch (IllegalArgumentException e) {
            throw new VinferException(e.getMessage());
        }
    }
}
