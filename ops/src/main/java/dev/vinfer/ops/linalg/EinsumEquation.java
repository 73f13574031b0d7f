package dev.vinfer.ops.linalg;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Einsum equation such as {@code "...ij,...jk->...ik"}: for every operand its subscripts, and the output
 * subscripts when the equation gives them ({@code ->}), else null (implicit output).
 *
 * <p>Subscripts are letters (a-z, A-Z) encoded as {@code 0..51} and {@link #ELLIPSIS} for {@code ...}; spaces are
 * ignored. Parsing checks the syntax only; sizes are checked against the operands at run time.
 */
public record EinsumEquation(List<int[]> inputs, int[] output) {
    /** Marks where an ellipsis stands in a subscript list. */
    public static final int ELLIPSIS = -1;
    /** Number of letter labels (52); ellipsis dimensions get labels from here up. */
    public static final int LETTERS = 52;

    /** Parses an equation or throws IllegalArgumentException saying what is wrong. */
    public static EinsumEquation parse(String equation) {
        String eq = equation.replace(" ", "");
        String lhs = eq;
        String rhs = null;
        int arrow = eq.indexOf("->");
        if (arrow >= 0) {
            lhs = eq.substring(0, arrow);
            rhs = eq.substring(arrow + 2);
            if (rhs.contains("->")) {
                throw new IllegalArgumentException("more than one '->' in einsum equation '" + equation + "'");
            }
        }
        List<int[]> inputs = new ArrayList<>();
        for (String term : lhs.split(",", -1)) {
            inputs.add(parseTerm(term, equation));
        }
        int[] output = rhs == null ? null : parseTerm(rhs, equation);
        if (output != null) {
            boolean[] seen = new boolean[LETTERS];
            for (int label : output) {
                if (label == ELLIPSIS) {
                    continue;
                }
                if (seen[label]) {
                    throw new IllegalArgumentException("output label '" + letter(label)
                            + "' repeats in einsum equation '" + equation + "'");
                }
                seen[label] = true;
                boolean inInput = false;
                for (int[] in : inputs) {
                    for (int l : in) {
                        inInput |= l == label;
                    }
                }
                if (!inInput) {
                    throw new IllegalArgumentException("output label '" + letter(label)
                            + "' is in no input of einsum equation '" + equation + "'");
                }
            }
        }
        return new EinsumEquation(List.copyOf(inputs), output);
    }

    private static int[] parseTerm(String term, String equation) {
        List<Integer> labels = new ArrayList<>();
        boolean ellipsis = false;
        for (int i = 0; i < term.length(); i++) {
            char ch = term.charAt(i);
            if (ch == '.') {
                if (!term.startsWith("...", i) || ellipsis) {
                    throw new IllegalArgumentException("bad ellipsis in einsum term '" + term + "' of '" + equation
                            + "'");
                }
                ellipsis = true;
                labels.add(ELLIPSIS);
                i += 2;
            } else if (ch >= 'a' && ch <= 'z') {
                labels.add(ch - 'a');
            } else if (ch >= 'A' && ch <= 'Z') {
                labels.add(26 + ch - 'A');
            } else {
                throw new IllegalArgumentException("unexpected '" + ch + "' in einsum equation '" + equation + "'");
            }
        }
        return labels.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The letter of a label 0..51. */
    static char letter(int label) {
        return label < 26 ? (char) ('a' + label) : (char) ('A' + label - 26);
    }
}
