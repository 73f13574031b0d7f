package dev.vinfer.conv;

import java.util.Arrays;

/**
 * The shape of one transposed convolution (ONNX {@code ConvTranspose} semantics), immutable and validated.
 *
 * <p>Layouts are row-major: input {@code (N, C, [D,] [H,] W)}, weights {@code (C, M/G, [kD,] [kH,] kW)} (note: input
 * channels first, unlike {@link ConvGeometry}), output {@code (N, M, ...)}, bias {@code (M)}. Each output dimension is
 * {@code stride * (in - 1) + outputPadding + dilation * (kernel - 1) + 1 - padBegin - padEnd}.
 *
 * <p>Pads here are explicit; ONNX's {@code output_shape} and {@code auto_pad} attributes are to be resolved to pads
 * by the caller. Output padding only adds output cells past the end (they receive the bias alone where no input
 * reaches them); any value {@code >= 0} is accepted.
 */
public final class ConvTransposeGeometry {
    private static final String OP = "ConvTranspose";

    private final int batch;
    private final int inChannels;
    private final int outChannels;
    private final int group;
    private final int[] inputDims;
    private final int[] kernel;
    private final int[] strides;
    private final int[] dilations;
    private final int[] padsBegin;
    private final int[] padsEnd;
    private final int[] outputPadding;
    private final int[] outputDims;

    private ConvTransposeGeometry(int batch, int inChannels, int outChannels, int group, int[] inputDims, int[] kernel,
            int[] strides, int[] dilations, int[] padsBegin, int[] padsEnd, int[] outputPadding) {
        int rank = Dims.rankOf(OP, inputDims);
        this.inputDims = inputDims.clone();
        this.kernel = Dims.perDim(OP, "kernel", kernel, rank, 0);
        this.strides = Dims.perDim(OP, "strides", strides, rank, 1);
        this.dilations = Dims.perDim(OP, "dilations", dilations, rank, 1);
        this.padsBegin = Dims.perDim(OP, "pads begin", padsBegin, rank, 0);
        this.padsEnd = Dims.perDim(OP, "pads end", padsEnd, rank, 0);
        this.outputPadding = Dims.perDim(OP, "output_padding", outputPadding, rank, 0);
        Dims.requirePositive(OP, "batch N", batch);
        Dims.requirePositive(OP, "input channels C", inChannels);
        Dims.requirePositive(OP, "output channels M", outChannels);
        Dims.requirePositive(OP, "group G", group);
        Dims.requireDivisible(OP, "input channels C", inChannels, group);
        Dims.requireDivisible(OP, "output channels M", outChannels, group);
        Dims.requireAtLeast(OP, "input dims", this.inputDims, 1);
        Dims.requireAtLeast(OP, "kernel", this.kernel, 1);
        Dims.requireAtLeast(OP, "strides", this.strides, 1);
        Dims.requireAtLeast(OP, "dilations", this.dilations, 1);
        Dims.requireAtLeast(OP, "pads begin", this.padsBegin, 0);
        Dims.requireAtLeast(OP, "pads end", this.padsEnd, 0);
        Dims.requireAtLeast(OP, "output_padding", this.outputPadding, 0);
        this.batch = batch;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.group = group;
        this.outputDims = new int[rank];
        for (int d = 0; d < rank; d++) {
            long full = (long) this.strides[d] * (this.inputDims[d] - 1) + this.outputPadding[d]
                    + (long) this.dilations[d] * (this.kernel[d] - 1) + 1;
            long out = full - this.padsBegin[d] - this.padsEnd[d];
            if (out < 1 || out > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(OP + ": output dim " + d + " would be " + out + " (stride "
                        + this.strides[d] + " * (in " + this.inputDims[d] + " - 1) + output_padding "
                        + this.outputPadding[d] + " + dilated kernel " + ((long) this.dilations[d] * (this.kernel[d] - 1)
                        + 1) + " - pads " + this.padsBegin[d] + "+" + this.padsEnd[d] + ")");
            }
            outputDims[d] = (int) out;
        }
        Dims.product(OP, "input", batch, inChannels, Dims.product(OP, "input", Dims.widen(this.inputDims)));
        Dims.product(OP, "output", batch, outChannels, Dims.product(OP, "output", Dims.widen(this.outputDims)));
        Dims.product(OP, "weights", inChannels, outChannels / group,
                Dims.product(OP, "weights", Dims.widen(this.kernel)));
    }

