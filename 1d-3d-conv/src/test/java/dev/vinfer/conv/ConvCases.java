package dev.vinfer.conv;

import java.util.Random;

/** Random geometries and epilogues for the convolution tests; every choice comes from the seeded Random. */
final class ConvCases {
    private ConvCases() {
    }

    enum Kind {
        GENERAL,
        POINTWISE,
        DEPTHWISE,
        /** 3-tap kernels, stride 1, dilation 1 (what Winograd supports), pads 0-2. */
        WINOGRAD,
        /** Depthwise, stride 1, pads summing to the dilated kernel extent - 1 (output plane = input plane). */
        DEPTHWISE_SAME
    }

    static final Epilogue[] EPILOGUES = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(-0.5f, 0.75f),
        Epilogue.leakyRelu(0.1f), Epilogue.SIGMOID, Epilogue.hardSigmoid(0.2f, 0.5f), Epilogue.HARD_SWISH,
        Epilogue.TANH};

    static Epilogue epilogue(Random r) {
        return EPILOGUES[r.nextInt(EPILOGUES.length)];
    }

    /**
     * A forward geometry of the given rank and kind: odd sizes, groups, dilations, asymmetric pads and strides for
     * GENERAL and DEPTHWISE; batch 1 to 3.
     */
    static ConvGeometry forward(Random r, int rank, Kind kind) {
        boolean dw = kind == Kind.DEPTHWISE || kind == Kind.DEPTHWISE_SAME;
        int group = dw ? 0 : r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
        int cg = dw ? 1 : 1 + r.nextInt(kind == Kind.POINTWISE ? 20 : 5);
        int mg = 1 + r.nextInt(r.nextInt(3) == 0 ? 20 : 8);
        if (dw) {
            group = 1 + r.nextInt(9);
            mg = r.nextInt(3) == 0 ? 2 : 1; // channel multiplier
        }
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] d = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        int maxIn = rank == 1 ? 60 : rank == 2 ? 14 : 7;
        for (int i = 0; i < rank; i++) {
            if (kind == Kind.POINTWISE) {
                k[i] = 1;
                s[i] = 1;
                d[i] = 1 + r.nextInt(2);
            } else if (kind == Kind.WINOGRAD) {
                k[i] = 3;
                s[i] = 1;
                d[i] = 1;
                pb[i] = r.nextInt(3);
                pe[i] = r.nextInt(3);
            } else if (kind == Kind.DEPTHWISE_SAME) {
                k[i] = 1 + r.nextInt(rank == 3 ? 3 : 5);
                s[i] = 1;
                d[i] = 1 + r.nextInt(2);
                int extent = d[i] * (k[i] - 1);
                pb[i] = r.nextInt(extent + 1);
                pe[i] = extent - pb[i];
            } else {
                k[i] = 1 + r.nextInt(rank == 3 ? 3 : 4);
                s[i] = 1 + r.nextInt(3);
                d[i] = 1 + r.nextInt(2);
                pb[i] = r.nextInt(k[i] + 1);
                pe[i] = r.nextInt(k[i] + 1);
            }
            int extent = d[i] * (k[i] - 1) + 1;
            in[i] = Math.max(1, extent - pb[i] - pe[i]) + r.nextInt(maxIn);
        }
        return ConvGeometry.builder().batch(1 + r.nextInt(3)).channels(group * cg, group * mg).group(group)
                .input(in).kernel(k).strides(s).dilations(d).pads(pb, pe).build();
    }

    /** A transposed geometry of the given rank, with groups, strides, dilations, pads and output padding. */
    static ConvTransposeGeometry transposed(Random r, int rank) {
        int group = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
        int cg = 1 + r.nextInt(5);
        int mg = 1 + r.nextInt(r.nextInt(3) == 0 ? 14 : 6);
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] d = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        int[] op = new int[rank];
        int maxIn = rank == 1 ? 30 : rank == 2 ? 8 : 4;
        for (int i = 0; i < rank; i++) {
            k[i] = 1 + r.nextInt(rank == 3 ? 3 : 4);
            s[i] = 1 + r.nextInt(3);
            d[i] = 1 + r.nextInt(2);
            pb[i] = r.nextInt(k[i]);
            pe[i] = r.nextInt(k[i]);
            op[i] = r.nextInt(Math.max(s[i], d[i]));
            in[i] = 1 + r.nextInt(maxIn);
            while ((long) s[i] * (in[i] - 1) + op[i] + d[i] * (k[i] - 1) + 1 - pb[i] - pe[i] < 1) {
                in[i]++;
            }
        }
        return ConvTransposeGeometry.builder().batch(1 + r.nextInt(2)).channels(group * cg, group * mg)
                .group(group).input(in).kernel(k).strides(s).dilations(d).pads(pb, pe).outputPadding(op).build();
    }
}
