package dev.vinfer.conv;

/**
 * Where in a new {@code float[]} the first 64-byte boundary lies, so that weights and activations can start on a
 * cache line: a 16-float vector load that starts elsewhere reads two lines, and the 1x1 register tile issues two
 * weight loads per input channel.
 *
 * <p>Java places arrays, not the kernels: a HotSpot array's data starts a fixed header after the object, and objects
 * start on multiples of {@code -XX:ObjectAlignmentInBytes} (8 by default), which the garbage collector keeps when it
 * moves them. Only with an object alignment of 64 (or a multiple) is the first boundary at the same index in every
 * array for the array's whole life: {@link #floatLead()} floats in. With the default alignment it moves with the
 * heap layout, so nothing is skipped.
 *
 * <p>Measured on the Intel Xeon of sessions 21-27 (bench/README.md, "Session 27"), in one JVM with the flag, the lead
 * switched by {@code -Dvinfer.arrayLead} (0 against 12): the packed weights of the 1x1, Winograd, direct, stem and
 * gather kernels and the arena's slots on lines made ResNet-18 0.958, ResNet-50 0.932, MobileNetV2 0.973 and
 * SqueezeNet 1.1 0.953 of the time; the per-thread scratch planes (Winograd's padded planes, V, O and transform
 * scratch, the inverted bottleneck's, the classifier-and-pool node's) about 0.96-0.99 more.
 */
public final class ArrayAlignment {
    /** One cache line, one 16-lane float vector. */
    public static final int BYTES = 64;

    private static final int DETECTED = detect(VmFlags.value("ObjectAlignmentInBytes"),
            VmFlags.value("UseCompactObjectHeaders"), VmFlags.value("UseCompressedClassPointers"));

    private ArrayAlignment() {
    }

    /**
     * Floats to skip at the start of a newly allocated {@code float[]} so that the next element starts a 64-byte
     * line, or 0 when that index is not fixed (the JVM's object alignment is below 64, or its array header is not
     * known). {@code -Dvinfer.arrayLead=N} sets it (0 turns the alignment off); read at every call, which callers
     * make when they allocate.
     */
    public static int floatLead() {
        Integer forced = Integer.getInteger("vinfer.arrayLead");
        if (forced != null) {
            if (forced < 0 || forced >= BYTES / Float.BYTES) {
                throw new IllegalArgumentException("vinfer.arrayLead must be 0 to 15: " + forced);
            }
            return forced;
        }
        return DETECTED;
    }

    /**
     * The lead for HotSpot flag values as {@link VmFlags#value} gives them (null: unknown): 0 below a 64-byte object
     * alignment; else the float array's header (12 bytes with compact object headers, 16 with compressed class
     * pointers) rounded up to the line, in floats.
     */
    static int detect(String objectAlignment, String compactHeaders, String compressedClassPointers) {
        int alignment;
        try {
            alignment = objectAlignment == null ? 0 : Integer.parseInt(objectAlignment.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
        if (alignment < BYTES || alignment % BYTES != 0) {
            return 0;
        }
        int header;
        if ("true".equals(compactHeaders)) {
            header = 12;
        } else if ("true".equals(compressedClassPointers)) {
            header = 16;
        } else {
            return 0;
        }
        return (BYTES - header) / Float.BYTES;
    }
}
