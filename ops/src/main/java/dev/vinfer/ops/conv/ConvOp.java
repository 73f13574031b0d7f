package dev.vinfer.ops.conv;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Epilogue;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.Shapes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conv (rank 1-3, groups, strides, dilations, pads) with an optional fused residual addition and activation. When the
 * weights are constant, the kernel (packed weights) is prepared once per input shape and reused by every run and
 * thread; the last shape's kernel is also kept in a field so that a steady-state run allocates nothing here.
 *
 * <p>With a fused residual (a following {@code Add} folded in by the optimizer) the node has a fourth input, the
 * other addend, and computes {@code e(conv + bias + residual)}. If at run time the residual's shape is not the
 * convolution's output shape (the Add broadcast), the sum is formed with numpy broadcasting after a plain
 * convolution instead.
 */
public final class ConvOp implements Operator, PackedConstants {
    /** Input index of the fused residual addend. */
    public static final int RESIDUAL_INPUT = 3;

    private final ConvAttributes attrs;
    private final Tensor constWeights;
    private final Tensor constBias;
    private final Epilogue epilogue;
    private final boolean residual;
    /** Set by static shape inference: every run feeds the input shape the session prepares at open or run 1. */
    private final boolean staticInput;
    /** Window and stride of a fused 1-D max pool after the activation ({@link #withRowMaxPool}), 1 for none. */
    private final int rowPool;
    private final Map<List<Object>, ConvKernel> kernels = new ConcurrentHashMap<>();
    /** The kernel of the most recent input shape with the constant weights: the allocation-free fast path. */
    private volatile Prepared last;

    private record Prepared(int[] inShape, String forcedName, ConvKernel kernel, int[] outShape) {
    }

    /**
     * @param constWeights the weights if they are a constant (prepared once), else null (read per run)
     * @param constBias    the bias if constant, else null (read per run if present)
     */
    public ConvOp(ConvAttributes attrs, Tensor constWeights, Tensor constBias, Epilogue epilogue) {
        this(attrs, constWeights, constBias, epilogue, false, false, 1);
    }

    private ConvOp(ConvAttributes attrs, Tensor constWeights, Tensor constBias, Epilogue epilogue,
            boolean residual, boolean staticInput, int rowPool) {
        this.rowPool = rowPool;
        this.attrs = attrs;
        this.constWeights = constWeights;
        this.constBias = constBias;
        this.epilogue = epilogue == null ? Epilogue.NONE : epilogue;
        this.residual = residual;
        this.staticInput = staticInput;
    }

    /** The same convolution with an activation fused into its output. */
    public ConvOp withEpilogue(Epilogue e) {
        return new ConvOp(attrs, constWeights, constBias, e, residual, staticInput, rowPool);
    }

    /** The same convolution with new constant weights and bias (BatchNorm folding). */
    public ConvOp withWeights(Tensor weights, Tensor bias) {
        return new ConvOp(attrs, weights, bias, epilogue, residual, staticInput, rowPool);
    }

    /**
     * The same convolution adding input {@link #RESIDUAL_INPUT} to its result before the activation (the node
     * must then have that input).
     */
    public ConvOp withResidual() {
        if (rowPool != 1) {
            throw new IllegalStateException("a Conv with a fused max pool takes no residual");
        }
        return new ConvOp(attrs, constWeights, constBias, epilogue, true, staticInput, rowPool);
    }

    /**
     * The same convolution, known to be fed one input shape only (static shape inference proved it): once its
     * kernel is prepared it no longer reads the raw weights, so the session may release them
     * ({@link PackedConstants}).
     */
    public ConvOp withStaticInput() {
        return new ConvOp(attrs, constWeights, constBias, epilogue, residual, true, rowPool);
    }

    /**
     * The same 1-D convolution followed by a max pool of windows of {@code window} (2 or 4) samples, stride
     * {@code window}, no padding, floor mode, no indices: the output row holds {@code W / window} samples, pooled
     * while each thread's part of the convolution is still in cache (M5's Conv+BatchNorm+Relu+MaxPool1d(4)).
     */
    public ConvOp withRowMaxPool(int window) {
        if (residual || rowPool != 1 || (window != 2 && window != 4)) {
            throw new IllegalStateException("cannot fuse a max pool of " + window + " into " + opType());
        }
        return new ConvOp(attrs, constWeights, constBias, epilogue, false, staticInput, window);
    }

