package dev.vinfer.runtime;

/**
 * An {@link Operator} that copies some of its constant inputs into its own form when it prepares (packed or
 * transformed convolution weights) and afterwards no longer reads them. Once a session has prepared its ops, it
 * releases the storage of every constant whose readers all say so ({@link Tensor#isReleased()}), so that the
 * session holds the weights once, packed, rather than twice.
 */
public interface PackedConstants {

    /**
     * Whether the contents of {@code constant}, fed as input {@code index}, will not be read again in any later run:
     * the op has packed that very tensor for every input shape it can be fed (its input shapes are static, or the
     * packing does not depend on them). Asked only after the session's ops are prepared and while no run is under
     * way.
     */
    boolean packedInput(int index, Tensor constant);
}
