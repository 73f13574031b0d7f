package dev.vinfer.ops.rnn;

import dev.vinfer.runtime.VinferException;

/** Which way a recurrent layer runs over the sequence (ONNX attribute {@code direction}). */
public enum Direction {
    FORWARD(1),
    REVERSE(1),
    BIDIRECTIONAL(2);

    private final int count;

    Direction(int count) {
        this.count = count;
    }

    /** The {@code num_directions} of the spec: 2 for bidirectional, else 1. */
    public int count() {
        return count;
    }

    /** Whether direction index {@code d} (0 or 1) runs from the end of each sequence to its start. */
    public boolean backwards(int d) {
        return this == REVERSE || (this == BIDIRECTIONAL && d == 1);
    }

    /** The direction of an ONNX attribute value; throws on anything else. */
    public static Direction of(String attr) {
        return switch (attr) {
            case "forward" -> FORWARD;
            case "reverse" -> REVERSE;
            case "bidirectional" -> BIDIRECTIONAL;
            default -> throw new VinferException("direction must be forward, reverse or bidirectional, not '"
                    + attr + "'");
        };
    }
}
