package dev.vinfer.ops.conv;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.ConvTransposeGeometry;
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
 * ConvTranspose (rank 1-3, groups, strides, dilations, pads, output_padding, or a requested output_shape from
 * which pads are derived). Weights are (C, M/group, k...).
 */
public final class ConvTransposeOp implements Operator {
    private final ConvAttributes attrs;
    private final Tensor constWeights;
    private final Map<List<Object>, ConvKernel> kernels = new ConcurrentHashMap<>();

    public ConvTransposeOp(ConvAttributes attrs, Tensor constWeights) {
        this.attrs = attrs;
        this.constWeights = constWeights;
    }

    @Override
    public String opType() {
        return "ConvTranspose";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs.length > 2 ? inputs[2] : null;
        if (x.dtype() != DType.FLOAT32 || w.dtype() != DType.FLOAT32) {
            throw new VinferException("ConvTranspose supports float32 only, got " + x.dtype().displayName());
        }
        if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank()) {
            throw new VinferException("ConvTranspose input " + x + " and weights " + w + " must have rank 3 to 5");
        }
        ConvTransposeGeometry g = geometry(x.shape(), w.shape());
        ConvAlgorithm forced = ctx.options().convAlgorithm().equalsIgnoreCase("direct") ? ConvAlgorithm.DIRECT
                : ConvAlgorithm.AUTO;
        ConvKernel k;
        if (constWeights != null && w == constWeights) {
            k = kernels.computeIfAbsent(List.of(g, forced, b == null ? List.of() : List.of(b)),
                    key -> prepare(g, w, b, forced));
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

    private static ConvKernel prepare(ConvTransposeGeometry g, Tensor w, Tensor b, ConvAlgorithm forced) {
        float[] bias = null;
        if (b != null) {
            if (b.size() != g.outChannels()) {
                throw new VinferException("ConvTranspose bias has " + b.size() + " values for " + g.outChannels()
                        + " output channels");
            }
            bias = b.toFloatArray();
        }
        return Convolutions.prepareTranspose(g, w.floats(), w.offset(), bias, Epilogue.NONE, forced);
    }

    private ConvTransposeGeometry geometry(int[] xs, int[] ws) {
        int rank = xs.length - 2;
        attrs.requireRank(rank, "ConvTranspose");
        int[] in = Arrays.copyOfRange(xs, 2, xs.length);
        int[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        if (attrs.kernelShape() != null && !Arrays.equals(attrs.kernelShape(), kernel)) {
            throw new VinferException("ConvTranspose kernel_shape " + Arrays.toString(attrs.kernelShape())
                    + " does not match the weights " + Arrays.toString(ws));
        }
        int group = attrs.group();
        if (ws[0] != xs[1]) {
            throw new VinferException("ConvTranspose weights " + Arrays.toString(ws) + " do not fit an input of "
                    + xs[1] + " channels");
        }
        int[] strides = new int[rank];
        int[] dil = new int[rank];
        int[] outPad = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        ConvPadding.Mode mode = attrs.padding().mode();
        for (int d = 0; d < rank; d++) {
            strides[d] = attrs.stride(d);
            dil[d] = attrs.dilation(d);
            outPad[d] = attrs.outputPadding(d);
            if (strides[d] < 1 || dil[d] < 1 || outPad[d] < 0) {
                throw new VinferException("ConvTranspose: strides " + strides[d] + ", dilations " + dil[d]
                        + " and output_padding " + outPad[d] + " on axis " + d + " are out of range");
            }
            long fullLong = (long) strides[d] * (in[d] - 1) + outPad[d] + (long) (kernel[d] - 1) * dil[d] + 1;
            if (fullLong > Integer.MAX_VALUE) {
                throw new VinferException("ConvTranspose: output axis " + d + " would have " + fullLong + " elements");
            }
            int full = (int) fullLong;
            int[] requested = attrs.outputShape();
            if (requested != null || mode == ConvPadding.Mode.SAME_UPPER || mode == ConvPadding.Mode.SAME_LOWER) {
                // The spec derives pads from the wanted output size; SAME means output = input * stride.
                int target = requested != null ? requested[requested.length - rank + d] : in[d] * strides[d];
                int total = full - target;
                int half = total / 2;
                if (mode == ConvPadding.Mode.SAME_UPPER) {
                    pb[d] = half;
                    pe[d] = total - half;
                } else {
                    pb[d] = total - half;
                    pe[d] = half;
                }
                if (total < 0) {
                    // A larger output than the kernel covers: grow the output padding instead of padding negatively.
                    outPad[d] += -total;
                    pb[d] = 0;
                    pe[d] = 0;
                }
            } else if (mode == ConvPadding.Mode.EXPLICIT) {
                pb[d] = attrs.padding().begin()[d];
                pe[d] = attrs.padding().end()[d];
            }
        }
        try {
            return ConvTransposeGeometry.of(xs[0], xs[1], ws[1] * group, group, in, kernel, strides, dil, pb, pe,
                    outPad);
        } catch (IllegalArgumentException e) {
            throw new VinferException(e.getMessage());
        }
    }
}
