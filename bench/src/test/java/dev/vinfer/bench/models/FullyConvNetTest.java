package dev.vinfer.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fully convolutional classifier in one session at two input sizes: a 32x32 patch gives 1x1 scores, a larger
 * image a score map, both matching ONNX Runtime; and each cell of the map equals the scores of the 32x32 patch at
 * that cell's offset (stride 4) run through the same session - the sliding window computed as a convolution.
 */
class FullyConvNetTest {
    private static final double BOUND = 1e-4;

    @ParameterizedTest(name = "optimize={0}")
    @ValueSource(booleans = {true, false})
    void oneSessionTwoSizesIsASlidingWindow(boolean optimize) {
        int big = 64;
        int wide = 80;
        Path model = FamilyFiles.file(Family.FULLY_CONV, Family.FULLY_CONV.fullInput());
        Tensor patch = FamilyFiles.randomInput(new int[] {1, 3, 32, 32}, 11);
        Tensor image = FamilyFiles.randomInput(new int[] {1, 3, big, wide}, 12);
        try (Session s = Vinfer.open(model, new SessionOptions().threads(2).optimize(optimize));
                OrtReference ort = new OrtReference(model)) {
            Tensor patchScores = s.run(patch);
            Tensor map = s.run(image);
            assertArrayEquals(new int[] {1, FullyConvNet.CLASSES, 1, 1}, patchScores.shape());
            int mh = FullyConvNet.mapSide(big);
            int mw = FullyConvNet.mapSide(wide);
            assertArrayEquals(new int[] {1, FullyConvNet.CLASSES, mh, mw}, map.shape());
            compare("32x32", patchScores, ort.run(Map.of("input", patch)).values().iterator().next(), optimize);
            compare(big + "x" + wide, map, ort.run(Map.of("input", image)).values().iterator().next(), optimize);

            double worst = 0;
            for (int i = 0; i < mh; i++) {
                for (int j = 0; j < mw; j++) {
                    Tensor window = s.run(crop(image, i * FullyConvNet.STRIDE, j * FullyConvNet.STRIDE));
                    Tensor cell = cell(map, i, j);
                    worst = Math.max(worst, OrtReference.relL2(cell, window));
                }
            }
            System.out.printf("fully_conv optimize=%s: score map vs %d sliding 32x32 windows, worst relative L2 %.2e%n",
                    optimize, mh * mw, worst);
            assertTrue(worst <= BOUND, "a score-map cell differs from its window by relative L2 " + worst);
        }
    }

    private static void compare(String what, Tensor ours, Tensor ref, boolean optimize) {
        assertArrayEquals(ref.shape(), ours.shape(), what);
        double err = OrtReference.relL2(ours, ref);
        System.out.printf("fully_conv %-6s optimize=%-5s relative L2 error vs ONNX Runtime %.3g%n", what, optimize,
                err);
        assertTrue(err <= BOUND, what + ": relative L2 error " + err);
    }

    private static Tensor crop(Tensor image, int top, int left) {
        int h = image.dim(2);
        int w = image.dim(3);
        int p = FullyConvNet.PATCH;
        float[] src = image.toFloatArray();
        float[] out = new float[3 * p * p];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < p; y++) {
                System.arraycopy(src, (c * h + top + y) * w + left, out, (c * p + y) * p, p);
            }
        }
        return Tensor.of(out, 1, 3, p, p);
    }

    private static Tensor cell(Tensor map, int i, int j) {
        int h = map.dim(2);
        int w = map.dim(3);
        float[] out = new float[FullyConvNet.CLASSES];
        for (int k = 0; k < out.length; k++) {
            out[k] = map.getFloat((k * h + i) * w + j);
        }
        return Tensor.of(out, 1, FullyConvNet.CLASSES, 1, 1);
    }
}
