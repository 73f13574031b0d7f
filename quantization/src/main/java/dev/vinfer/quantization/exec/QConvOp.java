package dev.vinfer.quantization.exec;

import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.ConvKernel;
import dev.vinfer.conv.Convolutions;
import dev.vinfer.conv.Parallel;
import dev.vinfer.ops.conv.ConvAttributes;
import dev.vinfer.quantization.simd.QuantKernels;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fused {@code DequantizeLinear -> Conv [-> Relu/Clip/LeakyRelu] -> QuantizeLinear} chain: quantized x in,
 * quantized y out. The products {@code (x - zx) * (w - zw)} are exact integers; they are summed by the float
 * convolution engine on centered float operands, which is exact while every partial sum stays within 2^24
 * (see {@link ExactBlocking}): checked per run as this input's max |x - zx| times the largest L1 norm of a weight
 * row. When that fails, the reduction is split into input-channel blocks exact for any input, whose results are
 * added in int32. Requantization: {@code y = sat(rint(act(acc * xs*ws[m]/ys + bias[m]/ys)) + zy)}.
 *
 * <p>The exact path uses only summation algorithms; a grouped convolution whose per-group reduction is too long for
 * one block runs on the engine's double-accumulating direct algorithm, exact up to the final float32 rounding of sums
 * beyond 2^24. Where the engine would pick Winograd (3x3, stride 1, enough channels), {@link #run} uses it as the
 * float32 path does, unless {@code -Dvinfer.int8.winograd=false}: not exact, but within float32 rounding of the exact
 * sums, which moves a requantized value by one step only when it sits that close to a rounding boundary. The int32
 * results ({@link #accumulateInts}, ConvInteger) always take the exact path.
 */
public final class QConvOp implements Operator {
    private final ConvAttributes attrs;
    private final QParams x;
    private final QParams y;
    private final int[] wShape;
    private final float[] centeredWeights;
    /** Per output channel and input channel (of its group), the L1 norm of the centered kernel. */
    private final long[][] channelL1;
    /** Largest L1 norm of a whole weight row: with max |x| it bounds every partial sum. */
    private final long maxRowL1;
    private final float[] mult;
    private final float[] add;
    private final Activation act;
    private final String fusedName;
    private final Map<List<Integer>, Plan> plans = new ConcurrentHashMap<>();
    /**
     * Whether a 3x3 convolution for which the engine picks Winograd runs on it (as float32 does) instead of the
     * exact im2col summation; {@code -Dvinfer.int8.winograd=false} keeps every convolution exact.
     */
    static final boolean WINOGRAD = !"false".equals(System.getProperty("vinfer.int8.winograd"));

    /**
     * @param weights   quantized weights [M, C/G, k...] (int8 or uint8)
     * @param wScales   1 or M scales
     * @param wZeros    1 or M zero points
     * @param bias      M float values added before the activation (the dequantized bias), or null
     * @param act       the activation in real units (before dividing by the output scale)
     * @param fusedName what was fused, for {@link #opType()}
     */
    public QConvOp(ConvAttributes attrs, QParams x, Tensor weights, float[] wScales, int[] wZeros, float[] bias,
            Activation act, QParams y, String fusedName) {
        this.attrs = attrs;
        this.x = x;
        this.y = y;
        this.wShape = weights.shape();
        int m = wShape[0];
        int per = weights.size() / m;
        this.centeredWeights = new float[weights.size()];
        byte[] wb = weights.bytes();
        boolean unsigned = weights.dtype() == DType.UINT8;
        int cg = wShape[1];
        int kernelSize = per / Math.max(1, cg);
        this.channelL1 = new long[m][cg];
        long maxRow = 0;
        for (int o = 0; o < m; o++) {
            long row = 0;
            for (int i = o * per; i < (o + 1) * per; i++) {
                int zw = wZeros[wZeros.length == 1 ? 0 : o];
                int q = (unsigned ? wb[weights.offset() + i] & 0xFF : wb[weights.offset() + i]) - zw;
                centeredWeights[i] = q;
                channelL1[o][(i - o * per) / Math.max(1, kernelSize)] += Math.abs(q);
                row += Math.abs(q);
            }
            maxRow = Math.max(maxRow, row);
        }
        this.maxRowL1 = maxRow;
        this.mult = new float[m];
        this.add = new float[m];
        for (int c = 0; c < m; c++) {
            mult[c] = (float) ((double) x.scale() * wScales[wScales.length == 1 ? 0 : c] / y.scale());
            add[c] = bias == null ? 0f : (float) ((double) bias[c] / y.scale());
        }
        this.act = act.scaledBy(y.scale());
        this.fusedName = fusedName;
    }

    @Override
    public String opType() {
        return fusedName;
    }

    @Override
    public String describe() {
        Plan p = plans.isEmpty() ? null : plans.values().iterator().next();
        return "int8 " + x.dtype().displayName() + "->" + y.dtype().displayName()
                + (p == null ? "" : ", " + p.describe());
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor xt = inputs[0];
        checkInput(xt);
        Plan plan = plans.computeIfAbsent(Arrays.stream(xt.shape()).boxed().toList(),
                k -> prepare(xt.shape(), ctx.options().convAlgorithm()));
        ConvGeometry g = plan.geometry;
        int n = g.batch();
        int m = g.outChannels();
        int outPlane = plan.outPlane;
        int[] outShape = new int[xt.rank()];
        outShape[0] = n;
        outShape[1] = m;
        for (int d = 0; d < g.rank(); d++) {
            outShape[2 + d] = g.outputDim(d);
        }
        Tensor yt = ctx.output(0, y.dtype(), outShape);
        QuantKernels k = QuantKernels.get();
        Parallel par = ctx.parallel();
        float[] acc = plan.fast != null ? transformed(xt, plan, par) : accumulate(xt, plan, par);
        byte[] yb = yt.bytes();
        int yOff = yt.offset();
        par.forRange(n * m, Math.max(1, 4096 / Math.max(1, outPlane)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ch = r % m;
                k.requantize(acc, r * outPlane, mult[ch], add[ch], act, y.zeroPoint(), y.qmin(), y.qmax(), yb,
                        yOff + r * outPlane, outPlane);
            }
        });
        return new Tensor[] {yt};
    }

    /**
     * The sums through a Winograd transform: not exact (the transforms round in float32), but within a few units in
     * the last place of float32 of the exact sums, so after requantization a value moves by one step only when it
     * sits that close to a rounding boundary (measured in {@code QConvOpTest}: at most one step, on well under 1% of
     * the outputs).
     */
    private float[] transformed(Tensor xt, Plan plan, Parallel par) {
        float[] acc = Scratch.floats(Scratch.ACCUMULATOR, plan.geometry.batch() * plan.geometry.outChannels()
                * plan.outPlane);
        float[] xf = Scratch.floats(Scratch.INPUT, xt.size());
        centerParallel(QuantKernels.get(), xt.bytes(), xt.offset(), xf, 0, xt.size(), par);
        plan.fast.run(xf, 0, acc, 0, par);
        return acc;
    }

    /**
     * The int32 sums {@code sum (x - zx) * (w - zw)} as floats, [N, M, out plane]; exact integers while they stay
     * within 2^24 in magnitude (beyond that, the int32 total rounded once to float32).
     */
    float[] accumulate(Tensor xt, Parallel par, String forcedAlgorithm) {
        Plan plan = plans.computeIfAbsent(Arrays.stream(xt.shape()).boxed().toList(),
                key -> prepare(xt.shape(), forcedAlgorithm));
        return accumulate(xt, plan, par);
    }

    private float[] accumulate(Tensor xt, Plan plan, Parallel par) {
        return accumulate(xt, plan, par, null, 0);
    }

    /** The exact int32 sums {@code sum (x - zx) * (w - zw)} into {@code dst} from {@code dstOff}, [N, M, out plane]. */
    void accumulateInts(Tensor xt, Parallel par, String forcedAlgorithm, int[] dst, int dstOff) {
        checkInput(xt);
        Plan plan = plans.computeIfAbsent(Arrays.stream(xt.shape()).boxed().toList(),
                key -> prepare(xt.shape(), forcedAlgorithm));
        accumulate(xt, plan, par, dst, dstOff);
    }

    /** The output shape [N, M, out dims...] for an input of shape {@code xs}. */
    int[] outputShape(int[] xs) {
        ConvGeometry g = geometry(xs);
        int[] outShape = new int[xs.length];
        outShape[0] = g.batch();
        outShape[1] = g.outChannels();
        for (int d = 0; d < g.rank(); d++) {
            outShape[2 + d] = g.outputDim(d);
        }
        return outShape;
    }

    private void checkInput(Tensor xt) {
        if (xt.dtype() != x.dtype()) {
            throw new VinferException(fusedName + " expects " + x.dtype().displayName() + " input, got " + xt);
        }
    }

    /**
     * The sums as floats; when {@code ints} is given, also exactly into it (the blocked case then skips the float
     * copy, as sums beyond 2^24 would not survive it).
     */
    private float[] accumulate(Tensor xt, Plan plan, Parallel par, int[] ints, int intsOff) {
        QuantKernels k = QuantKernels.get();
        ConvGeometry g = plan.geometry;
        int n = g.batch();
        int c = g.inChannels();
        int m = g.outChannels();
        int inPlane = xt.size() / Math.max(1, n * c);
        float[] acc = Scratch.floats(Scratch.ACCUMULATOR, n * m * plan.outPlane);
        float[] xf = Scratch.floats(Scratch.INPUT, xt.size());
        int maxX = centerParallel(k, xt.bytes(), xt.offset(), xf, 0, xt.size(), par);
        int total = n * m * plan.outPlane;
        List<Block> blocks = null;
        if ((long) maxX * maxRowL1 <= ExactBlocking.EXACT_LIMIT || (blocks = plan.blocked()).size() == 1) {
            // One reduction is exact: this input keeps every partial sum within 2^24, or the kernel accumulates
            // in double.
            (blocks == null ? plan.single : blocks.get(0).kernel).run(xf, 0, acc, 0, par);
            if (ints != null) {
                Arrays.fill(ints, intsOff, intsOff + total, 0);
                k.addToInts(acc, 0, ints, intsOff, total);
            }
            return acc;
        }
        int[] sum = ints != null ? ints : new int[total];
        int sumOff = ints != null ? intsOff : 0;
        Arrays.fill(sum, sumOff, sumOff + total, 0);
        float[] part = new float[total];
        for (Block b : blocks) {
            int cc = b.c1 - b.c0;
            float[] xb;
            if (n == 1) {
                xb = xf;
            } else {
                xb = new float[n * cc * inPlane];
                for (int img = 0; img < n; img++) {
                    System.arraycopy(xf, (img * c + b.c0) * inPlane, xb, img * cc * inPlane, cc * inPlane);
                }
            }
            b.kernel.run(xb, n == 1 ? b.c0 * inPlane : 0, part, 0, par);
            k.addToInts(part, 0, sum, sumOff, total);
        }
        if (ints == null) {
            for (int i = 0; i < total; i++) {
                acc[i] = sum[i];
            }
        }
        return acc;
    }

    /** How many exact blocks the reduction of an input of this shape is split into (for tests). */
    int blocks(int[] xShape) {
        return plans.computeIfAbsent(Arrays.stream(xShape).boxed().toList(), key -> prepare(xShape, "auto"))
                .blocked().size();
    }

    /** Centers x into floats (split over threads for large inputs); returns max |x - zx|. */
    private int centerParallel(QuantKernels k, byte[] src, int srcOff, float[] dst, int dstOff, int len,
            Parallel par) {
        int chunk = 1 << 15;
        int pieces = (len + chunk - 1) / chunk;
        if (pieces <= 1 || par.threads() == 1) {
            return k.center(src, srcOff, x.unsigned(), x.zeroPoint(), dst, dstOff, len);
        }
        java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
        par.forRange(pieces, 1, (p0, p1) -> {
            int a = p0 * chunk;
            int b = Math.min(len, p1 * chunk);
            max.accumulateAndGet(k.center(src, srcOff + a, x.unsigned(), x.zeroPoint(), dst, dstOff + a, b - a),
                    Math::max);
        });
        return max.get();
    }

    /** The engine kernel for one input shape; the blocked kernels are made when an input first needs them. */
    private Plan prepare(int[] xs, String forcedName) {
        ConvGeometry g = geometry(xs);
        int outPlane = 1;
        for (int d = 0; d < g.rank(); d++) {
            outPlane *= g.outputDim(d);
        }
        ConvKernel single = Convolutions.prepare(g, centeredWeights, 0, null, null, exactAlgorithm(g, forcedName));
        ConvAlgorithm wanted = wantedAlgorithm(g, forcedName);
        ConvKernel fast = WINOGRAD && wanted.name().startsWith("WINOGRAD")
                ? Convolutions.prepare(g, centeredWeights, 0, null, null, wanted) : null;
        return new Plan(g, single, fast, outPlane, () -> blocks(g, single, forcedName));
    }

    /**
     * Input-channel blocks whose reduction is exact for any input: for every output channel, the L1 norm of its
     * weights over the block times the largest possible |x - zx| stays within 2^24. A grouped convolution that needs
     * blocks runs whole on the engine's double-accumulating direct algorithm instead.
     */
    private List<Block> blocks(ConvGeometry g, ConvKernel single, String forcedName) {
        long limit = ExactBlocking.EXACT_LIMIT / Math.max(1, x.maxCentered());
        if (maxRowL1 <= limit) {
            return List.of(new Block(0, g.inChannels(), single));
        }
        if (g.group() != 1) {
            return List.of(new Block(0, g.inChannels(),
                    Convolutions.prepare(g, centeredWeights, 0, null, null, ConvAlgorithm.DIRECT)));
        }
        int kernelSize = centeredWeights.length / wShape[0] / wShape[1];
        int m = g.outChannels();
        List<Block> blocks = new ArrayList<>();
        long[] run = new long[m];
        int c0 = 0;
        for (int ch = 0; ch <= g.inChannels(); ch++) {
            boolean fits = ch < g.inChannels();
            for (int o = 0; fits && o < m; o++) {
                fits = run[o] + channelL1[o][ch] <= limit;
            }
            if (fits || ch == c0 && ch < g.inChannels()) {
                for (int o = 0; o < m; o++) {
                    run[o] += channelL1[o][ch];
                }
                continue;
            }
            blocks.add(block(g, c0, ch, kernelSize, forcedName));
            c0 = ch;
            java.util.Arrays.fill(run, 0);
            if (ch < g.inChannels()) {
                for (int o = 0; o < m; o++) {
                    run[o] = channelL1[o][ch];
                }
            }
        }
        return List.copyOf(blocks);
    }

    private Block block(ConvGeometry g, int c0, int c1, int kernelSize, String forcedName) {
        ConvGeometry gb = ConvGeometry.of(g.batch(), c1 - c0, g.outChannels(), 1, g.inputDims(), kernelDims(),
                strides(g), dilations(g), padsBegin(g), padsEnd(g));
        float[] wb = new float[g.outChannels() * (c1 - c0) * kernelSize];
        for (int o = 0; o < g.outChannels(); o++) {
            System.arraycopy(centeredWeights, (o * g.inChannels() + c0) * kernelSize, wb, o * (c1 - c0) * kernelSize,
                    (c1 - c0) * kernelSize);
        }
        return new Block(c0, c1, Convolutions.prepare(gb, wb, 0, null, null, exactAlgorithm(gb, forcedName)));
    }

    /** The forced or chosen algorithm if it is a plain summation, else im2col. */
    private static ConvAlgorithm exactAlgorithm(ConvGeometry g, String forcedName) {
        return switch (wantedAlgorithm(g, forcedName)) {
            case DIRECT, IM2COL, POINTWISE, DEPTHWISE, DEPTHWISE_BLOCKED -> wantedAlgorithm(g, forcedName);
            default -> ConvAlgorithm.IM2COL;
        };
    }

    /** The forced algorithm if it supports this geometry, else the engine's choice. */
    private static ConvAlgorithm wantedAlgorithm(ConvGeometry g, String forcedName) {
        ConvAlgorithm a = ConvAlgorithm.AUTO;
        if (forcedName != null && !forcedName.equalsIgnoreCase("auto")) {
            try {
                a = ConvAlgorithm.parse(forcedName);
            } catch (IllegalArgumentException e) {
                a = ConvAlgorithm.AUTO;
            }
        }
        if (a == ConvAlgorithm.AUTO || !a.supports(g)) {
            a = ConvAlgorithm.choose(g);
        }
        return a;
    }

    private ConvGeometry geometry(int[] xs) {
        if (xs.length != wShape.length) {
            throw new VinferException(fusedName + " input " + Arrays.toString(xs) + " does not match weights "
                    + Arrays.toString(wShape));
        }
        int rank = xs.length - 2;
        int[] in = Arrays.copyOfRange(xs, 2, xs.length);
        int[] kernel = kernelDims();
        int[] st = new int[rank];
        int[] dil = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        for (int d = 0; d < rank; d++) {
            st[d] = attrs.strides() == null ? 1 : attrs.strides()[d];
            dil[d] = attrs.dilations() == null ? 1 : attrs.dilations()[d];
            int[] p = attrs.padding().resolve(d, in[d], kernel[d], st[d], dil[d]);
            pb[d] = p[0];
            pe[d] = p[1];
        }
        if (wShape[1] * attrs.group() != xs[1]) {
            throw new VinferException(fusedName + " weights " + Arrays.toString(wShape) + " with group "
                    + attrs.group() + " do not fit an input of " + xs[1] + " channels");
        }
        try {
            return ConvGeometry.of(xs[0], xs[1], wShape[0], attrs.group(), in, kernel, st, dil, pb, pe);
        } catch (IllegalArgumentException e) {
            throw new VinferException(e.getMessage());
        }
    }

    private int[] kernelDims() {
        return Arrays.copyOfRange(wShape, 2, wShape.length);
    }

    private static int[] strides(ConvGeometry g) {
        int[] r = new int[g.rank()];
        for (int d = 0; d < r.length; d++) {
            r[d] = g.stride(d);
        }
        return r;
    }

    private static int[] dilations(ConvGeometry g) {
        int[] r = new int[g.rank()];
        for (int d = 0; d < r.length; d++) {
            r[d] = g.dilation(d);
        }
        return r;
    }

    private static int[] padsBegin(ConvGeometry g) {
        int[] r = new int[g.rank()];
        for (int d = 0; d < r.length; d++) {
            r[d] = g.padBegin(d);
        }
        return r;
    }

    private static int[] padsEnd(ConvGeometry g) {
        int[] r = new int[g.rank()];
        for (int d = 0; d < r.length; d++) {
            r[d] = g.padEnd(d);
        }
        return r;
    }

    private record Block(int c0, int c1, ConvKernel kernel) {
    }

    /** The kernels for one input shape: the whole reduction, and (made on first need) exact blocks. */
    private static final class Plan {
        final ConvGeometry geometry;
        final ConvKernel single;
        /** A Winograd kernel where the engine would choose (or is forced to) one and it is allowed, else null. */
        final ConvKernel fast;
        final int outPlane;
        private final java.util.function.Supplier<List<Block>> blockMaker;
        private volatile List<Block> blocks;

        Plan(ConvGeometry geometry, ConvKernel single, ConvKernel fast, int outPlane,
                java.util.function.Supplier<List<Block>> blockMaker) {
            this.geometry = geometry;
            this.single = single;
            this.fast = fast;
            this.outPlane = outPlane;
            this.blockMaker = blockMaker;
        }

        List<Block> blocked() {
            List<Block> b = blocks;
            if (b == null) {
                synchronized (this) {
                    if (blocks == null) {
                        blocks = blockMaker.get();
                    }
                    b = blocks;
                }
            }
            return b;
        }

        String describe() {
            List<Block> b = blocks;
            return (fast != null ? fast.algorithm().name().toLowerCase() + " (int8 exact: " : "")
                    + single.algorithm().name().toLowerCase() + (fast != null ? ")" : "")
                    + (b != null && b.size() > 1 ? ", " + b.size() + " exact blocks when needed" : "");
        }
    }
}
