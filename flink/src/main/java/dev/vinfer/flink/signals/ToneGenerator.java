package dev.vinfer.flink.signals;

import java.util.SplittableRandom;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Synthetic audio: window {@code i} holds one of the {@link ToneModel#TONES} (chosen from {@code i}), with a
 * random amplitude, phase and a few percent of detuning, plus white noise. Deterministic per window index, so a
 * test can regenerate any window.
 */
public final class ToneGenerator implements GeneratorFunction<Long, SignalWindow> {
    private static final long serialVersionUID = 1L;

    private final int length;
    private final float noise;

    /** {@code length} samples per window; {@code noise}: the noise's standard deviation (tone amplitude 0.5-1). */
    public ToneGenerator(int length, float noise) {
        if (length < ToneModel.TAPS) {
            throw new IllegalArgumentException("a window needs at least " + ToneModel.TAPS + " samples, got "
                    + length);
        }
        this.length = length;
        this.noise = noise;
    }

    @Override
    public SignalWindow map(Long index) {
        return window(index, SignalWindow.nowMicros());
    }

    /** Window {@code index}, stamped with {@code createdMicros}. */
    public SignalWindow window(long index, long createdMicros) {
        SplittableRandom r = new SplittableRandom(0x9E3779B97F4A7C15L * (index + 1));
        int tone = r.nextInt(ToneModel.TONES.length);
        double freq = ToneModel.TONES[tone] * (1 + (r.nextDouble() - 0.5) * 0.04);
        double amp = 0.5 + 0.5 * r.nextDouble();
        double phase = 2 * Math.PI * r.nextDouble();
        float[] s = new float[length];
        for (int i = 0; i < length; i++) {
            s[i] = (float) (amp * Math.sin(2 * Math.PI * freq * i / ToneModel.SAMPLE_RATE + phase)
                    + noise * gaussian(r));
        }
        return new SignalWindow(index, createdMicros, tone, s);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian of its own.
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
