package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Epilogue#TANH} on every forced algorithm that computes the layer, both backends, with and without a
 * residual: equal to the same kernel without an epilogue followed by {@link Math#tanh} in float, within 4 ulp of
 * that (the vector backend's tanh is the platform's vector math library; the scalar one's is Math.tanh).
 */
class TanhEpilogueTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261203L);

    @Test
    void everyAlgorithmAppliesTanhLast() {
        ConvGeometry[] layers = {
            ConvGeometry.builder().channels(6, 16).input(14, 14).kernel(5, 5).build(), // LeNet-5
            ConvGeometry.builder().channels(16, 24).input(12, 12).kernel(3, 3).padsOnnx(1, 1, 1, 1).build(),
            ConvGeometry.builder().channels(8, 24).input(9, 9).kernel(1, 1).build(),
            ConvGeometry.builder().channels(3, 32).input(20, 20).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
        };
        Random r = new Random(SEED);
        int checked = 0;
        for (Backend be : TestSupport.backends()) {
            for (ConvGeometry g : layers) {
                float[] w = TestSupport.random(r, g.weightLength());
                float[] bias = TestSupport.random(r, g.outChannels());
                float[] in = TestSupport.random(r, (int) g.inputLength());
                float[] res = TestSupport.random(r, (int) g.outputLength());
                for (ConvAlgorithm a : ConvAlgorithm.values()) {
                    if (a == ConvAlgorithm.AUTO || !a.supports(g)) {
                        continue;
                    }
                    for (boolean residual : new boolean[] {false, true}) {
                        float[] plain = new float[(int) g.outputLength()];
                        float[] got = new float[plain.length];
                        ConvKernel k0 = Convolutions.prepare(g, w, 0, bias, Epilogue.NONE, a, be);
                        ConvKernel k1 = Convolutions.prepare(g, w, 0, bias, Epilogue.TANH, a, be);
                        k0.run(in, 0, plain, 0, residual ? res : null, 0, Parallel.SERIAL);
                        k1.run(in, 0, got, 0, residual ? res : null, 0, Parallel.SERIAL);
                        for (int i = 0; i < got.length; i++) {
                            float want = (float) Math.tanh(plain[i]);
                            assertEquals(want, got[i], 4 * Math.ulp(want), "seed " + SEED + " " + be.name() + " " + a
                                    + " residual " + residual + " " + g + " output " + i);
                        }
                        checked++;
                    }
                }
            }
        }
        assertEquals(true, checked >= 20, "algorithms checked: " + checked);
    }
}
