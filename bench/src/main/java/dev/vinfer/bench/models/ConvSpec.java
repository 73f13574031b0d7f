package dev.vinfer.bench.models;

import java.util.Arrays;

/**
 * What a convolution layer looks like, written fluently: {@code ConvSpec.of(64, 3).stride(2).pad(1)}. Kernel,
 * stride and pad given as one number apply to every spatial dim of the input; given per dim they must match its
 * rank. Pads are symmetric (begin = end), as in the exported models of these families.
 */
public final class ConvSpec {
    final int outChannels;
    private final int[] kernel;
    private int[] strides = {1};
    private int[] pads = {0};
    int group = 1;
    boolean bias;

    private ConvSpec(int outChannels, int[] kernel) {
        this.outChannels = outChannels;
        this.kernel = kernel.clone();
    }

    public static ConvSpec of(int outChannels, int... kernel) {
        return new ConvSpec(outChannels, kernel);
    }

    public ConvSpec stride(int... s) {
        strides = s.clone();
        return this;
    }

    public ConvSpec pad(int... p) {
        pads = p.clone();
        return this;
    }

    public ConvSpec group(int g) {
        group = g;
        return this;
    }

    public ConvSpec bias() {
        bias = true;
        return this;
    }

    int[] kernel(int spatialRank) {
        return expand(kernel, spatialRank, "kernel");
    }

    int[] strides(int spatialRank) {
        return expand(strides, spatialRank, "stride");
    }

    int[] pads(int spatialRank) {
        return expand(pads, spatialRank, "pad");
    }

    static int[] expand(int[] v, int rank, String what) {
        if (v.length == rank) {
            return v.clone();
        }
        if (v.length != 1) {
            throw new IllegalArgumentException(what + " " + Arrays.toString(v) + " does not fit spatial rank " + rank);
        }
        int[] r = new int[rank];
        Arrays.fill(r, v[0]);
        return r;
    }
}
