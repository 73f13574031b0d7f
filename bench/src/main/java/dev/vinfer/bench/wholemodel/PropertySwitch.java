package dev.vinfer.bench.wholemodel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A system property set to each of several values in turn while something is opened under it (a session whose
 * kernels read the switch when they are prepared), then restored: the A/B tools {@link SwitchPairedComparison} and
 * {@link SwitchNodeProfile}.
 */
final class PropertySwitch {
    private PropertySwitch() {
    }

    /** {@code open.apply(i)} with {@code property} set to {@code values[i]}, for each i; the property restored after. */
    static <T> List<T> underEach(String property, String[] values, IntFunction<T> open) {
        String before = System.getProperty(property);
        List<T> out = new ArrayList<>();
        try {
            for (int i = 0; i < values.length; i++) {
                System.setProperty(property, values[i]);
                out.add(open.apply(i));
            }
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
        return out;
    }
}
