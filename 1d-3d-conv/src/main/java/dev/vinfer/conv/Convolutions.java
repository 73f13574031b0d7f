package dev.vinfer.conv;

import java.util.Objects;

/**
 * Entry point: prepares a {@link ConvKernel} for one geometry and one set of weights. Preparing copies or packs the
 * weights and bias, so the caller's arrays may change afterwards; do it once per session and call
 * {@link ConvKernel#run} per inference.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.builder().channels(3, 16).input(224, 224).kernel(3, 3).padsOnnx(1, 1, 1, 1).build();
 * ConvKernel k = Convolutions.prepare(g, w, 0, b, Epilogue.RELU, ConvAlgorithm.AUTO);
 * k.run(x, 0, y, 0, parallel);
 * }</pre>
 */
public final class Convolutions {
    private Convolutions() {
    }

    /** As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue, ConvAlgorithm, Backend)} on {@link Kernels#backend()}. */
    public static ConvKernel prepare(ConvGeometry g, float[] weights, int wOff, float[] bias, Epilogue e,
            ConvAlgorithm forced) {
        return prepare(g, weights, wOff, bias, e, forced, Kernels.backend());
    }

    /**
     * As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue, ConvAlgorithm, Backend)} on
     * {@link Kernels#backend()}, AUTO choosing for a kernel that will run on {@code threads} threads
     * ({@link ConvAlgorithm#choose(ConvGeometry, int)}).
     */
    public static ConvKernel prepare(ConvGeometry g, float[] weights, int wOff, float[] bias, Epilogue e,
            ConvAlgorithm forced, int threads) {
        return prepare(g, weights, wOff, bias, e, forced, Kernels.backend(), threads);
    }

    /**
     * A forward convolution kernel, AUTO choosing as for one thread.
     *
     * @param weights {@code (M, C/G, k...)} at {@code wOff}
     * @param bias {@code M} values, or null
     * @param e the activation fused after the bias, or null for none
     * @param forced an algorithm to use, or {@link ConvAlgorithm#AUTO} / null for {@link ConvAlgorithm#choose}
     * @throws IllegalArgumentException if {@code forced} does not support {@code g}, or the arrays are too short
     */
    public static ConvKernel prepare(ConvGeometry g, float[] weights, int wOff, float[] bias, Epilogue e,
            ConvAlgorithm forced, Backend backend) {
        return prepare(g, weights, wOff, bias, e, forced, backend, 1);
    }

    /**
     * As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue, ConvAlgorithm, Backend)}, AUTO choosing for
     * {@code threads} threads ({@link ConvAlgorithm#choose(ConvGeometry, int)}); the kernel runs correctly on any.
     */
    public static ConvKernel prepare(ConvGeometry g, float[] weights, int wOff, float[] bias, Epilogue e,
            ConvAlgorithm forced, Backend backend, int threads) {
        Objects.requireNonNull(g, "geometry");
        Objects.requireNonNull(backend, "backend");
        Epilogue ep = e == null ? Epilogue.NONE : e;
        boolean auto = forced == null || forced == ConvAlgorithm.AUTO;
        TrimmedTaps trimmed = auto ? TrimmedTaps.of(g, weights, wOff) : null;
        if (trimmed != null) {
            // Taps that only read padding (a 3x3x3 kernel on 1-2 frames): the same layouts, fewer taps, maybe 2-D.
            return prepare(trimmed.geometry, trimmed.weights, 0, bias, ep, ConvAlgorithm.AUTO, backend, threads);
        }
        ConvAlgorithm a = auto ? ConvAlgorithm.choose(g, threads) : forced;
        if (!a.supports(g)) {
            throw new IllegalArgumentException(a + " does not support " + g);
        }
        return switch (a) {
            case DIRECT -> new DirectConv(g, weights, wOff, bias, ep, backend);
            case IM2COL -> new Im2colConv(g, weights, wOff, bias, ep, backend);
            case POINTWISE -> g.isPointwise() ? new PointwiseConv(g, weights, wOff, bias, ep, backend)
                    : new SubsampledPointwiseConv(g, weights, wOff, bias, ep, backend);
            case DEPTHWISE -> new DepthwiseConv(g, weights, wOff, bias, ep, backend);
            case DEPTHWISE_BLOCKED -> new BlockedDepthwiseConv(g, weights, wOff, bias, ep, backend);
            case WINOGRAD_F2_3 -> winograd(g, 2, weights, wOff, bias, ep, backend);
            case WINOGRAD_F4_3 -> winograd(g, 4, weights, wOff, bias, ep, backend);
            case WINOGRAD_F6_3 -> new WinogradConv(g, 6, weights, wOff, bias, ep, backend);
            case ROW_DIRECT -> new RowDirectConv(g, weights, wOff, bias, ep, backend);
            case IMPLICIT_IM2COL -> new ImplicitIm2colConv(g, weights, wOff, bias, ep, backend);
            case PIXEL_ROWS -> new PixelRowsConv(g, weights, wOff, bias, ep, backend);
            case WINOGRAD_DEPTH -> new DepthWinogradConv(g, weights, wOff, bias, ep, backend);
            case CHANNELS_LAST -> new ChannelsLastConv(g, weights, wOff, bias, ep, backend);
            case STEM_DIRECT -> new StemDirectConv(g, weights, wOff, bias, ep, backend);
            case AUTO, GEMM_COL2IM -> throw new AssertionError(a);
        };
    }

