package dev.vinfer.flink.images;

/**
 * The top-k classes of one image, most probable first: class indices, their names, their probabilities.
 * (Arrays rather than a list of records so that Flink serializes it as a POJO, without Kryo.)
 */
public record Classification(String path, int[] indices, String[] labels, float[] probabilities) {

    public Classification {
        if (indices.length != labels.length || indices.length != probabilities.length) {
            throw new IllegalArgumentException("top-k arrays differ in length: " + indices.length + " indices, "
                    + labels.length + " labels, " + probabilities.length + " probabilities");
        }
    }

    public int size() {
        return indices.length;
    }
}
