package dev.vinfer.flink.signals;

import dev.vinfer.flink.InferenceBinding;
import dev.vinfer.flink.InputConverter;
import dev.vinfer.flink.OutputConverter;
import dev.vinfer.runtime.Tensor;

/** The converters of the streaming sample: a window as a [1, 1, L] tensor; the softmax as the best class. */
public final class ScoreTones {
    private ScoreTones() {
    }

    public static InferenceBinding<SignalWindow, ScoredWindow> binding() {
        return InferenceBinding.of(input(), output());
    }

    static InputConverter<SignalWindow> input() {
        return InputConverter.single(w -> Tensor.of(w.samples(), 1, 1, w.samples().length));
    }

    static OutputConverter<SignalWindow, ScoredWindow> output() {
        return (w, outputs) -> {
            float[] p = outputs.get(ToneModel.OUTPUT).toFloatArray();
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                if (p[i] > p[best]) {
                    best = i;
                }
            }
            return new ScoredWindow(w.id(), w.tone(), best, p[best], SignalWindow.nowMicros() - w.createdMicros());
        };
    }
}