    /**
     * A 1-D convolution followed by a max pool of windows of {@code rowPool} (2 or 4) samples, stride
     * {@code rowPool}, no padding (a last partial window dropped): the kernel's output is
     * {@code N x M x (W / rowPool)}, as an ONNX MaxPool of those attributes gives it (NaN taps skipped). The
     * channels-last and implicit-im2col algorithms pool each task's rows while they are in cache; any other chosen
     * or forced algorithm computes the whole output first ({@link RowPooledConv}). Takes no residual.
     *
     * @throws IllegalArgumentException if {@code g} is not 1-D, {@code rowPool} is not 2 or 4, or a row is shorter
     *     than one window
     */
    public static ConvKernel prepareRowMaxPool(ConvGeometry g, float[] weights, int wOff, float[] bias, Epilogue e,
            ConvAlgorithm forced, int threads, int rowPool) {
        return prepareRowMaxPool(g, weights, wOff, bias, e, forced, Kernels.backend(), threads, rowPool);
    }

    /** As {@link #prepareRowMaxPool(ConvGeometry, float[], int, float[], Epilogue, ConvAlgorithm, int, int)} on a backend. */
    static ConvKernel prepareRowMaxPool(ConvGeometry g, float[] weights, int wOff, float[] bias, Epilogue e,
            ConvAlgorithm forced, Backend backend, int threads, int rowPool) {
        Objects.requireNonNull(g, "geometry");
        Objects.requireNonNull(backend, "backend");
        RowMaxPool.outputLength(g, rowPool); // checks the shape and window
        Epilogue ep = e == null ? Epilogue.NONE : e;
        ConvAlgorithm a = rowPoolingAlgorithm(g, forced, threads);
        if (a == ConvAlgorithm.CHANNELS_LAST) {
            return new ChannelsLastConv(g, weights, wOff, bias, ep, backend, false, rowPool);
        }
        if (a == ConvAlgorithm.IMPLICIT_IM2COL) {
            return new ImplicitIm2colConv(g, weights, wOff, bias, ep, backend, rowPool);
        }
        return new RowPooledConv(prepare(g, weights, wOff, bias, ep, forced, backend, threads), g, rowPool);
    }

    /**
     * Whether {@link #prepareRowMaxPool} pools inside the kernel's own output pass for this layer (the algorithm
     * chosen or forced is channels-last or implicit im2col), rather than after the whole convolution; a graph pass
     * fuses only then: M5's 1-D Winograd layers at one thread ran 10% slower through {@link RowPooledConv} inside
     * the network (its buffer, written whole, is colder than the arena slot the unfused layer writes).
     */
    public static boolean poolsRowsInKernel(ConvGeometry g, ConvAlgorithm forced, int threads) {
        return g.rank() == 1 && rowPoolingAlgorithm(g, forced, threads) != null;
    }

