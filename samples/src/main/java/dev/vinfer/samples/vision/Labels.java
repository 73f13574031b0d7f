package dev.vinfer.samples.vision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Class names for a classifier's outputs: a text file with one name per line, line i for class i. */
public final class Labels {
    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    /** Labels from a list (copied): name i for class i. */
    public static Labels of(List<String> names) {
        return new Labels(names);
    }

    /** No names: classes print as {@code class 123}. */
    public static Labels none() {
        return new Labels(List.of());
    }

    /** Reads a labels file (UTF-8); trailing empty lines are ignored, inner ones are kept as empty names. */
    public static Labels load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "labels file not found");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        while (!lines.isEmpty() && lines.getLast().isBlank()) {
            lines.removeLast();
        }
        lines.replaceAll(String::strip);
        return new Labels(lines);
    }

    /** How many names there are (0 for {@link #none()}). */
    public int size() {
        return names.size();
    }

    /**
     * The name of output {@code index} of a classifier with {@code outputs} classes. A model with one output more
     * than there are names (TensorFlow-style, class 0 = background) is read with the names shifted by one.
     */
    public String name(int index, int outputs) {
        int i = outputs == names.size() + 1 ? index - 1 : index;
        if (outputs == names.size() + 1 && index == 0) {
            return "background";
        }
        return i >= 0 && i < names.size() ? names.get(i) : "class " + index;
    }
}
