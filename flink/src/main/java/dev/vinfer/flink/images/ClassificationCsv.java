package dev.vinfer.flink.images;

import java.util.ArrayList;
import java.util.List;

/**
 * The job's CSV lines (RFC 4180 quoting: ImageNet names contain commas): {@code path}, then the k class indices,
 * the k labels and the k probabilities, most probable first. Probabilities are written with
 * {@link Float#toString}, which reads back to the very same float, so the file can be compared exactly.
 *
 * <pre>
 * path,index1,...,index5,label1,...,label5,probability1,...,probability5
 * /data/cat.png,285,281,282,...,Egyptian cat,tabby,tiger cat,...,0.8912,0.0601,...
 * </pre>
 */
public final class ClassificationCsv {
    private ClassificationCsv() {
    }

    /** The header line for top-{@code k} results (no line break). */
    public static String header(int k) {
        StringBuilder b = new StringBuilder("path");
        for (String col : new String[] {"index", "label", "probability"}) {
            for (int i = 1; i <= k; i++) {
                b.append(',').append(col).append(i);
            }
        }
        return b.toString();
    }

    /** One result as a CSV line (no line break). */
    public static String line(Classification c) {
        StringBuilder b = new StringBuilder(quote(c.path()));
        for (int index : c.indices()) {
            b.append(',').append(index);
        }
        for (String label : c.labels()) {
            b.append(',').append(quote(label));
        }
        for (float p : c.probabilities()) {
            b.append(',').append(p);
        }
        return b.toString();
    }

    /** Reads back a {@link #line} of a top-{@code k} file. */
    public static Classification parse(String line, int k) {
        List<String> f = fields(line);
        if (f.size() != 1 + 3 * k) {
            throw new IllegalArgumentException("expected " + (1 + 3 * k) + " fields for top-" + k + ", got "
                    + f.size() + ": " + line);
        }
        int[] indices = new int[k];
        String[] labels = new String[k];
        float[] probabilities = new float[k];
        for (int i = 0; i < k; i++) {
            indices[i] = Integer.parseInt(f.get(1 + i));
            labels[i] = f.get(1 + k + i);
            probabilities[i] = Float.parseFloat(f.get(1 + 2 * k + i));
        }
        return new Classification(f.get(0), indices, labels, probabilities);
    }

    /** Quotes a field if it holds a comma, a quote or a line break. */
    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Splits one CSV line into fields, undoing {@link #quote}. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in CSV line: " + line);
        }
        out.add(cur.toString());
        return out;
    }
}