    /** The algorithm of {@link #prepareRowMaxPool} if it pools in its own output pass, else null. */
    private static ConvAlgorithm rowPoolingAlgorithm(ConvGeometry g, ConvAlgorithm forced, int threads) {
        boolean auto = forced == null || forced == ConvAlgorithm.AUTO;
        ConvAlgorithm a = auto ? (TrimmedTaps.geometry(g) == null ? ConvAlgorithm.choose(g, threads) : null)
                : forced.supports(g) ? forced : null;
        if (a == ConvAlgorithm.CHANNELS_LAST && ChannelsLastConv.supports(g)
                || a == ConvAlgorithm.IMPLICIT_IM2COL && ImplicitIm2colConv.supports(g)) {
            return a;
        }
        return null;
    }

    /**
     * The algorithm {@link ConvAlgorithm#AUTO} runs for {@code g}: {@link ConvAlgorithm#choose} of the geometry
     * without the taps that only read padding ({@link TrimmedTaps}; the same as {@code choose(g)} when none do).
     */
    public static ConvAlgorithm autoAlgorithm(ConvGeometry g) {
        return autoAlgorithm(g, 1);
    }

    /** As {@link #autoAlgorithm(ConvGeometry)} for a kernel that runs on {@code threads} threads. */
    public static ConvAlgorithm autoAlgorithm(ConvGeometry g, int threads) {
        ConvGeometry t = TrimmedTaps.geometry(g);
        return ConvAlgorithm.choose(t != null ? t : g, threads);
    }

    /** Winograd F(m,3): {@link SmallPlaneWinograd} where all of a plane's tiles fit in one vector, else the general one. */
    private static ConvKernel winograd(ConvGeometry g, int m, float[] weights, int wOff, float[] bias, Epilogue ep,
            Backend backend) {
        return SmallPlaneWinograd.applies(g, m, backend) ? new SmallPlaneWinograd(g, m, weights, wOff, bias, ep, backend)
                : new WinogradConv(g, m, weights, wOff, bias, ep, backend);
    }

    /**
     * As {@link #prepareTranspose(ConvTransposeGeometry, float[], int, float[], Epilogue, ConvAlgorithm, Backend)} on
     * {@link Kernels#backend()}.
     */
    public static ConvKernel prepareTranspose(ConvTransposeGeometry g, float[] weights, int wOff, float[] bias,
            Epilogue e, ConvAlgorithm forced) {
        return prepareTranspose(g, weights, wOff, bias, e, forced, Kernels.backend());
    }

    /**
     * A transposed convolution kernel.
     *
     * @param weights {@code (C, M/G, k...)} at {@code wOff}
     * @param bias {@code M} values, or null
     * @param e the activation fused after the bias, or null for none
     * @param forced {@link ConvAlgorithm#GEMM_COL2IM}, {@link ConvAlgorithm#DIRECT}, or AUTO / null
     * @throws IllegalArgumentException if {@code forced} does not support {@code g}, or the arrays are too short
     */
    public static ConvKernel prepareTranspose(ConvTransposeGeometry g, float[] weights, int wOff, float[] bias,
            Epilogue e, ConvAlgorithm forced, Backend backend) {
        Objects.requireNonNull(g, "geometry");
        Objects.requireNonNull(backend, "backend");
        Epilogue ep = e == null ? Epilogue.NONE : e;
        ConvAlgorithm a = forced == null || forced == ConvAlgorithm.AUTO ? ConvAlgorithm.choose(g) : forced;
        if (!a.supports(g)) {
            throw new IllegalArgumentException(a + " does not support " + g);
        }
        return switch (a) {
            case DIRECT -> new DirectConv(g, weights, wOff, bias, ep, backend);
            case GEMM_COL2IM -> new Col2imConvTranspose(g, weights, wOff, bias, ep, backend);
            default -> throw new AssertionError(a);
        };
    }
}
