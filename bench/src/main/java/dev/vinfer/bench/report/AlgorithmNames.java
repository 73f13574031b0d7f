package dev.vinfer.bench.report;

import dev.vinfer.bench.conv.ConvLayer;
import dev.vinfer.conv.Convolutions;
import java.util.Locale;

/** The algorithm vinfer's AUTO picks for a layer, for the report's table. */
final class AlgorithmNames {
    private AlgorithmNames() {
    }

    static String auto(ConvLayer l) {
        return Convolutions.autoAlgorithm(l.geometry()).name().toLowerCase(Locale.ROOT);
    }
}
