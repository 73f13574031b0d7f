package dev.vinfer.samples;

import java.util.Locale;

/** Just enough JSON writing for the apps' one-line results (no dependency for three record shapes). */
public final class Json {
    private Json() {
    }

    /** A JSON string literal. */
    public static String str(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A number with at most {@code decimals} decimals, trailing zeros dropped; {@code null} for NaN/infinity. */
    public static String num(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    /** {@code [a, b, ...]} with {@link #num}. */
    public static String array(float[] v, int decimals) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(num(v[i], decimals));
        }
        return b.append(']').toString();
    }
}