    /**
     * Whether a max pool of {@code window} fused by {@link #withRowMaxPool} would run inside the kernel's output pass
     * for an input of shape {@code xs} and weights of shape {@code ws} on {@code threads} threads under the forced
     * algorithm {@code forcedName} (null: AUTO), rather than after the whole convolution; false when the shapes do
     * not fit or the output row is shorter than one window.
     */
    public boolean poolsRowsInKernel(int[] xs, int[] ws, String forcedName, int threads, int window) {
        if (xs.length != 3 || ws.length != 3) {
            return false;
        }
        try {
            ConvGeometry g = geometry(xs, ws);
            return g.outputDim(0) >= window && Convolutions.poolsRowsInKernel(g, forcedAlgorithm(forcedName, g),
                    threads);
        } catch (VinferException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Window of the fused 1-D max pool, 1 for none. */
    public int rowMaxPool() {
        return rowPool;
    }

    /** Whether {@link #withStaticInput()} applies. */
    public boolean hasStaticInput() {
        return staticInput;
    }

    /**
     * Weights (1) and bias (2) once the kernel for the one input shape exists: the kernel holds its own packed copy
     * (and a broadcasting residual's plain kernel, if any, was made in the same run).
     */
    @Override
    public boolean packedInput(int index, Tensor constant) {
        return staticInput && last != null && constant != null
                && ((index == 1 && constant == constWeights) || (index == 2 && constant == constBias));
    }

    /** Whether a residual addition is fused in. */
    public boolean hasResidual() {
        return residual;
    }

    /** The constant weights, or null when they are computed at run time. */
    public Tensor constantWeights() {
        return constWeights;
    }

    /** The constant bias, or null. */
    public Tensor constantBias() {
        return constBias;
    }

    public ConvAttributes attributes() {
        return attrs;
    }

    public Epilogue epilogue() {
        return epilogue;
    }

    @Override
    public String opType() {
        return "Conv" + (residual ? "+Add" : "") + (epilogue.isIdentity() ? "" : "+" + epilogue)
                + (rowPool == 1 ? "" : "+MaxPool");
    }

    @Override
    public String describe() {
        Prepared p = last;
        if (p != null) {
            return p.kernel().algorithm().name().toLowerCase(Locale.ROOT);
        }
        return kernels.isEmpty() ? "" : kernels.values().iterator().next().algorithm().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs.length > 2 ? inputs[2] : null;
        Tensor res = residual ? inputs[RESIDUAL_INPUT] : null;
        Prepared p = last;
        if (p != null && w == constWeights && b == constBias && x.dtype() == DType.FLOAT32 && sameShape(x, p.inShape)
                && java.util.Objects.equals(p.forcedName, ctx.options().convAlgorithm())) {
            return compute(ctx, p.kernel, x, p.outShape, res);
        }
        if (x.dtype() != DType.FLOAT32 || w.dtype() != DType.FLOAT32) {
            throw new VinferException("Conv supports float32 only, got " + x.dtype().displayName());
        }
        if (w.isReleased() || (b != null && b.isReleased())) {
            // Static shape inference said this input shape could not change; a bug if it did, but say what happened.
            throw new VinferException("Conv input " + x + " differs from the shape "
                    + (p == null ? "?" : Shapes.toString(p.inShape)) + " the session prepared, whose raw weights"
                    + " it released after packing (the input shapes were inferred static)");
        }
        if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank()) {
            throw new VinferException("Conv input " + x + " and weights " + w + " must both have rank 3 to 5");
        }
        ConvGeometry g = geometry(x.shape(), w.shape());
        ConvAlgorithm forced = forcedAlgorithm(ctx.options().convAlgorithm(), g);
        int threads = ctx.parallel().threads();
        int[] outShape = outputShape(g, x.rank());
        if (ctx.preparing() && constWeights != null && w == constWeights && (b == null || b == constBias)
                && (res == null || sameShape(res, outShape))) {
            // The session is opening: queue the weight packing (run on the session's threads before it opens) and
            // skip the computation; the output's contents do not matter in this run.
            Tensor y = ctx.output(0, DType.FLOAT32, outShape);
            int[] inShape = x.shape();
            String forcedName = ctx.options().convAlgorithm();
            ctx.preparation(() -> {
                ConvKernel k = kernels.computeIfAbsent(List.of(g, forced, threads),
                        key -> prepare(g, w, b, forced, epilogue, threads));
                if (b == constBias) {
                    last = new Prepared(inShape, forcedName, k, outShape);
                }
            });
            return ctx.result(y);
        }
        if (constWeights != null && w == constWeights && (b == null || b == constBias)) {
            ConvKernel k = kernels.computeIfAbsent(List.of(g, forced, threads),
                    key -> prepare(g, w, b, forced, epilogue, threads));
            if (b == constBias) {
                last = new Prepared(x.shape(), ctx.options().convAlgorithm(), k, outShape);
            }
            return compute(ctx, k, x, outShape, res);
        }
        return compute(ctx, prepare(g, w, b, forced, epilogue, threads), x, outShape, res);
    }

    /**
     * For a fused Concat ({@code ConvConcatOp}): computes this convolution (no residual, constant float32 weights) of
     * {@code inputs} (x, weights, optional bias) into {@code out} from {@code outOff}, the one image's
     * {@code M x spatial} values written contiguously; the caller checked the output shape and the batch of 1. In
     * the session's preparation run it only queues the weight packing, as {@link #run} does.
     */
    public void computeInto(OpContext ctx, Tensor[] inputs, float[] out, int outOff) {
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Tensor b = inputs.length > 2 ? inputs[2] : null;
        if (residual || rowPool != 1 || constWeights == null || w != constWeights || (b != null && b != constBias)
                || x.dtype() != DType.FLOAT32) {
            throw new VinferException("Conv fused into a Concat needs constant weights, no residual and a float32 "
                    + "input, got " + x);
        }
        Prepared p = last;
        ConvKernel k;
        if (p != null && sameShape(x, p.inShape)
                && java.util.Objects.equals(p.forcedName, ctx.options().convAlgorithm())) {
            k = p.kernel;
        } else {
            if (w.isReleased() || (b != null && b.isReleased())) {
                throw new VinferException("Conv input " + x + " differs from the shape the session prepared, whose"
                        + " raw weights it released after packing (the input shapes were inferred static)");
            }
            if (x.rank() < 3 || x.rank() > 5 || w.rank() != x.rank()) {
                throw new VinferException("Conv input " + x + " and weights " + w + " must both have rank 3 to 5");
            }
            ConvGeometry g = geometry(x.shape(), w.shape());
            ConvAlgorithm forced = forcedAlgorithm(ctx.options().convAlgorithm(), g);
            int threads = ctx.parallel().threads();
            int[] outShape = outputShape(g, x.rank());
            int[] inShape = x.shape();
            String forcedName = ctx.options().convAlgorithm();
            Runnable prepare = () -> {
                ConvKernel pk = kernels.computeIfAbsent(List.of(g, forced, threads),
                        key -> prepare(g, w, b, forced, epilogue, threads));
                if (b == constBias) {
                    last = new Prepared(inShape, forcedName, pk, outShape);
                }
            };
            if (ctx.preparing()) {
                ctx.preparation(prepare); // the output's contents do not matter in this run
                return;
            }
            prepare.run();
            k = kernels.get(List.of(g, forced, threads));
        }
        k.run(x.floats(), x.offset(), out, outOff, ctx.parallel());
    }

    private Tensor[] compute(OpContext ctx, ConvKernel k, Tensor x, int[] outShape, Tensor res) {
        if (res != null && !sameShape(res, outShape)) {
            return broadcastResidual(ctx, k, x, outShape, res);
        }
        Tensor y = ctx.output(0, DType.FLOAT32, outShape);
        if (res == null) {
            k.run(x.floats(), x.offset(), y.floats(), y.offset(), ctx.parallel());
        } else {
            if (res.dtype() != DType.FLOAT32) {
                throw new VinferException("Conv fused Add: the other addend must be float32, got " + res);
            }
            k.run(x.floats(), x.offset(), y.floats(), y.offset(), res.floats(), res.offset(), ctx.parallel());
        }
        return ctx.result(y);
    }

    /**
     * The fused Add broadcasts (its other addend is not of the convolution's shape): a plain convolution into a
     * scratch tensor, then the broadcast sum and the activation. Rare, so it allocates.
     */
    private Tensor[] broadcastResidual(OpContext ctx, ConvKernel fused, Tensor x, int[] convShape, Tensor res) {
        if (res.dtype() != DType.FLOAT32) {
            throw new VinferException("Conv fused Add: the other addend must be float32, got " + res);
        }
        ConvGeometry g = geometry(x.shape(), constWeightsOr(fused));
        ConvKernel plain = kernels.computeIfAbsent(List.of(g, fused.algorithm(), "no epilogue"),
                key -> prepare(g, constWeights, constBias, fused.algorithm(), Epilogue.NONE, 1));
        Tensor conv = Tensor.zeros(DType.FLOAT32, convShape);
        plain.run(x.floats(), x.offset(), conv.floats(), conv.offset(), ctx.parallel());
        int[] outShape;
        try {
            outShape = Shapes.broadcast(convShape, res.shape());
        } catch (VinferException e) {
            throw new VinferException("Conv fused Add: " + e.getMessage());
        }
        Tensor y = ctx.output(0, DType.FLOAT32, outShape);
        int[] mapC = Broadcast.indexMap(convShape, outShape);
        int[] mapR = Broadcast.indexMap(res.shape(), outShape);
        for (int i = 0; i < y.size(); i++) {
            y.setFloat(i, epilogue.apply(conv.getFloat(mapC[i]) + res.getFloat(mapR[i])));
        }
        return ctx.result(y);
    }

    private int[] constWeightsOr(ConvKernel k) {
        if (constWeights == null) {
            throw new VinferException("Conv fused Add with a broadcasting addend needs constant weights");
        }
        return constWeights.shape();
    }

    /** The output shape for an input and weights of these shapes (static shape inference); throws if invalid. */
    public int[] outputShape(int[] xShape, int[] wShape) {
        if (xShape.length < 3 || xShape.length > 5 || wShape.length != xShape.length) {
            throw new VinferException("Conv input and weights must both have rank 3 to 5");
        }
        return outputShape(geometry(xShape, wShape), xShape.length);
    }

    private int[] outputShape(ConvGeometry g, int rank) {
        int[] outShape = new int[rank];
        outShape[0] = g.batch();
        outShape[1] = g.outChannels();
        for (int d = 0; d < g.rank(); d++) {
            outShape[2 + d] = g.outputDim(d);
        }
        if (rowPool != 1) {
            if (g.rank() != 1 || g.outputDim(0) < rowPool) {
                throw new VinferException("Conv with a fused MaxPool of " + rowPool + " needs a 1-D output of at least"
                        + " that many samples, got " + g);
            }
            outShape[2] = g.outputDim(0) / rowPool;
        }
        return outShape;
    }

    /** Whether {@code t} has {@code shape}, without {@link Tensor#shape()}'s copy (steady runs allocate nothing). */
    static boolean sameShape(Tensor t, int[] shape) {
        if (t.rank() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (t.dim(i) != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /** The kernel for {@code g}; AUTO chooses for {@code threads} threads (the session's). */
    private ConvKernel prepare(ConvGeometry g, Tensor w, Tensor b, ConvAlgorithm forced, Epilogue e, int threads) {
        float[] bias = null;
        if (b != null) {
            if (b.size() != g.outChannels()) {
                throw new VinferException("Conv bias has " + b.size() + " values for " + g.outChannels()
                        + " output channels");
            }
            bias = b.toFloatArray();
        }
        if (rowPool != 1) {
            return Convolutions.prepareRowMaxPool(g, w.floats(), w.offset(), bias, e, forced, threads, rowPool);
        }
        return Convolutions.prepare(g, w.floats(), w.offset(), bias, e, forced, threads);
    }

    /**
     * The session's forced algorithm if it applies to this geometry, else AUTO. With a null geometry: the forced
     * algorithm as named (used to check that the cached kernel was chosen under the same option).
     */
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
        return g == null || a.supports(g) ? a : ConvAlgorithm.AUTO;
    }

    /**
     * The kernel-library geometry of this convolution for an NCHW input of shape {@code xs} and weights of shape
     * {@code ws} (resolving auto_pad); throws {@link VinferException} when they do not fit.
     */
    public ConvGeometry geometryFor(int[] xs, int[] ws) {
        return geometry(xs, ws);
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