    /**
     * A validated geometry; null {@code strides}/{@code dilations} mean 1, null pads and output padding mean 0.
     *
     * @throws IllegalArgumentException naming the offending value if the combination is invalid
     */
    public static ConvTransposeGeometry of(int batch, int inChannels, int outChannels, int group, int[] inputDims,
            int[] kernel, int[] strides, int[] dilations, int[] padsBegin, int[] padsEnd, int[] outputPadding) {
        return new ConvTransposeGeometry(batch, inChannels, outChannels, group, inputDims, kernel, strides, dilations,
                padsBegin, padsEnd, outputPadding);
    }

    /** A builder with the defaults: batch 1, group 1, strides and dilations 1, no padding. */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent construction; defaults: batch 1, group 1, strides 1, dilations 1, no padding, no output padding. */
    public static final class Builder {
        private int batch = 1;
        private int inChannels;
        private int outChannels;
        private int group = 1;
        private int[] inputDims;
        private int[] kernel;
        private int[] strides;
        private int[] dilations;
        private int[] padsBegin;
        private int[] padsEnd;
        private int[] outputPadding;

        private Builder() {
        }

        public Builder batch(int n) {
            this.batch = n;
            return this;
        }

        /** Input channels C and output channels M. */
        public Builder channels(int c, int m) {
            this.inChannels = c;
            this.outChannels = m;
            return this;
        }

        public Builder group(int g) {
            this.group = g;
            return this;
        }

        public Builder input(int... dims) {
            this.inputDims = dims.clone();
            return this;
        }

        public Builder kernel(int... k) {
            this.kernel = k.clone();
            return this;
        }

        public Builder strides(int... s) {
            this.strides = s.clone();
            return this;
        }

        public Builder dilations(int... d) {
            this.dilations = d.clone();
            return this;
        }

        public Builder pads(int[] begin, int[] end) {
            this.padsBegin = begin.clone();
            this.padsEnd = end.clone();
            return this;
        }

        /** Pads in ONNX order {@code [x1_begin, x2_begin, ..., x1_end, x2_end, ...]}. */
        public Builder padsOnnx(int... pads) {
            int[][] be = Dims.splitOnnxPads(OP, pads);
            return pads(be[0], be[1]);
        }

        public Builder outputPadding(int... p) {
            this.outputPadding = p.clone();
            return this;
        }

        public ConvTransposeGeometry build() {
            return new ConvTransposeGeometry(batch, inChannels, outChannels, group, inputDims, kernel, strides,
                    dilations, padsBegin, padsEnd, outputPadding);
        }
    }

    /** The number of spatial dims (1 to 3). */
    public int rank() {
        return inputDims.length;
    }

    /** N, the batch size. */
    public int batch() {
        return batch;
    }

    /** C, the input channels (all groups). */
    public int inChannels() {
        return inChannels;
    }

    /** M, the output channels (all groups). */
    public int outChannels() {
        return outChannels;
    }

    /** G, the number of groups; C and M are multiples of it (G = C = M is depthwise). */
    public int group() {
        return group;
    }

    /** {@code C / G}. */
    public int inChannelsPerGroup() {
        return inChannels / group;
    }

    /** {@code M / G}. */
    public int outChannelsPerGroup() {
        return outChannels / group;
    }

    /** Input size along spatial dim {@code d} (0 is the outermost). */
    public int inputDim(int d) {
        return inputDims[d];
    }

    /** Output size along spatial dim {@code d}, as ONNX computes it (see the class comment). */
    public int outputDim(int d) {
        return outputDims[d];
    }

    /** Kernel size along spatial dim {@code d}. */
    public int kernel(int d) {
        return kernel[d];
    }

    /** Stride along spatial dim {@code d}. */
    public int stride(int d) {
        return strides[d];
    }

    /** Dilation along spatial dim {@code d} (1: adjacent taps). */
    public int dilation(int d) {
        return dilations[d];
    }

    /** Padding before the first element along spatial dim {@code d}. */
    public int padBegin(int d) {
        return padsBegin[d];
    }

    /** Padding after the last element along spatial dim {@code d}. */
    public int padEnd(int d) {
        return padsEnd[d];
    }

    /** Extra output cells past the end along spatial dim {@code d} (ONNX output_padding). */
    public int outputPadding(int d) {
        return outputPadding[d];
    }

    /** The input spatial dims, outermost first (a copy). */
    public int[] inputDims() {
        return inputDims.clone();
    }

    /** The output spatial dims, outermost first (a copy). */
    public int[] outputDims() {
        return outputDims.clone();
    }

    /** The kernel dims, outermost first (a copy). */
    public int[] kernelDims() {
        return kernel.clone();
    }

    /** Elements of one input channel plane (product of input spatial dims). */
    public int inputPlane() {
        return Dims.product(inputDims);
    }

    /** Elements of one output channel plane (product of output spatial dims). */
    public int outputPlane() {
        return Dims.product(outputDims);
    }

    /** Product of the kernel dims. */
    public int kernelSize() {
        return Dims.product(kernel);
    }

    /** Products summed per output value at most: {@code C/G * kernelSize()} (fewer when stride > 1). */
    public int reductionLength() {
        return inChannelsPerGroup() * kernelSize();
    }

    /** {@code N * C * inputPlane()}: floats a kernel reads. */
    public int inputLength() {
        return batch * inChannels * inputPlane();
    }

    /** {@code N * M * outputPlane()}: floats a kernel writes. */
    public int outputLength() {
        return batch * outChannels * outputPlane();
    }

    /** {@code C * M/G * kernelSize()}. */
    public int weightLength() {
        return inChannels * outChannelsPerGroup() * kernelSize();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvTransposeGeometry g && batch == g.batch && inChannels == g.inChannels
                && outChannels == g.outChannels && group == g.group && Arrays.equals(inputDims, g.inputDims)
                && Arrays.equals(kernel, g.kernel) && Arrays.equals(strides, g.strides)
                && Arrays.equals(dilations, g.dilations) && Arrays.equals(padsBegin, g.padsBegin)
                && Arrays.equals(padsEnd, g.padsEnd) && Arrays.equals(outputPadding, g.outputPadding);
    }

    @Override
    public int hashCode() {
        int h = batch;
        h = 31 * h + inChannels;
        h = 31 * h + outChannels;
        h = 31 * h + group;
        h = 31 * h + Arrays.hashCode(inputDims);
        h = 31 * h + Arrays.hashCode(kernel);
        h = 31 * h + Arrays.hashCode(strides);
        h = 31 * h + Arrays.hashCode(dilations);
        h = 31 * h + Arrays.hashCode(padsBegin);
        h = 31 * h + Arrays.hashCode(padsEnd);
        return 31 * h + Arrays.hashCode(outputPadding);
    }

    @Override
    public String toString() {
        return "ConvTranspose[N=" + batch + " C=" + inChannels + " M=" + outChannels + " G=" + group + " in="
                + Arrays.toString(inputDims) + " k=" + Arrays.toString(kernel) + " s=" + Arrays.toString(strides)
                + " d=" + Arrays.toString(dilations) + " pb=" + Arrays.toString(padsBegin) + " pe="
                + Arrays.toString(padsEnd) + " op=" + Arrays.toString(outputPadding) + " out="
                + Arrays.toString(outputDims) + "]";
    }
}
